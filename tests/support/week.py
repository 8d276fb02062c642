"""What the working-hours page posts: the 24/7 choice and the week grid."""

from hotline_admin.working_hours import SLOTS

Interval = tuple[str, str] | tuple[str, str, str]  # opens, closes[, "night"]


def week_post(mode: str = "schedule", days: dict[int, list[Interval]] | None = None) -> dict:
    """`days`: weekday (0 = Monday) → its intervals; a day not given is a day off."""
    data = {"mode": mode, "slots": str(SLOTS)}
    for day in range(7):
        intervals = (days or {}).get(day, [])
        if not intervals:
            data[f"day{day}_closed"] = "on"
        for slot, (opens, closes, *night) in enumerate(intervals):
            data[f"day{day}_{slot}_opens"] = opens
            data[f"day{day}_{slot}_closes"] = closes
            if night:
                data[f"day{day}_{slot}_overnight"] = "on"
    return data
