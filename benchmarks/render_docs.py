"""Write docs/benchmarks-reports.md, -connector.md and -load.md from the saved results.

    .venv/bin/python benchmarks/render_docs.py

Every figure in those two files comes from a file in benchmarks/results/
(see results.py): the newest run of each benchmark is shown with its
median, range and p95 of every figure, the date, the commit and the
machine's load; a figure worse than in the run before (its median outside
that run's whole range) is marked ▲. Nothing in them is typed by hand:
change the prose here, re-run a benchmark to change a figure.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.results import RESULTS as RESULTS_DIR
from benchmarks.results import ROOT, Figure, Result, history

DOCS = ROOT / "docs"
LIMIT_MS = 1000
WORSE = "▲"


def size(calls: int) -> str:
    return f"{calls / 1e6:g}M" if calls >= 1_000_000 else f"{calls / 1e3:g}k"


def number(value: float, unit: str) -> str:
    if unit == "events/s":
        return f"{value:,.0f}"
    if unit == "ms" and value < 10:
        return f"{value:.2f}"
    return f"{value:,.0f}"


def run_line(result: Result) -> str:
    label = f" ({result.parameters['label']})" if result.parameters.get("label") else ""
    return (
        f"- {result.started_at.replace('+00:00', '')} UTC, commit `{result.commit}`{label}; "
        f"{result.machine.get('cpus')} CPUs, PostgreSQL {result.machine.get('postgresql', '—')}, "
        f"Python {result.machine.get('python')}\n"
        f"  - `uptime` at the start: `{result.uptime_at_start}`\n"
        f"  - `uptime` at the end: `{result.uptime_at_end}`"
    )


def _key(figure: Figure) -> tuple[str, str]:
    return figure.group, figure.name


def figure_row(figure: Figure, before: Figure | None) -> str:
    mark = f" {WORSE}" if before is not None and figure.worse_than(before) else ""
    earlier = number(before.median, figure.unit) if before is not None else "—"
    over = " **over 1 s**" if figure.unit == "ms" and figure.p95 >= LIMIT_MS else ""
    return (
        f"| {figure.group} | {figure.name} | {number(figure.median, figure.unit)}{mark} | "
        f"{number(min(figure.runs), figure.unit)}–{number(max(figure.runs), figure.unit)} | "
        f"{number(figure.p95, figure.unit)}{over} | {earlier} |"
    )


def figures_table(latest: Result, previous: Result | None) -> list[str]:
    before = {_key(f): f for f in previous.figures} if previous else {}
    unit = latest.figures[0].unit if latest.figures else "ms"
    lines = [
        f"| | | median, {unit} | range, {unit} | p95, {unit} | median the run before |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [figure_row(f, before.get(_key(f))) for f in latest.figures]
    return lines


def pages_doc() -> str:
    runs = history("pages")
    by_size: dict[int, list[Result]] = {}
    for result in runs:
        by_size.setdefault(result.parameters["calls"], []).append(result)
    out = [
        "# Page benchmark",
        "",
        "<!-- Written by benchmarks/render_docs.py from benchmarks/results/pages/; "
        "do not edit by hand. -->",
        "",
        "What it measures: every page a supervisor or a consultant opens — the call "
        "journal with each filter, a call, a card (and a card refused with a 404), the "
        "worklist, the wallboard, each report page over a month, a quarter, a year and "
        "three years, the page as one workbook and the donors' export — requested "
        "through Django's own request handler (middleware, view, queries, template), on "
        "PostgreSQL, on the data set of `manage.py generate_demo_dataset` (calls and "
        "forms over three years; commands in [reports.md](reports.md#speed)). Script: "
        "`benchmarks/pages.py`; each page once to warm up, then the runs shown. p95 is "
        "the nearest-rank 95th percentile of the runs (with fewer than 20 runs, the "
        "slowest). The machine is shared: `uptime` is recorded with every run.",
        "",
    ]
    if not runs:
        return "\n".join([*out, "No results yet: run `benchmarks/pages.py`.", ""])
    main_size = 1_000_000 if 1_000_000 in by_size else max(by_size)
    main = by_size[main_size]
    latest, previous = main[-1], (main[-2] if len(main) > 1 else None)
    slow = [f for f in latest.figures if f.p95 >= LIMIT_MS]
    out += [
        f"## {size(main_size)} calls, {latest.parameters['consultations']:,} forms: newest run",
        "",
        run_line(latest),
        "",
        f"{len(latest.figures)} pages; {len(slow)} with a p95 of 1 s or more"
        + (": " + "; ".join(f"{f.group}, {f.name}" for f in slow) if slow else "")
        + f". {WORSE}: worse than the run before (its median outside that run's range).",
        "",
        *figures_table(latest, previous),
        "",
        "## Every run",
        "",
        "| run (UTC) | commit | data | what | load at start | pages | of them p95 ≥ 1 s "
        "| slowest p95, ms |",
        "| --- | --- | --- | --- | --- | ---: | ---: | ---: |",
    ]
    for result in runs:
        slowest = max(result.figures, key=lambda f: f.p95)
        load = result.uptime_at_start.rsplit("load average:", 1)[-1].strip()
        started = result.started_at.replace("+00:00", "")
        out.append(
            f"| {started} | `{result.commit}` | {size(result.parameters['calls'])} "
            f"| {result.parameters.get('label', '')} | {load} | {len(result.figures)} "
            f"| {sum(f.p95 >= LIMIT_MS for f in result.figures)} "
            f"| {slowest.p95:,.0f} ({slowest.group}, {slowest.name}) |"
        )
    out += ["", *growth(by_size)]
    return "\n".join(out) + "\n"


def _load(result: Result) -> str:
    return result.uptime_at_start.rsplit("load average:", 1)[-1].split(",")[0].strip()


def growth(by_size: dict[int, list[Result]]) -> list[str]:
    sizes = sorted(by_size)
    wanted = [200_000, 1_000_000, 3_000_000]
    missing = [size(s) for s in wanted if s not in by_size]
    latest = {s: {_key(f): f for f in by_size[s][-1].figures} for s in sizes}
    names = list(dict.fromkeys(k for s in sizes for k in latest[s]))
    out = [
        "## Growth",
        "",
        "The cost of each page as the journal grows, from the newest run at each size: "
        "median / p95, ms. The data sets are generated the same way (over three years, "
        "with forms in the same proportion to calls), so a bigger set is a busier line, "
        "not a longer one; the period pages grow with the calls in the period. Each "
        "column's machine load (1-minute average at the start of its run) is in its "
        "heading: on this shared machine a column measured under a heavier load is slower "
        "for that reason too.",
        "",
    ]
    if missing:
        out += [f"Not measured yet: {', '.join(missing)} calls.", ""]
    out += [
        "| | | "
        + " | ".join(f"{size(s)} calls, load {_load(by_size[s][-1])}" for s in sizes)
        + " |",
        "| --- | --- | " + " | ".join("---:" for _ in sizes) + " |",
    ]
    for key in names:
        cells = []
        for s in sizes:
            figure = latest[s].get(key)
            cells.append(f"{figure.median:,.0f} / {figure.p95:,.0f}" if figure else "—")
        out.append(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + " |")
    out += [
        "",
        "Each size's run: "
        + "; ".join(
            f"{size(s)}: {by_size[s][-1].started_at}, `{by_size[s][-1].uptime_at_start}`"
            for s in sizes
        )
        + ".",
    ]
    return out


def connector_doc() -> str:
    out = [
        "# Connector benchmarks",
        "",
        "<!-- Written by benchmarks/render_docs.py from benchmarks/results/connector_replay/; "
        "do not edit by hand. -->",
        "",
        "## Replay throughput and each handler's cost — `benchmarks/connector_replay.py`",
        "",
        "The recorded AMI streams in `tests/connector/fixtures/` (every event Asterisk 22 "
        "sent during each scenario, most of them irrelevant to the journal), replayed as "
        "distinct calls, their event times moved to today as a live call's (results from "
        "2026-12-01T14:40 on; before, a call of a past day took that day out of the reports' "
        "roll-up at every save, a query a live call does not cost), through the connector's "
        "own pipeline: frames cut and parsed, "
        "filtered, applied on the database thread (one transaction per batch, one "
        "persistent database connection; until 2026-12-01T22:00 a savepoint per event "
        "as well), pops sent to the channel layer. "
        "The process is pinned to one CPU core. Each handler's cost is the time of one "
        "event's handler (its queries and writes, not the batch's commit); per run the "
        "median event and the 95th-percentile event, then the median and range of those "
        "over the runs. Target: at least 2,000 events/s on one core, and every handler "
        "under 2 ms per event on PostgreSQL.",
        "",
    ]
    for database in ("postgresql", "sqlite"):
        runs = history("connector_replay", database=database)
        if not runs:
            out += [f"### {database}", "", "No results yet.", ""]
            continue
        latest, previous = runs[-1], (runs[-2] if len(runs) > 1 else None)
        over = [f for f in latest.figures if f.group == "median" and f.median >= 2]
        out += [
            f"### {'PostgreSQL' if database == 'postgresql' else 'SQLite'}: newest run",
            "",
            run_line(latest),
            f"- {latest.parameters['calls']:,} recorded calls per run, "
            f"{latest.parameters['runs']} runs",
            "",
            (
                "Handlers with a median event of 2 ms or more: "
                + ", ".join(f"{f.name} ({f.median:.2f} ms)" for f in over)
                + "."
            )
            if over
            else "Every handler's median event is under 2 ms.",
            "",
            *figures_table(latest, previous),
            "",
        ]
    out += [
        "Re-run:",
        "",
        "```sh",
        ".venv/bin/python benchmarks/connector_replay.py --calls 2000 --runs 3",
        "createdb -h 127.0.0.1 -U postgres hotline_replay",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_replay "
        ".venv/bin/python benchmarks/connector_replay.py --calls 2000 --runs 3",
        ".venv/bin/python benchmarks/render_docs.py",
        "```",
        "",
        "The screen-pop latency benchmark (`benchmarks/connector_screenpop.py`) prints its "
        "figures but writes no result file yet, so none of its figures are shown here.",
        "",
    ]
    return "\n".join(out)


# Issue 15's targets for the full pipeline: pop p95 by level, journal lag at 400.
POP_P95_TARGETS_MS = {100: 100, 400: 250}
LAG_TARGET_SECONDS = 5


WALLBOARD_LIMIT_PERCENT = 10  # issue 16: an open wallboard may not change pops more


def wallboard_section() -> list[str]:
    """The newest run of wallboard_cost.py: per level, the pops with a supervisor's
    wallboard open against those with it closed, each side's runs pooled."""
    out = [
        "## What an open wallboard costs the screen pops",
        "",
        "Measured inside one running pipeline (`benchmarks/wallboard_cost.py`): each "
        "level is run as often with a supervisor's wallboard open as with it closed, "
        "in the order open, closed, closed, open…, and the pops of each side's runs are "
        "pooled. Ladders run one after another differ by more than the wallboard "
        f"costs. The limit (issue 16): {WALLBOARD_LIMIT_PERCENT} % on the pop latency.",
        "",
    ]
    runs = history("wallboard_cost")
    if not runs:
        return [*out, "Not measured yet: run `benchmarks/wallboard_cost.py`."]
    latest = runs[-1]
    out += [
        run_line(latest),
        f"- {latest.parameters['rounds']} runs of each level and side; "
        f"{latest.parameters['consultants']} consultants, talk "
        f"{latest.parameters['talk_seconds']:g} s, each level placed within "
        f"{latest.parameters['ramp_seconds']:g} s",
        "",
        "| calls | pops, open / closed | pop p50 / p95 open, ms | closed, ms | p50 change "
        "| p95 change | p95 of each run, open | closed | Daphne CPU, % of a core, "
        "open / closed | messages per wallboard socket |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    changes = []
    for calls, figures in sorted(_level_figures(latest).items()):
        watched = figures.get("pop latency, wallboard open")
        plain = figures.get("pop latency, wallboard closed")
        if watched is None or plain is None:
            continue
        p95_change = 100 * (watched.p95 - plain.p95) / plain.p95
        changes.append((p95_change, calls))
        each = [
            figures.get(f"pop p95 of each run, wallboard {side}") for side in ("open", "closed")
        ]
        cpu = [figures[f"CPU: daphne, wallboard {side}"].median for side in ("open", "closed")]
        out.append(
            f"| {calls} | {len(watched.runs):,} / {len(plain.runs):,} | "
            f"{_pops(watched)} | {_pops(plain)} | "
            f"{_change(watched.median, plain.median)} | {p95_change:+.0f} % | "
            f"{_spread(each[0])} | {_spread(each[1])} | {cpu[0]:.1f} / {cpu[1]:.1f} | "
            f"{figures['messages per wallboard socket'].median:,.0f} |"
        )
    if changes:
        worst, at = max(changes)
        verdict = "within" if worst <= WALLBOARD_LIMIT_PERCENT else "**over**"
        out += ["", f"The largest p95 change: {worst:+.0f} % at {at} calls, {verdict} the limit."]
    return out


def _pops(figure: Figure) -> str:
    return f"{figure.median:,.0f} / {figure.p95:,.0f}"


def _change(value: float, base: float) -> str:
    return f"{100 * (value - base) / base:+.0f} %"


def _spread(figure: Figure | None) -> str:
    return "—" if figure is None else f"{min(figure.runs):,.0f}–{max(figure.runs):,.0f}"


def _level_figures(result: Result) -> dict[int, dict[str, Figure]]:
    levels: dict[int, dict[str, Figure]] = {}
    for figure in result.figures:
        calls = int(figure.group.split()[0])
        levels.setdefault(calls, {})[figure.name] = figure
    return levels


def _value(figures: dict[str, Figure], name: str) -> float | None:
    figure = figures.get(name)
    return figure.runs[0] if figure is not None else None


def _short(text: str) -> str:
    return text.rsplit("load average:", 1)[-1].strip()


def level_problems(calls: int, figures: dict[str, Figure]) -> list[str]:
    """What keeps a level from being carried: records differ, or a target is missed."""
    problems = []
    for name in ("journal: lost", "journal: duplicated", "journal: wrong"):
        if (_value(figures, name) or 0) > 0:
            problems.append(f"{name.split(': ')[1]} {_value(figures, name):.0f}")
    placed = _value(figures, "calls placed") or 0
    if placed < calls:
        problems.append(f"only {placed:.0f} of {calls} calls reached Asterisk")
    if (_value(figures, "calls failed (sipp)") or 0) > 0:
        problems.append(f"{_value(figures, 'calls failed (sipp)'):.0f} calls failed at sipp")
    if (_value(figures, "pops not received") or 0) > 0:
        problems.append(f"{_value(figures, 'pops not received'):.0f} pops not received")
    pops = figures.get("pop latency")
    target = next((ms for level, ms in sorted(POP_P95_TARGETS_MS.items()) if calls <= level), 250)
    if pops is not None and pops.p95 >= target:
        problems.append(f"pop p95 {pops.p95:,.0f} ms ≥ {target} ms")
    lag = _value(figures, "journal lag after the last hang-up")
    if lag is None or lag < 0:
        problems.append("the journal never settled")
    elif lag >= LAG_TARGET_SECONDS:
        problems.append(f"journal lag {lag:.1f} s ≥ {LAG_TARGET_SECONDS} s")
    return problems


def sweep_section() -> list[str]:
    runs = history("cdr_sweep")
    out = [
        "## Reading Asterisk's records with 1,000,000 rows — `benchmarks/cdr_sweep.py`",
        "",
        "While the connector stays connected the sweep reads no records at all (no call "
        "awaits them); after a reconnection and at the nightly reconciliation it reads "
        "the calls that ended in a period. Here, a CDR store of 1,000,000 rows: the read "
        "the connector does now (a binary search on the integer key, then a range of it) "
        "against the query it replaced (a scan of every row).",
        "",
    ]
    if not runs:
        return [*out, "No results yet: run `benchmarks/cdr_sweep.py`."]
    latest, previous = runs[-1], (runs[-2] if len(runs) > 1 else None)
    return [*out, run_line(latest), "", *figures_table(latest, previous)]


def where_the_time_goes(runs: list[Result]) -> list[str]:
    """The text on where a pop's and the journal's time goes, with the figures of the
    newest run whose connector said how busy its journal thread was."""
    out = [
        "## Where the time goes",
        "",
        "The connector computes little: its event loop mostly waits (cProfile's "
        "`epoll.poll` below), and what it waits for is PostgreSQL. The journal applies "
        "events in order on one database thread, one transaction per batch, and each "
        "query is a round trip that, on a loaded 2-core machine, waits for both the "
        "connector and its PostgreSQL backend to be scheduled: the journal thread's "
        "time per event, not the CPU, sets the journal's lag. Hence no savepoint per "
        "event and as few queries per event as the journal needs (one answered call: "
        "`tests/connector/test_queries_per_call.py`). A pop does not wait for that "
        "thread: a consultant's first ring of a call already journaled is applied and "
        "popped at once on connections of its own, three threads for a burst of rings "
        "(`hotline_asterisk_connector/fast_pops.py`, decision 0035). On its way to the "
        "desk, the web process hands it to the consumer without a trip to its one "
        "database thread, and the pub/sub channel layer pushes it to the web process in "
        "one round trip (decision 0038; the list-based layer received a process's "
        "messages one after another, four round trips each, and a pop waited behind a "
        "wave of hang-ups' messages). A pop's time is then the AMI event's way to the "
        "connector, one short transaction (on a quiet machine 20 ms median, most of it "
        "waiting for the GIL and PostgreSQL beside the journal's thread) and a publish. "
        "An open wallboard adds one message a batch to its group; its consumer reads "
        "the changed consultants' rows at most twice a second and today's figures every "
        "five seconds (decision 0040). cProfile sees only the event "
        "loop; the connector's own summary as it stops gives its journal thread's time:",
        "",
    ]
    said = [
        (result, note.split("whole run: ", 1)[1])
        for result in runs
        for note in result.notes
        if note.startswith("whole run: ")
    ]
    if not said:
        return [*out, "(no run with the connector's summary yet)"]
    result, text = said[-1]
    events = int(text.split(" events applied", 1)[0])
    busy = float(text.split("busy ", 1)[1].split(" s", 1)[0])
    per_event = f"{1000 * busy / events:.1f} ms an event" if events else "no events"
    out.append(
        f"- run {result.started_at.replace('+00:00', '')} (`{result.commit}`, load "
        f"{_load(result)} at start, levels "
        f"{', '.join(map(str, result.parameters.get('levels', [])))}): {text} "
        f"({per_event} on the journal's thread)."
    )
    return out


def load_doc() -> str:
    runs = history("load_pipeline")
    out = [
        "# Full-pipeline load benchmark",
        "",
        "<!-- Written by benchmarks/render_docs.py from benchmarks/results/load_pipeline/; "
        "do not edit by hand. -->",
        "",
        "The real Asterisk 22 (every call recorded), `manage.py run_connector` on "
        "PostgreSQL and Redis, Daphne, sipp as the carrier and as the consultants' "
        "phones, one raw websocket client per consultant's desk. At each level that many "
        "calls are placed within the ramp and are all up at once (in the queue, or "
        "talking: the queue rings a consultant only while free); each caller hangs up "
        "its talk time after Asterisk answered. Script and arguments: "
        "`benchmarks/load_pipeline.py` (its docstring says what each figure is). "
        f"Targets (issue 15): pop p95 < {POP_P95_TARGETS_MS[100]} ms up to 100 calls and "
        f"< {POP_P95_TARGETS_MS[400]} ms at 400; journal lag < {LAG_TARGET_SECONDS} s "
        "after the last hang-up; 0 lost, duplicated or wrong calls at every level. The "
        "machine is shared with other engineers' test runs: the load average is given "
        "with each level, and a level measured under a heavy load is slower for that "
        "reason too.",
        "",
    ]
    if not runs:
        return "\n".join([*out, "No results yet: run `benchmarks/load_pipeline.py`.", ""])
    latest = runs[-1]
    levels = _level_figures(latest)
    parameters = latest.parameters
    out += [
        "## Newest run",
        "",
        run_line(latest),
        f"- {parameters['consultants']} consultants, talk {parameters['talk_seconds']:g} s "
        f"after answer, each level placed within {parameters['ramp_seconds']:g} s, "
        f"{parameters.get('wallboards', 0)} supervisors' wallboards open",
        "",
        "| calls | placed / completed / failed | lost / dup / wrong | journal lag, s "
        "| pop p50 / p95, ms (pops; not received) | messages per desk socket (of them pops) "
        "| CPU, % of a core: Asterisk / connector / Daphne / Redis / sipp / PostgreSQL "
        "| load average at start |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    loads = {
        int(note.split()[0]): _short(note.split("`")[1])
        for note in latest.notes
        if "load at start" in note
    }
    first_failing = None
    for calls in sorted(levels):
        f = levels[calls]

        def v(name: str, figures=f) -> str:
            value = _value(figures, name)
            return "—" if value is None else f"{value:,.0f}"

        pops = f.get("pop latency")
        pop = f"{pops.median:,.0f} / {pops.p95:,.0f} ({len(pops.runs)}; " if pops else "— ("
        pop += f"{v('pops not received')})"
        desk = f.get("messages per desk socket")
        desk_pops = f.get("pops per desk socket")
        lag = _value(f, "journal lag after the last hang-up")
        cpu = " / ".join(
            v(f"CPU: {name}")
            for name in (
                "asterisk",
                "connector",
                "daphne",
                "redis",
                "sipp",
                "postgresql (this database's backends)",
            )
        )
        out.append(
            f"| {calls} | {v('calls placed')} / {v('calls completed (sipp)')} / "
            f"{v('calls failed (sipp)')} | {v('journal: lost')} / {v('journal: duplicated')} / "
            f"{v('journal: wrong')} | {'never settled' if lag is None or lag < 0 else lag} | "
            f"{pop} | {desk.median:,.0f} ({desk_pops.median:,.0f}) | {cpu} | "
            f"{loads.get(calls, '')} |"
        )
        if first_failing is None and level_problems(calls, f):
            first_failing = calls
    out.append("")
    if first_failing is None:
        out.append("Every level measured met the targets.")
    else:
        problems = "; ".join(level_problems(first_failing, levels[first_failing]))
        out.append(
            f"**The first level this run did not carry: {first_failing} calls** ({problems})."
        )
    out += ["", "Notes of the run:", ""]
    out += [f"- {note}" for note in latest.notes]
    profile = (
        RESULTS_DIR
        / "load_pipeline"
        / (latest.started_at.replace(":", "").replace("+0000", "Z") + ".profile.txt")
    )
    out += ["", *where_the_time_goes(runs)]
    if profile.exists():
        out += [
            "",
            "## Where the connector spent its time",
            "",
            "cProfile of `run_connector` over the whole run (`--profile`), the 25 "
            "costliest functions by own time:",
            "",
            "```",
            *profile.read_text().split("By own time:")[-1].strip().splitlines()[:45],
            "```",
        ]
    out += ["", *wallboard_section(), "", *sweep_section()]
    out += [
        "",
        "## Every run",
        "",
        "| run (UTC) | commit | what | levels | first level not carried |",
        "| --- | --- | --- | --- | --- |",
    ]
    for result in runs:
        found = _level_figures(result)
        failing = next((c for c in sorted(found) if level_problems(c, found[c])), None)
        out.append(
            f"| {result.started_at.replace('+00:00', '')} | `{result.commit}` | "
            f"{result.parameters.get('label', '')} | {', '.join(map(str, sorted(found)))} | "
            f"{failing or 'none'} |"
        )
    out += [
        "",
        "Re-run on a quiet machine (the ladder about 4 minutes, the wallboard's cost about 20):",
        "",
        "```sh",
        ".venv/bin/python benchmarks/load_pipeline.py --levels 50,100,200,400 "
        "--consultants 20 --talk 25 --ramp 10 --profile",
        ".venv/bin/python benchmarks/wallboard_cost.py --levels 50,100,200,400 --rounds 3",
        ".venv/bin/python benchmarks/render_docs.py",
        "```",
        "",
    ]
    return "\n".join(out)


def main() -> None:
    (DOCS / "benchmarks-reports.md").write_text(pages_doc())
    (DOCS / "benchmarks-connector.md").write_text(connector_doc())
    (DOCS / "benchmarks-load.md").write_text(load_doc())
    print(
        "Wrote docs/benchmarks-reports.md, docs/benchmarks-connector.md and docs/benchmarks-load.md"
    )


if __name__ == "__main__":
    main()
