# The stage template of every corpus recipe: raw corpus to an evaluated voice in ten stages.
#
# Not run directly: recipes/<corpus>/run.sh sources this file (which sets the defaults below), sets
# the corpus's variables, defines its data preparation (check_db) and calls `run_recipe "$@"`.
# Every stage only calls `tts` subcommands; it logs a header, each command it runs and its elapsed
# time, and can be re-run: a training stage resumes from the checkpoints in its out dir, which
# nothing here ever deletes. Every stage that computes or reads features gets the one FeatureSpec
# of $features (--features, or --voice-spec for tts align), so they all compute the same ones.
#
#   0 preflight  tts corpus check: report every bad file, write the manifest of the good ones
#   1 features   tts corpus features: check that every stage config agrees with $features, then
#                cache the mels, F0 and audio every later stage reads
#   2 aligner    tts train aligner, then tts align: per-phoneme durations beside the manifest
#   3 duration   tts train duration
#   4 acoustic   tts train acoustic
#   5 wavenet    tts train wavenet on the recordings' mels, then tts corpus gta-mels and a second
#                run from the first's weights on the acoustic model's own mels (ground-truth aligned)
#   6 units      tts build-units: the concatenative vocoder's unit database of $speakers
#   7 voice      tts build-voice: $exp/voice
#   8 synth      tts synth: the Harvard sentences spoken by each of $speakers, in $exp/synth
#   9 eval       tts eval texts (ASR WER, DNSMOS) and tts eval acoustic (held-out recordings: mel L1, MCD, F0)
#
# What run.sh sets before run_recipe (options may override the ones marked *):
#   corpus             name of the corpus: data/<corpus>, exp/<corpus>, the manifest's name
#   speakers*          speakers of stages 6, 8 and 9 (ids or indices; empty: no unit database)
#   voice_description  one line stored in voice.json
#   eval_held_out*     held-out recordings per speaker that stage 9 scores
#   check_db DIR       a function that fails (through `die`) unless DIR has the corpus's layout

# shellcheck source=stage_runner.sh
source "$(dirname "${BASH_SOURCE[0]}")/stage_runner.sh"

# Defaults; run.sh may change any of them before calling run_recipe, options after it.
corpus=""
voice_description=""
speakers=""
db=""                  # the unpacked corpus (needed by stage 0)
stage=0
stop_stage=9
ngpu=1                 # 0: CPU only; 1: one process (the GPU when there is one); N > 1: torchrun, N processes
torchrun_options=""    # replaces "--standalone --nproc-per-node N", e.g. for a multi-node rendezvous
nj=$(nproc)            # processes for the preflight and the feature cache
conf=""                # config folder (default recipes/<corpus>/conf, or conf/<config set>)
features=$recipes_root/common/conf/features.yaml  # the FeatureSpec every stage shares
config_set=""
exp=""                 # default exp/<corpus>
data=""                # default data/<corpus>
train_args=()          # key=value overrides for every training stage
# shellcheck disable=SC2034  # the per-model overrides, read as ${model}_args by train()
aligner_args=() duration_args=() acoustic_args=() wavenet_args=()
wavenet_gta_args=(train.lr=0.0003 train.warmup_steps=0)  # the second WaveNet run, after wavenet_args
default_vocoder=wavenet
eval_texts=20          # Harvard sentences stages 8 and 9 speak (the list has 100)
eval_held_out=10       # held-out recordings per speaker that stage 9 scores

usage() {
    cat <<EOF
Usage: $0 --db DIR [options]

Runs the $corpus recipe: stages 0-9, from the corpus at DIR to a voice in EXP/voice and its
evaluation in EXP/eval. See README.md ("Recipes") and recipes/common/stages.sh.

  --db DIR              the unpacked corpus (needed by stage 0)
  --stage N             first stage to run (default 0)
  --stop-stage M        last stage to run (default 9)
  --ngpu N              0: CPU; 1: one process (GPU if any); N > 1: the training stages run
                        under torchrun with N processes (one per GPU, or gloo processes on CPU)
  --torchrun "OPTIONS"  torchrun options replacing "--standalone --nproc-per-node N" (multi-node)
  --conf DIR            config folder (default recipes/$corpus/conf)
  --config-set NAME     use recipes/$corpus/conf/NAME (e.g. tiny, the smoke-test set)
  --features FILE       the FeatureSpec every stage shares (default: recipes/common/conf/features.yaml)
  --exp DIR             experiment folder (default exp/$corpus)
  --data DIR            manifest, durations and feature cache folder (default data/$corpus)
  --nj N                processes for the preflight and the feature cache (default: $nj)
  --train-args "K=V ..."   config overrides for every training stage (e.g. "train.max_steps=10")
  --aligner-args, --duration-args, --acoustic-args, --wavenet-args "K=V ..."
                        config overrides for one training stage
  --wavenet-gta-args "K=V ..."
                        overrides of the second WaveNet run, on the acoustic model's mels
                        (default: "${wavenet_gta_args[*]}")
  --speakers "S ..."    speakers of the unit database, synthesis and evaluation (default: $speakers)
  --default-vocoder V   the voice's default vocoder (default: $default_vocoder)
  --eval-texts N        Harvard sentences to synthesize and score (default: $eval_texts)
  --eval-held-out N     held-out recordings per speaker to score (default: $eval_held_out)
EOF
}

# shellcheck disable=SC2034  # the per-model overrides are read as ${model}_args by train()
set_option() {  # set_option NAME VALUE, read by parse_options (stage_runner.sh); fails for an unknown NAME
    case $1 in
        --db) db=$2 ;;
        --stage) stage=$2 ;;
        --stop-stage) stop_stage=$2 ;;
        --ngpu) ngpu=$2 ;;
        --torchrun) torchrun_options=$2 ;;
        --conf) conf=$2 ;;
        --config-set) config_set=$2 ;;
        --features) features=$2 ;;
        --exp) exp=$2 ;;
        --data) data=$2 ;;
        --nj) nj=$2 ;;
        --train-args) read -ra train_args <<<"$2" ;;
        --aligner-args) read -ra aligner_args <<<"$2" ;;
        --duration-args) read -ra duration_args <<<"$2" ;;
        --acoustic-args) read -ra acoustic_args <<<"$2" ;;
        --wavenet-args) read -ra wavenet_args <<<"$2" ;;
        --wavenet-gta-args) read -ra wavenet_gta_args <<<"$2" ;;
        --speakers) speakers=$2 ;;
        --default-vocoder) default_vocoder=$2 ;;
        --eval-texts) eval_texts=$2 ;;
        --eval-held-out) eval_held_out=$2 ;;
        *) return 1 ;;
    esac
}

# Everything that can be wrong with the options fails here, before stage 0 starts.
check_options() {
    local name
    for name in stage stop_stage ngpu nj eval_texts eval_held_out; do
        [[ ${!name} =~ ^[0-9]+$ ]] || die "--${name//_/-} must be a whole number, got '${!name}'"
    done
    for name in nj eval_texts eval_held_out; do
        ((${!name} >= 1)) || die "--${name//_/-} must be at least 1"
    done
    ((stage <= stop_stage)) || die "--stage $stage is after --stop-stage $stop_stage"
    ((stop_stage <= 9)) || die "--stop-stage $stop_stage: the last stage is 9"
    if [[ -n $config_set && -n $conf ]]; then
        die "give --conf or --config-set, not both"
    fi
    conf=${conf:-$recipes_root/$corpus/conf${config_set:+/$config_set}}
    [[ -d $conf ]] || die "config folder $conf does not exist"
    [[ -f $features ]] || die "--features $features: no such file"
    exp=${exp:-exp/$corpus}
    data=${data:-data/$corpus}
    if ((stage == 0)) && [[ -z $db ]]; then
        die "stage 0 needs --db, the unpacked corpus folder"
    fi
    if [[ -n $db ]]; then
        [[ -d $db ]] || die "--db $db: no such directory"
        check_db "$db"
    fi
    command -v tts >/dev/null || die "the tts command is not on PATH (run 'make setup' or activate .venv)"
}

# The files the stages pass on to each other.
set_paths() {
    manifest=$data/$corpus.jsonl
    speaker_table=$data/$corpus.speakers.json     # written beside the manifest by stage 0
    durations=$data/$corpus.durations.jsonl       # tts align's default name beside the manifest
    voice=$exp/voice
}

train() {  # train MODEL OUT_DIR ARGS...: tts train MODEL with the config, the features, the overrides and --ngpu
    local model=$1 out=$2
    shift 2
    local extra="${model}_args[@]"
    local overrides=("${train_args[@]}" "${!extra}")
    ((ngpu > 0)) || overrides=(train.device=cpu "${overrides[@]}")
    local latest
    latest=$(latest_checkpoint "$out")
    if [[ -n $latest ]]; then
        echo "$out holds $latest: the run resumes from it (delete $out to start over)"
    fi
    local launcher=(tts)
    if [[ -n $torchrun_options ]]; then
        read -ra launcher <<<"torchrun $torchrun_options"
        launcher+=("$(command -v tts)")
    elif ((ngpu > 1)); then
        launcher=(torchrun --standalone --nproc-per-node "$ngpu" "$(command -v tts)")
    fi
    run "${launcher[@]}" train "$model" --out "$out" --config "$conf/$model.yaml" --features "$features" \
        "$@" "${overrides[@]}"
}

stage_0() {
    mkdir -p "$data"
    run tts corpus check "$db" --out "$manifest" --report "$data/preflight.json" --jobs "$nj"
}

stage_1() {
    # fails, naming both values, where a stage config sets a spec field otherwise than $features
    run tts corpus features --manifest "$manifest" --features "$features" --check-config "$conf"/*.yaml \
        --aligner-config "$conf/aligner.yaml" --jobs "$nj"
}

stage_2() {
    train aligner "$exp/aligner" --manifest "$manifest"
    run tts align --manifest "$manifest" --checkpoint "$exp/aligner" --voice-spec "$features" --out "$durations"
}

stage_3() {
    train duration "$exp/duration" --durations "$durations" --manifest "$manifest"
}

stage_4() {
    train acoustic "$exp/acoustic" --manifest "$manifest" --durations "$durations"
}

stage_5() {
    train wavenet "$exp/wavenet" --manifest "$manifest"
    # the second run learns the mels the voice will give it: the acoustic model's, in step with the recordings
    run tts corpus gta-mels --acoustic "$exp/acoustic" --manifest "$manifest" --durations "$durations" \
        --out "$data/gta_mels"
    train wavenet "$exp/wavenet_gta" --manifest "$manifest" init_from="$exp/wavenet" \
        data.mel_dir="$data/gta_mels" "${wavenet_gta_args[@]}"
}

stage_6() {
    if [[ -z $speakers ]]; then
        echo "no --speakers: no unit database (the voice gets no concat vocoder)"
        return
    fi
    local speaker options=()
    for speaker in $speakers; do options+=(--speaker "$speaker"); done
    run tts build-units --manifest "$manifest" --durations "$durations" --out "$exp/units" \
        --config "$conf/concat.yaml" "${options[@]}"
}

stage_7() {
    local vocoders=(--vocoder griffinlim --vocoder world --vocoder lpc --vocoder "wavenet=$exp/wavenet_gta")
    if [[ -n $speakers && -f $exp/units/units.json ]]; then
        vocoders+=(--vocoder "concat=$exp/units")
    fi
    run tts build-voice --out "$voice" --replace --name "$corpus" --description "$voice_description" \
        --duration "$exp/duration" --acoustic "$exp/acoustic" --speakers "$speaker_table" \
        "${vocoders[@]}" --vocoder-option wavenet.match_mel=true \
        --vocoder-option wavenet.comb_periods=8 --vocoder-option wavenet.comb_decay=0.95 --vocoder-option wavenet.post_passes=3 \
        --default-vocoder "$default_vocoder"
}

stage_8() {
    mkdir -p "$exp/synth"
    head -n "$eval_texts" "$repo_root/tts/texts/harvard.txt" >"$exp/synth/texts.txt"
    local speaker
    for speaker in ${speakers:-0}; do
        run tts synth --voice "$voice" --file "$exp/synth/texts.txt" --speaker "$speaker" \
            -o "$exp/synth/harvard_$speaker.wav"
    done
}

stage_9() {
    mkdir -p "$exp/eval"
    local speaker options=()
    for speaker in ${speakers:-0}; do options+=(--speaker "$speaker"); done
    # Every vocoder of the voice speaks the Harvard sentences with each of $speakers: the unit
    # database holds exactly those speakers, so concat can speak them too.
    run tts eval texts --voice "$voice" --texts harvard --limit "$eval_texts" "${options[@]}" \
        --out "$exp/eval/texts.json" --plot "$exp/eval/texts.png"
    run tts eval acoustic --voice "$voice" --manifest "$manifest" --durations "$durations" --limit "$eval_held_out" \
        --out "$exp/eval/held_out.json"
}

STAGE_NAMES=(preflight features aligner duration acoustic wavenet units voice synth eval)

run_recipe() {
    use_repo_venv
    parse_options "$@"
    check_options
    set_paths
    mkdir -p "$exp"
    trap report_failure EXIT
    echo "$corpus recipe: stages $stage-$stop_stage, db ${db:-(not needed)}, data $data, exp $exp, conf $conf, ngpu $ngpu"
    local number
    for ((number = stage; number <= stop_stage; number++)); do
        run_stage "$number"
    done
}
