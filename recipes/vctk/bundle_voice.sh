#!/usr/bin/env bash
# Assemble the bundled default voice (tts/voices/default) from this recipe's trained components:
# the duration and acoustic models, the WaveNet vocoder, and the unit database of two festival
# speakers (p229, p230), with weights stored as float16 to stay under 40 MB. The WaveNet's output goes
# through a comb at the F0 (tts.pitch_comb; its taps guarded by how alike the mel frames are), then is
# reshaped to its mel frame by frame (tts.mel_match):
# together they lowered its WER and raised its DNSMOS (BENCHMARKS.md).
#
#   recipes/vctk/bundle_voice.sh [EXP_DIR (default exp)] [DATA_DIR (default data)] [DEFAULT_VOCODER (default griffinlim)]
set -euo pipefail
exp=${1:-exp}
data=${2:-data}
default_vocoder=${3:-griffinlim}
tts build-voice --out tts/voices/default --replace --half \
    --name bootstrap-vctk \
    --description "8 speakers built from the system voices (flite, festival, espeak-ng) by recipes/bootstrap" \
    --duration "$exp/duration/duration.safetensors" --acoustic "$exp/acoustic" --speakers "$data/vctk.speakers.json" \
    --vocoder griffinlim --vocoder world --vocoder lpc --vocoder "wavenet=$exp/wavenet" \
    --vocoder "concat=$exp/units_p229_p230" --vocoder-option wavenet.match_mel=true \
    --vocoder-option wavenet.comb_periods=8 --vocoder-option wavenet.comb_decay=0.95 --vocoder-option wavenet.comb_guard=1 \
    --vocoder-option wavenet.post_passes=3 \
    --default-vocoder "$default_vocoder"
