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
    # Latin letters drawn like Greek ones (FcɛRI, PPARɣ in real captions).
    "ɑ": "a", "ɛ": "e", "ɣ": "g", "ɩ": "i", "ʋ": "u", "ɸ": "f",
})
# A German sharp s stands for β where German does not put one: after a
# digit, a capital, a hyphen or at a word's start (IL-1ß, TGF-ẞ, GSK3ẞ, Aß,
# ß-catenin), not after a small letter (Weiße, groß).  Case-folded, it had
# been "ss": IL-1ß was IL1SS.
_SHARP_S_AS_BETA = re.compile(r"(?<![^\W\d_])[ßẞ]|(?<=[A-Z])[ßẞ]")
_SYMBOL_JUNK = re.compile(r"[\s\-_.\u2010-\u2015·']+")


def sharp_s_as_beta(text: str) -> str:
    """`text` with each sharp s that stands for β as β (see `_SHARP_S_AS_BETA`):
    before lower case, which would hide the capital before it."""
    return _SHARP_S_AS_BETA.sub("β", text) if "ß" in text or "ẞ" in text else text


@lru_cache(maxsize=1 << 18)
def fold_text(text: str) -> str:
    """Case-folded `text` with compatibility forms unified, accents dropped
    (ZÁP70 -> zap70) and Greek and Cyrillic look-alike letters as Latin ones."""
    if text.isascii():  # most words: nothing to decompose or fold beyond case
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", sharp_s_as_beta(text))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold().translate(_LETTER_FOLD)


#: Greek letters spelled out, and the Latin letter `fold_text` maps each to.
GREEK_NAMES = {"alpha": "a", "beta": "b", "gamma": "g", "delta": "d", "epsilon": "e", "kappa": "k",
                "theta": "q", "zeta": "z", "iota": "i", "lambda": "l", "sigma": "s", "omega": "w"}
# Spelled-out Greek letters where symbols carry them: HIF-1alpha, NF-kappaB,
# GSK3beta, PI3Kgamma, IKKbeta, and more than one, in the middle too:
# IkappaBalpha, alphavbeta3.  Before the first letter up to four letters, or
# a digit and at most one letter (microbiota and cytomegalovirus are words);
# between two letters at most three letters and a number (kappaB, alphaIIb);
# after the last only a number, or with kappa one letter (kappaB): alphabet,
# betaine, deltamethrin, kappaphycus and Tibetan are words.
#: A Greek letter spelled out, as a regular expression (the longest names first).
SPELLED_LETTER = "(?:" + "|".join(sorted(GREEK_NAMES, key=len, reverse=True)) + ")"
_SPELLED = re.compile(rf"(?P<pre>[a-z]{{0,4}}?|[a-z0-9]*\d[a-z]?)"
                      rf"(?P<letters>(?:{SPELLED_LETTER}[a-z]{{0,3}}\d*)*(?:{SPELLED_LETTER}|kappa[a-z])\d*)")
_NAME_AT = re.compile(SPELLED_LETTER)
# Two letters or more spelled with nothing else (alphabeta, gammadelta) are a
# word: folded, "alphabeta" was "ab", and "alphabeta T cells" found Aβ figures.
_NAMES_ONLY = re.compile(rf"{SPELLED_LETTER}{{2,}}\d*")
# A G protein's α subunit and its class letter, Gαq, Gαs, Gαi, spelled
# "Galphaq": a letter after the last spelled one is otherwise a word's.
#: A G protein α subunit's class after the α: q, s, i2, olf's o (as a pattern).
G_ALPHA_CLASS = r"[a-z]\d{0,2}"
_G_ALPHA = re.compile(rf"g(?P<name>alpha)(?P<class>{G_ALPHA_CLASS})")


def greek_letter(text: str) -> str | None:
    """The small Greek letter `text` is, spelled ("beta", "Mu") or written in
    any form (β, Β, and the symbol forms ϐ, ϰ, the micro sign µ); None for
    anything else (κB, "b")."""
    if len(text) > 1:
        try:
            return unicodedata.lookup(f"GREEK SMALL LETTER {text}")
        except KeyError:
            return None
    letter = unicodedata.normalize("NFKC", text).lower()
    return letter if "α" <= letter <= "ω" else None


def fold_greek_names(token: str) -> str:
    """Lower-case `token` with spelled-out Greek letters as the letters themselves
    ('beta' -> 'b', 'kappab' -> 'kb', 'gsk3beta' -> 'gsk3b', 'ikappabalpha' ->
    'ikba'), so spellings meet the Greek forms that `fold_text` maps to the same
    Latin letters."""
    subunit = _G_ALPHA.fullmatch(token)
    if subunit:
        return "g" + GREEK_NAMES[subunit.group("name")] + subunit.group("class")
    match = _SPELLED.fullmatch(token)
    if not match or (not match.group("pre") and _NAMES_ONLY.fullmatch(match.group("letters"))):
        return token
    return match.group("pre") + _NAME_AT.sub(lambda name: GREEK_NAMES[name.group()], match.group("letters"))


def join_letters(parts: list[str]) -> list[str]:
    """Word parts with letters written apart joined ("kappa B", folded k b, as
    kb): the query parser reads "factor kappa B" as "factor-κB", and "nuclear
    factor kappa B" had never met a long form spelled either way."""
    out: list[str] = []
    for part in parts:
        if len(part) == 1 and part.isalpha() and out and len(out[-1]) == 1 and out[-1].isalpha():
            out[-1] += part
        else:
            out.append(part)
    return out


def readable(text: str) -> str:
    """`text` with any lone surrogate (how Python holds a command-line byte that
    is not UTF-8) as U+FFFD: such a term had failed every lookup it reached
    (SQLite, the index's terms) with UnicodeEncodeError instead of finding nothing."""
    return _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


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
    "budding yeast": "saccharomyces cerevisiae",
    "fission yeast": "schizosaccharomyces pombe",
    "rice": "oryza sativa",
    "maize": "zea mays",
    "corn": "zea mays",
    "tomato": "solanum lycopersicum",
    "soybean": "glycine max",
    "wheat": "triticum aestivum",
    "barley": "hordeum vulgare",
    "potato": "solanum tuberosum",
    "tobacco": "nicotiana tabacum",
    "grapevine": "vitis vinifera",
    "grape": "vitis vinifera",
    "apple": "malus domestica",
    "cotton": "gossypium hirsutum",
    "dog": "canis lupus familiaris",
    "rabbit": "oryctolagus cuniculus",
    "rhesus macaque": "macaca mulatta",
    "sheep": "ovis aries",
    "horse": "equus caballus",
    "silkworm": "bombyx mori",
    "honey bee": "apis mellifera",
    "honeybee": "apis mellifera",
    "thale cress": "arabidopsis thaliana",
    "mouse-ear cress": "arabidopsis thaliana",
    "baker's yeast": "saccharomyces cerevisiae",
    "bakers yeast": "saccharomyces cerevisiae",
    "brewer's yeast": "saccharomyces cerevisiae",
    "house mouse": "mus musculus",
    "norway rat": "rattus norvegicus",
    "african clawed frog": "xenopus laevis",
    "cattle": "bos taurus",
}


def name_key(name: str) -> str:
    """A whole name (journal, organism) as one term: white space collapsed,
    case-folded, typographic apostrophes and hyphens as typed ("baker’s yeast", "mouse‐ear cress")."""
    return " ".join(name.translate(_TYPED).split()).casefold()


_TYPED = str.maketrans({c: "'" for c in "\u2018\u2019\u02bc\u2032"} | {c: "-" for c in "\u2010\u2011"})


# NCBI Gene, hence every `_data` genes table, names an organism by the strain
# whose genome it holds ("Saccharomyces cerevisiae S288C", "Pseudomonas
# aeruginosa PAO1", "Escherichia coli str. K-12 substr. MG1655"); records and
# users name the species.  A strain is its species' key, else a yeast filter
# misses every figure whose yeast genes come from a genes table.  A strain is
# a genus and epithet followed by a designation: a word with a capital or a
# digit beside letters (S288C, 3D7, K-12, 972h-), or a rank word (str., subsp.,
# pv., serovar).  Not a bare number: Human alphaherpesvirus 1 and 2 are two
# viruses; nor a virus's plain words (Severe acute respiratory syndrome ...).
_STRAIN = re.compile(r"([A-Za-z][a-z]+ [a-z]+) (?:\S*(?:[A-Z]|[A-Za-z]\S*\d|\d\S*[A-Za-z])"
                     r"|(?:str|strain|substr|subsp|ssp|pv|var|serovar|biovar|bv)\.?(?= |$))")


@lru_cache(maxsize=4096)
def organism_key(name: str) -> str:
    """The term for an organism, from a record's name or a name a user types
    ('Homo sapiens', 'human' -> 'homo sapiens'; a strain, 'Saccharomyces
    cerevisiae S288C', -> its species, 'saccharomyces cerevisiae')."""
    strain = _STRAIN.match(" ".join(name.split()))
    key = name_key(strain.group(1) if strain else name)
    return ORGANISM_NAMES.get(key, key)


def journal_key(name: str) -> str:
    """The term for a journal, from a record's name or a name a user types."""
    return name_key(name)


def display_organism(key: str) -> str:
    """An organism key as shown: scientific names start upper-case."""
    return key[:1].upper() + key[1:]
