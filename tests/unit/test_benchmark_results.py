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
