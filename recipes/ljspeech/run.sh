#!/usr/bin/env bash
# LJSpeech recipe: an unpacked LJSpeech-1.1 to a single-speaker voice, evaluated.
#
#   recipes/ljspeech/run.sh --db /data/LJSpeech-1.1                      # every stage, 0 to 9
#   recipes/ljspeech/run.sh --db /data/LJSpeech-1.1 --stage 4 --stop-stage 5 --ngpu 4
#   recipes/ljspeech/run.sh --help
#
# The stages are in recipes/common/stages.sh; this file only sets the corpus's variables and checks
# its layout. The reader (tts/corpora/ljspeech.py) takes metadata.csv's normalized column and
# lists rows without a wav as skipped.
set -euo pipefail
# shellcheck source=../common/stages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common/stages.sh"

corpus=ljspeech
speakers=LJ            # the one speaker: its unit database (all ~24 h; --speakers "" skips it), synthesis, scores
voice_description="LJSpeech single-speaker voice trained by recipes/ljspeech/run.sh"
eval_held_out=100      # of the 1,310 held-out recordings

check_db() {
    [[ -f $1/metadata.csv && -d $1/wavs ]] || die "--db $1 is not an LJSpeech-1.1 folder (no metadata.csv and wavs/)"
}

run_recipe "$@"
