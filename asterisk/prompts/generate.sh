#!/usr/bin/env bash
# Generates the default Ukrainian prompts into OUTDIR:
#
#   asterisk/prompts/generate.sh OUTDIR
#
# Every line of uk.txt is spoken by espeak-ng's Ukrainian voice and converted
# by sox into the formats Asterisk plays without transcoding: 8 kHz WAV (G.711
# calls), GSM, and 16 kHz signed linear (.sln16, for Opus browser calls); plus a
# soft synthesised hold melody in OUTDIR/moh. Runs again only when uk.txt or
# this script changed (checksum in OUTDIR/.source), and then replaces the files
# atomically so a running Asterisk never plays half a file.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: $0 OUTDIR}"
source_sum="$(cat "$here/uk.txt" "$0" | sha256sum | cut -d' ' -f1)"
if [ -f "$out/.source" ] && [ "$(cat "$out/.source")" = "$source_sum" ]; then
    exit 0
fi
for tool in espeak-ng sox; do
    command -v "$tool" >/dev/null || {
        echo "$tool is missing: run scripts/install-system-deps.sh" >&2
        exit 1
    }
done

mkdir -p "$out"
work="$(mktemp -d "$out/.generating.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/digits" "$work/moh"

while IFS='|' read -r name text; do
    case "$name" in '' | '#'*) continue ;; esac
    espeak-ng -v uk -s 140 -w "$work/raw.wav" "$text"
    # A little silence before and after, so the first syllable is never lost
    # while RTP starts, and a little headroom for the resampler.
    sox "$work/raw.wav" "$work/padded.wav" gain -n -3 pad 0.15 0.25
    sox "$work/padded.wav" -r 8000 -c 1 -b 16 -e signed-integer "$work/$name.wav"
    sox "$work/padded.wav" -r 8000 -c 1 "$work/$name.gsm"
    sox "$work/padded.wav" -r 16000 -c 1 -b 16 -e signed-integer -t raw "$work/$name.sln16"
done <"$here/uk.txt"
rm -f "$work/raw.wav" "$work/padded.wav"

# Hold music: a slow arpeggio of soft sine tones, quiet enough to talk over.
notes=(523.25 659.25 783.99 659.25 587.33 698.46 880.00 698.46 523.25 659.25 783.99 1046.50)
parts=()
for note in "${notes[@]}"; do
    parts+=(synth 0.9 sine "$note" fade q 0.05 0.9 0.6 :)
done
sox -n -r 8000 -c 1 -b 16 -e signed-integer "$work/moh/melody.wav" "${parts[@]}" synth 1.2 sine 0 vol 0
sox "$work/moh/melody.wav" "$work/moh/hold.wav" repeat 2 vol 0.25
rm -f "$work/moh/melody.wav"

for file in "$work"/*.* "$work"/digits/* "$work"/moh/*; do
    relative="${file#"$work"/}"
    mkdir -p "$(dirname "$out/$relative")"
    mv -f "$file" "$out/$relative"
done
echo "$source_sum" >"$out/.source"
