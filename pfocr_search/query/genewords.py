"""Which words of a text query are also searched as gene symbols.

A plain query searches every configured field, the gene field included; but
OCR maps ordinary English words to genes (AND to ACAM, THE to TH, SET and CAN
are genes), so "role of the immune system" searched genes:THE and found
tyrosine hydroxylase.  A typed word reaches the gene field only when it is
written as a gene symbol is: with a digit (stat3, IL-6), with two capitals
(JAK, mTOR, NF-κB), or capitalised (Wnt, Akt) and known to the index as a
gene or family; never a stop word.  Words typed as ``genes:set`` are left as
written.
"""

from __future__ import annotations

import re
from typing import Callable

from whoosh.qparser import Plugin, syntax

from ..textkeys import normalize_symbol

GENES = "genes"
#: Digits or two capitals (STAT5A, MPAK1, TGFb): a word written as a gene symbol.
WRITTEN_AS_SYMBOL = re.compile(r"\d|[A-Z].*[A-Z]")


class GeneWordsPlugin(Plugin):
    """Keeps words not written as gene symbols out of the gene field (see the module)."""

    def __init__(self, is_stop: Callable[[str], bool], known_gene: Callable[[str], bool]) -> None:
        self.is_stop, self.known_gene = is_stop, known_gene

    def filters(self, parser):
        # Mark words before the multi-field plugin copies them to each field
        # (110); drop the gene-field copies of unmarked ones after it.
        return [(self.mark, 109), (self.drop, 111)]

    def gene_like(self, word: str) -> bool:
        if self.is_stop(word):
            return False
        if WRITTEN_AS_SYMBOL.search(word):
            return True
        return word[:1].isupper() and self.known_gene(normalize_symbol(word))

    def mark(self, parser, group):
        for node in group:
            if isinstance(node, syntax.GroupNode):
                self.mark(parser, node)
            elif type(node) is syntax.WordNode and node.fieldname is None:
                node.gene_like = self.gene_like(node.text)
        return group

    def drop(self, parser, group):
        group.nodes = [self.drop(parser, n) if isinstance(n, syntax.GroupNode) else n for n in group
                       if not (isinstance(n, syntax.WordNode) and n.fieldname == GENES
                               and getattr(n, "gene_like", True) is False)]
        return group
