"""Does each synthesized speaker sound like the right person? A speaker classifier trained on the
corpus recordings (per-utterance mean and spread of MFCCs, plus median log-F0; nearest class mean
after standardizing) labels a voice's output for texts it never trained on. Its accuracy on the
held-out recordings is the reference row.

Prints a confusion summary and ends with one JSON line. Usage:

    python bench/speaker_identity.py --manifest data/vctk.jsonl [--voice DIR] [--vocoder griffinlim ...]
        [--texts harvard] [--limit 5] [--train-per-speaker 40]
"""

import argparse
import json
import platform
from collections import defaultdict

import librosa
import numpy as np

from tts import audio
from tts.corpora.holdout import holdout_split
from tts.corpora.manifest import read_manifest
from tts.texts import read_texts
from tts.voice import Voice

RATE = 16000


def features(wav, sample_rate):
    """MFCC 1-19 mean and standard deviation over voiced-or-loud frames, and median log-F0."""
    wav = audio.resample(np.asarray(wav, dtype=np.float32), orig_sr=sample_rate, target_sr=RATE)
    mfcc = librosa.feature.mfcc(y=wav, sr=RATE, n_mfcc=20)[1:]
    loud = librosa.feature.rms(y=wav)[0] > 0.1 * np.max(librosa.feature.rms(y=wav))
    mfcc = mfcc[:, loud[: mfcc.shape[1]]]
    f0, voiced, _ = librosa.pyin(wav, fmin=60, fmax=400, sr=RATE, frame_length=1024)
    log_f0 = np.log(np.nanmedian(f0[voiced])) if voiced.any() else np.log(60.0)
    return np.concatenate([mfcc.mean(1), mfcc.std(1), [log_f0]])


class NearestMean:
    def __init__(self, examples):
        """examples: {speaker: [feature vectors]}"""
        everything = np.stack([v for vectors in examples.values() for v in vectors])
        self.mean, self.scale = everything.mean(0), everything.std(0) + 1e-8
        self.speakers = sorted(examples)
        self.centroids = np.stack([((np.stack(examples[s]) - self.mean) / self.scale).mean(0) for s in self.speakers])

    def __call__(self, vector):
        distances = np.linalg.norm(self.centroids - (vector - self.mean) / self.scale, axis=1)
        return self.speakers[int(np.argmin(distances))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", required=True, help="the corpus the voice was trained on")
    parser.add_argument("--voice", help="voice directory (default: the bundled voice)")
    parser.add_argument("--vocoder", action="append", help="vocoders to check (default: the voice's default)")
    parser.add_argument("--texts", default="harvard")
    parser.add_argument("--limit", type=int, default=5, help="texts per speaker")
    parser.add_argument("--train-per-speaker", type=int, default=20, help="training recordings per speaker")
    args = parser.parse_args()
    entries = read_manifest(args.manifest)
    training, held_out = holdout_split(entries, 0.1)
    examples = defaultdict(list)
    for entry in training:
        if len(examples[entry.speaker]) < args.train_per_speaker:
            wav, rate = audio.load(entry.path)
            examples[entry.speaker].append(features(wav, rate))
    classify = NearestMean(examples)
    tests = [e for speaker in sorted(examples) for e in [h for h in held_out if h.speaker == speaker][: args.limit]]
    rows = [_score("recordings (held out)", [(e.speaker, classify(features(*audio.load(e.path)))) for e in tests])]
    voice = Voice.load(args.voice)
    texts = read_texts(args.texts)[: args.limit]
    for vocoder in args.vocoder or [voice.default_vocoder]:
        labels = []
        for speaker in voice.speakers:
            for text in texts:
                result = voice.synthesize(text, speaker=speaker, vocoder=vocoder)
                labels.append((speaker, classify(features(result.audio, result.sample_rate))))
        rows.append(_score(f"voice {voice.name} / {vocoder}", labels))
    print(f"speaker classifier on {sum(map(len, examples.values()))} training recordings of {len(examples)} speakers")
    print(f"{'audio':<36} {'accuracy':>8}  per speaker")
    for row in rows:
        per = " ".join(f"{s}:{a:.0%}" for s, a in row["per_speaker"].items())
        print(f"{row['audio']:<36} {row['accuracy']:>8.0%}  {per}")
    print(json.dumps({"benchmark": "speaker_identity", "rows": rows, "machine": platform.machine()}))


def _score(name, labels):
    per_speaker = defaultdict(list)
    for truth, guess in labels:
        per_speaker[truth].append(truth == guess)
    return {
        "audio": name, "n": len(labels), "accuracy": round(float(np.mean([t == g for t, g in labels])), 3),
        "per_speaker": {s: round(float(np.mean(hits)), 3) for s, hits in sorted(per_speaker.items())},
        "confusions": sorted({f"{t}->{g}" for t, g in labels if t != g}),
    }


if __name__ == "__main__":
    main()
