"""Demo users, clients and consultations for a first look at the workspace. Safe to run twice."""

import datetime
import os
import secrets
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from hotline_crm import services
from hotline_crm.models import (
    AgeStatus,
    CallbackSafety,
    CallerRelation,
    Client,
    ClientPhone,
    Consultation,
    GbvContext,
    Gender,
    IdpStatus,
    MessagePolicy,
    Oblast,
    Outcome,
    SettlementType,
    Topic,
)
from hotline_crm.phones import display, normalise
from hotline_crm.roles import Role

USERS = [
    ("consultant", Role.CONSULTANT, "Олена", "Коваль"),
    ("consultant2", Role.CONSULTANT, "Ірина", "Бондар"),
    ("supervisor", Role.SUPERVISOR, "Наталія", "Мельник"),
    ("admin", Role.ADMINISTRATOR, "Андрій", "Шевченко"),
]

# Each client: the card, then its consultations as (author, days ago, topic codes, fields).
CLIENTS = [
    {
        "number": "+380670000001",
        "card": {
            "name": "Марія",
            "age": 24,
            "age_status": AgeStatus.KNOWN,
            "gender": Gender.FEMALE,
            "oblast": Oblast.DNIPROPETROVSK,
            "settlement_type": SettlementType.CITY,
            "settlement": "Дніпро",
            "callback_safety": CallbackSafety.SAFE,
        },
        "consultations": [
            (
                "consultant",
                12,
                ["emergency-contraception"],
                {
                    "summary": "Питала про екстрену контрацепцію після незахищеного контакту.",
                    "action_taken": "Пояснила строки прийому, дала адреси аптек і клініки.",
                    "outcome": Outcome.INFORMED,
                },
            ),
            (
                "consultant",
                2,
                ["contraception-choice"],
                {
                    "summary": "Обирає метод тривалої контрацепції.",
                    "action_taken": "Направлено до гінеколога в жіночій консультації.",
                    "outcome": Outcome.REFERRED,
                },
            ),
        ],
    },
    {
        "number": "+380500000002",
        "card": {
            "name": "",
            "age_status": AgeStatus.REFUSED,
            "gender": Gender.FEMALE,
            "oblast": Oblast.ZAPORIZHZHIA,
            "settlement_type": SettlementType.VILLAGE,
            "idp_status": IdpStatus.IDP,
            # She lives with the partner who threatens her: only while he is at work.
            "callback_safety": CallbackSafety.SAFE,
            "safe_from": datetime.time(10, 0),
            "safe_until": datetime.time(12, 0),
            "safe_number": "+380500000002",
            "messages_allowed": MessagePolicy.NONE,
            "code_word": "замовлення з аптеки",
            "if_someone_else_answers": (
                "Сказати, що телефонуєте з аптеки щодо замовлення, і попрощатися. "
                "Не називати гарячу лінію і не питати про неї."
            ),
        },
        "consultations": [
            (
                "consultant2",
                5,
                ["gbv-psychological-abuse", "gbv-safety-shelter"],
                {
                    "gbv_context": GbvContext.INTIMATE_PARTNER,
                    "summary": "Партнер погрожує і контролює гроші. Просила про притулок.",
                    "action_taken": "Склали план безпеки, дала контакти притулку.",
                    "outcome": Outcome.FOLLOW_UP,
                    "follow_up_date": 3,
                },
            ),
        ],
    },
    {
        "number": "+380930000003",
        "card": {
            "name": "Андрій К.",
            "age": 17,
            "age_status": AgeStatus.KNOWN,
            "gender": Gender.MALE,
            "oblast": Oblast.DNIPROPETROVSK,
            "settlement_type": SettlementType.SETTLEMENT,
            "settlement": "Покровська громада",
        },
        "consultations": [
            (
                "consultant",
                1,
                ["hiv-testing", "first-sex-consent"],
                {
                    "summary": "Де анонімно пройти тест на ВІЛ, питання про згоду.",
                    "action_taken": "Дала адресу дружньої до молоді клініки.",
                    "outcome": Outcome.REFERRED,
                },
            ),
        ],
    },
    {
        "number": "+380631112233",
        "card": {"name": "", "oblast": Oblast.KYIV_CITY, "settlement_type": SettlementType.CITY},
        "consultations": [
            ("consultant2", 3, ["silent"], {"outcome": Outcome.NO_COUNSELLING}),
        ],
    },
    {
        "number": "+380661234567",
        "card": {
            "name": "Світлана",
            "age": 51,
            "age_status": AgeStatus.KNOWN,
            "gender": Gender.FEMALE,
            "oblast": Oblast.ZAPORIZHZHIA,
            "settlement_type": SettlementType.CITY,
            "settlement": "Запоріжжя",
        },
        "consultations": [],
    },
]


class Command(BaseCommand):
    help = "Create demo users (printing their passwords once), clients and consultations."

    def handle(self, *args, **options) -> None:
        password = os.environ.get("DEMO_PASSWORD", "")
        users = {}
        self.stdout.write("Demo users (a new password is shown only this once):")
        for username, role, first_name, last_name in USERS:
            users[username] = self._user(username, role, first_name, last_name, password)
        created = sum(self._client(entry, users) for entry in CLIENTS)
        self.stdout.write(
            self.style.SUCCESS(f"Demo clients: {created} created, {len(CLIENTS) - created} there.")
        )

    def _user(self, username: str, role: Role, first: str, last: str, password: str) -> User:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        user.groups.add(Group.objects.get(name=role.value))
        if not created:
            self.stdout.write(f"  {username:<12} ({role.value}) exists; password unchanged")
            return user
        chosen = password or secrets.token_urlsafe(9)
        user.set_password(chosen)
        user.save(update_fields=["password"])
        self.stdout.write(f"  {username:<12} ({role.value}) password: {chosen}")
        return user

    @transaction.atomic
    def _client(self, entry: dict, users: dict[str, User]) -> bool:
        phone = normalise(entry["number"])
        if ClientPhone.objects.filter(number=phone.value).exists():
            return False
        author = users["consultant"]
        client = services.create_client(
            by=author,
            client=Client(**entry["card"]),
            phones=[ClientPhone(number=phone.value, raw=display(phone.value), is_e164=True)],
        )
        for username, days_ago, topic_codes, fields in entry["consultations"]:
            self._consultation(client, users[username], days_ago, topic_codes, dict(fields))
        newest = client.consultations.values_list("created_at", flat=True).first()
        Client.objects.filter(pk=client.pk).update(last_contact_at=newest)
        return True

    def _consultation(
        self, client: Client, by: User, days_ago: int, topic_codes: list[str], fields: dict
    ) -> None:
        when = timezone.now() - timedelta(days=days_ago)
        if "follow_up_date" in fields:
            fields["follow_up_date"] = timezone.localdate() + timedelta(
                days=fields["follow_up_date"]
            )
        consultation = services.record_consultation(
            by=by,
            client=client,
            consultation=Consultation(caller_relation=CallerRelation.SELF, **fields),
            topics=Topic.objects.filter(code__in=topic_codes),
        )
        # Backdated so the history reads like a real one.
        Consultation.objects.filter(pk=consultation.pk).update(created_at=when)
