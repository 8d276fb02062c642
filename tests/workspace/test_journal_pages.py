"""Journal pages: newest first, walked by position (keyset), every call exactly once."""

import datetime
import re

import pytest
from django.urls import reverse

from hotline_asterisk_connector.models import Call
from hotline_workspace.journal import PAGE_SIZE, Position
from tests.conftest import PASSWORD
from tests.workspace.conftest import KYIV, make_call

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=KYIV)
LINK = re.compile(r'href="\?([^"]*)" rel="(prev|next)"')


@pytest.fixture
def calls(alice):
    """120 calls a minute apart, except ten that started in the same second:
    their order is settled by id."""
    made = []
    for n in range(120):
        at = START + datetime.timedelta(minutes=min(n, 60))
        made.append(make_call(f"p.{n}", started_at=at, consultant=alice if n % 2 else None))
    return made


def newest_first(calls: list[Call]) -> list[int]:
    return [c.pk for c in sorted(calls, key=lambda c: (c.started_at, c.pk), reverse=True)]


def open_page(client, query: str = "") -> tuple[list[int], dict[str, str]]:
    response = client.get(reverse("hotline_workspace:journal") + "?" + query)
    assert response.status_code == 200
    links = {
        rel: href.replace("&amp;", "&") for href, rel in LINK.findall(response.content.decode())
    }
    return [call.pk for call in response.context["page"]], links


def test_walking_older_then_newer_shows_every_call_once_in_order(client, carol, calls):
    client.login(username=carol.username, password=PASSWORD)
    seen, pages, query = [], [], ""
    while True:
        shown, links = open_page(client, query)
        assert len(shown) <= PAGE_SIZE
        seen += shown
        pages.append((query, shown))
        if "next" not in links:
            break
        query = links["next"]
    assert seen == newest_first(calls)
    assert [len(shown) for _query, shown in pages] == [50, 50, 20]
    # Back from the last page: the middle page again, then the first.
    _shown, links = open_page(client, pages[-1][0])
    middle, links = open_page(client, links["prev"])
    assert middle == pages[1][1]
    first, links = open_page(client, links["prev"])
    assert first == pages[0][1]
    assert "prev" not in links


def test_pages_keep_the_filter(client, carol, alice, calls):
    client.login(username=carol.username, password=PASSWORD)
    shown, links = open_page(client, f"consultant={alice.pk}")
    older, _links = open_page(client, links["next"])
    assert f"consultant={alice.pk}" in links["next"]
    assert shown + older == newest_first([c for c in calls if c.consultant_id == alice.pk])


def test_a_position_survives_its_text_form():
    position = Position(datetime.datetime(2026, 3, 2, 8, 0, 0, 123456, tzinfo=datetime.UTC), 42)
    assert Position.parse(str(position)) == position


@pytest.mark.parametrize("bad", ["", "abc", "12-", "-5", "1.5-3", "9" * 30 + "-1"])
def test_a_malformed_position_shows_the_newest_page(client, carol, calls, bad):
    client.login(username=carol.username, password=PASSWORD)
    shown, _links = open_page(client, f"older={bad}")
    assert shown == newest_first(calls)[:PAGE_SIZE]
