"""The consultation form's topic search: typing narrows the topics, a checked one stays."""

from django.urls import reverse
from playwright.sync_api import expect

from hotline_crm.models import Topic
from tests.crm.conftest import new_client
from tests.e2e.conftest import BROWSER_TEST, sign_in

pytestmark = BROWSER_TEST


def test_typing_in_the_topic_search_narrows_the_topics(web, chromium, alice):
    card = new_client(alice, "+380671234567", name="Оксана")
    url = reverse("hotline_crm:consultation_create", args=[card.pk])
    desk = sign_in(chromium, web, alice, open_path=url)
    form = desk.frame_locator("#frame-main")
    search = form.locator("[data-topic-search]")
    expect(search).to_be_visible()
    topics = form.locator(".topic-group label.choice")
    total = Topic.objects.filter(is_active=True).count()
    expect(topics.locator("visible=true")).to_have_count(total)

    wanted = Topic.objects.get(code="contraception-choice")
    # A topic matches by its own name or its category's.
    matching = [
        t
        for t in Topic.objects.filter(is_active=True).select_related("category")
        if "контрацеп" in f"{t.category.name} {t.name}".lower()
    ]
    assert 0 < len(matching) < total
    search.fill("контрацеп")
    expect(topics.locator("visible=true")).to_have_count(len(matching))
    form.locator(f"input[name=topics][value='{wanted.pk}']").check()

    search.fill("жодної такої теми немає")
    expect(form.locator("[data-topic-none]")).to_be_hidden()  # the checked topic stays
    expect(topics.locator("visible=true")).to_have_count(1)
    form.locator(f"input[name=topics][value='{wanted.pk}']").uncheck()
    search.fill("жодної такої теми немає ")
    expect(form.locator("[data-topic-none]")).to_be_visible()
    search.fill("")
    expect(topics.locator("visible=true")).to_have_count(total)
