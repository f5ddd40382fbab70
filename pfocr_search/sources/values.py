"""Messy front-matter values as clean ones.

Real releases write ``NA`` and ``.na.character`` for missing values, years as
strings, strings where lists are expected, lists where text is expected, and
OCR words with stray punctuation.  Every value passes through here, so
nothing downstream has to care.
"""

from __future__ import annotations

import functools
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
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in _MISSING)


def text(value: Any, key: str) -> str:
    """A scalar front-matter value as clean one-paragraph text ("" if missing)."""
    if isinstance(value, list):
        return " ".join(t for t in (text(v, key) for v in value) if t)
    if isinstance(value, dict):
        raise RecordError(f"'{key}' should be text, got a mapping")
    if missing(value) or isinstance(value, bool):
        return ""
    return " ".join(_CONTROL.sub(" ", str(value)).split())


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
