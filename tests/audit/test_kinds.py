"""Every sensitive read, export, download and change leaves its audit row.

One test per kind wired in this code: each does what a user does in the
page and then finds the row, with who, the card and the object.
"""

import pytest
from django.test import Client as Browser
from django.urls import reverse

from hotline_admin import backup
from hotline_asterisk_connector.models import Call, CallLeg, ConsultantLine, Disposition
from hotline_audit.models import AuditEvent
from hotline_workspace.models import Kind as WorkKind
from hotline_workspace.models import WorklistItem
from tests.conftest import PASSWORD
from tests.crm.conftest import ALICES_NUMBER, break_glass, new_client, new_consultation

pytestmark = pytest.mark.django_db


def browser_for(user) -> Browser:
    browser = Browser(REMOTE_ADDR="198.51.100.20")
    browser.force_login(user)
    return browser


def only_row(kind: str, **match) -> AuditEvent:
    rows = list(AuditEvent.objects.filter(kind=kind, **match))
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture
def card(alice):
    return new_client(alice, ALICES_NUMBER, name="Марія")


@pytest.fixture
def call(alice, card, settings, tmp_path):
    settings.RECORDINGS_DIR = tmp_path
    (tmp_path / "call.wav").write_bytes(b"RIFF" + bytes(100))
    call = Call.objects.create(
        linkedid="1700000000.1",
        client=card,
        consultant=alice,
        caller_number=ALICES_NUMBER,
        disposition=Disposition.ANSWERED,
        recording_file="call.wav",
    )
    CallLeg.objects.create(call=call, uniqueid="1700000000.2", consultant=alice)
    return call


def test_card_view(alice, card):
    browser_for(alice).get(reverse("hotline_crm:client_detail", args=[card.pk]))
    row = only_row("card_view")
    assert (row.user, row.client_id, row.object_id) == (alice, card.pk, str(card.pk))
    assert row.ip_address == "198.51.100.20"


def test_card_edit(alice, card):
    response = browser_for(alice).post(
        reverse("hotline_crm:client_edit", args=[card.pk]),
        {
            "name": "Марія К.",
            "age_status": "unknown",
            "phones-TOTAL_FORMS": "1",
            "phones-INITIAL_FORMS": "1",
            "phones-0-id": str(card.phones.get().pk),
            "phones-0-number": ALICES_NUMBER,
        },
    )
    assert response.status_code == 302
    assert only_row("card_edit").client_id == card.pk


def test_form_view_and_form_edit(alice, card):
    form = new_consultation(alice, card)
    assert only_row("form_edit").object_id == str(form.pk)
    browser_for(alice).get(reverse("hotline_crm:consultation_detail", args=[form.pk]))
    row = only_row("form_view")
    assert (row.user, row.client_id, row.object_type) == (
        alice,
        card.pk,
        "hotline_crm.consultation",
    )


def test_break_glass_keeps_its_reason(bob, card):
    break_glass(browser_for(bob), ALICES_NUMBER, "Дзвонить з чужого телефону")
    row = only_row("break_glass")
    assert (row.user, row.client_id) == (bob, card.pk)
    assert "Дзвонить з чужого телефону" in row.detail
    browser_for(bob).get(reverse("hotline_crm:client_detail", args=[card.pk]))
    assert AuditEvent.objects.filter(kind="card_view", user=bob, detail="break-glass").exists()


def test_call_view(alice, call):
    browser_for(alice).get(reverse("hotline_workspace:call", args=[call.pk]))
    row = only_row("call_view")
    assert (row.object_id, row.client_id) == (str(call.pk), call.client_id)


def test_recording_play_is_one_row_for_the_many_range_requests_of_one_play(alice, call):
    browser = browser_for(alice)
    url = reverse("hotline_workspace:recording", args=[call.pk])
    for byte_range in ("bytes=0-", "bytes=44-", "bytes=60-99"):
        assert browser.get(url, headers={"Range": byte_range}).status_code == 206
    row = only_row("recording_play")
    assert (row.user, row.object_id, row.client_id) == (alice, str(call.pk), call.client_id)


def test_recording_refused_leaves_no_play(bob, call):
    response = browser_for(bob).get(reverse("hotline_workspace:recording", args=[call.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(kind="recording_play").exists()


def test_voicemail_play(alice, call, settings, tmp_path):
    settings.VOICEMAIL_DIR = tmp_path
    (tmp_path / "msg.wav").write_bytes(b"RIFF" + bytes(10))
    voicemail = WorklistItem.objects.create(
        kind=WorkKind.VOICEMAIL, caller_number=ALICES_NUMBER, audio_file="msg.wav", call=call
    )
    browser_for(alice).get(reverse("hotline_workspace:voicemail_audio", args=[voicemail.pk]))
    row = only_row("voicemail_play")
    assert (row.object_id, row.client_id) == (str(voicemail.pk), call.client_id)


@pytest.mark.parametrize(
    ("url", "args"),
    [
        ("hotline_reports:export_table", ["calls", "summary", "csv"]),
        ("hotline_reports:export_table", ["calls", "summary", "xlsx"]),
        ("hotline_reports:export_page", ["calls"]),
        ("hotline_reports:donors", ["csv"]),
        ("hotline_reports:donors", ["xlsx"]),
    ],
)
def test_every_export_is_recorded(carol, url, args):
    response = browser_for(carol).get(
        reverse(url, args=args), {"date_from": "2025-03-01", "date_to": "2025-03-31"}
    )
    assert response.status_code == 200
    row = only_row("export")
    assert row.user == carol and "20250301-20250331" in row.detail


def test_backup_download(dave):
    archive = backup.create_backup()
    response = browser_for(dave).get(reverse("hotline_admin:backup_download", args=[archive.name]))
    assert response.status_code == 200
    assert only_row("backup_download").detail == archive.name


def test_backup_restore_is_on_the_trail_that_stays(dave):
    archive = backup.create_backup()
    browser_for(dave).post(
        reverse("hotline_admin:restore"), {"name": archive.name, "confirm": "on"}
    )
    row = only_row("backup_restore")
    assert row.detail == archive.name and row.username == "dave"


def test_settings_change_names_the_page_not_the_values(dave):
    response = browser_for(dave).post(
        reverse("hotline_admin:category_new"),
        {"name": "Нова категорія", "name_en": "", "code": "new-cat", "kind": "srh", "order": "5"},
    )
    assert response.status_code == 302
    row = only_row("settings_change")
    assert row.user == dave and row.detail.startswith("category_new")
    assert "Нова категорія" not in row.detail


def test_a_refused_settings_form_is_no_change(dave):
    browser_for(dave).post(reverse("hotline_admin:category_new"), {"name": ""})
    assert not AuditEvent.objects.filter(kind="settings_change").exists()


def test_role_change(dave, alice):
    line = ConsultantLine.objects.create(user=alice, extension="1001")
    browser_for(dave).post(reverse("hotline_admin:consultant_deactivate", args=[line.pk]))
    row = only_row("role_change")
    assert (row.user, row.object_id, row.detail) == (dave, str(alice.pk), "deactivated")


def test_sign_in_and_failed_sign_in(alice):
    browser = Browser(REMOTE_ADDR="203.0.113.5")
    browser.post(reverse("login"), {"username": "alice", "password": "wrong-password-1"})
    failed = only_row("sign_in_failed")
    assert (failed.user, failed.detail, failed.ip_address) == (None, "alice", "203.0.113.5")

    browser.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert only_row("sign_in").user == alice


def test_admin_view_of_a_card(dave, card):
    response = browser_for(dave).get(reverse("admin:hotline_crm_client_change", args=[card.pk]))
    assert response.status_code == 200
    row = only_row("admin_view")
    assert row.user == dave and row.detail == f"GET hotline_crm_client_change {card.pk}"


def test_the_admin_is_closed_to_supervisors_and_leaves_them_no_row(carol, card):
    response = browser_for(carol).get(reverse("admin:hotline_crm_client_change", args=[card.pk]))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(kind="admin_view").exists()
