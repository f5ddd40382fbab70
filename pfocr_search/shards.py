"""Fresh builds in parallel: one Whoosh segment per worker process.

Whoosh analyses and writes postings in pure Python, one core at a time, and
that is most of a build.  A fresh build therefore splits the file groups
(in sorted order) into one contiguous shard per core; each worker process
reads its shard and writes it as a segment of the same new index (the way
Whoosh's own multi-segment writer does), returning the segment, its gene
vocabulary and source state.  The parent then lists all segments in one
table of contents and settles figid clashes between shards: the first file
in sorted path order wins, as in a serial build.

Measured on 5,000 synthetic records, 2 cores: a serial build 19.8 s, this
14.1 s.  Whoosh's MpWriter (procs=2) was tried first: with multisegment it cut
only the Whoosh part from 12.5 to 10.2 s (the parent still parses every record
and pickles every document to the workers), and without multisegment its
merge made it slower (19.5 s).
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.writing import SegmentWriter

from .changes import SourceState, group_key, state_for
from .config import IndexConfig, parse_config
from .genes import VocabularyCounter
from .postings import PfocrCodec, use_chunked_pool
from .records import FigureRecord, ReadIssue, read_group
from .schema import RECORD, to_document, unpack_record
from .storage import VOCABULARY

if TYPE_CHECKING:  # pragma: no cover
    from .indexer import UpdateReport, _Plan

# Two workers' posting buffers together stay under 400 MB of the 1.5 GB a
# 100,000-record build may use (not tuned further: spills were not the cost).
_WRITER_LIMIT_MB = 192
_progress_counter = None  # set in each worker by the pool initializer


@dataclass
class _ShardResult:
    segment: object
    vocabulary: VocabularyCounter
    state: SourceState
    figids: dict[str, str] = field(default_factory=dict)  # figid -> path
    issues: list[ReadIssue] = field(default_factory=list)


def _init_worker(counter) -> None:
    global _progress_counter
    _progress_counter = counter


class _ShardStorage(FileStorage):
    """The generation's storage, with a temporary folder of this process's own.

    Every Whoosh writer spills posting runs to `<indexname>.tmp`, and deletes
    that folder when done; two shard writers sharing it deleted each other's
    runs as soon as a build was large enough to spill."""

    def temp_storage(self, name=None):
        return super().temp_storage(f"{name or 'tmp'}.{os.getpid()}")


def _build_shard(args: tuple[str, list[list[Path]], dict, str]) -> _ShardResult:
    generation, groups, config_data, source = args
    config = parse_config(config_data, source=source)
    parent = os.getppid()
    ix = _ShardStorage(generation).open_index()
    writer = SegmentWriter(ix, _lk=False, codec=PfocrCodec(), limitmb=_WRITER_LIMIT_MB, compound=False)
    use_chunked_pool(writer, _WRITER_LIMIT_MB)
    result = _ShardResult(None, VocabularyCounter(), SourceState())
    try:
        for group in groups:
            if os.getppid() != parent:  # the build was killed: stop writing into it
                raise SystemExit(1)
            kept: list[FigureRecord | ReadIssue] = []
            for item in read_group(group):
                if isinstance(item, FigureRecord) and item.figid in result.figids:
                    item = ReadIssue(item.path, f"figid {item.figid} is also in {result.figids[item.figid]} "
                                                "(kept that one)", "conflict")
                if isinstance(item, FigureRecord):
                    writer.add_document(**to_document(item, config))
                    result.vocabulary.add(item)
                    result.figids[item.figid] = item.path
                else:
                    result.issues.append(item)
                kept.append(item)
            result.state.groups[group_key(group)] = state_for(group, kept)
            with _progress_counter.get_lock():
                _progress_counter.value += len(group)
        result.segment = writer._finalize_segment()
    finally:
        writer._close_segment()
        writer._tempstorage.destroy()
    return result


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


def build_in_shards(generation: Path, plan: "_Plan", config: IndexConfig, report: "UpdateReport",
                    progress: Callable[[int, int], None] | None, shards: int) -> None:
    """Write every group of `plan` into the empty index at `generation`."""
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    counter = ctx.Value("q", 0)
    total = sum(map(len, plan.to_read))
    jobs = [(str(generation), part, config.to_dict(), config.source) for part in _split(plan.to_read, shards)]
    with ctx.Pool(len(jobs), initializer=_init_worker, initargs=(counter,)) as pool:
        pending = pool.map_async(_build_shard, jobs)
        while not pending.ready():
            if progress:
                progress(counter.value, total)
            pending.wait(0.2)
        results: list[_ShardResult] = pending.get()
    if progress:
        progress(total, total)
    ix = whoosh_index.open_dir(str(generation))
    TOC(ix.schema, [r.segment for r in results], 1).write(ix.storage, ix.indexname)
    ix.close()
    vocabulary = VocabularyCounter()
    vocabulary.use_alias_file(config.genes.alias_file)
    for r in results:
        _merge_counts(vocabulary, r.vocabulary)
        plan.state.groups.update(r.state.groups)
        for issue in r.issues:
            (report.conflicts if issue.kind == "conflict" else report.skipped).append(issue)
    report.added = sum(len(r.figids) for r in results)
    report.files_read = total
    _settle_clashes(generation, results, plan.state, vocabulary, report)
    vocabulary.save(generation / VOCABULARY)


def _merge_counts(into: VocabularyCounter, other: VocabularyCounter) -> None:
    into.figures.update(other.figures)
    for name in ("ids", "organisms", "aliases"):
        mine = getattr(into, name)
        for key, counts in getattr(other, name).items():
            mine.setdefault(key, type(counts)()).update(counts)


def _settle_clashes(generation: Path, results: list[_ShardResult], state: SourceState,
                    vocabulary: VocabularyCounter, report: "UpdateReport") -> None:
    """A figid written by two shards: keep the first path, delete the others."""
    first: dict[str, str] = {}
    losers: dict[str, list[str]] = {}
    for r in results:
        for figid, path in r.figids.items():
            if figid not in first or path < first[figid]:
                if figid in first:
                    losers.setdefault(figid, []).append(first[figid])
                first[figid] = path
            else:
                losers.setdefault(figid, []).append(path)
    if not losers:
        return
    ix = whoosh_index.open_dir(str(generation))
    with ix.searcher() as searcher, ix.writer(codec=PfocrCodec(), compound=False) as writer:
        for figid, paths in losers.items():
            for docnum in searcher.document_numbers(figid=figid):
                record = unpack_record(searcher.stored_fields(docnum)[RECORD])
                if record.path in paths:
                    writer.delete_document(docnum)
                    vocabulary.remove(record)
                    report.added -= 1
                    issue = ReadIssue(record.path, f"figid {figid} is also in {first[figid]} (kept that one)",
                                      "conflict")
                    report.conflicts.append(issue)
                    for group in state.groups.values():
                        if record.path in group.files and figid in group.figids:
                            group.figids.remove(figid)
                            group.issues.append([issue.path, issue.reason, issue.kind])
    ix.close()
