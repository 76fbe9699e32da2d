#!/usr/bin/env bash
# Raw-audio music recipe: a WaveNet and a sample-level LSTM of the same size, trained for the same
# time on the same audio, then set side by side.
#
#   recipes/music/run.sh                                 # stages 1 to 4: render the chorales, train, compare
#   recipes/music/run.sh --corpus ~/my_audio --stage 2   # your own folder of wav / flac / ogg files
#   recipes/music/run.sh --stage 4 --pieces 4 --seconds 10
#
#   1 bootstrap  tts music bootstrap: music21's Bach chorales rendered by fluidsynth on four General MIDI
#                instruments into $corpus (16 kHz mono, with pieces.json: whole pieces held out);
#                files already there are kept
#   2 wavenet    tts music train --model wavenet (resumes when its out dir holds a run)
#   3 lstm       tts music train --model lstm
#   4 compare    tts music compare: held-out bits per sample, parameters, steps/s, the time to reach the
#                LSTM's best, and the real-time factor of generation ($exp/comparison: comparison.md,
#                comparison.json and the generated pieces as wav)
#
# Stages 2 and 3 may run at once, each on one core, for the same wall time: run the recipe twice,
# `--stage 2 --stop-stage 2` and `--stage 3 --stop-stage 3`, with OMP_NUM_THREADS=1.
set -euo pipefail
# shellcheck source=../common/stage_runner.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common/stage_runner.sh"

STAGE_NAMES=("" bootstrap wavenet lstm compare)
corpus=data/music
chorales=200
instruments="piano organ strings flute"
stage=1
stop_stage=4
conf=$recipes_root/music/conf
exp=exp/music
pieces=2
seconds=4
train_args=()

usage() {
    cat <<EOF
Usage: $0 [options]

Renders a corpus of chorales, trains a music WaveNet and a sample LSTM on it and compares them (stages 1-4).

  --corpus DIR          the audio folder: stage 1 renders the chorales into it (default data/music);
                        or your own folder of wav / flac / ogg files, from --stage 2
  --chorales N          chorales stage 1 renders (default 200: about 2 hours of audio)
  --instruments "A B"   General MIDI instruments they are played on (default "piano organ strings flute")
  --stage N             first stage (default 1)
  --stop-stage M        last stage (default 4)
  --conf DIR            config folder holding wavenet.yaml and lstm.yaml (default recipes/music/conf)
  --exp DIR             experiment folder (default exp/music)
  --train-args "K=V ..."  config overrides for both models (e.g. "train.max_steps=100")
  --pieces N            pieces each model generates in stage 4 (default 2)
  --seconds S           seconds per generated piece (default 4)
EOF
}

set_option() {  # set_option NAME VALUE, read by parse_options (stage_runner.sh); fails for an unknown NAME
    case $1 in
        --corpus) corpus=$2 ;;
        --chorales) chorales=$2 ;;
        --instruments) instruments=$2 ;;
        --stage) stage=$2 ;;
        --stop-stage) stop_stage=$2 ;;
        --conf) conf=$2 ;;
        --exp) exp=$2 ;;
        --train-args) read -ra train_args <<<"$2" ;;
        --pieces) pieces=$2 ;;
        --seconds) seconds=$2 ;;
        *) return 1 ;;
    esac
}

check_options() {
    local name
    for name in stage stop_stage chorales pieces; do
        [[ ${!name} =~ ^[0-9]+$ ]] || die "--${name//_/-} must be a whole number, got '${!name}'"
    done
    [[ $seconds =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--seconds must be a number, got '$seconds'"
    ((1 <= stage && stage <= stop_stage && stop_stage <= 4)) || die "stages run from 1 to 4, got $stage to $stop_stage"
    ((stage == 1)) || [[ -d $corpus ]] || die "--corpus $corpus is not a folder (stage 1 renders one)"
    [[ -f $conf/wavenet.yaml && -f $conf/lstm.yaml ]] || die "$conf does not hold wavenet.yaml and lstm.yaml"
    command -v tts >/dev/null || die "the tts command is not on PATH (run 'make setup' or activate .venv)"
}

train_model() {  # train_model MODEL
    local latest
    latest=$(latest_checkpoint "$exp/$1")
    [[ -z $latest ]] || echo "$exp/$1 holds $latest: the run resumes from it (delete $exp/$1 to start over)"
    run tts music train --model "$1" --corpus "$corpus" --config "$conf/$1.yaml" --out "$exp/$1" "${train_args[@]}"
}

stage_1() {
    local names
    read -ra names <<<"$instruments"
    run tts music bootstrap --out "$corpus" --pieces "$chorales" --instruments "${names[@]}"
}
stage_2() { train_model wavenet; }
stage_3() { train_model lstm; }
stage_4() {
    run tts music compare --run "wavenet=$exp/wavenet" --run "lstm=$exp/lstm" --baseline lstm \
        --pieces "$pieces" --seconds "$seconds" --out "$exp/comparison"
}

use_repo_venv
parse_options "$@"
check_options
mkdir -p "$exp"
trap report_failure EXIT
echo "music recipe: stages $stage-$stop_stage, corpus $corpus, exp $exp, conf $conf"
for ((number = stage; number <= stop_stage; number++)); do
    run_stage "$number"
done
