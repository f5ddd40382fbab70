"""Building an index from PFOCR record files.

A build reads every record under the sources, writes a new generation (a
Whoosh index plus its gene vocabulary) beside the current one, and only then
publishes it (see `storage`).  Whatever goes wrong before that point (a
`--strict` failure, Ctrl-C, a full disk, SIGKILL) leaves the previous index
exactly as it was.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from whoosh import index as whoosh_index

from . import __version__
from .config import IndexConfig, load_config
from .errors import BuildInterrupted, StrictModeError
from .genes import VocabularyCounter, load_alias_table
from .records import FigureRecord, ReadIssue, dedupe, discover, group_files, read_group
from .schema import build_schema, to_document
from .storage import VOCABULARY, Manifest, PfocrCodec, WriteLock, new_generation, remove_stale_generations

#: Called as progress(files_done, files_total).
ProgressCallback = Callable[[int, int], None]

# Below this many files a process pool costs more than it saves.
_PARALLEL_MIN_FILES = 2000
# Whoosh's in-memory posting buffer before it spills to disk; 256 MB keeps a
# 100,000-record build to a handful of spills without a large peak RSS.
_WRITER_LIMIT_MB = 256


@dataclass
class BuildReport:
    """What a build did."""

    path: str
    indexed: int = 0
    skipped: list[ReadIssue] = field(default_factory=list)
    conflicts: list[ReadIssue] = field(default_factory=list)
    files: int = 0
    elapsed: float = 0.0
    recovered_lock_from: int | None = None

    def summary(self) -> str:
        parts = [f"indexed {self.indexed} records", f"skipped {len(self.skipped)}"]
        if self.conflicts:
            parts.append(f"conflicts {len(self.conflicts)}")
        return f"{', '.join(parts)} in {self.elapsed:.1f}s -> {self.path}"


def build(
    sources: Sequence[str | os.PathLike[str]],
    path: str | os.PathLike[str],
    config: IndexConfig | None = None,
    *,
    strict: bool = False,
    progress: ProgressCallback | None = None,
    wait: float = 0.0,
    workers: int | None = None,
) -> BuildReport:
    """Build a fresh index of every record under `sources` at `path`.

    With `strict`, any unreadable record fails the build (`StrictModeError`)
    and the existing index is left untouched.
    """
    started = time.perf_counter()
    config = config or load_config()
    root = Path(path)
    files = discover(sources)
    report = BuildReport(path=str(root), files=len(files))
    with WriteLock(root, wait) as lock:
        report.recovered_lock_from = lock.recovered_from
        previous = _current_generation(root)
        generation = new_generation(root)
        try:
            _write_generation(generation, files, config, report, progress, workers)
            if strict and report.skipped:
                first = report.skipped[0]
                raise StrictModeError(f"--strict: {len(report.skipped)} record(s) could not be read, "
                                      f"index left unchanged (first: {first})")
            report.elapsed = time.perf_counter() - started
            Manifest(generation=generation.name, schema=config.schema_fingerprint(), config=config.to_dict(),
                     records=report.indexed, pfocr_search=__version__).save(root)
        except KeyboardInterrupt:
            shutil.rmtree(generation, ignore_errors=True)
            raise BuildInterrupted("interrupted: nothing was written, the previous index is unchanged") from None
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        remove_stale_generations(root, keep={generation.name, previous} - {None})
    return report


def _current_generation(root: Path) -> str | None:
    try:
        return Manifest.load(root).generation
    except Exception:  # no index yet, or a damaged one: the build replaces it
        return None


def _write_generation(
    generation: Path,
    files: list[Path],
    config: IndexConfig,
    report: BuildReport,
    progress: ProgressCallback | None,
    workers: int | None,
) -> None:
    ix = whoosh_index.create_in(str(generation), build_schema(config))
    writer = ix.writer(limitmb=_WRITER_LIMIT_MB, codec=PfocrCodec())
    vocabulary = VocabularyCounter()
    alias_path = config.genes.alias_path(config.source)
    if alias_path is not None:
        vocabulary.add_alias_table(load_alias_table(alias_path))
    try:
        for item in _records(files, progress, workers):
            if isinstance(item, ReadIssue):
                (report.conflicts if item.kind == "conflict" else report.skipped).append(item)
                continue
            writer.add_document(**to_document(item, config))
            vocabulary.add(item)
            report.indexed += 1
    except BaseException:
        writer.cancel()
        ix.close()
        raise
    writer.commit()
    ix.close()
    vocabulary.save(generation / VOCABULARY)


def _records(files: list[Path], progress: ProgressCallback | None,
             workers: int | None) -> Iterator[FigureRecord | ReadIssue]:
    groups = group_files(files)
    seen: dict[str, str] = {}
    done = 0
    if progress:
        progress(0, len(files))
    with _group_reader(groups, workers) as results:
        for group, items in zip(groups, results):
            yield from dedupe(items, seen)
            done += len(group)
            if progress:
                progress(done, len(files))


@contextmanager
def _group_reader(groups: list[list[Path]], workers: int | None) -> Iterator[Iterable[list]]:
    """Read groups in parallel when it pays: YAML parsing is most of a build's time."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    nfiles = sum(len(g) for g in groups)
    if workers <= 1 or nfiles < _PARALLEL_MIN_FILES:
        yield map(read_group, groups)
        return
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    pool = ctx.Pool(workers)
    try:
        yield pool.imap(read_group, groups, chunksize=32)
    finally:
        pool.terminate()
        pool.join()
