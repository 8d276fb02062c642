"""The desk's own rows: the worklist (one table) and a consultant's running wrap-up.

The worklist: every caller waiting for someone to call back or listen.

A missed call, a voice message and a callback request are one kind of task
with one status cycle (waiting → being called back → done, with the attempts,
the outcome, who and when); what differs is a few fields of their own. The
connector only says what happened (`publish.MessageLeft`,
`publish.CallbackRequested`, `publish.CallChanged`); the rows are the
workspace's, written by `hotline_workspace.worklist` (decision 0031).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline_asterisk_connector.models.calls import Call


class Kind(models.TextChoices):
    MISSED = "missed", _("Missed call")
    VOICEMAIL = "voicemail", _("Voice message")
    CALLBACK = "callback", _("Callback request")


class WorkStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    TAKEN = "taken", _("Being called back")
    DONE = "done", _("Done")


OPEN = [WorkStatus.PENDING, WorkStatus.TAKEN]


class WorklistItem(models.Model):
    """One caller to call back (or one message to hear): taken by one consultant at a time."""

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The call the task came from: the voice message's or the callback request's
    # call, or the missed call. A later call from the same number adds no task.
    call = models.OneToOneField(
        Call,
        verbose_name=_("call"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="worklist_item",
    )
    caller_number = models.CharField(_("caller number"), max_length=64, blank=True)
    caller_number_raw = models.CharField(_("caller number as sent"), max_length=128, blank=True)
    dialled_number = models.CharField(_("hotline number"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=WorkStatus.choices, default=WorkStatus.PENDING
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    # A voice message's own.
    audio_file = models.CharField(_("audio file"), max_length=255, blank=True)
    duration_seconds = models.PositiveIntegerField(_("length, s"), null=True, blank=True)
    # A callback request's own.
    number_to_call = models.CharField(_("number to call back"), max_length=64, blank=True)
    # Asked by the menu: may the consultant who calls back say where they call
    # from when someone else answers? Unknown (None) means no: assume not.
    may_say_who_we_are = models.BooleanField(
        _("may say who we are to someone else"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("worklist item")
        verbose_name_plural = _("worklist items")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="worklist_status_idx"),
            models.Index(fields=["kind", "created_at"], name="worklist_kind_idx"),
            # A new missed call looks for the caller's open task.
            models.Index(
                fields=["caller_number"],
                condition=models.Q(status__in=OPEN),
                name="worklist_open_caller_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="worklist_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.caller_number or self.caller_number_raw

    @property
    def dial_number(self) -> str:
        """The number a consultant calls back: the one keyed in, else the caller's."""
        return self.number_to_call or self.caller_number


class WrapUpPause(models.Model):
    """A consultant's wrap-up while it runs: its end survives a restart of the web
    process, which then resumes the countdown or ends the pause (wrapup.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField(_("wrap-up ends at"))

    class Meta:
        verbose_name = _("wrap-up pause")
        verbose_name_plural = _("wrap-up pauses")

    def __str__(self) -> str:
        return f"{self.user_id} until {self.until:%H:%M:%S}"
