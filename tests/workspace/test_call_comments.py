"""Comments on calls: author and time kept, added only, never edited."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.workspace.conftest import make_call

pytestmark = pytest.mark.django_db


def test_consultant_comments_on_own_call(client, alice):
    call = make_call("c.1", consultant=alice)
    client.login(username=alice.username, password=PASSWORD)
    url = reverse("hotline_workspace:call", args=[call.pk])
    response = client.post(url, {"text": "  Передзвонити у вівторок  "})
    assert response.status_code == 302
    comment = call.comments.get()
    assert comment.author == alice
    assert comment.text == "Передзвонити у вівторок"
    page = client.get(url).content.decode()
    assert "Передзвонити у вівторок" in page
    assert "Аліна" in page


def test_blank_comment_is_refused_with_a_message(client, alice):
    call = make_call("c.2", consultant=alice)
    client.login(username=alice.username, password=PASSWORD)
    response = client.post(reverse("hotline_workspace:call", args=[call.pk]), {"text": "   "})
    assert response.status_code == 200
    assert call.comments.count() == 0
    assert response.context["form"].errors["text"]


def test_a_second_comment_is_added_not_replacing_the_first(client, alice, carol):
    call = make_call("c.3", consultant=alice)
    url = reverse("hotline_workspace:call", args=[call.pk])
    client.login(username=alice.username, password=PASSWORD)
    client.post(url, {"text": "перший"})
    client.login(username=carol.username, password=PASSWORD)
    client.post(url, {"text": "другий"})
    assert [(c.author.username, c.text) for c in call.comments.all()] == [
        ("alice", "перший"),
        ("carol", "другий"),
    ]
