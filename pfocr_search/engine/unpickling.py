"""Loading the pickles in an index without running what a tampered file asks for.

Whoosh unpickles what index files hold (the schema and segment list, posting
block headers, stored fields), so opening someone else's index folder could
run any code a tampered file asked for.  `SafeUnpickler` allows only what an
index legitimately holds, and `install_safe_unpickling()` gives it to the
Whoosh modules that load pickles; Whoosh has no setting for this.
`whoosh_internals` installs it when imported, before any index is read.
"""

from __future__ import annotations

import io
import pickle
from types import SimpleNamespace
from typing import Any

import whoosh
import whoosh.codec.whoosh3
import whoosh.columns
import whoosh.filedb.structfile
import whoosh.formats
import whoosh.index

from ..errors import EngineError, UnsafeIndexError

# The module-level pickle loaders Whoosh reads index files with.
_LOADERS = ((whoosh.columns, "loads"), (whoosh.codec.whoosh3, "loads"), (whoosh.formats, "loads"),
            (whoosh.filedb.structfile, "load_pickle"), (whoosh.index, "pickle"), (whoosh.index, "toc_loaders"))
# Functions an index's schema refers to (tokenizer patterns, stemmers, key
# functions), and the builtins pickles of plain data use.
_FUNCTIONS = {("re", "_compile"), ("_codecs", "encode"), ("copyreg", "_reconstructor"),
              ("whoosh.lang.porter", "stem"), ("whoosh.lang.porter2", "stem"),
              ("pfocr_search.engine.stemming", "porter_with_exceptions"),
              ("pfocr_search.textkeys", "organism_key"), ("pfocr_search.textkeys", "journal_key"),
              ("collections", "defaultdict"), ("collections", "OrderedDict"), ("array", "array")}
_BUILTINS = {"frozenset", "set", "int", "long", "float", "complex", "bytes", "bytearray", "str", "unicode",
             "list", "dict", "tuple", "bool", "object", "slice", "range", "xrange"}


class SafeUnpickler(pickle.Unpickler):
    """Loads only data, Whoosh's and pfocr-search's classes, and the few
    functions a schema names; anything else (os.system, eval, a Whoosh
    helper that imports by name) fails with `UnsafeIndexError`."""

    def find_class(self, module: str, name: str) -> Any:
        if module in ("builtins", "__builtin__") and name in _BUILTINS or (module, name) in _FUNCTIONS:
            return super().find_class(module, name)
        if module.split(".")[0] in ("whoosh", "pfocr_search") and not name.startswith("_"):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise UnsafeIndexError(f"an index file asks to load {module}.{name}, which no pfocr-search index holds; "
                               "refusing to open it (was it altered?)")


def safe_loads(data: bytes, *args: Any, **kwargs: Any) -> Any:
    return SafeUnpickler(io.BytesIO(data)).load()


def safe_load(file: Any, *args: Any, **kwargs: Any) -> Any:
    return SafeUnpickler(file).load()


def install_safe_unpickling() -> None:
    """Make Whoosh read every pickle in an index with `SafeUnpickler`, and
    refuse the old table-of-contents formats (read by an unrestricted loader)."""
    missing = [f"{module.__name__}.{name}" for module, name in _LOADERS if not hasattr(module, name)]
    if missing:
        version = ".".join(map(str, whoosh.__version__))
        raise EngineError(f"whoosh-reloaded {version} lacks the pickle loaders pfocr-search makes safe "
                          f"({', '.join(missing)})")
    whoosh.columns.loads = safe_loads
    whoosh.codec.whoosh3.loads = safe_loads
    whoosh.formats.loads = safe_loads
    whoosh.filedb.structfile.load_pickle = safe_load
    whoosh.index.pickle = SimpleNamespace(loads=safe_loads, dumps=pickle.dumps, PicklingError=pickle.PicklingError)
    whoosh.index.toc_loaders = {}
