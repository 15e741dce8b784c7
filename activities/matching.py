"""Keys that find the same participant written differently.

``name_key`` — the name as typed, ignoring case, spacing and diacritics: two records with the same
``name_key`` in the same organisation *are* the same person (an import row "matches existing").

``match_key`` — a coarser, phonetic key: Cyrillic transliterated to Latin, Uzbek and Russian
spellings of the same sounds merged (х/kh/h/x, ю/yu/iu/u, дж/j …), vowels inside a word dropped,
double letters single and the words sorted (so "Usmonov Alisher" is "Alisher Usmonov"). Two
records with the same ``match_key`` in the same organisation are *likely* the same person and are
shown to an officer, who decides and merges. The word's first letter and its final vowel are kept:
Usmonov and Usmonova (a man and a woman of one family) stay apart, and so do Karimov and Rahimov.

``duplicate_key`` is that rule's key, (organisation, match_key); the event page, the import and
the duplicates page all find likely duplicates through ``ParticipantQuerySet.likely_duplicates``.
"""

import re
import unicodedata

from anyascii import anyascii

VOWELS = set("aeiou")
# Applied in order, on lower-case Latin text. Multi-letter spellings of one sound become one
# letter; capitals are placeholders for sounds that have no single Latin letter.
SPELLINGS = [
    ("shch", "S"), ("sch", "S"), ("sh", "S"), ("dzh", "J"), ("dj", "J"), ("zh", "J"), ("j", "J"),
    ("ch", "C"), ("kh", "H"), ("gh", "G"), ("ph", "f"), ("x", "H"), ("h", "H"), ("q", "k"),
    ("ck", "k"), ("w", "v"), ("ts", "c"),
    # iotated vowels: ю yu iu ju, я ya ia ja, е ye, ё yo — the vowel alone
    ("yu", "u"), ("ya", "a"), ("yo", "o"), ("ye", "e"), ("yi", "i"),
    ("y", "i"),
]


def name_key(name: str) -> str:
    """Case, spacing and accents ignored; letters as typed otherwise."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())[:200]


def _word_key(word: str) -> str:
    for spelling, sound in SPELLINGS:
        word = word.replace(spelling, sound)
    if not word:
        return ""
    first, rest = word[0], word[1:]
    # A vowel at the start is one class (Ilyos / Elyos, Umid / Omid); a final vowel is kept,
    # a and e as one (Yusupova / Yusupove), since it tells Usmonova from Usmonov.
    final = rest[-1] if rest and rest[-1] in VOWELS else ""
    if final == "e":
        final = "a"
    body = "".join(ch for ch in rest if ch not in VOWELS)
    key = ("A" if first in VOWELS else first) + body + final
    # double letters single: Akhmeddov = Akhmedov
    return re.sub(r"(.)\1+", r"\1", key)


def match_key(name: str) -> str:
    """The phonetic key of a name (see the module's docstring)."""
    latin = anyascii(name or "").lower()
    words = re.findall(r"[a-z]+", latin.replace("'", "").replace("`", ""))
    keys = sorted(k for k in (_word_key(w) for w in words) if k)
    return " ".join(keys)[:200]


def duplicate_key(organisation_id: int | None, name: str) -> tuple[int | None, str]:
    """What two likely duplicates share: the organisation and the phonetic key of the name."""
    return organisation_id, match_key(name)
