"""Which words of a text query are also searched as gene symbols.

A plain query searches every configured field, the gene field included; but
OCR maps ordinary English words to genes (AND to ACAM, THE to TH, SET and CAN
are genes), so "role of the immune system" searched genes:THE and found
tyrosine hydroxylase.  A typed word reaches the gene field only when it is
written as a gene symbol is: with a digit (stat3, IL-6), with two capitals
(JAK, mTOR, NF-κB), or capitalised (Wnt, Akt) and known to the index as a
gene or family; never a stop word, an ion with its charge (Cl-), nor a
one-word name of a concept in the curated list (TCA, the cycle, which OCR
maps to GNAT2).  Words typed as
``genes:set`` are left as written.
"""

from __future__ import annotations

import re
from typing import Callable

from whoosh.qparser import Plugin, syntax

from ..config import SynonymsConfig
from ..engine.analysis import ION
from ..textkeys import normalize_symbol

GENES = "genes"
#: Digits or two capitals (STAT5A, MPAK1, TGFb): a word written as a gene symbol.
WRITTEN_AS_SYMBOL = re.compile(r"\d|[A-Z].*[A-Z]")
_ION = re.compile(ION)
#: "p-ERK", "pERK" (a capital after the p), "phospho-AKT", "phosphoAKT".
_PHOSPHO = re.compile(r"(?:p-|p(?=[A-Z])|[Pp]hospho-?)(?P<protein>\w[\w/-]*)")
#: A slashed member number ("ERK1/2", "Smad2/3"): the first member is what is looked up.
_SLASHED_NUMBERS = re.compile(r"(?:/\w+)+$")


class GeneWordsPlugin(Plugin):
    """Keeps words not written as gene symbols out of the gene field (see the module)."""

    def __init__(self, is_stop: Callable[[str], bool], known_gene: Callable[[str], bool],
                 synonyms: SynonymsConfig | None = None) -> None:
        """`synonyms.curated`: the curated list's weight (0: the list is not used, its concepts neither)."""
        from ..curated import concept_words
        from ..synonyms import short_key

        self.is_stop, self.known_gene = is_stop, known_gene
        concepts = concept_words() if synonyms is not None and synonyms.curated > 0 else frozenset()
        self.is_concept = lambda word: bool(concepts) and short_key(word) in concepts

    def filters(self, parser):
        # Phosphorylated forms first, before letters join their words (104) and synonyms
        # (105); mark words before the multi-field plugin copies them to each field (110);
        # drop the gene-field copies of unmarked ones after it.
        return [(self.unphosphorylated, 103), (self.mark, 109), (self.drop, 111)]

    def unphosphorylated(self, parser, group):
        """A phosphorylated protein as biologists write it, "p-ERK", "pERK1/2", "pSTAT3",
        "phospho-AKT", is the protein: "p-ERK" and "pERK" had been PERK (EIF2AK3, the
        ER-stress kinase), "pSTAT3" and "pSmad2" had found nothing.  Only before a gene
        the index knows, and "p" joined only before a capital ("PERK" is the kinase)."""
        for node in group:
            if isinstance(node, syntax.GroupNode):
                self.unphosphorylated(parser, node)
            elif type(node) is syntax.WordNode and node.fieldname is None:
                found = _PHOSPHO.fullmatch(node.text)
                if found and self.names_protein(found["protein"]):
                    node.text = found["protein"]
        return group

    def names_protein(self, word: str) -> bool:
        """Whether a gene the index knows is `word`, or its family without a member number
        ("ERK1/2": ERK1, or ERK)."""
        first = _SLASHED_NUMBERS.sub("", word)
        family = first.rstrip("0123456789")
        return any(len(name) > 1 and self.known_gene(normalize_symbol(name)) for name in {first, family})

    def gene_like(self, word: str) -> bool:
        # An ion with its charge is the ion: "Cl-" had searched genes:CL.
        if self.is_stop(word) or self.is_concept(word) or _ION.fullmatch(word):
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
            elif isinstance(node, syntax.WordNode) and node.fieldname is None:  # a synonym's curated name
                node.gene_like = not self.is_concept(node.text)
        return group

    def drop(self, parser, group):
        group.nodes = [self.drop(parser, n) if isinstance(n, syntax.GroupNode) else n for n in group
                       if not (isinstance(n, syntax.WordNode) and n.fieldname == GENES
                               and getattr(n, "gene_like", True) is False)]
        return group
