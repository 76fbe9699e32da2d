"""WaveNet quality on held-out data, for comparing runs (widths, options, steps) in one table.

For each weights file (a run's checkpoint `weights.safetensors` / `ema.safetensors`, or exported
weights), on the manifest's held-out split (tts.corpora.holdout, the 10 % no stage trains on):
- held-out NLL: the training loss (μ-law cross-entropy, nats) on the same fixed segments for
  every model (2 per held-out utterance, seeded per segment), teacher-forced, float32;
- per speaker, on its first held-out utterance, generated from the recording's mel at
  `--temperature` (1 by default; closed loop: the model hears its own output): STOI against the recording and the output's
  RMS over the recording's ("level": far above 1 means the generation ran away);
- open-loop STOI (excitation models only): each sample's excitation drawn from the model given
  the true past, added to the true prediction. Near 1 where closed loop is low means the model is
  right about each sample and goes wrong on its own output (exposure bias).

Usage: python bench/wavenet_quality.py --manifest data/vctk.jsonl [--temperature T] W1.safetensors [W2 ...]
Ends with one JSON line.
"""

import argparse
import json

import numpy as np
import torch

from tts.corpora.holdout import holdout_split
from tts.feature_cache import load_cached_audio
from tts.lpc import deemphasize, preemphasize
from tts.metrics.quality import stoi_score
from vocoders.wavenet.data import SegmentDataset, WaveNetDataConfig, prepare_corpus
from vocoders.wavenet.excitation import band_limit_hz, frame_coefficients, history_samples, training_pairs
from vocoders.wavenet.generate import WaveNetGenerator
from vocoders.wavenet.model import WaveNet
from vocoders.wavenet.mulaw import mulaw_decode
from vocoders.wavenet.task import WaveNetRunConfig, WaveNetTask
from vocoders.wavenet.upsample import upsample_context

SEGMENTS_PER_UTTERANCE = 2
BATCH = 8


def held_out(manifest, model):
    config = model.config
    utterances, _ = prepare_corpus(manifest, WaveNetDataConfig(spec=model.spec), progress=False,
                                   f0=config.excitation.f0_source,
                                   band_limit_hz=band_limit_hz(config.excitation, model.spec))
    return holdout_split(utterances, WaveNetRunConfig().holdout_fraction)[1]


def held_out_nll(model, utterances):
    config = model.config
    dataset = SegmentDataset(
        utterances, config.conditioning.speakers, segment_frames=16,
        context=upsample_context(config.conditioning.upsample_scales), hop_length=model.spec.hop_length,
        history=history_samples(config.excitation), sample_rate=model.spec.sample_rate,
    )
    task = WaveNetTask(config, dataset, model.spec)
    items = []
    for index in range(SEGMENTS_PER_UTTERANCE * len(dataset)):
        torch.manual_seed(index)  # the same segment for every model
        items.append(dataset[index % len(dataset)])
    total = 0.0
    with torch.no_grad():
        for first in range(0, len(items), BATCH):
            chunk = items[first : first + BATCH]
            batch = {key: torch.stack([torch.as_tensor(item[key]) for item in chunk]) for key in chunk[0]}
            total += float(task.loss(model, batch)[0]) * len(chunk)
    return total / len(items)


def open_loop(model, mel, wav, speaker):
    """STOI of the signal whose every excitation is drawn given the true past."""
    excitation = model.config.excitation
    mel_t = torch.from_numpy(mel)[None]
    coefficients = frame_coefficients(mel_t, excitation, model.spec)
    coefficients = torch.cat([coefficients[:, :1], coefficients], dim=1)
    audio = torch.cat([torch.zeros(1, history_samples(excitation)), torch.from_numpy(wav)[None]], dim=1)
    channels = model.config.output.mulaw_channels
    inputs, target = training_pairs(audio, coefficients, excitation=excitation, hop=model.spec.hop_length,
                                    channels=channels)
    with torch.no_grad():
        params = model(inputs, mel_t, torch.tensor([speaker]))[0]
    torch.manual_seed(0)
    drawn = mulaw_decode(torch.multinomial(torch.softmax(params.double(), -1), 1)[:, 0], channels).double()
    x = preemphasize(torch.from_numpy(wav).double(), excitation.preemphasis)
    signal = deemphasize((x - target[0].double() + drawn).numpy(), excitation.preemphasis)
    return stoi_score(signal, wav, model.spec.sample_rate)


def per_speaker(model, utterances, temperature):
    generator = WaveNetGenerator(model)
    first = {}
    for utterance in sorted(utterances, key=lambda u: u.id):
        first.setdefault(utterance.speaker, utterance)
    rows = {}
    for speaker, utterance in sorted(first.items()):
        mel = np.load(utterance.mel_path)
        wav = load_cached_audio(utterance.wav_path)[: len(mel) * model.spec.hop_length]
        index = list(model.config.conditioning.speakers).index(speaker) if model.config.conditioning.speakers else None
        f0s = [np.load(utterance.f0_path)] if model.config.excitation.f0_source else None
        out = generator.generate([mel], None if index is None else [index], f0s=f0s, temperature=temperature)[0]
        row = {"id": utterance.id, "stoi": round(stoi_score(out, wav, model.spec.sample_rate), 3),
               "level": round(float(np.sqrt(np.mean(out**2) / np.mean(wav**2))), 2)}
        if model.config.excitation.lpc_order and not model.config.excitation.f0_source:
            row["open_loop_stoi"] = round(open_loop(model, mel, wav, index), 3)
        rows[speaker] = row
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--temperature", type=float, default=1.0, help="closed-loop sampling temperature")
    parser.add_argument("weights", nargs="+")
    args = parser.parse_args()
    torch.set_num_threads(1)
    results = []
    for path in args.weights:
        model = WaveNet.load(path)
        utterances = held_out(args.manifest, model)
        rows = per_speaker(model, utterances, args.temperature)
        result = {"weights": path, "held_out_nll": round(held_out_nll(model, utterances), 4),
                  "mean_stoi": round(float(np.mean([r["stoi"] for r in rows.values()])), 3), "speakers": rows}
        results.append(result)
        cells = " ".join(
            f"{s} {r['stoi']:.2f}/{r['level']:.1f}" + (f"/{r['open_loop_stoi']:.2f}" if "open_loop_stoi" in r else "")
            for s, r in rows.items()
        )
        print(f"{path}\n  held-out NLL {result['held_out_nll']:.4f}  mean STOI {result['mean_stoi']:.3f}\n"
              f"  per speaker STOI/level[/open-loop STOI]: {cells}")
    print(json.dumps({"benchmark": "wavenet_quality", "manifest": args.manifest, "temperature": args.temperature,
                      "results": results}))


if __name__ == "__main__":
    main()
