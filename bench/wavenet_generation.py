"""WaveNet generation speed: the numba kernel against the plain PyTorch incremental reference, in one run.

Both paths generate from the same model (same random weights: speed does not depend on them), from
a mel to a waveform at temperature 1 (the vocoder's default), conditioning included:
- numba kernel: WaveNetGenerator.generate (vocoders/wavenet/generate.py, kernel.py), utterances of
  a batch in parallel threads;
- torch incremental: IncrementalWaveNet.generate (vocoders/wavenet/incremental.py), conditioning
  precomputed, per-layer ring buffers, inference mode, the batch in its matrices; timed with one
  torch thread and with the default count, and the faster kept.
The reference is timed on a short clip (--torch-seconds) and the kernel on a longer one (--seconds):
every step of either costs the same, so samples per second compare directly.

Rows: (a) r9y9's default config (24 layers in 4 cycles, kernel 3, residual 128, gate 256, skip 128,
80 mels, mixture of 10 logistics); (b) the project's plain default WaveNetConfig with 80 mels and 8
speakers; (c) (b) generating 4 utterances at once; (d) the project's new default, the excitation
model of recipes/vctk/conf/wavenet.yaml: (b)'s stack, output and speakers, reading 3 inputs a
sample and predicting the LPC excitation (lpc_order 24, pre-emphasis 0.85), with its per-frame
predictor coefficients computed from the mel (tts.lpc.lpc_from_mel) inside the timing, its weights
rounded to float16 as the bundled voice stores them (tts build-voice --half), so that the kernel
multiplies from float16 where the CPU widens it in hardware (kernel.half_weights); (e) (d)
generating 4 utterances at once; (f) (d) with the same weights kept as float32 matrices, the ratio
of the two in one run. (d) to (f) time the kernel path only: the PyTorch incremental
reference does not support excitation models, so they have no speed-up and no floor row. Their mels
are random log-mels uniform in [-8, 0], a speech-like range, so that linear prediction is
well-defined. RTF: wall seconds per second of each utterance's audio at 22.05 kHz (below 1 is
faster than real time); streams: the real-time streams that the throughput serves (samples/s over
22050); CPU RTF: CPU seconds of all threads per audio second; speed-up: samples/s over the
reference's, by wall time and by CPU time (which a loaded machine disturbs less: it leaves out the
time a path waited for a core).

The floor row of each single-utterance config with a reference, (a) and (b), times the kernel's
matrix products alone: one sample's pass over every weight matrix with the kernel's own product
routine, and nothing else (no gate, no sampling, no rings). No kernel that keeps these float32
weights can generate a sample faster than one such pass, so reference time per sample over the
floor is the largest speed-up this core allows. (b) has a second floor: the same products from
its weights rounded to float16, half the bytes.

Width rows time the kernel alone on the plain default config at other widths (residual = skip = R,
gate = 2R), the speed side of choosing the default's size. The post-filter line times the bundled
voice's post-filters on their own (tts.pitch_comb as its voice.json sets it, then tts.mel_match), on --seconds of
a voiced waveform at 22.05 kHz: what they add to (d)'s RTF. The last line times (d) and (f) in
turn, --half-rounds times, and reports the ratio within each round (steadier than either best time
on a shared machine whose speed drifts). Ends with one JSON line.
Usage: python bench/wavenet_generation.py [--seconds 1] [--torch-seconds 0.1] [--repeats 3] [--half-rounds 15]
"""

import argparse
import json
import os
import platform
import time

# Before torch loads OpenMP: on a shared machine, spinning OpenMP threads make every torch op wait
# for a descheduled peer (we saw 60x slower steps). Passive waiting costs nothing on an idle one.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numba  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from tts.features import FeatureSpec  # noqa: E402
from tts.mel import mel_numpy  # noqa: E402
from tts.mel_match import MelMatch  # noqa: E402
from tts.pitch_comb import PitchComb  # noqa: E402
from tts.training.checkpoints import halved  # noqa: E402
from tts.voice_files import VoiceFiles  # noqa: E402
from vocoders.wavenet import kernel  # noqa: E402
from vocoders.wavenet.config import ConditioningConfig, ExcitationConfig, OutputConfig, StackConfig, WaveNetConfig  # noqa: E402
from vocoders.wavenet.generate import WaveNetGenerator, extract_net  # noqa: E402
from vocoders.wavenet.incremental import IncrementalWaveNet  # noqa: E402
from vocoders.wavenet.model import WaveNet  # noqa: E402

SAMPLE_RATE = 22050
N_MELS = 80
TEMPERATURE = 1.0
WIDTHS = (16, 32, 48, 64)  # residual channels of the width rows
TARGETS = {"a_speedup": 30.0, "b_rtf": 0.3, "c_streams": 3.0, "d_rtf": 0.3}  # the issues' done-when targets


def r9y9_config():
    """r9y9/wavenet_vocoder's default hparams: layers 24, stacks 4, kernel_size 3, residual 128,
    gate 256, skip_out 128, cin 80, out_channels 30 (10 logistics), upsample_scales 4, 4, 4, 4."""
    return WaveNetConfig(
        stack=StackConfig(layers=24, cycle=6, kernel_size=3, residual_channels=128, gate_channels=256, skip_channels=128),
        output=OutputConfig(kind="mol", mixtures=10),
        conditioning=ConditioningConfig(n_mels=N_MELS, upsample_scales=(4, 4, 4, 4)),
    )


def default_config(width=None):
    """The project's default WaveNetConfig with 80 mels and 8 speakers; `width` sets residual and
    skip channels to it and the gate to twice it."""
    stack = StackConfig() if width is None else StackConfig(residual_channels=width, gate_channels=2 * width, skip_channels=width)
    return WaveNetConfig(stack=stack, conditioning=ConditioningConfig(n_mels=N_MELS, speakers=tuple(f"s{i}" for i in range(8))))


def excitation_config():
    """The project's default vocoder, recipes/vctk/conf/wavenet.yaml: default_config() predicting
    the LPC excitation (order 24, pre-emphasis 0.85, lag window 50 Hz)."""
    plain = default_config()
    return WaveNetConfig(
        stack=plain.stack, output=plain.output, conditioning=plain.conditioning,
        excitation=ExcitationConfig(lpc_order=24, preemphasis=0.85, lag_window_hz=50.0),
    )


def best_time(fn, repeats):
    """(wall, CPU) seconds of the fastest run. CPU time is this process's, all threads: on a
    machine that other jobs load it stays near the work done, where wall time grows."""
    times = []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    return min(times)


def time_post_filters(seconds, repeats, rng):
    """RTF of the bundled voice's comb at 120 Hz (its guard reading the target mel) and of the mel
    match, each alone, on noise of `seconds` (their cost does not depend on what the waveform holds)
    reshaped to another noise's mel."""
    options = VoiceFiles.read().vocoder_options["wavenet"]
    periods, decay, guard = options["comb_periods"], options["comb_decay"], options.get("comb_guard", 0.0)
    spec = FeatureSpec()
    frames = max(1, round(seconds * SAMPLE_RATE / spec.hop_length))
    wav = rng.standard_normal(frames * spec.hop_length).astype(np.float32)
    target = mel_numpy(0.5 * rng.standard_normal(len(wav)).astype(np.float32), spec)
    f0 = np.full(frames, 120.0)
    audio = len(wav) / SAMPLE_RATE
    comb, _ = best_time(lambda: PitchComb.apply(spec, f0, wav, periods=periods, decay=decay, mel=target, guard=guard),
                        repeats)
    match, _ = best_time(lambda: MelMatch.match(spec, target, wav), repeats)
    return {"comb_periods": periods, "comb_guard": guard, "comb_rtf": round(comb / audio, 4),
            "mel_match_rtf": round(match / audio, 4)}


def time_torch(model, mels, speakers, repeats):
    """(wall, CPU, torch threads) of the reference from mels to waveforms, with the faster thread count."""
    reference = IncrementalWaveNet(model)
    mel = torch.from_numpy(np.stack(mels))
    speaker = None if speakers is None else torch.tensor(speakers)

    def run():
        condition = reference.conditioning(mel, speaker)
        reference.generate(condition, temperature=TEMPERATURE, generator=torch.Generator().manual_seed(0))

    default_threads = torch.get_num_threads()
    results = []
    for threads in sorted({1, default_threads}):
        torch.set_num_threads(threads)
        reference.generate(reference.conditioning(mel[:, :1], speaker), temperature=TEMPERATURE)  # warm-up
        results.append((*best_time(run, repeats), threads))
    torch.set_num_threads(default_threads)
    return min(results)


def time_kernel(model, mels, speakers, repeats, half_weights=True):
    generator = WaveNetGenerator(model, half_weights=half_weights)
    generator.generate([mels[0][:2]], None if speakers is None else speakers[:1])  # warm-up: numba cache, thread pool
    return best_time(lambda: generator.generate(mels, speakers, temperature=TEMPERATURE, seed=0), repeats)


@numba.njit(cache=True, error_model="numpy")
def _matrix_passes(net, passes, taps, gate, z, state, head, hidden, params):
    """`passes` times, the matrix products of one sample's step (kernel.network_step) and nothing else."""
    layers = len(net.conv_bias)
    for _ in range(passes):
        for layer in range(layers):
            kernel._accumulate(net.conv_weight, layer, taps, gate)
            kernel._accumulate(net.out_weight, layer, z, state)
        kernel._accumulate(net.head_weight1, 0, head, hidden)
        kernel._accumulate(net.head_weight2, 0, hidden, params)


def time_matrix_floor(model, repeats, seconds=0.5):
    """(seconds per sample, weight bytes read per sample, their dtype) of the kernel's matrix
    products alone."""
    net = extract_net(model)
    stack = model.config.stack
    vectors = [
        np.full(n, 0.01, np.float32)
        for n in (
            stack.kernel_size * stack.residual_channels, stack.gate_channels, stack.gate_channels // 2,
            stack.residual_channels + stack.skip_channels, stack.skip_channels, stack.skip_channels,
            len(net.head_bias2),
        )
    ]
    _matrix_passes(net, 1, *vectors)  # compile
    passes = max(1, round(seconds * SAMPLE_RATE))
    wall, _ = best_time(lambda: _matrix_passes(net, passes, *vectors), repeats)
    weights = (net.conv_weight, net.out_weight, net.head_weight1, net.head_weight2)
    return wall / passes, sum(w.nbytes for w in weights), "float16" if net.conv_weight.dtype == np.uint16 else "float32"


def rounded_to_half(model):
    """`model` with its weights rounded to float16, as the bundled voice stores them (tts
    build-voice --half): the kernel then multiplies from float16 (kernel.half_weights)."""
    model.load_state_dict(halved(model.state_dict()))
    return model


def time_half_against_float32(seconds, rounds, rng):
    """Per-round RTF of the excitation default with float16 weights and of the same weights as
    float32 matrices, timed in turn, `rounds` times: on a machine whose speed drifts (a shared VM),
    the ratio within a round is steadier than either best time."""
    torch.manual_seed(0)
    model = rounded_to_half(WaveNet(excitation_config()).eval())
    model.spec = FeatureSpec()
    half, full = WaveNetGenerator(model), WaveNetGenerator(model, half_weights=False)
    frames = max(1, round(seconds * SAMPLE_RATE / model.config.hop_length))
    mel = rng.uniform(-8.0, 0.0, (frames, N_MELS)).astype(np.float32)
    audio = frames * model.config.hop_length / SAMPLE_RATE
    for generator in (half, full):
        generator.generate([mel[:2]], [0])  # warm-up
    times = [[best_time(lambda g=g: g.generate([mel], [0], seed=r), 1)[0] / audio for g in (half, full)]
             for r in range(rounds)]
    return np.array(times)  # [rounds, (float16, float32)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="audio per utterance for the numba kernel")
    parser.add_argument("--torch-seconds", type=float, default=0.1, help="audio per utterance for the torch reference")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each timing; the fastest is kept")
    parser.add_argument("--half-rounds", type=int, default=15,
                        help="rounds of (d) and (f) timed in turn, for their ratio")
    args = parser.parse_args()
    hop = default_config().hop_length
    rng = np.random.default_rng(0)
    load_before = os.getloadavg()[0]

    rows = []  # (label, config name, path, batch, samples per utterance, wall s, CPU s, torch threads)
    floors = {}  # label: [(seconds per sample of the matrix products alone, weight bytes per sample, dtype)]
    both, kernel_only = ("torch incremental", "numba kernel"), ("numba kernel",)
    # weights: "float32", "float16" (rounded to float16, as the bundled voice stores them, and
    # multiplied from float16) or "float16 as float32" (the same weights as float32 matrices)
    for label, name, make_config, batch, paths, weights in (
        ("(a) r9y9", "r9y9", r9y9_config, 1, both, "float32"),
        ("(b) default", "default", default_config, 1, both, "float32"),
        ("(c) default x4", "default", default_config, 4, both, "float32"),
        # the reference has no excitation path
        ("(d) excitation", "excitation", excitation_config, 1, kernel_only, "float16"),
        ("(e) excitation x4", "excitation", excitation_config, 4, kernel_only, "float16"),
        ("(f) excitation f32", "excitation", excitation_config, 1, kernel_only, "float16 as float32"),
    ):
        config = make_config()
        assert config.hop_length == hop
        torch.manual_seed(0)
        model = WaveNet(config).eval()
        if weights != "float32":
            rounded_to_half(model)
        if config.excitation.lpc_order:
            model.spec = FeatureSpec()  # the mels' features, which linear prediction needs
            assert model.spec.hop_length == hop and model.spec.n_mels == N_MELS
        speakers = list(range(batch)) if config.conditioning.speakers else None
        for path in paths:
            seconds = args.torch_seconds if path == "torch incremental" else args.seconds
            frames = max(1, round(seconds * SAMPLE_RATE / hop))
            if config.excitation.lpc_order:  # log-mels of speech-like levels: a well-defined predictor
                mels = [rng.uniform(-8.0, 0.0, (frames, N_MELS)).astype(np.float32) for _ in range(batch)]
            else:
                mels = [rng.normal(-5.0, 2.0, (frames, N_MELS)).astype(np.float32) for _ in range(batch)]
            if path == "torch incremental":
                wall, cpu, threads = time_torch(model, mels, speakers, args.repeats)
            else:
                half_weights = weights == "float16"
                (wall, cpu), threads = time_kernel(model, mels, speakers, args.repeats, half_weights), None
            rows.append((label, name, path, batch, frames * hop, wall, cpu, threads))
        if batch == 1 and "torch incremental" in paths:
            floors[label] = [time_matrix_floor(model, args.repeats)]
            if label == "(b) default":  # the same products from float16 weights
                floors[label].append(time_matrix_floor(rounded_to_half(model), args.repeats))

    widths = {}  # residual width: (kernel wall s, parameters) for 1 s of audio
    for width in WIDTHS:
        torch.manual_seed(0)
        model = WaveNet(default_config(width)).eval()
        frames = max(1, round(args.seconds * SAMPLE_RATE / hop))
        mel = rng.normal(-5.0, 2.0, (frames, N_MELS)).astype(np.float32)
        wall, _ = time_kernel(model, [mel], [0], args.repeats)
        widths[width] = (wall / (frames * hop / SAMPLE_RATE), sum(p.numel() for p in model.parameters()))

    post_filters = time_post_filters(args.seconds, args.repeats, rng)
    half_rounds = time_half_against_float32(args.seconds, args.half_rounds, rng)

    stack_a, stack_b = r9y9_config().stack, default_config().stack
    print(
        f"WaveNet generation, {SAMPLE_RATE} Hz, hop {hop}, temperature {TEMPERATURE}. (a) r9y9: {stack_a.layers} layers, "
        f"kernel {stack_a.kernel_size}, residual {stack_a.residual_channels}, gate {stack_a.gate_channels}, skip "
        f"{stack_a.skip_channels}, mol x10. (b) default: {stack_b.layers} layers, kernel {stack_b.kernel_size}, residual "
        f"{stack_b.residual_channels}, gate {stack_b.gate_channels}, skip {stack_b.skip_channels}, "
        f"{default_config().output.kind} {default_config().output.mulaw_channels}, 8 speakers. (d) excitation: (b) with LPC "
        f"order {excitation_config().excitation.lpc_order}, pre-emphasis {excitation_config().excitation.preemphasis}, "
        f"kernel only (no torch reference for excitation models)."
    )
    machine = f"{platform.machine()} {_cpu_name()}, {os.cpu_count()} CPUs"
    print(
        f"{machine}; OMP_WAIT_POLICY {os.environ['OMP_WAIT_POLICY']}; load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after; torch timed on {args.torch_seconds} s per utterance, the kernel on "
        f"{args.seconds} s"
    )
    header = (
        f"{'config':<17} {'path':<22} {'batch':>5} {'audio s':>7} {'wall s':>7} {'samples/s':>10} {'RTF':>8} "
        f"{'CPU RTF':>8} {'streams':>8} {'speed-up':>9} {'CPU speed-up':>12}"
    )
    print(header)
    print("-" * len(header))
    figures = {}
    torch_rate, torch_cpu_rate = {}, {}
    for label, name, path, batch, samples, wall, cpu, threads in rows:
        audio = samples / SAMPLE_RATE
        rate, cpu_rate = batch * samples / wall, batch * samples / cpu
        if path == "torch incremental":
            torch_rate[label], torch_cpu_rate[label] = rate, cpu_rate
        key = f"{label.split()[0].strip('()')}_{'torch' if path.startswith('torch') else 'kernel'}"
        figures[key] = {
            "config": name, "batch": batch, "audio_s": round(audio, 4), "wall_s": round(wall, 4),
            "samples_per_s": round(rate, 1), "rtf": round(wall / audio, 4), "cpu_rtf": round(cpu / audio, 4),
            "streams": round(rate / SAMPLE_RATE, 3),
        }
        shown = path if threads is None else f"{path} ({threads}t)"
        line = (
            f"{label:<17} {shown:<22} {batch:>5} {audio:>7.3f} {wall:>7.2f} {rate:>10.0f} {wall / audio:>8.3f} "
            f"{cpu / audio:>8.3f} {rate / SAMPLE_RATE:>8.2f}"
        )
        if label in torch_rate:
            # rounded once, so that the table, the targets line and the JSON agree
            speedup, cpu_speedup = round(rate / torch_rate[label], 2), round(cpu_rate / torch_cpu_rate[label], 2)
            figures[key].update(speedup=speedup, cpu_speedup=cpu_speedup)
            print(f"{line} {speedup:>8.1f}x {cpu_speedup:>11.1f}x")
        else:  # no reference to compare with (excitation models)
            print(f"{line} {'-':>9} {'-':>12}")
        if threads is not None:
            figures[key]["torch_threads"] = threads

    for label, label_floors in floors.items():
        base = label.split()[0].strip("()")
        for floor, weight_bytes, dtype in label_floors:
            ceiling = round(1 / floor / torch_rate[label], 1)
            print(
                f"{label:<17} floor: the kernel's matrix products alone take {floor * 1e6:.1f} us a sample "
                f"({weight_bytes / 1e6:.2f} MB of {dtype} weights, {weight_bytes / floor / 1e9:.0f} GB/s): at most "
                f"{ceiling:.1f}x the reference on this core; the float32 kernel reaches "
                f"{figures[f'{base}_kernel']['speedup']:.1f}x"
            )
            figures[f"{base}_floor" + ("_half" if dtype == "float16" else "")] = {
                "us_per_sample": round(floor * 1e6, 2), "weight_mb": round(weight_bytes / 1e6, 3), "dtype": dtype,
                "gb_per_s": round(weight_bytes / floor / 1e9, 1), "max_speedup": ceiling,
            }

    print("default config at other widths, numba kernel, batch 1: " + "; ".join(
        f"residual {width}: RTF {rtf:.3f} ({parameters:,} parameters)" for width, (rtf, parameters) in widths.items()
    ))
    figures["widths"] = {
        str(width): {"rtf": round(rtf, 4), "parameters": parameters} for width, (rtf, parameters) in widths.items()
    }

    print(f"post-filters of the bundled voice, alone, batch 1: comb ({post_filters['comb_periods']} periods, "
          f"guard {post_filters['comb_guard']} nats) "
          f"RTF {post_filters['comb_rtf']:.4f}, "
          f"mel match RTF {post_filters['mel_match_rtf']:.4f}")
    figures["post_filters"] = post_filters

    ratios = half_rounds[:, 0] / half_rounds[:, 1]
    print(f"(d) against (f), in turn {len(ratios)} times: float16 weights RTF median {np.median(half_rounds[:, 0]):.3f} "
          f"(best {half_rounds[:, 0].min():.3f}), float32 {np.median(half_rounds[:, 1]):.3f} (best "
          f"{half_rounds[:, 1].min():.3f}); their ratio per round median {np.median(ratios):.3f} "
          f"(from {ratios.min():.3f} to {ratios.max():.3f})")
    figures["half_against_float32"] = {
        "rounds": len(ratios), "half_rtf_median": round(float(np.median(half_rounds[:, 0])), 4),
        "float32_rtf_median": round(float(np.median(half_rounds[:, 1])), 4),
        "ratio_median": round(float(np.median(ratios)), 3),
        "ratio_range": [round(float(ratios.min()), 3), round(float(ratios.max()), 3)],
    }

    met = {
        "a_speedup_30x": figures["a_kernel"]["speedup"] >= TARGETS["a_speedup"],
        "b_rtf_0.3": figures["b_kernel"]["rtf"] <= TARGETS["b_rtf"],
        "c_streams_3": figures["c_kernel"]["streams"] >= TARGETS["c_streams"],
        "d_rtf_0.3": figures["d_kernel"]["rtf"] <= TARGETS["d_rtf"],
    }
    print(
        f"targets: (a) speed-up {figures['a_kernel']['speedup']:.1f}x vs >= {TARGETS['a_speedup']:.0f}x: "
        f"{'met' if met['a_speedup_30x'] else 'NOT met'}; (b) RTF {figures['b_kernel']['rtf']:.3f} vs <= "
        f"{TARGETS['b_rtf']}: {'met' if met['b_rtf_0.3'] else 'NOT met'}; (c) {figures['c_kernel']['streams']:.2f} "
        f"real-time streams vs >= {TARGETS['c_streams']:.0f}: {'met' if met['c_streams_3'] else 'NOT met'}; (d) RTF "
        f"{figures['d_kernel']['rtf']:.3f} vs <= {TARGETS['d_rtf']}: {'met' if met['d_rtf_0.3'] else 'NOT met'}"
    )
    print(json.dumps({
        "benchmark": "wavenet_generation", "machine": machine,
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "sample_rate": SAMPLE_RATE, "temperature": TEMPERATURE, **figures, "targets_met": met,
    }))


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            return next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
