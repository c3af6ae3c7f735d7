"""Seeded generator of fictional names, places and identifiers for the demo scenario.

The hard rule: the project's data never holds a real person's or a real organisation's
name. Given names and clan names here are common ones, and a full name is a random
combination of them. The tables were pruned so that no combination spells a well-known
person (militant, politician, officer, athlete, artist); a name is dropped here rather
than listed as a forbidden pairing, so that no real name appears in the code either.
Groups, companies, trusts, the province and its districts are invented. Only the
countries where leaders are "based abroad" are real, as ISO codes.

Every function draws only from the ``random.Random`` it is given, so the same seed gives
the same scenario. Tables are module-level tuples of ``(Latin, Urdu)`` pairs; nothing
heavy happens per call.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from functools import cache, lru_cache

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

Pair = tuple[str, str]

# --- people ---------------------------------------------------------------------------------

_MUHAMMAD: Pair = ("Muhammad", "محمد")

# fmt: off
MALE_GIVEN: tuple[Pair, ...] = (
    ("Akram", "اکرم"), ("Asif", "آصف"), ("Bilal", "بلال"), ("Danish", "دانش"), ("Farhan", "فرحان"),
    ("Fahad", "فہد"), ("Hamid", "حامد"), ("Haroon", "ہارون"), ("Hassan", "حسن"), ("Hussain", "حسین"),
    ("Kashif", "کاشف"), ("Naveed", "نوید"), ("Nadeem", "ندیم"), ("Noman", "نعمان"), ("Tariq", "طارق"),
    ("Tahir", "طاہر"), ("Waqas", "وقاص"), ("Waseem", "وسیم"), ("Yasir", "یاسر"), ("Zahid", "زاہد"),
    ("Zubair", "زبیر"), ("Zafar", "ظفر"), ("Adeel", "عدیل"), ("Arshad", "ارشد"), ("Ghafoor", "غفور"),
    ("Najeeb", "نجیب"), ("Rafiq", "رفیق"), ("Yaqoob", "یعقوب"), ("Ayaz", "ایاز"), ("Daud", "داؤد"),
    ("Naseer", "نصیر"), ("Zeeshan", "ذیشان"), ("Owais", "اویس"), ("Hamza", "حمزہ"), ("Talha", "طلحہ"),
    ("Umar", "عمر"), ("Shahzad", "شہزاد"), ("Aftab", "آفتاب"), ("Habib", "حبیب"), ("Ikram", "اکرام"),
    ("Khurram", "خرم"), ("Mazhar", "مظہر"), ("Mudassar", "مدثر"), ("Qaiser", "قیصر"), ("Saqib", "ثاقب"),
    ("Shafiq", "شفیق"), ("Tanveer", "تنویر"), ("Yasin", "یاسین"), ("Rauf", "رؤف"), ("Jahanzeb", "جہانزیب"),
    ("Ghazanfar", "غضنفر"), ("Ehtisham", "احتشام"), ("Muneer", "منیر"), ("Obaid", "عبید"), ("Waheed", "وحید"),
    ("Anees", "انیس"), ("Fareed", "فرید"), ("Sarmad", "سرمد"), ("Jawad", "جواد"), ("Kaleem", "کلیم"),
    ("Luqman", "لقمان"), ("Mateen", "متین"), ("Raheem", "رحیم"), ("Sabir", "صابر"), ("Tauqeer", "توقیر"),
)
"""Single given names, usable alone, after "Muhammad", or before a second name."""

_MALE_COMPOUND: tuple[Pair, ...] = (
    ("Abdul Wahid", "عبدالواحد"), ("Abdul Karim", "عبدالکریم"), ("Abdul Hameed", "عبدالحمید"),
    ("Abdul Sattar", "عبدالستار"), ("Abdul Jabbar", "عبدالجبار"), ("Abdul Rehman", "عبدالرحمن"),
    ("Ghulam Rasool", "غلام رسول"), ("Ghulam Nabi", "غلام نبی"), ("Noor Ahmed", "نور احمد"),
    ("Gul Zaman", "گل زمان"), ("Pir Bakhsh", "پیر بخش"), ("Khuda Bakhsh", "خدا بخش"),
    ("Allah Ditta", "اللہ دتہ"), ("Rahim Bakhsh", "رحیم بخش"),
)
"""Given names that are already two words and take no prefix."""

_SECOND_NAMES: tuple[Pair, ...] = (
    ("Hussain", "حسین"), ("Ahmed", "احمد"), ("Jan", "جان"), ("Zaman", "زمان"), ("Hayat", "حیات"),
    ("Bakhsh", "بخش"), ("Rehman", "رحمان"), ("Haider", "حیدر"), ("Mehboob", "محبوب"), ("Sultan", "سلطان"),
    ("Din", "دین"),
)
"""Second parts of a two-part given name, as in "Tariq Hussain"."""

FEMALE_GIVEN: tuple[Pair, ...] = (
    ("Fatima", "فاطمہ"), ("Zainab", "زینب"), ("Maryam", "مریم"), ("Rubina", "روبینہ"), ("Nasreen", "نسرین"),
    ("Shazia", "شازیہ"), ("Farzana", "فرزانہ"), ("Nargis", "نرگس"), ("Samina", "ثمینہ"), ("Kulsoom", "کلثوم"),
    ("Saima", "صائمہ"), ("Bilqees", "بلقیس"), ("Tahira", "طاہرہ"), ("Gulnaz", "گلناز"), ("Noreen", "نورین"),
    ("Shabana", "شبانہ"), ("Amina", "آمنہ"), ("Razia", "رضیہ"), ("Rashida", "رشیدہ"), ("Zubaida", "زبیدہ"),
    ("Parveen", "پروین"), ("Jamila", "جمیلہ"), ("Rehana", "ریحانہ"), ("Yasmeen", "یاسمین"),
    ("Hajra", "ہاجرہ"), ("Sakina", "سکینہ"),
)

FAMILY_NAMES: tuple[Pair, ...] = (
    ("Baloch", "بلوچ"), ("Khan", "خان"), ("Awan", "اعوان"), ("Butt", "بٹ"), ("Chaudhry", "چودھری"),
    ("Qureshi", "قریشی"), ("Siddiqui", "صدیقی"), ("Rajput", "راجپوت"),
    ("Jatoi", "جتوئی"), ("Lashari", "لاشاری"), ("Rind", "رند"), ("Magsi", "مگسی"), ("Kakar", "کاکڑ"),
    ("Achakzai", "اچکزئی"), ("Tareen", "ترین"), ("Yousafzai", "یوسفزئی"), ("Khattak", "خٹک"),
    ("Bangash", "بنگش"), ("Orakzai", "اورکزئی"), ("Shinwari", "شنواری"), ("Mohmand", "مہمند"),
    ("Sheikh", "شیخ"), ("Mughal", "مغل"), ("Gujjar", "گجر"), ("Arain", "آرائیں"), ("Jutt", "جٹ"),
    ("Bhatti", "بھٹی"), ("Sial", "سیال"), ("Gondal", "گوندل"), ("Dogar", "ڈوگر"),
    ("Soomro", "سومرو"), ("Khoso", "کھوسو"), ("Bukhari", "بخاری"), ("Kazmi", "کاظمی"), ("Jadoon", "جدون"),
    ("Tanoli", "تنولی"), ("Swati", "سواتی"), ("Satti", "ستی"), ("Kiyani", "کیانی"), ("Mirza", "مرزا"),
    ("Ansari", "انصاری"), ("Kasi", "کاسی"), ("Mandokhel", "مندوخیل"), ("Shahwani", "شاہوانی"),
    ("Bizenjo", "بزنجو"), ("Lehri", "لہڑی"), ("Sasoli", "ساسولی"), ("Dashti", "دشتی"), ("Gichki", "گچکی"),
    ("Kalmati", "کلمتی"), ("Buledi", "بلیدی"), ("Hasni", "حسنی"),
)

NOMS_DE_GUERRE: tuple[Pair, ...] = (
    # kunyas
    ("Abu Usaid", "ابو اسید"), ("Abu Rayyan", "ابو ریان"), ("Abu Mudassir", "ابو مدثر"),
    ("Abu Nabeel", "ابو نبیل"), ("Abu Tamim", "ابو تمیم"), ("Abu Shamil", "ابو شامل"),
    ("Abu Jarrah", "ابو جراح"), ("Abu Saifullah", "ابو سیف اللہ"), ("Abu Ziyad", "ابو زیاد"),
    ("Abu Asim", "ابو عاصم"), ("Abu Naufal", "ابو نوفل"), ("Abu Rumman", "ابو رمان"),
    ("Abu Hashir", "ابو حاشر"), ("Abu Sarim", "ابو صارم"),
    # laqabs and nicknames
    ("Ustad", "استاد"), ("Chhota Ustad", "چھوٹا استاد"), ("Qari Sahib", "قاری صاحب"),
    ("Maulvi Sahib", "مولوی صاحب"), ("Doctor Sahib", "ڈاکٹر صاحب"), ("Haji Sahib", "حاجی صاحب"),
    ("Commander Tor", "کمانڈر تور"), ("Engineer", "انجینئر"), ("Lala", "لالہ"), ("Kaka", "کاکا"),
    ("Tor Gul", "تور گل"), ("Spin Gul", "سپین گل"), ("Chacha", "چاچا"), ("Mamun", "ماموں"),
    ("Shikari", "شکاری"), ("Toofan", "طوفان"), ("Munshi", "منشی"), ("Kala Pahar", "کالا پہاڑ"),
    ("Sheru", "شیرو"), ("Dada", "دادا"),
)

FEMALE_NOMS_DE_GUERRE: tuple[Pair, ...] = (
    ("Umm Rayyan", "ام ریان"), ("Umm Tamim", "ام تمیم"), ("Umm Usaid", "ام اسید"), ("Baji", "باجی"),
    ("Apa Jan", "آپا جان"),
)

# fmt: on
_MALE_NOM_SHARE = 0.3
_FEMALE_NOM_SHARE = 0.15


@dataclass(frozen=True, slots=True)
class PersonName:
    """One fictional person's name, in Latin and Urdu script, with its variants."""

    given: str
    family: str
    father: str
    latin: str
    urdu: str
    aliases: tuple[str, ...]
    nom_de_guerre: str | None
    nom_de_guerre_urdu: str | None
    gender: str


def _join(first: Pair, second: Pair) -> Pair:
    return f"{first[0]} {second[0]}", f"{first[1]} {second[1]}"


# Every male given name, precomputed by form so that a draw is one choice, not string work.
_MUHAMMAD_FORMS: tuple[Pair, ...] = tuple(_join(_MUHAMMAD, name) for name in MALE_GIVEN)
_TWO_PART_FORMS: tuple[Pair, ...] = tuple(_join(a, b) for a in MALE_GIVEN for b in _SECOND_NAMES)
# (cumulative share, names): "Muhammad Akram" 30 %, "Tariq Hussain" 30 %, "Abdul Wahid" 10 %, "Akram" 30 %.
_MALE_FORMS: tuple[tuple[float, tuple[Pair, ...]], ...] = (
    (0.30, _MUHAMMAD_FORMS),
    (0.60, _TWO_PART_FORMS),
    (0.70, _MALE_COMPOUND),
    (1.00, MALE_GIVEN),
)


def _male_given(rng: random.Random) -> Pair:
    draw = rng.random()
    for share, forms in _MALE_FORMS:
        if draw < share:
            return rng.choice(forms)
    return rng.choice(MALE_GIVEN)


def person_name(rng: random.Random, *, female_share: float = 0.1) -> PersonName:
    """Draw one fictional person: a random given name, clan name and father's name."""
    if not 0.0 <= female_share <= 1.0:
        raise ValueError(f"female_share must lie in [0, 1], not {female_share}")
    female = rng.random() < female_share
    given = rng.choice(FEMALE_GIVEN) if female else _male_given(rng)
    family = rng.choice(FAMILY_NAMES)
    father = _join(_male_given(rng), family)
    latin, urdu = _join(given, family)
    aliases = tuple(spelling_variants(latin, rng, rng.randint(0, 3)))
    nom: Pair | None = None
    if rng.random() < (_FEMALE_NOM_SHARE if female else _MALE_NOM_SHARE):
        nom = rng.choice(FEMALE_NOMS_DE_GUERRE if female else NOMS_DE_GUERRE)
    return PersonName(
        given=given[0],
        family=family[0],
        father=father[0],
        latin=latin,
        urdu=urdu,
        aliases=aliases,
        nom_de_guerre=nom[0] if nom else None,
        nom_de_guerre_urdu=nom[1] if nom else None,
        gender="female" if female else "male",
    )


# --- spelling variants ----------------------------------------------------------------------

_JOIN_NEXT = "\0join"  # marker: write this token and the next as one word ("Abdulwahid")
_KEPT = frozenset({"Khan"})  # spelled the same in every transliteration

# fmt: off
_TOKEN_VARIANTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Muhammad", ("Mohammad", "Mohammed", "Muhammed", "Mohd.", "Md.", "Mhd")),
    ("Abdul", ("Abdel", "Abdal", "Abd-ul", "Abdool", _JOIN_NEXT)),
    ("Ghulam", ("Gulam", "Gh.")), ("Rasool", ("Rasul",)), ("Noor", ("Nur",)), ("Ahmed", ("Ahmad", "Ahmd")),
    ("Hussain", ("Husain", "Hussein", "Hosain")), ("Hassan", ("Hasan",)), ("Rehman", ("Rahman",)),
    ("Bakhsh", ("Baksh", "Bux")), ("Haider", ("Hyder", "Haidar")), ("Mehboob", ("Mahboob", "Mehbub")),
    ("Din", ("Deen",)), ("Jan", ("Jaan",)), ("Zaman", ("Zamaan",)), ("Hayat", ("Hyat",)),
    ("Baloch", ("Baluch", "Bloch", "Balooch", "Balouch")),
    ("Chaudhry", ("Chaudhary", "Chowdhury", "Ch.")), ("Qureshi", ("Quraishi", "Qureishi")),
    ("Sheikh", ("Shaikh", "Shaykh")), ("Yaqoob", ("Yaqub", "Yakub")), ("Daud", ("Dawood", "Dawud", "Daood")),
    ("Umar", ("Omar", "Omer")), ("Zubair", ("Zubayr", "Zobair")), ("Qaiser", ("Kaiser", "Qaisar")),
    ("Owais", ("Uwais", "Awais")), ("Obaid", ("Ubaid", "Obayd")), ("Haroon", ("Harun", "Haroun")),
    ("Hamza", ("Hamzah",)), ("Talha", ("Talhah",)), ("Yasir", ("Yasser", "Yassir")),
    ("Rauf", ("Raouf",)), ("Hamid", ("Hameed",)), ("Noman", ("Nauman", "Numan")), ("Fahad", ("Fahd",)),
    ("Waqas", ("Waqqas",)), ("Zafar", ("Zaffar", "Zafer")), ("Rafiq", ("Rafique", "Rafeeq")),
    ("Shafiq", ("Shafique", "Shafeeq")), ("Shahzad", ("Shehzad",)), ("Mudassar", ("Mudassir",)),
    ("Saqib", ("Saquib",)), ("Tanveer", ("Tanweer",)), ("Yasin", ("Yaseen", "Yassin")),
    ("Jahanzeb", ("Jahanzaib", "Jehanzeb")), ("Luqman", ("Lukman",)),
    ("Kiyani", ("Kayani", "Kiani")), ("Yousafzai", ("Yusufzai", "Yousufzai")), ("Bukhari", ("Bokhari",)),
    ("Mughal", ("Moghal",)), ("Mohmand", ("Momand",)), ("Butt", ("Bhat",)), ("Kakar", ("Kakkar",)),
    ("Jutt", ("Jatt", "Jat")), ("Achakzai", ("Achakzay",)), ("Orakzai", ("Orakzay",)),
    ("Bizenjo", ("Bezenjo",)),
    ("Fatima", ("Fatimah", "Fatma")), ("Zainab", ("Zaynab",)), ("Maryam", ("Mariam",)),
    ("Amina", ("Aamna", "Amna")), ("Parveen", ("Perveen",)),
    ("Rubina", ("Robina",)), ("Kulsoom", ("Kalsoom",)), ("Razia", ("Raziya",)), ("Hajra", ("Hajira",)),
    ("Zubaida", ("Zubeda",)), ("Shazia", ("Shaziya",)),
)
# fmt: on
_VARIANTS_BY_TOKEN = dict(_TOKEN_VARIANTS)

# Generic respellings: long vowels written short, doubled consonants written once, q as k.
_VOWEL_SHORTENINGS = (("ee", "i"), ("oo", "u"), ("aa", "a"))


def _generic_variants(token: str) -> list[str]:
    out = [token.replace(long, short) for long, short in _VOWEL_SHORTENINGS if long in token]
    for i in range(1, len(token)):
        if token[i] == token[i - 1] and token[i] not in "aeiou":
            out.append(token[:i] + token[i + 1 :])
    if "q" in token.lower() and "qu" not in token.lower():  # Tariq/Tarik, but not Siddiqui/Siddikui
        out.append(token.replace("q", "k").replace("Q", "K"))
    return out


@cache
def _alternatives(token: str) -> tuple[str, ...]:
    if token in _KEPT or token.endswith(".") or len(token) < 3:
        return ()
    found = dict.fromkeys([*_VARIANTS_BY_TOKEN.get(token, ()), *_generic_variants(token)])
    found.pop(token, None)
    return tuple(found)


def _render(tokens: list[str]) -> str:
    words: list[str] = []
    skip = False
    for i, token in enumerate(tokens):
        if skip:
            skip = False
        elif token == _JOIN_NEXT:
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            words.append("Abdul" + following.lower())
            skip = True
        else:
            words.append(token)
    return " ".join(words)


@lru_cache(maxsize=1 << 16)
def _slots(latin: str) -> tuple[tuple[str, ...], tuple[tuple[int, tuple[str, ...]], ...]]:
    """The words of ``latin`` and, for each word that can be respelled, its respellings."""
    tokens = tuple(latin.split())
    slots: list[tuple[int, tuple[str, ...]]] = []
    for i, token in enumerate(tokens):
        alternatives = _alternatives(token)
        if i == 0 and len(tokens) >= 3 and token not in _KEPT and not token.endswith("."):
            alternatives = (*alternatives, f"{token[0]}.")
        if alternatives:
            slots.append((i, alternatives))
    return tokens, tuple(slots)


def spelling_variants(latin: str, rng: random.Random, k: int) -> list[str]:
    """Up to ``k`` distinct realistic transliterations of ``latin``, none equal to it.

    Each variant respells one or two words (Muhammad/Mohd., Baloch/Bloch, Abdul/Abdel,
    long vowels shortened, the first name reduced to an initial); "Khan" is kept. Fewer
    than ``k`` come back when a name has few respellings.
    """
    tokens, slots = _slots(latin)
    if not slots or k <= 0:
        return []
    found: dict[str, None] = {}  # a dict, not a set: insertion order keeps the output deterministic
    for _ in range(4 * k + 8):
        if len(found) >= k:
            break
        changed = list(tokens)
        if len(slots) == 1 or rng.random() < 0.55:
            i, alternatives = rng.choice(slots)
            changed[i] = rng.choice(alternatives)
        else:
            for i, alternatives in rng.sample(slots, 2):
                changed[i] = rng.choice(alternatives)
        variant = _render(changed) if _JOIN_NEXT in changed else " ".join(changed)
        if variant != latin:
            found[variant] = None
    return list(found)


# --- organisations --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrgName:
    """One invented organisation."""

    latin: str
    urdu: str
    abbreviation: str
    former_names: tuple[str, ...]
    ideology_note: str


FICTIONAL_GROUPS: tuple[OrgName, ...] = (
    OrgName(
        latin="Dast-e-Kohsang",
        urdu="دست کوہسنگ",
        abbreviation="DK",
        former_names=("Kohsang Youth Circle",),
        ideology_note="Fictional armed separatist outfit that claims to speak for Kohsang district.",
    ),
    OrgName(
        latin="Shafaq Brigade",
        urdu="شفق بریگیڈ",
        abbreviation="SB",
        former_names=("Shafaq Study Circle",),
        ideology_note="Fictional sectarian militant network with cells in two districts.",
    ),
    OrgName(
        latin="Zarkand Revolutionary Committee",
        urdu="زرکند انقلابی کمیٹی",
        abbreviation="ZRC",
        former_names=("Zarkand Action Committee",),
        ideology_note="Fictional insurgent group led from abroad and funded through front companies.",
    ),
    OrgName(
        latin="Silent Chinar Network",
        urdu="خاموش چنار نیٹ ورک",
        abbreviation="SCN",
        former_names=(),
        ideology_note="Fictional facilitation network: transport, safe houses, money transfers.",
    ),
    OrgName(
        latin="Mehrdara Vanguard",
        urdu="مہردرہ ہراول",
        abbreviation="MV",
        former_names=("Mehrdara Vanguard Party",),
        ideology_note="Fictional splinter faction of the Zarkand Revolutionary Committee.",
    ),
)
"""The five fictional proscribed groups of the demo scenario."""

# fmt: off
_ORG_WORDS: tuple[Pair, ...] = (
    ("Chinar", "چنار"), ("Sitara", "ستارہ"), ("Baharan", "بہاراں"), ("Nakhlistan", "نخلستان"),
    ("Darya", "دریا"), ("Zaitoon", "زیتون"), ("Anaar", "انار"), ("Sabz Koh", "سبز کوہ"), ("Mehtab", "مہتاب"),
    ("Kehkashan", "کہکشاں"), ("Shabnam", "شبنم"), ("Gulrang", "گلرنگ"), ("Sunehra", "سنہرا"),
    ("Zamurrad", "زمرد"), ("Marjan", "مرجان"), ("Firoza", "فیروزہ"), ("Yaqoot", "یاقوت"),
    ("Abshar", "آبشار"), ("Sahil", "ساحل"), ("Pahari", "پہاڑی"), ("Chashma", "چشمہ"), ("Barkat", "برکت"),
)

# (kind, Urdu, note): what the organisation presents itself as.
_ORG_KINDS: tuple[tuple[str, str, str], ...] = (
    ("Traders", "ٹریڈرز", "front business"),
    ("Enterprises", "انٹرپرائزز", "front business"),
    ("Goods Transport Company", "گڈز ٹرانسپورٹ کمپنی", "front business"),
    ("Money Exchange", "منی ایکسچینج", "front business"),
    ("Builders", "بلڈرز", "front business"),
    ("Dry Fruit Company", "ڈرائی فروٹ کمپنی", "front business"),
    ("Travel and Tours", "ٹریول اینڈ ٹورز", "front business"),
    ("Mobile Centre", "موبائل سینٹر", "front business"),
    ("Livestock Company", "لائیو سٹاک کمپنی", "front business"),
    ("Welfare Trust", "ویلفیئر ٹرسٹ", "charity"),
    ("Relief Foundation", "ریلیف فاؤنڈیشن", "charity"),
    ("Ambulance Service", "ایمبولینس سروس", "charity"),
    ("Educational Trust", "ایجوکیشنل ٹرسٹ", "madrassa trust"),
    ("Madrassa Trust", "مدرسہ ٹرسٹ", "madrassa trust"),
)
# fmt: on


def org_name(rng: random.Random) -> OrgName:
    """Draw an invented front company, charity or madrassa trust, named after a fictional district."""
    district = rng.choice(DISTRICTS)
    word = rng.choice(_ORG_WORDS)
    kind, kind_urdu, note = rng.choice(_ORG_KINDS)
    latin = f"{district[0]} {word[0]} {kind}"
    former: tuple[str, ...] = ()
    if rng.random() < 0.3:
        same_role = [k for k, _, n in _ORG_KINDS if n == note and k != kind]
        former = (f"{district[0]} {word[0]} {rng.choice(same_role)}",)
    return OrgName(
        latin=latin,
        urdu=f"{district[1]} {word[1]} {kind_urdu}",
        abbreviation="".join(w[0] for w in latin.replace("-", " ").split() if w[0].isupper()),
        former_names=former,
        ideology_note=f"Fictional {note} in the demo scenario, registered in {district[0]} district.",
    )


# --- places ---------------------------------------------------------------------------------

PROVINCE = "Sarhadabad Province"
PROVINCE_URDU = "صوبہ سرحدآباد"

# fmt: off
DISTRICTS: tuple[Pair, ...] = (
    ("Sahargarh", "سحرگڑھ"), ("Kohsang", "کوہسنگ"), ("Zarkand", "زرکند"), ("Sangchar", "سنگچار"),
    ("Dasht-e-Nur", "دشت نور"), ("Gulzarkot", "گلزار کوٹ"), ("Mehrdara", "مہردرہ"), ("Barikand", "بریکند"),
    ("Spinkhwar", "سپین خوڑ"), ("Ahan Dara", "آہن درہ"),
)
"""The fictional districts of the province, (Latin, Urdu)."""

_STATION_KINDS = (
    "City", "Saddar", "Cantonment", "Civil Lines", "Satellite Town", "Industrial Area", "New Town",
    "Old City", "Airport", "Bypass",
)
# fmt: on
_DISTRICT_NAMES = frozenset(latin for latin, _ in DISTRICTS)


def police_station(rng: random.Random, district: str) -> str:
    """A police station of ``district`` (its Latin name), e.g. "Police Station Saddar, Kohsang"."""
    if district not in _DISTRICT_NAMES:
        raise ValueError(f"{district!r} is not a district of {PROVINCE}")
    return f"Police Station {rng.choice(_STATION_KINDS)}, {district}"


ABROAD_COUNTRIES: tuple[str, ...] = ("ae", "af", "ir", "gb", "de", "sa", "qa", "tr", "my", "om")
"""Where leaders of the scenario are based abroad: ISO 3166-1 alpha-2, lowercase."""


# --- identifiers ----------------------------------------------------------------------------


def cnic(rng: random.Random, *, gender: str | None = None) -> str:
    """A fictional CNIC "#####-#######-#"; the first digit (1-7) is the region, the last is odd for men."""
    last = rng.randrange(10)
    if gender == "male":
        last |= 1
    elif gender == "female":
        last &= ~1
    return f"{rng.randint(1, 7)}{rng.randrange(10**4):04d}-{rng.randrange(10**7):07d}-{last}"


def passport(rng: random.Random) -> str:
    """A fictional passport number: two letters and seven digits."""
    letters = rng.choice(string.ascii_uppercase) + rng.choice(string.ascii_uppercase)
    return f"{letters}{rng.randrange(10**7):07d}"


# 338 is the one code in 300-349 that libphonenumber's plan for Pakistan leaves unassigned.
_PK_MOBILE_PREFIXES: tuple[int, ...] = tuple(p for p in range(300, 350) if p != 338)


def pk_mobile(rng: random.Random) -> str:
    """A Pakistani mobile number in E.164, "+923XXXXXXXXX"."""
    return f"+92{rng.choice(_PK_MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"


_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_MAX_REDRAWS = 200


@cache
def _mobile_template(country: str) -> tuple[int, str, int, str]:
    """(calling code, kept leading digits, count of digits to randomise, the library's example)."""
    example = phonenumbers.example_number_for_type(country.upper(), PhoneNumberType.MOBILE)
    if example is None or example.country_code is None:
        raise ValueError(f"no mobile numbering plan known for country {country!r}")
    national = phonenumbers.national_significant_number(example)
    free = min(7, len(national) - 2)
    e164 = phonenumbers.format_number(example, PhoneNumberFormat.E164)
    return example.country_code, national[:-free], free, e164


def foreign_mobile(rng: random.Random, country: str) -> str:
    """A valid E.164 mobile number of ``country`` (ISO alpha-2), drawn around the library's example."""
    code, kept, free, example = _mobile_template(country.lower())
    for _ in range(_MAX_REDRAWS):
        number = phonenumbers.parse(f"+{code}{kept}{rng.randrange(10**free):0{free}d}")
        if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in _MOBILE_TYPES:
            return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return example  # unreachable for the countries above; the example itself is valid
