"""How an index lives on disk, and how a new state replaces an old one safely.

An index folder holds one or more *generations* (``gen-*/``: a Whoosh index
and its gene vocabulary) and a manifest (``pfocr-index.json``) naming the
current one.  A build writes a new generation beside the old and then
replaces the manifest with one atomic rename, so a reader sees the old state
or the new one, never a half-written one, and a build killed at any moment
leaves the previous index searchable.  One writer at a time holds an
advisory lock (``write.lock``); the kernel releases it when its process dies,
so a killed writer never blocks the next one.
"""

from __future__ import annotations

import json
import mmap
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

from .config import IndexConfig, parse_config
from .errors import ConfigMismatchError, IndexLockedError, IndexNotFoundError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

MANIFEST = "pfocr-index.json"
LOCK = "write.lock"
VOCABULARY = "genes.json"
FORMAT = 1
ENV_VAR = "PFOCR_SEARCH_INDEX"
DEFAULT_PATH = "pfocr-index"


def resolve_index_path(path: str | os.PathLike[str] | None) -> Path:
    """`path`, else $PFOCR_SEARCH_INDEX, else ./pfocr-index."""
    if path:
        return Path(path)
    return Path(os.environ.get(ENV_VAR) or DEFAULT_PATH)


@dataclass
class Manifest:
    """What the current state of an index is and how it was built."""

    generation: str
    schema: str
    config: dict[str, Any]
    records: int
    built_at: float = field(default_factory=time.time)
    format: int = FORMAT
    pfocr_search: str = ""

    def built_config(self, root: Path) -> IndexConfig:
        """The configuration the index was built with, if this pfocr-search can
        still read what it built (a release that changes the fixed part of the
        schema cannot, and says to rebuild rather than fail on a missing field)."""
        config = parse_config(self.config, source=f"{root} (as built)")
        if config.schema_fingerprint() != self.schema:
            raise ConfigMismatchError(f"index at {root} was built by a pfocr-search with another index layout; "
                                      "rebuild it: pfocr-search index SOURCE... --rebuild")
        return config

    def accept(self, root: Path, config: IndexConfig) -> IndexConfig:
        """`config`, if it indexes what this index was built with (boosts and
        query settings may differ); else a ConfigMismatchError saying to rebuild."""
        self.built_config(root)
        if config.schema_fingerprint() != self.schema:
            raise ConfigMismatchError(f"index at {root} was built with other fields or analyzers than "
                                      f"{config.source}; rebuild it with --rebuild to use this config")
        return config

    def save(self, root: Path) -> None:
        tmp = root / f".{MANIFEST}.{os.getpid()}.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, root / MANIFEST)

    @classmethod
    def load(cls, root: Path) -> "Manifest":
        path = root / MANIFEST
        if not path.is_file():
            if not root.exists():
                raise IndexNotFoundError(f"no index at {root} "
                                         f"(build one with: pfocr-search index SOURCE --index {root})")
            raise IndexNotFoundError(f"{root} is not a pfocr-search index (no {MANIFEST}); "
                                     f"build one with: pfocr-search index SOURCE --index {root}")
        try:
            data = json.loads(path.read_text("utf-8"))
            manifest = cls(**data)
        except (ValueError, TypeError) as exc:
            raise IndexNotFoundError(f"{path} is damaged ({exc}); rebuild with --rebuild") from None
        if manifest.format != FORMAT:
            raise IndexNotFoundError(f"index at {root} has format {manifest.format}; "
                                     f"this pfocr-search reads format {FORMAT}: rebuild it with --rebuild")
        return manifest


class MappedStorage(FileStorage):
    """An index folder whose files are opened as read-only memory maps.

    Segments are written as separate files (see indexer), which Whoosh reads
    with a seek and a read system call each time: scoring a query makes
    hundreds of small reads (term lookups, posting lists).  A map makes each
    one a memory copy: text queries ~6% faster at 100,000 figures.
    """

    def open_file(self, name, **kwargs):
        with open(self._fpath(name), "rb") as fh:
            if os.fstat(fh.fileno()).st_size == 0:  # empty files cannot be mapped
                return super().open_file(name, **kwargs)
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        return StructFile(mapped, name=name, **kwargs)


def open_generation(path: Path):
    """The Whoosh index of one generation, for searching."""
    return MappedStorage(str(path)).open_index()


def new_generation(root: Path) -> Path:
    path = root / f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    path.mkdir(parents=True)
    return path


def link_generation(source: Path, target: Path) -> None:
    """Start `target` as a copy of generation `source`, by hard links where the
    filesystem allows (Whoosh writes each segment file once and never again,
    so the two generations can share them)."""
    for item in source.iterdir():
        if not item.is_file() or item.name.endswith("LOCK"):
            continue
        try:
            os.link(item, target / item.name)
        except OSError:
            shutil.copy2(item, target / item.name)


def remove_stale_generations(root: Path, keep: set[str]) -> None:
    """Delete generations other than `keep` (call only while holding the lock).

    The generation just replaced is kept by callers, so searches that opened
    it a moment ago can finish; anything older, or left by a killed build, goes.
    """
    for child in root.glob("gen-*"):
        if child.name not in keep and child.is_dir():
            shutil.rmtree(child, ignore_errors=True)


class WriteLock:
    """Exclusive writer lock on an index folder (flock: released if the process dies)."""

    def __init__(self, root: Path, wait: float = 0.0) -> None:
        self.root = root
        self.wait = wait
        self._fh: Any = None
        self.recovered_from: int | None = None

    def __enter__(self) -> "WriteLock":
        self.root.mkdir(parents=True, exist_ok=True)
        fh = open(self.root / LOCK, "a+", encoding="utf-8")
        deadline = time.monotonic() + self.wait
        while fcntl is not None:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    holder = _read_pid(fh)
                    fh.close()
                    who = f" (pid {holder})" if holder else ""
                    raise IndexLockedError(f"index at {self.root} is being updated by another process{who}; "
                                           "try again later or pass --wait SECONDS") from None
                time.sleep(0.1)
        previous = _read_pid(fh)
        if previous and previous != os.getpid() and not _alive(previous):
            self.recovered_from = previous
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.seek(0)
            self._fh.truncate()
            self._fh.close()
            self._fh = None


def _read_pid(fh: Any) -> int | None:
    fh.seek(0)
    text = fh.read().strip()
    return int(text) if text.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
