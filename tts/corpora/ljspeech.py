"""LJSpeech-1.1 layout: `metadata.csv` (id|text|normalized text) and `wavs/<id>.wav`.

metadata.csv has no header and is not CSV-quoted: transcripts hold bare quotes (`"`), so lines are split
on `|` only. The normalized column (numbers and abbreviations spelled out) is the transcript used, as
in ESPnet and Coqui; a row without one falls back to the raw text. One speaker, "LJ".
"""

from pathlib import Path

from tts.corpora.listing import CorpusItem, pair_up
from tts.errors import TTSError, undecodable_byte

LAYOUT = "ljspeech"
SPEAKER = "LJ"


def is_ljspeech(root):
    return (root / "metadata.csv").is_file() and (root / "wavs").is_dir()


def read_ljspeech(root):
    root = Path(root).absolute()
    metadata = root / "metadata.csv"
    texts = {}
    for number, line in enumerate(_read_lines(metadata), start=1):
        if not line.strip():
            continue
        item = _parse_row(line, root, where=f"{metadata}:{number}")
        if item.id in texts:
            raise TTSError(f"{metadata}:{number}: duplicate id {item.id!r}; each row needs its own id")
        texts[item.id] = item
    audio = {path.stem: path for path in (root / "wavs").glob("*.wav")}
    return pair_up(LAYOUT, root, texts, audio)


def _read_lines(metadata):
    data = metadata.read_bytes()
    try:
        # utf-8-sig: an editor may have prepended a BOM, which would otherwise stick to the first id.
        return data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as error:
        raise TTSError(f"{metadata}: not UTF-8 ({undecodable_byte(error, data)}); re-save it as UTF-8") from None


def _parse_row(line, root, *, where):
    fields = line.split("|")
    if len(fields) not in (2, 3):
        raise TTSError(f"{where}: expected 'id|text|normalized text', found {len(fields)} '|'-separated fields")
    key = fields[0].strip()
    # The id becomes a file name: refuse anything that could point outside wavs/.
    if not key or key in (".", "..") or "/" in key or "\\" in key:
        raise TTSError(f"{where}: invalid id {key!r}; ids name files in wavs/ and cannot contain path separators")
    normalized = fields[2].strip() if len(fields) == 3 else ""
    text = normalized or fields[1].strip()
    return CorpusItem(id=key, speaker=SPEAKER, text=text, path=root / "wavs" / f"{key}.wav")
