"""Vocoders: Utterance (mel, F0, phonemes, durations, speaker) -> waveform, the last stage of the flow.

    base.py       the Vocoder contract: name, needs, spec, render, load
    griffinlim/   phase reconstruction from the mel alone (the baseline), streaming too
    world/        parametric WORLD synthesis from the mel and F0
    lpc/          parametric linear prediction, the floor a neural excitation model has to beat
    wavenet/      the WaveNet: model, output distributions, training task, compiled incremental kernel
    concat/       concatenative unit selection: unit database, selection, joins, PSOLA

A vocoder, built-in or third-party, registers its Vocoder subclass under the entry-point group
`tts.vocoders` (pyproject.toml: `name = "package.module:Class"`); tts.registry finds it by name and
imports it only when asked for. Vocoders import only core types from tts/ and vocoders.base, never
each other (tests/test_architecture.py); signal processing two of them need lives in tts/.
"""
