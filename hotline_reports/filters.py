"""What a report is narrowed to, and the querysets that apply it."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from hotline_asterisk_connector.models import Call, CallLeg
from hotline_crm.models import AgeStatus, Consultation
from hotline_reports.periods import Period
from hotline_workspace.models import Kind, WorklistItem


@dataclass(frozen=True)
class CallFilter:
    period: Period
    dialled_number: str = ""
    consultant_id: int | None = None
    direction: str = ""
    # Query results shared by the tables of one page: a filter lives for one request.
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def remember(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def calls(self) -> QuerySet[Call]:
        calls = Call.objects.filter(
            started_at__gte=self.period.start, started_at__lt=self.period.end
        )
        if self.dialled_number:
            calls = calls.filter(dialled_number=self.dialled_number)
        if self.consultant_id:
            calls = calls.filter(consultant_id=self.consultant_id)
        if self.direction:
            calls = calls.filter(direction=self.direction)
        # No default ordering: it would end up in every GROUP BY.
        return calls.order_by()

    def legs(self) -> QuerySet[CallLeg]:
        # By the leg's own ring time: no join with the calls unless a filter needs one.
        legs = CallLeg.objects.filter(rang_at__gte=self.period.start, rang_at__lt=self.period.end)
        if self.dialled_number:
            legs = legs.filter(call__dialled_number=self.dialled_number)
        if self.consultant_id:
            legs = legs.filter(consultant_id=self.consultant_id)
        if self.direction:
            legs = legs.filter(call__direction=self.direction)
        return legs.order_by()

    def worklist(self, kind: Kind | None = None) -> QuerySet[WorklistItem]:
        """Voicemails or callback requests (`kind`; both without one) received in the
        period.

        They all come from incoming calls, so the direction does not narrow
        them; the consultant is the one who took the item.
        """
        items = WorklistItem.objects.filter(
            created_at__gte=self.period.start, created_at__lt=self.period.end
        )
        if kind:
            items = items.filter(kind=kind)
        if self.dialled_number:
            items = items.filter(dialled_number=self.dialled_number)
        if self.consultant_id:
            items = items.filter(taken_by_id=self.consultant_id)
        return items.order_by()


@dataclass(frozen=True)
class ConsultationFilter:
    period: Period
    dialled_number: str = ""
    consultant_id: int | None = None
    oblast: str = ""
    settlement_type: str = ""
    gender: str = ""
    caller_relation: str = ""
    age_min: int | None = None
    age_max: int | None = None
    topic_category_id: int | None = None
    topic_id: int | None = None
    # Query results shared by the tables of one page: a filter lives for one request.
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def remember(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def consultations(self) -> QuerySet[Consultation]:
        forms = Consultation.objects.filter(
            created_at__gte=self.period.start, created_at__lt=self.period.end
        )
        exact = {
            "call__dialled_number": self.dialled_number,
            "consultant_id": self.consultant_id,
            "snapshot_oblast": self.oblast,
            "snapshot_settlement_type": self.settlement_type,
            "snapshot_gender": self.gender,
            "caller_relation": self.caller_relation,
        }
        forms = forms.filter(**{name: value for name, value in exact.items() if value})
        if self.age_min is not None or self.age_max is not None:
            forms = forms.filter(snapshot_age_status=AgeStatus.KNOWN, snapshot_age__isnull=False)
        if self.age_min is not None:
            forms = forms.filter(snapshot_age__gte=self.age_min)
        if self.age_max is not None:
            forms = forms.filter(snapshot_age__lte=self.age_max)
        forms = forms.filter(self._topic_condition())
        return forms.order_by()

    def _topic_condition(self) -> Q:
        # EXISTS rather than a join: a form about two topics of the chosen
        # category must still count once.
        if not (self.topic_id or self.topic_category_id):
            return Q()
        through = Consultation.topics.through.objects.filter(consultation_id=OuterRef("pk"))
        if self.topic_id:
            through = through.filter(topic_id=self.topic_id)
        if self.topic_category_id:
            through = through.filter(topic__category_id=self.topic_category_id)
        return Q(Exists(through))
