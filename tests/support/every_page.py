"""Every page of every app, for each role that may open it, with data as long as
real data gets.

The pages come from the role matrix (tests/access/test_role_matrix.py), which
walks the URL resolver and fails for a URL it has no entry for: a new page is
in these lists as soon as it is in the matrix. A page is an entry opened with
GET that answers 200 to the role. The Django admin is left out: it is
Django's own (and axes' and django-otp's), a tool of last resort for the
administrator, and its catalogues are not ours to complete.

`long_world` puts beside the matrix's objects what makes tables wide in real
use: a dozen consultants with long double-barrelled names, long comments and
summaries, long settlement names, calls of every kind with legs, and the
daily jobs' results.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from hotline_admin import daily
from hotline_asterisk_connector.models import (
    Call,
    CallComment,
    CallLeg,
    ConsultantLine,
    ConsultantState,
    Disposition,
    PresenceState,
)
from hotline_crm.models import Oblast, SettlementType
from hotline_crm.roles import Role
from hotline_workspace.models import Kind, WorklistItem
from tests.access.test_role_matrix import MATRIX, ROLES, ROUTES
from tests.access.test_role_matrix import (
    world as world,
)  # the fixture, for the modules that import it
from tests.crm.conftest import new_consultation

# The signed-in roles and the persona who plays each.
PERSONAS = {"consultant": "alice", "supervisor": "carol", "administrator": "dave"}

LONG_COMMENT = (
    "Абонентка телефонувала з лікарні, просила перетелефонувати після вісімнадцятої "
    "години на інший номер; чоловік поруч, говорити вільно не може, домовилися про "
    "кодове слово «квіти» і про те, що консультантка не називатиме організацію."
)
LONG_SETTLEMENT = "Новоолександрівська сільська територіальна громада Дніпровського району"
CONSULTANTS = [
    ("Олександра-Вікторія", "Костянтинівська-Подільська"),
    ("Анастасія-Марія", "Сидоренко-Великохатько"),
    ("Христина-Олена", "Шевченко-Заболотна"),
    ("Єлизавета", "Дніпропетровська-Квітчастенко"),
    ("Святослава", "Перепелиця-Закарпатська"),
    ("Катерина-Ярослава", "Гнатюк-Ходорківська"),
    ("Валентина", "Переяславська-Білоцерківська"),
    ("Мирослава", "Олійник-Красносільська"),
    ("Ангеліна", "Коцюбинська-Тернопільська"),
    ("Людмила", "Новоград-Волинська"),
]
MANY_STATES = [
    PresenceState.AVAILABLE,
    PresenceState.ON_CALL,
    PresenceState.PAUSED,
    PresenceState.RINGING,
    PresenceState.LOGGED_OUT,
]


# Not pages but files and answers for scripts: they are checked by the role
# matrix, not read by a person.
NOT_PAGES = {
    "hotline_workspace:recording",
    "hotline_workspace:voicemail_audio",
    "hotline_workspace:ice",
    "hotline_admin:prompt_audio",
    "hotline_admin:backup_download",
    "hotline_reports:donors",
    "hotline_reports:export_page",
    "hotline_reports:export_table",
    "hotline_audit:export",
}


@dataclass(frozen=True)
class Page:
    key: str  # the URL's name in the resolver
    url: str

    def __str__(self) -> str:
        return f"{self.key} {self.url}"


def pages_for(role: str, world: dict) -> list[Page]:
    """The pages `role` (a key of PERSONAS) may open, with the world's objects in their URLs."""
    column = ROLES.index(PERSONAS[role])
    return [
        Page(route.key, reverse(route.key, kwargs=MATRIX[route.key].kwargs(world)))
        for route in ROUTES
        if not route.is_admin
        and route.named
        and route.key not in NOT_PAGES
        and MATRIX[route.key].method == "get"
        and MATRIX[route.key].expected[column] == 200
    ]


def refused_pages(role: str, world: dict) -> list[Page]:
    """The pages the role's own menu does not offer it: 403 by the matrix."""
    column = ROLES.index(PERSONAS[role])
    return [
        Page(route.key, reverse(route.key, kwargs=MATRIX[route.key].kwargs(world)))
        for route in ROUTES
        if not route.is_admin
        and MATRIX[route.key].method == "get"
        and MATRIX[route.key].expected[column] == 403
    ]


@pytest.fixture
def long_world(world) -> dict:
    """The matrix's objects, and beside them the long names and texts of real use."""
    alice = world["alice"]
    now = timezone.now()
    card = world["card"]
    card.name = "Олександра-Вікторія Костянтинівська-Подільська"
    card.settlement = LONG_SETTLEMENT
    card.oblast = Oblast.DNIPROPETROVSK
    card.settlement_type = SettlementType.VILLAGE
    card.notes = LONG_COMMENT
    card.save()
    form = world["form"]
    form.summary = LONG_COMMENT
    form.action_taken = LONG_COMMENT
    form.save()
    alice.last_name = "Костянтинівська-Подільська"
    alice.save()
    consultants = []
    for index, (first, last) in enumerate(CONSULTANTS):
        # No password: hashing ten of them would be most of the test's time.
        user = User.objects.create(
            username=f"consultant{index:02d}", first_name=first, last_name=last
        )
        user.groups.add(Group.objects.get(name=Role.CONSULTANT.value))
        ConsultantLine.objects.create(user=user, extension=f"{2001 + index}")
        ConsultantState.objects.create(user=user, state=MANY_STATES[index % len(MANY_STATES)])
        consultants.append(user)
    for index, user in enumerate(consultants):
        started = now - datetime.timedelta(hours=index + 1)
        call = Call.objects.create(
            linkedid=f"1800000{index:03d}.1",
            caller_number=f"+38067{index:07d}",
            caller_name="Дуже-Довге-Ім'я-Абонента-З-Мережі",
            dialled_number="0800500001",
            client=card if index % 2 else None,
            consultant=user,
            disposition=Disposition.ANSWERED,
            started_at=started,
            answered_at=started + datetime.timedelta(seconds=20),
            ended_at=started + datetime.timedelta(minutes=14),
            wait_seconds=20,
            talk_seconds=820,
            recording_file="call.wav",
        )
        CallLeg.objects.create(
            call=call,
            uniqueid=f"1800000{index:03d}.2",
            consultant=user,
            interface=f"PJSIP/{2001 + index}-browser",
            ring_seconds=4,
        )
        CallComment.objects.create(call=call, author=user, text=LONG_COMMENT)
        new_consultation(user, card, summary=LONG_COMMENT, action_taken=LONG_COMMENT)
    CallComment.objects.create(call=world["call"], author=alice, text=LONG_COMMENT)
    world["voicemail"].outcome_note = LONG_COMMENT
    world["voicemail"].save()
    for index in range(3):
        missed = Call.objects.create(
            linkedid=f"1900000{index:03d}.1",
            caller_number=f"+38050{index:07d}",
            disposition=Disposition.ABANDONED,
            started_at=now - datetime.timedelta(minutes=10 * index + 5),
            wait_seconds=95,
        )
        WorklistItem.objects.create(
            kind=Kind.MISSED, call=missed, caller_number=missed.caller_number
        )
        WorklistItem.objects.create(
            kind=Kind.VOICEMAIL,
            call=Call.objects.create(
                linkedid=f"1910000{index:03d}.1",
                caller_number=f"+38063{index:07d}",
                disposition=Disposition.VOICEMAIL,
            ),
            caller_number=f"+38063{index:07d}",
            audio_file="msg.wav",
            duration_seconds=58,
        )
        WorklistItem.objects.create(
            kind=Kind.CALLBACK,
            caller_number=f"+38066{index:07d}",
            number_to_call=f"+38066{index:07d}",
            outcome_note=LONG_COMMENT,
        )
    world["consultants"] = consultants
    # The daily jobs, run for real: their results are on the settings pages.
    daily.run_due_jobs(timezone.localtime(now).replace(hour=23, minute=59))
    return world
