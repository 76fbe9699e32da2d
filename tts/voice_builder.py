"""Assemble a voice directory from trained components (recipe stage 7; the bundled voice).

    build_voice("voices/vctk", duration="exp/duration", acoustic="exp/acoustic",
                vocoders={"wavenet": "exp/wavenet", "concat": "exp/units", "griffinlim": None},
                default_vocoder="griffinlim", speaker_table="data/vctk.speakers.json")

A training run (or a step directory, or a .safetensors file) is exported as one weights file: the
EMA weights when the run kept them. `half=True` stores floating tensors as float16, halving the
size of the voice (they are widened back to float32 on load). A directory (a unit database) is
copied; a vocoder with no source gets a settings file holding the voice's FeatureSpec. The voice
is built in a temporary directory beside `out` and moved into place whole, then loaded once as a
check, so a failed build leaves nothing behind.
"""

import dataclasses
import json
import shutil
import tempfile
from pathlib import Path

from tts.checkpoint import load_weights
from tts.corpora.speakers import METADATA, read_speaker_table
from tts.errors import TTSError
from tts.training.checkpoints import export_weights, find_step_dir
from tts.voice_files import VoiceFiles
from tts.voice_integrity import component_checksums


def build_voice(out, *, duration, acoustic, vocoders, default_vocoder, speaker_table, name=None,
                description="", lexicon=None, half=False, extra=None, replace=False, vocoder_options=None):
    """Write the voice directory `out`; returns its VoiceFiles. vocoder_options: {vocoder: {option:
    value}}, the keyword arguments its load gets (voice.json's vocoder_options)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not replace:
        raise TTSError(f"{out} already exists and is not empty; pass replace=True (--replace) to rebuild it")
    table = sorted(read_speaker_table(speaker_table).values(), key=lambda speaker: speaker.index)
    speaker_info = tuple(
        {"id": s.id, **{key: getattr(s, key) for key in METADATA if getattr(s, key) is not None}} for s in table
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        spec = load_weights(export_weights(duration, staging / "duration.safetensors", half=half)).spec
        export_weights(acoustic, staging / "acoustic.safetensors", half=half)
        files = {vocoder: _install_vocoder(vocoder, source, staging, spec, half) for vocoder, source in vocoders.items()}
        if lexicon is not None:
            shutil.copyfile(lexicon, staging / "lexicon.tsv")
        voice = VoiceFiles(
            root=staging, name=name or out.name, description=description, speaker_info=speaker_info,
            duration_model="duration.safetensors", acoustic_model="acoustic.safetensors", vocoders=files,
            default_vocoder=default_vocoder, lexicon="lexicon.tsv" if lexicon is not None else None,
            extra={"sources": _sources(duration=duration, acoustic=acoustic, **vocoders), **(extra or {})},
            vocoder_options=vocoder_options or {},
        )
        voice = dataclasses.replace(voice, checksums=component_checksums(voice))
        voice.write()
        _check_loads(staging, vocoders)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return VoiceFiles.read(out)


def _install_vocoder(name, source, staging, spec, half):
    if source is None:
        settings = staging / f"{name}.json"
        settings.write_text(json.dumps({"spec": spec.to_dict()}, indent=2) + "\n", encoding="utf-8")
        return settings.name
    source = Path(source)
    if source.suffix == ".safetensors" or _is_training_run(source):
        export_weights(source, staging / f"{name}.safetensors", half=half)
        return f"{name}.safetensors"
    if source.is_dir():
        shutil.copytree(source, staging / name, ignore=shutil.ignore_patterns("samples", ".*"))
        return name
    raise TTSError(f"vocoder {name!r}: {source} is neither a weights file, a training run nor a directory")


def _sources(**sources):
    """Where each component came from: the checkpoint step of a training run, else the path."""
    described = {}
    for name, source in sources.items():
        if source is not None:
            described[name] = str(find_step_dir(source)) if _is_training_run(source) else str(source)
    return described


def _is_training_run(path):
    try:
        find_step_dir(path)
    except TTSError:
        return False
    return True


def _check_loads(root, vocoders):
    from tts.voice import Voice  # the voice module pulls in the frontend

    voice = Voice.load(root)
    for name in vocoders:
        voice.vocoder(name)
