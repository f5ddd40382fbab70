"""pfocr-search: ranked, fuzzy, local full-text search over PFOCR pathway figures.

The library is the product; the `pfocr-search` CLI is a thin layer over it::

    from pfocr_search import FigureIndex, sample_corpus

    with FigureIndex.build([sample_corpus()], "demo-index") as ix:
        for hit in ix.search("JAK STAT signaling", limit=3):
            print(hit.rank, hit.figid, round(hit.score, 2), hit.figtitle)
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__version__ = "0.1.0"


def sample_corpus() -> Path:
    """The built-in demo corpus: real PFOCR records (CC0) in both layouts."""
    return Path(str(resources.files("pfocr_search") / "sample"))


from .config import IndexConfig, load_config  # noqa: E402
from .errors import (  # noqa: E402
    ConfigError,
    ConfigMismatchError,
    IndexLockedError,
    IndexNotFoundError,
    PfocrSearchError,
    QuerySyntaxError,
    SourceError,
    StrictModeError,
    UnknownFigureError,
)
from .genes import GeneEntry, GeneMatch, Resolution  # noqa: E402
from .index import FigureIndex, IndexStats  # noqa: E402
from .indexer import UpdateReport  # noqa: E402
from .records import Annotation, FigureRecord, Gene, ReadIssue, read_figure_file, read_records  # noqa: E402
from .search import Facets, GeneHit, GeneSearchResults, Hit, SearchResults  # noqa: E402

__all__ = [
    "Annotation",
    "ConfigError",
    "ConfigMismatchError",
    "FigureIndex",
    "Facets",
    "FigureRecord",
    "Gene",
    "GeneEntry",
    "GeneHit",
    "GeneMatch",
    "GeneSearchResults",
    "Hit",
    "IndexConfig",
    "IndexLockedError",
    "IndexNotFoundError",
    "IndexStats",
    "PfocrSearchError",
    "QuerySyntaxError",
    "ReadIssue",
    "Resolution",
    "SearchResults",
    "SourceError",
    "StrictModeError",
    "UnknownFigureError",
    "UpdateReport",
    "load_config",
    "read_figure_file",
    "read_records",
    "sample_corpus",
    "__version__",
]
