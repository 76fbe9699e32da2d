"""Synthesize LJSpeech- and VCTK-layout corpora from the system voices (flite, festival, espeak-ng).

No speech corpus can be downloaded in this workplace, so tests, recipes and the default voice train
on corpora read by the installed voices, in exactly the layout of the real ones. The prompts are
generated sentences ranked for diphone coverage; festival speakers also get reference word timings.
"""

from tts.corpora.bootstrap.build import bootstrap

__all__ = ["bootstrap"]
