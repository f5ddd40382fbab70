"""`FigureIndex`: the Python API, and the one engine the CLI drives.

    from pfocr_search import FigureIndex

    with FigureIndex.build(["records/"], "my-index") as ix:
        for hit in ix.search("JAK STAT signaling", limit=5):
            print(hit.rank, hit.figid, hit.score, hit.figtitle)
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

from whoosh import index as whoosh_index
from whoosh import query
from whoosh.searching import Searcher

from .config import IndexConfig, load_config
from .errors import IndexNotFoundError, QuerySyntaxError, UnknownFigureError
from .genes import (
    ALIASES,
    GeneEntry,
    GeneFamilies,
    GeneMatch,
    GeneResolver,
    GeneVocabulary,
    Resolution,
    VocabularyCounter,
    normalize_symbol,
)
from .indexer import ProgressCallback, UpdateReport, update
from .records import FigureRecord, organism_key
from .schema import RECORD, unpack_record
from .search import (
    Facets,
    GeneHit,
    GeneQuery,
    GeneSearchResults,
    Hit,
    SearchResults,
    build_parser,
    count_facets,
    make_filter,
    parse_query,
    run_gene_search,
    run_search,
    spelling_suggestions,
    weighting,
)
from .storage import MANIFEST, VOCABULARY, Manifest, directory_size, open_generation, resolve_index_path

# A text search with fewer hits than this also offers "did you mean" suggestions.
_FEW_HITS = 3
# Where a gene set's symbols are looked for as words, to break ties between
# equally enriched figures: the two fields that say most about a figure.
_RELEVANCE_FIELDS = ("figtitle", "caption")

YearRange = tuple["int | None", "int | None"]
T = TypeVar("T")


@dataclass(frozen=True)
class IndexStats:
    """What an index holds."""

    path: str
    records: int
    genes: int
    top_genes: list[GeneEntry]
    organisms: list[tuple[str, int]]
    years: tuple[int | None, int | None]
    size_bytes: int
    built_at: float
    config: IndexConfig

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "records": self.records,
            "genes": self.genes,
            "top_genes": [{"symbol": g.symbol, "figures": g.figures} for g in self.top_genes],
            "organisms": [{"organism": o, "figures": n} for o, n in self.organisms],
            "years": list(self.years),
            "size_bytes": self.size_bytes,
            "built_at": self.built_at,
            "config": self.config.to_dict(),
        }


class FigureIndex:
    """An opened pfocr-search index.  Use `build` or `open`; close it (or use
    `with`) to release its searcher.  Searching from several threads at once
    is safe."""

    def __init__(self, root: Path, manifest: Manifest, config: IndexConfig, explicit_config: bool = False) -> None:
        self.path = root
        self.config = config
        #: The report of the run that produced this object, if one did.
        self.report: UpdateReport | None = None
        self._explicit_config = explicit_config
        self._lock = threading.RLock()
        self._searcher: Searcher | None = None
        self._load(manifest)

    def _load(self, manifest: Manifest) -> None:
        """(Re)open the generation `manifest` names."""
        try:
            ix = open_generation(self.path / manifest.generation)
        except (OSError, whoosh_index.EmptyIndexError) as exc:
            raise IndexNotFoundError(f"index at {self.path} is damaged ({exc}); rebuild it with --rebuild") from None
        self.manifest = manifest
        self._manifest_stamp = _stamp(self.path)
        self._ix = ix
        # Whoosh's FileIndex.schema re-reads the table of contents on every access.
        self._schema = ix.schema
        self._parser = build_parser(self._schema, self.config, expand_gene=self._gene_family)
        self._vocabulary: GeneVocabulary | None = None
        self._families: GeneFamilies | None = None
        self._resolver: GeneResolver | None = None
        self._backgrounds: dict[str | None, int] = {}

    # -- opening -----------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None,
             config: IndexConfig | str | os.PathLike[str] | None = None) -> "FigureIndex":
        """Open the index at `path` (default: $PFOCR_SEARCH_INDEX, else ./pfocr-index).

        Without `config` the index searches with the configuration it was
        built with.  A `config` may change boosts and query settings, but not
        the indexed fields or analyzers: that is a `ConfigMismatchError`.
        An open index follows later updates of its folder by itself.
        """
        root = resolve_index_path(path)
        manifest = Manifest.load(root)
        if config is None:
            return cls(root, manifest, manifest.built_config(root))
        return cls(root, manifest, manifest.accept(root, _as_config(config)), explicit_config=True)

    @classmethod
    def build(cls, sources: Sequence[str | os.PathLike[str]], path: str | os.PathLike[str] | None = None,
              config: IndexConfig | str | os.PathLike[str] | None = None, *, strict: bool = False,
              progress: ProgressCallback | None = None, wait: float = 0.0) -> "FigureIndex":
        """Index every record under `sources` into a fresh index at `path` and open it.

        The run's `UpdateReport` is on the returned object as `.report`.
        """
        return cls.sync(sources, path, config, rebuild=True, strict=strict, progress=progress, wait=wait)

    @classmethod
    def sync(cls, sources: Sequence[str | os.PathLike[str]], path: str | os.PathLike[str] | None = None,
             config: IndexConfig | str | os.PathLike[str] | None = None, *, rebuild: bool = False,
             strict: bool = False, progress: ProgressCallback | None = None, wait: float = 0.0) -> "FigureIndex":
        """Make the index at `path` mirror `sources`: built if new (or `rebuild`),
        else updated with only what changed.  Returns it opened, with `.report`."""
        root = resolve_index_path(path)
        report = update(sources, root, _as_config(config) if config is not None else None, rebuild=rebuild,
                        strict=strict, progress=progress, wait=wait)
        ix = cls.open(root, config)
        ix.report = report
        return ix

    def update(self, sources: Sequence[str | os.PathLike[str]], *, strict: bool = False,
               progress: ProgressCallback | None = None, wait: float = 0.0) -> UpdateReport:
        """Bring this index in line with `sources`, re-reading only changed files.

        Figures whose files are gone are removed.  Returns what changed; this
        object then searches the new state.
        """
        report = update(sources, self.path, self.config if self._explicit_config else None, strict=strict,
                        progress=progress, wait=wait)
        with self._lock:
            self._refresh(force=True)
        return report

    # -- searching ---------------------------------------------------------

    def search(self, text: str, limit: int | None = None, *, offset: int = 0, organism: str | None = None,
               years: YearRange | None = None, journal: str | None = None,
               genes: Sequence[str] | None = None) -> SearchResults:
        """Ranked figures for a query in Whoosh's query language.

        `organism` takes a scientific or common name ("Homo sapiens", "mouse");
        `years` is an inclusive (from, to) range, either end None for open;
        `journal` a journal's full name.  With `genes`, only figures matching
        the text that show some of the genes are returned, ranked as by
        `search_genes`.
        """
        q = parse_query(self._parser, text)
        if genes:
            return self.search_genes(genes, limit, offset=offset, organism=organism, years=years, journal=journal,
                                     text_query=q)
        limit = self.config.search.limit if limit is None else limit
        with self._lock:
            searcher = self._current_searcher()
            results = run_search(searcher, q, self.config, text=text, limit=limit,
                                 offset=offset, filter=make_filter(organism, years, journal))
            if len(results) < _FEW_HITS and offset == 0:
                results.suggestions = spelling_suggestions(searcher, self.config, text, self._gene_suggestion)
            if not results and results.suggestions:
                # Nothing matched as typed: show what the likeliest correction finds.
                corrected = run_search(searcher, parse_query(self._parser, results.suggestions[0]), self.config,
                                       text=results.suggestions[0], limit=limit,
                                       filter=make_filter(organism, years, journal))
                if corrected:
                    corrected.suggestions = results.suggestions
                    corrected.corrected_from = text
                    return corrected
        return results

    def _gene_suggestion(self, word: str) -> str | None:
        """A word that resolves to one gene symbol (loosely typed) -> that symbol."""
        resolution = self.resolver.resolve(word)
        if resolution.how in ("normalised", "fuzzy") and len(resolution.symbols) == 1:
            return resolution.symbols[0]
        return None

    def resolve(self, terms: Sequence[str], organism: str | None = None, *, fuzzy: bool = True) -> list[Resolution]:
        """How each gene term is understood: symbols, how (exact, id, normalised,
        alias, fuzzy, unknown), scores, and suggestions for unknown terms."""
        return self.resolver.resolve_all(terms, organism, fuzzy=fuzzy)

    def search_genes(self, terms: Sequence[str], limit: int | None = None, *, offset: int = 0,
                     organism: str | None = None, years: YearRange | None = None, journal: str | None = None,
                     fuzzy: bool = True,
                     require: Sequence[str] = (), require_all: bool = False,
                     text_query: "query.Query | None" = None) -> GeneSearchResults:
        """Figures ranked by how strongly they share the given genes.

        Terms are resolved loosely (see `resolve`); figures are ranked by a
        one-sided hypergeometric p-value against the index's distinct genes,
        with Benjamini-Hochberg FDR, odds ratio and the shared genes on every
        hit.  `require` keeps only figures with those genes (and scores the
        rest of the set given them); `require_all` demands every query gene.
        """
        limit = self.config.search.limit if limit is None else limit
        gq = GeneQuery(self.resolve(terms, organism, fuzzy=fuzzy),
                       self.resolve(require, organism, fuzzy=fuzzy) if require else (),
                       require_all, organism)
        symbols = list(gq.keys().values())
        relevance = text_query if text_query is not None else self._gene_text_query(symbols)
        with self._lock:
            return run_gene_search(self._current_searcher(), gq, self.config,
                                   background=self.background(organism), relevance=relevance,
                                   text_filter=text_query, limit=limit, offset=offset,
                                   # organism-qualified gene terms already keep to the organism
                                   filter=make_filter(None, years, journal))

    def facets(self, text: str | None = None, *, genes: Sequence[str] | None = None, organism: str | None = None,
               years: YearRange | None = None, journal: str | None = None, top: int = 10) -> Facets:
        """How the figures a query matches (all of them, not a page) spread over
        organisms, decades, years and journals.  Give `text`, `genes` or both."""
        parts = [parse_query(self._parser, text)] if text else []
        if genes:
            keys = {normalize_symbol(s) for r in self.resolve(genes, organism) for s in r.symbols}
            parts.append(query.Or([query.Term("genes", k) for k in sorted(keys)]) if keys else query.NullQuery)
        if not parts:
            raise QuerySyntaxError("facets need a text query or genes")
        q = parts[0] if len(parts) == 1 else query.And(parts)
        with self._lock:
            return count_facets(self._current_searcher(), q, make_filter(organism, years, journal), top)

    def similar(self, figid: str, limit: int | None = None, *, offset: int = 0, organism: str | None = None,
                years: YearRange | None = None, journal: str | None = None) -> SearchResults:
        """Figures most like `figid`: sharing its genes first (ranked by enrichment,
        shared genes on every hit), then its title and caption words.  A figure
        with no genes gets the text alone (plain `Hit`s)."""
        record = self.get(figid)
        limit = self.config.search.limit if limit is None else limit
        keys = sorted({normalize_symbol(g.symbol) for g in record.genes
                       if not organism or (g.organism and organism_key(g.organism) == organism_key(organism))})
        with self._lock:
            searcher = self._current_searcher()
            text_q = self._key_terms_query(searcher, record)
            exclude = query.Not(query.Term("figid", figid))
            extra = make_filter(organism, years, journal)
            flt = exclude if extra is None else query.And([exclude, extra])
            label = f"similar to {figid}"
            if not keys:
                if text_q is None:
                    return SearchResults(query=label)
                return run_search(searcher, text_q, self.config, text=label, limit=limit, offset=offset, filter=flt)
            gq = GeneQuery([Resolution(figid, tuple(GeneMatch(k, "exact", 100.0) for k in keys))], organism=organism)
            by_genes = run_gene_search(searcher, gq, self.config, background=self.background(organism),
                                       relevance=text_q, text_filter=None, limit=limit + offset, filter=flt)
            by_text: Sequence[Hit] = []
            if len(by_genes) < limit + offset and text_q is not None:
                # Enough word-alike figures to fill the page even if all of the
                # gene-sharing ones are among them.
                by_text = run_search(searcher, text_q, self.config, text=label, limit=2 * (limit + offset),
                                     filter=flt)
            return _then_text(by_genes, by_text, limit, offset, label)

    def _key_terms_query(self, searcher: Searcher, record: FigureRecord) -> "query.Query | None":
        """The figure's most distinctive title and caption words, as an OR query."""
        subqueries = []
        for name, text, count in (("figtitle", record.figtitle, 6), ("caption", record.caption, 10)):
            if text and name in searcher.schema:
                for term, _weight in searcher.key_terms_from_text(name, text, numterms=count):
                    subqueries.append(query.Term(name, term, boost=self.config.fields[name].boost))
        return query.Or(subqueries) if subqueries else None

    def _gene_text_query(self, symbols: Sequence[str]) -> "query.Query | None":
        """The symbols as words in the text fields, for ranking figures that talk about them."""
        schema = self._schema
        terms = []
        for name in _RELEVANCE_FIELDS:
            spec = self.config.fields.get(name)
            if spec is None or name not in schema:
                continue
            for symbol in symbols:  # built directly: parsing 50 quoted symbols cost more than the search
                tokens = list(schema[name].process_text(symbol, mode="query"))
                if len(tokens) == 1:
                    terms.append(query.Term(name, tokens[0], boost=spec.boost))
        return query.Or(terms) if terms else None

    def _gene_family(self, key: str) -> list[str]:
        return self.families.family(key)

    @property
    def families(self) -> GeneFamilies:
        """What words name gene families; loaded alone (not the whole
        vocabulary) for text queries, which need only this."""
        if self._families is None:
            path = self.path / self.manifest.generation / ALIASES
            self._families = _read_stored(path, lambda: GeneFamilies.load(path, self.config.genes.alias_min_share)) \
                if path.is_file() else self.resolver.families
        return self._families

    @property
    def resolver(self) -> GeneResolver:
        if self._resolver is None:
            self._resolver = GeneResolver(self.vocabulary, self.config.genes.fuzzy, self.config.genes.alias_min_share)
        return self._resolver

    def background(self, organism: str | None = None) -> int:
        """Distinct genes in the index (or one organism): the enrichment population."""
        if organism not in self._backgrounds:
            self._backgrounds[organism] = len(self.vocabulary.keys_of(organism))
        return self._backgrounds[organism]

    def get(self, figid: str) -> FigureRecord:
        """The whole record of one figure; `UnknownFigureError` if absent."""
        with self._lock:
            fields = self._current_searcher().document(figid=figid)
        if fields is None:
            raise UnknownFigureError(f"no figure {figid!r} in the index at {self.path}")
        return unpack_record(fields[RECORD])

    def __contains__(self, figid: object) -> bool:
        with self._lock:
            return isinstance(figid, str) and self._current_searcher().document_number(figid=figid) is not None

    def __len__(self) -> int:
        with self._lock:
            return self._current_searcher().doc_count()

    @property
    def vocabulary(self) -> GeneVocabulary:
        """The gene vocabulary stored with the index."""
        if self._vocabulary is None:
            path = self.path / self.manifest.generation / VOCABULARY
            self._vocabulary = _read_stored(path, lambda: VocabularyCounter.load(path).vocabulary()) \
                if path.is_file() else GeneVocabulary()
        return self._vocabulary

    def stats(self, top: int = 10) -> IndexStats:
        """Records, distinct gene symbols and the `top` most frequent, organisms,
        year range, size on disk and the configuration in force."""
        with self._lock:
            searcher = self._current_searcher()
            reader = searcher.reader()
            organisms = sorted(((_display_organism(t.decode()), reader.doc_frequency("organism", t))
                                for t in reader.lexicon("organism")), key=lambda x: (-x[1], x[0]))
            year_field = searcher.schema["year"]
            years = [year_field.from_bytes(t) for t in year_field.sortable_terms(reader, "year")]
            records = searcher.doc_count()
        vocabulary = self.vocabulary
        return IndexStats(
            path=str(self.path),
            records=records,
            genes=len(vocabulary.entries),
            top_genes=vocabulary.top(top),
            organisms=organisms,
            years=(min(years), max(years)) if years else (None, None),
            size_bytes=directory_size(self.path / self.manifest.generation),
            built_at=self.manifest.built_at,
            config=self.config,
        )

    def every_figid(self) -> list[str]:
        with self._lock:
            return sorted(f["figid"] for f in self._current_searcher().documents())

    # -- lifetime ----------------------------------------------------------

    def _current_searcher(self) -> Searcher:
        self._refresh()
        if self._searcher is None:
            self._searcher = self._ix.searcher(weighting=weighting(self.config))
        return self._searcher

    def _refresh(self, force: bool = False) -> None:
        """Follow the folder to a newer generation (one stat() per call)."""
        if not force and _stamp(self.path) == self._manifest_stamp:
            return
        manifest = Manifest.load(self.path)
        if manifest.generation == self.manifest.generation:
            self._manifest_stamp = _stamp(self.path)
            return
        if manifest.schema != self.manifest.schema:
            # Rebuilt with other fields: keep a config the caller chose if it fits.
            self.config = (manifest.accept(self.path, self.config) if self._explicit_config
                           else manifest.built_config(self.path))
        old_searcher, old_ix = self._searcher, self._ix
        self._searcher = None
        self._load(manifest)
        if old_searcher is not None:
            old_searcher.close()
        old_ix.close()

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            self._ix.close()

    def __enter__(self) -> "FigureIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"FigureIndex({str(self.path)!r}, generation={self.manifest.generation!r})"


def _then_text(by_genes: GeneSearchResults, by_text: Sequence[Hit], limit: int, offset: int,
               label: str) -> GeneSearchResults:
    """Figures sharing genes first, then figures alike in words only."""
    shown = {h.figid for h in by_genes}
    rest = [GeneHit(**{f: getattr(h, f) for f in Hit.__dataclass_fields__}, figure_genes=len(h.genes))
            for h in by_text if h.figid not in shown]
    merged = [*by_genes, *rest][offset:offset + limit]
    hits = [replace(h, rank=i) for i, h in enumerate(merged, start=offset + 1)]
    return GeneSearchResults(hits, resolutions=[], background=by_genes.background, query=label,
                             total=by_genes.total + len(rest))


def _read_stored(path: Path, load: Callable[[], T]) -> T:
    """`load()` of a file stored with the index; a damaged one is an
    IndexNotFoundError that says to rebuild, not an internal error."""
    try:
        return load()
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IndexNotFoundError(f"{path} is damaged ({type(exc).__name__}: {exc}); "
                                 "rebuild the index with --rebuild") from None


def _stamp(root: Path) -> tuple[int, int] | None:
    try:
        st = (root / MANIFEST).stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_ino


def _as_config(config: IndexConfig | str | os.PathLike[str]) -> IndexConfig:
    return config if isinstance(config, IndexConfig) else load_config(config)


def _display_organism(term: str) -> str:
    # Organism terms are case-folded in the index; scientific names start upper-case.
    return term[:1].upper() + term[1:]
