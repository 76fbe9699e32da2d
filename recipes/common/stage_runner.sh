# What every recipe shares, whatever its stages: paths, errors, echoed commands, timed stages.
#
# Sourced by recipes/common/stages.sh (the corpus recipes' template) and recipes/midi/run.sh. A
# recipe defines usage, set_option NAME VALUE (returning 1 for a name it does not know),
# STAGE_NAMES and a function stage_N for each stage, and sets $exp before run_stage.

recipes_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
repo_root=$(dirname "$recipes_root")

use_repo_venv() {  # the venv `make setup` builds, when no tts is on PATH
    if ! command -v tts >/dev/null && [[ -x $repo_root/.venv/bin/tts ]]; then
        PATH=$repo_root/.venv/bin:$PATH
    fi
}

parse_options() {  # every option takes a value, given to the recipe's set_option
    while (($#)); do
        case $1 in
            -h | --help) usage; exit 0 ;;
        esac
        (($# >= 2)) || die "$1 needs a value (see --help)"
        set_option "$1" "$2" || die "unknown option $1 (see --help)"
        shift 2
    done
}

die() {  # one line on stderr, then exit 2, as the tts command does for usage errors
    echo "$(basename "$0"): error: $*" >&2
    exit 2
}

run() {  # run CMD...: print the command, quoted so that it can be pasted into a shell, then run it
    echo "+ $(printf '%q ' "$@")"
    "$@"
}

latest_checkpoint() {  # the newest step directory of a training run, or nothing
    local steps=("$1"/checkpoints/step-*)
    [[ -e ${steps[0]} ]] && basename "${steps[-1]}"
    return 0
}

run_stage() {  # run_stage N: a header, the stage, its elapsed time (also in $exp/stage_times.tsv)
    local number=$1 name=${STAGE_NAMES[$1]} started=$EPOCHREALTIME
    echo "=== stage $number: $name ($(date '+%F %T'))"
    current_stage="$number: $name"
    "stage_$number"
    current_stage=""
    local seconds
    seconds=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    echo "=== stage $number: $name: done in $seconds s"
    printf '%s\t%s\t%s\t%s\n' "$(date '+%F %T')" "$number" "$name" "$seconds" >>"$exp/stage_times.tsv"
}

report_failure() {  # on exit: name the stage that failed, since set -e stops the script silently
    local status=$?
    if ((status != 0)) && [[ -n ${current_stage:-} ]]; then
        echo "=== stage $current_stage: FAILED (exit status $status)" >&2
    fi
}
