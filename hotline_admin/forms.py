"""The settings pages' forms; every message in Ukrainian through gettext."""

from django import forms
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hotline_admin.backup_key import check_public_key
from hotline_admin.models import MaintenanceSettings
from hotline_asterisk_connector.models import (
    ConsultantLine,
    PbxSettings,
    ScheduleException,
    Trunk,
)
from hotline_crm.models import Topic, TopicCategory
from hotline_crm.phones import normalise
from hotline_crm.roles import Role
from hotline_reports.models import ReportSettings

ROLE_CHOICES = [
    (Role.CONSULTANT.value, _("Consultant")),
    (Role.SUPERVISOR.value, _("Supervisor")),
    (Role.ADMINISTRATOR.value, _("Administrator")),
]


def clean_phone(raw: str) -> str:
    if not raw.strip():
        return ""
    phone = normalise(raw)
    if not phone.is_e164:
        raise ValidationError(
            _("This is not a phone number we can call. Write it as 067 123 45 67 or +380671234567.")
        )
    return phone.value


class ConsultantLineFields(forms.Form):
    """What the consultant page and the new consultant page share."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, initial=Role.CONSULTANT.value)
    in_queue = forms.BooleanField(
        label=_("Takes calls from the queue"), required=False, initial=True
    )
    penalty = forms.IntegerField(
        label=_("Queue penalty"),
        min_value=0,
        max_value=100,
        initial=0,
        help_text=_(
            "0 for everyone is fair. A consultant with a higher penalty is rung only when "
            "everyone with a lower one is busy."
        ),
    )
    mobile_number = forms.CharField(
        label=_("Mobile number for forwarding"), max_length=40, required=False
    )
    forward_to_mobile = forms.BooleanField(
        label=_("Ring the mobile number too (for instance, during a power cut)"),
        required=False,
    )

    def clean_mobile_number(self) -> str:
        return clean_phone(self.cleaned_data["mobile_number"])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("forward_to_mobile") and not data.get("mobile_number"):
            self.add_error("mobile_number", _("Enter the number to forward calls to."))
        return data


class NewConsultantForm(ConsultantLineFields):
    username = forms.CharField(
        label=_("Login"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @/./+/-/_ only; the consultant signs in with it."),
    )
    field_order = ["username", "first_name", "last_name", "email", "role"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This login is taken. Choose another one."))
        return username


class ConsultantForm(ConsultantLineFields):
    @classmethod
    def initial_for(cls, line: ConsultantLine, role: Role | None) -> dict:
        return {
            "first_name": line.user.first_name,
            "last_name": line.user.last_name,
            "email": line.user.email,
            "role": role.value if role else Role.CONSULTANT.value,
            "in_queue": line.in_queue,
            "penalty": line.penalty,
            "mobile_number": line.mobile_number,
            "forward_to_mobile": line.forward_to_mobile,
        }


class TrunkForm(forms.ModelForm):
    class Meta:
        model = Trunk
        fields = [
            "name",
            "operator",
            "number",
            "host",
            "port",
            "transport",
            "username",
            "password",
            "register",
            "match",
            "channel_limit",
            "allow_outbound",
            "is_default_outbound",
            "is_active",
            "order",
        ]
        widgets = {"password": forms.PasswordInput(render_value=True)}

    def clean_number(self) -> str:
        number = clean_phone(self.cleaned_data["number"])
        if not number:
            raise ValidationError(_("Enter the number."))
        return number

    def clean_host(self) -> str:
        host = self.cleaned_data["host"].strip()
        if not host or any(c.isspace() or c in ";,<>\"'" for c in host):
            raise ValidationError(
                _("Enter the provider's address as they gave it, e.g. sip.provider.ua.")
            )
        return host

    def clean(self) -> dict:
        data = super().clean()
        if data.get("is_default_outbound") and not data.get("allow_outbound"):
            self.add_error(
                "is_default_outbound",
                _("The default number for outgoing calls must allow outgoing calls."),
            )
        if data.get("register") and not (data.get("username") and data.get("password")):
            self.add_error(
                "username", _("To register with the provider, enter the login and password.")
            )
        return data


class ScheduleExceptionForm(forms.ModelForm):
    class Meta:
        model = ScheduleException
        fields = ["date", "name", "is_closed", "opens_at", "closes_at"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self) -> dict:
        data = super().clean()
        if data.get("is_closed"):
            data["opens_at"] = data["closes_at"] = None
            return data
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if not opens or not closes:
            raise ValidationError(_("Give the hours of that day, or mark it as closed all day."))
        if closes <= opens:
            raise ValidationError(_("The line must close after it opens."))
        return data


class QueueForm(forms.ModelForm):
    class Meta:
        model = PbxSettings
        fields = [
            "queue_strategy",
            "max_wait_seconds",
            "ring_seconds",
            "wrapup_seconds",
            "announce_position",
            "total_channel_limit",
        ]


class RecordingForm(forms.ModelForm):
    class Meta:
        model = PbxSettings
        fields = ["announce_recording", "record_outbound"]

    def changes(self) -> str:
        """What was switched, for the change log: «record outgoing calls: on»."""
        return "; ".join(
            f"{self.fields[name].label}: {_('on') if self.cleaned_data[name] else _('off')}"
            for name in self.changed_data
        )


class OutboundForm(forms.ModelForm):
    class Meta:
        model = PbxSettings
        fields = ["outbound_allow_other", "outbound_prefixes"]


class TopicCategoryForm(forms.ModelForm):
    class Meta:
        model = TopicCategory
        fields = ["name", "name_en", "code", "kind", "order", "is_active"]


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["category", "name", "name_en", "code", "order", "is_active"]


class ReportSettingsForm(forms.ModelForm):
    class Meta:
        model = ReportSettings
        fields = ["age_band_set", "service_level_seconds"]


class RetentionForm(forms.ModelForm):
    class Meta:
        model = MaintenanceSettings
        fields = [
            "recordings_keep_days",
            "client_data_keep_months",
            "audit_keep_months",
            "pbx_log_keep_days",
        ]


class BackupSettingsForm(forms.ModelForm):
    class Meta:
        model = MaintenanceSettings
        fields = ["daily_backup", "backups_keep", "backups_keep_days", "daily_jobs_at"]
        widgets = {"daily_jobs_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


class BackupKeyForm(forms.Form):
    """An age public key of the administrator's own, instead of one made here."""

    public_key = forms.CharField(
        label=_("Your own age public key"), max_length=100, help_text=_("Starts with age1.")
    )

    def clean_public_key(self) -> str:
        return check_public_key(self.cleaned_data["public_key"])


def backup_key_field() -> forms.CharField:
    return forms.CharField(
        label=_("Backup key (for an encrypted backup)"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("The secret key shown when the backup key was created: AGE-SECRET-KEY-1…"),
    )


class RestoreForm(forms.Form):
    archive = forms.FileField(label=_("Backup file (.tar.gz.age or .tar.gz)"))
    key = backup_key_field()
    confirm = forms.BooleanField(
        label=_(
            "I understand that everything now in the system is replaced by the backup's contents."
        )
    )


def _months_to_year_end() -> int:
    from django.utils import timezone

    return 12 - timezone.localdate().month + 1


class OutageCostsForm(forms.Form):
    """Today's prices, typed in by the administrator; the defaults are assumptions
    to check (docs/power-outage-plan.uk.md says where each comes from)."""

    consultants = forms.IntegerField(label=_("Consultants"), min_value=1, max_value=50, initial=4)
    months = forms.IntegerField(
        label=_("Months to plan for"), min_value=1, max_value=36, initial=_months_to_year_end
    )
    minutes_per_month = forms.IntegerField(
        label=_("Talk minutes a month without power (whole line)"),
        min_value=0,
        max_value=1_000_000,
        initial=3000,
    )
    smartphone = forms.DecimalField(
        label=_("One smartphone for a SIP app, UAH"), min_value=0, decimal_places=2, initial=6000
    )
    smartphones_to_buy = forms.IntegerField(
        label=_("Smartphones to buy"), min_value=0, max_value=50, initial=4
    )
    sim_card = forms.DecimalField(
        label=_("One SIM card, UAH"), min_value=0, decimal_places=2, initial=50
    )
    data_package_per_month = forms.DecimalField(
        label=_("Mobile package with internet, UAH a month per SIM"),
        min_value=0,
        decimal_places=2,
        initial=400,
    )
    minute_to_mobile = forms.DecimalField(
        label=_("A minute from our line to a mobile, UAH"),
        min_value=0,
        decimal_places=2,
        initial=2,
    )
    voice_package_per_month = forms.DecimalField(
        label=_("Voice package on a consultant's own mobile, UAH a month"),
        min_value=0,
        decimal_places=2,
        initial=0,
    )
    power_station = forms.DecimalField(
        label=_("One UPS or power station for a home router, UAH"),
        min_value=0,
        decimal_places=2,
        initial=8000,
    )
