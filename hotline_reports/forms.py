"""The filter forms of the report pages (GET parameters, so every view is a link)."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hotline_asterisk_connector.models import CallDirection, Trunk
from hotline_crm.models import CallerRelation, Gender, Oblast, SettlementType, Topic, TopicCategory
from hotline_crm.roles import Role
from hotline_reports.filters import CallFilter, ConsultationFilter
from hotline_reports.periods import Period, Preset, preset_period
from hotline_reports.pivots import DIMENSIONS

# Years of data a report may span; more is a typo, not a question.
MAX_PERIOD_DAYS = 10 * 366
ANY = [("", _("All"))]


def staff_users() -> QuerySet:
    roles = [role.value for role in Role]
    return (
        get_user_model()
        .objects.filter(groups__name__in=roles)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class ConsultantChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=get_user_model().objects.none(), empty_label=_("All"), **kwargs)

    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


def dialled_number_choices() -> list[tuple[str, str]]:
    return ANY + [(trunk.number, str(trunk)) for trunk in Trunk.objects.all()]


class PeriodForm(forms.Form):
    preset = forms.ChoiceField(
        label=_("Period"),
        choices=[c for c in Preset.choices if c[0] != Preset.CUSTOM],
        required=False,
        initial=Preset.THIS_MONTH,
        help_text=_("Or give the first and the last day below."),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if not (first or last) and "date_from" not in self.errors and "date_to" not in self.errors:
            data["period"] = preset_period(data.get("preset") or Preset.THIS_MONTH)
            return data
        if not first or not last:
            raise forms.ValidationError(_("Give both the first and the last day of the period."))
        if last < first:
            raise forms.ValidationError(_("The last day comes before the first day."))
        if (last - first).days >= MAX_PERIOD_DAYS:
            raise forms.ValidationError(_("A report can span at most ten years."))
        data["period"] = Period(first, last)
        return data


class CallFilterForm(PeriodForm):
    dialled_number = forms.ChoiceField(label=_("Hotline number"), required=False)
    consultant = ConsultantChoiceField(label=_("Consultant"), required=False)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=ANY + CallDirection.choices, required=False
    )

    def __init__(self, *args, with_consultant: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dialled_number"].choices = dialled_number_choices()
        if with_consultant:
            self.fields["consultant"].queryset = staff_users()
        else:
            del self.fields["consultant"]

    def call_filter(self, consultant_id: int | None = None) -> CallFilter:
        """The filter the form describes; `consultant_id` overrides the choice (own stats)."""
        data = self.cleaned_data
        chosen = data.get("consultant")
        return CallFilter(
            period=data["period"],
            dialled_number=data.get("dialled_number") or "",
            consultant_id=consultant_id or (chosen.pk if chosen else None),
            direction=data.get("direction") or "",
        )


def _dimension_choices() -> list[tuple[str, str]]:
    return [(key, dimension.label) for key, dimension in DIMENSIONS.items()]


class ConsultationFilterForm(PeriodForm):
    dialled_number = forms.ChoiceField(label=_("Hotline number"), required=False)
    consultant = ConsultantChoiceField(label=_("Consultant"), required=False)
    oblast = forms.ChoiceField(
        label=_("Oblast"), choices=ANY + [c for c in Oblast.choices if c[0]], required=False
    )
    settlement_type = forms.ChoiceField(
        label=_("Settlement type"),
        choices=ANY + [c for c in SettlementType.choices if c[0]],
        required=False,
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=ANY + [c for c in Gender.choices if c[0]], required=False
    )
    age_min = forms.IntegerField(label=_("Age from"), min_value=0, max_value=120, required=False)
    age_max = forms.IntegerField(label=_("Age to"), min_value=0, max_value=120, required=False)
    caller_relation = forms.ChoiceField(
        label=_("Who is calling"), choices=ANY + CallerRelation.choices, required=False
    )
    topic_category = forms.ModelChoiceField(
        label=_("Topic category"),
        queryset=TopicCategory.objects.all(),
        required=False,
        empty_label=_("All"),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.select_related("category").order_by(
            "category__order", "category__name", "order", "name"
        ),
        required=False,
        empty_label=_("All"),
    )
    rows = forms.ChoiceField(label=_("Rows"), required=False, initial="age_band")
    columns = forms.ChoiceField(label=_("Columns"), required=False, initial="topic_category")

    def __init__(self, *args, with_consultant: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dialled_number"].choices = dialled_number_choices()
        self.fields["rows"].choices = _dimension_choices()
        self.fields["columns"].choices = _dimension_choices()
        if with_consultant:
            self.fields["consultant"].queryset = staff_users()
        else:
            del self.fields["consultant"]
            for key in ("rows", "columns"):
                self.fields[key].choices = [c for c in _dimension_choices() if c[0] != "consultant"]

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and high < low:
            self.add_error("age_max", _("The upper age is below the lower one."))
        data["rows"] = data.get("rows") or "age_band"
        data["columns"] = data.get("columns") or "topic_category"
        return data

    def consultation_filter(self, consultant_id: int | None = None) -> ConsultationFilter:
        data = self.cleaned_data
        chosen = data.get("consultant")
        return ConsultationFilter(
            period=data["period"],
            dialled_number=data.get("dialled_number") or "",
            consultant_id=consultant_id or (chosen.pk if chosen else None),
            oblast=data.get("oblast") or "",
            settlement_type=data.get("settlement_type") or "",
            gender=data.get("gender") or "",
            caller_relation=data.get("caller_relation") or "",
            age_min=data.get("age_min"),
            age_max=data.get("age_max"),
            topic_category_id=data["topic_category"].pk if data.get("topic_category") else None,
            topic_id=data["topic"].pk if data.get("topic") else None,
        )
