"""analyse_name: a name taken apart. Every person named here is invented."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dastavez.resolve.names import analyse_name


def test_the_parts_of_a_plain_latin_name():
    name = analyse_name("  Muhammad Akram Baloch ")
    assert name.original == "Muhammad Akram Baloch"
    assert name.script == "Latn"
    assert name.latin == "muhammad akram baloch"
    assert name.tokens == ("muhammad", "akram", "baloch")
    assert name.canonical_tokens == ("muhammad", "akram", "baloch")
    assert name.phonetic == ("MHMD", "AKRM", "BLC")
    assert name.titles == () and name.kunya is None and name.laqab == () and name.patronym is None
    assert name.transliterable


def test_the_original_is_nfc_and_a_decomposed_input_analyses_the_same():
    composed = "Zarif Kakar Tanolí"
    decomposed = unicodedata.normalize("NFD", composed)
    assert analyse_name(decomposed).original == composed
    assert analyse_name(decomposed).tokens == analyse_name(composed).tokens == ("zarif", "kakar", "tanoli")


def test_urdu_script_is_transliterated_and_listed_spellings_get_their_vowels_back():
    name = analyse_name("محمد اکرم بلوچ")
    assert name.script == "Arab"
    assert name.latin == "muhammad akram baloch"
    assert name.canonical_tokens == ("muhammad", "akram", "baloch")


@pytest.mark.parametrize(("raw", "canonical"), [
    ("Mohd. Akram Bloch", ("muhammad", "akram", "baloch")),
    ("Md Akram Baluch", ("muhammad", "akram", "baloch")),
    ("Mohamed Zarif Husain", ("muhammad", "zarif", "hussain")),
    ("Abdul Rehman", ("abd", "rahman")),
    ("Abdur Rahman", ("abd", "rahman")),
    ("Abd al-Rahman", ("abd", "rahman")),
    ("Abd ar-Rahman", ("abd", "rahman")),
    ("Abdurrahman", ("abd", "rahman")),
    ("عبدالرحمن", ("abd", "rahman")),
    ("Nizam-ud-Din", ("nizam", "din")),
    ("Nizamuddin", ("nizam", "din")),
    ("Nur al-Din", ("noor", "din")),
    ("Saifullah", ("saif", "allah")),
    ("Saif Ullah", ("saif", "allah")),
    ("عبد الله", ("abd", "allah")),
    ("Abdullah", ("abd", "allah")),
])
def test_spelling_families_and_compounds(raw, canonical):
    assert analyse_name(raw).canonical_tokens == canonical


@pytest.mark.parametrize(("raw", "titles", "tokens"), [
    ("Maulana Abdul Rehman", ("maulana",), ("abdul", "rehman")),
    ("Molana Abdul Rehman", ("maulana",), ("abdul", "rehman")),
    ("مولانا عبدالرحمن", ("maulana",), ("abd", "rahman")),
    ("Haji Gul Khan", ("haji",), ("gul", "khan")),
    ("حاجی گل خان", ("haji",), ("gul", "khan")),
    ("Al-Haj Gul Zaman", ("haji",), ("gul", "zaman")),
    ("Sardar Zarif Kakar", ("sardar",), ("zarif", "kakar")),
    ("سردار ظریف کاکڑ", ("sardar",), ("zrif", "kakr")),
    ("Mir Zarif Rind", ("mir",), ("zarif", "rind")),
    ("Syed Sarmad Shah", ("syed",), ("sarmad", "shah")),
    ("Sayyid Sarmad Shah", ("syed",), ("sarmad", "shah")),
    ("Dr. Sabir Sasoli", ("dr",), ("sabir", "sasoli")),
    ("Mufti Qari Hafiz Sabir Gondal", ("mufti", "qari", "hafiz"), ("sabir", "gondal")),
    ("Sheikh Tauqeer Jatoi", ("sheikh",), ("tauqeer", "jatoi")),
    ("Pir Sarmad Sial", ("pir",), ("sarmad", "sial")),
    ("Mian Kaleem Dogar", ("mian",), ("kaleem", "dogar")),
    ("Cdr Tor Gul", ("commander",), ("tor", "gul")),
    ("Mullah Sabir", ("mullah",), ("sabir",)),
    ("Tor Gul Sahib", ("sahib",), ("tor", "gul")),
])
def test_titles_are_set_aside(raw, titles, tokens):
    name = analyse_name(raw)
    assert name.titles == titles
    assert name.tokens == tokens


def test_a_title_inside_or_at_the_end_is_a_family_name():
    assert analyse_name("Tauqeer Sheikh").tokens == ("tauqeer", "sheikh")
    assert analyse_name("Sheikh Tauqeer Sheikh").tokens == ("tauqeer", "sheikh")


def test_a_name_of_titles_only_is_kept_as_it_is():
    name = analyse_name("Qari Sahib")
    assert name.tokens == ("qari", "sahib")
    assert name.titles == ()


@pytest.mark.parametrize("raw", [
    "Akram Baloch s/o Nazir Ahmed", "Akram Baloch S/O Nazir Ahmed", "Akram Baloch s / o Nazir Ahmed",
    "Akram Baloch son of Nazir Ahmed", "Akram Baloch bin Nazir Ahmed", "Akram Baloch ibn Nazir Ahmed",
    "Akram Baloch walad Nazir Ahmed", "Akram Baloch wald Nazir Ahmed",
    "Akram Baloch s/o Nazir Ahmed r/o Mohalla Kohna, Sahargarh",
])
def test_the_patronym_is_parsed(raw):
    name = analyse_name(raw)
    assert name.tokens == ("akram", "baloch")
    assert name.patronym == "nazir ahmed"


def test_patronym_in_urdu_and_for_a_daughter():
    urdu = analyse_name("اکرم بلوچ ولد نذیر احمد")
    assert urdu.canonical_tokens == ("akram", "baloch")
    assert [p.canonical for p in urdu.patronym_parts] == ["nzir", "ahmad"]
    assert analyse_name("Nazia Bibi d/o Gul Zaman").patronym == "gul zaman"


def test_only_the_father_is_kept_from_a_chain_of_ancestors():
    assert analyse_name("Akram bin Nazir bin Yusuf").patronym == "nazir"


def test_a_marker_word_that_opens_the_name_is_part_of_it():
    name = analyse_name("Bin Yamin")
    assert name.tokens == ("bin", "yamin")
    assert name.patronym is None


def test_spouse_residence_and_aliases():
    name = analyse_name("Nazia Bibi w/o Gul Zaman r/o Sahargarh @ Baji")
    assert name.tokens == ("nazia", "bibi")
    assert name.spouse == "gul zaman"
    assert name.residence == "sahargarh"
    assert name.aliases == ("baji",)
    for raw in ("Akram urf Lala", "Akram alias Lala", "Akram a.k.a. Lala", "Akram @ Lala", "اکرم عرف لالہ"):
        assert analyse_name(raw).aliases in (("lala",), ("لالہ",)), raw
        assert len(analyse_name(raw).tokens) == 1


@pytest.mark.parametrize(("raw", "kunya", "laqab"), [
    ("Abu Hamza al-Fulani", "abu hamza", ("fulani",)),
    ("Abu Hamza", "abu hamza", ()),
    ("Abou Rayyan", "abu rayyan", ()),
    ("ابو ریان", "abu ryan", ()),
    ("Umm Tamim", "umm tamim", ()),
    ("Abu al-Fadl", "abu fadl", ()),
    ("Zarif al-Sharqi", None, ("sharqi",)),
    ("Zarif ash-Shami", None, ("shami",)),
    ("ظریف الفلانی", None, ("flani",)),
])
def test_kunya_and_laqab(raw, kunya, laqab):
    name = analyse_name(raw)
    assert name.kunya == kunya
    assert name.laqab == laqab


def test_kunya_and_laqab_words_carry_their_roles():
    roles = [(p.text, p.role) for p in analyse_name("Abu Hamza al-Fulani").parts]
    assert roles == [("abu", "kunya"), ("hamza", "kunya"), ("fulani", "laqab")]


def test_arabic_article_letters_that_begin_a_name_are_not_an_article():
    assert analyse_name("الطاف کاکڑ").canonical_tokens == ("altaf", "kakr")


@pytest.mark.parametrize(("word", "latin"), [
    ("بٹ", "bt"),  # ٹ retroflex t
    ("ڈوگر", "dogr"),  # ڈ retroflex d; و between consonants is a vowel
    ("کاکڑ", "kakr"),  # ڑ retroflex r, ک keheh
    ("ماموں", "mamon"),  # ں noon ghunna
    ("بھٹی", "bhti"),  # ھ the aspirate
    ("بڑے", "bre"),  # ے bari ye
    ("حیات", "hyat"),  # ی before a long vowel is y
    ("یاسر", "yasr"),  # ی at the start is y
    ("گوندل", "gondl"),  # گ
    ("پروین", "prwin"),  # پ; و before ی is w
    ("چاچا", "chacha"),  # چ
    ("ژالہ", "zhala"),  # ژ; ہ at the end after a consonant is a
    ("حمزۃ", "hmza"),  # ۃ folds to ہ
    ("جہانزیب", "jahanzib"),  # ہ after a consonant: not the aspirate jh
    ("رضیہ", "rzia"),  # the ending یہ
    ("جتوئی", "jtoi"),  # the ending وئی
    ("مُحَمَّد", "muhammad"),  # harakat and shadda dropped
    ("محـــمد", "muhammad"),  # tatweel dropped
    ("علي", "ali"),  # Arabic yeh read as Urdu's
    ("كريم", "krim"),  # Arabic kaf read as Urdu's
])
def test_urdu_letters_and_marks(word, latin):
    assert analyse_name(word).latin == latin


def test_apostrophes_inside_a_word_do_not_split_it():
    assert analyse_name("Sa'id Rind").tokens == analyse_name("Saʿīd Rind").tokens == ("said", "rind")


def test_scripts_without_rules_are_kept_as_written():
    name = analyse_name("李明")
    assert name.script == "Hani"
    assert not name.transliterable
    assert name.tokens == ("李明",)
    assert name.blocking_keys == frozenset({"w:李明"})


def test_blocking_keys_come_from_the_informative_words():
    name = analyse_name("Muhammad Akram Baloch")
    assert name.blocking_keys == {"p:KRM", "p:BLC"}  # not Muhammad's: half the registry has it
    assert name.index_keys == {"p:MHMD", "p:KRM", "p:BLC"}
    weak = analyse_name("B. Din Khan")  # only common words: look up the two best, not nothing
    assert weak.blocking_keys and weak.blocking_keys <= weak.index_keys


def test_analysis_is_cached():
    assert analyse_name("Zarif Kakar") is analyse_name("Zarif Kakar")


@given(st.text(max_size=60))
def test_any_text_analyses_without_error(text):
    name = analyse_name(text)
    assert len(name.tokens) == len(name.canonical_tokens) == len(name.phonetic) == len(name.parts)
    assert name.blocking_keys <= name.index_keys | {f"w:{p.key}" for p in name.parts}
