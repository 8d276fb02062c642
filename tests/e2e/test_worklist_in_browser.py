"""A callback request taken by one consultant is not offered to another."""

import re

from playwright.sync_api import expect

from hotline_workspace.models import Kind, WorklistItem, WorkStatus
from tests.e2e.conftest import BROWSER_TEST, screenshot, sign_in

pytestmark = BROWSER_TEST


def test_a_taken_callback_is_not_offered_to_another_consultant(
    web, chromium, second_chromium, alice, bob
):
    request = WorklistItem.objects.create(
        kind=Kind.CALLBACK, caller_number="+380671234567", number_to_call="+380671234567"
    )
    WorklistItem.objects.create(
        kind=Kind.CALLBACK, caller_number="+380501112233", number_to_call="+380501112233"
    )
    row = f"#item-{request.pk}"

    alices_desk = sign_in(chromium, web, alice, "/worklist/")
    alices_list = alices_desk.frame_locator("#frame-main")
    alices_list.locator(row).get_by_role("button", name="Я передзвонюю").click()
    expect(alices_list.locator(f"{row} .call-back")).to_have_attribute("data-dial", "+380671234567")
    screenshot(alices_desk, "worklist")

    bobs_desk = sign_in(second_chromium, web, bob, "/worklist/")
    bobs_list = bobs_desk.frame_locator("#frame-main")
    expect(bobs_list.locator(f"{row} .taken-by")).to_have_text(re.compile("Аліна"))
    expect(bobs_list.locator(f"{row} button")).to_have_count(0)
    # The other request is still his to take.
    expect(bobs_list.get_by_role("button", name="Я передзвонюю")).to_have_count(1)

    request.refresh_from_db()
    assert (request.status, request.taken_by) == (WorkStatus.TAKEN, alice)
