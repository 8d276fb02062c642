"""A realistic synthetic data set for the report benchmark: calls, legs, voicemails,
callbacks, clients and consultation forms spread over a few years.

Rows are written in bulk: COPY on PostgreSQL, batched INSERTs elsewhere, with
primary keys assigned here so that rows can point at each other without a
round trip. Everything is random but seeded, so two runs give the same data.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from hotline_asterisk_connector.models import (
    Call,
    CallDirection,
    CallLeg,
    Disposition,
    Operator,
    Trunk,
)
from hotline_crm.models import AgeStatus, CallerRelation, Client, Consultation, Topic
from hotline_crm.roles import Role
from hotline_reports.periods import local_zone
from hotline_workspace.models import Kind, WorklistItem, WorkStatus


class Weighted:
    """Values with weights, the cumulative weights worked out once (choices() is hot)."""

    def __init__(self, weighted: list[tuple[Any, float]]) -> None:
        self.values = [value for value, _weight in weighted]
        self.cumulative = list(accumulate(weight for _value, weight in weighted))

    def pick(self, rng: random.Random) -> Any:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


# Share of calls by hour of the day (Kyiv), Monday to Friday; weekends are quieter.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 15, 13, 12, 13, 14, 15, 16, 15, 12, 9, 6, 3, 2]
WEEKDAY_WEIGHTS = [1.1, 1.05, 1.0, 1.0, 0.95, 0.6, 0.45]
# Open Monday to Friday 09–21, Saturday 10–18, closed on Sunday.
OPENING = {0: (9, 21), 1: (9, 21), 2: (9, 21), 3: (9, 21), 4: (9, 21), 5: (10, 18)}
LINES = [
    ("toll-free", Operator.TOLL_FREE, "0800300100", 0.70),
    ("kyivstar", Operator.KYIVSTAR, "+380671230000", 0.12),
    ("vodafone", Operator.VODAFONE, "+380501230000", 0.10),
    ("lifecell", Operator.LIFECELL, "+380631230000", 0.08),
]
INBOUND_OUTCOMES = Weighted(
    [
        (Disposition.ANSWERED, 0.80),
        (Disposition.ABANDONED, 0.09),
        (Disposition.NOBODY_AVAILABLE, 0.03),
        (Disposition.VOICEMAIL, 0.04),
        (Disposition.CALLBACK_REQUESTED, 0.04),
    ]
)
AGE_BANDS = Weighted(
    [((10, 13), 4), ((14, 17), 12), ((18, 24), 26), ((25, 34), 28), ((35, 49), 20), ((50, 80), 10)]
)
GENDERS = Weighted([("female", 72), ("male", 25), ("other", 1), ("", 2)])
OBLASTS = Weighted(
    [("UA-12", 52), ("UA-23", 38), ("UA-14", 3), ("UA-63", 2), ("UA-30", 2), ("", 3)]
)
SETTLEMENTS = Weighted([("city", 55), ("settlement", 15), ("village", 25), ("", 5)])
AGE_STATUSES = Weighted([(AgeStatus.KNOWN, 80), (AgeStatus.UNKNOWN, 15), (AgeStatus.REFUSED, 5)])
TOPIC_COUNTS = Weighted([(1, 60), (2, 30), (3, 10)])
INBOUND_LINES = Weighted([(number, share) for _name, _operator, number, share in LINES])
OUTBOUND_LINES = Weighted([(number, share) for _name, _operator, number, share in LINES[1:]])


class BulkWriter:
    """Rows of one model into its table; missing fields take the field's default."""

    def __init__(self, model: type[models.Model], batch: int = 20_000) -> None:
        self.model = model
        self.fields = model._meta.concrete_fields
        self.batch = batch
        self.rows: list[tuple] = []
        moment = timezone.now()
        self.defaults: dict[str, Any] = {}  # in the order of self.fields
        for field in self.fields:
            default = field.get_default() if field.has_default() else None
            if default is None and not field.null and isinstance(field, models.DateTimeField):
                default = moment  # auto_now / auto_now_add fields
            if (
                default is None
                and not field.null
                and isinstance(field, models.CharField | models.TextField)
            ):
                default = ""
            self.defaults[field.attname] = default

    def add(self, **values: Any) -> None:
        get = values.get
        self.rows.append(tuple([get(name, default) for name, default in self.defaults.items()]))
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                # Names come from the model and are quoted; the values are parameters.
                insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
                # Other databases store values their own way (SQLite: UTC text).
                prepared = [
                    [
                        f.get_db_prep_save(v, connection)
                        for f, v in zip(self.fields, row, strict=True)
                    ]
                    for row in self.rows
                ]
                cursor.executemany(insert, prepared)
        self.rows = []


class Ids:
    """Primary keys handed out here, after the highest one already used."""

    def __init__(self, model: type[models.Model]) -> None:
        self.next = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    def take(self) -> int:
        self.next += 1
        return self.next - 1


@dataclass
class Summary:
    calls: int = 0
    legs: int = 0
    consultations: int = 0
    clients: int = 0
    voicemails: int = 0
    callbacks: int = 0


class DemoDataset:
    def __init__(
        self, calls: int, consultations: int, years: float, end: date, seed: int = 1
    ) -> None:
        self.calls = calls
        self.consultations = consultations
        self.end = end
        self.days = max(1, round(years * 365.25))
        self.rng = random.Random(seed)  # noqa: S311  (synthetic data, seeded on purpose)
        self.zone = local_zone()
        self.summary = Summary()
        # Each weekday-hour slot's share of the calls.
        self.slots = [(d, h) for d in range(7) for h in range(24)]
        self.slot_weights = list(
            accumulate(WEEKDAY_WEIGHTS[d] * HOUR_WEIGHTS[h] for d, h in self.slots)
        )

    # Reference rows the calls point at.

    def prepare(self) -> None:
        group = Group.objects.get_or_create(name=Role.CONSULTANT.value)[0]
        users = get_user_model().objects
        self.consultants = []
        for number in range(1, 9):
            user, created = users.get_or_create(
                username=f"demo-consultant-{number}",
                defaults={"first_name": f"Консультант {number}", "is_active": True},
            )
            if created:
                user.set_unusable_password()
                user.save()
            user.groups.add(group)
            self.consultants.append(user.pk)
        for name, operator, number, _share in LINES:
            Trunk.objects.get_or_create(
                number=number,
                defaults={"name": f"demo-{name}", "operator": operator, "host": "127.0.0.1"},
            )
        topics = list(Topic.objects.filter(is_active=True).select_related("category"))
        if not topics:
            raise ValueError("No topics: run the migrations first (they seed the taxonomy).")
        # SRH topics come up far more often than the rest, contraception most.
        self.topics = [t.pk for t in topics]
        self.topic_weights = list(
            accumulate(
                6 if t.category.code == "contraception" else 3 if t.category.kind == "srh" else 1
                for t in topics
            )
        )

    # One random thing each.

    def moment(self) -> datetime:
        first = self.end - timedelta(days=self.days - 1)
        weekday, hour = self.rng.choices(self.slots, cum_weights=self.slot_weights)[0]
        # A random week, then the chosen weekday of it (clamped into the range).
        day = first + timedelta(days=self.rng.randrange(self.days))
        day += timedelta(days=(weekday - day.weekday()) % 7)
        if day > self.end:
            day -= timedelta(days=7)
        seconds = self.rng.randrange(3600)
        local = datetime.combine(day, time(hour), tzinfo=self.zone)
        return local + timedelta(seconds=seconds)

    def is_open(self, moment: datetime) -> bool:
        hours = OPENING.get(moment.weekday())
        return hours is not None and hours[0] <= moment.hour < hours[1]

    def talk(self) -> int:
        return min(3600, max(15, round(self.rng.lognormvariate(math.log(300), 0.7))))

    def line(self) -> str:
        return INBOUND_LINES.pick(self.rng)

    def phone(self) -> str:
        # A pool of ~250,000 numbers, so that people call more than once.
        return f"+38067{self.rng.randrange(1_000_000, 1_250_000):07d}"

    # Writing.

    def write(self) -> Summary:
        with transaction.atomic():
            self.prepare()
            self._write_rows()
        self._reset_sequences()
        if connection.vendor == "postgresql":
            # As autovacuum would have done on a database that grew over years:
            # statistics for the planner, and the visibility map index-only scans need.
            # VACUUM cannot run inside a transaction (a test's, for one): ANALYZE can.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        return self.summary

    def _write_rows(self) -> None:
        writers = {
            model: BulkWriter(model)
            for model in (
                Client,
                Consultation,
                Consultation.topics.through,
                Call,
                CallLeg,
                WorklistItem,
            )
        }
        self.writers = writers
        self.ids = {model: Ids(model) for model in writers}
        self.seen_clients: list[tuple[int, dict[str, Any]]] = []
        # Calls answered are about 70 % of all; forms are written for a share of them.
        form_share = min(1.0, self.consultations / max(1, self.calls * 0.70))
        for _ in range(self.calls):
            self._call(form_share)
        while self.summary.consultations < self.consultations:
            self._consultation(self.moment(), self.rng.choice(self.consultants))
        for writer in writers.values():
            writer.flush()

    def _call(self, form_share: float) -> None:
        rng, started = self.rng, self.moment()
        call_id = self.ids[Call].take()
        row: dict[str, Any] = {
            "id": call_id,
            "linkedid": f"demo-{call_id}",
            "uniqueid": f"demo-{call_id}",
            "started_at": started,
            "created_at": started,
            "updated_at": started,
            "dialled_number": self.line(),
        }
        if self.is_open(started) and rng.random() < 0.12:
            self._outbound(row)
        elif not self.is_open(started):
            row.update(caller_number=self.phone(), disposition=Disposition.OFF_HOURS)
            row["ended_at"] = started + timedelta(seconds=25)
            if rng.random() < 0.15:
                row["disposition"] = Disposition.VOICEMAIL
        elif rng.random() < 0.02:
            row.update(caller_number=self.phone(), disposition=Disposition.OVER_LIMIT)
            row["ended_at"] = started + timedelta(seconds=10)
        else:
            self._queued(row, form_share)
        self.writers[Call].add(**row)
        self.summary.calls += 1
        if row["disposition"] == Disposition.VOICEMAIL:
            self._worklist(
                Kind.VOICEMAIL, row, audio_file=f"demo/{call_id}.wav", duration_seconds=40
            )
        elif row["disposition"] == Disposition.CALLBACK_REQUESTED:
            self._worklist(Kind.CALLBACK, row, number_to_call=row["caller_number"])

    def _outbound(self, row: dict[str, Any]) -> None:
        rng = self.rng
        consultant = rng.choice(self.consultants)
        row.update(
            direction=CallDirection.OUTBOUND,
            callee_number=self.phone(),
            consultant_id=consultant,
            dialled_number=OUTBOUND_LINES.pick(rng),
        )
        if rng.random() < 0.7:
            talk = self.talk()
            row.update(
                disposition=Disposition.OUTBOUND_ANSWERED,
                answered_at=row["started_at"] + timedelta(seconds=12),
                talk_seconds=talk,
                ended_at=row["started_at"] + timedelta(seconds=12 + talk),
            )
        else:
            row.update(
                disposition=Disposition.OUTBOUND_NOT_ANSWERED,
                ended_at=row["started_at"] + timedelta(seconds=30),
            )

    def _queued(self, row: dict[str, Any], form_share: float) -> None:
        rng, started = self.rng, row["started_at"]
        outcome = INBOUND_OUTCOMES.pick(rng)
        queued = started + timedelta(seconds=8)
        row.update(caller_number=self.phone(), queued_at=queued, disposition=outcome)
        if outcome == Disposition.ANSWERED:
            wait = min(300, max(1, round(rng.expovariate(1 / 18))))
            talk = self.talk()
            consultant = rng.choice(self.consultants)
            answered = queued + timedelta(seconds=wait)
            row.update(
                wait_seconds=wait,
                answered_at=answered,
                talk_seconds=talk,
                ended_at=answered + timedelta(seconds=talk),
                consultant_id=consultant,
            )
            if rng.random() < 0.25:
                other = rng.choice([c for c in self.consultants if c != consultant])
                self._leg(row, other, queued, None)
            self._leg(row, consultant, answered - timedelta(seconds=min(wait, 6)), answered)
            if rng.random() < form_share and self.summary.consultations < self.consultations:
                row["consultation_id"] = self._consultation(row["ended_at"], consultant)
        else:
            wait = rng.randrange(5, 120) if outcome == Disposition.ABANDONED else 60
            row.update(wait_seconds=wait, ended_at=queued + timedelta(seconds=wait + 20))
            if rng.random() < 0.5:
                self._leg(row, rng.choice(self.consultants), queued, None)

    def _leg(self, row: dict, consultant: int, rang: datetime, answered: datetime | None) -> None:
        leg_id = self.ids[CallLeg].take()
        ended = answered or rang + timedelta(seconds=20)
        self.writers[CallLeg].add(
            id=leg_id,
            call_id=row["id"],
            uniqueid=f"demo-leg-{leg_id}",
            consultant_id=consultant,
            interface=f"PJSIP/demo{consultant}",
            rang_at=rang,
            answered_at=answered,
            ended_at=ended,
            ring_seconds=round((ended - rang).total_seconds()),
        )
        self.summary.legs += 1

    def _worklist(self, kind: Kind, row: dict, **extra) -> None:
        rng, created = self.rng, row["started_at"] + timedelta(seconds=60)
        values: dict[str, Any] = {
            "id": self.ids[WorklistItem].take(),
            "kind": kind,
            "call_id": row["id"],
            "caller_number": row["caller_number"],
            "dialled_number": row["dialled_number"],
            "created_at": created,
            **extra,
        }
        done = created + timedelta(seconds=round(rng.expovariate(1 / 10_800)) + 300)
        if done < timezone.now() - timedelta(days=1):
            values.update(
                status=WorkStatus.DONE,
                taken_by_id=rng.choice(self.consultants),
                taken_at=done - timedelta(seconds=300),
                done_at=done,
                attempts=1 + (rng.random() < 0.3),
            )
        self.writers[WorklistItem].add(**values)
        if kind == Kind.VOICEMAIL:
            self.summary.voicemails += 1
        else:
            self.summary.callbacks += 1

    def _client(self, moment: datetime) -> tuple[int, dict[str, Any]]:
        """A new card, or (a third of the time) one of the cards seen before."""
        rng = self.rng
        if self.seen_clients and rng.random() < 1 / 3:
            return rng.choice(self.seen_clients)
        age_status = AGE_STATUSES.pick(rng)
        low, high = AGE_BANDS.pick(rng)
        demographics = {
            "age": rng.randint(low, high) if age_status == AgeStatus.KNOWN else None,
            "age_status": age_status,
            "gender": GENDERS.pick(rng),
            "oblast": OBLASTS.pick(rng),
            "settlement_type": SETTLEMENTS.pick(rng),
        }
        client_id = self.ids[Client].take()
        self.writers[Client].add(
            id=client_id, created_at=moment, updated_at=moment, last_contact_at=moment,
            **demographics,
        )  # fmt: skip
        self.summary.clients += 1
        if len(self.seen_clients) < 50_000:
            self.seen_clients.append((client_id, demographics))
        else:
            self.seen_clients[rng.randrange(50_000)] = (client_id, demographics)
        return client_id, demographics

    def _consultation(self, moment: datetime, consultant: int) -> int:
        rng = self.rng
        client_id, demographics = self._client(moment)
        form_id = self.ids[Consultation].take()
        self.writers[Consultation].add(
            id=form_id,
            client_id=client_id,
            consultant_id=consultant,
            caller_relation=CallerRelation.SELF
            if rng.random() < 0.85
            else CallerRelation.THIRD_PARTY,
            created_at=moment,
            updated_at=moment,
            **{f"snapshot_{name}": value for name, value in demographics.items()},
        )
        topics = set(
            rng.choices(self.topics, cum_weights=self.topic_weights, k=TOPIC_COUNTS.pick(rng))
        )
        for topic in topics:
            self.writers[Consultation.topics.through].add(
                id=self.ids[Consultation.topics.through].take(),
                consultation_id=form_id,
                topic_id=topic,
            )
        self.summary.consultations += 1
        return form_id

    def _reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.writers))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
