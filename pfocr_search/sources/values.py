"""Messy front-matter values as clean ones.

Real releases write ``NA`` and ``.na.character`` for missing values, years as
strings, strings where lists are expected, lists where text is expected, and
OCR words with stray punctuation.  Every value passes through here, so
nothing downstream has to care.
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any

from .model import union


class RecordError(ValueError):
    """A record file cannot be read; the message is the reason."""


# Spellings real releases use for "no value"; never indexed as text.
_MISSING = {"", "na", "n/a", "nan", "none", "null", ".na", ".na.character", "na_character_"}
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_LIST_SPLIT = re.compile(r"\s*[|;]\s*")
_YEAR = re.compile(r"^\s*(\d{4})")
# Terminal escape sequences (CSI, OSC) whole, then any other C0/C1 control:
# text from records reaches terminals and every output format.  Bidirectional
# overrides and isolates too, which reorder what a terminal shows ("Trojan
# Source"): removed, not spaced, as they stand inside words.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\\\)?|[\x00-\x08\x0b-\x1f\x7f-\x9f"
                      + _BIDI + "]")
_IS_BIDI = re.compile(f"[{_BIDI}]")
#: What one record's front matter may expand to, in characters of text: real
#: records hold a few KB; YAML aliases can make a few hundred bytes expand to
#: gigabytes (an "alias bomb").
MAX_EXPANDED_CHARS = 2_000_000


def strip_controls(text: str) -> str:
    """`text` without control characters and terminal escape sequences."""
    return _CONTROL.sub(_replacement, text)


def _replacement(found: re.Match) -> str:
    return "" if _IS_BIDI.match(found.group()) else " "


def check_expansion(data: Any, limit: int = MAX_EXPANDED_CHARS) -> None:
    """Raise RecordError if `data` (as loaded, aliases shared) holds more than
    `limit` characters of text once every alias is expanded.  Counted with
    each shared node's size remembered, so a bomb costs a walk over its few
    distinct nodes, not over its expansion."""
    sizes: dict[int, int] = {}

    def size(value: Any, depth: int) -> int:
        if isinstance(value, str):
            return len(value)
        if not isinstance(value, (list, dict)):
            return 8
        known = sizes.get(id(value))
        if known is not None:
            return known
        if depth > 100:
            raise RecordError("front matter nests more than 100 levels deep")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        total = 0
        for key, item in items:
            total += size(key, depth + 1) + size(item, depth + 1)
            if total > limit:
                break
        sizes[id(value)] = total
        return total

    if size(data, 0) > limit:
        raise RecordError(f"front matter expands to more than {limit:,} characters (YAML aliases?)")


def missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in _MISSING)


def text(value: Any, key: str) -> str:
    """A scalar front-matter value as clean one-paragraph text ("" if missing)."""
    if type(value) is str and len(value) <= _SHORT:
        return _short_text(value)
    if isinstance(value, list):
        return " ".join(t for t in (text(v, key) for v in value) if t)
    if isinstance(value, dict):
        raise RecordError(f"'{key}' should be text, got a mapping")
    if missing(value) or isinstance(value, bool):
        return ""
    return _one_paragraph(str(value))


def _one_paragraph(value: str) -> str:
    return " ".join(strip_controls(decoded_entities(value) if "&" in value else value).split())


def decoded_entities(value: str) -> str:
    """`value` with character entities as their characters: HTML's (``&amp;``,
    ``&#946;``, ``&beta;``) and the ISO 8879 Greek ones older PMC articles
    carry (``TGF-&bgr;``, ``IFN-&ggr;``, ``&mgr;M``), which had been indexed
    and shown as written, so that "TGF-β" never found them."""
    return _ENTITY.sub(lambda m: _ISO_GREEK.get(m.group(1)) or html.unescape(m.group(0)), value).replace("\u00ad", "")


#: ISO 8879's Greek entity names (ISOgrk1), small and capital letters.
_ISO_GREEK = {
    name: letter
    for small, letter in (("a", "α"), ("b", "β"), ("g", "γ"), ("d", "δ"), ("e", "ε"), ("z", "ζ"), ("ee", "η"),
                          ("th", "θ"), ("i", "ι"), ("k", "κ"), ("l", "λ"), ("m", "μ"), ("n", "ν"), ("x", "ξ"),
                          ("o", "ο"), ("p", "π"), ("r", "ρ"), ("s", "σ"), ("t", "τ"), ("u", "υ"), ("ph", "φ"),
                          ("kh", "χ"), ("ps", "ψ"), ("oh", "ω"))
    for name, letter in ((f"{small}gr", letter), (f"{small.upper()}gr", letter.upper()))
} | {"sfgr": "ς"}
#: An entity closed by its semicolon: HTML5's names that need none ("&not", "&deg", "&micro") are
#: words in "Wnt&notch", "synthesis&degradation", "mRNA&microRNA", and a soft hyphen (&shy;) is dropped.
_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


# Gene symbols, OCR words, sources and organism names repeat across records:
# a table of 30 genes is 150 values, most seen before (a fifth of reading a
# record went to cleaning them).  Captions are longer and rarely repeat.
_SHORT = 64


@functools.lru_cache(maxsize=1 << 16)
def _short_text(value: str) -> str:
    return "" if missing(value) else _one_paragraph(value)


def text_list(value: Any, key: str) -> tuple[str, ...]:
    """A list-ish value (list, or a string with | or ; separators) as clean items."""
    if isinstance(value, dict):
        raise RecordError(f"'{key}' should be a list, got a mapping")
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, (dict, list)):
            continue
        out.extend(p for p in (text(s, key) for s in _LIST_SPLIT.split(text(item, key))) if p)
    return union((), out)


def year(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if 1000 <= value <= 9999 else None
    match = _YEAR.match(str(value))
    return int(match.group(1)) if match else None


@functools.lru_cache(maxsize=1 << 16)
def clean_word(word: str) -> str:
    """An OCR word without the stray punctuation OCR leaves around it: '(STAT' -> 'STAT'."""
    return _EDGE_PUNCT.sub("", word.strip())


def identifier(value: Any) -> str | None:
    if missing(value) or isinstance(value, (dict, list, bool)):
        return None
    ident = str(value).strip()
    return ident[:-2] if ident.endswith(".0") else ident
