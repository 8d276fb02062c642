"""Benchmark results as files: what was measured, when, on which commit, how busy the
machine was, and every run's figure.

Each benchmark writes one JSON file per run of the benchmark into
benchmarks/results/<benchmark>/<UTC time>.json; `benchmarks/render_docs.py`
writes docs/benchmarks-*.md from the newest files, so no figure in the docs
is typed by hand. A figure holds all its runs (at least three); the docs show
its median and range, and mark it when it is worse than the last run's.
"""

import json
import os
import platform
import statistics
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
MIN_RUNS = 3


def uptime() -> str:
    """`uptime` as the shell prints it: the time, and the load average over 1, 5 and 15 min."""
    try:
        utc = {**os.environ, "TZ": "UTC"}  # Django sets TZ to Kyiv in this process
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=True, env=utc
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: {:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())


def commit() -> str:
    """The commit measured, with "+changes" when the work tree differs from it."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
        ).stdout.strip()

    head = git("rev-parse", "--short=10", "HEAD") or "unknown"
    # The results and the docs written from them are not what is measured.
    dirty = git(
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        ".",
        ":!benchmarks/results",
        ":!docs/benchmarks-*.md",
    )
    return f"{head}+changes" if dirty else head


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: with fewer than 20 runs p95 is the slowest run."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


@dataclass
class Figure:
    name: str
    unit: str
    runs: list[float]
    # "lower" for times, "higher" for throughputs: which way is better.
    better: str = "lower"
    group: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def p95(self) -> float:
        return percentile(self.runs, 0.95)

    def worse_than(self, previous: "Figure") -> bool:
        """Worse beyond the noise: the median is outside the previous run's whole range."""
        if self.better == "lower":
            return self.median > max(previous.runs)
        return self.median < min(previous.runs)


@dataclass
class Result:
    benchmark: str
    parameters: dict
    figures: list[Figure] = field(default_factory=list)
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    commit: str = field(default_factory=commit)
    uptime_at_start: str = field(default_factory=uptime)
    uptime_at_end: str = ""
    machine: dict = field(
        default_factory=lambda: {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.platform(terse=True),
        }
    )
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, unit: str, runs: list[float], **kwargs) -> Figure:
        if len(runs) < MIN_RUNS:
            raise ValueError(f"{name}: {len(runs)} runs, at least {MIN_RUNS} are needed")
        figure = Figure(name, unit, [round(value, 3) for value in runs], **kwargs)
        self.figures.append(figure)
        return figure

    def save(self) -> Path:
        self.uptime_at_end = uptime()
        folder = RESULTS / self.benchmark
        folder.mkdir(parents=True, exist_ok=True)
        stamp = self.started_at.replace(":", "").replace("+0000", "Z")
        path = folder / f"{stamp}.json"
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n")
        return path


def load(path: Path) -> Result:
    data = json.loads(path.read_text())
    figures = [Figure(**figure) for figure in data.pop("figures")]
    return Result(**data, figures=figures)


def history(benchmark: str, **parameters) -> list[Result]:
    """Every saved result of `benchmark` with these parameters, oldest first."""
    found = [load(path) for path in sorted((RESULTS / benchmark).glob("*.json"))]
    wanted = [r for r in found if all(r.parameters.get(k) == v for k, v in parameters.items())]
    return sorted(wanted, key=lambda result: result.started_at)
