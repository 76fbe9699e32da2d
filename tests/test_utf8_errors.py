"""Every reader of user text names the first byte that is not UTF-8 and where it is, in one form
(tts.errors.undecodable_byte): 'byte 0xe9 at offset 3'."""

import pytest

from tts.corpora.ljspeech import read_ljspeech
from tts.corpora.manifest import read_manifest
from tts.errors import TTSError, UsageError
from tts.texts import read_texts


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_texts_name_the_byte(tmp_path, bom):
    path = tmp_path / "texts.txt"
    path.write_bytes(bom + b"One.\ncaf\xe9\n")
    with pytest.raises(UsageError) as raised:
        read_texts(path)
    assert str(raised.value) == f"{path} is not valid UTF-8 (byte 0xe9 at offset {len(bom) + 8})"


def test_manifest_names_the_byte(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_bytes(b'{"id": "caf\xe9"}\n')
    with pytest.raises(TTSError) as raised:
        read_manifest(path)
    assert str(raised.value) == f"{path}: not UTF-8 (byte 0xe9 at offset 11)"


def test_ljspeech_metadata_names_the_byte(tmp_path):
    (tmp_path / "wavs").mkdir()
    (tmp_path / "metadata.csv").write_bytes(b"LJ001-0001|Caf\xe9|Cafe\n")
    with pytest.raises(TTSError) as raised:
        read_ljspeech(tmp_path)
    assert str(raised.value) == f"{tmp_path / 'metadata.csv'}: not UTF-8 (byte 0xe9 at offset 14); re-save it as UTF-8"
