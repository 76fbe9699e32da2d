#!/usr/bin/env bash
# VCTK recipe: an unpacked VCTK-Corpus-0.92 (or the 0.80 layout) to a multi-speaker voice, evaluated.
#
#   recipes/vctk/run.sh --db /data/VCTK-Corpus-0.92                      # every stage, 0 to 9
#   recipes/vctk/run.sh --db /data/VCTK-Corpus-0.92 --stage 4 --stop-stage 5 --ngpu 4
#   recipes/vctk/run.sh --help
#
# The stages are in recipes/common/stages.sh; this file only sets the corpus's variables and checks
# its layout. The reader (tts/corpora/vctk.py) takes the mic1 recordings, pairs them with txt/, and
# lists the recordings without a transcript (p315) as skipped.
set -euo pipefail
# shellcheck source=../common/stages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../common/stages.sh"

corpus=vctk
speakers="p225 p226"   # one female and one male reader: their unit database, synthesis and scores
voice_description="VCTK multi-speaker voice trained by recipes/vctk/run.sh"
eval_held_out=5        # 5 held-out recordings of each of the 109 speakers

check_db() {  # the 0.92 layout (txt/ + wav48_silence_trimmed/) or the 0.80 one (txt/ + wav48/)
    [[ -d $1/txt && (-d $1/wav48_silence_trimmed || -d $1/wav48) ]] ||
        die "--db $1 is not a VCTK corpus folder (no txt/ beside wav48_silence_trimmed/ or wav48/)"
}

run_recipe "$@"
