"""VCTK layouts: transcripts in `txt/<speaker>/<id>.txt`, audio beside them under another folder.

- VCTK-Corpus-0.92: `wav48_silence_trimmed/<speaker>/<id>_mic1.flac` (48 kHz). Each utterance was
  recorded with two microphones; mic1 is used and mic2 ignored.
- VCTK-Corpus 0.80: `wav48/<speaker>/<id>.wav`.

Speaker folders are taken as found (0.92 has `s5` beside the `pXXX` speakers). In 0.92, p315 has audio
but no transcripts and a few transcripts have no audio; both are reported as unpaired, not errors.
"""

from pathlib import Path

from tts.corpora.listing import CorpusItem, pair_up
from tts.errors import undecodable_byte

# layout name -> (audio folder, suffix that follows the utterance id in an audio file name)
AUDIO = {
    "vctk-0.92": ("wav48_silence_trimmed", "_mic1.flac"),
    "vctk-0.80": ("wav48", ".wav"),
}


def is_vctk(root, layout):
    return (root / "txt").is_dir() and (root / AUDIO[layout][0]).is_dir()


def read_vctk(root, layout):
    root = Path(root).absolute()
    folder, suffix = AUDIO[layout]
    texts = {}
    for path in sorted((root / "txt").glob("*/*.txt")):
        speaker = path.parent.name
        audio_path = root / folder / speaker / f"{path.stem}{suffix}"
        text, error = _read_transcript(path, name=path.relative_to(root))
        texts[path.stem] = CorpusItem(path.stem, speaker, text, audio_path, error)
    audio = {path.name[: -len(suffix)]: path for path in (root / folder).glob(f"*/*{suffix}")}
    return pair_up(layout, root, texts, audio, read_speaker_info(root / "speaker-info.txt"))


def read_speaker_info(path):
    """Speaker id -> {age, gender, accent, region}; {} when the corpus has no speaker-info.txt.

    Columns are `ID AGE GENDER ACCENTS REGION COMMENTS`, separated by runs of spaces. REGION may be
    empty or several words; a parenthesized COMMENTS field such as "(mic2 files unavailable)" is dropped.
    0.80 writes ids without the `p` ("225"); they are returned as "p225" to match the folder names.
    """
    path = Path(path)
    if not path.is_file():
        return {}
    speakers = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        fields = line.split()
        if not fields or fields[0].upper() == "ID":
            continue
        speaker = f"p{fields[0]}" if fields[0].isdigit() else fields[0]
        info = {}
        if len(fields) > 1 and fields[1].isdigit():
            info["age"] = int(fields[1])
        if len(fields) > 2:
            info["gender"] = fields[2]
        if len(fields) > 3:
            info["accent"] = fields[3]
        region = " ".join(fields[4:]).split("(")[0].strip()
        if region:
            info["region"] = region
        speakers[speaker] = info
    return speakers


def _read_transcript(path, *, name):
    """(text, error): a transcript that is not UTF-8 is returned with its bad bytes replaced and an
    error naming the first, so preflight skips it instead of training on guessed (mojibake) text."""
    data = path.read_bytes()
    try:
        return " ".join(data.decode("utf-8").split()), ""
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        return " ".join(text.split()), f"{name} is not valid UTF-8 ({undecodable_byte(error)}); convert it with iconv -t UTF-8"
