#!/usr/bin/env bash
# Note-level music recipe: a note WaveNet and an LSTM of the same size, trained for the same time on
# the same pieces, then set side by side.
#
#   recipes/midi/run.sh                                  # stages 1 to 3 on music21's Bach chorales
#   recipes/midi/run.sh --corpus ~/midi --exp exp/my_midi
#   recipes/midi/run.sh --stage 3 --compositions 50
#
#   1 wavenet   tts midi train --model wavenet (resumes when its out dir holds a run)
#   2 lstm      tts midi train --model lstm
#   3 compare   tts midi compare: held-out NLL and accuracy, time to reach the LSTM's best NLL, steps/s,
#               tokens/s, and the musical statistics of compositions against the held-out pieces
#               ($exp/comparison: comparison.md, comparison.json, the compositions as MIDI and wav)
#
# Stages 1 and 2 may run at once, each on one core, for the same wall time: run the recipe twice,
# `--stage 1 --stop-stage 1` and `--stage 2 --stop-stage 2`, with OMP_NUM_THREADS=1 (how
# BENCHMARKS.md's figures were made on the 2-core machine).
set -euo pipefail
# shellcheck source=../common/stage_runner.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common/stage_runner.sh"

STAGE_NAMES=("" wavenet lstm compare)
corpus=bach
stage=1
stop_stage=3
conf=$recipes_root/midi/conf
exp=exp/midi
compositions=20
bars=16
train_args=()

usage() {
    cat <<EOF
Usage: $0 [options]

Trains a note-level WaveNet and an LSTM on a corpus of scores and compares them (stages 1-3).

  --corpus bach|DIR     music21's Bach chorales (default) or a folder of MIDI / MusicXML files
  --stage N             first stage (default 1)
  --stop-stage M        last stage (default 3)
  --conf DIR            config folder holding wavenet.yaml and lstm.yaml (default recipes/midi/conf)
  --exp DIR             experiment folder (default exp/midi)
  --train-args "K=V ..."  config overrides for both models (e.g. "train.max_steps=100")
  --compositions N      compositions per model in stage 3 (default 20)
  --bars N              bars per composition (default 16)
EOF
}

set_option() {  # set_option NAME VALUE, read by parse_options (stage_runner.sh); fails for an unknown NAME
    case $1 in
        --corpus) corpus=$2 ;;
        --stage) stage=$2 ;;
        --stop-stage) stop_stage=$2 ;;
        --conf) conf=$2 ;;
        --exp) exp=$2 ;;
        --train-args) read -ra train_args <<<"$2" ;;
        --compositions) compositions=$2 ;;
        --bars) bars=$2 ;;
        *) return 1 ;;
    esac
}

check_options() {
    local name
    for name in stage stop_stage compositions bars; do
        [[ ${!name} =~ ^[0-9]+$ ]] || die "--${name//_/-} must be a whole number, got '${!name}'"
    done
    ((1 <= stage && stage <= stop_stage && stop_stage <= 3)) || die "stages run from 1 to 3, got $stage to $stop_stage"
    [[ $corpus == bach || -d $corpus ]] || die "--corpus $corpus is neither 'bach' nor a folder"
    [[ -f $conf/wavenet.yaml && -f $conf/lstm.yaml ]] || die "$conf does not hold wavenet.yaml and lstm.yaml"
    command -v tts >/dev/null || die "the tts command is not on PATH (run 'make setup' or activate .venv)"
}

train_model() {  # train_model MODEL
    local latest
    latest=$(latest_checkpoint "$exp/$1")
    [[ -z $latest ]] || echo "$exp/$1 holds $latest: the run resumes from it (delete $exp/$1 to start over)"
    run tts midi train --model "$1" --corpus "$corpus" --config "$conf/$1.yaml" --out "$exp/$1" "${train_args[@]}"
}

stage_1() { train_model wavenet; }
stage_2() { train_model lstm; }
stage_3() {
    run tts midi compare --run "wavenet=$exp/wavenet" --run "lstm=$exp/lstm" --baseline lstm \
        --compositions "$compositions" --bars "$bars" --out "$exp/comparison"
}

use_repo_venv
parse_options "$@"
check_options
mkdir -p "$exp"
trap report_failure EXIT
echo "midi recipe: stages $stage-$stop_stage, corpus $corpus, exp $exp, conf $conf"
for ((number = stage; number <= stop_stage; number++)); do
    run_stage "$number"
done
