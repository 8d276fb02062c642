"""Writing to the audit trail: one call per sensitive read or change.

    from hotline_audit.trail import record, Kind
    record(Kind.CARD_VIEW, request=request, obj=client, client=client)

The service function that does the work calls `record`, so no view can
forget it. With a request, the user and the address come from it; without
one, from the request being served (`hotline_audit.context`), if any.
"""

from ipaddress import ip_address

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from hotline_audit.context import current_request
from hotline_audit.models import AuditEvent, Kind

__all__ = ["AuditEvent", "Kind", "client_address", "record"]


def record(
    kind: Kind | str,
    *,
    request: HttpRequest | None = None,
    user=None,
    obj: models.Model | None = None,
    client: models.Model | int | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one row to the audit trail and return it."""
    kind = Kind(kind)
    if request is None:
        request = current_request()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    return AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=user.get_username() if user is not None else "",
        ip_address=client_address(request) if request is not None else None,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        client_id=client if isinstance(client, int) or client is None else client.pk,
        detail=detail,
    )


def client_address(request: HttpRequest) -> str | None:
    """The browser's address, seen through our own reverse proxy (Caddy) if any.

    Only a proxy listed in HOTLINE_TRUSTED_PROXIES may speak for the client:
    its X-Forwarded-For's last entry is the address it saw. Anyone else's
    header would let a caller forge the trail.
    """
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    if remote in settings.HOTLINE_TRUSTED_PROXIES:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        return _valid(forwarded) or remote
    return remote


def _valid(address: str) -> str | None:
    try:
        return str(ip_address(address[:64]))
    except ValueError:
        return None
