"""What the administrator sets for the PBX; the Asterisk configuration is rendered from it."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline_asterisk_connector.destinations import validate_prefixes
from hotline_asterisk_connector.models.validators import (
    config_name,
    extension_digits,
    sip_login,
    validate_address_list,
    validate_host,
    validate_phone_text,
    validate_secret,
)


def webrtc_endpoint_name(extension: str) -> str:
    """The PJSIP endpoint of a consultant's browser phone."""
    return f"web{extension}"


def sip_endpoint_name(extension: str) -> str:
    """The PJSIP endpoint of a consultant's smartphone app."""
    return f"sip{extension}"


class Operator(models.TextChoices):
    TOLL_FREE = "toll_free", _("0-800 provider")
    KYIVSTAR = "kyivstar", _("Kyivstar")
    VODAFONE = "vodafone", _("Vodafone")
    LIFECELL = "lifecell", _("lifecell")
    OTHER = "other", _("Other")


class Transport(models.TextChoices):
    UDP = "udp", "UDP"
    TCP = "tcp", "TCP"


class Trunk(models.Model):
    """One of the line's numbers and the carrier's SIP trunk behind it."""

    name = models.SlugField(_("short name"), max_length=40, unique=True, validators=[config_name])
    operator = models.CharField(_("operator"), max_length=12, choices=Operator.choices)
    number = models.CharField(
        _("our number"), max_length=40, unique=True, validators=[validate_phone_text]
    )
    host = models.CharField(_("provider host"), max_length=200, validators=[validate_host])
    port = models.PositiveIntegerField(
        _("provider port"), default=5060, validators=[MaxValueValidator(65535)]
    )
    transport = models.CharField(
        _("transport"), max_length=3, choices=Transport.choices, default=Transport.UDP
    )
    username = models.CharField(_("SIP login"), max_length=100, blank=True, validators=[sip_login])
    password = models.CharField(
        _("SIP password"), max_length=200, blank=True, validators=[validate_secret]
    )
    register = models.BooleanField(_("register with the provider"), default=False)
    match = models.CharField(
        _("identify by address"),
        max_length=200,
        blank=True,
        validators=[validate_address_list],
        help_text=_("IP addresses or networks the provider calls from, comma-separated."),
    )
    channel_limit = models.PositiveSmallIntegerField(
        _("channel limit"), default=5, validators=[MinValueValidator(1)]
    )
    allow_outbound = models.BooleanField(_("consultants may call out from it"), default=True)
    is_default_outbound = models.BooleanField(_("default for outgoing calls"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("number and trunk")
        verbose_name_plural = _("numbers and trunks")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return f"{self.get_operator_display()} {self.number}"


class ConsultantLine(models.Model):
    """A consultant's devices on the PBX: the browser, a smartphone app, a mobile number."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consultant"),
        on_delete=models.PROTECT,
        related_name="line",
    )
    extension = models.CharField(
        _("extension"), max_length=10, unique=True, validators=[extension_digits]
    )
    webrtc_password = models.CharField(
        _("browser phone password"), max_length=100, validators=[validate_secret]
    )
    sip_password = models.CharField(
        _("smartphone app password"), max_length=100, validators=[validate_secret]
    )
    mobile_number = models.CharField(
        _("mobile number for forwarding"),
        max_length=40,
        blank=True,
        validators=[validate_phone_text],
    )
    forward_to_mobile = models.BooleanField(_("ring the mobile number too"), default=False)
    # The consultant's own choice «on the mobile» (from any browser): calls ring
    # only the mobile. Without it the mobile still takes over by itself when
    # neither the browser nor the app is reachable.
    on_mobile = models.BooleanField(_("takes calls on the mobile now"), default=False)
    in_queue = models.BooleanField(_("takes calls from the queue"), default=True)
    penalty = models.PositiveSmallIntegerField(_("queue penalty"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("consultant line")
        verbose_name_plural = _("consultant lines")
        ordering = ["extension"]

    def __str__(self) -> str:
        return f"{self.extension} {self.user.get_full_name() or self.user.get_username()}"

    @property
    def webrtc_endpoint(self) -> str:
        return webrtc_endpoint_name(self.extension)

    @property
    def sip_endpoint(self) -> str:
        return sip_endpoint_name(self.extension)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingHours(models.Model):
    """One open interval on a weekday, in Kyiv time; a day may have several."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["weekday", "opens_at"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ScheduleException(models.Model):
    """A holiday (closed all day) or a one-off day with other hours."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    is_closed = models.BooleanField(_("closed all day"), default=True)
    opens_at = models.TimeField(_("opens"), null=True, blank=True)
    closes_at = models.TimeField(_("closes"), null=True, blank=True)

    class Meta:
        verbose_name = _("holiday or exception")
        verbose_name_plural = _("holidays and exceptions")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.name}"


class QueueStrategy(models.TextChoices):
    RRMEMORY = "rrmemory", _("In turn, remembering who was last")
    LEASTRECENT = "leastrecent", _("Whoever has been free longest")
    FEWESTCALLS = "fewestcalls", _("Whoever took fewest calls")
    RINGALL = "ringall", _("Ring everyone at once")
    RANDOM = "random", _("At random")


class PbxSettings(models.Model):
    """The line's single set of queue and channel settings (always row 1)."""

    queue_strategy = models.CharField(
        _("call distribution"),
        max_length=12,
        choices=QueueStrategy.choices,
        default=QueueStrategy.LEASTRECENT,
    )
    max_wait_seconds = models.PositiveIntegerField(
        _("maximum wait in the queue, s"), default=60, validators=[MinValueValidator(5)]
    )
    ring_seconds = models.PositiveIntegerField(
        _("ring a consultant for, s"), default=20, validators=[MinValueValidator(5)]
    )
    wrapup_seconds = models.PositiveIntegerField(_("wrap-up time, s"), default=30)
    # Chosen on the working-hours page, never inferred from an empty week: the
    # weekly hours stay stored while it is on. Holidays still close the line.
    always_open = models.BooleanField(_("the line works round the clock (24/7)"), default=True)
    announce_position = models.BooleanField(_("announce position in the queue"), default=True)
    total_channel_limit = models.PositiveSmallIntegerField(
        _("simultaneous calls in total"), default=5, validators=[MinValueValidator(1)]
    )
    # Never silently: off means conversations are not recorded at all (decision 0021).
    announce_recording = models.BooleanField(
        _("record conversations with consultants"),
        default=True,
        help_text=_(
            "The caller hears that the call is recorded and may press 0 to decline; "
            "then that call is not recorded."
        ),
    )
    record_outbound = models.BooleanField(
        _("record outgoing calls"),
        default=False,
        help_text=_("From the moment the person called answers. Off unless turned on here."),
    )
    # Outgoing calls reach Ukrainian landline and mobile numbers only, unless
    # the administrator opens more (hotline_asterisk_connector/destinations.py).
    outbound_allow_other = models.BooleanField(
        _("consultants may also call the prefixes below"), default=False
    )
    outbound_prefixes = models.CharField(
        _("other allowed prefixes"),
        max_length=600,
        blank=True,
        validators=[validate_prefixes],
        help_text=_(
            "International form, separated by commas: +48 (Poland), +380800 (free 0-800 "
            "numbers). Premium-rate numbers (0900…, 070…) cannot be opened."
        ),
    )

    class Meta:
        verbose_name = _("PBX settings")
        verbose_name_plural = _("PBX settings")

    def __str__(self) -> str:
        return str(_("PBX settings"))

    @classmethod
    def load(cls) -> "PbxSettings":
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row
