#!/usr/bin/env bash
# Synthesize the LJSpeech- and VCTK-layout corpora that the other recipes and the tests train on,
# read by the system voices (flite, festival, espeak-ng). A corpus already built is kept.
set -euo pipefail

OUT=${OUT:-data/bootstrap}                  # corpora land in $OUT/LJSpeech-1.1 and $OUT/VCTK-Corpus-$VCTK_VERSION
LJ_UTTERANCES=${LJ_UTTERANCES:-100}         # LJSpeech has one reader: this is the corpus size
VCTK_PER_SPEAKER=${VCTK_PER_SPEAKER:-20}    # utterances for each of the VCTK speakers
VCTK_VERSION=${VCTK_VERSION:-0.92}          # 0.92: wav48_silence_trimmed/*_mic1.flac; 0.80: wav48/*.wav
SEED=${SEED:-0}                             # sentence generator seed; same seed, same prompts
JOBS=${JOBS:-2}                             # synthesis worker processes

build() {  # build LAYOUT DIR ARGS...: skip a corpus that a previous run finished
    local layout=$1 dir=$2
    shift 2
    if [[ -f "$dir/bootstrap_report.json" ]]; then
        echo "$dir: already built, skipping"
        return
    fi
    tts corpus bootstrap --layout "$layout" --out "$dir" --seed "$SEED" --jobs "$JOBS" "$@"
}

build ljspeech "$OUT/LJSpeech-1.1" --per-speaker "$LJ_UTTERANCES"
build vctk "$OUT/VCTK-Corpus-$VCTK_VERSION" --per-speaker "$VCTK_PER_SPEAKER" --vctk-version "$VCTK_VERSION"
