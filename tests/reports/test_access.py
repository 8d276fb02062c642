"""Who may open which report: supervisors and administrators everything, a consultant only
their own figures, nobody else anything."""

import pytest
from django.urls import reverse

from tests.reports.conftest import KYIVSTAR

pytestmark = pytest.mark.django_db
MARCH_QUERY = {"date_from": "2025-03-01", "date_to": "2025-03-31"}

SUPERVISOR_PAGES = [
    reverse("hotline_reports:calls"),
    reverse("hotline_reports:consultations"),
    reverse("hotline_reports:wallboard"),
    reverse("hotline_reports:donors", args=["xlsx"]),
    reverse("hotline_reports:donors", args=["csv"]),
    reverse("hotline_reports:export_page", args=["calls"]),
    reverse("hotline_reports:export_page", args=["consultations"]),
    reverse("hotline_reports:export_table", args=["calls", "summary", "csv"]),
    reverse("hotline_reports:export_table", args=["consultations", "pivot", "xlsx"]),
]


def login(client, user) -> None:
    client.force_login(user)


@pytest.mark.parametrize("url", [*SUPERVISOR_PAGES, reverse("hotline_reports:me")])
def test_anonymous_is_sent_to_the_login_form(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", SUPERVISOR_PAGES)
def test_consultant_cannot_open_supervisor_reports(client, alice, url):
    login(client, alice)
    assert client.get(url, MARCH_QUERY).status_code == 403


@pytest.mark.parametrize("url", SUPERVISOR_PAGES)
def test_supervisor_opens_every_report(client, march, carol, url):
    login(client, carol)
    assert client.get(url, MARCH_QUERY).status_code == 200


@pytest.mark.parametrize("url", SUPERVISOR_PAGES[:3])
def test_administrator_opens_the_reports_too(client, dave, url):
    login(client, dave)
    assert client.get(url).status_code == 200


def test_user_without_a_role_sees_no_report(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="eve"))
    assert client.get(reverse("hotline_reports:me")).status_code == 403
    assert client.get(reverse("hotline_reports:index")).status_code == 403


def test_index_sends_each_role_to_its_page(client, alice, carol):
    login(client, alice)
    assert client.get(reverse("hotline_reports:index"))["Location"] == reverse("hotline_reports:me")
    login(client, carol)
    assert client.get(reverse("hotline_reports:index"))["Location"] == reverse(
        "hotline_reports:calls"
    )


def test_consultant_sees_only_own_figures(client, march, alice):
    login(client, alice)
    page = client.get(reverse("hotline_reports:me"), MARCH_QUERY).context["page"]
    summary = page.by_key()["summary"]
    # A1, A2, A5 answered; O1 out; missed calls belong to nobody.
    assert [row[1] for row in summary.rows[:3]] == [3, 3, 0]
    forms = page.by_key()["by_gender"]
    assert forms.total[1] == 6  # C1, C2, C5, C6, C8, C11


def test_consultant_cannot_widen_own_figures_with_a_parameter(client, march, alice, bob):
    login(client, alice)
    query = {**MARCH_QUERY, "consultant": bob.pk}
    page = client.get(reverse("hotline_reports:me"), query).context["page"]
    assert [row[1] for row in page.by_key()["summary"].rows[:2]] == [3, 3]
    export = client.get(
        reverse("hotline_reports:export_table", args=["me", "summary", "csv"]), query
    )
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[1].endswith(",3")  # incoming: Alice's three


def test_personal_page_has_no_table_of_other_consultants(client, march, alice):
    login(client, alice)
    response = client.get(reverse("hotline_reports:me"), MARCH_QUERY)
    assert "per_consultant" not in response.context["page"].by_key()
    assert "Богдан" not in response.content.decode()
    missing = client.get(
        reverse("hotline_reports:export_table", args=["me", "per_consultant", "csv"]),
        MARCH_QUERY,
    )
    assert missing.status_code == 404


def test_filtered_page_shows_the_filtered_figures(client, march, carol):
    login(client, carol)
    response = client.get(
        reverse("hotline_reports:calls"), {**MARCH_QUERY, "dialled_number": KYIVSTAR}
    )
    # Only numbers of the line's trunks can be chosen; none is configured here.
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "dialled_number" in response.context["form"].errors
