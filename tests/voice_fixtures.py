"""A tiny voice directory for tests: untrained duration and acoustic models, a tiny WaveNet,
Griffin-Lim and WORLD, on a small FeatureSpec, assembled by the real voice builder.

The duration model's output bias is set so every phoneme lasts about FRAMES_PER_PHONEME frames, so
lengths (and speed) behave like a trained voice's even though nothing was trained.
"""

import json
import math

import numpy as np
import torch

from corpus_fixtures import write_tone
from frontends.aligner.layers import ConvStackConfig
from frontends.duration.model import KIND as DURATION_KIND
from frontends.duration.model import DurationConfig, DurationModel
from frontends.inventory import english_inventory
from tts.acoustic.config import AcousticConfig, PostnetConfig, TransformerConfig, VarianceConfig
from tts.acoustic.model import KIND as ACOUSTIC_KIND
from tts.acoustic.model import AcousticModel
from tts.checkpoint import save_weights
from tts.config import config_to_dict
from tts.corpora.manifest import ManifestEntry, write_manifest
from tts.durations import DurationRecord, default_durations_path, write_durations
from tts.features import FeatureSpec
from tts.voice_builder import build_voice
from vocoders.wavenet.config import ConditioningConfig, OutputConfig, StackConfig, WaveNetConfig
from vocoders.wavenet.model import KIND as WAVENET_KIND
from vocoders.wavenet.model import WaveNet

SPEC = FeatureSpec(sample_rate=8000, n_fft=256, hop_length=64, win_length=256, n_mels=16, fmax=4000.0)
SPEAKERS = ("p225", "p226", "p227")
FRAMES_PER_PHONEME = 6
CORPUS_SECONDS = 0.3  # each utterance of make_aligned_corpus
CORPUS_TEXTS = ("hello there", "please call stella", "the quick brown fox")


def build_tiny_voice(root, *, speakers=SPEAKERS, wavenet_speakers=None, spec=SPEC, vocoders=None):
    """Write the components under root/parts and the voice to root/voice; returns the voice path."""
    parts = root / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    inventory = english_inventory()
    torch.manual_seed(0)
    duration = DurationModel(DurationConfig(
        symbols=inventory.symbols, inventory_version=inventory.version, speakers=speakers, embedding_dim=8,
        speaker_dim=4, encoder=ConvStackConfig(channels=8, kernel_size=3, layers=1, dropout=0.0),
    ))
    with torch.no_grad():
        duration.encoder.project.weight.mul_(0.02)
        duration.encoder.project.bias.fill_(math.log1p(FRAMES_PER_PHONEME))
    save_weights(parts / "duration.safetensors", duration.state_dict(), kind=DURATION_KIND, config=duration.config, spec=spec)
    acoustic_config = AcousticConfig(
        symbols=inventory.symbols, inventory_version=inventory.version, speakers=speakers, n_mels=spec.n_mels,
        speaker_dim=4,
        encoder=TransformerConfig(layers=1, hidden=16, heads=2, ffn_kernel=3, ffn_channels=16, dropout=0.0),
        decoder=TransformerConfig(layers=1, hidden=16, heads=2, ffn_kernel=3, ffn_channels=16, dropout=0.0),
        variance=VarianceConfig(channels=8, kernel=3, layers=1, dropout=0.0, embedding_kernel=3),
        postnet=PostnetConfig(layers=0),
        pitch_mean=math.log(120.0), pitch_std=0.2, energy_mean=-2.0, energy_std=0.5,
    )
    acoustic = AcousticModel(acoustic_config)
    save_weights(parts / "acoustic.safetensors", acoustic.state_dict(), kind=ACOUSTIC_KIND, config=acoustic_config, spec=spec)
    wavenet_config = WaveNetConfig(
        stack=StackConfig(layers=2, cycle=2, residual_channels=4, gate_channels=8, skip_channels=4),
        output=OutputConfig(kind="mulaw"),
        conditioning=ConditioningConfig(
            n_mels=spec.n_mels, upsample_scales=(8, spec.hop_length // 8),
            speakers=speakers if wavenet_speakers is None else wavenet_speakers, speaker_dim=4,
        ),
    )
    wavenet = WaveNet(wavenet_config)
    save_weights(parts / "wavenet.safetensors", wavenet.state_dict(), kind=WAVENET_KIND,
                 config=config_to_dict(wavenet_config), spec=spec)
    table = {"version": 1, "speakers": {s: {"index": i, "gender": "F" if i % 2 else "M"} for i, s in enumerate(speakers)}}
    (parts / "speakers.json").write_text(json.dumps(table), encoding="utf-8")
    if vocoders is None:
        vocoders = {"griffinlim": None, "world": None, "wavenet": parts / "wavenet.safetensors"}
    build_voice(
        root / "voice", duration=parts / "duration.safetensors", acoustic=parts / "acoustic.safetensors",
        vocoders=vocoders, default_vocoder=next(iter(vocoders)), speaker_table=parts / "speakers.json",
        name="tiny", description="untrained, for tests",
    )
    return root / "voice"


def make_aligned_corpus(root, speakers, per_speaker):
    """Tones at SPEC's rate with random phonemes and durations; the manifest and its durations file."""
    rng = np.random.default_rng(0)
    entries, records = [], []
    for speaker in speakers:
        for index in range(per_speaker):
            key = f"{speaker}_{index:03d}"
            path = write_tone(root / "wavs" / f"{key}.wav", CORPUS_SECONDS, SPEC.sample_rate, seed=len(entries))
            entries.append(ManifestEntry(key, speaker, CORPUS_TEXTS[index % 3], path, CORPUS_SECONDS, SPEC.sample_rate))
            n_frames, n = SPEC.n_frames(round(CORPUS_SECONDS * SPEC.sample_rate)), int(rng.integers(4, 8))
            cuts = np.sort(rng.choice(np.arange(1, n_frames), size=n - 1, replace=False))
            phonemes = tuple(rng.choice(english_inventory().symbols[3:9], size=n))
            records.append(DurationRecord(key, speaker, ("w",), phonemes, np.diff(cuts, prepend=0, append=n_frames),
                                          np.zeros(n, np.int64)))
    manifest = root / "m.jsonl"
    write_manifest(manifest, entries)
    write_durations(default_durations_path(manifest), records, spec=SPEC, inventory=english_inventory().version)
    return manifest
