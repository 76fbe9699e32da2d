"""The ceiling for voices trained on the bootstrap corpus: how well the recognizer understands the
system voices (flite, festival, espeak-ng) that play its speakers, reading the same evaluation
texts `tts eval texts` uses. Also their DNSMOS, of the engine's output as it comes and as the
corpus keeps it (trimmed, at one loudness: what a voice learns from). Compare a trained voice's WER
with this row, not with zero: pocketsphinx is a weak recognizer.

Prints a table and ends with one JSON line. Usage:

    python bench/source_voices.py [--texts harvard] [--limit 10]
"""

import argparse
import json
import platform
import tempfile
from pathlib import Path

import numpy as np

from tts import audio
from tts.corpora.bootstrap.engines import synthesize
from tts.corpora.bootstrap.layouts import VCTK
from tts.corpora.bootstrap.render import as_in_corpus
from tts.corpora.bootstrap.voices import VCTK_VOICES, vctk_speaker_id
from tts.evaluation.spoken import spoken_text
from tts.metrics.dnsmos import dnsmos
from tts.metrics.intelligibility import Recognizer, word_error_rate
from tts.texts import read_texts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", default="harvard", help="a file with one sentence per line, or a built-in list")
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args()
    texts = read_texts(args.texts)[: args.limit]
    recognizer = Recognizer()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, voice in enumerate(VCTK_VOICES):
            transcripts, scores, kept = [], [], []
            for number, text in enumerate(texts):
                path = Path(tmp) / f"{index}_{number}.wav"
                synthesize(voice, text, path)
                wav, rate = audio.load(path)
                transcripts.append(recognizer.transcribe(wav, rate))
                scores.append(dnsmos(wav, rate))
                wav, _ = as_in_corpus(wav, rate, sample_rate=VCTK.sample_rate, trim=True)
                kept.append(dnsmos(wav, VCTK.sample_rate))
            ovrl = float(np.mean([score.ovrl for score in scores]))
            kept_ovrl = float(np.mean([score.ovrl for score in kept]))
            wer = word_error_rate(texts, transcripts, normalize=spoken_text)
            rows.append({"speaker": vctk_speaker_id(index), "voice": voice.label, "wer": round(wer, 3),
                         "dnsmos_ovrl": round(ovrl, 2), "dnsmos_ovrl_as_in_corpus": round(kept_ovrl, 2)})
    print(f"system voices reading {len(texts)} texts from {args.texts}")
    print(f"{'speaker':<8} {'voice':<36} {'WER':>6} {'OVRL':>5} {'OVRL as in the corpus':>22}")
    for row in rows:
        print(f"{row['speaker']:<8} {row['voice']:<36} {row['wer']:>6.3f} {row['dnsmos_ovrl']:>5.2f} "
              f"{row['dnsmos_ovrl_as_in_corpus']:>22.2f}")
    columns = ("wer", "dnsmos_ovrl", "dnsmos_ovrl_as_in_corpus")
    means = {key: round(float(np.mean([row[key] for row in rows])), 3) for key in columns}
    print(f"{'mean':<8} {'':<36} {means['wer']:>6.3f} {means['dnsmos_ovrl']:>5.2f} {means['dnsmos_ovrl_as_in_corpus']:>22.2f}")
    print(json.dumps({"benchmark": "source_voices", "texts": args.texts, "n_texts": len(texts), "rows": rows, "means": means,
                      "machine": platform.machine()}))


if __name__ == "__main__":
    main()
