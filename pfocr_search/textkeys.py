"""Text keys and folding: when two spellings are the same word.

One definition, used by the analyzers at index time and by every query-time
lookup, so what is indexed and what is asked for always meet:

* `fold_text`: case, accents, compatibility forms, Greek letters and the
  Cyrillic look-alikes OCR produces, as Latin letters (``NF-κB`` = ``NF-кB``
  = ``nf-kb``); `fold_greek_names` does the same for spelled-out letters
  (``kappaB`` = ``κB``).
* `normalize_symbol`: the key under which gene-symbol spellings meet.
* `organism_key` and `journal_key`: the terms organism and journal filters
  match, from the names users type and the names records hold.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Greek letters as they stand in gene symbols (PKCθ = PRKCQ, GSK3β = GSK3B),
# and Cyrillic letters that look like Latin ones (OCR and copy-paste produce
# NF-кB with a Cyrillic ka).  Lower-case only: callers case-fold first.
_LETTER_FOLD = str.maketrans({
    "α": "a", "β": "b", "γ": "g", "δ": "d", "ε": "e", "ϵ": "e", "ζ": "z", "η": "h",
    "θ": "q", "ϑ": "q", "ι": "i", "κ": "k", "ϰ": "k", "λ": "l", "μ": "m", "ν": "n",
    "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "u",
    "φ": "f", "ϕ": "f", "χ": "c", "ψ": "y", "ω": "w",
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
})
_SYMBOL_JUNK = re.compile(r"[\s\-_.\u2010-\u2015·']+")


@lru_cache(maxsize=1 << 18)
def fold_text(text: str) -> str:
    """Case-folded `text` with compatibility forms unified, accents dropped
    (ZÁP70 -> zap70) and Greek and Cyrillic look-alike letters as Latin ones."""
    if text.isascii():  # most words: nothing to decompose or fold beyond case
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold().translate(_LETTER_FOLD)


#: Greek letters spelled out, and the Latin letter `fold_text` maps each to.
GREEK_NAMES = {"alpha": "a", "beta": "b", "gamma": "g", "delta": "d", "epsilon": "e", "kappa": "k",
                "theta": "q", "zeta": "z", "iota": "i", "lambda": "l", "sigma": "s", "omega": "w"}
_NAMES = "|".join(sorted(GREEK_NAMES, key=len, reverse=True))
# A Greek letter spelled out, alone or where symbols carry one: HIF-1alpha,
# NF-kappaB, GSK3beta, TNFalpha, IFNgamma (prefix: up to 4 letters, or ending in a digit).
_SPELLED = re.compile(rf"^(?P<pre>[a-z]{{0,4}}|[a-z0-9]*\d)(?:(?P<name>{_NAMES})\d*|kappa[a-z]\d*)$")


def fold_greek_names(token: str) -> str:
    """Lower-case `token` with a spelled-out Greek letter as the letter itself
    ('beta' -> 'b', 'kappab' -> 'kb', 'gsk3beta' -> 'gsk3b'), so spellings
    meet the Greek forms that `fold_text` maps to the same Latin letter."""
    match = _SPELLED.match(token)
    if not match:
        return token
    pre = match.group("pre")
    name = match.group("name") or "kappa"
    return pre + GREEK_NAMES[name] + token[len(pre) + len(name):]


@lru_cache(maxsize=1 << 17)  # symbols repeat across figures; called per gene per record
def normalize_symbol(text: str) -> str:
    """The key under which gene-symbol spellings meet: upper-case, Greek and
    Cyrillic folded to Latin (spelled-out letters too: GSK3beta = GSK3β = GSK3B),
    hyphens, dots, underscores and spaces removed."""
    return fold_greek_names(_SYMBOL_JUNK.sub("", fold_text(text))).upper()


#: Common names people type for the organisms PFOCR covers.
ORGANISM_NAMES = {
    "human": "homo sapiens",
    "mouse": "mus musculus",
    "rat": "rattus norvegicus",
    "zebrafish": "danio rerio",
    "fly": "drosophila melanogaster",
    "fruit fly": "drosophila melanogaster",
    "drosophila": "drosophila melanogaster",
    "worm": "caenorhabditis elegans",
    "c. elegans": "caenorhabditis elegans",
    "yeast": "saccharomyces cerevisiae",
    "arabidopsis": "arabidopsis thaliana",
    "cow": "bos taurus",
    "chicken": "gallus gallus",
    "pig": "sus scrofa",
    "xenopus": "xenopus laevis",
}


def name_key(name: str) -> str:
    """A whole name (journal, organism) as one term: white space collapsed, case-folded."""
    return " ".join(name.split()).casefold()


@lru_cache(maxsize=4096)
def organism_key(name: str) -> str:
    """The term for an organism, from a record's name or a name a user types
    ('Homo sapiens', 'human' -> 'homo sapiens')."""
    key = name_key(name)
    return ORGANISM_NAMES.get(key, key)


def journal_key(name: str) -> str:
    """The term for a journal, from a record's name or a name a user types."""
    return name_key(name)


def display_organism(key: str) -> str:
    """An organism key as shown: scientific names start upper-case."""
    return key[:1].upper() + key[1:]
