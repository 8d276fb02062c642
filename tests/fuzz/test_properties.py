"""Property-based: any mix of values in any GET filter or form field of any
page gets an answer below 500 (hypothesis draws them)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz import hostile
from tests.fuzz.conftest import browser_as
from tests.fuzz.pages import addresses, forms_on
from tests.fuzz.sweep import DIRECT_PARAMETERS

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
VALUES = st.one_of(
    TEXT,
    st.integers().map(str),
    st.integers(min_value=-(10**400), max_value=10**400).map(str),
    st.dates().map(lambda day: day.isoformat()),
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.floats().map(str),
    st.sampled_from([value for kind, value in hostile.VALUES.items() if kind != "1 MB"]),
)
RUNS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


def targets(world, browser):
    """(address, GET filters, forms posted to) of every page that opens."""
    found = []
    for url in addresses(world).values():
        response = browser.get(url)
        html = ""
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            html = response.content.decode(errors="replace")
        forms = forms_on(url, html)
        filters = set().union(*(form.fields for form in forms if form.method == "get"))
        posts = [(form.action, sorted(form.fields)) for form in forms if form.method == "post"]
        found.append((url, sorted(filters | DIRECT_PARAMETERS), posts))
    return found


def test_any_get_filters_get_an_answer(world):
    browser = browser_as(world.dave)
    pages = targets(world, browser)

    @RUNS
    @given(st.data())
    def check(data):
        url, filters, _posts = data.draw(st.sampled_from(pages))
        query = data.draw(st.dictionaries(st.sampled_from(filters), VALUES, max_size=5))
        response = browser.get(url, query)
        assert response.status_code < 500, (url, query)

    check()


def test_any_form_fields_get_an_answer(world):
    browser = browser_as(world.dave)
    forms = [form for _url, _filters, posts in targets(world, browser) for form in posts]

    @RUNS
    @given(st.data())
    def check(data):
        action, fields = data.draw(st.sampled_from(forms))
        values = data.draw(st.fixed_dictionaries({field: VALUES for field in fields}))
        response = browser.post(action, values)
        assert response.status_code < 500, (action, values)

    check()


def test_consultants_get_an_answer_too(world):
    """Their pages narrow querysets differently (only their own work)."""
    browser = browser_as(world.alice)
    pages = targets(world, browser)

    @RUNS
    @given(st.data())
    def check(data):
        url, filters, posts = data.draw(st.sampled_from(pages))
        query = data.draw(st.dictionaries(st.sampled_from(filters), VALUES, max_size=5))
        assert browser.get(url, query).status_code < 500, (url, query)
        if posts:
            action, fields = data.draw(st.sampled_from(posts))
            values = data.draw(st.fixed_dictionaries({field: VALUES for field in fields}))
            assert browser.post(action, values).status_code < 500, (action, values)

    check()
