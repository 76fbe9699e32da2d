"""Fast WaveNet generation: conditioning in torch at frame rate, the per-sample loop in numba.

    generator = WaveNetGenerator(model)
    wavs = generator.generate([mel_a, mel_b], [0, {1: 0.5, 2: 0.5}], temperature=0.8, seed=7)
    for chunk in generator.stream(mel, 3):
        play(chunk)
    wav = generator.generate([mel], primes=[known])[0]   # known samples first, then what follows them
    wav = generator.generate([mel], predictors=[coefficients])[0]   # an excitation model's own predictor

Utterances run chunk by chunk (`chunk_frames` frames at a time): the model computes a chunk's
conditioning for every layer once, at frame rate with `context` frames of margin; then
kernel.generate_chunk runs the chunk's samples, each mixing the frames around it by the upsampler's
phases, the utterances of a batch in parallel threads. Memory stays bounded by the chunk, whatever
the length, and no sample-rate conditioning is stored. An utterance's output
depends only on its mel, speaker, F0, temperatures, seed, prime and chunk_frames: alone, in a batch
or streamed, it is bitwise the same.

A prime is the utterance's first samples, known: the kernel runs them through the layers'
ring buffers teacher-forced (kernel.prime_chunk), as the model's forward reads them, and draws from
the sample after the prime on. The output holds the prime (as the model hears it: μ-law quantized
for a μ-law model), then the continuation. A WaveNet without local conditioning (n_mels 0: the
music WaveNet) is conditioned on its speaker alone, the same at every sample; its mel [frames, 0]
sets the length.
"""

import numbers
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
import torch.nn.functional as F

from tts.errors import TTSError
from tts.source import sine_source
from tts.speaker_selection import speaker_index, speaker_weights
from vocoders.wavenet import excitation_kernel, kernel
from vocoders.wavenet.excitation import frame_coefficients
from vocoders.wavenet.mulaw import mulaw_decode, mulaw_encode

CHUNK_FRAMES = 8  # 2048 samples at hop 256


def _array(tensor):
    return np.ascontiguousarray(tensor.detach().cpu().float().numpy())


def extract_net(model, *, half_weights=True):
    """The model's weights, once, as the kernel's contiguous arrays (kernel.Net): float32, and the
    matrices it multiplies by as float16 bits where they all hold float16 values (a voice built
    with --half) and the CPU widens them in hardware (kernel.half_weights): the same products from
    half the bytes. half_weights=False keeps them float32 regardless (to compare the two)."""
    config = model.config
    layers = model.layers
    residual = config.stack.residual_channels
    sizes = [(config.stack.kernel_size - 1) * dilation + 1 for dilation in config.stack.dilations]  # x[t - (K-1) d] .. x[t]
    channels = config.output.mulaw_channels
    with torch.no_grad():
        matrices = dict(  # each [n, in, out]: the transpose of torch's Linear
            conv_weight=np.stack([_array(layer.taps.weight.t()) for layer in layers]),  # taps oldest first
            out_weight=np.stack([_array(layer.out.weight.t()) for layer in layers]),
            head_weight1=_array(model.head[1].weight.t())[None],
            head_weight2=_array(model.head[3].weight.t())[None],
        )
        if half_weights:
            matrices = _half_where_all_hold(matrices)
        return kernel.Net(
            input_weight=_array(model.input.weight.t()).ravel(),
            input_bias=_array(model.input.bias),
            conv_bias=np.stack([_array(layer.taps.bias) for layer in layers]),
            residual_bias=np.stack([_array(layer.out.bias[:residual]) for layer in layers]),
            skip_bias=_array(sum(layer.out.bias[residual:] for layer in layers)),
            head_bias1=_array(model.head[1].bias),
            head_bias2=_array(model.head[3].bias),
            skip_scale=np.float32(np.sqrt(1.0 / len(layers))),
            dilations=np.array(config.stack.dilations, dtype=np.int64),
            ring_offsets=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
            kind=kernel.MULAW if config.output.kind == "mulaw" else kernel.MOL,
            log_scale_min=np.float32(config.output.log_scale_min),
            mulaw_values=mulaw_decode(torch.arange(channels), channels).numpy(),
            preemphasis=np.float32(config.excitation.preemphasis if config.excitation.lpc_order else 0.0),
            dc_pole=np.float32(config.excitation.dc_pole),
            reads_signal=bool(config.excitation.lpc_order and config.excitation.reads_signal),
            **{name: m.ravel() for name, m in matrices.items()},
        )


def _half_where_all_hold(matrices):
    """The matrices as float16 bits (kernel.half_weights) when every one of them holds float16
    values and the CPU widens them, else as they are: the kernel compiles one type for all four."""
    halves = {name: kernel.half_weights(matrix) for name, matrix in matrices.items()}
    return halves if all(half is not None for half in halves.values()) else matrices


class WaveNetGenerator:
    """Generates with a snapshot of `model`'s weights: build a new one after training it further.
    half_weights: as extract_net's."""

    def __init__(self, model, *, half_weights=True):
        self.model = model
        self.config = model.config
        self.net = extract_net(model, half_weights=half_weights)
        self.hop = model.upsampler.factor
        self.context = model.upsampler.context
        self.device = model.input.weight.device
        if self.config.conditioning.n_mels:
            with torch.no_grad():
                self.phases = _array(model.upsampler.phases())  # [hop, window]
        else:  # the speaker's conditioning alone: each sample is its frame's row, as it is
            self.phases = np.ones((self.hop, 1), np.float32)

    def generate(self, mels, speakers=None, *, f0s=None, primes=None, predictors=None, scales=None, temperature=1.0,
                 voiced_temperature=None, seed=0, chunk_frames=CHUNK_FRAMES):
        """One float32 waveform of frames * hop samples per mel [frames, n_mels].

        speakers: one per mel, each an index or an {index: weight} mix (None for a single-speaker
        model). f0s: one frame F0 [frames] (Hz, 0 unvoiced) per mel, for a model that reads a sine
        at it (excitation.f0_source) or a voiced_temperature. voiced_temperature: the sampling
        temperature of voiced frames (None: `temperature` everywhere), as LPCNet samples voiced
        speech colder so that its periods stay clean and unvoiced noise keeps its spread. primes:
        one waveform in [-1, 1] (or None) per mel, the utterance's first samples, known (at most
        frames * hop of them; not for an excitation model). predictors: an excitation model's
        predictor coefficients [frames, order], one per mel, in place of the linear prediction
        from the mel (the NSynth decoder's, music.nsynth); None: from the mel, which needs
        model.spec. scales: with predictors, one [frames] per mel of what each frame's drawn
        excitation is multiplied by, for a model trained on excitation normalized per frame
        (music.nsynth.envelope); None: 1. seed: an int for every utterance, or one per utterance."""
        mels = list(mels)
        pieces = [[] for _ in mels]
        chunks = self._chunks(mels, speakers, f0s, primes, (predictors, scales), seed, chunk_frames,
                              temperature=temperature, voiced_temperature=voiced_temperature)
        for chunk in chunks:
            for item, samples in chunk.items():
                pieces[item].append(samples)
        return [np.concatenate(p) if p else np.zeros(0, np.float32) for p in pieces]

    def stream(self, mel, speaker=None, *, f0=None, prime=None, predictor=None, scale=None, temperature=1.0,
               voiced_temperature=None, seed=0, chunk_frames=CHUNK_FRAMES):
        """Yields float32 chunks of chunk_frames * hop samples (the last may be shorter) whose
        concatenation is generate([mel], [speaker], f0s=[f0], primes=[prime], predictors=[predictor],
        scales=[scale], ...)[0]."""
        f0s = None if f0 is None else [f0]
        predictors = None if predictor is None else [predictor]
        scales = None if scale is None else [scale]
        chunks = self._chunks([mel], [speaker], f0s, [prime], (predictors, scales), seed, chunk_frames,
                              temperature=temperature, voiced_temperature=voiced_temperature)
        return (chunk[0] for chunk in chunks)

    def conditioning(self, mel, speaker=None, *, start=0, stop=None):
        """Every layer's conditioning [samples, L, G] for frames start .. stop of `mel`, as
        generation mixes it sample by sample."""
        return kernel.upsample(self.conditioning_frames(mel, speaker, start=start, stop=stop), self.phases)

    def conditioning_frames(self, mel, speaker=None, *, start=0, stop=None):
        """What generation reads of frames start .. stop of `mel`: every layer's conditioning at
        frame rate with the margin that self.phases [hop, window] mixes into each sample
        (kernel.upsample and the chunk functions take both)."""
        mel = self._mel(mel, 0)
        stop = len(mel) if stop is None else stop
        if not 0 <= start <= stop <= len(mel):
            raise TTSError(f"frames {start}..{stop} are not within the mel's {len(mel)} frames")
        return self._frames(mel, self._speaker(speaker), start, stop)

    def coefficients(self, mel):
        """An excitation model's predictor coefficients [frames, order] of a mel tensor."""
        if getattr(self.model, "spec", None) is None:
            raise TTSError("an excitation WaveNet predicts from the mel with model.spec, the FeatureSpec its mels "
                           "follow (set when loaded); without one, pass its predictors")
        return np.ascontiguousarray(frame_coefficients(mel, self.config.excitation, self.model.spec).numpy())

    def _predictors(self, mels, predictors, scales):
        """Each utterance's (predictor coefficients [frames, order], excitation scales [frames]),
        float32 and checked; None for a plain WaveNet."""
        order = self.config.excitation.lpc_order
        if not order:
            if predictors is not None or scales is not None:
                raise TTSError("this WaveNet has no predictor (excitation.lpc_order 0); pass predictors=None")
            return None
        if scales is not None and predictors is None:
            raise TTSError("excitation scales come with the predictors they were made for; pass both")
        if predictors is None:
            return [(self.coefficients(mel), np.ones(len(mel), np.float32)) for mel in mels]
        if len(predictors) != len(mels):
            raise TTSError(f"got {len(predictors)} predictors for {len(mels)} mels; pass one per mel")
        checked = []
        for index, (mel, predictor) in enumerate(zip(mels, predictors)):
            predictor = np.ascontiguousarray(predictor, dtype=np.float32)
            if predictor.shape != (len(mel), order) or not np.all(np.isfinite(predictor)):
                raise TTSError(f"predictor {index} must be finite values of shape ({len(mel)}, {order}), "
                               f"got shape {predictor.shape}")
            checked.append(predictor)
        return list(zip(checked, self._scales(mels, scales), strict=True))

    @staticmethod
    def _scales(mels, scales):
        if scales is None:
            return [np.ones(len(mel), np.float32) for mel in mels]
        if len(scales) != len(mels):
            raise TTSError(f"got {len(scales)} excitation scales for {len(mels)} mels; pass one per mel")
        checked = []
        for index, (mel, scale) in enumerate(zip(mels, scales)):
            scale = np.ascontiguousarray(scale, dtype=np.float32)
            if scale.shape != (len(mel),) or not np.all(np.isfinite(scale)) or np.any(scale <= 0):
                raise TTSError(f"excitation scales {index} must be {len(mel)} finite values > 0 (one per frame), "
                               f"got shape {scale.shape}")
            checked.append(scale)
        return checked

    def _chunks(self, mels, speakers, f0s, primes, predictors, seed, chunk_frames, *, temperature, voiced_temperature):
        """Checks the inputs now, then returns an iterator of {utterance index: its next samples},
        one per chunk, over the utterances still running."""
        mels = [self._mel(mel, index) for index, mel in enumerate(mels)]
        speakers = [None] * len(mels) if speakers is None else list(speakers)
        if len(speakers) != len(mels):
            raise TTSError(f"got {len(speakers)} speakers for {len(mels)} mels; pass one per mel")
        speakers = [self._speaker(speaker) for speaker in speakers]
        if not isinstance(chunk_frames, numbers.Integral) or chunk_frames < 1:
            raise TTSError(f"chunk_frames must be a positive integer, got {chunk_frames!r}")
        temperature = checked_temperature(temperature)
        voiced_temperature = None if voiced_temperature is None else checked_temperature(voiced_temperature)
        f0s = self._f0s(mels, f0s, voiced_temperature is not None)
        if self.config.excitation.f0_source:
            sources = [sine_source(f0, hop=self.hop, sample_rate=self.model.spec.sample_rate) for f0 in f0s]
        else:
            sources = [np.zeros(0, np.float32)] * len(mels)
        if voiced_temperature is None:
            temperatures = [np.full(len(mel), temperature) for mel in mels]
        else:
            temperatures = [np.where(f0 > 0, voiced_temperature, temperature) for f0 in f0s]
        primes = self._primes(mels, primes)
        predictors = self._predictors(mels, *predictors)
        return self._run(mels, speakers, sources, temperatures, primes, predictors, _seeds(seed, len(mels)),
                         chunk_frames)

    def _primes(self, mels, primes):
        """Each utterance's known first samples as the model hears them (float32; empty for none), checked."""
        primes = [None] * len(mels) if primes is None else list(primes)
        if len(primes) != len(mels):
            raise TTSError(f"got {len(primes)} primes for {len(mels)} mels; pass one (or None) per mel")
        checked = []
        for index, (mel, prime) in enumerate(zip(mels, primes)):
            prime = np.zeros(0, np.float32) if prime is None else np.asarray(prime, dtype=np.float32)
            if prime.size and self.config.excitation.lpc_order:
                raise TTSError("an excitation WaveNet cannot be primed; pass primes=None")
            if prime.ndim != 1 or len(prime) > len(mel) * self.hop or not np.all(np.isfinite(prime)):
                raise TTSError(f"prime {index} must be at most {len(mel) * self.hop} finite samples (the mel's), "
                               f"got shape {prime.shape}")
            if self.config.output.kind == "mulaw":
                channels = self.config.output.mulaw_channels
                prime = mulaw_decode(mulaw_encode(torch.from_numpy(prime), channels), channels).numpy()
            checked.append(prime)
        return checked

    def _f0s(self, mels, f0s, for_voicing):
        """Each utterance's frame F0 (float64 [frames]), checked: what a sine at F0 or a voiced
        temperature is made from; None when neither is wanted."""
        if not (self.config.excitation.f0_source or for_voicing):
            if f0s is not None:
                raise TTSError("this WaveNet reads no F0 and no voiced_temperature is set; pass f0s=None")
            return None
        if f0s is None or len(f0s) != len(mels):
            why = "reads a sine at F0" if self.config.excitation.f0_source else "samples voiced frames at voiced_temperature"
            raise TTSError(f"this WaveNet {why}: pass one frame F0 [frames] per mel (f0s)")
        checked = []
        for index, (mel, f0) in enumerate(zip(mels, f0s)):
            f0 = np.asarray(f0, dtype=np.float64)
            if f0.shape != (len(mel),) or not np.all(np.isfinite(f0)) or np.any(f0 < 0):
                raise TTSError(f"f0 {index} must be {len(mel)} finite values >= 0 (one per frame), got shape {f0.shape}")
            checked.append(f0)
        return checked

    def _run(self, mels, speakers, sources, temperatures, primes, predictors, seeds, chunk_frames):
        rings = kernel.new_rings(self.net, len(mels))
        previous = [np.float32(0.0)] * len(mels)  # the input before sample 0 is silence
        frames = [len(mel) for mel in mels]
        excitation = self.config.excitation
        if excitation.lpc_order:
            states = excitation_kernel.new_excitation_states(self.net, len(mels), excitation.lpc_order)
            sparse = [(*excitation_kernel.sparse_predictor(c), scales) for c, scales in predictors]

        def conditions(first):
            """{utterance: its conditioning frames} for the chunk starting at frame `first`."""
            stop = first + chunk_frames
            return {
                u: self._frames(mels[u], speakers[u], first, min(stop, frames[u]))
                for u in range(len(mels))
                if frames[u] > first
            }

        def run(item, start, condition):
            out = np.empty((len(condition) - self.phases.shape[1] + 1) * self.hop, np.float32)
            if excitation.lpc_order:
                first = start // self.hop
                lags, weights, scales = sparse[item]
                span = slice(first, first + chunk_frames)
                excitation_kernel.generate_excitation_chunk(
                    self.net, rings[item], states[item], start, seeds[item], temperatures[item], condition,
                    self.phases, lags, weights[span], scales[span], sources[item][start : start + len(out)], out,
                )
                np.clip(out, -1.0, 1.0, out=out)
            else:
                known = len(primes[item][start : start + len(out)])  # the prime's samples in this chunk
                out[:known] = primes[item][start : start + known]
                previous[item] = kernel.prime_chunk(
                    self.net, rings[item], start, previous[item], out[:known], condition, self.phases
                )
                previous[item] = kernel.generate_chunk(
                    self.net, rings[item], start + known, previous[item], seeds[item], temperatures[item], condition,
                    self.phases, known, out[known:],
                )
            return out

        with ThreadPoolExecutor(max_workers=max(1, min(len(mels), os.cpu_count() or 1))) as pool:
            upcoming = conditions(0)
            for first in range(0, max(frames, default=0), chunk_frames):
                runs = {u: pool.submit(run, u, first * self.hop, condition) for u, condition in upcoming.items()}
                upcoming = conditions(first + chunk_frames)  # while the kernels run
                yield {u: samples.result() for u, samples in runs.items()}

    def _frames(self, mel, speaker, start, stop):
        """Every layer's conditioning [frames, L, G] at frame rate for frames start .. stop with
        `context` frames of margin on each side, zeros beyond the utterance (as the upsampler takes
        them): what self.phases mixes into each sample (kernel.condition_row), equal to the
        whole mel's upsampled conditioning. Without local conditioning: the speaker's, the same
        for every frame, as the model's forward without a mel, and no margin (phases of one frame)."""
        if not self.config.conditioning.n_mels:
            with torch.no_grad():
                condition = self.model.global_conditioning(speaker)
            row = np.zeros(self.net.conv_bias.shape, np.float32) if condition is None else _array(condition[:, 0, 0])
            return np.ascontiguousarray(np.broadcast_to(row, (stop - start, *row.shape)))
        low, high = max(start - self.context, 0), min(stop + self.context, len(mel))
        with torch.no_grad():
            frames = self.model.frame_conditioning(mel[None, low:high].to(self.device), speaker)
            frames = F.pad(frames, (0, 0, self.context - (start - low), self.context - (high - stop)))
        return _array(frames[0]).reshape(-1, *self.net.conv_bias.shape)

    def _mel(self, mel, index):
        n_mels = self.config.conditioning.n_mels
        mel = np.asarray(mel, dtype=np.float32)
        if mel.ndim != 2 or mel.shape[1] != n_mels:
            raise TTSError(f"mel {index} has shape {mel.shape}; this WaveNet expects [frames, {n_mels}]")
        return torch.from_numpy(mel)

    def _speaker(self, speaker):
        """The model's speaker argument: LongTensor [1], float weights [1, speakers], or None."""
        names = self.config.conditioning.speakers
        if not names:
            if speaker is not None:
                raise TTSError(f"this WaveNet has no speakers, got speaker {speaker!r}; pass None")
            return None
        if isinstance(speaker, numbers.Integral) and not isinstance(speaker, bool):
            return torch.tensor([speaker_index(speaker, names)], device=self.device)
        if not isinstance(speaker, dict):
            raise TTSError(f"invalid speaker {speaker!r}; this WaveNet expects an index or an {{index: weight}} mix")
        weights = torch.tensor(speaker_weights(speaker, names), dtype=torch.float32)
        return weights[None].to(self.device)


def checked_temperature(temperature):
    """`temperature` as a float; a TTSError unless it is a finite number >= 0."""
    if not isinstance(temperature, numbers.Real) or not 0 <= temperature < float("inf"):
        raise TTSError(f"temperature must be a finite number >= 0, got {temperature!r}")
    return float(temperature)


def _seeds(seed, count):
    """One uint64 seed per utterance from an int or a sequence of ints."""
    seeds = [seed] * count if isinstance(seed, numbers.Integral) else list(seed)
    if len(seeds) != count or not all(isinstance(s, numbers.Integral) for s in seeds):
        raise TTSError(f"seed must be an int or one int per utterance ({count}), got {seed!r}")
    return np.array([int(s) % 2**64 for s in seeds], dtype=np.uint64)
