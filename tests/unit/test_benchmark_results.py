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


def _ladder(started_at: str, commit: str, wallboards: int, pops_at_100: list[float]):
    result = results.Result("load_pipeline", {"levels": [100], "wallboards": wallboards})
    result.started_at, result.commit = started_at, commit
    result.figures.append(results.Figure("pop latency", "ms", pops_at_100, group="100 calls"))
    return result


def test_the_wallboards_cost_is_the_median_of_the_newest_commits_ladders(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    twenty = [float(n) for n in range(1, 21)]  # p50 10.5, p95 19.05 (percentile's interpolation)
    runs = [
        _ladder("2026-12-01T09:00:00+00:00", "old", 1, [n * 9 for n in twenty]),  # not this commit
        _ladder("2026-12-03T10:00:00+00:00", "new", 1, [n * 2 for n in twenty]),
        _ladder("2026-12-03T10:05:00+00:00", "new", 0, twenty),
        _ladder("2026-12-03T10:10:00+00:00", "new", 1, [n * 1.1 for n in twenty]),
        _ladder("2026-12-03T10:15:00+00:00", "new", 0, [n * 3 for n in twenty]),
        _ladder("2026-12-03T10:20:00+00:00", "new", 1, [n * 1.2 for n in twenty]),
        _ladder("2026-12-03T10:25:00+00:00", "new", 0, [n * 1.15 for n in twenty]),
    ]
    [row] = [line for line in render_docs.wallboard_section(runs) if line.startswith("| 100 |")]
    # With: p95s 38.1, 20.955, 22.86 → median 22.86 (p50 12.6); without: 19.05, 57.15,
    # 21.9075 → median 21.9075 (p50 12.075); 22.86 / 21.9075 = +4 %.
    assert row == "| 100 | 13 / 23 | 21–38 | 12 / 22 | 19–57 | +4 % | 0 |"
