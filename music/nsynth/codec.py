"""Encoding, decoding and morphing sounds with a trained autoencoder: what `tts nsynth
encode|decode|morph` and the demo tab run.

    codes = encode(model, wav)                                 # [frames, code_size]
    wav = NoteDecoder(model).decode([codes], [60])[0]
    sweep = morph(model, wav_a, wav_b, [0, 0.5, 1], pitches=(60, 60))

Decoding is the vocoder's fast generation (vocoders.wavenet.generate.WaveNetGenerator and its
numba kernel) run on the decoder, with the codes (and the pitch one-hot) where it reads a mel and
the codes' envelope cascaded with the period predictor at the pitch (envelope.py, period.py) where
an excitation vocoder predicts from the mel; then each decoded frame is reshaped to its code's
envelope (tts.mel_match), as the codes measured it.

That post-filter takes away a spectral tilt of the decoder's own: its draws pass through the codes'
envelope as an order-16 LPC of 8 bands, but what the WaveNet draws and the period's loop sums
tilts each note its own way (a near-pure tone decoded up to 2.5 times brighter than its input, a
breathy flute at 0.7 of it), and the morphs' centroids with them (BENCHMARKS.md).
"""

import numpy as np
import torch

from music.nsynth.config import PITCHES
from music.nsynth.encoder import encode_audio
from music.nsynth.envelope import envelope_spec, note_envelopes
from music.nsynth.period import note_predictor
from tts.audio import load, normalize_peak, rms_dbfs
from tts.errors import TTSError
from tts.mel_match import MelMatch
from vocoders.wavenet.generate import WaveNetGenerator

SILENCE_DBFS = -70.0  # quieter than this is silence: there is nothing to encode
PEAK = 0.9  # every sound is encoded (and trained on) at this peak: the decoder learns one level


def leveled(wav):
    """`wav` scaled to peak PEAK: the soundfont renders notes at peaks of 0.1 to 0.3, and a WaveNet
    reads its past samples as they are, so a quiet note would reach it as a whisper."""
    return normalize_peak(wav, peak=PEAK)


def read_sound(path, *, sample_rate):
    """A sound file as float32 mono at `sample_rate` (mixed down and resampled with soxr), leveled;
    TTSError for an unreadable or silent one."""
    wav, _ = load(path, sample_rate=sample_rate)
    if not len(wav) or rms_dbfs(wav) < SILENCE_DBFS:
        raise TTSError(f"{path}: silent (RMS below {SILENCE_DBFS:g} dBFS): there is nothing to encode")
    return leveled(wav)


def encode(model, wav):
    """Codes [frames, code_size] (float32) of a waveform: one per encoder.hop samples, the last
    frame padded with silence; each the encoder's learnt values, then the frame's envelope."""
    learnt = encode_audio(model.encoder, torch.as_tensor(wav, dtype=torch.float32)).numpy()
    if not model.config.envelope_mels:
        return learnt
    return np.concatenate([learnt, note_envelopes(model.config, np.asarray(wav, np.float32), len(learnt))], axis=1)


def pitch_hz(wav, sample_rate):
    """The median pYIN F0 (Hz, librosa) of a sound's voiced frames in its first three seconds; None
    when no frame is voiced."""
    import librosa

    f0, voiced, _ = librosa.pyin(wav[: 3 * sample_rate], fmin=librosa.midi_to_hz(21),
                                 fmax=librosa.midi_to_hz(108), sr=sample_rate)
    return float(np.median(f0[voiced])) if np.any(voiced) else None


def estimate_pitch(wav, sample_rate):
    """The MIDI note of a sound: pitch_hz rounded; None when no frame is voiced."""
    import librosa

    hz = pitch_hz(wav, sample_rate)
    return None if hz is None else int(np.clip(np.round(librosa.hz_to_midi(hz)), 0, PITCHES - 1))


def pitch_weights(pitch_a, pitch_b, mix):
    """The pitch conditioning of a morph: (1 - mix) of note a's one-hot and mix of note b's."""
    weights = np.zeros(PITCHES, np.float32)
    weights[pitch_a] += 1 - mix
    weights[pitch_b] += mix
    return weights


class NoteDecoder:
    """Decodes codes to audio with a snapshot of `model`'s decoder, and with codes that carry an
    envelope, reshapes what it draws to that envelope (tts.mel_match; `match_envelope=False`: the
    decoder's own output)."""

    def __init__(self, model, *, match_envelope=True):
        self.model = model
        self.config = model.config
        self.generator = WaveNetGenerator(model.decoder)
        self.match_envelope = match_envelope and bool(model.config.envelope_mels)

    def conditioning(self, codes, pitch):
        """The decoder's input frames [frames, conditioning_dim] (numpy) of codes [frames,
        code_size] at `pitch`: a MIDI note, 128 weights (a morph), or None for a model without pitch
        conditioning."""
        codes = np.asarray(codes, dtype=np.float32)
        code_size = self.config.code_size
        if codes.ndim != 2 or codes.shape[1] != code_size or not np.all(np.isfinite(codes)):
            raise TTSError(f"codes must be finite values of shape [frames, {code_size}], got shape {codes.shape}")
        if not self.config.pitch_conditioning:
            if pitch is not None:
                raise TTSError("this autoencoder has no pitch conditioning; decode without a pitch")
            return codes
        if pitch is None:
            raise TTSError("this autoencoder decodes at a pitch: give the note's MIDI pitch (0-127)")
        if np.ndim(pitch) == 0:
            if not 0 <= int(pitch) < PITCHES:
                raise TTSError(f"pitch must be a MIDI note in 0..{PITCHES - 1}, got {pitch}")
            pitch = torch.tensor([int(pitch)])
        else:
            pitch = torch.as_tensor(np.asarray(pitch, dtype=np.float32))[None]
        with torch.no_grad():
            return self.model.decoder_input(torch.from_numpy(codes)[None], pitch)[0].numpy()

    def predictor(self, codes, pitch):
        """(the decoder's predictor coefficients [frames, predictor_order], its excitation scales
        [frames] or None) of codes [frames, code_size] at `pitch`: the codes' envelope cascaded with
        the period predictor (envelope.py, period.py); None for a plain decoder. Call after
        `conditioning`, which checks both."""
        if not self.config.predictor_order:
            return None
        with torch.no_grad():
            coefficients, scales = self.model.predictor(torch.as_tensor(np.asarray(codes, np.float32))[None],
                                                        torch.from_numpy(note_predictor(self.config, pitch))[None])
        return np.ascontiguousarray(coefficients[0].numpy()), None if scales is None else scales[0].numpy()

    def decode(self, codes, pitches, *, temperature=1.0, seed=0):
        """One float32 waveform of frames * hop samples per codes array, decoded as one batch."""
        inputs = [self.conditioning(c, p) for c, p in zip(codes, pitches, strict=True)]
        if not self.config.predictor_order:
            return self.generator.generate(inputs, temperature=temperature, seed=seed)
        coefficients, scales = zip(*(self.predictor(c, p) for c, p in zip(codes, pitches)))
        outputs = self.generator.generate(inputs, predictors=coefficients, scales=None if scales[0] is None else scales,
                                          temperature=temperature, seed=seed)
        if not self.match_envelope:
            return outputs
        return [MelMatch.match(envelope_spec(self.config), self.envelopes(c), out) for c, out in zip(codes, outputs)]

    def stream(self, codes, pitch, *, temperature=1.0, seed=0):
        """Chunks whose concatenation is decode([codes], [pitch], ...)[0]."""
        condition = self.conditioning(codes, pitch)
        coefficients, scale = self.predictor(codes, pitch) or (None, None)
        chunks = self.generator.stream(condition, predictor=coefficients, scale=scale, temperature=temperature,
                                       seed=seed)
        if not self.match_envelope:
            return chunks
        return MelMatch(envelope_spec(self.config), self.envelopes(codes)).stream(chunks)

    def envelopes(self, codes):
        """The envelope [frames, envelope_mels] that codes [frames, code_size] end with."""
        return np.asarray(codes, np.float32)[:, self.config.encoder.code_dim :]


def mixed_codes(codes_a, codes_b, mix, *, envelope_mels=0):
    """The codes of a morph over the frames both have: the learnt values (1 - mix) a + mix b, as
    NSynth interpolates its codes; the last `envelope_mels` (the envelope's log-mel magnitudes) mixed
    as magnitudes, log((1 - mix) e^a + mix e^b), as summing two sounds mixes their spectra. A linear
    mix of log-mels is their geometric mean, which dips where either sound is quiet: on the
    held-out morph pairs, mix 0.5 then decoded duller than both ends on a third of them
    (BENCHMARKS.md)."""
    frames = min(len(codes_a), len(codes_b))
    a, b = codes_a[:frames], codes_b[:frames]
    mixed = (1 - mix) * a + mix * b
    if envelope_mels:
        with np.errstate(divide="ignore"):  # log(0) at the ends: logaddexp then returns the other side exactly
            mixed[:, -envelope_mels:] = np.logaddexp(np.log1p(-mix) + a[:, -envelope_mels:],
                                                     np.log(mix) + b[:, -envelope_mels:])
    return mixed


def morph(model, wav_a, wav_b, mixes, *, pitches=(None, None), temperature=1.0, seed=0, match_envelope=True):
    """The decoded morphs of two sounds, one per mix in `mixes` (0: a, 1: b): their codes mixed
    (mixed_codes), and their pitches' one-hots linearly with them when the model reads pitch;
    `match_envelope` as NoteDecoder's."""
    for mix in mixes:
        if not 0 <= mix <= 1:
            raise TTSError(f"a mix must lie in [0, 1], got {mix}")
    codes_a, codes_b = encode(model, wav_a), encode(model, wav_b)
    if model.config.pitch_conditioning:
        pitch_list = [pitch_weights(pitches[0], pitches[1], mix) for mix in mixes]
    else:
        pitch_list = [None] * len(mixes)
    envelope_mels = model.config.envelope_mels
    codes = [mixed_codes(codes_a, codes_b, mix, envelope_mels=envelope_mels) for mix in mixes]
    return NoteDecoder(model, match_envelope=match_envelope).decode(codes, pitch_list, temperature=temperature, seed=seed)
