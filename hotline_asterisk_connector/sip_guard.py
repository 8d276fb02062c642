"""Attacks on the PBX: Asterisk's security events counted, repeated offenders shut out a while.

Asterisk reports every refused SIP or AMI attempt as an AMI event of the
`security` class (InvalidAccountID: nobody of that name or address;
ChallengeResponseFailed / InvalidPassword: a wrong password; FailedACL: an
endpoint's or AMI user's own ACL). The connector records each one; when one address
fails HOTLINE_SIP_GUARD_FAILURES times within the window, it is blocked for
HOTLINE_SIP_GUARD_BLOCK_MINUTES: the rendered pjsip.conf gets an `acl` that
denies it, so Asterisk answers its every request with 403 before looking at
names or passwords. The web server's proxy (browser phones) and the carriers'
own addresses are never blocked: one consultant's typo must not silence every
browser, nor a carrier's misconfiguration the whole line.
"""

import datetime
import ipaddress
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Count
from django.utils import timezone

from hotline_asterisk_connector.ami.protocol import Message
from hotline_asterisk_connector.models import BlockedAddress, SecurityEvent, Trunk
from hotline_asterisk_connector.models.validators import address_list

log = logging.getLogger(__name__)

# Events that are somebody failing; ChallengeSent and SuccessfulAuth are every
# normal log-in's steps.
FAILURES = frozenset(
    {
        "InvalidAccountID",
        "ChallengeResponseFailed",
        "InvalidPassword",
        "FailedACL",
        "RequestNotAllowed",
        "AuthMethodNotAllowed",
        "UnexpectedAddress",
        "RequestBadFormat",
    }
)
SIP_SERVICE = "PJSIP"
# Counted, but no reason to block: an ACL already refused the request. (What
# the block itself refuses, res_pjsip_acl only logs: it raises no event.)
_ALREADY_REFUSED = "FailedACL"


@dataclass(frozen=True)
class Summary:
    """For the status page: the last 24 hours."""

    failures: int
    top_addresses: list[tuple[str, int]]
    blocked: list[BlockedAddress]


def address_of(remote: str) -> str | None:
    """The IP address in Asterisk's RemoteAddress (`IPV4/UDP/203.0.113.7/5060`)."""
    parts = remote.split("/")
    if len(parts) < 3:
        return None
    try:
        return str(ipaddress.ip_address(parts[2].strip("[]")))
    except ValueError:
        return None


def _event_time(message: Message) -> datetime.datetime:
    stamp = message.get("Timestamp")
    try:
        return datetime.datetime.fromtimestamp(float(stamp), tz=datetime.UTC)
    except (TypeError, ValueError):
        return timezone.now()


def record(message: Message) -> BlockedAddress | None:
    """Keep one security event; return the new block it caused, if any."""
    if message.event not in FAILURES:
        return None
    address = address_of(message.get("RemoteAddress", ""))
    if address is None:
        return None
    event = SecurityEvent.objects.create(
        at=_event_time(message),
        kind=message.event,
        service=message.get("Service", "")[:20],
        address=address,
        account=message.get("AccountID", "")[:80],
    )
    if event.service != SIP_SERVICE or event.kind == _ALREADY_REFUSED:
        return None
    return decide(address, event.at)


def never_blocked(address: str) -> bool:
    exempt = [*settings.HOTLINE_SIP_GUARD_NEVER_BLOCK]
    for trunk in Trunk.objects.filter(is_active=True).only("match", "host"):
        try:
            exempt += address_list(trunk.match or trunk.host)
        except ValueError:
            continue  # a host name: its address is not known here
    ip = ipaddress.ip_address(address)
    for entry in exempt:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def decide(address: str, now: datetime.datetime) -> BlockedAddress | None:
    """Block `address` if it failed often enough within the window and may be blocked."""
    if BlockedAddress.objects.filter(address=address, until__gt=now).exists():
        return None
    window = datetime.timedelta(minutes=settings.HOTLINE_SIP_GUARD_WINDOW_MINUTES)
    failures = (
        SecurityEvent.objects.filter(
            address=address, service=SIP_SERVICE, at__gt=now - window, at__lte=now
        )
        .exclude(kind=_ALREADY_REFUSED)
        .count()
    )
    if failures < settings.HOTLINE_SIP_GUARD_FAILURES or never_blocked(address):
        return None
    until = now + datetime.timedelta(minutes=settings.HOTLINE_SIP_GUARD_BLOCK_MINUTES)
    blocked, _created = BlockedAddress.objects.update_or_create(
        address=address, defaults={"blocked_at": now, "until": until, "failures": failures}
    )
    log.warning("SIP: %s blocked until %s after %d failures", address, until, failures)
    return blocked


def blocked_now(now: datetime.datetime | None = None) -> tuple[str, ...]:
    """The addresses the rendered configuration denies."""
    return tuple(
        BlockedAddress.objects.filter(until__gt=now or timezone.now())
        .order_by("address")
        .values_list("address", flat=True)
    )


def expire(now: datetime.datetime | None = None) -> int:
    """Forget blocks that ran out; the number forgotten (then the configuration changes)."""
    deleted, _kinds = BlockedAddress.objects.filter(until__lte=now or timezone.now()).delete()
    return deleted


def summary(now: datetime.datetime | None = None, top: int = 5) -> Summary:
    since = (now or timezone.now()) - datetime.timedelta(hours=24)
    recent = SecurityEvent.objects.filter(at__gt=since)
    counted = recent.values("address").annotate(n=Count("id")).order_by("-n", "address")[:top]
    return Summary(
        failures=recent.count(),
        top_addresses=[(row["address"], row["n"]) for row in counted],
        blocked=list(BlockedAddress.objects.filter(until__gt=now or timezone.now())),
    )


def apply_in_background() -> None:
    """Render and reload (the new ACL) without holding up the connector's event stream."""

    def apply() -> None:
        from hotline_asterisk_connector.pbx import apply_configuration

        try:
            outcome = apply_configuration()
            if not outcome.accepted:
                log.warning("SIP block not applied: %s", outcome.message)
        except Exception:
            log.exception("SIP block not applied")
        finally:
            close_old_connections()

    threading.Thread(target=apply, name="sip-guard-apply", daemon=True).start()


def expire_and_apply() -> None:
    if expire():
        apply_in_background()
