"""Bad input never gives a server error: every page, every GET filter, every
form field and the headers get values a careless user, a broken script or an
attacker would send (docs/bad-input.md has the count before and after the fixes).

One test per page (URL name), each on a fresh world of objects, so pytest-xdist
spreads the sweep over its workers: as one test it took 2–3 minutes, longer
than a worker's whole share of the rest of the suite."""

import pytest

from tests.fuzz.pages import url_names
from tests.fuzz.sweep import sweep

PAGES = url_names()


def test_the_sweep_covers_every_page_of_the_site():
    # The resolver's names, read at collection: an app's URLs left out of it
    # would leave its pages unswept.
    assert len(PAGES) > 60
    assert {"login", "hotline_admin:index", "hotline_workspace:desk"} <= set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_no_hostile_value_gives_a_server_error_to_the_administrator(world, page):
    errors = sweep(world, world.dave, page)
    assert not errors, f"{len(errors)} server errors:\n" + "\n".join(sorted(map(str, errors)))
