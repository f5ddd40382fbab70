"""English words, so that a correct word the index lacks is not taken for a typo.

"worm" is not in an index of signalling figures, and the nearest word it
holds, "work", is another word, not what was meant; "why" had become "whd"
and "tell" the gene TEL2.  The words are those Webster's Second International
(1934, public domain; Unix's web2 list, as the english-words package ships it)
writes in lower case, so not names ("Chian" is a typo of "chain" here), of
three to eight letters: a longer word one slip from another is rare, and the
list stays small.  `english.words.xz` beside this module holds them, read on
the first query with a word the index lacks.
"""

from __future__ import annotations

import lzma
from functools import lru_cache
from importlib import resources

#: A plural's endings (the list has headwords: "worm", not "worms").
_PLURALS = ("s", "es")


@lru_cache(maxsize=1)
def _words() -> frozenset[str]:
    data = (resources.files(__package__) / "english.words.xz").read_bytes()
    return frozenset(lzma.decompress(data).decode("ascii").split())


def is_english(word: str) -> bool:
    """Whether `word` (any case) is an English word or its plural."""
    lower = word.lower()
    if not lower.isalpha() or not lower.isascii():
        return False
    words = _words()
    return lower in words or any(lower.endswith(e) and lower[:-len(e)] in words for e in _PLURALS)
