"""English words, so that a correct word the index lacks is not taken for a typo.

"worm" is not in an index of signalling figures, and the nearest word it
holds, "work", is another word, not what was meant; "why" had become "whd"
and "tell" the gene TEL2.  The words are those Webster's Second International
(1934, public domain; Unix's web2 list, as the english-words package ships it)
writes in lower case, so not names ("Chian" is a typo of "chain" here), of
three to eight letters: a longer word one slip from another is rare, and the
list stays small.  `english.words.xz` beside this module holds them, read on
the first query with a word the index lacks.

Most of web2's 76,085 such words are archaic or rare, and a typo can be one:
"whee", "upsteam", "cels" (of "cel"), "kepes", "yeats".  The 11,100 that
English text uses once in a million words or more (wordfreq's Zipf frequency
3; `bench/english_words.py`) are `english.common.xz`: a rare word is a slip of
a common one ("yeast") where spelling finds one (`spelling._slip_mended`).
"""

from __future__ import annotations

import lzma
from functools import lru_cache
from importlib import resources

#: A plural's endings (the lists have headwords: "worm", not "worms").
_PLURALS = ("s", "es")


@lru_cache(maxsize=2)
def _words(name: str = "english.words.xz") -> frozenset[str]:
    data = (resources.files(__package__) / name).read_bytes()
    return frozenset(lzma.decompress(data).decode("ascii").split())


def is_english(word: str, common: bool = False) -> bool:
    """Whether `word` (any case) is an English word or its plural: of web2,
    or, `common`, of the words English text uses (`english.common.xz`)."""
    lower = word.lower()
    if not lower.isalpha() or not lower.isascii():
        return False
    words = _words("english.common.xz" if common else "english.words.xz")
    return lower in words or any(lower.endswith(e) and lower[:-len(e)] in words for e in _PLURALS)
