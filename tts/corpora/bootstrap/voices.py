"""The system voices that play the corpus speakers, with the metadata VCTK's speaker-info asks for."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Voice:
    engine: str  # "flite", "festival" or "espeak-ng"
    name: str  # the engine's own voice name
    gender: str  # "F" or "M", as in VCTK's speaker-info.txt
    accent: str
    region: str

    @property
    def label(self):
        return f"{self.engine}/{self.name}"


# VCTK speakers p225, p226, ... in this order: the four flite voices, the two festival voices (the
# only ones with reference word timings) and two espeak-ng variants of different accent and gender.
VCTK_VOICES = (
    Voice("flite", "slt", "F", "American", "Pittsburgh"),
    Voice("flite", "rms", "M", "American", "Pittsburgh"),
    Voice("flite", "awb", "M", "Scottish", "Edinburgh"),
    Voice("flite", "kal16", "M", "American", "US"),
    Voice("festival", "kal_diphone", "M", "American", "US"),
    Voice("festival", "cmu_us_slt_arctic_hts", "F", "American", "Pittsburgh"),
    Voice("espeak-ng", "en-us", "M", "American", "US"),
    Voice("espeak-ng", "en-gb-x-rp+f3", "F", "English", "Southern England"),
)

# LJSpeech is one female US reader. Festival's HTS build of CMU ARCTIC slt is the best fit: it
# renders at 32 kHz (flite's voices are 16 kHz, so nothing above 8 kHz), its statistical-parametric
# speech is smoother than flite's and kal's diphones, and festival gives word timings for every clip.
LJSPEECH_VOICE = Voice("festival", "cmu_us_slt_arctic_hts", "F", "American", "Pittsburgh")


def vctk_speaker_id(index):
    """p225 for the first speaker, as in VCTK."""
    return f"p{225 + index}"
