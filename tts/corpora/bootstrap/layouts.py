"""Where each file goes in the real LJSpeech-1.1 and VCTK (0.92 / 0.80) layouts, and their index files."""

from dataclasses import dataclass

from tts.atomic import write_text_atomic
from tts.corpora.bootstrap.sentences import Sentence
from tts.corpora.bootstrap.voices import LJSPEECH_VOICE, VCTK_VOICES, Voice, vctk_speaker_id

VCTK_VERSIONS = ("0.92", "0.80")
LJSPEECH_CHAPTER = 100  # utterances per LJ0NN "chapter" id prefix
NO_AGE = "NA"  # synthetic voices have no age; a placeholder keeps the columns in place


@dataclass(frozen=True)
class Item:
    """One utterance to synthesize: who reads what, and where its audio goes (relative to the root)."""

    utt_id: str
    speaker: str
    voice: Voice
    sentence: Sentence
    audio: str
    sample_rate: int
    trim: bool


class LJSpeech:
    name = "ljspeech"
    version = "1.1"
    sample_rate = 22050

    def speakers(self):
        return [("LJ", LJSPEECH_VOICE)]

    def shared_count(self, per_speaker):
        return 0  # one reader: nothing to share

    def plan(self, assignments):
        items = []
        for speaker, voice, sentences in assignments:
            for n, sentence in enumerate(sentences):
                chapter, number = divmod(n, LJSPEECH_CHAPTER)
                utt_id = f"LJ{chapter + 1:03d}-{number + 1:04d}"
                items.append(Item(utt_id, speaker, voice, sentence, f"wavs/{utt_id}.wav", self.sample_rate, True))
        return items

    def write_index(self, root, items):
        # id|text as written|normalized text, no header, UTF-8: the real metadata.csv
        rows = "".join(f"{i.utt_id}|{i.sentence.text}|{i.sentence.normalized}\n" for i in items)
        write_text_atomic(root / "README", _readme("LJSpeech-1.1"))
        write_text_atomic(root / "metadata.csv", rows)


class VCTK:
    name = "vctk"
    sample_rate = 48000

    def __init__(self, version="0.92"):
        if version not in VCTK_VERSIONS:
            raise ValueError(f"unknown VCTK version {version!r}")
        self.version = version

    def speakers(self):
        return [(vctk_speaker_id(i), voice) for i, voice in enumerate(VCTK_VOICES)]

    def shared_count(self, per_speaker):
        """About a tenth of each speaker's prompts are read by everyone, as in VCTK (at least one)."""
        return max(1, per_speaker // 10) if per_speaker > 1 else 0

    def plan(self, assignments):
        items = []
        for speaker, voice, sentences in assignments:
            for n, sentence in enumerate(sentences):
                utt_id = f"{speaker}_{n + 1:03d}"
                if self.version == "0.92":
                    audio, trim = f"wav48_silence_trimmed/{speaker}/{utt_id}_mic1.flac", True
                else:
                    audio, trim = f"wav48/{speaker}/{utt_id}.wav", False
                items.append(Item(utt_id, speaker, voice, sentence, audio, self.sample_rate, trim))
        return items

    def write_index(self, root, items):
        # The prompts are written as spoken (numbers spelled out) so transcript and audio always agree.
        for item in items:
            write_text_atomic(root / "txt" / item.speaker / f"{item.utt_id}.txt", item.sentence.normalized + "\n")
        voices = dict((item.speaker, item.voice) for item in items)
        # 0.80 writes ids without the "p" and has no COMMENTS column; both end in a parenthesized
        # note, as VCTK's own comments are, so readers that drop "(...)" keep REGION clean.
        header = "ID  AGE  GENDER  ACCENTS  REGION" + ("  COMMENTS" if self.version == "0.92" else "")
        lines = [header]
        for speaker, voice in voices.items():
            shown = speaker if self.version == "0.92" else speaker.lstrip("p")
            lines.append(
                f"{shown}  {NO_AGE}  {voice.gender}    {voice.accent:<9}  {voice.region:<17} (synthetic: {voice.label})"
            )
        write_text_atomic(root / "README.txt", _readme(f"VCTK-Corpus-{self.version}"))
        write_text_atomic(root / "speaker-info.txt", "\n".join(lines) + "\n")


def make(layout, vctk_version="0.92"):
    return LJSpeech() if layout == "ljspeech" else VCTK(vctk_version)


def _readme(name):
    return (
        f"A synthetic corpus in the {name} layout, read by the system voices (flite, festival, espeak-ng)\n"
        "and built by `tts corpus bootstrap`. bootstrap_report.json lists the voice behind each speaker;\n"
        "alignments/ holds festival's own word timings for the festival speakers. There are no ages (NA).\n"
    )
