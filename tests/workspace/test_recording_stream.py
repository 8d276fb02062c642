"""Recordings reach the browser only through the authorised view, seekable with HTTP Range."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.workspace.conftest import make_call

pytestmark = pytest.mark.django_db

# 1000 bytes whose value at offset n is n % 251, so any slice can be checked by hand.
AUDIO = bytes(n % 251 for n in range(1000))


@pytest.fixture
def recorded_call(recordings, alice):
    (recordings / "2026").mkdir()
    (recordings / "2026" / "call-1.wav").write_bytes(AUDIO)
    return make_call("r.1", consultant=alice, recording_file="2026/call-1.wav")


def get(client, call, **headers):
    url = reverse("hotline_workspace:recording", args=[call.pk])
    return client.get(url, headers=headers)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_whole_file(client, alice, recorded_call):
    client.login(username=alice.username, password=PASSWORD)
    response = get(client, recorded_call)
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == "1000"
    assert "no-store" in response["Cache-Control"]
    assert body(response) == AUDIO


def test_a_range_in_the_middle(client, alice, recorded_call):
    client.login(username=alice.username, password=PASSWORD)
    response = get(client, recorded_call, Range="bytes=500-509")
    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 500-509/1000"
    assert response["Content-Length"] == "10"
    assert body(response) == bytes(n % 251 for n in range(500, 510))


def test_open_ended_and_suffix_ranges(client, alice, recorded_call):
    client.login(username=alice.username, password=PASSWORD)
    tail = get(client, recorded_call, Range="bytes=990-")
    assert tail["Content-Range"] == "bytes 990-999/1000"
    assert body(tail) == AUDIO[990:]
    last = get(client, recorded_call, Range="bytes=-4")
    assert last["Content-Range"] == "bytes 996-999/1000"
    assert body(last) == AUDIO[996:]


def test_range_past_the_end_is_416(client, alice, recorded_call):
    client.login(username=alice.username, password=PASSWORD)
    response = get(client, recorded_call, Range="bytes=1000-1100")
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */1000"


def test_another_consultant_gets_404(client, bob, recorded_call):
    client.login(username=bob.username, password=PASSWORD)
    assert get(client, recorded_call).status_code == 404


def test_supervisor_may_listen(client, carol, recorded_call):
    client.login(username=carol.username, password=PASSWORD)
    assert get(client, recorded_call, Range="bytes=0-1").status_code == 206


def test_a_path_outside_the_recordings_is_404(client, carol, recordings, tmp_path, alice):
    (tmp_path / "secret.wav").write_bytes(b"x")
    call = make_call("r.2", consultant=alice, recording_file="../secret.wav")
    client.login(username=carol.username, password=PASSWORD)
    assert get(client, call).status_code == 404


def test_call_without_recording_is_404(client, alice, recordings):
    call = make_call("r.3", consultant=alice)
    client.login(username=alice.username, password=PASSWORD)
    assert get(client, call).status_code == 404
