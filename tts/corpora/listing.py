"""What a corpus reader returns: the utterances that pair a transcript with audio, and those that do not.

Every reader (LJSpeech, VCTK) produces one CorpusListing, so preflight and the manifest never need to
know which layout a corpus came in.
"""

from dataclasses import dataclass, field, replace
from pathlib import Path

# Codes for utterances that have only one half; they are listed and skipped, never decoded.
MISSING_AUDIO = "missing_audio"
MISSING_TEXT = "missing_text"


@dataclass(frozen=True)
class CorpusItem:
    id: str
    speaker: str
    text: str
    path: Path  # absolute path of the audio file
    text_error: str = ""  # why the transcript could not be read as written (preflight marks it bad)


@dataclass(frozen=True)
class Unpaired:
    id: str
    path: Path  # the audio that is missing (MISSING_AUDIO) or the audio that has no transcript
    code: str  # MISSING_AUDIO or MISSING_TEXT

    @property
    def message(self):
        if self.code == MISSING_AUDIO:
            return "transcript without audio: skipped"
        return "audio without transcript: skipped"


@dataclass(frozen=True)
class CorpusListing:
    layout: str
    root: Path
    items: tuple  # CorpusItem, sorted by id
    unpaired: tuple = ()  # Unpaired, sorted by id
    speakers: dict = field(default_factory=dict)  # speaker id -> {age, gender, accent, region} where known


def pair_up(layout, root, texts, audio, speakers=None):
    """Join transcripts with the audio files found on disk.

    `texts` maps id -> CorpusItem whose path is where its audio should be; `audio` maps id -> the audio
    file actually found. Ids on one side only become Unpaired entries.
    """
    items = tuple(replace(texts[key], path=audio[key]) for key in sorted(texts) if key in audio)
    unpaired = [Unpaired(key, texts[key].path, MISSING_AUDIO) for key in texts if key not in audio]
    unpaired += [Unpaired(key, audio[key], MISSING_TEXT) for key in audio if key not in texts]
    unpaired.sort(key=lambda entry: entry.id)
    return CorpusListing(layout, Path(root), items, tuple(unpaired), dict(speakers or {}))
