"""The name tables (dastavez/resolve/names/*.yaml): consistent, complete, and documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from dastavez.model.types.name import fold
from dastavez.resolve.names import analyse_name, tables
from dastavez.resolve.names.phonetic import phonetic_key

TABLE_DIR = Path(tables.__file__).parent
DOCS = Path(__file__).resolve().parents[2] / "docs" / "names.md"


def _bad_table(monkeypatch: pytest.MonkeyPatch, name: str, content: dict[str, object]) -> None:
    real = tables._load
    monkeypatch.setattr(tables, "_load", lambda file: content if file == name else real(file))
    for loader in (tables.families, tables.titles, tables.particles, tables.letters):
        loader.cache_clear()


@pytest.fixture
def restore_tables():
    yield
    for loader in (tables.families, tables.titles, tables.particles, tables.letters):
        loader.cache_clear()


def test_every_table_loads():
    assert tables.families()["mohd"].canonical == "muhammad"
    assert tables.titles().leading[("مولانا",)] == "maulana"
    assert tables.particles().word_markers[("ولد",)] == "patronym"
    assert tables.particles().symbol_markers["s/o"] == "patronym"
    assert tables.letters().rules["ٹ"] == {"default": "t"}


@pytest.mark.parametrize(("content", "message"), [
    ({"a": {"variants": ["x"]}, "b": {"variants": ["x"]}}, "is in a and b"),
    ({"a": {"weight": 0, "variants": []}}, "weight"),
    ({"a": {"variants": ["no", False]}}, "list of words"),  # YAML's `no` read as a boolean
    ({"a": {"variants": ["two words"]}}, "more than one word"),
])
def test_a_broken_families_table_fails_loudly(monkeypatch, restore_tables, content, message):
    _bad_table(monkeypatch, "families.yaml", content)
    with pytest.raises(ValueError, match=message):
        tables.families()


def test_a_letter_without_a_default_fails_loudly(monkeypatch, restore_tables):
    _bad_table(monkeypatch, "letters.yaml", {"alphabets": {"x": {"letters": {"ب": {"initial": "b"}}}}})
    with pytest.raises(ValueError, match="default"):
        tables.letters()


@pytest.mark.parametrize("spelling", sorted(tables.families()))
def test_every_listed_spelling_reaches_its_family(spelling):
    assert analyse_name(spelling).canonical_tokens == (tables.families()[spelling].canonical,)


@pytest.mark.parametrize(("words", "title"), sorted(tables.titles().leading.items()))
def test_every_leading_title_is_set_aside(words, title):
    name = analyse_name(" ".join(words) + " Zarif Kakar")
    assert name.titles == (title,)
    assert name.tokens == ("zarif", "kakar")


def test_every_urdu_specific_letter_has_a_rule():
    rules = tables.letters().rules
    for letter in "ٹڈڑںھےیکگپچژ":
        assert letter in rules, letter
    # ۃ ي ك ه ة are made into Urdu letters by fold before the rules see them
    assert all(fold(letter) in rules for letter in "ۃيكهة")


@pytest.mark.parametrize(("spellings", "key"), [
    (("muhammad", "mohammad", "muhammed"), "MHMD"),
    (("baloch", "bloch", "baluch", "balouch"), "BLC"),
    (("hussain", "husain", "hussein"), "HSN"),
    (("rahman", "rehman"), "RHMN"),
    (("naseer", "nasir"), "NSR"),
    (("tariq", "tarik", "tareq"), "TRK"),
    (("naveed", "nawid"), "NWD"),
    (("butt", "bhat"), "BT"),
    (("chaudhry", "choudhary", "chaudhary"), "CDRI"),
    (("siddiqui", "siddiqi"), "SDKI"),
    (("fatima", "fatimah"), "FTMA"),
    (("yasir", "yasser"), "YSR"),
    (("alexander", "aleksandr"), "ALKSNDR"),
])
def test_phonetic_keys_join_spellings_by_ear(spellings, key):
    assert {phonetic_key(spelling) for spelling in spellings} == {key}


@pytest.mark.parametrize(("one", "other"), [("akram", "ikram"), ("umar", "amir"), ("hasni", "hasan")])
def test_phonetic_keys_keep_apart_what_differs_in_the_first_or_last_vowel(one, other):
    assert phonetic_key(one) != phonetic_key(other)


def test_the_docs_describe_every_table_and_the_api():
    text = DOCS.read_text(encoding="utf-8")
    for table in sorted(TABLE_DIR.glob("*.yaml")):
        assert f"`{table.name}`" in text, table.name
    for name in ("analyse_name", "compare_names", "name_score", "blocking_keys", "index_keys"):
        assert f"`{name}" in text, name
