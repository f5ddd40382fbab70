"""'Did you mean': spelling suggestions from the index's own words and gene symbols."""

from __future__ import annotations

import re
from typing import Sequence

from whoosh.searching import Searcher

from ..config import IndexConfig

_WORD = re.compile(r"[^\W\d_][\w\-]*", re.UNICODE)
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
# Digits or two capitals: STTA5A, MPAK1, TGFb (spell these as genes first).
_GENE_LIKE = re.compile(r"\d|[A-Z].*[A-Z]")


def spelling_suggestions(searcher: Searcher, config: IndexConfig, text: str, resolve_gene) -> list[str]:
    """'Did you mean' for a query that found little: each word the index has
    never seen is replaced by the closest indexed word, or, for a word that
    looks like a gene symbol, by the symbol it resolves to."""
    fields = [n for n, f in config.fields.items() if f.analyzer != "gene" and n in searcher.schema]
    spelled = [n for n in fields if config.fields[n].spelling or config.fields[n].analyzer == "text"]
    changed = False
    out = []
    pos = 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        out.append(text[pos:match.start()])
        pos = match.end()
        if word in _OPERATORS or text[match.end():match.end() + 1] == ":" or _known(searcher, fields, word):
            out.append(word)
            continue
        if _GENE_LIKE.search(word):
            better = resolve_gene(word) or _closest_word(searcher, spelled, word)
        else:
            better = _closest_word(searcher, spelled, word) or resolve_gene(word)
        changed |= bool(better) and better.lower() != word.lower()
        out.append(better or word)
    out.append(text[pos:])
    return ["".join(out)] if changed else []


def _known(searcher: Searcher, fields: Sequence[str], word: str) -> bool:
    for name in (*fields, "genes"):
        if name not in searcher.schema:
            continue
        for term in searcher.schema[name].process_text(word, mode="query"):
            if searcher.doc_frequency(name, term):
                return True
    return False


def _closest_word(searcher: Searcher, fields: Sequence[str], word: str) -> str | None:
    best: tuple[int, str] | None = None
    folded = word.lower()
    for name in fields:
        for suggestion in searcher.suggest(name, folded, limit=1, maxdist=2, prefix=1):
            frequency = searcher.doc_frequency(searcher.schema[name].spelling_fieldname(name), suggestion) or 1
            if best is None or frequency > best[0]:
                best = (frequency, suggestion)
    return best[1] if best else None
