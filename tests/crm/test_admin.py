"""The Django admin opens for administrators only; cards and forms cannot be deleted there."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from hotline_crm.models import Consultation, Topic
from tests.crm.conftest import browser_for


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_consultants_and_supervisors_are_sent_to_the_admin_login(db, request, persona):
    user = request.getfixturevalue(persona)
    response = browser_for(user).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_administrator_opens_the_admin_without_the_staff_flag(dave):
    assert not dave.is_staff
    assert browser_for(dave).get(reverse("admin:index")).status_code == 200


def test_superuser_opens_the_admin(db):
    root = User.objects.create_superuser("root", password="x-unused-x")
    assert browser_for(root).get(reverse("admin:index")).status_code == 200


def test_administrator_edits_a_topic(dave):
    topic = Topic.objects.get(code="silent")
    url = reverse("admin:hotline_crm_topic_change", args=[topic.pk])
    response = browser_for(dave).post(
        url,
        {
            "name": "Мовчазний дзвінок",
            "name_en": "Silent call",
            "code": "silent",
            "order": "5",
            "category": str(topic.category_id),
        },
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.order, topic.is_active) == (5, False)


def test_administrator_manages_users(dave):
    assert browser_for(dave).get(reverse("admin:auth_user_add")).status_code == 200


def test_consultations_cannot_be_deleted_even_by_the_administrator(dave, alices_form):
    url = reverse("admin:hotline_crm_consultation_delete", args=[alices_form.pk])
    assert browser_for(dave).post(url, {"post": "yes"}).status_code == 403
    assert Consultation.objects.filter(pk=alices_form.pk).exists()


def test_consultant_cannot_delete_through_the_admin(alice, alices_form):
    url = reverse("admin:hotline_crm_consultation_delete", args=[alices_form.pk])
    response = browser_for(alice).post(url, {"post": "yes"})
    assert response.status_code == 302
    assert Consultation.objects.filter(pk=alices_form.pk).exists()


def test_administrator_role_grants_model_permissions_only_while_active(dave):
    assert dave.has_perm("hotline_crm.change_topic")
    dave.is_active = False
    dave.save()
    assert not User.objects.get(pk=dave.pk).has_perm("hotline_crm.change_topic")


def test_consultant_holds_no_model_permissions(alice):
    assert not alice.has_perm("hotline_crm.change_topic")
