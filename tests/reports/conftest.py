"""A small hand-made month of calls and consultations (March 2025, Kyiv time).

Every expected figure in the report tests is worked out by hand from the
lists below; the comments next to each row give what it contributes.
1 March 2025 is a Saturday; Kyiv is UTC+2 until 30 March, then UTC+3.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from hotline_asterisk_connector.models import (
    Call,
    CallDirection,
    CallLeg,
    Disposition,
)
from hotline_crm.models import (
    AgeStatus,
    CallerRelation,
    Client,
    Consultation,
    Topic,
    TopicCategory,
    TopicKind,
)
from hotline_reports.periods import Period
from hotline_workspace.models import Kind, WorklistItem, WorkStatus

KYIV = ZoneInfo("Europe/Kyiv")
TOLL_FREE = "0800300100"
KYIVSTAR = "+380671234567"
MARCH = Period(datetime(2025, 3, 1).date(), datetime(2025, 3, 31).date())


def kyiv(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=KYIV)


@dataclass
class March:
    calls: dict[str, Call]
    forms: dict[str, Consultation]
    topics: dict[str, Topic]
    categories: dict[str, TopicCategory]


def make_call(name: str, started: datetime, **fields) -> Call:
    wait = fields.get("wait_seconds")
    if wait is not None or fields.pop("queued", False):
        fields.setdefault("queued_at", started + timedelta(seconds=3))
    if fields.get("disposition") in (Disposition.ANSWERED, Disposition.OUTBOUND_ANSWERED):
        fields.setdefault("answered_at", started + timedelta(seconds=3 + (wait or 0)))
    if fields.get("direction", CallDirection.INBOUND) == CallDirection.INBOUND:
        fields.setdefault("caller_number", "+380991234567")
    return Call.objects.create(linkedid=f"test-{name}", started_at=started, **fields)


def build_calls(alice: User, bob: User) -> dict[str, Call]:
    answered = Disposition.ANSWERED
    calls = {
        # Answered: waits 10, 25, 5, 40, 20 (three within 20 s); talks 300, 120, 600, 60, 180.
        "A1": make_call(
            "A1",
            kyiv(3, 10, 15),
            dialled_number=TOLL_FREE,
            wait_seconds=10,
            disposition=answered,
            consultant=alice,
            talk_seconds=300,
        ),
        "A2": make_call(
            "A2",
            kyiv(3, 10, 40),
            dialled_number=TOLL_FREE,
            wait_seconds=25,
            disposition=answered,
            consultant=alice,
            talk_seconds=120,
        ),
        "A3": make_call(
            "A3",
            kyiv(4, 14, 5),
            dialled_number=KYIVSTAR,
            wait_seconds=5,
            disposition=answered,
            consultant=bob,
            talk_seconds=600,
        ),
        # Saturday 23:30 in Kyiv.
        "A4": make_call(
            "A4",
            kyiv(8, 23, 30),
            dialled_number=TOLL_FREE,
            wait_seconds=40,
            disposition=answered,
            consultant=bob,
            talk_seconds=60,
        ),
        # 00:30 on 1 March in Kyiv is still 28 February in UTC: it belongs to March.
        "A5": make_call(
            "A5",
            kyiv(1, 0, 30),
            dialled_number=TOLL_FREE,
            wait_seconds=20,
            disposition=answered,
            consultant=alice,
            talk_seconds=180,
        ),
        # Missed, one of each reason.
        "M1": make_call(
            "M1",
            kyiv(3, 10, 20),
            dialled_number=TOLL_FREE,
            wait_seconds=50,
            disposition=Disposition.ABANDONED,
        ),
        # Sunday 01:10 in Kyiv, Saturday 23:10 in UTC.
        "M2": make_call(
            "M2", kyiv(2, 1, 10), dialled_number=TOLL_FREE, disposition=Disposition.OFF_HOURS
        ),
        "M3": make_call(
            "M3",
            kyiv(4, 14, 30),
            dialled_number=KYIVSTAR,
            wait_seconds=60,
            disposition=Disposition.VOICEMAIL,
        ),
        "M4": make_call(
            "M4",
            kyiv(5, 9, 0),
            dialled_number=TOLL_FREE,
            wait_seconds=30,
            disposition=Disposition.CALLBACK_REQUESTED,
        ),
        "M5": make_call(
            "M5", kyiv(5, 9, 5), dialled_number=TOLL_FREE, disposition=Disposition.OVER_LIMIT
        ),
        "M6": make_call(
            "M6",
            kyiv(5, 9, 10),
            dialled_number=TOLL_FREE,
            wait_seconds=15,
            disposition=Disposition.NOBODY_AVAILABLE,
        ),
        # Outgoing: one answered (talk 240), one not.
        "O1": make_call(
            "O1",
            kyiv(5, 11, 0),
            direction=CallDirection.OUTBOUND,
            dialled_number=KYIVSTAR,
            callee_number="+380501112233",
            disposition=Disposition.OUTBOUND_ANSWERED,
            consultant=alice,
            talk_seconds=240,
        ),
        "O2": make_call(
            "O2",
            kyiv(5, 11, 30),
            direction=CallDirection.OUTBOUND,
            dialled_number=TOLL_FREE,
            callee_number="+380501112244",
            disposition=Disposition.OUTBOUND_NOT_ANSWERED,
            consultant=bob,
        ),
        # Still waiting in the queue (after the switch to summer time).
        "P1": make_call(
            "P1",
            kyiv(31, 12, 0),
            dialled_number=TOLL_FREE,
            queued=True,
            disposition=Disposition.IN_PROGRESS,
        ),
        # 00:30 on 1 April in Kyiv is 31 March in UTC: not in March.
        "X1": make_call(
            "X1",
            kyiv(1, 0, 30, month=4),
            dialled_number=TOLL_FREE,
            wait_seconds=1,
            disposition=answered,
            consultant=bob,
            talk_seconds=999,
        ),
    }
    # Bob was rung for A1 first and did not answer; Alice then answered it.
    # Alice was rung for M1 and did not answer. A leg still ringing is no miss yet.
    a1, m1, p1 = calls["A1"], calls["M1"], calls["P1"]
    CallLeg.objects.create(
        call=a1,
        uniqueid="leg-1",
        consultant=bob,
        rang_at=a1.started_at,
        ended_at=a1.started_at + timedelta(seconds=8),
    )
    CallLeg.objects.create(
        call=a1,
        uniqueid="leg-2",
        consultant=alice,
        rang_at=a1.started_at,
        answered_at=a1.answered_at,
        ended_at=a1.answered_at,
    )
    CallLeg.objects.create(
        call=m1,
        uniqueid="leg-3",
        consultant=alice,
        rang_at=m1.started_at,
        ended_at=m1.started_at + timedelta(seconds=20),
    )
    CallLeg.objects.create(call=p1, uniqueid="leg-4", consultant=bob, rang_at=p1.started_at)
    return calls


def build_worklist(calls: dict[str, Call], alice: User, bob: User) -> None:
    done, pending, taken = WorkStatus.DONE, WorkStatus.PENDING, WorkStatus.TAKEN
    # Voicemails: one handled after 2 h, one waiting.
    WorklistItem.objects.create(
        kind=Kind.VOICEMAIL,
        call=calls["M3"],
        caller_number="+380991234567",
        dialled_number=KYIVSTAR,
        audio_file="vm1.wav",
        created_at=kyiv(4, 14, 31),
        status=done,
        taken_by=alice,
        done_at=kyiv(4, 16, 31),
    )
    WorklistItem.objects.create(
        kind=Kind.VOICEMAIL,
        caller_number="+380991234568",
        dialled_number=TOLL_FREE,
        audio_file="vm2.wav",
        created_at=kyiv(2, 1, 12),
        status=pending,
    )
    # Callbacks: done after 5400 s (Bob) and 1800 s (Alice), one waiting, one being called.
    WorklistItem.objects.create(
        kind=Kind.CALLBACK,
        call=calls["M4"],
        number_to_call="+380991234569",
        dialled_number=TOLL_FREE,
        created_at=kyiv(5, 9, 1),
        status=done,
        taken_by=bob,
        done_at=kyiv(5, 10, 31),
    )
    WorklistItem.objects.create(
        kind=Kind.CALLBACK,
        number_to_call="+380991234570",
        dialled_number=TOLL_FREE,
        created_at=kyiv(5, 9, 30),
        status=pending,
    )
    WorklistItem.objects.create(
        kind=Kind.CALLBACK,
        number_to_call="+380991234571",
        dialled_number=TOLL_FREE,
        created_at=kyiv(31, 10, 0),
        status=taken,
        taken_by=alice,
    )
    WorklistItem.objects.create(
        kind=Kind.CALLBACK,
        number_to_call="+380991234572",
        dialled_number=KYIVSTAR,
        created_at=kyiv(20, 10, 0),
        status=done,
        taken_by=alice,
        done_at=kyiv(20, 10, 30),
    )
    # Received in April: not counted.
    WorklistItem.objects.create(
        kind=Kind.CALLBACK,
        number_to_call="+380991234573",
        dialled_number=TOLL_FREE,
        created_at=kyiv(1, 0, 10, month=4),
        status=done,
        taken_by=bob,
        done_at=kyiv(1, 9, 0, month=4),
    )


def build_topics() -> tuple[dict[str, TopicCategory], dict[str, Topic]]:
    """Topics of the seeded taxonomy, by their fixed codes (created if a flush removed them)."""

    def category(code: str, name: str, kind: str) -> TopicCategory:
        return TopicCategory.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind}
        )[0]

    categories = {
        "contraception": category("contraception", "Контрацепція", TopicKind.SRH),
        "violence": category("gbv-incident", "Тип насильства (GBVIMS)", TopicKind.GBV),
        "other": category("non-counselling", "Звернення без консультації", TopicKind.OTHER),
    }

    def topic(code: str, name: str, parent: str) -> Topic:
        return Topic.objects.get_or_create(
            code=code, defaults={"name": name, "category": categories[parent]}
        )[0]

    topics = {
        "ec": topic("emergency-contraception", "Екстрена контрацепція", "contraception"),
        "choice": topic("contraception-choice", "Вибір методу контрацепції", "contraception"),
        "assault": topic("gbv-physical-assault", "Фізичне насильство", "violence"),
        "abuse": topic("gbv-psychological-abuse", "Психологічне насильство", "violence"),
        "silent": topic("silent", "Мовчазний дзвінок", "other"),
    }
    return categories, topics


def build_forms(
    calls: dict[str, Call], topics: dict[str, Topic], alice: User, bob: User
) -> dict[str, Consultation]:
    known, self_, third = AgeStatus.KNOWN, CallerRelation.SELF, CallerRelation.THIRD_PARTY
    rows = {
        # name: consultant, call, created, age, age status, gender, oblast, settlement,
        #       who is calling, topics
        "C1": (
            alice,
            "A1",
            kyiv(3, 10, 25),
            15,
            known,
            "female",
            "UA-23",
            "village",
            self_,
            ["ec"],
        ),
        "C2": (
            alice,
            "A2",
            kyiv(3, 10, 45),
            16,
            known,
            "female",
            "UA-23",
            "village",
            self_,
            ["choice", "ec"],
        ),
        "C3": (bob, "A3", kyiv(4, 14, 20), 17, known, "male", "UA-23", "city", self_, ["choice"]),
        "C4": (
            bob,
            "A4",
            kyiv(8, 23, 35),
            13,
            known,
            "female",
            "UA-23",
            "village",
            third,
            ["assault"],
        ),
        "C5": (
            alice,
            "A5",
            kyiv(1, 0, 40),
            30,
            known,
            "female",
            "UA-12",
            "city",
            self_,
            ["abuse", "ec"],
        ),
        "C6": (
            alice,
            None,
            kyiv(10, 12, 0),
            None,
            AgeStatus.UNKNOWN,
            "",
            "",
            "",
            self_,
            ["silent"],
        ),
        "C7": (
            bob,
            None,
            kyiv(11, 12, 0),
            None,
            AgeStatus.REFUSED,
            "female",
            "UA-12",
            "settlement",
            self_,
            [],
        ),
        "C8": (
            alice,
            "O1",
            kyiv(5, 11, 10),
            22,
            known,
            "female",
            "UA-23",
            "village",
            self_,
            ["ec"],
        ),
        # 2 April: outside March.
        "C9": (
            alice,
            None,
            kyiv(2, 12, 0, month=4),
            15,
            known,
            "female",
            "UA-23",
            "village",
            self_,
            ["choice"],
        ),
        "C10": (
            bob,
            None,
            kyiv(12, 12, 0),
            50,
            known,
            "male",
            "UA-14",
            "village",
            third,
            ["assault"],
        ),
        "C11": (
            alice,
            None,
            kyiv(13, 12, 0),
            14,
            known,
            "female",
            "UA-23",
            "settlement",
            self_,
            ["choice"],
        ),
        "C12": (bob, None, kyiv(14, 12, 0), 18, known, "female", "UA-23", "village", self_, ["ec"]),
    }
    forms = {}
    for name, (
        consultant,
        call,
        created,
        age,
        status,
        gender,
        oblast,
        settlement,
        relation,
        topic_names,
    ) in rows.items():
        client = Client.objects.create(
            name=f"Клієнтка {name}",
            age=age,
            age_status=status,
            gender=gender,
            oblast=oblast,
            settlement_type=settlement,
        )
        form = Consultation(
            client=client, consultant=consultant, created_at=created, caller_relation=relation
        )
        form.take_snapshot()
        form.save()
        form.topics.set([topics[t] for t in topic_names])
        if call:
            Call.objects.filter(pk=calls[call].pk).update(consultation=form)
        forms[name] = form
    return forms


@pytest.fixture
def march(alice: User, bob: User) -> March:
    calls = build_calls(alice, bob)
    build_worklist(calls, alice, bob)
    categories, topics = build_topics()
    forms = build_forms(calls, topics, alice, bob)
    return March(calls=calls, forms=forms, topics=topics, categories=categories)
