"""Query words that name a topic by abbreviation also find its long form, and back.

A parser plugin over Whoosh's syntax tree, run before the multi-field plugin
spreads words over fields:

* a word that is an abbreviation the corpus defines (`mTOR`) becomes that
  word *or* the phrase of each long form ("mammalian target of rapamycin"),
  the phrase at the synonyms' weight shared out over its words (a phrase
  scores the sum of its words);
* a run of words that is a long form the corpus defines becomes, word by
  word, each word *or* the abbreviation, at the weight over the square root
  of the run's words: a figure that says only "mTOR" matches every word of
  the run (so word coordination does not push it down) and scores, in all,
  the weight times √n times what "mTOR" scores;
* a long form followed by "receptor" also stands for its abbreviation and
  R, as biology names a ligand's receptor ("vascular endothelial growth
  factor receptor": VEGF and VEGFR, which figures write as "VEGFR2");
* a run that is a virus's long form without "virus" ("hepatitis C") stands
  for its abbreviation (HCV) as the long form does.

Only words typed as plain words are expanded: fields (``figtitle:``),
phrases, operators and wildcards are left as written.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Callable

from whoosh.qparser import Plugin, syntax
from whoosh.qparser.plugins import PhrasePlugin

from ..curated import numbered_forms, with_curated
from ..synonyms import SynonymLookups, words_key
from .genewords import WRITTEN_AS_SYMBOL


class SynonymPlugin(Plugin):
    """Expands abbreviations and long forms the corpus defines (see the module)."""

    def __init__(self, table: Callable[[], SynonymLookups], weight: float, is_stop: Callable[[str], bool],
                 curated: float = 0.0, is_symbol: Callable[[str], bool] = lambda key: False) -> None:
        # The table is asked for when a query is parsed: a one-shot command
        # that searches fields by name only never loads it.
        self.lookup, self.weight, self.is_stop, self.curated = table, weight, is_stop, curated
        self.is_symbol = is_symbol

    @property
    def table(self) -> SynonymLookups:
        """The corpus's abbreviations, and the curated list's names at `curated` (see `curated`)."""
        return with_curated(self.lookup(), self.curated)

    def filters(self, parser):
        # After field names are attached (100), before words spread over fields (110).
        return [(self.do_synonyms, 105)]

    def do_synonyms(self, parser, group, top: bool = True):
        if top:  # what the last query parsed was expanded with, for explain
            self.used: list[str] = []
        # Spaces go now rather than at 500 (WhitespacePlugin): a long form is a run of words.
        nodes, out, i = [n for n in group if not isinstance(n, syntax.Whitespace)], [], 0
        while i < len(nodes):
            node = nodes[i]
            if isinstance(node, syntax.GroupNode):
                out.append(self.do_synonyms(parser, node, top=False))
                i += 1
                continue
            run, shorts = self.long_form_at(nodes, i)
            if shorts:
                words = [n for n in nodes[i:i + run] if not (_plain(n) and self.is_stop(n.text))]
                out += [self.or_short(n, shorts, len(words)) if n in words else n for n in nodes[i:i + run]]
                i += run
                continue
            out.append(self.or_long(node) if _plain(node) else node)
            i += 1
        group.nodes = out
        return group

    def long_form_at(self, nodes, start: int) -> tuple[int, list]:
        """The longest run of plain words from `start` that is a long form, and its abbreviations
        (in nodes: two words typed apart that figures write as one are one node, `typed`)."""
        words, ends = [], {}
        for count, node in enumerate(nodes[start:start + self.table.longest], 1):
            typed = _typed_words(node)
            if not typed:
                break
            words += typed
            ends[len(words)] = count
        for length in sorted(ends, reverse=True):
            shorts = self.table.short_forms(words[:length]) if length > 1 or self.joined(words[0]) else []
            if shorts:
                return ends[length], shorts + self.receptors(words[length:length + 1], shorts)
            shorts = self.viruses(words[:length]) or numbered_forms(self.table, words[:length])
            if shorts:
                return ends[length], shorts
        return 0, []

    def joined(self, word: str) -> bool:
        """Whether one typed word is a long form's words joined ("interleukin-6",
        "TNF-related"): parts of letters and digits, none of them an abbreviation."""
        return len(words_key(word)) > 1 and not self.table.long_forms(word)

    def viruses(self, words: list[str]) -> list:
        """A virus is named by its disease's name ("hepatitis C", "Zika") as
        often as in full ("hepatitis C virus"), which figures abbreviate
        (HCV): the words stand for the abbreviation of their "… virus"."""
        if words[-1].lower() in ("virus", "viruses") or (len(words) == 1 and self.table.long_forms(words[0])):
            return []
        return self.table.short_forms([*words, "virus"])

    @staticmethod
    def receptors(after: list[str], shorts: list) -> list:
        """Biology names a ligand's receptor by its abbreviation and R (VEGF:
        VEGFR, TNF: TNFR, FGF: FGFR): a long form followed by "receptor"
        also stands for that, which figures write for the receptor ("VEGFR2")."""
        if not after or after[0].lower() not in ("receptor", "receptors"):
            return []
        return [replace(s, text=s.text + "R", key=s.key + "r") for s in shorts
                if " " not in s.text and s.text[-1:].isupper() and s.text.isalnum()]

    def or_short(self, node, shorts, words: int):
        self.used += [f"{' '.join(_typed_words(node))} ~ {s.text}" for s in shorts]
        by_weight: dict[float, list] = {}
        for s in shorts:  # a curated name may be a phrase ("citric acid cycle" for "Krebs cycle")
            form = _at(syntax.WordNode(s.text), node) if s.weight is None else _form(s.text, node)
            by_weight.setdefault(self.weight if s.weight is None else s.weight, []).append(form)
        # The abbreviation stands for the whole run: found for each of its n words
        # at weight / √n, it counts weight · √n in all, between one word and the n
        # it replaces (at weight / n, "AMP-activated protein kinase" had ranked a
        # "protein kinase" figure over the AMPK ones; realworld nDCG@10, tuning half,
        # all 0.9445 -> 0.9453, topic 0.880 -> 0.883, typed 0.917 -> 0.918; test
        # half 0.9357 -> 0.9364, topic 0.878 -> 0.881; a weight · 1.5 or · 2
        # shared over the words read 0.9451 and 0.9453 on the tuning half).
        return Alternatives([node, *(Alternatives(alternatives, boost=weight / math.sqrt(words))
                                     for weight, alternatives in by_weight.items())])

    def or_long(self, node):
        # A stop word is no abbreviation: "ORs, olfactory receptors" had made "muscle or liver" an olfaction
        # query; nor is prose's own shorthand: "Wnt, Notch etc" had searched the electron transport chain.
        prose = node.text.lower() in PROSE_ABBREVIATIONS and not node.text.isupper()
        longs = [] if prose or self.is_stop(node.text) else self.table.long_forms(node.text)
        if node.text.isalnum() and WRITTEN_AS_SYMBOL.search(node.text) and self.is_symbol(node.text.upper()):
            # A gene symbol typed as the symbol is a gene query, which the gene field
            # answers from the figures' gene lists; the curated names of the gene
            # ("β-catenin" for CTNNB1) had lifted figures that only name it.  Written
            # otherwise ("IFN-gamma" for IFNG) it is a name, and expanded.
            longs = [s for s in longs if s.weight is None]
        if not longs:
            return node
        self.used += [f"{node.text} = {s.text}" for s in longs]
        phrases = [Alternatives([_phrase(s.text, node) if s.weight is None else _form(s.text, node)],
                                boost=(self.weight if s.weight is None else s.weight)
                                / max(1, len([w for w in s.text.split() if not self.is_stop(w)])))
                   for s in longs]
        return Alternatives([node, *phrases])


class Alternatives(syntax.OrGroup):
    """One query word and what else it may be written as: one slot of the
    query, never merged with its neighbours (word coordination counts slots)."""

    merging = False
    #: The words typed, where the slot stands for more than one ("micro rna").
    typed: tuple[str, ...] = ()


#: Latin shorthand that prose writes in lower case and captions define in upper
#: case for something else (ETC, the electron transport chain).
PROSE_ABBREVIATIONS = frozenset({"etc", "eg", "ie", "cf", "viz"})


def stop_word(schema, field: str = "caption") -> Callable[[str], bool]:
    """Whether a word is one the text fields drop (a stop word): such words take no synonyms."""
    if field not in schema:
        return lambda word: False
    analyzed = schema[field]
    return lambda word: not list(analyzed.process_text(word, mode="query"))


def _at(new, typed):
    """`new`, placed where the word it stands in for was typed (highlighting and errors use it)."""
    new.startchar, new.endchar = typed.startchar, typed.endchar
    return new


def _phrase(text: str, typed):
    return _at(PhrasePlugin.PhraseNode(text, typed.startchar or 0), typed)


def _form(text: str, typed):
    """A curated name where `typed` was: a phrase, or (one word: a symbol, ERβ) a `NameNode`."""
    return _phrase(text, typed) if len(text.split()) > 1 else _at(NameNode(text), typed)


class NameNode(syntax.WordNode):
    """A curated name of one word, read as a word typed except that a
    compound's parts are not sought alone: it is its parts in order or the
    word joined.  As typed words' were, "PD-1" had found Parkinson's disease
    (PD) figures for "programmed cell death protein 1", "SARS-CoV-2" plant
    SAR figures for "COVID-19", "IFN-α/β" any IFN for "type I interferon"."""

    def query(self, parser):
        parts = getattr(parser, "compound_parts", None)
        if parts is None:
            return super().query(parser)
        parser.compound_parts = 0
        try:
            return super().query(parser)
        finally:
            parser.compound_parts = parts


def _typed_words(node) -> list[str]:
    """The plain words a node stands for: a plain word's, or a slot's of words typed apart (`Alternatives.typed`)."""
    return [node.text] if _plain(node) else list(getattr(node, "typed", ()))


def _plain(node) -> bool:
    """A word typed as a word: not fielded, quoted, wildcarded or an operator."""
    return type(node) is syntax.WordNode and node.fieldname is None
