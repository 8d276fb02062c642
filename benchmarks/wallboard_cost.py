"""What an open wallboard costs the screen pops, measured inside one running pipeline.

    .venv/bin/python benchmarks/wallboard_cost.py [--levels 50,100,200,400]
        [--rounds 3] [--consultants 20] [--talk 25] [--ramp 10] [--label TEXT]

The pipeline is load_pipeline.py's (real Asterisk, the connector on PostgreSQL
and Redis, Daphne, sipp, a raw websocket per desk), started once. Each level is
run `--rounds` times with a supervisor's wallboard open and as many times with
it closed (after one run of the first level, not counted), in the order open,
closed, closed, open, open, closed…, so that a drift of the machine over the
run falls on both sides alike. Ladders run one after another differ by more
than the wallboard costs (the same commit gave a pop p95 of 190 and 478 ms at
200 calls): here the two sides share the processes, the database and the
minutes they run in.

Per level and side: the pops of every run pooled (their p50 and p95), each run's
p95, the pops not received, Daphne's CPU, and the messages the open wallboard
received. The result goes to benchmarks/results/wallboard_cost/;
`benchmarks/render_docs.py` writes its table into docs/benchmarks-load.md.
"""

import argparse
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load_pipeline import Level, Pipeline, percentile, run_level, setup_django

OPEN, CLOSED = "wallboard open", "wallboard closed"


def sides(rounds: int) -> list[str]:
    """open, closed, closed, open, …: each side as often first as second."""
    order: list[str] = []
    for round_ in range(rounds):
        order += [OPEN, CLOSED] if round_ % 2 == 0 else [CLOSED, OPEN]
    return order


def show_wallboard(pipeline: Pipeline, side: str) -> None:
    """Open or close the supervisor's wallboard; an opened one has its snapshot."""
    [board] = pipeline.wallboards
    is_open = board.username in pipeline.sockets.sockets
    if side == CLOSED and is_open:
        pipeline.sockets.close(board)
    elif side == OPEN and not is_open:
        before = len(board.messages)
        pipeline.sockets.open(board)
        deadline = time.monotonic() + 30
        while len(board.messages) == before:
            if time.monotonic() > deadline:
                raise RuntimeError("the wallboard sent no snapshot")
            time.sleep(0.1)
    time.sleep(2)  # the snapshot's work, or the goodbye, done before the calls


def run(arguments) -> tuple[dict[tuple[int, str], list[Level]], list[str]]:
    scratch = Path(tempfile.mkdtemp(prefix="hotline-wallboard-cost-"))
    pipeline = Pipeline(scratch, arguments.consultants, wallboards=1, profile=False)
    measured: dict[tuple[int, str], list[Level]] = {}
    notes: list[str] = []
    try:
        pipeline.start()
        offset = 1_000_000
        levels = [int(text) for text in arguments.levels.split(",")]
        # Not counted: a pipeline's first level is slower on either side (its
        # connections, prepared statements and caches are new): 54 and 70 ms of
        # p95 at 50 calls, against 28–50 ms for the runs after it.
        run_level(pipeline, levels[0], arguments.talk, arguments.ramp, offset)
        offset += levels[0]
        time.sleep(5)
        for calls in levels:
            for side in sides(arguments.rounds):
                show_wallboard(pipeline, side)
                level = run_level(pipeline, calls, arguments.talk, arguments.ramp, offset)
                offset += calls
                measured.setdefault((calls, side), []).append(level)
                notes.append(
                    f"{calls} calls, {side}: load at start `{level.load_start}`; "
                    f"{len(level.pops)} pops, p95 {percentile(level.pops, 0.95)} ms; "
                    f"consultants in the queue after it: {level.queue_members}"
                )
                notes += [f"{calls} calls, {side}: {text}" for text in level.differences]
                print(notes[-1 - len(level.differences)], flush=True)
                time.sleep(5)
    except KeyboardInterrupt:
        print("Interrupted: the levels measured so far are saved", flush=True)
    finally:
        pipeline.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    return measured, notes


def save(measured: dict[tuple[int, str], list[Level]], notes: list[str], arguments, started):
    from benchmarks.results import MIN_RUNS, Result

    result = Result(
        **started,
        benchmark="wallboard_cost",
        parameters={
            "levels": sorted({calls for calls, _side in measured}),
            "rounds": arguments.rounds,
            "consultants": arguments.consultants,
            "talk_seconds": arguments.talk,
            "ramp_seconds": arguments.ramp,
            "label": arguments.label,
        },
    )
    for (calls, side), levels in sorted(measured.items()):
        group = f"{calls} calls"
        if len(levels) < MIN_RUNS:  # an interrupted run's last level
            result.notes.append(f"{group}, {side}: only {len(levels)} runs, left out")
            continue
        pooled = [pop for level in levels for pop in level.pops]
        if len(pooled) >= MIN_RUNS:
            result.add(f"pop latency, {side}", "ms", pooled, group=group)
        each = [percentile(level.pops, 0.95) for level in levels if level.pops]
        if len(each) >= MIN_RUNS:
            result.add(f"pop p95 of each run, {side}", "ms", each, group=group)
        each_pops = [len(level.pops) for level in levels]
        result.add(f"pops of each run, {side}", "pops", each_pops, group=group)
        missing = [level.pops_missing for level in levels]
        result.add(f"pops not received, {side}", "pops", missing, group=group)
        cpu = [level.cpu["daphne"] for level in levels]
        result.add(f"CPU: daphne, {side}", "% of a core", cpu, group=group)
        if side == OPEN:
            boards = [n for level in levels for n in level.messages_per_wallboard]
            result.add("messages per wallboard socket", "messages", boards, group=group)
    result.notes += notes
    return result.save()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="50,100,200,400")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each level and side")
    parser.add_argument("--consultants", type=int, default=20)
    parser.add_argument("--talk", type=float, default=25.0, help="seconds after answer")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds to place a level")
    parser.add_argument("--label", default="")
    arguments = parser.parse_args()
    if arguments.rounds < 3:
        parser.error("--rounds: at least 3 (a figure holds three runs or more)")
    setup_django()
    from benchmarks.results import uptime

    started = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "uptime_at_start": uptime(),
    }
    measured, notes = run(arguments)
    if measured:
        print(f"Saved {save(measured, notes, arguments, started)}")


if __name__ == "__main__":
    main()
