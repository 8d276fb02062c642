"""The call journal: calls, who was rung, comments, reconciliations with the PBX.

Rows are written by the connector daemon from Asterisk's events, keyed by
Asterisk's own identifiers so that the same event seen twice changes nothing.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CallDirection(models.TextChoices):
    INBOUND = "inbound", _("Incoming")
    OUTBOUND = "outbound", _("Outgoing")


class Disposition(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    ABANDONED = "abandoned", _("Abandoned in queue")
    OFF_HOURS = "off_hours", _("Outside working hours")
    NOBODY_AVAILABLE = "nobody_available", _("Nobody available")
    VOICEMAIL = "voicemail", _("Voice message left")
    CALLBACK_REQUESTED = "callback_requested", _("Callback requested")
    OVER_LIMIT = "over_limit", _("Over the channel limit")
    OUTBOUND_ANSWERED = "outbound_answered", _("Outgoing, answered")
    OUTBOUND_NOT_ANSWERED = "outbound_not_answered", _("Outgoing, not answered")

    @classmethod
    def missed(cls) -> list[str]:
        """Inbound outcomes in which no consultant talked to the caller."""
        return [
            cls.ABANDONED,
            cls.OFF_HOURS,
            cls.NOBODY_AVAILABLE,
            cls.VOICEMAIL,
            cls.CALLBACK_REQUESTED,
            cls.OVER_LIMIT,
        ]


class Call(models.Model):
    linkedid = models.CharField(_("Asterisk linked ID"), max_length=64, unique=True)
    uniqueid = models.CharField(_("Asterisk unique ID"), max_length=64, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=CallDirection.choices, default=CallDirection.INBOUND
    )
    dialled_number = models.CharField(_("hotline number"), max_length=40, blank=True)
    caller_number = models.CharField(_("caller number"), max_length=64, blank=True)
    caller_number_raw = models.CharField(_("caller number as sent"), max_length=128, blank=True)
    caller_name = models.CharField(_("caller name as sent"), max_length=128, blank=True)
    # The caller withheld their number («anonymous», `Privacy: id`…): there is
    # no number to identify them by or to call back.
    caller_withheld = models.BooleanField(_("number withheld"), default=False)
    callee_number = models.CharField(_("number called"), max_length=64, blank=True)
    client = models.ForeignKey(
        "hotline_crm.Client",
        verbose_name=_("client"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consultant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
    )
    consultation = models.OneToOneField(
        "hotline_crm.Consultation",
        verbose_name=_("consultation form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call",
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(_("wait, s"), null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(_("talk, s"), null=True, blank=True)
    disposition = models.CharField(
        _("outcome"), max_length=24, choices=Disposition.choices, default=Disposition.IN_PROGRESS
    )
    recording_file = models.CharField(_("recording"), max_length=255, blank=True)
    # The consultant's phone went silent mid-call (a dead browser, a lost
    # network): Asterisk hung their side up and the caller went back to the queue.
    consultant_lost_at = models.DateTimeField(
        _("consultant's connection lost"), null=True, blank=True
    )
    lost_consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consultant whose connection was lost"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lost_calls",
    )
    # The caller pressed the decline key after the recording notice.
    recording_declined = models.BooleanField(_("caller declined recording"), default=False)
    # The connector was away for part of the call: its outcome stays provisional
    # (no missed-call task) until Asterisk's call records have been merged.
    records_pending = models.BooleanField(_("awaiting Asterisk's records"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["started_at"], name="call_started_idx"),
            models.Index(fields=["disposition", "started_at"], name="call_disposition_idx"),
            models.Index(fields=["consultant", "started_at"], name="call_consultant_idx"),
            models.Index(fields=["dialled_number", "started_at"], name="call_dialled_idx"),
            models.Index(fields=["caller_number"], name="call_caller_idx"),
            # The records sweep looks for the few calls awaiting Asterisk's records.
            models.Index(
                fields=["started_at"],
                condition=models.Q(records_pending=True),
                name="call_records_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.caller_number or self.callee_number}"

    def outcome_display(self) -> str:
        """The outcome as the journal shows it: until the caller hangs up nothing is
        settled (a caller at the «nobody free» menu may still be answered)."""
        if self.ended_at is None:
            return str(Disposition.IN_PROGRESS.label)
        return self.get_disposition_display()

    def recording_display(self) -> str:
        """Why a call has no recording, when the reason matters to whoever reads the journal."""
        if self.recording_declined and not self.recording_file:
            return str(_("Not recorded (the caller declined)"))
        return ""

    def answered_device(self) -> str:
        """Which phone took the call (the browser, the app or the mobile), or ""."""
        leg = self.legs.filter(answered_at__isnull=False).exclude(answered_on="").first()
        return leg.get_answered_on_display() if leg else ""


class Device(models.TextChoices):
    """Which of a consultant's phones took a call."""

    BROWSER = "browser", _("Browser phone")
    APP = "app", _("Smartphone app")
    MOBILE = "mobile", _("Mobile number")


class CallLeg(models.Model):
    """One consultant device rung for a call: who was tried, for how long, who answered."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="legs")
    uniqueid = models.CharField(max_length=64, unique=True)
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consultant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="call_legs",
    )
    interface = models.CharField(_("device"), max_length=128, blank=True)
    answered_on = models.CharField(
        _("answered on"), max_length=8, choices=Device.choices, blank=True
    )
    rang_at = models.DateTimeField(_("rang"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ring_seconds = models.PositiveIntegerField(_("ringing, s"), null=True, blank=True)

    class Meta:
        verbose_name = _("call leg")
        verbose_name_plural = _("call legs")
        ordering = ["rang_at"]
        indexes = [
            # A consultant's journal holds the calls they were rung for: the ids of
            # their legs come from this index alone, not from years of leg rows.
            models.Index(fields=["consultant", "call"], name="callleg_consultant_call_idx"),
        ]

    def __str__(self) -> str:
        return self.interface or self.uniqueid


class CallComment(models.Model):
    """A note on a call. Comments are added, never edited, so the journal stays honest."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="call_comments",
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("call comment")
        verbose_name_plural = _("call comments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class Reconciliation(models.Model):
    """One comparison of the journal with Asterisk's own records (reconcile.py)."""

    checked_at = models.DateTimeField(_("checked"), default=timezone.now)
    since = models.DateTimeField(_("calls since"))
    trigger = models.CharField(_("run by"), max_length=20)
    calls_checked = models.PositiveIntegerField(_("calls checked"), default=0)
    differences = models.PositiveIntegerField(_("differences"), default=0)
    fixed = models.PositiveIntegerField(_("corrected"), default=0)
    details = models.TextField(_("differences found"), blank=True)

    class Meta:
        verbose_name = _("reconciliation with the PBX")
        verbose_name_plural = _("reconciliations with the PBX")
        ordering = ["-checked_at"]
        get_latest_by = "checked_at"

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M}: {self.differences}"
