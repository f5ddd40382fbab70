"""Building and updating an index from PFOCR record files.

Every run, full or incremental, writes a new *generation* and publishes it
with one atomic rename (see `storage`).  An incremental run starts the new
generation as hard links to the current one (Whoosh never rewrites a segment
file, so sharing them is safe and costs no copying), re-reads only the groups
of files that changed (see `changes`), and deletes the figures whose files
are gone.  Whatever goes wrong before publishing (a `--strict` failure,
Ctrl-C, a full disk, SIGKILL) leaves the previous index exactly as it was.
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
from .changes import STATE, GroupState, SourceState, group_key, is_unchanged, state_for
from .config import IndexConfig, load_config
from .errors import BuildInterrupted, StrictModeError
from .genes import VocabularyCounter
from .postings import PfocrCodec, use_chunked_pool
from .records import FigureRecord, ReadIssue, discover, group_files, read_group
from .schema import RECORD, build_schema, to_document, unpack_record
from .shards import build_in_shards
from .storage import (
    VOCABULARY,
    Manifest,
    WriteLock,
    link_generation,
    new_generation,
    remove_stale_generations,
)

#: Called as progress(files_done, files_total).
ProgressCallback = Callable[[int, int], None]

# Below this many files to read a process pool costs more than it saves.
_PARALLEL_MIN_FILES = 2000
# A fresh build gives each worker process a shard of at least this many files.
_SHARD_MIN_FILES = 2000
# Whoosh's in-memory posting buffer before it spills to disk, for serial
# builds and updates (parallel builds: see shards).  Profiles put the cost in
# analysis and posting writes, not in spills, so this only bounds memory.
_WRITER_LIMIT_MB = 256


@dataclass
class UpdateReport:
    """What a build or an update did."""

    path: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[ReadIssue] = field(default_factory=list)
    conflicts: list[ReadIssue] = field(default_factory=list)
    files: int = 0
    #: Files whose groups were read (parsed) this run.
    files_read: int = 0
    elapsed: float = 0.0
    rebuilt: bool = False
    recovered_lock_from: int | None = None

    @property
    def indexed(self) -> int:
        """Figures in the index after the run."""
        return self.added + self.updated + self.unchanged

    def summary(self) -> str:
        parts = [f"added {self.added}", f"updated {self.updated}", f"removed {self.removed}",
                 f"unchanged {self.unchanged}", f"skipped {len(self.skipped)}"]
        if self.conflicts:
            parts.append(f"conflicts {len(self.conflicts)}")
        kind = "built" if self.rebuilt else "updated"
        return f"{kind} {self.path}: {self.indexed} figures ({', '.join(parts)}) in {self.elapsed:.1f}s"


def update(
    sources: Sequence[str | os.PathLike[str]],
    path: str | os.PathLike[str],
    config: IndexConfig | None = None,
    *,
    rebuild: bool = False,
    strict: bool = False,
    progress: ProgressCallback | None = None,
    wait: float = 0.0,
    workers: int | None = None,
) -> UpdateReport:
    """Make the index at `path` mirror the records under `sources`.

    A new or `rebuild` index is built from scratch; otherwise only what
    changed is re-read.  `config` must match the index's schema unless
    rebuilding (`ConfigMismatchError`).  With `strict`, any unreadable record
    fails the run (`StrictModeError`) and the index is left untouched.
    """
    started = time.perf_counter()
    root = Path(path)
    data_files: set[str] = set()
    groups = group_files(discover(sources, data_files))
    with WriteLock(root, wait) as lock:
        existing = _current_manifest(root)
        current = None if rebuild else existing
        config = _config_for(root, current, config)
        report = UpdateReport(path=str(root), files=sum(map(len, groups)), rebuilt=current is None,
                              recovered_lock_from=lock.recovered_from)
        old_state = SourceState.load(root / current.generation / STATE) if current else SourceState()
        plan = _plan(groups, old_state, report, data_files)
        if current is not None and not plan.to_read and not plan.removed_figids(old_state):
            if strict and report.skipped:
                raise StrictModeError(_strict_message(report))
            # Nothing to write: keep the generation; remember touched files' new times.
            if plan.touched:
                plan.state.save(root / current.generation / STATE)
            report.elapsed = time.perf_counter() - started
            return report
        generation = new_generation(root)
        try:
            if current is None:
                whoosh_index.create_in(str(generation), build_schema(config)).close()
            else:
                link_generation(root / current.generation, generation)
            if current is None and _shard_count(plan.to_read, workers) > 1:
                build_in_shards(generation, plan, config, report, progress, _shard_count(plan.to_read, workers))
            else:
                _apply(generation, plan, old_state, config, report, progress, workers)
            if strict and report.skipped:
                raise StrictModeError(_strict_message(report))
            plan.state.save(generation / STATE)
            report.elapsed = time.perf_counter() - started
            Manifest(generation=generation.name, schema=config.schema_fingerprint(), config=config.to_dict(),
                     records=report.indexed, pfocr_search=__version__).save(root)
        except KeyboardInterrupt:
            shutil.rmtree(generation, ignore_errors=True)
            raise BuildInterrupted("interrupted: nothing was written, the previous index is unchanged") from None
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        # The generation just replaced stays for searches that opened it a moment ago.
        remove_stale_generations(root, {generation.name} | ({existing.generation} if existing else set()))
    return report


def _strict_message(report: UpdateReport) -> str:
    return (f"--strict: {len(report.skipped)} record(s) could not be read, index left unchanged "
            f"(first: {report.skipped[0]})")


@dataclass
class _Plan:
    """Groups to re-read, and the state of the groups that stay as they are."""

    to_read: list[list[Path]]
    state: SourceState
    #: Every TSV the walk of the sources saw (see changes.watched_paths).
    data_files: set[str] | None = None
    #: Whether some unchanged file has a new modification time to remember.
    touched: bool = False

    def removed_figids(self, old: SourceState) -> set[str]:
        """Figids of groups that are gone (when nothing is to be re-read)."""
        kept = {f for g in self.state.groups.values() for f in g.figids}
        return {f for g in old.groups.values() for f in g.figids} - kept


def _plan(groups: list[list[Path]], old_state: SourceState, report: UpdateReport,
          data_files: set[str] | None = None) -> _Plan:
    plan = _Plan([], SourceState(), data_files)
    for group in groups:
        key = group_key(group)
        old = old_state.groups.get(key)
        # A group that lost a figid clash is re-read every run: the winner may be gone.
        unchanged, files = is_unchanged(group, old, data_files) if old and not old.conflicts() else (False, {})
        if unchanged:
            plan.touched |= files != old.files
            plan.state.groups[key] = GroupState(files, old.figids, old.issues)
            _count_issues(report, old.read_issues())
            report.unchanged += len(old.figids)
        else:
            plan.to_read.append(group)
    return plan


def build(sources: Sequence[str | os.PathLike[str]], path: str | os.PathLike[str],
          config: IndexConfig | None = None, **kwargs) -> UpdateReport:
    """A fresh index of every record under `sources` (see `update`)."""
    return update(sources, path, config, rebuild=True, **kwargs)


def _current_manifest(root: Path) -> Manifest | None:
    try:
        return Manifest.load(root)
    except Exception:  # no index yet, or a damaged one: the run builds a new one
        return None


def _config_for(root: Path, current: Manifest | None, config: IndexConfig | None) -> IndexConfig:
    if current is None:
        return config or load_config()
    return current.built_config(root) if config is None else current.accept(root, config)


def _apply(generation: Path, plan: _Plan, old_state: SourceState, config: IndexConfig, report: UpdateReport,
           progress: ProgressCallback | None, workers: int | None) -> None:
    """Bring the Whoosh index and gene vocabulary in `generation` up to date with `plan`."""
    ix = whoosh_index.open_dir(str(generation))
    vocabulary = VocabularyCounter.load(generation / VOCABULARY) if (generation / VOCABULARY).is_file() \
        else VocabularyCounter()
    vocabulary.use_alias_file(config.genes.alias_file)
    searcher = ix.searcher()
    # Not compound: Whoosh opens a compound segment's parts by copying each
    # into memory (BytesIO over the mmap), 0.25 s and the postings' size in
    # RSS for every process that opens a 100,000-figure index.
    writer = ix.writer(limitmb=_WRITER_LIMIT_MB, codec=PfocrCodec(), compound=False)
    use_chunked_pool(writer, _WRITER_LIMIT_MB)
    try:
        owners = {figid: key for key, g in plan.state.groups.items() for figid in g.figids}
        gone = {f for g in old_state.groups.values() for f in g.figids} - set(owners)
        written = _write_changed(plan, searcher, writer, config, vocabulary, owners, report, progress, workers)
        for figid in sorted(gone - written):
            _delete(searcher, writer, figid, vocabulary)
            report.removed += 1
    except BaseException:
        writer.cancel()
        raise
    finally:
        searcher.close()
    writer.commit()
    ix.close()
    vocabulary.save(generation / VOCABULARY)


def _write_changed(plan: _Plan, searcher, writer, config: IndexConfig, vocabulary: VocabularyCounter,
                   owners: dict[str, str], report: UpdateReport,
                   progress: ProgressCallback | None, workers: int | None) -> set[str]:
    """Read the changed groups and write their records; returns the figids written."""
    groups, state = plan.to_read, plan.state
    written: set[str] = set()
    total = sum(map(len, groups))
    done = 0
    if progress:
        progress(0, total)
    with _group_reader(groups, workers) as results:
        for group, items in zip(groups, results):
            kept: list[FigureRecord | ReadIssue] = []
            for item in items:
                if isinstance(item, FigureRecord) and item.figid in written:
                    item = _conflict(item, state.groups[owners[item.figid]].first_path())
                elif isinstance(item, FigureRecord) and item.figid in owners:
                    holder = state.groups[owners[item.figid]]
                    if holder.first_path() < item.path:
                        item = _conflict(item, holder.first_path())
                    else:  # this file sorts first: it takes the figid from the unchanged group
                        holder.lose(item.figid, item.path)
                        report.unchanged -= 1
                if isinstance(item, FigureRecord):
                    _write(searcher, writer, item, config, vocabulary, report)
                    written.add(item.figid)
                    owners[item.figid] = group_key(group)
                kept.append(item)
            state.groups[group_key(group)] = state_for(group, kept, plan.data_files)
            _count_issues(report, [i for i in kept if isinstance(i, ReadIssue)])
            done += len(group)
            report.files_read += len(group)
            if progress:
                progress(done, total)
    return written


def _conflict(record: FigureRecord, kept_path: str) -> ReadIssue:
    return ReadIssue(record.path, f"figid {record.figid} is also in {kept_path} (kept that one)", "conflict")


def _count_issues(report: UpdateReport, issues: Iterable[ReadIssue]) -> None:
    for issue in issues:
        (report.conflicts if issue.kind == "conflict" else report.skipped).append(issue)


def _write(searcher, writer, record: FigureRecord, config: IndexConfig, vocabulary: VocabularyCounter,
           report: UpdateReport) -> None:
    old = searcher.document(figid=record.figid)
    if old is None:
        report.added += 1
        writer.add_document(**to_document(record, config))
    else:
        report.updated += 1
        vocabulary.remove(unpack_record(old[RECORD]))
        writer.update_document(**to_document(record, config))
    vocabulary.add(record)


def _delete(searcher, writer, figid: str, vocabulary: VocabularyCounter) -> None:
    old = searcher.document(figid=figid)
    if old is not None:
        vocabulary.remove(unpack_record(old[RECORD]))
    writer.delete_by_term("figid", figid)


def _workers(workers: int | None) -> int:
    """Worker processes to use; none inside a daemonic process, which may not start any."""
    if multiprocessing.current_process().daemon:
        return 1
    return workers if workers is not None else (os.cpu_count() or 1)


def _shard_count(groups: list[list[Path]], workers: int | None) -> int:
    workers = _workers(workers)
    return max(1, min(workers, sum(map(len, groups)) // _SHARD_MIN_FILES))


@contextmanager
def _group_reader(groups: list[list[Path]], workers: int | None) -> Iterator[Iterable[list]]:
    """Read groups in parallel when it pays: YAML parsing is a third of a build."""
    workers = _workers(workers)
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
