"""Reading one PFOCR figure file, in either layout, into a `FigureRecord`.

Two layouts exist in the wild and a folder may mix them:

* *inline*: one Markdown file per figure whose YAML front matter lists the
  genes (``genes:`` with ``word``/``symbol``/``source``/``hgnc_symbol``/
  ``entrez``), as in earlier releases;
* *pfocr-database*: ``_figures/<figid>.md`` with no genes in the front matter,
  plus ``_data/<figid>-genes.tsv`` (one row per organism, OCR word and gene) and
  optionally ``-chemicals.tsv`` / ``-diseases.tsv``.

The layout is told by content (a ``genes`` key), never by folder name, since
older inline records also sit in ``_figures/`` folders.  The same figid in
both layouts becomes one record (`merge_records`).
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml
from yaml.nodes import ScalarNode

from ..fileio import UnreadableFile, read_limited
from . import values as v
from .model import DATABASE, INLINE, MERGED, Annotation, FigureRecord, Gene, ReadIssue, union
from .tsv import Table, TableError, read_table
from .values import RecordError
from .walked import WalkedFiles

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"


class _FrontMatterLoader(_Loader):  # type: ignore[misc, valid-type]
    """libyaml's safe loader, with plain text taken as text at once.

    Most scalars of a record are words that no implicit type (int, bool,
    null, float, date) can start with, and the loader resolved and then
    constructed each through several Python calls: a fifth of loading a
    record.  Anything else goes the loader's own way, so results are equal."""

    # (None: a resolver tried on every scalar, whatever its first character.)
    _TEXT_STARTS = frozenset() if None in _Loader.yaml_implicit_resolvers else \
        frozenset(map(chr, range(32, 0x3000))) - set(_Loader.yaml_implicit_resolvers)

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode and implicit[0] and value and value[0] in self._TEXT_STARTS:
            return _STR
        return super().resolve(kind, value, implicit)

    def construct_object(self, node, deep=False):
        if node.tag == _STR and node.__class__ is ScalarNode:
            return node.value
        return super().construct_object(node, deep)

#: Files larger than this are not figure records (a record is a few KB).
MAX_RECORD_BYTES = 8 * 1024 * 1024
#: Inline gene rows name human genes (HGNC symbols).
HGNC_ORGANISM = "Homo sapiens"
DATA_KINDS = ("genes", "chemicals", "diseases")


def split_front_matter(text: str) -> str:
    """The YAML between the first two ``---`` lines; raises RecordError if absent."""
    lines = text.lstrip("\ufeff").splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise RecordError("empty file")
    if lines[start].rstrip() != "---":
        raise RecordError("no YAML front matter (file does not start with '---')")
    for end in range(start + 1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            return "\n".join(lines[start + 1 : end])
    raise RecordError("front matter is not closed by a second '---' line")


def load_front_matter(path: Path) -> dict[str, Any]:
    try:
        raw = read_limited(path, MAX_RECORD_BYTES)
    except UnreadableFile as exc:
        raise RecordError(str(exc)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(f"not UTF-8 text (bad byte at offset {exc.start})") from None
    front = split_front_matter(text)  # its own reasons (no front matter, not closed), not YAML's
    try:
        data = yaml.load(front, Loader=_FrontMatterLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise RecordError(f"bad YAML front matter{where}: {problem}") from None
    except Exception as exc:  # noqa: BLE001 - a value its tag cannot build: !!int abc, a date 2023-02-30
        raise RecordError(f"bad YAML front matter: {type(exc).__name__}: {_one_line(exc)}") from None
    if not isinstance(data, dict):
        raise RecordError(f"front matter is not a mapping (got {type(data).__name__})")
    v.check_expansion(data)
    return data


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def _inline_genes(value: Any) -> list[Gene]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"'genes' should be a list, got {type(value).__name__}")
    genes = []
    for row in value:
        if not isinstance(row, dict):
            continue
        symbol = v.text(row.get("hgnc_symbol"), "genes.hgnc_symbol")
        if not symbol or v.missing(symbol):
            continue
        word = v.clean_word(v.text(row.get("word"), "genes.word"))
        source = v.text(row.get("source"), "genes.source")
        genes.append(Gene(symbol, v.identifier(row.get("entrez")), HGNC_ORGANISM,
                          (word,) if word else (), (source,) if source else ()))
    return genes


_TSV_GENE_COLUMNS = ("ncbigene_symbol", "organism_name", "word", "match", "source", "ncbigene_id")


def _tsv_genes(table: Table) -> list[Gene]:
    genes = []
    organisms: dict[str, str | None] = {}  # a file names a few organisms many times
    for symbol, organism, word, match, source, ident in table.columns(_TSV_GENE_COLUMNS):
        symbol = v.text(symbol, "ncbigene_symbol")
        if v.missing(symbol):
            continue
        if organism not in organisms:
            organisms[organism] = v.text(organism, "organism_name") or None
        words = union((), (v.clean_word(v.text(word, "word")), v.clean_word(v.text(match, "match"))))
        source = v.text(source, "source")
        genes.append(Gene(symbol, v.identifier(ident), organisms[organism], words,
                          (source,) if source and not v.missing(source) else ()))
    return genes


def _inline_annotations(value: Any, key: str) -> list[Annotation]:
    if not isinstance(value, list):
        return []
    out = []
    for row in value:
        if isinstance(row, str) and not v.missing(row):
            out.append(Annotation(v.text(row, key)))
        elif isinstance(row, dict):
            name = v.text(row.get("name"), key) or v.text(row.get("word"), key)
            ident = v.identifier(row.get("identifier"))
            source = v.text(row.get("source"), key).lower()
            if name:
                out.append(Annotation(name, (f"{source}:{ident}" if source else ident,) if ident else ()))
    return out


#: The columns a chemicals or diseases table names an entry by, the first given winning.
_ANNOTATION_NAMES = ("match", "name", "word")


def _tsv_annotations(table: Table) -> list[Annotation]:
    out = []
    for row in table.records():
        # The name matched in the figure, not ChEBI's systematic one: L-phenylalanine
        # had been shown (and searched) as (2S)-2-azaniumyl-3-phenylpropanoate.
        name = next((row[c] for c in _ANNOTATION_NAMES if not v.missing(row.get(c) or "")), "")
        if not name:
            continue
        ids = []
        for column, value in row.items():
            if column in _ANNOTATION_NAMES or v.missing(value):
                continue
            value = v.text(value, column)
            ids.append(value if ":" in value else f"{column}:{value}")
        out.append(Annotation(v.text(name, "name"), tuple(ids)))
    return out


def _merge_genes(genes: Iterable[Gene]) -> tuple[Gene, ...]:
    merged: dict[tuple[str, str | None], Gene] = {}
    for gene in genes:
        key = (gene.symbol, gene.organism)
        merged[key] = merged[key].merged(gene) if key in merged else gene
    return tuple(merged.values())


def _merge_annotations(items: Iterable[Annotation]) -> tuple[Annotation, ...]:
    merged: dict[str, Annotation] = {}
    for item in items:
        key = item.name.casefold()
        if key in merged:
            merged[key] = Annotation(merged[key].name, union(merged[key].ids, item.ids))
        else:
            merged[key] = item
    return tuple(merged.values())


def data_folders(md: str | Path) -> tuple[str, str, str]:
    """Where the `_data` tables of figure file `md` may be, in order:
    `_data/` beside `_figures/` (pfocr-database), `_data/` below, or beside it."""
    folder = os.path.dirname(os.path.abspath(md))
    sep = os.sep
    return (f"{os.path.dirname(folder)}{sep}_data", f"{folder}{sep}_data", folder)


def data_tables(md: str | Path, figid: str, data_files: WalkedFiles | None = None, *,
                to_read: bool = False) -> dict[str, list[str]]:
    """Every `<figid>-<kind>.tsv` of figure file `md` that exists, by kind, in
    the order of `data_folders` (the first is the one read).  Plain strings and
    one look at each folder: a no-change update asks this for every figure.

    A walk's listing is trusted to say a table is absent; `to_read` checks a
    listed one is a file still (a broken link or a pipe by a table's name, or
    a table gone since the walk, must not hide a real one further on)."""
    folders = data_folders(md)
    listed = [data_files is not None and data_files.settled(folder) for folder in folders]
    named = data_files.named if data_files is not None else {}
    found: dict[str, list[str]] = {}
    for kind in DATA_KINDS:
        name = f"{figid}-{kind}.tsv"
        seen_in = named.get(name, ())  # one look a kind, not a path built for each place
        for folder, settled in zip(folders, listed):
            if settled and folder not in seen_in:
                continue
            path = f"{folder}{os.sep}{name}"
            if (settled and not to_read) or os.path.isfile(path):
                found.setdefault(kind, []).append(path)
    return found


def _page_keywords(data: dict[str, Any]) -> tuple[str, ...]:
    """The `keywords` of the record's JSON-LD block (`schema-jsonld`, its page's
    schema.org Dataset): the names of the figure's genes, chemicals and
    diseases ("Low", "Indented", "Is", MAPK14 for fly and human genes), which
    had been read as the paper's keywords."""
    jsonld = data.get("schema-jsonld")
    try:  # a page's block, not the record's own data: a shape a release changes costs it, not the figure
        return v.text_list(jsonld.get("keywords"), "schema-jsonld.keywords") if isinstance(jsonld, dict) else ()
    except v.RecordError:
        return ()


# Figids name files (<figid>.md, <figid>-genes.tsv): no separators, no "..".
_BAD_FIGID = re.compile(r"[/\\\x00-\x1f]|\.\.|^\.")


def read_figure_file(path: str | Path, warnings: list[ReadIssue] | None = None, *,
                     data_files: WalkedFiles | None = None) -> FigureRecord:
    """Read one figure Markdown file (either layout) into a record.

    Raises `RecordError` with the reason when the file is not a readable
    record.  A `_data` TSV that cannot be read, or has rows that do not fit
    its header, is reported in `warnings` (kind "warning"); the record is
    read without what it could not use.  `data_files`, from a walk of the
    sources, says which tables exist without asking the file system.
    """
    path = Path(path)
    data = load_front_matter(path)
    if isinstance(data.get("figid"), list):  # two figids would have been indexed as one, joined
        raise RecordError("'figid' should be one identifier, got a list")
    figid = v.text(data.get("figid"), "figid")
    if not figid:
        raise RecordError("no figid in front matter")
    if _BAD_FIGID.search(figid):
        raise RecordError(f"figid {figid!r} is not an identifier (it has path characters)")
    layout = INLINE if "genes" in data else DATABASE
    genes = _inline_genes(data.get("genes"))
    chemicals = _inline_annotations(data.get("chemicals"), "chemicals")
    diseases = _inline_annotations(data.get("diseases"), "diseases")
    sources = [str(path)]
    readers: tuple[Callable[[Table], list], ...] = (_tsv_genes, _tsv_annotations, _tsv_annotations)
    tables = data_tables(path, figid, data_files, to_read=True)
    for kind, bucket, reader in zip(DATA_KINDS, (genes, chemicals, diseases), readers):
        tsv = Path(tables[kind][0]) if kind in tables else None
        table = _data_table(tsv, kind, warnings) if tsv is not None else None
        if table is not None:
            bucket.extend(reader(table))
            sources.append(str(tsv))
    genes_t = _merge_genes(genes)
    organisms = union(v.text_list(data.get("organisms"), "organisms"), (g.organism for g in genes_t if g.organism))
    abbrev = (v.text(data.get("journal_nlm_ta"), "journal_nlm_ta")
              or reftext_journal(v.text(data.get("reftext"), "reftext")))
    return FigureRecord(
        figid=figid,
        figtitle=v.text(data.get("figtitle"), "figtitle"),
        caption=v.text(data.get("caption"), "caption"),
        papertitle=v.text(data.get("papertitle"), "papertitle"),
        reftext=v.text(data.get("reftext"), "reftext"),
        year=v.year(data.get("year")),
        pmcid=v.text(data.get("pmcid"), "pmcid"),
        doi=v.text(data.get("doi"), "doi"),
        journal=v.text(data.get("journal_title"), "journal_title") or abbrev,
        journal_abbrev=abbrev,
        organisms=organisms,
        keywords=v.text_list(data.get("keywords"), "keywords"),
        page_keywords=_page_keywords(data),
        genes=genes_t,
        chemicals=_merge_annotations(chemicals),
        diseases=_merge_annotations(diseases),
        figlink=v.text(data.get("figlink"), "figlink"),
        filename=v.text(data.get("filename"), "filename"),
        figtype=v.text(data.get("figtype"), "figtype"),
        number=v.text(data.get("number"), "number"),
        layout=layout,
        sources=tuple(sources),
    )


#: The columns a `_data` table of each kind names its entries by, one of which it must have.
_NAMING_COLUMNS = {"genes": ("ncbigene_symbol",), "chemicals": _ANNOTATION_NAMES, "diseases": _ANNOTATION_NAMES}


def _data_table(path: Path, kind: str, warnings: list[ReadIssue] | None) -> Table | None:
    """A `_data` TSV, or None (with a warning) if it cannot be read or names
    nothing: a genes table without its symbol column had read as no genes."""
    problems = warnings if warnings is not None else []
    try:
        table = read_table(path)
    except TableError as exc:
        problems.append(ReadIssue(str(path), f"not used: {exc}", "warning"))
        return None
    naming = _NAMING_COLUMNS[kind]
    if table.rows and not set(naming) & set(table.header):
        problems.append(ReadIssue(str(path), f"not used: no {' or '.join(naming)} column in its header "
                                             f"({', '.join(table.header[:8])})", "warning"))
        return None
    if table.misfits:
        lines = ", ".join(map(str, table.misfits[:5])) + (" ..." if len(table.misfits) > 5 else "")
        problems.append(ReadIssue(str(path), f"{len(table.misfits)} row(s) with another number of cells "
                                             f"than the header of {len(table.header)} (line {lines})", "warning"))
    return table


def can_merge(a: FigureRecord, b: FigureRecord) -> bool:
    """Whether two records of one figid are its two layouts (else they clash)."""
    return a.layout != b.layout and MERGED not in (a.layout, b.layout)


# PMC's citation, as every reftext is written: "Wei Cao, et al. PLoS Biol.
# 2007 Oct;5(10):e248." or "Anthony J. Muslin. Clin Sci (Lond). ;115(7):..."
# (authors, the journal's NLM abbreviation, a date or none, then volume or
# the end).  The abbreviation has no full stop, comma, colon or semicolon;
# the authors have full stops only after initials and end in "et al" or a
# surname, so a citation without a journal ("Anthony J. Muslin. 2008;...")
# does not name "Muslin", nor one of another style ("J. Smith. J. Biol.
# Chem. ...") "Chem".
_CITATION = re.compile(r"(?P<authors>(?:[^.]|\b[A-Z]\.)+?(?:et al|[^\W\d_]{2}))\.\s+"
                       r"(?P<journal>[^\W\d_][^.,;:]*?)\.\s+"
                       r"(?:(?:[A-Z][a-z]+\s+)?\d{4}\b[^;:.]*)?\s*(?:[;:]|\.?\s*$)")


def reftext_journal(reftext: str) -> str:
    """The journal a citation names ("PLoS Biol"), or '' where it does not
    have PMC's shape: old-layout records name their journal only there."""
    match = _CITATION.match(reftext.strip())
    if not match or "et al" in match.group("journal"):
        return ""
    return match.group("journal").strip()


def merge_records(first: FigureRecord, second: FigureRecord) -> FigureRecord:
    """One record from the same figid in both layouts.

    Text fields come from the pfocr-database record (the current release);
    genes, chemicals, diseases, keywords (the paper's and the page's) and organisms from both.
    """
    base, other = (second, first) if second.layout == DATABASE and first.layout != DATABASE else (first, second)
    return replace(
        base,
        year=base.year or other.year,
        **{name: getattr(base, name) or getattr(other, name)
           for name in ("figtitle", "caption", "papertitle", "reftext", "pmcid", "doi", "journal",
                        "journal_abbrev", "figlink", "filename", "figtype", "number")},
        organisms=union(base.organisms, other.organisms),
        keywords=union(base.keywords, other.keywords),
        page_keywords=union(base.page_keywords, other.page_keywords),
        genes=_merge_genes((*base.genes, *other.genes)),
        chemicals=_merge_annotations((*base.chemicals, *other.chemicals)),
        diseases=_merge_annotations((*base.diseases, *other.diseases)),
        layout=MERGED,
        sources=union(base.sources, other.sources),
    )
