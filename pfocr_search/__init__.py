"""pfocr-search: ranked, fuzzy, local full-text search over PFOCR pathway figures.

The library is the product; the `pfocr-search` CLI is a thin layer over it::

    from pfocr_search import FigureIndex, sample_corpus

    with FigureIndex.build([sample_corpus()], "demo-index") as ix:
        for hit in ix.search("JAK STAT signaling", limit=3):
            print(hit.rank, hit.figid, round(hit.score, 2), hit.figtitle)

Names are imported on first use, so ``import pfocr_search`` (and the CLI's
start-up) costs nothing until a name is needed.
"""

from __future__ import annotations

from importlib import import_module, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .version import __version__


def sample_corpus() -> Path:
    """The built-in demo corpus: real PFOCR records (CC0) in both layouts."""
    return Path(str(resources.files("pfocr_search") / "sample"))


#: Public name -> the module that defines it.
_EXPORTS = {
    "IndexConfig": "config", "load_config": "config",
    "ConfigError": "errors", "ConfigMismatchError": "errors", "EngineError": "errors",
    "IndexLockedError": "errors", "IndexNotFoundError": "errors", "PfocrSearchError": "errors",
    "QuerySyntaxError": "errors", "SourceError": "errors", "StrictModeError": "errors",
    "UnknownFigureError": "errors", "UnknownFilterError": "errors",
    "GeneEntry": "genes.vocabulary", "GeneMatch": "genes.resolve", "Resolution": "genes.resolve",
    "FigureIndex": "index", "IndexStats": "stats", "UpdateReport": "build.session",
    "Annotation": "sources.model", "FigureRecord": "sources.model", "Gene": "sources.model",
    "ReadIssue": "sources.model", "read_figure_file": "sources.parse", "read_records": "sources.discovery",
    "Facets": "query.facets", "Filters": "query.filters", "GeneHit": "query.results",
    "GeneSearchResults": "query.results", "Hit": "query.results", "SearchResults": "query.results",
    "Understood": "query.results",
}

__all__ = sorted([*_EXPORTS, "sample_corpus", "__version__"])


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pfocr_search' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs  # noqa: F401
    from .build.session import UpdateReport
    from .config import IndexConfig, load_config
    from .errors import (
        ConfigError,
        ConfigMismatchError,
        EngineError,
        IndexLockedError,
        IndexNotFoundError,
        PfocrSearchError,
        QuerySyntaxError,
        SourceError,
        StrictModeError,
        UnknownFigureError,
        UnknownFilterError,
    )
    from .genes.resolve import GeneMatch, Resolution
    from .genes.vocabulary import GeneEntry
    from .index import FigureIndex
    from .query.facets import Facets
    from .query.filters import Filters
    from .query.results import GeneHit, GeneSearchResults, Hit, SearchResults
    from .sources.discovery import read_records
    from .sources.model import Annotation, FigureRecord, Gene, ReadIssue
    from .sources.parse import read_figure_file
    from .stats import IndexStats
