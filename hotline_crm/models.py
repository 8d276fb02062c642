"""The client card, the topic taxonomy and the consultation form."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Oblast(models.TextChoices):
    """Every oblast of Ukraine (ISO 3166-2:UA codes), the line's own two first."""

    DNIPROPETROVSK = "UA-12", _("Dnipropetrovsk oblast")
    ZAPORIZHZHIA = "UA-23", _("Zaporizhzhia oblast")
    VINNYTSIA = "UA-05", _("Vinnytsia oblast")
    VOLYN = "UA-07", _("Volyn oblast")
    DONETSK = "UA-14", _("Donetsk oblast")
    ZHYTOMYR = "UA-18", _("Zhytomyr oblast")
    ZAKARPATTIA = "UA-21", _("Zakarpattia oblast")
    IVANO_FRANKIVSK = "UA-26", _("Ivano-Frankivsk oblast")
    KYIV_OBLAST = "UA-32", _("Kyiv oblast")
    KIROVOHRAD = "UA-35", _("Kirovohrad oblast")
    LUHANSK = "UA-09", _("Luhansk oblast")
    LVIV = "UA-46", _("Lviv oblast")
    MYKOLAIV = "UA-48", _("Mykolaiv oblast")
    ODESA = "UA-51", _("Odesa oblast")
    POLTAVA = "UA-53", _("Poltava oblast")
    RIVNE = "UA-56", _("Rivne oblast")
    SUMY = "UA-59", _("Sumy oblast")
    TERNOPIL = "UA-61", _("Ternopil oblast")
    KHARKIV = "UA-63", _("Kharkiv oblast")
    KHERSON = "UA-65", _("Kherson oblast")
    KHMELNYTSKYI = "UA-68", _("Khmelnytskyi oblast")
    CHERKASY = "UA-71", _("Cherkasy oblast")
    CHERNIVTSI = "UA-77", _("Chernivtsi oblast")
    CHERNIHIV = "UA-74", _("Chernihiv oblast")
    KYIV_CITY = "UA-30", _("Kyiv city")
    CRIMEA = "UA-43", _("Autonomous Republic of Crimea")
    SEVASTOPOL = "UA-40", _("Sevastopol")
    UNKNOWN = "", _("Unknown")


class SettlementType(models.TextChoices):
    # The 2023 law replaced «смт» with «селище»: three types and no fourth.
    CITY = "city", _("City")
    SETTLEMENT = "settlement", _("Settlement")
    VILLAGE = "village", _("Village")
    UNKNOWN = "", _("Unknown")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "", _("Unknown or refused")


class AgeStatus(models.TextChoices):
    KNOWN = "known", _("Known")
    UNKNOWN = "unknown", _("Unknown")
    REFUSED = "refused", _("Refused to say")


class IdpStatus(models.TextChoices):
    IDP = "idp", _("Internally displaced")
    NOT_IDP = "not_idp", _("Not displaced")
    UNKNOWN = "", _("Unknown")


class CallbackSafety(models.TextChoices):
    UNKNOWN = "", _("not asked yet")
    SAFE = "safe", _("safe to call back")
    NEVER = "never", _("do not call back")


class MessagePolicy(models.TextChoices):
    NOT_ASKED = "", _("not asked yet")
    NONE = "none", _("leave no messages")
    VOICEMAIL = "voicemail", _("a voice message may be left")
    SMS = "sms", _("an SMS may be sent")
    BOTH = "both", _("a voice message or an SMS may be left")


class Demographics(models.Model):
    """The fields that describe a person for statistics: on the card and, frozen, on forms."""

    age = models.PositiveSmallIntegerField(
        _("age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    age_status = models.CharField(
        _("age known?"), max_length=10, choices=AgeStatus.choices, default=AgeStatus.UNKNOWN
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    oblast = models.CharField(_("oblast"), max_length=5, choices=Oblast.choices, blank=True)
    settlement_type = models.CharField(
        _("settlement type"), max_length=10, choices=SettlementType.choices, blank=True
    )

    class Meta:
        abstract = True


class Client(Demographics):
    """A caller's card. Anonymous cards are normal: every field but the phone may stay empty."""

    name = models.CharField(_("name or pseudonym"), max_length=200, blank=True)
    # The name folded in Python: SQLite folds only ASCII case, and callers'
    # names are Cyrillic, so the search compares this column instead.
    name_key = models.CharField(max_length=200, blank=True, editable=False)
    settlement = models.CharField(_("hromada or settlement"), max_length=200, blank=True)
    idp_status = models.CharField(
        _("IDP status"), max_length=10, choices=IdpStatus.choices, blank=True
    )
    is_confidential = models.BooleanField(_("confidential"), default=True)
    is_abusive = models.BooleanField(_("abusive caller"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    # How to reach the client without putting them in danger (hotline_crm/safe_contact.py).
    callback_safety = models.CharField(
        _("is a callback safe?"), max_length=8, choices=CallbackSafety.choices, blank=True
    )
    safe_from = models.TimeField(_("safe to call from"), null=True, blank=True)
    safe_until = models.TimeField(_("safe to call until"), null=True, blank=True)
    safe_number = models.CharField(_("number to call"), max_length=40, blank=True)
    messages_allowed = models.CharField(
        _("voice message or SMS"), max_length=10, choices=MessagePolicy.choices, blank=True
    )
    code_word = models.CharField(_("code word"), max_length=100, blank=True)
    if_someone_else_answers = models.TextField(_("if someone else answers, say"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["name"], name="client_name_idx")]

    def __str__(self) -> str:
        return self.name or _("Client #%(id)s") % {"id": self.pk}

    def save(self, *args, **kwargs) -> None:
        self.name_key = fold_name(self.name)
        if self._state.adding and self.is_confidential and not self.messages_allowed:
            # A message an abuser hears can endanger the caller.
            self.messages_allowed = MessagePolicy.NONE
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)


def fold_name(text: str) -> str:
    """The form of a name that search compares: case and apostrophe variants ignored."""
    return text.casefold().translate(_APOSTROPHES).strip()


# Ukrainian names are typed with any of these apostrophes.
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'"})


class ClientPhone(models.Model):
    """One number of a card; a number belongs to at most one card."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(_("number"), max_length=40, unique=True)
    raw = models.CharField(_("as typed"), max_length=64, blank=True)
    is_e164 = models.BooleanField(_("valid number"), default=True)
    label = models.CharField(_("label"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        ordering = ["pk"]

    def __str__(self) -> str:
        from hotline_crm.phones import display

        return display(self.number)


class AccessReason(models.TextChoices):
    CREATED = "created", _("Created the card")
    # No longer granted: an exact number now opens a card only by break-glass.
    # Old rows stay as the record they were, but open nothing.
    PHONE_LOOKUP = "phone_lookup", _("Found it by the exact phone number")
    CALL = "call", _("Was serving the client's call")
    CALLBACK = "callback", _("Took the client's callback")


class ClientAccess(models.Model):
    """Why a consultant may open a card they have written no form for.

    Consultants see cards they serve, not the whole client base; a row here
    is the lasting record that one was served (or found by its exact number),
    and doubles as the audit trail of who opened which confidential card.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="client_accesses",
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="accesses"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=AccessReason.choices)
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        verbose_name = _("card access")
        verbose_name_plural = _("card accesses")
        constraints = [
            models.UniqueConstraint(fields=["user", "client"], name="client_access_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.client}"


class BreakGlassReason(models.TextChoices):
    CALLER_ON_LINE = "caller_on_line", _("The client is on the line now")
    CALLING_BACK = "calling_back", _("I am calling the client back")
    SAFETY = "safety", _("The client's safety is at risk")
    COLLEAGUE = "colleague", _("A colleague asked me to take over")
    OTHER = "other", _("Other")


class BreakGlass(models.Model):
    """A consultant opened a card they do not serve, by its exact number, with a reason.

    The card stays open to them, read-only, for BREAK_GLASS_HOURS; acting on
    it (writing a form, calling the client back) makes them serve it. Every
    row is also on the audit trail and shown to supervisors.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="break_glasses"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=BreakGlassReason.choices)
    explanation = models.TextField(_("explanation"), max_length=1000)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("break-glass opening")
        verbose_name_plural = _("break-glass openings")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} → {self.client}"


class TopicKind(models.TextChoices):
    SRH = "srh", _("Sexual and reproductive health")
    GBV = "gbv", _("Gender-based violence")
    OTHER = "other", _("Non-counselling contact")


class LabelledByLanguage(models.Model):
    """Names the administrator edits, in Ukrainian and optionally in English."""

    name = models.CharField(_("name (Ukrainian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        if self.name_en and (get_language() or "uk").startswith("en"):
            return self.name_en
        return self.name


class TopicCategory(LabelledByLanguage):
    kind = models.CharField(_("kind"), max_length=10, choices=TopicKind.choices)

    class Meta(LabelledByLanguage.Meta):
        verbose_name = _("topic category")
        verbose_name_plural = _("topic categories")


class Topic(LabelledByLanguage):
    category = models.ForeignKey(
        TopicCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="topics",
    )

    class Meta(LabelledByLanguage.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class CallerRelation(models.TextChoices):
    SELF = "self", _("The person themself")
    THIRD_PARTY = "third_party", _("Someone on their behalf")


class GbvContext(models.TextChoices):
    """Kept apart from the incident type, as GBVIMS does."""

    NONE = "", _("Not applicable")
    DOMESTIC = "domestic", _("Domestic")
    INTIMATE_PARTNER = "intimate_partner", _("Intimate partner")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    INFORMED = "informed", _("Information or counselling given")
    REFERRED = "referred", _("Referred to a service")
    FOLLOW_UP = "follow_up", _("Follow-up needed")
    INTERRUPTED = "interrupted", _("Call interrupted")
    NO_COUNSELLING = "no_counselling", _("No counselling (silent, test, prank, wrong number)")


class Consultation(models.Model):
    """The form a consultant fills for one contact.

    The snapshot_* fields copy the card's demographics when the form is
    created, so statistics of past contacts never change when a card is
    edited (or anonymised) later.
    """

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="consultations"
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consultant"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True)
    caller_relation = models.CharField(
        _("who is calling"),
        max_length=12,
        choices=CallerRelation.choices,
        default=CallerRelation.SELF,
    )
    gbv_context = models.CharField(
        _("violence context"), max_length=20, choices=GbvContext.choices, blank=True
    )
    summary = models.TextField(_("summary"), blank=True)
    action_taken = models.TextField(_("action taken or referral"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    follow_up_date = models.DateField(_("follow-up date"), null=True, blank=True)
    snapshot_age = models.PositiveSmallIntegerField(_("age then"), null=True, blank=True)
    snapshot_age_status = models.CharField(
        _("age known then?"), max_length=10, choices=AgeStatus.choices, default=AgeStatus.UNKNOWN
    )
    snapshot_gender = models.CharField(
        _("gender then"), max_length=10, choices=Gender.choices, blank=True
    )
    snapshot_oblast = models.CharField(
        _("oblast then"), max_length=5, choices=Oblast.choices, blank=True
    )
    snapshot_settlement_type = models.CharField(
        _("settlement type then"), max_length=10, choices=SettlementType.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], name="consultation_created_idx"),
            models.Index(fields=["consultant", "created_at"], name="consultation_consultant_idx"),
        ]

    def __str__(self) -> str:
        return _("Consultation #%(id)s") % {"id": self.pk}

    def take_snapshot(self) -> None:
        """Freeze the card's demographics as they are now."""
        self.snapshot_age = self.client.age
        self.snapshot_age_status = self.client.age_status
        self.snapshot_gender = self.client.gender
        self.snapshot_oblast = self.client.oblast
        self.snapshot_settlement_type = self.client.settlement_type
