#!/usr/bin/env bash
# NSynth-style WaveNet autoencoder recipe: a note corpus rendered from the General MIDI soundfont in
# NSynth's layout, the autoencoder trained on it, and its figures on held-out instruments.
#
#   recipes/nsynth/run.sh                                   # stages 1 to 3
#   recipes/nsynth/run.sh --corpus ~/nsynth --stage 2       # the real NSynth download: skip stage 1
#   recipes/nsynth/run.sh --stage 3 --notes 200 --pairs 100
#
#   1 bootstrap  tts nsynth bootstrap: 4 s notes at 16 kHz rendered with fluidsynth (kept when
#                $corpus already holds nsynth-train)
#   2 train      tts nsynth train (resumes when its out dir holds a run)
#   3 evaluate   tts nsynth evaluate: reconstruction (MR-STFT, log-spectral distance, pYIN pitch)
#                beside the mel + Griffin-Lim baseline, and the morphing centroid test ($exp/evaluation)
set -euo pipefail
# shellcheck source=../common/stage_runner.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common/stage_runner.sh"

STAGE_NAMES=("" bootstrap train evaluate)
corpus=data/nsynth
stage=1
stop_stage=3
conf=$recipes_root/nsynth/conf
exp=exp/nsynth
notes=100
pairs=50
bootstrap_args=()
train_args=()

usage() {
    cat <<EOF
Usage: $0 [options]

Renders an NSynth-layout note corpus, trains the WaveNet autoencoder on it and scores it (stages 1-3).

  --corpus DIR          the NSynth-layout corpus: written by stage 1, or the real NSynth (default data/nsynth)
  --stage N             first stage (default 1)
  --stop-stage M        last stage (default 3)
  --conf DIR            config folder holding autoencoder.yaml (default recipes/nsynth/conf)
  --exp DIR             experiment folder (default exp/nsynth)
  --bootstrap-args "…"  options of tts nsynth bootstrap (e.g. "--small")
  --train-args "K=V ..."  config overrides (e.g. "train.max_steps=100")
  --notes N             held-out notes reconstructed in stage 3 (default 100)
  --pairs N             note pairs morphed in stage 3 (default 50)
EOF
}

set_option() {  # set_option NAME VALUE, read by parse_options (stage_runner.sh); fails for an unknown NAME
    case $1 in
        --corpus) corpus=$2 ;;
        --stage) stage=$2 ;;
        --stop-stage) stop_stage=$2 ;;
        --conf) conf=$2 ;;
        --exp) exp=$2 ;;
        --bootstrap-args) read -ra bootstrap_args <<<"$2" ;;
        --train-args) read -ra train_args <<<"$2" ;;
        --notes) notes=$2 ;;
        --pairs) pairs=$2 ;;
        *) return 1 ;;
    esac
}

check_options() {
    local name
    for name in stage stop_stage notes pairs; do
        [[ ${!name} =~ ^[0-9]+$ ]] || die "--${name//_/-} must be a whole number, got '${!name}'"
    done
    ((1 <= stage && stage <= stop_stage && stop_stage <= 3)) || die "stages run from 1 to 3, got $stage to $stop_stage"
    ((stage == 1)) || [[ -d $corpus/nsynth-train ]] || die "--corpus $corpus holds no nsynth-train folder"
    [[ -f $conf/autoencoder.yaml ]] || die "$conf does not hold autoencoder.yaml"
    command -v tts >/dev/null || die "the tts command is not on PATH (run 'make setup' or activate .venv)"
}

stage_1() {
    if [[ -d $corpus/nsynth-train ]]; then
        echo "$corpus already holds nsynth-train: kept (delete it to render again)"
        return
    fi
    run tts nsynth bootstrap --out "$corpus" "${bootstrap_args[@]}"
}

stage_2() {
    local latest
    latest=$(latest_checkpoint "$exp/train")
    [[ -z $latest ]] || echo "$exp/train holds $latest: the run resumes from it (delete $exp/train to start over)"
    run tts nsynth train --corpus "$corpus" --config "$conf/autoencoder.yaml" --out "$exp/train" "${train_args[@]}"
}

stage_3() {
    run tts nsynth evaluate --model "$exp/train" --corpus "$corpus" --notes "$notes" --pairs "$pairs" \
        --out "$exp/evaluation"
}

use_repo_venv
parse_options "$@"
check_options
mkdir -p "$exp"
trap report_failure EXIT
echo "nsynth recipe: stages $stage-$stop_stage, corpus $corpus, exp $exp, conf $conf"
for ((number = stage; number <= stop_stage; number++)); do
    run_stage "$number"
done
