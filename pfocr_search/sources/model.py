"""The data model of a PFOCR figure, as every other module sees it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Iterable

from .taxa import figure_taxa

INLINE = "inline"
DATABASE = "pfocr-database"
MERGED = "merged"


def pfocr_url(figid: str) -> str:
    """The figure's page on the PFOCR website."""
    return f"https://pfocr.wikipathways.org/figures/{figid}.html"


def union(a: tuple[str, ...], b: Iterable[str]) -> tuple[str, ...]:
    """`a` then the new non-empty items of `b`, in order, without repeats."""
    seen = dict.fromkeys(a)
    seen.update(dict.fromkeys(x for x in b if x))
    return tuple(seen)


@dataclass(frozen=True, slots=True)
class Gene:
    """A gene found by OCR in a figure, for one organism."""

    symbol: str
    ncbigene_id: str | None = None
    organism: str | None = None
    words: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def merged(self, other: "Gene") -> "Gene":
        return replace(
            self,
            ncbigene_id=self.ncbigene_id or other.ncbigene_id,
            words=union(self.words, other.words),
            sources=union(self.sources, other.sources),
        )


@dataclass(frozen=True, slots=True)
class Annotation:
    """A chemical or disease named in a figure, with its MeSH/ChEBI/DOID ids."""

    name: str
    ids: tuple[str, ...] = ()


@dataclass(slots=True)
class FigureRecord:
    """One PFOCR figure, normalised from either layout."""

    figid: str
    figtitle: str = ""
    caption: str = ""
    papertitle: str = ""
    reftext: str = ""
    year: int | None = None
    pmcid: str = ""
    doi: str = ""
    #: The journal's full title where the record names one, else its NLM abbreviation.
    journal: str = ""
    #: The journal's NLM abbreviation ("Front Immunol"), where the record names one.
    journal_abbrev: str = ""
    organisms: tuple[str, ...] = ()
    #: The paper's keywords.
    keywords: tuple[str, ...] = ()
    #: What the figure's PFOCR page lists as keywords for search engines (its
    #: JSON-LD block's): its genes', chemicals' and diseases' names.
    page_keywords: tuple[str, ...] = ()
    genes: tuple[Gene, ...] = ()
    chemicals: tuple[Annotation, ...] = ()
    diseases: tuple[Annotation, ...] = ()
    figlink: str = ""
    filename: str = ""
    figtype: str = ""
    number: str = ""
    layout: str = INLINE
    #: Every file this record was read from, the main Markdown file first.
    sources: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        return self.sources[0] if self.sources else ""

    @property
    def first_file(self) -> str:
        """The record's first figure file in sorted path order: what claims its figid (see `claims`)."""
        return min((s for s in self.sources if s.endswith(".md")), default=self.path)

    @property
    def journal_title(self) -> str:
        """The journal's full title, where the record names one."""
        return self.journal if self.journal != self.journal_abbrev else ""

    @property
    def gene_symbols(self) -> tuple[str, ...]:
        return union((), (g.symbol for g in self.genes))

    @property
    def url(self) -> str:
        """The figure's page at PMC (figlink is relative there)."""
        if not self.figlink:
            return ""
        return "https://www.ncbi.nlm.nih.gov/" + self.figlink.lstrip("/")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (genes and annotations as lists of dicts)."""
        # Hand-rolled rather than dataclasses.asdict, whose deep copies made
        # this a tenth of a build's time.
        data: dict[str, Any] = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["genes"] = [{"symbol": g.symbol, "ncbigene_id": g.ncbigene_id, "organism": g.organism,
                          "words": g.words, "sources": g.sources} for g in self.genes]
        for name in ("chemicals", "diseases"):
            data[name] = [{"name": a.name, "ids": a.ids} for a in data[name]]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "FigureRecord":
        values = dict(data)
        values["genes"] = tuple(Gene(**{**g, "words": tuple(g["words"]), "sources": tuple(g["sources"])})
                                for g in data.get("genes", ()))
        for name in ("chemicals", "diseases"):
            values[name] = tuple(Annotation(a["name"], tuple(a["ids"])) for a in data.get(name, ()))
        for name in ("organisms", "keywords", "page_keywords", "sources"):
            values[name] = tuple(data.get(name, ()))
        return cls(**values)

    def text_of(self, name: str) -> str:
        """The text indexed for the record field `name` (see config.TEXT_FIELDS)."""
        if name == "genes":
            return " ".join(self.gene_symbols)
        if name in ("chemicals", "diseases"):
            return "\n".join(" ".join((a.name, *a.ids)) for a in getattr(self, name))
        if name == "keywords":
            # With the page's, as ranking was measured: gene names typed in lower
            # case ("ldha", "crebB"), which the gene field is not asked for, find the
            # figures drawing the gene through them (realworld nDCG@10 without:
            # gene 0.995 -> 0.979 on the tuning half, 0.996 -> 0.974 on the test half).
            return "\n".join(union(self.keywords, self.page_keywords))
        if name == "lead":
            return lead_sentence(self.caption)
        if name == "taxa":
            return figure_taxa(g.organism for g in self.genes)
        return getattr(self, name)


#: Record text fields that are the start of another's, at the same positions.
PREFIX_OF = {"lead": "caption"}
#: Where a caption's first sentence ends: a full stop (not of "Fig.", "e.g.",
#: "vs." or a one-letter initial or panel label) before a capital or bracket.
#: The stop comes first and the look-behinds include it: written the other
#: way round, five look-behinds ran at every character of every caption.
_SENTENCE_END = re.compile(r"[.!?](?<!\bFig.)(?<!\be\.g.)(?<!\bi\.e.)(?<!\bvs.)(?<!\b[A-Za-z].)(?=\s+[A-Z(\[])")
#: A lead longer than this is a caption without sentences: keep its start.
LEAD_CHARS = 300
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")


def lead_sentence(caption: str) -> str:
    """A caption's first sentence: what the figure is about, where a title
    may be the paper's or missing.  A long one is cut at a space, never in a
    word ("signaling" cut to "signa" had been indexed as a word): its terms
    are then the caption's first terms, at the same positions."""
    end = _SENTENCE_END.search(caption)
    lead = caption[:end.start() + 1] if end else caption
    if len(lead) <= LEAD_CHARS:
        return lead
    space = _LAST_SPACE.search(lead, 0, LEAD_CHARS + 1)
    return lead[:space.start()] if space else ""


@dataclass(frozen=True, slots=True)
class ReadIssue:
    """A file that was not indexed (kind "skipped") or lost a figid clash ("conflict")."""

    path: str
    reason: str
    kind: str = "skipped"

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


Item = FigureRecord | ReadIssue
