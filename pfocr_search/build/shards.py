"""Fresh builds in parallel: one Whoosh segment per worker process.

Whoosh analyses and writes postings in pure Python, one core at a time, and
that is most of a build.  A fresh build therefore splits the file groups
(in sorted order) into one contiguous shard per core; each worker process
reads its shard and writes it as a segment of the same new index (the way
Whoosh's own multi-segment writer does), returning the segment, its tallies
(gene vocabulary, synonyms), source state and figid claims.  The parent lists
all segments as the index and settles figid claims across shards by the same rule as a
serial build (`sources.claims`).

Measured on 5,000 synthetic records, 2 cores: a serial build 19.8 s, this
14.1 s.  Whoosh's MpWriter (procs=2) was tried first: with multisegment it cut
only the Whoosh part from 12.5 to 10.2 s (the parent still parses every record
and pickles every document to the workers), and without multisegment its
merge made it slower (19.5 s).
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..config import IndexConfig, parse_config
from ..engine.writer import RecordWriter, publish
from ..sources.changes import SourceState
from ..sources.model import FigureRecord
from ..sources.walked import WalkedFiles
from .session import Ledger, UpdateReport, WriteSession, settle
from .tallies import Tallies
from .workers import context, group_reader, start_worker, worker_count

# A fresh build gives each worker process a shard of at least this many files.
SHARD_MIN_FILES = 2000
# Two workers' posting buffers together stay under 400 MB of the 1.5 GB a
# 100,000-record build may use (not tuned further: spills were not the cost).
WRITER_LIMIT_MB = 192
_progress_counter = None  # set in each worker by the pool initializer
_RESULT_PREFIX = ".shard-result-"


@dataclass
class _ShardResult:
    segment: object
    tallies: Tallies
    state: SourceState
    report: UpdateReport
    #: figid -> the file that holds it in this shard, in the order met.
    holders: dict[str, str]
    displaced: list[tuple[str, str]]
    merges: dict[str, FigureRecord]


def shard_count(groups: list[list[Path]], workers: int | None) -> int:
    return max(1, min(worker_count(workers), sum(map(len, groups)) // SHARD_MIN_FILES))


def _init_worker(counter) -> None:
    global _progress_counter
    start_worker()
    _progress_counter = counter


def _build_shard(args: tuple[str, list[list[Path]], dict, str, int, WalkedFiles | None]) -> str:
    generation, groups, config_data, source, limitmb, data_files = args
    config = parse_config(config_data, source=source)
    parent = os.getppid()
    writer = RecordWriter.segment(Path(generation), config, limitmb)
    session = WriteSession(writer, Tallies(), SourceState(), UpdateReport(path=generation), data_files)
    try:
        with group_reader(groups, 1, data_files) as results:
            for group, items in zip(groups, results):
                if os.getppid() != parent:  # the build was killed: stop writing into it
                    raise SystemExit(1)
                session.write_group(group, items)
                with _progress_counter.get_lock():
                    _progress_counter.value += len(group)
    except BaseException:
        writer.cancel()
        raise
    segment = writer.finish_segment()
    result = _ShardResult(segment, session.tallies, session.state, session.report, session.ledger.claims.holders,
                          session.displaced, session.ledger.merges)
    # Handed over as a file, not through the pool's result pipe: a worker
    # blocked writing a large result into that pipe holds its lock, and a
    # Ctrl-C then hangs Pool.terminate() for good (seen on a loaded machine).
    path = Path(generation) / f"{_RESULT_PREFIX}{os.getpid()}.pickle"
    path.write_bytes(pickle.dumps(result, pickle.HIGHEST_PROTOCOL))
    return str(path)


def _take_result(path: str) -> _ShardResult:
    """A shard's result, read back from the file its worker wrote (and removed)."""
    data = Path(path).read_bytes()
    Path(path).unlink()
    return pickle.loads(data)  # written by this run's own worker a moment ago


def _split(groups: list[list[Path]], shards: int) -> list[list[list[Path]]]:
    total = sum(map(len, groups))
    out: list[list[list[Path]]] = [[]]
    size = 0
    for group in groups:
        if size >= total * len(out) / shards and len(out) < shards:
            out.append([])
        out[-1].append(group)
        size += len(group)
    return out


def build_in_shards(generation: Path, groups: list[list[Path]], state: SourceState, config: IndexConfig,
                    report: UpdateReport, progress: Callable[[int, int], None] | None,
                    shards: int, data_files: WalkedFiles | None = None) -> Tallies:
    """Write every group into the empty index at `generation`; the groups'
    states go into `state`, counts into `report`; returns the tallies (genes, synonyms)."""
    tallies = Tallies()
    tallies.use_alias_file(config.genes.alias_file)  # a bad alias file stops the build before it starts
    ctx = context()
    counter = ctx.Value("q", 0)
    total = sum(map(len, groups))
    jobs = [(str(generation), part, config.to_dict(), config.source, WRITER_LIMIT_MB, data_files)
            for part in _split(groups, shards)]
    with ctx.Pool(len(jobs), initializer=_init_worker, initargs=(counter,)) as pool:
        pending = pool.map_async(_build_shard, jobs)
        while not pending.ready():
            if progress:
                progress(counter.value, total)
            pending.wait(0.2)
        results = [_take_result(path) for path in pending.get()]
    if progress:
        progress(total, total)
    publish(generation, [r.segment for r in results])
    for r in results:
        tallies.merge(r.tallies)
    ledger = Ledger(state, report, tallies)
    displaced = [pair for r in results for pair in r.displaced]
    merges = {figid: record for r in results for figid, record in r.merges.items()}
    for r in results:
        _count(report, r.report)
        displaced += ledger.adopt(r.state, r.holders)
    settle(generation, config, displaced, tallies, WRITER_LIMIT_MB, {**merges, **ledger.merges})
    return tallies


def _count(report: UpdateReport, shard: UpdateReport) -> None:
    report.added += shard.added
    report.files_read += shard.files_read
    report.skipped += shard.skipped
    report.conflicts += shard.conflicts
    report.warnings += shard.warnings
