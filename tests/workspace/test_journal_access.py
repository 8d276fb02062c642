"""Who sees which call in the journal: consultants their own, supervisors all."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.workspace.conftest import make_call

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def listed_ids(response) -> list[int]:
    return [call.pk for call in response.context["page"]]


def test_consultant_sees_only_own_calls(client, alice, bob):
    own = make_call("1.1", consultant=alice)
    make_call("1.2", consultant=bob)
    make_call("1.3")  # abandoned in the queue: nobody's
    response = login(client, alice).get(reverse("hotline_workspace:journal"))
    assert response.status_code == 200
    assert listed_ids(response) == [own.pk]


def test_supervisor_sees_every_call(client, alice, bob, carol):
    calls = [make_call(f"2.{n}", consultant=user) for n, user in enumerate([alice, bob, None])]
    response = login(client, carol).get(reverse("hotline_workspace:journal"))
    assert sorted(listed_ids(response)) == sorted(call.pk for call in calls)


def test_consultant_cannot_open_another_consultants_call(client, alice, bob):
    bobs = make_call("3.1", consultant=bob)
    response = login(client, alice).get(reverse("hotline_workspace:call", args=[bobs.pk]))
    assert response.status_code == 404


def test_consultant_cannot_comment_on_another_consultants_call(client, alice, bob):
    bobs = make_call("3.2", consultant=bob)
    response = login(client, alice).post(
        reverse("hotline_workspace:call", args=[bobs.pk]), {"text": "mine now"}
    )
    assert response.status_code == 404
    assert bobs.comments.count() == 0


def test_anonymous_visitor_is_sent_to_login(client):
    call = make_call("3.3")
    response = client.get(reverse("hotline_workspace:call", args=[call.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_user_without_a_role_gets_403(client, django_user_model):
    django_user_model.objects.create_user(username="mallory", password=PASSWORD)
    client.login(username="mallory", password=PASSWORD)
    assert client.get(reverse("hotline_workspace:journal")).status_code == 403
