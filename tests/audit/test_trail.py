"""The audit trail's model and its one writing function."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from hotline_audit.models import AuditEvent, AuditTrailIsAppendOnly
from hotline_audit.trail import Kind, record
from hotline_crm.models import Client

pytestmark = pytest.mark.django_db


def test_record_takes_user_and_address_from_the_request(alice):
    client = Client.objects.create()
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7")
    request.user = alice

    event = record(Kind.CARD_VIEW, request=request, obj=client, client=client, detail="why")

    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.user, event.username, event.ip_address) == (alice, "alice", "198.51.100.7")
    assert (event.kind, event.object_type, event.object_id) == (
        "card_view",
        "hotline_crm.client",
        str(client.pk),
    )
    assert event.client_id == client.pk and event.detail == "why"


def test_our_proxy_speaks_for_the_browser_but_nobody_else_does(alice):
    behind_caddy = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.9"
    )
    forged = RequestFactory().get(
        "/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    for request in (behind_caddy, forged):
        request.user = alice

    assert record(Kind.EXPORT, request=behind_caddy).ip_address == "203.0.113.9"
    assert record(Kind.EXPORT, request=forged).ip_address == "198.51.100.7"


def test_a_failed_sign_in_has_no_user_but_keeps_the_name_tried(db):
    request = RequestFactory().post("/login/", REMOTE_ADDR="::1")
    request.user = AnonymousUser()
    event = record(Kind.SIGN_IN_FAILED, request=request, detail="mallory")
    assert event.user is None and event.ip_address == "::1" and event.detail == "mallory"


def test_unknown_kind_is_refused(alice):
    with pytest.raises(ValueError):
        record("card_peek", user=alice)


def test_rows_cannot_be_changed_or_deleted(alice):
    event = record(Kind.CARD_VIEW, user=alice, client=5)
    event.detail = "rewritten"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(detail="rewritten")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


def test_a_deleted_user_leaves_their_name_on_the_trail(alice):
    event = record(Kind.CARD_VIEW, user=alice)
    alice.delete()
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.user is None and event.username == "alice"


def test_only_the_purge_removes_rows_and_only_old_ones(alice):
    AuditEvent.objects.create(
        kind=Kind.CARD_VIEW, user=alice, at=timezone.now() - timedelta(days=400)
    )
    recent = record(Kind.CARD_VIEW, user=alice)

    assert AuditEvent.purge_older_than(timezone.now() - timedelta(days=365)) == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
