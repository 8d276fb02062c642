#!/usr/bin/env bash
# Runs the parts of `make test` at the same time (decision 0034):
#
#   scripts/test-parts.sh NAME=COMMAND...
#
# Each part writes to var/test/NAME.log; a part's log is printed whole as soon
# as the part ends, under a line with its result and time, so three pytest runs
# never interleave line by line and the CI reader finds each run's own summary
# ("FAILED tests/…", "N passed in …"). Fails when any part failed.
set -uo pipefail
mkdir -p var/test

declare -A name_of started_at
# Each part in a process group of its own: stopping `make test` stops them all.
stop_parts() {
    for pid in "${!name_of[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
    exit 130
}
trap stop_parts INT TERM
for part in "$@"; do
    name="${part%%=*}"
    command="${part#*=}"
    echo "--- $name: started at $(date -u +%H:%M:%S) UTC: $command"
    setsid bash -c "$command" >"var/test/$name.log" 2>&1 &
    name_of[$!]="$name"
    started_at[$!]=$SECONDS
done

failed=()
while [ ${#name_of[@]} -gt 0 ]; do
    wait -n -p pid "${!name_of[@]}"
    status=$?
    name="${name_of[$pid]}"
    unset "name_of[$pid]"
    result="passed"
    if [ "$status" -ne 0 ]; then
        result="FAILED (exit status $status)"
        failed+=("$name")
    fi
    echo
    echo "--- $name: $result in $((SECONDS - started_at[$pid])) s (var/test/$name.log):"
    cat "var/test/$name.log"
done

echo
if [ ${#failed[@]} -gt 0 ]; then
    echo "--- make test: failed: ${failed[*]}"
    exit 1
fi
echo "--- make test: every part passed in $SECONDS s"
