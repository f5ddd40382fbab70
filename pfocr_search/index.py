"""`FigureIndex`: the Python API, and the one engine every interface drives.

    from pfocr_search import FigureIndex

    with FigureIndex.build(["records/"], "my-index") as ix:
        for hit in ix.search("JAK STAT signaling", limit=5):
            print(hit.rank, hit.figid, hit.score, hit.figtitle)

`FigureIndex` holds an index's life cycle (building, opening, following
updates to the current generation, closing) and hands each request to the
module that owns it: `query.text`, `query.genesets`, `query.similar`,
`query.facets`, `genes.resolve`.
"""

from __future__ import annotations

import os
import threading
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from whoosh import query
from whoosh.searching import Searcher

from .arguments import background_of, fraction, gene_sets, gene_terms, page_size, page_start, string, synonym_term
from .build import ProgressCallback
from .config import IndexConfig, load_config
from .curated import numbered_forms, with_curated
from .engine.schema import RECORD, unpack_record
from .engine.storage import MANIFEST, Manifest, open_generation, resolve_index_path
from .engine.weighting import ArrayBM25F
from .errors import PfocrSearchError
from .genes.resolve import GeneFamilies, GeneResolver, Resolution
from .genes.tables import GeneTables
from .genes.vocabulary import GeneVocabulary
from .query.filters import Filters, YearRange, given_filters
from .query.genewords import GeneWordsPlugin
from .query.parser import build_parser, parse_query
from .query.proximity import with_proximity
from .query.results import GeneSearchResults, SearchResults
from .query.synonyms import SynonymPlugin, stop_word
from .query.text import facets_of, search_text, search_with_genes
from .sources.model import FigureRecord
from .textkeys import readable
from .synonyms import StoredSynonyms, Synonym

if TYPE_CHECKING:  # pragma: no cover - each is imported by the method that uses it, not by every search
    from .build.session import UpdateReport
    from .genes.background import Background
    from .genes.lists import GeneSet
    from .query.facets import Facets
    from .query.genesets import SetEnrichment
    from .stats import IndexStats


class FigureIndex:
    """An opened pfocr-search index.  Use `build`, `sync` or `open`; close it
    (or use `with`) to release its searcher.  Searching from several threads
    at once is safe, and every call sees the index's current generation."""

    def __init__(self, root: Path, manifest: Manifest, config: IndexConfig, explicit_config: bool = False) -> None:
        self.path = root
        self.config = config
        #: The report of the run that produced this object, if one did.
        self.report: UpdateReport | None = None
        self._explicit_config = explicit_config
        self._lock = threading.RLock()
        self._searcher: Searcher | None = None
        self._load(manifest, config)

    def _load(self, manifest: Manifest, config: IndexConfig) -> None:
        """(Re)open the generation `manifest` names, with `config`: all of it, or
        (a damaged file) none of it, the generation open before staying open."""
        folder, opened = self.path / manifest.generation, []
        try:
            for open_part in (open_generation, lambda f: GeneTables(f, config), StoredSynonyms):
                opened.append(open_part(folder))
        except BaseException:
            for part in opened:
                part.close()
            raise
        self._ix, self.genes, self.stored_synonyms = opened
        self.manifest, self._manifest_stamp, self.config = manifest, _stamp(self.path), config
        # Whoosh's FileIndex.schema re-reads the table of contents on every access.
        self._schema = self._ix.schema
        self._parser = build_parser(self._schema, self.config, expand_gene=self.genes.family)
        self._synonym_plugin = SynonymPlugin(lambda: self.stored_synonyms.table, self.config.synonyms.boost,
                                             stop_word(self._schema), self.config.synonyms.curated, self.genes.symbol)
        self._parser.add_plugin(self._synonym_plugin)
        self._parser.add_plugin(GeneWordsPlugin(stop_word(self._schema), self.genes.known, self.config.synonyms))

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
        from .build.indexer import update
        root = resolve_index_path(path)
        config = _as_config(config) if config is not None else None  # read once, for the build and the open
        report = update(sources, root, config, rebuild=rebuild, strict=strict, progress=progress, wait=wait)
        ix = cls.open(root, config)
        ix.report = report
        return ix

    def update(self, sources: Sequence[str | os.PathLike[str]], *, strict: bool = False,
               progress: ProgressCallback | None = None, wait: float = 0.0) -> UpdateReport:
        """Bring this index in line with `sources`, re-reading only changed files.

        Figures whose files are gone are removed.  Returns what changed; this
        object then searches the new state.
        """
        from .build.indexer import update
        report = update(sources, self.path, self.config if self._explicit_config else None, strict=strict,
                        progress=progress, wait=wait)
        with self._lock:
            self._refresh(force=True)
        return report

    # -- searching ---------------------------------------------------------

    def search(self, text: str, limit: int | None = None, *, offset: int = 0, organism: str | None = None,
               years: YearRange | None = None, journal: str | None = None,
               genes: Sequence[str] | None = None, filters: Filters | None = None,
               explain: bool = False, feedback: bool | None = None) -> SearchResults:
        """Ranked figures for a query in Whoosh's query language.

        Filter by `organism` (scientific or common name), `years` (inclusive (from, to), either
        end None) and `journal` (title or NLM abbreviation), or pass them together as `filters`.
        With `genes`, only figures matching the text that show some of the genes are returned,
        ranked as by `search_genes`.  With `explain`, `results.explanations` says why each hit
        scores what it does and `results.understood` how the query was read.  `feedback` (default:
        config `search.feedback`) also ranks hits by the words and genes of the best (`results.feedback`).
        """
        if explain and genes:
            raise PfocrSearchError("explain breaks down text scores; figures found with genes are ranked by "
                                   "gene-set statistics (see each hit's p-value and overlap)")
        flt = self._filters(filters, organism, years, journal)
        with self._lock:
            searcher = self._current_searcher()

            def parse(typed: str) -> query.Query:  # the query as typed and any correction, ranked alike
                return with_proximity(parse_query(self._parser, typed, searcher),
                                      self.config.boosts(), self.config.search.proximity)

            q = parse(text)
            if genes:  # the text typed is the query (or its correction), as the figures' text scores are its
                return search_with_genes(searcher, parse, self.config, text, q, self.genes, lambda text_query: (
                    self.search_genes(genes, limit, offset=offset, filters=flt, text_query=text_query)))
            used = list(self._synonym_plugin.used)  # before a correction is tried
            results = search_text(searcher, parse, self.config, text, q, limit=self._limit(limit),
                                  offset=page_start(offset), filters=flt, genes=self.genes,
                                  feedback=self.config.search.feedback if feedback is None else feedback)
            if explain:
                from .query.explain import explain_results
                if results.corrected_from is not None:  # the synonyms of the query that ranked the hits
                    parse(results.query)
                    used = list(self._synonym_plugin.used)
                explain_results(searcher, results.ranking or q, results, used)
            return results

    def resolve(self, terms: Sequence[str], organism: str | None = None, *, fuzzy: bool = True) -> list[Resolution]:
        """How each gene term is understood: symbols, how (exact, id, normalised,
        alias, fuzzy, unknown), scores, and suggestions for unknown terms."""
        organism = self._filters(None, organism).organism
        with self._lock:
            return self.genes.resolver.resolve_all(gene_terms(terms), organism, fuzzy=fuzzy)

    def search_genes(self, terms: Sequence[str], limit: int | None = None, *, offset: int = 0,
                     organism: str | None = None, years: YearRange | None = None, journal: str | None = None,
                     fuzzy: bool = True, require: Sequence[str] = (), require_all: bool = False,
                     text_query: "query.Query | None" = None, filters: Filters | None = None,
                     background: "Iterable[str] | Background | None" = None) -> GeneSearchResults:
        """Figures ranked by how strongly they share the given genes.

        Terms are resolved loosely (see `resolve`); figures are ranked by a
        one-sided hypergeometric p-value against the index's distinct genes
        (or the organism's, or the `background` genes given: then only those
        count, in the query and in each figure), with Benjamini-Hochberg FDR,
        odds ratio and the shared genes on every hit; the results carry the
        population and query size every p-value came from.  `require` keeps
        only figures with those genes (and scores the rest of the set given
        them); `require_all` demands every query gene.
        """
        from .query.genesets import search_genes
        flt = self._filters(filters, organism, years, journal)
        with self._lock:
            return search_genes(self._current_searcher(), self.genes, self.config, gene_terms(terms),
                                limit=self._limit(limit), offset=page_start(offset), filters=flt, fuzzy=fuzzy,
                                require=gene_terms(require), require_all=require_all,
                                text_query=text_query, background=background_of(background))

    def enrich(self, sets: "Iterable[GeneSet] | Mapping[str, Sequence[str]]", limit: int | None = None, *,
               max_fdr: float | None = None, organism: str | None = None,
               background: "Iterable[str] | Background | None" = None, fuzzy: bool = False,
               progress: ProgressCallback | None = None) -> list[SetEnrichment]:
        """Every gene set (a `GeneSet` list, as `genes.lists.read_gmt` gives,
        or name -> terms) against the index, as `search_genes` ranks one, with
        one opened index, vocabulary and background for the whole batch; at
        most `limit` figures a set, none above `max_fdr`.  A set none of whose
        genes resolve (or are in the background) comes back with no hits and
        `query_size` 0, not an error.  Terms resolve exactly unless `fuzzy`:
        in a batch, typo matching turned unknown genes into others (FOO1 into FOXO1)."""
        from .query.genesets import enrich_set
        batch, max_fdr = gene_sets(sets), fraction(max_fdr, "max_fdr")
        universe, flt, out = background_of(background), self._filters(None, organism), []
        for done, gene_set in enumerate(batch, 1):
            with self._lock:  # set by set: other threads' searches are not held up by a batch
                out.append(enrich_set(self._current_searcher(), self.genes, self.config, gene_set,
                                      limit=self._limit(limit), max_fdr=max_fdr, filters=flt, background=universe,
                                      fuzzy=fuzzy))
            if progress:
                progress(done, len(batch))
        return out

    def facets(self, text: str | None = None, *, genes: Sequence[str] | None = None, organism: str | None = None,
               years: YearRange | None = None, journal: str | None = None, top: int = 10,
               filters: Filters | None = None) -> Facets:
        """How the figures a query matches (all of them, not a page) spread over
        organisms, decades, years and journals.  Give `text`, `genes` or both."""
        from .query.genesets import showing_genes
        flt = self._filters(filters, organism, years, journal)
        with self._lock:
            searcher = self._current_searcher()
            showing = showing_genes(self.genes, gene_terms(genes), flt.organism) if genes else None
            flt = flt.without_organism() if genes else flt  # counted as search_genes finds them: through genes
            return facets_of(searcher, partial(parse_query, self._parser, searcher=searcher), self.config,
                             text, self.genes, showing, flt.query(searcher), top)

    def similar(self, figid: str, limit: int | None = None, *, offset: int = 0, organism: str | None = None,
                years: YearRange | None = None, journal: str | None = None,
                filters: Filters | None = None) -> SearchResults:
        """Figures most like `figid`: sharing its genes first (ranked by enrichment,
        shared genes on every hit), then its title and caption words.  A figure
        with no genes gets the text alone (plain `Hit`s)."""
        from .query.similar import similar_figures
        flt = self._filters(filters, organism, years, journal)
        with self._lock:
            record = self.get(figid)
            return similar_figures(self._current_searcher(), self.config, record,
                                   background=self.genes.background(flt.organism), limit=self._limit(limit),
                                   offset=page_start(offset), filters=flt)

    def get(self, figid: str) -> FigureRecord:
        """The whole record of one figure; `UnknownFigureError`, naming the closest figids, if absent."""
        figid = readable(string(figid, "a figid"))
        with self._lock:
            searcher = self._current_searcher()
            fields = searcher.document(figid=figid)
            if fields is None:
                from .query.figids import unknown_figure
                raise unknown_figure(searcher, figid, self.path)
        return unpack_record(fields[RECORD])

    def __contains__(self, figid: object) -> bool:
        with self._lock:
            searcher = self._current_searcher()
            return isinstance(figid, str) and searcher.document_number(figid=readable(figid)) is not None

    def __len__(self) -> int:
        with self._lock:
            return self._current_searcher().doc_count()

    def stats(self, top: int = 10) -> IndexStats:
        """Records, distinct gene symbols and the `top` most frequent, organisms,
        year range, size on disk and the configuration in force."""
        from .stats import index_stats
        with self._lock:
            return index_stats(self._current_searcher(), self.genes, self.manifest, str(self.path), self.config, top)

    def every_figid(self) -> list[str]:
        with self._lock:
            return sorted(f["figid"] for f in self._current_searcher().documents())

    @property
    def vocabulary(self) -> GeneVocabulary:
        """The gene vocabulary stored with the index."""
        with self._lock:
            self._refresh()
            return self.genes.vocabulary

    @property
    def families(self) -> GeneFamilies:
        """Which words name gene families, from the index's own OCR mappings."""
        with self._lock:
            self._refresh()
            return self.genes.families

    @property
    def resolver(self) -> GeneResolver:
        with self._lock:
            self._refresh()
            return self.genes.resolver

    def synonyms(self, term: str) -> list[Synonym]:
        """What a search also seeks `term` as: an abbreviation's long forms or a long form's abbreviations
        that captions define (`figures` of them), the curated list's names (`weight` set), a member's symbol; or []."""
        term = synonym_term(term)
        with self._lock:
            self._refresh()
            table = with_curated(self.stored_synonyms.table, self.config.synonyms.curated)
            return table.long_forms(term) or table.short_forms(term.split()) or numbered_forms(table, term.split())

    def background(self, organism: str | None = None) -> int:
        """Distinct genes in the index (or one organism): the gene-set statistics' population."""
        organism = self._filters(None, organism).organism
        with self._lock:
            return self.genes.background(organism)

    # -- lifetime ----------------------------------------------------------

    def _filters(self, filters: Filters | None, organism: str | None, years: YearRange | None = None,
                 journal: str | None = None) -> Filters:
        with self._lock:
            return given_filters(filters, organism, years, journal).checked(self._current_searcher())

    def _limit(self, limit: int | None) -> int:
        return page_size(limit, self.config.search.limit)

    def _current_searcher(self) -> Searcher:
        self._refresh()
        if self._searcher is None:
            self._searcher = self._ix.searcher(weighting=ArrayBM25F.from_config(self.config))
        return self._searcher

    def _refresh(self, force: bool = False) -> None:
        """Follow the folder to a newer generation (one stat() per call)."""
        if not force and _stamp(self.path) == self._manifest_stamp:
            return
        manifest = Manifest.load(self.path)
        if manifest.generation == self.manifest.generation:
            self._manifest_stamp = _stamp(self.path)
            return
        # The configuration stored with it (boosts may have changed too), or the caller's if it fits.
        config = manifest.accept(self.path, self.config) if self._explicit_config else manifest.built_config(self.path)
        old = [part for part in (self._searcher, self._ix, self.genes, self.stored_synonyms) if part is not None]
        self._load(manifest, config)
        self._searcher = None
        for part in old:
            part.close()

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            self._ix.close()
            self.genes.close()
            self.stored_synonyms.close()

    def __enter__(self) -> "FigureIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"FigureIndex({str(self.path)!r}, generation={self.manifest.generation!r})"


def _stamp(root: Path) -> tuple[int, int] | None:
    try:
        st = (root / MANIFEST).stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_ino


def _as_config(config: IndexConfig | str | os.PathLike[str]) -> IndexConfig:
    return config if isinstance(config, IndexConfig) else load_config(config)
