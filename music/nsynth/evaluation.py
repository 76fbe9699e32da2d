"""`tts nsynth evaluate`: an autoencoder's figures on held-out notes (the test split's instruments,
none trained on), beside a baseline of the same code size.

- Reconstruction against the input: multi-resolution STFT distance and log-spectral distance
  (tts.metrics.spectral); the pitch by pYIN within 50 cents of the label, over the notes whose
  input pYIN itself finds at their labelled pitch (the "pitched" ones: a drum-like or
  out-of-range note has no pitch to keep).
- The baseline: 16 mel bands every 512 samples (the codes' size), inverted by Griffin-Lim
  (librosa), as the NSynth paper set its WaveNet autoencoder beside a spectral one.
- Morphing: pairs of notes at one pitch from different families, decoded at mixes 0 to 1; the
  spectral centroid of the mix-0.5 output should lie between the two inputs'. The sweep reports
  each mix's centroid as a position between input a (0) and input b (1).
Speed is bench/music_generation.py's.
"""

from itertools import combinations

import numpy as np

from music.nsynth.codec import NoteDecoder, encode, leveled, mixed_codes, pitch_hz, pitch_weights
from music.nsynth.corpus import load_note, read_split
from tts.audio import save
from tts.metrics.spectral import log_spectral_distance, multi_resolution_stft_distance

MIXES = (0.0, 0.25, 0.5, 0.75, 1.0)
CENTS_TOLERANCE = 50
EXAMPLES_SAVED = 4  # reconstructions and morph sweeps written to the output folder to listen to


def cents_off(hz, pitch):
    """How far `hz` lies from MIDI note `pitch`, in cents (inf when there is no pitch)."""
    import librosa

    return float("inf") if hz is None else abs(1200 * np.log2(hz / librosa.midi_to_hz(pitch)))


def spectral_centroid(wav, sample_rate):
    """The energy-weighted mean spectral centroid (Hz) of a sound."""
    import librosa

    centroid = librosa.feature.spectral_centroid(y=wav, sr=sample_rate, n_fft=2048, hop_length=512)[0]
    energy = librosa.feature.rms(y=wav, frame_length=2048, hop_length=512)[0] ** 2
    return float(np.sum(centroid * energy) / max(np.sum(energy), 1e-20))


def mel_baseline(wav, sample_rate, *, bands, hop):
    """The spectral baseline: `bands` mel bands every `hop` samples, inverted by Griffin-Lim."""
    import librosa

    mel = librosa.feature.melspectrogram(y=wav, sr=sample_rate, n_fft=4 * hop, hop_length=hop, n_mels=bands)
    return librosa.feature.inverse.mel_to_audio(mel, sr=sample_rate, n_fft=4 * hop, hop_length=hop, length=len(wav))


def pitched(inputs, examples, sample_rate):
    """Per note, whether pYIN finds its labelled pitch (within 50 cents) in the input itself."""
    return [bool(cents_off(pitch_hz(wav, sample_rate), example.pitch) <= CENTS_TOLERANCE)
            for wav, example in zip(inputs, examples)]


def reconstruction_figures(outputs, inputs, examples, is_pitched, sample_rate):
    """{mr_stft, lsd (dB), pitched_notes, pitch_within_50_cents (share of the pitched ones)} of
    outputs against inputs; is_pitched: `pitched`'s, computed once for every system scored."""
    kept = sum(bool(cents_off(pitch_hz(output, sample_rate), example.pitch) <= CENTS_TOLERANCE)
               for output, example, keep in zip(outputs, examples, is_pitched) if keep)
    pitched_count = sum(is_pitched)
    return {
        "mr_stft": float(np.mean([multi_resolution_stft_distance(o, w) for o, w in zip(outputs, inputs)])),
        "lsd_db": float(np.mean([log_spectral_distance(o, w) for o, w in zip(outputs, inputs)])),
        "pitched_notes": pitched_count,
        "pitch_within_50_cents": kept / pitched_count if pitched_count else None,
    }


def morph_pairs(examples, count):
    """Up to `count` pairs of notes at the same pitch from different families, spread over the
    pitches and families (deterministic)."""
    by_pitch = {}
    for example in examples:
        by_pitch.setdefault(example.pitch, []).append(example)
    candidates = [
        (a, b) for pitch in sorted(by_pitch) for a, b in combinations(by_pitch[pitch], 2) if a.family != b.family
    ]
    step = max(len(candidates) / count, 1.0)
    return [candidates[int(i * step)] for i in range(min(count, len(candidates)))]


def morph_figures(decoder, pairs, sample_rate, *, seed, out_dir):
    """The centroid test over `pairs`, decoded by `decoder` (a NoteDecoder): {pairs, between_at_half
    (share), sweep {mix: mean position}}."""
    model = decoder.model
    between, positions = 0, {mix: [] for mix in MIXES}
    for index, (a, b) in enumerate(pairs):
        wav_a, wav_b = (leveled(load_note(note, sample_rate=sample_rate)) for note in (a, b))
        codes_a, codes_b = encode(model, wav_a), encode(model, wav_b)
        pitches = [pitch_weights(a.pitch, b.pitch, mix) if model.config.pitch_conditioning else None for mix in MIXES]
        mixed = [mixed_codes(codes_a, codes_b, mix, envelope_mels=model.config.envelope_mels) for mix in MIXES]
        outputs = decoder.decode(mixed, pitches, seed=seed)
        centroid_a, centroid_b = spectral_centroid(wav_a, sample_rate), spectral_centroid(wav_b, sample_rate)
        centroids = [spectral_centroid(output, sample_rate) for output in outputs]
        half = centroids[MIXES.index(0.5)]
        between += min(centroid_a, centroid_b) <= half <= max(centroid_a, centroid_b)
        for mix, centroid in zip(MIXES, centroids):
            positions[mix].append((centroid - centroid_a) / (centroid_b - centroid_a))
        if index < EXAMPLES_SAVED:
            for mix, output in zip(MIXES, outputs):
                save(out_dir / f"morph{index}-{a.instrument}-{b.instrument}-mix{mix:.2f}.wav", output, sample_rate)
    return {
        "pairs": len(pairs),
        "between_at_half": between / len(pairs) if pairs else None,
        "sweep": {f"{mix:.2f}": float(np.median(values)) if values else None for mix, values in positions.items()},
    }


def evaluate_autoencoder(model, corpus, *, notes, pairs, seed, out_dir, match_envelope=True):
    """Every figure above on `notes` spread test notes and `pairs` morph pairs; writes a few
    reconstructions and morphs to out_dir."""
    from music.nsynth.task import spread

    rate, hop, code_size = model.config.sample_rate, model.config.encoder.hop, model.config.code_size
    test = read_split(corpus, "test")
    chosen = spread(test, notes)
    inputs = [leveled(load_note(example, sample_rate=rate)) for example in chosen]
    codes = [encode(model, wav) for wav in inputs]
    pitches = [example.pitch if model.config.pitch_conditioning else None for example in chosen]
    decoder = NoteDecoder(model, match_envelope=match_envelope)
    outputs = decoder.decode(codes, pitches, seed=seed)
    baseline = [mel_baseline(wav, rate, bands=code_size, hop=hop) for wav in inputs]
    is_pitched = pitched(inputs, chosen, rate)
    for example, wav, output in list(zip(chosen, inputs, outputs))[:EXAMPLES_SAVED]:
        save(out_dir / f"{example.id}-input.wav", wav, rate)
        save(out_dir / f"{example.id}-autoencoder.wav", output, rate)
    return {
        "notes": len(chosen),
        "instruments": len({example.instrument for example in chosen}),
        "code": f"{code_size} values every {hop} samples",
        "envelope_matched": decoder.match_envelope,  # the decoder's post-filter
        "autoencoder": reconstruction_figures(outputs, inputs, chosen, is_pitched, rate),
        "baseline_mel_griffin_lim": reconstruction_figures(baseline, inputs, chosen, is_pitched, rate),
        "morph": morph_figures(decoder, morph_pairs(test, pairs), rate, seed=seed, out_dir=out_dir),
    }


def evaluation_table(result):
    """A Markdown table of evaluate_autoencoder's figures."""
    decoded = "WaveNet autoencoder" + (", envelope-matched" if result["envelope_matched"] else "")
    rows = [f"| | {decoded} | mel + Griffin-Lim baseline |", "|---|---|---|"]
    auto, base = result["autoencoder"], result["baseline_mel_griffin_lim"]
    for key, label in (("mr_stft", "MR-STFT distance"), ("lsd_db", "log-spectral distance (dB)"),
                       ("pitch_within_50_cents", f"pitch within 50 cents (of {auto['pitched_notes']} pitched)")):
        rows.append(f"| {label} | {_number(auto[key])} | {_number(base[key])} |")
    morph = result["morph"]
    sweep = ", ".join(f"{mix}: {_number(position)}" for mix, position in morph["sweep"].items())
    return "\n".join([
        f"{result['notes']} held-out notes of {result['instruments']} instruments; codes: {result['code']}",
        "", *rows, "",
        f"morph: mix-0.5 centroid between the inputs' on {_number(morph['between_at_half'])} of {morph['pairs']} pairs; "
        f"median centroid position by mix (0 = a, 1 = b): {sweep}",
    ])


def _number(value):
    return "n/a" if value is None else f"{value:.3g}"
