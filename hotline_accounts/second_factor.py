"""The second factor: a TOTP app on the person's phone, and recovery codes for
the day the phone is lost.

Devices and codes are django-otp's models; this module says how a person
enrols, proves the factor, and how an administrator takes it away.
"""

from base64 import b32encode

from django.contrib.auth.models import User
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hotline_admin.qr import svg

RECOVERY_CODE_COUNT = 10
PHONE_APP = "phone"
RECOVERY_CODES = "recovery"


def pending_enrolment(user: User) -> TOTPDevice:
    """The unconfirmed device whose QR code the person is looking at.

    One per person: reloading the page shows the same code, so a scan made a
    moment ago still matches.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=PHONE_APP, confirmed=False)


def enrolment_qr(device: TOTPDevice) -> str:
    return svg(device.config_url)


def enrolment_key(device: TOTPDevice) -> str:
    """The key typed by hand into an app that cannot scan, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm_enrolment(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with the first code it shows; None if the code is wrong.

    Returns fresh recovery codes, shown once. Any older device is dropped: a
    person has one phone app at a time.
    """
    if not device.verify_token(normalise(code)):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Ten single-use codes; any earlier ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_CODES, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify(user: User, code: str) -> Device | None:
    """The device that accepts the code: the phone app, or one recovery code.

    Each device throttles its own wrong guesses (django-otp doubles the wait
    after every failure), so a code cannot be guessed by brute force.
    """
    code = normalise(code)
    if not code:
        return None
    for device_class in (TOTPDevice, StaticDevice):
        for device in device_class.objects.filter(user=user, confirmed=True):
            with transaction.atomic():
                locked = device_class.objects.select_for_update().get(pk=device.pk)
                if locked.verify_token(code):
                    return locked
    return None


def has_phone_app(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def remove_all(user: User) -> int:
    """Every device and recovery code of the person; they enrol again at the next sign-in."""
    count = TOTPDevice.objects.filter(user=user).delete()[0]
    return count + StaticDevice.objects.filter(user=user).delete()[0]


def normalise(code: str) -> str:
    """Codes are read off a phone: spaces and dashes are the reader's, not the code's."""
    return "".join(code.split()).replace("-", "").lower()[:16]
