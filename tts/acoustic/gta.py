"""Ground-truth-aligned mels (Tacotron 2's vocoder fine-tuning data): the acoustic model's own mels
of a corpus, frame for frame in step with its recordings.

Every utterance that has durations goes through the acoustic model with its true phonemes,
durations and speaker (teacher-forced timing, the model's own pitch and energy), so the predicted
mel has exactly the recording's frames and a vocoder can learn to turn the mels it will be given
into the recording's samples:

    written, skipped = write_gta_mels(model, "data/vctk.jsonl", "data/vctk.durations.jsonl", "data/gta")
    # data/gta/<id>.npy: log-mel [frames, n_mels] float32; data/gta/gta.json: where they came from

`tts train wavenet ... data.mel_dir=data/gta` then conditions on them (vocoders/wavenet/data.py).
"""

import json
from pathlib import Path

import numpy as np
from tqdm import tqdm

from tts.acoustic.data import AcousticDataConfig, prepare_corpus
from tts.atomic import atomic_path, write_text_atomic
from tts.durations import read_durations
from tts.errors import TTSError

BATCH = 8  # utterances per pass of the acoustic model
SOURCE_FILE = "gta.json"


def write_gta_mels(model, manifest_path, durations_path, out_dir, *, source="", dtype=None, progress=True):
    """Writes `<out_dir>/<id>.npy` for every utterance of the durations file that the manifest has;
    returns (ids written, {id: reason} skipped). `model` is an AcousticModel with its `spec`."""
    durations = read_durations(durations_path)
    model.spec.require_same(durations.spec, what=f"the acoustic model and {durations_path}")
    if durations.inventory != model.config.inventory_version:
        raise TTSError(
            f"{durations_path} uses phoneme inventory {durations.inventory!r}, the acoustic model "
            f"{model.config.inventory_version!r}"
        )
    prepared, skipped = prepare_corpus(
        manifest_path, durations, model.spec, tuple(model.config.symbols), AcousticDataConfig(), progress=False
    )
    unknown = sorted({u.speaker for u in prepared} - set(model.config.speakers))
    if unknown:
        raise TTSError(f"speakers {unknown} are not in the acoustic model; it has {list(model.config.speakers)}")
    speaker_index = {speaker: index for index, speaker in enumerate(model.config.speakers)}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for first in tqdm(range(0, len(prepared), BATCH), desc="gta mels", unit="batch", disable=not progress):
        chunk = prepared[first : first + BATCH]
        predicted = model.synthesize_batch(
            [u.ids for u in chunk], [u.durations for u in chunk], [speaker_index[u.speaker] for u in chunk], dtype=dtype
        )
        for utterance, (mel, _) in zip(chunk, predicted):
            with atomic_path(out_dir / f"{utterance.id}.npy") as tmp, open(tmp, "wb") as file:
                np.save(file, mel.astype(np.float32))
    described = {"source": str(source), "durations": str(durations_path), "spec": model.spec.to_dict(),
                 "utterances": len(prepared), "skipped": skipped}
    write_text_atomic(out_dir / SOURCE_FILE, json.dumps(described, indent=1) + "\n")
    return [u.id for u in prepared], skipped
