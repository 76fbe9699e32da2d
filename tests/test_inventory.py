import json
import re
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from frontends.g2p import G2P
from frontends.inventory import INVENTORY_VERSION, PAD, SPECIAL_SYMBOLS, Inventory, english_inventory
from frontends.ipa import attach_stress, split_ipa
from frontends.lexicon import Lexicon
from tts.errors import TTSError

WORDS_FILE = Path(__file__).parents[1] / "tts" / "corpora" / "bootstrap" / "words.txt"


def test_english_inventory_layout():
    inventory = english_inventory()
    assert inventory.version == INVENTORY_VERSION
    assert inventory.symbols[0] == PAD
    assert inventory.symbols[: len(SPECIAL_SYMBOLS)] == SPECIAL_SYMBOLS
    assert len(inventory) == len(set(inventory.symbols)) == 140
    for symbol in ("k", "æ", "ˈæ", "ˌæ", "tʃ", "dʒ", "aɪ", "ˈeɪ", "oʊ", "aʊ", "ˈɔɪ", "ɜː", "ɚ", "n̩", "əl"):
        assert symbol in inventory


def test_ids_skip_and_report_unknown_symbols():
    inventory = english_inventory()
    ids, unknown = inventory.ids(["k", "ʘ", "ˈæ", "t", "ʘ", "🙂", " "])
    assert ids.dtype == np.int64
    assert [inventory.symbols[i] for i in ids] == ["k", "ˈæ", "t", " "]
    assert unknown == Counter({"ʘ": 2, "🙂": 1})
    assert inventory.ids([])[0].shape == (0,)


def test_save_load_round_trip(tmp_path):
    inventory = english_inventory()
    inventory.save(tmp_path / "inventory.json")
    loaded = Inventory.load(tmp_path / "inventory.json", expected_version=INVENTORY_VERSION)
    assert loaded == inventory
    assert np.array_equal(loaded.ids(["h", "ə", "l", "ˈoʊ"])[0], inventory.ids(["h", "ə", "l", "ˈoʊ"])[0])


def test_version_and_format_are_checked(tmp_path):
    path = tmp_path / "inventory.json"
    Inventory((PAD, "a"), "custom-2").save(path)
    with pytest.raises(TTSError, match="version 'custom-2', expected 'en-us-espeak-1'"):
        Inventory.load(path, expected_version=INVENTORY_VERSION)
    path.write_text(json.dumps({"format": 99, "version": "x", "symbols": [PAD]}))
    with pytest.raises(TTSError, match="unsupported phoneme inventory format 99"):
        Inventory.load(path)
    path.write_text("{ not json")
    with pytest.raises(TTSError, match="cannot read phoneme inventory"):
        Inventory.load(path)


@pytest.mark.parametrize("symbols, message", [
    (("a", PAD), "first symbol must be the pad"),
    ((PAD, "a", "a"), "duplicate symbols"),
])
def test_malformed_inventories_are_refused(symbols, message):
    with pytest.raises(TTSError, match=message):
        Inventory(symbols, "bad")


@pytest.mark.parametrize("ipa, symbols", [
    ("tʃˈɜːtʃ", "tʃ ˈɜː tʃ"),
    ("bˈʌʔn̩", "b ˈʌ ʔ n̩"),
    ("ˌoʊkˈeɪ", "ˌoʊ k ˈeɪ"),
    ("kˈɑːɹ", "k ˈɑːɹ"),
    ("ˈææ", "ˈæ æ"),  # espeak sometimes prints a doubled vowel as one phone
    ("pʰa", "pʰ a"),
    ("ˈ", ""),  # dangling stress is dropped
    ("̩ə", "ə"),  # so is a diacritic with nothing before it
])
def test_split_ipa(ipa, symbols):
    assert split_ipa(ipa) == tuple(symbols.split())


def test_attach_stress_merges_standalone_marks():
    assert attach_stress(("h", "ˈ", "oʊ", "ˌ")) == ("h", "ˈoʊ")


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_inventory_covers_espeak_english():
    words = set(re.findall(r"[a-z]+", WORDS_FILE.read_text().lower()))
    words |= {"thousand", "rhythm", "button", "hour", "cure", "naïve", "résumé", "jalapeño", "1984", "3"}
    g2p = G2P(lexicon=Lexicon(), inventory=Inventory((PAD,), "empty"))  # report everything as unknown
    produced = Counter(s for symbols in g2p.word_phonemes(words).values() for s in symbols)
    assert len(words) > 800
    assert set(produced) - set(english_inventory().symbols) == set()
