"""Building and updating an index from PFOCR record files.

Every run, full or incremental, writes a new *generation* and publishes it
with one atomic rename (see `engine.storage`).  An incremental run starts the
new generation as hard links to the current one (Whoosh never rewrites a
segment file, so sharing them is safe and costs no copying), re-reads only
the groups of files that changed (see `sources.changes`), and deletes the
figures whose files are gone.  Whatever goes wrong before publishing (a
`--strict` failure, Ctrl-C, a full disk, SIGKILL) leaves the previous index
exactly as it was; Ctrl-C reaches the caller as KeyboardInterrupt.
"""

from __future__ import annotations

import gc
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..arguments import source_paths
from ..config import IndexConfig, load_config, parse_config
from . import ProgressCallback
from ..engine.storage import (
    LOCK,
    Manifest,
    WriteLock,
    check_index_folder,
    check_sizes,
    link_generation,
    new_generation,
    record_sizes,
    remove_stale_generations,
    remove_unfinished_generations,
)
from ..engine.writer import RecordWriter, create_index
from ..errors import ConfigError, IndexWriteError, SourceError, StrictModeError
from ..sources.changes import STATE, GroupState, SourceState, is_unchanged
from ..sources.discovery import discover, group_files, group_key, orphan_tables
from ..sources.model import ReadIssue
from ..sources.walked import WalkedFiles
from ..version import __version__
from .session import UpdateReport, WriteSession, settle
from .shards import build_in_shards, shard_count
from .tallies import Tallies
from .workers import group_reader


# Whoosh's in-memory posting buffer before it spills to disk, for serial
# builds and updates (parallel builds: see shards).  Profiles put the cost in
# analysis and posting writes, not in spills, so this only bounds memory.
_WRITER_LIMIT_MB = 256


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
    root = Path(path)
    new = not root.exists()
    sources = source_paths(sources)  # one path given as a string had been read letter by letter
    try:
        return _update(sources, root, config, rebuild, strict, progress, wait, workers)
    except OSError as exc:  # the index's side: reading sources never raises this far
        where = f" ({exc.filename})" if exc.filename else ""
        raise IndexWriteError(f"cannot write the index at {root}: {exc.strerror or exc}{where}") from None
    finally:
        if new:
            _remove_if_unused(root)


def _remove_if_unused(root: Path) -> None:
    """A first build that failed had left its folder behind, holding only a
    lock file: a folder that looks like an index to whoever lists it."""
    try:
        if {p.name for p in root.iterdir()} <= {LOCK}:
            shutil.rmtree(root)
    except OSError:  # never created, or another writer has begun there
        pass


def _update(sources: Sequence[str | os.PathLike[str]], root: Path, config: IndexConfig | None, rebuild: bool,
            strict: bool, progress: ProgressCallback | None, wait: float, workers: int | None) -> UpdateReport:
    started = time.perf_counter()
    check_index_folder(root)
    data_files = WalkedFiles()
    problems: list[ReadIssue] = []
    with _collector_paused():
        groups = group_files(discover(sources, data_files, problems))
    with WriteLock(root, wait) as lock:
        existing = _current_manifest(root)
        remove_unfinished_generations(root, existing and existing.generation, (STATE,))
        current = None if rebuild else existing
        if current is not None:  # an update builds on its files: a damaged one asks for --rebuild
            check_sizes(root / current.generation)
        config = _config_for(root, current, config, existing)
        report = UpdateReport(path=str(root), files=sum(map(len, groups)), rebuilt=current is None,
                              recovered_lock_from=lock.recovered_from)
        with _collector_paused():
            old_state = SourceState.load(root / current.generation / STATE) if current else SourceState()
            report.count_issues(problems)  # a record file its name kept out is skipped, the rest warned of
            plan = _plan(groups, old_state, report, data_files)
        # A new configuration (boosts, synonym thresholds) is written as a new
        # generation even when no record changed: it had been dropped silently.
        if current is not None and not plan.to_read and not plan.removed_figids(old_state) \
                and current.config == config.to_dict():
            _report_orphans(report, plan.state, data_files)
            _check_strict(strict, report)
            # Nothing to write: keep the generation; remember touched files' new times.
            if plan.touched:
                plan.state.save(root / current.generation / STATE)
            report.elapsed = time.perf_counter() - started
            return report
        generation = new_generation(root)
        try:
            _write_generation(generation, current and root / current.generation, plan, old_state, config,
                              report, progress, workers)
            _report_orphans(report, plan.state, data_files)
            _check_strict(strict, report)
            previous = old_state if current is not None else _state_of(root, existing)
            _check_not_emptied(existing, previous, report)
            if current is None:
                report.removed = len(previous.figids() - plan.state.figids())
            plan.state.save(generation / STATE)
            record_sizes(generation)
            report.elapsed = time.perf_counter() - started
            Manifest(generation=generation.name, schema=config.schema_fingerprint(), config=config.to_dict(),
                     records=report.indexed, pfocr_search=__version__).save(root)
        except BaseException:  # Ctrl-C included: the previous index stays as it was
            if _named_generation(root) != generation.name:  # unless it came just after the switch to this one
                shutil.rmtree(generation, ignore_errors=True)
            raise
        # The generation just replaced stays for searches that opened it a moment ago.
        remove_stale_generations(root, {generation.name} | ({existing.generation} if existing else set()))
    return report


@contextmanager
def _collector_paused():
    """Python's cycle collector off while the sources are walked and compared with the
    state: millions of paths, signatures and lists that form no cycle, which it had
    traversed again and again (a no-change update of 100,000 figures: _plan 2.8 -> 2.35 s)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def build(sources: Sequence[str | os.PathLike[str]], path: str | os.PathLike[str],
          config: IndexConfig | None = None, **kwargs) -> UpdateReport:
    """A fresh index of every record under `sources` (see `update`)."""
    return update(sources, path, config, rebuild=True, **kwargs)


def _report_orphans(report: UpdateReport, state: SourceState, data_files: WalkedFiles) -> None:
    report.warnings += orphan_tables(data_files.tables, (p for g in state.groups.values() for p in g.files))


def _check_strict(strict: bool, report: UpdateReport) -> None:
    if strict and report.skipped:
        raise StrictModeError(f"--strict: {len(report.skipped)} record(s) could not be read, index left "
                              f"unchanged (first: {report.skipped[0]})")


@dataclass
class _Plan:
    """Groups to re-read, and the state of the groups that stay as they are."""

    to_read: list[list[Path]]
    state: SourceState
    #: The folders and tables the walk of the sources saw (see parse.data_tables).
    data_files: WalkedFiles | None = None
    #: Whether some unchanged file has a new modification time to remember.
    touched: bool = False

    def removed_figids(self, old: SourceState) -> set[str]:
        """Figids of groups that are gone (when nothing is to be re-read)."""
        return old.figids() - self.state.figids()


def _plan(groups: list[list[Path]], old_state: SourceState, report: UpdateReport,
          data_files: WalkedFiles | None = None) -> _Plan:
    plan = _Plan([], SourceState(), data_files)
    for group in groups:
        key = group_key(group)
        old = old_state.groups.get(key)
        # A group that lost a figid clash is re-read every run: the winner may be gone.
        unchanged, files = is_unchanged(group, old, data_files) if old and not old.reread() else (False, {})
        if unchanged:
            plan.touched |= files != old.files
            plan.state.groups[key] = GroupState(files, old.figids, old.issues)
            report.count_issues(old.read_issues())
            report.unchanged += len(old.figids)
        else:
            plan.to_read.append(group)
    return plan


def _named_generation(root: Path) -> str | None:
    manifest = _current_manifest(root)
    return manifest.generation if manifest else None


def _current_manifest(root: Path) -> Manifest | None:
    try:
        return Manifest.load(root)
    except Exception:  # no index yet, or a damaged one: the run builds a new one
        return None


def _config_for(root: Path, current: Manifest | None, config: IndexConfig | None,
                existing: Manifest | None) -> IndexConfig:
    if current is not None:
        return current.built_config(root) if config is None else current.accept(root, config)
    if config is None and existing is not None:
        # A rebuild keeps the index's own configuration unless given another:
        # one built with --config had been rebuilt with the defaults, silently.
        try:
            return parse_config(existing.config, source=f"{root} (as built)")
        except ConfigError:  # written by a release that read it otherwise: the defaults, as for a new index
            pass
    return config or load_config()


def _check_not_emptied(existing: Manifest | None, previous: SourceState, report: UpdateReport) -> None:
    """Sources that yield no figure while the index's record files are still
    there (a mistyped path, a `_data` folder alone, the index's own folder, a
    folder whose records sit in hidden or linked folders, every record now
    unreadable) had emptied the index and said so only in its summary's
    "removed": refused, the index stays as it was.  Records all deleted empty it."""
    if existing is None or not existing.records or report.indexed:
        return
    if previous.groups and not any(_still_there(path) for group in previous.groups.values()
                                   for path in group.figids.values()):
        return
    found = (f"none of the {report.files} record file(s) under the sources given could be read" if report.files
             else "no record file was found under the sources given")
    raise SourceError(f"{found}: the index's {existing.records} figures, whose files are still there, were "
                      "left as they were")


def _still_there(path: str) -> bool:
    """Whether a record file may still exist: only "no such file" says it is
    gone (a folder that cannot be read hides files, it does not delete them)."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        pass
    return True


def _state_of(root: Path, manifest: Manifest | None) -> SourceState:
    """The sources' state of the generation `manifest` names (none: empty)."""
    try:
        return SourceState.load(root / manifest.generation / STATE) if manifest else SourceState()
    except Exception:  # noqa: BLE001 - a damaged generation: nothing to compare with
        return SourceState()


def _write_generation(generation: Path, current: Path | None, plan: _Plan, old_state: SourceState,
                      config: IndexConfig, report: UpdateReport, progress: ProgressCallback | None,
                      workers: int | None) -> None:
    """Fill `generation`: from scratch (in shards when it pays), or from `current` plus the plan."""
    if current is None:
        create_index(generation, config)
        shards = shard_count(plan.to_read, workers)
        if shards > 1:
            tallies = build_in_shards(generation, plan.to_read, plan.state, config, report, progress, shards,
                                      plan.data_files)
            tallies.save(generation, config)
            return
    else:
        link_generation(current, generation, (STATE,))
    _apply(generation, plan, old_state, config, report, progress, workers)


def _apply(generation: Path, plan: _Plan, old_state: SourceState, config: IndexConfig, report: UpdateReport,
           progress: ProgressCallback | None, workers: int | None) -> None:
    """Bring the Whoosh index and tallies in `generation` up to date with `plan`."""
    tallies = Tallies.load(generation)
    tallies.use_alias_file(config.genes.alias_file)
    writer = RecordWriter.open(generation, config, _WRITER_LIMIT_MB)
    try:
        session = WriteSession(writer, tallies, plan.state, report, plan.data_files)
        total, done = sum(map(len, plan.to_read)), 0
        if progress:
            progress(0, total)
        with group_reader(plan.to_read, workers, plan.data_files) as results:
            for group, items in zip(plan.to_read, results):
                session.write_group(group, items)
                done += len(group)
                if progress:
                    progress(done, total)
        for figid in sorted(old_state.figids() - plan.state.figids() - set(session.written)):
            old = writer.stored(figid)
            if old is not None:
                tallies.remove(old)
            writer.delete(figid)
            report.removed += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    settle(generation, config, session.displaced, tallies, _WRITER_LIMIT_MB, session.ledger.merges)
    tallies.save(generation, config)
