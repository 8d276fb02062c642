"""The card and consultation forms, with messages that say what is wrong and how to fix it."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.forms.boundfield import BoundWidget
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hotline_crm.access import may_see_client
from hotline_crm.models import (
    AgeStatus,
    BreakGlassReason,
    Client,
    ClientPhone,
    Consultation,
    MessagePolicy,
    Outcome,
    Topic,
    TopicCategory,
    TopicKind,
)
from hotline_crm.phones import display, normalise, why_invalid
from hotline_crm.roles import User
from hotline_crm.safe_contact import SAFE_CONTACT_FIELDS
from hotline_crm.services import DEMOGRAPHIC_FIELDS


class DemographicsForm(forms.ModelForm):
    """Age, gender and place: on the card and on the consultation form, which updates the card."""

    class Meta:
        model = Client
        fields = DEMOGRAPHIC_FIELDS
        widgets = {"age": forms.NumberInput(attrs={"min": 0, "max": 120, "inputmode": "numeric"})}

    def clean(self) -> dict:
        cleaned = super().clean()
        age, status = cleaned.get("age"), cleaned.get("age_status")
        if age is not None and status == AgeStatus.UNKNOWN:
            cleaned["age_status"] = AgeStatus.KNOWN  # typing an age is knowing it
        elif age is not None and status == AgeStatus.REFUSED:
            self.add_error(
                "age", _("The age is marked as refused: clear the age or mark it as known.")
            )
        elif age is None and status == AgeStatus.KNOWN:
            self.add_error("age", _("Enter the age in years, or mark it as unknown or refused."))
        return cleaned


class ClientForm(DemographicsForm):
    class Meta(DemographicsForm.Meta):
        fields = [
            "name",
            *DEMOGRAPHIC_FIELDS,
            "settlement",
            "idp_status",
            "is_confidential",
            "is_abusive",
            "notes",
            *SAFE_CONTACT_FIELDS,
        ]
        widgets = {
            **DemographicsForm.Meta.widgets,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "safe_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "safe_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "if_someone_else_answers": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and not self.is_bound:
            # A new card is confidential by default: no messages until the client says so.
            self.initial.setdefault("messages_allowed", MessagePolicy.NONE)

    def clean_safe_number(self) -> str:
        raw = self.cleaned_data["safe_number"].strip()
        if not raw:
            return ""
        reason = why_invalid(raw)
        if reason:
            raise forms.ValidationError(reason)
        return normalise(raw).value

    def clean(self) -> dict:
        cleaned = super().clean()
        if bool(cleaned.get("safe_from")) != bool(cleaned.get("safe_until")):
            self.add_error("safe_until", _("Give both ends of the safe hours, or neither."))
        return cleaned


class ClientPhoneForm(forms.ModelForm):
    number = forms.CharField(label=_("Number"), max_length=64)

    class Meta:
        model = ClientPhone
        fields = ["number", "label"]

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["label"].widget.attrs["placeholder"] = _("e.g. mobile, relative")
        self.fields["number"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        if self.instance.pk:
            self.initial["number"] = display(self.instance.number)

    def clean_number(self) -> str:
        text = self.cleaned_data["number"].strip()
        stored = self.instance
        if stored.pk and text in {stored.number, display(stored.number), stored.raw}:
            # Unchanged: a caller ID kept raw (withheld, short) stays as it came.
            return stored.number
        problem = why_invalid(text)
        if problem:
            raise ValidationError(problem, code="invalid")
        phone = normalise(text)
        self.instance.raw = phone.raw
        self.instance.is_e164 = phone.is_e164
        owner = (
            ClientPhone.objects.select_related("client")
            .filter(number=phone.value)
            .exclude(client_id=stored.client_id)
            .first()
        )
        if owner is not None:
            raise ValidationError(self._taken_message(owner.client, phone.value), code="taken")
        return phone.value

    def has_changed(self) -> bool:
        if self.is_bound and not self.instance.pk:
            # A number prefilled from the search is a number to save, though it
            # equals the initial value.
            typed = self.data.get(self.add_prefix("number"), "").strip()
            return bool(typed) or super().has_changed()
        return super().has_changed()

    def validate_unique(self) -> None:
        """The number's uniqueness is checked in clean_number, with a message naming the card."""

    def _taken_message(self, other: Client, number: str) -> str:
        if may_see_client(self.user, other):
            url, name = reverse("hotline_crm:client_detail", args=[other.pk]), str(other)
        else:
            # Searching the exact number is how a consultant opens a card they
            # have not served: the link goes through the same door.
            url = reverse("hotline_crm:workspace") + "?" + urlencode({"q": number})
            name = gettext("card #%(id)s") % {"id": other.pk}
        return format_html(
            gettext(
                "This number is already on another card: {card}. A number belongs to one "
                "card only: open that card, or remove the number here."
            ),
            card=format_html('<a href="{}">{}</a>', url, name),
        )


class BaseClientPhoneFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        # Replaces the model formset's generic duplicate check with one that says which.
        seen: set[str] = set()
        for form in self.forms:
            if self._should_delete_form(form) or not hasattr(form, "cleaned_data"):
                continue
            number = form.cleaned_data.get("number")
            if not number:
                continue
            if number in seen:
                form.add_error("number", _("This number is already entered above."))
            seen.add(number)


ClientPhoneFormSet = inlineformset_factory(
    Client,
    ClientPhone,
    form=ClientPhoneForm,
    formset=BaseClientPhoneFormSet,
    fields=["number", "label"],
    extra=1,
    can_delete=True,
)


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = [
            "caller_relation",
            "topics",
            "gbv_context",
            "summary",
            "action_taken",
            "outcome",
            "follow_up_date",
        ]
        widgets = {
            "caller_relation": forms.RadioSelect,
            "topics": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 5}),
            "action_taken": forms.Textarea(attrs={"rows": 3}),
            "follow_up_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offered = Q(is_active=True, category__is_active=True)
        if self.instance.pk:
            # A topic retired since keeps showing on the forms that used it.
            offered |= Q(pk__in=self.instance.topics.values("pk"))
        topics = self.fields["topics"]
        topics.queryset = (
            Topic.objects.filter(offered)
            .select_related("category")
            .order_by("category__order", "category__name", "order", "name")
        )
        topics.required = True
        topics.error_messages["required"] = _("Choose at least one topic.")
        outcome = self.fields["outcome"]
        outcome.required = True
        # Django's own catalogue has no Ukrainian for this label yet; using the
        # msgid here puts it in ours, which every select on the site then uses.
        outcome.choices = [("", _("- Select an option -")), *Outcome.choices]
        outcome.error_messages["required"] = _("Choose the outcome.")

    def clean(self) -> dict:
        cleaned = super().clean()
        topics = cleaned.get("topics")
        context = cleaned.get("gbv_context")
        if topics is not None:
            about_violence = any(topic.category.kind == TopicKind.GBV for topic in topics)
            if about_violence and not context:
                self.add_error(
                    "gbv_context",
                    _("Choose the context of the violence: domestic, intimate partner or other."),
                )
            elif context and not about_violence:
                self.add_error(
                    "gbv_context",
                    _(
                        "The context is only for violence topics: choose one, or set the "
                        "context to “Not applicable”."
                    ),
                )
        follow_up = cleaned.get("follow_up_date")
        if cleaned.get("outcome") == Outcome.FOLLOW_UP and not follow_up:
            self.add_error("follow_up_date", _("Set the date of the follow-up."))
        if follow_up and "follow_up_date" in self.changed_data and follow_up < timezone.localdate():
            self.add_error("follow_up_date", _("The follow-up date is in the past."))
        return cleaned

    def topic_groups(self) -> list[tuple[TopicCategory, list[BoundWidget]]]:
        """The topic checkboxes, grouped under their categories."""
        groups: list[tuple[TopicCategory, list[BoundWidget]]] = []
        for checkbox in self["topics"]:
            category = checkbox.data["value"].instance.category
            if not groups or groups[-1][0] != category:
                groups.append((category, []))
            groups[-1][1].append(checkbox)
        return groups


class BreakGlassForm(forms.Form):
    """Opening a card one does not serve: the exact number, and why."""

    number = forms.CharField(label=_("Phone number"), max_length=40)
    reason = forms.ChoiceField(
        label=_("Why do you need this card?"), choices=BreakGlassReason.choices
    )
    explanation = forms.CharField(
        label=_("Explain in a few words"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        if not normalise(number).is_e164:
            raise ValidationError(_("Type the client's full phone number."))
        return number

    def clean_explanation(self) -> str:
        text = self.cleaned_data["explanation"].strip()
        if len(text) < 5:
            raise ValidationError(_("Say why in a few words: supervisors read every opening."))
        return text
