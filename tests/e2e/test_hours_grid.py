"""The administrator sets the week on the working-hours grid in a real browser."""

import datetime

from playwright.sync_api import expect

from hotline_asterisk_connector.models import PbxSettings, WorkingHours
from tests.e2e.conftest import BROWSER_TEST, screenshot, sign_in_staff

pytestmark = BROWSER_TEST
T = datetime.time


def day(page, weekday: int):
    return page.locator(f"tr.day[data-weekday='{weekday}']")


def test_the_week_grid_with_copy_monday_a_refused_typo_and_a_night_shift(web, chromium, dave):
    page = sign_in_staff(chromium, web, dave, "/settings/hours/")
    page.set_viewport_size({"width": 1366, "height": 768})

    # A new line: 24/7 is a visible, chosen option; the grid waits, dimmed.
    round_the_clock = page.get_by_label("Лінія працює цілодобово (24/7)")
    expect(round_the_clock).to_be_checked()
    expect(page.locator("#week-grid")).to_have_class("week-grid dormant")
    expect(page.locator("#line-state")).to_contain_text("відчинено · змін попереду немає")
    page.get_by_label("За тижневим розкладом нижче").check()
    expect(page.locator("#week-grid")).to_have_class("week-grid")

    monday = day(page, 0)
    expect(monday.locator(".intervals")).to_be_hidden()  # a day off until told otherwise
    monday.locator(".closed input").uncheck()
    first = monday.locator(".interval").nth(0)
    first.locator("input[name$=_opens]").fill("09:00")
    first.locator("input[name$=_closes]").fill("13:00")
    expect(monday.locator(".interval").nth(1)).to_be_hidden()
    monday.get_by_role("button", name="+ проміжок").click()
    second = monday.locator(".interval").nth(1)
    second.locator("input[name$=_opens]").fill("14:00")
    second.locator("input[name$=_closes]").fill("18:00")
    page.get_by_role("button", name="Скопіювати понеділок на вівторок–п’ятницю").click()
    friday = day(page, 4)
    expect(friday.locator(".closed input")).not_to_be_checked()
    expect(friday.locator(".interval").nth(1).locator("input[name$=_opens]")).to_have_value("14:00")

    # Saturday evening to Sunday morning, first typed without saying so.
    saturday = day(page, 5)
    saturday.locator(".closed input").uncheck()
    saturday.locator("input[name=day5_0_opens]").fill("18:00")
    saturday.locator("input[name=day5_0_closes]").fill("09:00")
    page.get_by_role("button", name="Зберегти години").click()
    expect(saturday.locator(".error")).to_contain_text(
        "Субота: 18:00–09:00 закінчується раніше, ніж починається"
    )
    assert not WorkingHours.objects.exists()
    # Nothing typed is lost: the grid comes back as it was sent.
    expect(day(page, 2).locator("input[name=day2_1_closes]")).to_have_value("18:00")
    saturday.scroll_into_view_if_needed()
    screenshot(page, "working-hours-refused")

    saturday.locator("input[name=day5_0_overnight]").check()
    page.get_by_role("button", name="Зберегти години").click()
    expect(page.locator(".message")).to_contain_text("Збережено")
    assert list(WorkingHours.objects.values_list("weekday", "opens_at", "closes_at")) == [
        *(
            (weekday, hours[0], hours[1])
            for weekday in range(5)
            for hours in (
                (T(9), T(13)),
                (T(14), T(18)),
            )
        ),
        (5, T(18), T(9)),
    ]
    assert not PbxSettings.load().always_open
    expect(page.get_by_label("За тижневим розкладом нижче")).to_be_checked()
    expect(page.locator("#line-state")).to_contain_text("наступна зміна")
    expect(day(page, 6).locator(".intervals")).to_be_hidden()
    screenshot(page, "working-hours")
