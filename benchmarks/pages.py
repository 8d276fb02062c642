"""Time every page a supervisor or consultant opens, on the generated data set (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench \\
        .venv/bin/python manage.py generate_demo_dataset          # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench \\
        .venv/bin/python benchmarks/pages.py [--runs 5] [--only journal]

Each page is requested through Django's own request handler (middleware,
view, queries, template; no network), logged in as the supervisor or a
consultant of the data set, once to warm the caches and then --runs times.
The result goes to benchmarks/results/pages/ (see results.py); the docs are
written from there by benchmarks/render_docs.py.
"""

import argparse
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Max, Min  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from benchmarks.results import Result  # noqa: E402
from hotline_accounts.policy import second_factor_required  # noqa: E402
from hotline_asterisk_connector.models import Call, Trunk  # noqa: E402
from hotline_crm.models import Consultation  # noqa: E402
from hotline_crm.roles import Role  # noqa: E402

BENCH_SUPERVISOR = "bench-supervisor"
# The journal's link to older calls: "?page=2" once, "?older=<position>" now.
_OLDER = re.compile(r'href="\?([^"]*(?:older=[^"]*|page=2))"')


def supervisor() -> User:
    user, _created = User.objects.get_or_create(username=BENCH_SUPERVISOR)
    user.groups.add(Group.objects.get(name=Role.SUPERVISOR.value))
    return user


def client_for(user: User) -> Client:
    """A signed-in browser; a supervisor's with the second factor passed, as after the
    sign-in pages (force_login skips them)."""
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    if second_factor_required(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def measure(fetch: Callable[[], object], runs: int) -> list[float]:
    fetch()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch()
        times.append((time.perf_counter() - started) * 1000)
    return times


def get(client: Client, url: str, expect: int = 200) -> Callable[[], str]:
    def fetch() -> str:
        response = client.get(url)
        if response.status_code != expect:
            raise SystemExit(f"{url}: {response.status_code}, expected {expect}")
        body = b"".join(response) if response.streaming else response.content
        return body.decode(errors="replace")

    return fetch


def older_page(client: Client, url: str) -> str:
    """The journal's "Older" link from the page at `url` (the next page back in time)."""
    found = _OLDER.search(get(client, url)())
    if found is None:
        raise SystemExit(f"{url}: no link to older calls")
    return "/journal/?" + found.group(1).replace("&amp;", "&")


def periods(first: date, last: date) -> dict[str, tuple[date, date]]:
    month_end = last.replace(day=1) - timedelta(days=1)
    return {
        "month": (month_end.replace(day=1), month_end),
        "quarter": (last - timedelta(days=91), last),
        "year": (last - timedelta(days=365), last),
        "3 years": (first, last),
    }


def pages(runs_for: Callable[[str, str, Callable], None]) -> None:
    boss = client_for(supervisor())
    busiest = (
        Call.objects.exclude(consultant=None)
        .values("consultant")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("consultant", flat=True)[:2]
    )
    consultant_id, other_id = list(busiest)
    consultant = User.objects.get(pk=consultant_id)
    own = client_for(consultant)
    span = Call.objects.aggregate(first=Min("started_at"), last=Max("started_at"))
    first = timezone.localtime(span["first"]).date()
    last = timezone.localtime(span["last"]).date()
    number = Trunk.objects.values_list("number", flat=True).first()
    caller = Call.objects.exclude(caller_number="").values_list("caller_number", flat=True).first()
    call_id = Call.objects.order_by("-started_at").values_list("pk", flat=True).first()
    form = Consultation.objects.filter(consultant_id=consultant_id).order_by("-pk").first()
    foreign = (
        Consultation.objects.filter(consultant_id=other_id)
        .exclude(client__calls__consultant_id=consultant_id)
        .exclude(client__consultations__consultant_id=consultant_id)
        .order_by("-pk")
        .values_list("client_id", flat=True)
        .first()
    )
    span_3y = f"date_from={first}&date_to={last}"

    runs_for("journal", "every call, newest first", get(boss, "/journal/"))
    runs_for("journal", "every call, the next page", get(boss, older_page(boss, "/journal/")))
    runs_for("journal", "three years, dates given", get(boss, f"/journal/?{span_3y}"))
    runs_for("journal", "one consultant", get(boss, f"/journal/?consultant={consultant_id}"))
    runs_for("journal", "one line number", get(boss, f"/journal/?dialled_number={number}"))
    runs_for(
        "journal",
        "abandoned incoming calls",
        get(boss, "/journal/?direction=inbound&disposition=abandoned"),
    )
    runs_for("journal", "one caller's full number", get(boss, f"/journal/?phone={caller}"))
    runs_for("journal", "a fragment of a number", get(boss, "/journal/?phone=4567"))
    runs_for("journal", "a consultant's own calls", get(own, "/journal/"))
    runs_for("journal", "a call", get(boss, f"/journal/{call_id}/"))
    runs_for("card", "a client's card, supervisor", get(boss, f"/clients/{form.client_id}/"))
    runs_for("card", "a client's card, their consultant", get(own, f"/clients/{form.client_id}/"))
    runs_for("card", "a card refused to a consultant (404)", get(own, f"/clients/{foreign}/", 404))
    runs_for("card", "a consultation form", get(own, f"/consultations/{form.pk}/"))
    runs_for("worklist", "the callback worklist", get(boss, "/worklist/"))
    runs_for("wallboard", "the wallboard page", get(boss, "/reports/wallboard/"))
    for name, (start, end) in periods(first, last).items():
        dates = f"date_from={start}&date_to={end}"
        runs_for(f"reports, {name}", "calls page", get(boss, f"/reports/calls/?{dates}"))
        runs_for(
            f"reports, {name}",
            "calls page, one consultant",
            get(boss, f"/reports/calls/?{dates}&consultant={consultant_id}"),
        )
        runs_for(
            f"reports, {name}", "consultations page", get(boss, f"/reports/consultations/?{dates}")
        )
        runs_for(f"reports, {name}", "a consultant's own page", get(own, f"/reports/me/?{dates}"))
        runs_for(
            f"reports, {name}",
            "calls page as one workbook",
            get(boss, f"/reports/export/calls.xlsx?{dates}"),
        )
        runs_for(
            f"reports, {name}", "donors' export (XLSX)", get(boss, f"/reports/donors.xlsx?{dates}")
        )
        runs_for(
            f"reports, {name}", "donors' export (CSV)", get(boss, f"/reports/donors.csv?{dates}")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="", help="only the groups whose name starts so")
    parser.add_argument("--label", default="", help="what this run is (data set size, say)")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run the benchmark on PostgreSQL: set DATABASE_URL.")
    if not Call.objects.exists():
        sys.exit("No calls: run `manage.py generate_demo_dataset` first.")
    calls, forms = Call.objects.count(), Consultation.objects.count()
    result = Result(
        "pages",
        {"calls": calls, "consultations": forms, "runs": args.runs, "label": args.label},
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        result.machine["postgresql"] = cursor.fetchone()[0]
    print(f"{result.uptime_at_start}\nCalls: {calls:,}; forms: {forms:,}; commit {result.commit}")

    def runs_for(group: str, name: str, fetch: Callable) -> None:
        if not group.startswith(args.only):
            return
        figure = result.add(name, "ms", measure(fetch, args.runs), group=group)
        print(
            f"{group:20} {name:45} median {figure.median:8.0f}  p95 {figure.p95:8.0f} ms",
            flush=True,
        )

    pages(runs_for)
    if not args.no_save:
        print(f"Saved {result.save()}")
    print(result.uptime_at_end or "")


if __name__ == "__main__":
    main()
