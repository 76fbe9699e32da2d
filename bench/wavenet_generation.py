"""WaveNet generation speed: the numba kernel at batch 1 and 4 against a plain PyTorch loop, in one run.

The default WaveNetConfig (untrained random weights: speed does not depend on them) with the default
FeatureSpec's n_mels and hop and 8 speakers. The PyTorch baseline runs `model.stack` on the last
receptive field of samples for every new sample (conditioning precomputed, the standard naive
incremental loop); it is timed on a short clip and extrapolated, as every step costs the same.
Prints a table of real-time factors (wall seconds per audio second, below 1 is faster than real
time; CPU RTF: CPU seconds of all threads per audio second) and ends with one JSON line.
Usage: python bench/wavenet_generation.py [--seconds 1] [--baseline-seconds 0.01] [--repeats 2]
"""

import argparse
import json
import os
import platform
import time

# Before torch loads OpenMP: on a shared machine, spinning OpenMP threads make every torch op wait
# for a descheduled peer (we saw 60x slower steps). Passive waiting costs nothing on an idle one.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from tts.features import FeatureSpec  # noqa: E402
from vocoders.wavenet.config import ConditioningConfig, WaveNetConfig  # noqa: E402
from vocoders.wavenet.distributions import mol_sample  # noqa: E402
from vocoders.wavenet.generate import WaveNetGenerator  # noqa: E402
from vocoders.wavenet.model import WaveNet  # noqa: E402

def best_time(fn, repeats):
    """(wall, CPU) seconds of the fastest run. CPU time is this process's, all threads: on a
    machine that other jobs load it stays near the work done, where wall time grows."""
    times = []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    return min(times)


def torch_incremental(model, mel, speaker, samples):
    """The naive loop: every sample reruns the whole stack on its receptive field."""
    field = model.receptive_field
    with torch.inference_mode():
        condition = model.conditioning(torch.from_numpy(mel)[None], torch.tensor([speaker]))
        condition = torch.nn.functional.pad(condition, (0, 0, field - 1, 0))  # [L, 1, T, G]: step s at field - 1 + s
        wav = torch.zeros(1, field + samples)  # sample s at index field + s; silence before
        log_scale_min = model.config.output.log_scale_min
        for t in range(samples):
            # steps t - field + 1 .. t: their previous samples, their conditioning
            params = model.stack(wav[:, t : t + field], condition[:, :, t : t + field])
            wav[:, field + t] = mol_sample(params[:, -1:], log_scale_min=log_scale_min)[:, 0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="audio per utterance for the numba kernel")
    parser.add_argument("--baseline-seconds", type=float, default=0.01, help="audio timed for the PyTorch loop")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    spec = FeatureSpec()
    config = WaveNetConfig(conditioning=ConditioningConfig(n_mels=spec.n_mels, speakers=tuple(f"s{i}" for i in range(8))))
    assert config.hop_length == spec.hop_length
    torch.manual_seed(0)
    model = WaveNet(config).eval()
    generator = WaveNetGenerator(model)
    rng = np.random.default_rng(0)
    frames = round(args.seconds * spec.sample_rate / spec.hop_length)
    audio = frames * spec.hop_length / spec.sample_rate
    mels = [rng.normal(-5.0, 2.0, (frames, spec.n_mels)).astype(np.float32) for _ in range(4)]
    generator.generate([mels[0][:2]], [0])  # warm-up: numba cache load, allocator, thread pool

    rows = []  # (path, batch, audio seconds, (wall seconds, CPU seconds))
    baseline_samples = round(args.baseline_seconds * spec.sample_rate)
    times = best_time(lambda: torch_incremental(model, mels[0], 0, baseline_samples), 1)
    rows.append(("torch incremental", 1, baseline_samples / spec.sample_rate, times))
    for batch in (1, 4):
        times = best_time(lambda: generator.generate(mels[:batch], list(range(batch))), args.repeats)
        rows.append(("numba kernel", batch, batch * audio, times))
    times = best_time(lambda: generator.conditioning(mels[0], 0), args.repeats)
    rows.append(("  conditioning", 1, audio, times))

    stack = config.stack
    print(
        f"WaveNet generation: default config ({stack.layers} layers, kernel {stack.kernel_size}, residual "
        f"{stack.residual_channels}, gate {stack.gate_channels}, skip {stack.skip_channels}, output "
        f"{config.output.kind}), {spec.sample_rate} Hz, hop {spec.hop_length}, {len(config.conditioning.speakers)} speakers"
    )
    print(
        f"{platform.machine()}, {os.cpu_count()} CPUs, torch threads {torch.get_num_threads()}, OMP_WAIT_POLICY "
        f"{os.environ['OMP_WAIT_POLICY']}, load average {os.getloadavg()[0]:.1f}; torch timed on {baseline_samples} "
        "samples and extrapolated"
    )
    print(f"{'path':<18} {'batch':>5} {'audio s':>8} {'wall s':>8} {'RTF':>9} {'CPU RTF':>9} {'vs torch':>9}")
    baseline_rtf = rows[0][3][0] / rows[0][2]
    figures = {}
    for name, batch, seconds, (wall, cpu) in rows:
        rtf, cpu_rtf = wall / seconds, cpu / seconds
        key = "conditioning" if name.strip() == "conditioning" else f"{name.split()[0]}_b{batch}"
        figures[f"{key}_rtf"] = round(rtf, 4)
        figures[f"{key}_cpu_rtf"] = round(cpu_rtf, 4)
        print(f"{name:<18} {batch:>5} {seconds:>8.2f} {wall:>8.2f} {rtf:>9.3f} {cpu_rtf:>9.3f} {baseline_rtf / rtf:>8.0f}x")
    figures["machine"] = f"{platform.machine()} {os.cpu_count()} cpus, torch threads {torch.get_num_threads()}"
    print(json.dumps({"benchmark": "wavenet_generation", **figures}))


if __name__ == "__main__":
    main()
