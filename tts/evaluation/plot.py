"""A picture of a text-evaluation report: WER and DNSMOS OVRL as bars per vocoder, one bar per speaker."""

import numpy as np

from tts.atomic import atomic_path

PANELS = (  # figure, title, y range (None: up to the data; WER exceeds 1 with insertions)
    ("wer", "WER (lower is better)", (0, None)),
    ("dnsmos_ovrl", "DNSMOS OVRL (higher is better)", (1, 5)),
)


def plot_report(report, path):
    """Write a PNG of `report` (as `tts eval texts` builds it) to `path`."""
    from matplotlib.figure import Figure  # the optional [eval] extra; no pyplot, so no GUI backend

    vocoders = list(report["vocoders"])
    speakers = list(report["vocoders"][vocoders[0]]["speakers"])
    x, width = np.arange(len(vocoders)), 0.8 / len(speakers)
    figure = Figure(figsize=(4 + 1.5 * len(vocoders), 3 * len(PANELS)), layout="constrained")
    for axes, (key, title, limits) in zip(figure.subplots(len(PANELS), 1, squeeze=False)[:, 0], PANELS):
        for index, speaker in enumerate(speakers):
            values = [report["vocoders"][name]["speakers"][speaker][key] for name in vocoders]
            axes.bar(x + (index - (len(speakers) - 1) / 2) * width, values, width, label=speaker)
        axes.set_xticks(x, vocoders)
        axes.set_ylim(*limits)
        axes.set_title(title)
    axes.legend(title="speaker", fontsize="small")
    figure.suptitle(f"voice {report['voice']}: {len(report['texts'])} texts")
    with atomic_path(path) as temporary:
        figure.savefig(temporary, format="png", dpi=100)
