"""Benchmark results: at least three runs per figure, the docs written from the files,
and a figure that got worse since the run before marked."""

import pytest

from benchmarks import render_docs, results


def _result(started_at: str, journal_runs: list[float], report_runs: list[float]):
    result = results.Result("pages", {"calls": 1_000_000, "consultations": 300_000, "runs": 3})
    result.started_at = started_at
    result.add("every call", "ms", journal_runs, group="journal")
    result.add("calls page", "ms", report_runs, group="reports, year")
    return result


@pytest.fixture
def saved(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    _result("2026-12-01T10:00:00+00:00", [100, 110, 120], [900, 950, 1000]).save()
    # The journal got slower beyond the last run's range; the report got faster.
    _result("2026-12-01T12:00:00+00:00", [130, 140, 150], [400, 420, 1100]).save()
    return tmp_path


def test_a_figure_needs_three_runs():
    result = results.Result("pages", {})
    with pytest.raises(ValueError, match="at least 3"):
        result.add("every call", "ms", [1.0, 2.0])


def test_each_result_file_says_when_on_which_commit_and_how_busy(saved):
    latest = results.history("pages")[-1]
    assert latest.commit and "load average" in latest.uptime_at_start
    assert latest.uptime_at_end and latest.machine["cpus"]
    assert latest.figures[0].runs == [130, 140, 150]


def test_the_doc_marks_only_the_figure_that_got_worse(saved):
    doc = render_docs.pages_doc()
    journal = next(line for line in doc.splitlines() if line.startswith("| journal |"))
    report = next(line for line in doc.splitlines() if line.startswith("| reports, year |"))
    assert journal == "| journal | every call | 140 ▲ | 130–150 | 150 | 110 |"
    assert report == "| reports, year | calls page | 420 | 400–1,100 | 1,100 **over 1 s** | 950 |"
    assert "1 with a p95 of 1 s or more" in doc


def _wallboard_cost(open_pops: list[float], closed_pops: list[float]) -> results.Result:
    result = results.Result("wallboard_cost", {"rounds": 3, "consultants": 20})
    result.parameters |= {"talk_seconds": 25, "ramp_seconds": 10}
    for side, pops, p95s, cpu in (
        ("open", open_pops, [18.0, 21.0, 20.0], [3.0, 2.0, 4.0]),
        ("closed", closed_pops, [19.0, 15.0, 17.0], [2.0, 2.5, 1.0]),
    ):
        result.add(f"pop latency, wallboard {side}", "ms", pops, group="100 calls")
        result.add(f"pop p95 of each run, wallboard {side}", "ms", p95s, group="100 calls")
        result.add(f"CPU: daphne, wallboard {side}", "% of a core", cpu, group="100 calls")
    result.add("messages per wallboard socket", "messages", [60, 64, 61], group="100 calls")
    return result


def test_the_wallboards_cost_compares_the_pooled_pops_of_the_newest_run(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    closed = [float(n) for n in range(1, 21)]  # p50 10.5; p95 the 19th of 20: 19
    _wallboard_cost([n * 3 for n in closed], closed).save()  # an older run
    newest = _wallboard_cost([n + 1 for n in closed], closed)  # p50 11.5, p95 20
    newest.started_at = "2099-01-01T00:00:00+00:00"
    newest.save()
    section = render_docs.wallboard_section()
    [row] = [line for line in section if line.startswith("| 100 |")]
    # p50 11.5 / 10.5 = +9.5 %; p95 20 / 19 = +5.3 %; Daphne's medians 3.0 and 2.0.
    assert row == (
        "| 100 | 20 / 20 | 12 / 20 | 10 / 19 | +10 % | +5 % | 18–21 | 15–19 | 3.0 / 2.0 | 61 |"
    )
    assert section[-1] == "The largest p95 change: +5 % at 100 calls, within the limit."


def test_a_wallboard_over_the_limit_is_said_to_be(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    closed = [float(n) for n in range(1, 21)]
    _wallboard_cost([n * 1.2 for n in closed], closed).save()  # p95 22.8 against 19: +20 %
    section = render_docs.wallboard_section()
    assert section[-1] == "The largest p95 change: +20 % at 100 calls, **over** the limit."
