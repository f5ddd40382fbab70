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
#: "p-ERK", "pERK" (a capital after the p), "phospho-AKT"; "c-Myc"; "CD8+".
_PHOSPHO = re.compile(r"(?:p-|p(?=[A-Z])|[Pp]hospho-?)(?P<protein>\w[\w/-]*)")
_CELLULAR = re.compile(r"c-(?P<protein>\w[\w/-]*)")
_MARKER = re.compile(r"(?P<protein>\w+)\+")
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
        # A protein's written forms first, before letters join their words (104) and
        # synonyms (105); mark words before the multi-field plugin copies them to each
        # field (110); drop the gene-field copies of unmarked ones after it.
        return [(self.proteins, 103), (self.mark, 109), (self.drop, 111)]

    def proteins(self, parser, group):
        """A protein as biologists write its states, read as the protein: phosphorylated,
        "p-ERK", "pERK1/2", "pSTAT3", "phospho-AKT" ("p-ERK" and "pERK" had been PERK,
        EIF2AK3, the ER-stress kinase; "pSTAT3" and "pSmad2" had found nothing); cellular,
        "c-Myc", "c-Jun" (no gene, where "Myc" is MYC); a marker's cells, "CD8+" (genes:CD8+
        had found 2 figures, CD8 4).  Only where the index knows the protein as a gene;
        "p" joined only before a capital ("PERK" is the kinase)."""
        for node in group:
            if isinstance(node, syntax.GroupNode):
                self.proteins(parser, node)
            elif type(node) is syntax.WordNode and node.fieldname is None and not _ION.fullmatch(node.text):
                node.text = self.protein_of(node.text) or node.text
        return group

    def protein_of(self, word: str) -> str | None:
        found = _PHOSPHO.fullmatch(word) or _CELLULAR.fullmatch(word) or _MARKER.fullmatch(word)
        return found["protein"] if found and self.names_protein(found["protein"]) else None

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
