"""Writing the records of re-read file groups, one group at a time.

A `WriteSession` is what a serial build, an incremental update and each
worker of a parallel build share: every record claims its figid (`claims`),
winners are written, the gene vocabulary follows every write, and each
group's new state is remembered.  A record that takes a figid from one
written earlier in the same run leaves that copy to `remove_displaced`,
since a Whoosh writer cannot delete what it has not committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ..config import IndexConfig
from ..engine.writer import RecordWriter
from ..genes.vocabulary import VocabularyCounter
from ..sources.changes import SourceState, state_for
from ..sources.discovery import group_key
from ..sources.model import FigureRecord, Item, ReadIssue


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
    #: Problems that cost no figure: an unreadable `_data` table or folder, an orphan table.
    warnings: list[ReadIssue] = field(default_factory=list)
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

    def count_issues(self, issues: Iterable[ReadIssue]) -> None:
        lists = {"conflict": self.conflicts, "warning": self.warnings}
        for issue in issues:
            lists.get(issue.kind, self.skipped).append(issue)

    def summary(self) -> str:
        parts = [f"added {self.added}", f"updated {self.updated}", f"removed {self.removed}",
                 f"unchanged {self.unchanged}", f"skipped {len(self.skipped)}"]
        if self.conflicts:
            parts.append(f"conflicts {len(self.conflicts)}")
        if self.warnings:
            parts.append(f"warnings {len(self.warnings)}")
        kind = "built" if self.rebuilt else "updated"
        return f"{kind} {self.path}: {self.indexed} figures ({', '.join(parts)}) in {self.elapsed:.1f}s"


class Ledger:
    """Who holds each figid across all groups, and what losing one does to a
    group's state and to the report (see `sources.claims` for the rule)."""

    def __init__(self, state: SourceState, report: UpdateReport) -> None:
        self.state, self.report = state, report
        self.claims = state.claims()
        self.held_by = {figid: key for key, g in state.groups.items() for figid in g.figids}

    def claim(self, figid: str, first_file: str, key: str) -> tuple[ReadIssue | None, str | None]:
        """Group `key`'s file claims `figid`: (its conflict if it loses, else None;
        the first file of a copy it displaced, if any)."""
        loser = self.claims.claim(figid, first_file)
        if loser == first_file:
            issue = self.claims.issue(figid, loser)
            self.report.conflicts.append(issue)
            return issue, None
        if loser is not None:
            issue = self.claims.issue(figid, loser)
            self.state.groups[self.held_by[figid]].lose(issue, figid)
            self.report.conflicts.append(issue)
        self.held_by[figid] = key
        return None, loser

    def adopt(self, shard: SourceState, holders: dict[str, str]) -> list[tuple[str, str]]:
        """Take in one shard's groups and claims, shards in path order; returns
        the (figid, first file) of copies written by shards that lose them."""
        keys = {figid: key for key, g in shard.groups.items() for figid in g.figids}
        self.state.groups.update(shard.groups)
        displaced = []
        for figid, first_file in holders.items():
            issue, loser = self.claim(figid, first_file, keys[figid])
            if issue is not None:
                self.state.groups[keys[figid]].lose(issue, figid)
                loser = first_file
            if loser is not None:
                displaced.append((figid, loser))
                self.report.added -= 1
        return displaced


@dataclass
class WriteSession:
    """Claims, writes and remembers the records of the groups read this run."""

    writer: RecordWriter
    vocabulary: VocabularyCounter
    #: The state of every group: unchanged ones as given, re-read ones as written.
    state: SourceState
    report: UpdateReport
    data_files: set[str] | None = None
    #: (figid, first file) of copies written this run that a later record displaced.
    displaced: list[tuple[str, str]] = field(default_factory=list)
    #: figid -> "added" or "updated": how each write this run was counted.
    written: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ledger = Ledger(self.state, self.report)

    def write_group(self, group: Sequence[Path], items: Sequence[Item]) -> None:
        key = group_key(group)
        kept = [self._claimed(item, key) if isinstance(item, FigureRecord) else item for item in items]
        for item in kept:
            if isinstance(item, FigureRecord):
                self._write(item)
        self.state.groups[key] = state_for(group, kept, self.data_files)
        self.report.count_issues(i for i in items if isinstance(i, ReadIssue))  # the ledger counts its own
        self.report.files_read += len(group)

    def _claimed(self, record: FigureRecord, key: str) -> Item:
        """`record`, or the conflict it loses."""
        issue, loser = self.ledger.claim(record.figid, record.first_file, key)
        if issue is not None:
            return issue
        if loser is not None:
            if record.figid in self.written:  # a copy this run wrote: it goes after the commit
                self.displaced.append((record.figid, loser))
            else:  # an unchanged group's copy, replaced below
                self.report.unchanged -= 1
        return record

    def _write(self, record: FigureRecord) -> None:
        old = self.writer.stored(record.figid)
        if old is None:
            self.writer.add(record)
            kind = "added"
        else:
            if record.figid not in self.written:  # its genes leave the vocabulary once
                self.vocabulary.remove(old)
            self.writer.replace(record)
            kind = "updated"
        if record.figid in self.written:  # counted once, for the copy that stays
            setattr(self.report, self.written[record.figid],
                    getattr(self.report, self.written[record.figid]) - 1)
        self.written[record.figid] = kind
        setattr(self.report, kind, getattr(self.report, kind) + 1)
        self.vocabulary.add(record)


def settle(generation: Path, config: IndexConfig, displaced: Iterable[tuple[str, str]],
           vocabulary: VocabularyCounter, limitmb: int) -> None:
    """Delete the copies a run wrote and then gave to another file (a Whoosh
    writer cannot delete documents it has not committed)."""
    displaced = list(displaced)
    if not displaced:
        return
    writer = RecordWriter.open(generation, config, limitmb)
    try:
        for figid, first_file in displaced:
            record = writer.delete_copy(figid, first_file)
            if record is not None:
                vocabulary.remove(record)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
