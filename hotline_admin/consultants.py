"""Consultants' accounts and phone lines: create, change, deactivate, reset credentials.

A consultant is never deleted: their forms, calls and comments stay
attributed to them. Deactivation closes the web login and takes their
devices off the PBX.
"""

import contextlib
import hashlib
import secrets
import string
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from hotline_admin.models import ProvisioningLink
from hotline_asterisk_connector import dialplan
from hotline_asterisk_connector.ami.client import AmiError, ConnectionLost
from hotline_asterisk_connector.ami.session import send_action
from hotline_asterisk_connector.models import ConsultantLine
from hotline_audit.trail import Kind, record
from hotline_crm.roles import Role

FIRST_EXTENSION = 1001
PROVISIONING_LINK_LIFETIME = timezone.timedelta(hours=24)
# Letters and digits only, without look-alikes (0/O, 1/l/I): a password may
# have to be typed on a phone keyboard.
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


def generate_secret(length: int = 20) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


@dataclass(frozen=True)
class Credentials:
    """Secrets shown to the administrator once, right after they are made."""

    username: str
    extension: str
    login_password: str = ""
    sip_username: str = ""
    sip_password: str = ""
    provisioning_token: str = ""

    def as_session(self) -> dict[str, str]:
        return dict(self.__dict__)


def next_extension() -> str:
    taken = {
        int(extension)
        for extension in ConsultantLine.objects.values_list("extension", flat=True)
        if extension.isdigit()
    }
    number = FIRST_EXTENSION
    while number in taken:
        number += 1
    return str(number)


def set_role(user: User, role: Role) -> None:
    before = role_of(user)
    user.groups.remove(*Group.objects.filter(name__in=[r.value for r in Role]))
    user.groups.add(Group.objects.get(name=role.value))
    if before != role:
        record(Kind.ROLE_CHANGE, obj=user, detail=f"{before or '-'} -> {role.value}")


def role_of(user: User) -> Role | None:
    names = set(user.groups.values_list("name", flat=True))
    for role in (Role.ADMINISTRATOR, Role.SUPERVISOR, Role.CONSULTANT):
        if role.value in names:
            return role
    return None


def new_provisioning_link(line: ConsultantLine) -> str:
    """A one-time token for the smartphone app; only its hash is stored."""
    token = secrets.token_urlsafe(24)
    ProvisioningLink.objects.filter(line=line, used_at__isnull=True).delete()
    ProvisioningLink.objects.create(
        line=line,
        token_hash=hash_token(token),
        expires_at=timezone.now() + PROVISIONING_LINK_LIFETIME,
    )
    return token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_consultant(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: Role,
    mobile_number: str,
    forward_to_mobile: bool,
    in_queue: bool,
    penalty: int,
) -> tuple[ConsultantLine, Credentials]:
    """The web account, its role and both devices, in one step."""
    login_password = generate_secret(14)
    user = User.objects.create_user(
        username=username,
        password=login_password,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    set_role(user, role)
    line = ConsultantLine.objects.create(
        user=user,
        extension=next_extension(),
        webrtc_password=generate_secret(),
        sip_password=generate_secret(),
        mobile_number=mobile_number,
        forward_to_mobile=forward_to_mobile,
        in_queue=in_queue,
        penalty=penalty,
    )
    return line, Credentials(
        username=user.username,
        extension=line.extension,
        login_password=login_password,
        sip_username=line.sip_endpoint,
        sip_password=line.sip_password,
        provisioning_token=new_provisioning_link(line),
    )


def remove_from_queue(line: ConsultantLine) -> None:
    """Take the consultant out of the queue now: queue members outlive reloads and restarts."""
    # Refused: not in the queue, the usual answer. Unreachable: Asterisk is
    # down, which applying the configuration reports to the administrator.
    with contextlib.suppress(AmiError, ConnectionLost, OSError, TimeoutError):
        async_to_sync(send_action)(
            "QueueRemove", Queue=dialplan.QUEUE, Interface=dialplan.queue_interface(line)
        )


def update_consultant(line: ConsultantLine, *, role: Role, **fields) -> None:
    user_fields = {"first_name", "last_name", "email"}
    with transaction.atomic():
        for name, value in fields.items():
            setattr(line.user if name in user_fields else line, name, value)
        line.user.save()
        line.save()
        set_role(line.user, role)
    if not line.in_queue:
        remove_from_queue(line)


def deactivate_consultant(line: ConsultantLine) -> None:
    """Close the login and take the devices off the PBX; every record stays theirs."""
    with transaction.atomic():
        line.user.is_active = False
        line.user.save(update_fields=["is_active"])
        line.is_active = False
        line.save(update_fields=["is_active"])
        ProvisioningLink.objects.filter(line=line).delete()
        record(Kind.ROLE_CHANGE, obj=line.user, detail="deactivated")
    remove_from_queue(line)


@transaction.atomic
def reactivate_consultant(line: ConsultantLine) -> None:
    line.user.is_active = True
    line.user.save(update_fields=["is_active"])
    line.is_active = True
    line.save(update_fields=["is_active"])
    record(Kind.ROLE_CHANGE, obj=line.user, detail="reactivated")


@transaction.atomic
def reset_phone_credentials(line: ConsultantLine) -> Credentials:
    """New passwords for the browser and the smartphone: a lost phone registers no more."""
    line.webrtc_password = generate_secret()
    line.sip_password = generate_secret()
    line.save(update_fields=["webrtc_password", "sip_password"])
    return Credentials(
        username=line.user.username,
        extension=line.extension,
        sip_username=line.sip_endpoint,
        sip_password=line.sip_password,
        provisioning_token=new_provisioning_link(line),
    )


def reset_login_password(line: ConsultantLine) -> Credentials:
    password = generate_secret(14)
    line.user.set_password(password)
    line.user.save(update_fields=["password"])
    return Credentials(
        username=line.user.username, extension=line.extension, login_password=password
    )


def claim_provisioning_link(token: str) -> ConsultantLine | None:
    """The line a fresh, unused link belongs to; the link is spent by this call."""
    now = timezone.now()
    links = ProvisioningLink.objects.filter(
        token_hash=hash_token(token),
        used_at__isnull=True,
        expires_at__gt=now,
        line__is_active=True,
    )
    link = links.select_related("line__user").first()
    # Two fetches of the same link at once: only the one that marks it used wins.
    if link is None or links.filter(pk=link.pk).update(used_at=now) != 1:
        return None
    return link.line
