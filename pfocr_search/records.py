"""Reading PFOCR figure records.

Two layouts exist in the wild and a folder may mix them:

* *inline*: one Markdown file per figure whose YAML front matter lists the
  genes (``genes:`` with ``word``/``symbol``/``source``/``hgnc_symbol``/
  ``entrez``), as in earlier releases;
* *pfocr-database*: ``_figures/<figid>.md`` with no genes in the front matter,
  plus ``_data/<figid>-genes.tsv`` (one row per organism, OCR word and gene) and
  optionally ``-chemicals.tsv`` / ``-diseases.tsv``.

The layout is told by content (a ``genes`` key), never by folder name, since
older inline records also sit in ``_figures/`` folders.  The same figid in
both layouts becomes one record.  Real releases are messy (``NA`` and
``.na.character`` for missing values, years as strings, strings where lists
are expected, Greek and Cyrillic letters); all of that is normalised here so
that nothing downstream has to care.  A file that cannot be read becomes a
`ReadIssue` with its path and the reason; it never raises.
"""

from __future__ import annotations

import csv
import functools
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import yaml

from .errors import SourceError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Files larger than this are not figure records (a record is a few KB).
MAX_RECORD_BYTES = 8 * 1024 * 1024
INLINE = "inline"
DATABASE = "pfocr-database"
HGNC_ORGANISM = "Homo sapiens"

# Spellings real releases use for "no value"; never indexed as text.
_MISSING = {"", "na", "n/a", "nan", "none", "null", ".na", ".na.character", "na_character_"}
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_LIST_SPLIT = re.compile(r"\s*[|;]\s*")
_YEAR = re.compile(r"^\s*(\d{4})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
}


@functools.lru_cache(maxsize=4096)
def organism_key(name: str) -> str:
    """The indexed term for an organism name as a user types it."""
    key = " ".join(name.split()).casefold()
    return ORGANISM_NAMES.get(key, key)


class RecordError(ValueError):
    """A record file cannot be read; the message is the reason."""


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
            words=_union(self.words, other.words),
            sources=_union(self.sources, other.sources),
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
    journal: str = ""
    organisms: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
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
    def gene_symbols(self) -> tuple[str, ...]:
        return _union((), tuple(g.symbol for g in self.genes))

    @property
    def url(self) -> str:
        """The figure's page at PMC (figlink is relative there)."""
        if not self.figlink:
            return ""
        return "https://www.ncbi.nlm.nih.gov/" + self.figlink.lstrip("/")

    @property
    def pfocr_url(self) -> str:
        return f"https://pfocr.wikipathways.org/figures/{self.figid}.html"

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
        for name in ("organisms", "keywords", "sources"):
            values[name] = tuple(data.get(name, ()))
        return cls(**values)

    def text_of(self, name: str) -> str:
        """The text indexed for the record field `name` (see config.TEXT_FIELDS)."""
        if name == "genes":
            return " ".join(self.gene_symbols)
        if name in ("chemicals", "diseases"):
            return "\n".join(" ".join((a.name, *a.ids)) for a in getattr(self, name))
        if name == "keywords":
            return "\n".join(self.keywords)
        return getattr(self, name)


@dataclass(frozen=True, slots=True)
class ReadIssue:
    """A file that was not indexed (kind "skipped") or lost a figid clash ("conflict")."""

    path: str
    reason: str
    kind: str = "skipped"

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def _union(a: tuple[str, ...], b: Iterable[str]) -> tuple[str, ...]:
    seen = dict.fromkeys(a)
    seen.update(dict.fromkeys(x for x in b if x))
    return tuple(seen)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in _MISSING)


def _text(value: Any, key: str) -> str:
    """A scalar front-matter value as clean one-paragraph text ("" if missing)."""
    if isinstance(value, list):
        return " ".join(t for t in (_text(v, key) for v in value) if t)
    if isinstance(value, dict):
        raise RecordError(f"'{key}' should be text, got a mapping")
    if _missing(value) or isinstance(value, bool):
        return ""
    return " ".join(_CONTROL.sub(" ", str(value)).split())


def _text_list(value: Any, key: str) -> tuple[str, ...]:
    """A list-ish value (list, or a string with | or ; separators) as clean items."""
    if isinstance(value, dict):
        raise RecordError(f"'{key}' should be a list, got a mapping")
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, (dict, list)):
            continue
        out.extend(p for p in (_text(s, key) for s in _LIST_SPLIT.split(_text(item, key))) if p)
    return _union((), out)


def _year(value: Any) -> int | None:
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


def _id(value: Any) -> str | None:
    if _missing(value) or isinstance(value, (dict, list, bool)):
        return None
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") else text


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


def _load_front_matter(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > MAX_RECORD_BYTES:
            raise RecordError(f"too large for a figure record ({size / 1e6:.1f} MB)")
        raw = path.read_bytes()
    except OSError as exc:
        raise RecordError(f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(f"not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        data = yaml.load(split_front_matter(text), Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise RecordError(f"bad YAML front matter{where}: {problem}") from None
    if not isinstance(data, dict):
        raise RecordError(f"front matter is not a mapping (got {type(data).__name__})")
    return data


def _inline_genes(value: Any) -> list[Gene]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"'genes' should be a list, got {type(value).__name__}")
    genes = []
    for row in value:
        if not isinstance(row, dict):
            continue
        symbol = _text(row.get("hgnc_symbol"), "genes.hgnc_symbol")
        if not symbol or _missing(symbol):
            continue
        word = clean_word(_text(row.get("word"), "genes.word"))
        source = _text(row.get("source"), "genes.source")
        genes.append(Gene(symbol, _id(row.get("entrez")), HGNC_ORGANISM,
                          (word,) if word else (), (source,) if source else ()))
    return genes


def _read_tsv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh, delimiter="\t"))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RecordError(f"cannot read {path.name}: {exc}") from None


_TSV_GENE_COLUMNS = ("ncbigene_symbol", "organism_name", "word", "match", "source", "ncbigene_id")


def _tsv_genes(path: Path) -> list[Gene]:
    genes = []
    organisms: dict[str, str | None] = {}  # a file names a few organisms many times
    for symbol, organism, word, match, source, ident in _tsv_columns(path, _TSV_GENE_COLUMNS):
        symbol = symbol.strip()
        if _missing(symbol):
            continue
        if organism not in organisms:
            organisms[organism] = _text(organism, "organism_name") or None
        words = _union((), (clean_word(word), clean_word(match)))
        source = source.strip()
        genes.append(Gene(symbol, _id(ident), organisms[organism], words,
                          (source,) if source and not _missing(source) else ()))
    return genes


def _tsv_columns(path: Path, names: Sequence[str]) -> list[tuple[str, ...]]:
    """The named columns of a TSV's rows ("" where a column or cell is absent)."""
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = csv.reader(fh, delimiter="\t")
            header = next(rows, [])
            where = [header.index(name) if name in header else None for name in names]
            return [tuple(row[i] if i is not None and i < len(row) else "" for i in where) for row in rows if row]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RecordError(f"cannot read {path.name}: {exc}") from None


def _inline_annotations(value: Any, key: str) -> list[Annotation]:
    if not isinstance(value, list):
        return []
    out = []
    for row in value:
        if isinstance(row, str) and not _missing(row):
            out.append(Annotation(_text(row, key)))
        elif isinstance(row, dict):
            name = _text(row.get("name"), key) or _text(row.get("word"), key)
            ident = _id(row.get("identifier"))
            source = _text(row.get("source"), key).lower()
            if name:
                out.append(Annotation(name, (f"{source}:{ident}" if source else ident,) if ident else ()))
    return out


def _tsv_annotations(path: Path) -> list[Annotation]:
    out = []
    for row in _read_tsv(path):
        name = row.get("name") or ""
        name = name if not _missing(name) else (row.get("word") or "")
        if _missing(name):
            continue
        ids = []
        for column, value in row.items():
            if column in ("word", "match", "name") or column is None or _missing(value):
                continue
            value = value.strip()
            ids.append(value if ":" in value else f"{column}:{value}")
        out.append(Annotation(_text(name, "name"), tuple(ids)))
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
            merged[key] = Annotation(merged[key].name, _union(merged[key].ids, item.ids))
        else:
            merged[key] = item
    return tuple(merged.values())


DATA_KINDS = ("genes", "chemicals", "diseases")


def data_candidates(md: str | Path, figid: str, kind: str) -> tuple[str, str, str]:
    """Where the `<figid>-<kind>.tsv` of figure file `md` may be, in order:
    `_data/` beside `_figures/` (pfocr-database), `_data/` below, or beside it.
    (Plain strings: a no-change update asks this nine times per figure.)"""
    name = f"{figid}-{kind}.tsv"
    folder = os.path.dirname(os.path.abspath(md))
    parent = os.path.dirname(folder)
    sep = os.sep
    return (f"{parent}{sep}_data{sep}{name}", f"{folder}{sep}_data{sep}{name}", f"{folder}{sep}{name}")


def _data_file(md: Path, figid: str, kind: str) -> Path | None:
    return next((Path(c) for c in data_candidates(md, figid, kind) if os.path.isfile(c)), None)


def _keywords(data: dict[str, Any]) -> tuple[str, ...]:
    jsonld = data.get("schema-jsonld")
    from_jsonld = _text_list(jsonld.get("keywords"), "schema-jsonld.keywords") if isinstance(jsonld, dict) else ()
    return _union(_text_list(data.get("keywords"), "keywords"), from_jsonld)


def read_figure_file(path: str | Path) -> FigureRecord:
    """Read one figure Markdown file (either layout) into a record.

    Raises `RecordError` with the reason when the file is not a readable record.
    """
    path = Path(path)
    data = _load_front_matter(path)
    figid = _text(data.get("figid"), "figid")
    if not figid:
        raise RecordError("no figid in front matter")
    layout = INLINE if "genes" in data else DATABASE
    genes = _inline_genes(data.get("genes"))
    chemicals = _inline_annotations(data.get("chemicals"), "chemicals")
    diseases = _inline_annotations(data.get("diseases"), "diseases")
    sources = [str(path)]
    for kind, bucket, reader in zip(DATA_KINDS, (genes, chemicals, diseases),
                                    (_tsv_genes, _tsv_annotations, _tsv_annotations)):
        tsv = _data_file(path, figid, kind)
        if tsv is not None:
            bucket.extend(reader(tsv))
            sources.append(str(tsv))
    genes_t = _merge_genes(genes)
    organisms = _union(_text_list(data.get("organisms"), "organisms"), (g.organism for g in genes_t if g.organism))
    return FigureRecord(
        figid=figid,
        figtitle=_text(data.get("figtitle"), "figtitle"),
        caption=_text(data.get("caption"), "caption"),
        papertitle=_text(data.get("papertitle"), "papertitle"),
        reftext=_text(data.get("reftext"), "reftext"),
        year=_year(data.get("year")),
        pmcid=_text(data.get("pmcid"), "pmcid"),
        doi=_text(data.get("doi"), "doi"),
        journal=_text(data.get("journal_title"), "journal_title") or _text(data.get("journal_nlm_ta"), "journal"),
        organisms=organisms,
        keywords=_keywords(data),
        genes=genes_t,
        chemicals=_merge_annotations(chemicals),
        diseases=_merge_annotations(diseases),
        figlink=_text(data.get("figlink"), "figlink"),
        filename=_text(data.get("filename"), "filename"),
        figtype=_text(data.get("figtype"), "figtype"),
        number=_text(data.get("number"), "number"),
        layout=layout,
        sources=tuple(sources),
    )


def merge_records(first: FigureRecord, second: FigureRecord) -> FigureRecord:
    """One record from the same figid in both layouts.

    Text fields come from the pfocr-database record (the current release);
    genes, chemicals, diseases, keywords and organisms from both.
    """
    base, other = (second, first) if second.layout == DATABASE and first.layout != DATABASE else (first, second)
    genes = _merge_genes((*base.genes, *other.genes))
    return replace(
        base,
        year=base.year or other.year,
        **{name: getattr(base, name) or getattr(other, name)
           for name in ("figtitle", "caption", "papertitle", "reftext", "pmcid", "doi", "journal",
                        "figlink", "filename", "figtype", "number")},
        organisms=_union(base.organisms, other.organisms),
        keywords=_union(base.keywords, other.keywords),
        genes=genes,
        chemicals=_merge_annotations((*base.chemicals, *other.chemicals)),
        diseases=_merge_annotations((*base.diseases, *other.diseases)),
        layout="merged",
        sources=_union(base.sources, other.sources),
    )


def discover(sources: Sequence[str | Path], data_files: set[str] | None = None) -> list[Path]:
    """Every figure Markdown file under `sources`, sorted and without repeats.

    Directories are searched recursively without following symlinked
    directories (so a symlink loop cannot hang the walk); hidden folders are
    skipped.  A source that does not exist is a `SourceError`.  Given a set
    as `data_files`, every `.tsv` seen on the way is added to it, so callers
    can tell which `_data` files exist without a stat() each.
    """
    found: dict[Path, None] = {}
    for source in sources:
        # Absolute, so an index updated from another working folder sees the same files.
        root = Path(source).absolute()
        if root.is_file():
            found[root] = None
        elif root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                found.update((Path(dirpath) / f, None) for f in sorted(filenames) if f.endswith(".md"))
                if data_files is not None:
                    data_files.update(os.path.join(dirpath, f) for f in filenames if f.endswith(".tsv"))
        elif root.exists() or root.is_symlink():
            raise SourceError(f"source is neither a file nor a folder: {root}")
        else:
            raise SourceError(f"source does not exist: {root}")
    return sorted(found)


def group_files(paths: Iterable[Path]) -> list[list[Path]]:
    """Files grouped by name stem: PFOCR names every figure file `<figid>.md`,
    so the two layouts of one figure share a group and can be merged."""
    groups: dict[str, list[Path]] = {}
    for path in sorted(paths):
        groups.setdefault(path.stem, []).append(path)
    return list(groups.values())


def read_group(paths: Sequence[Path]) -> list[FigureRecord | ReadIssue]:
    """Read the files of one group, merging records that share a figid."""
    out: list[FigureRecord | ReadIssue] = []
    by_figid: dict[str, int] = {}
    for path in paths:
        try:
            record = read_figure_file(path)
        except RecordError as exc:
            out.append(ReadIssue(str(path), str(exc)))
            continue
        at = by_figid.get(record.figid)
        if at is None:
            by_figid[record.figid] = len(out)
            out.append(record)
            continue
        kept = out[at]
        assert isinstance(kept, FigureRecord)
        if record.layout == kept.layout or kept.layout == "merged":
            out.append(ReadIssue(str(path), f"figid {record.figid} is also in {kept.path} (kept that one)",
                                 "conflict"))
        else:
            out[at] = merge_records(kept, record)
    return out


def read_records(sources: Sequence[str | Path]) -> Iterator[FigureRecord | ReadIssue]:
    """Every record under `sources`, in sorted path order, with issues interleaved."""
    seen: dict[str, str] = {}
    for group in group_files(discover(sources)):
        yield from dedupe(read_group(group), seen)


def dedupe(items: Iterable[FigureRecord | ReadIssue], seen: dict[str, str]) -> Iterator[FigureRecord | ReadIssue]:
    """Turn a figid seen in an earlier group into a conflict (the first one wins)."""
    for item in items:
        if isinstance(item, FigureRecord):
            if item.figid in seen:
                yield ReadIssue(item.path, f"figid {item.figid} is also in {seen[item.figid]} (kept that one)",
                                "conflict")
                continue
            seen[item.figid] = item.path
        yield item
