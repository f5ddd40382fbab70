"""Writing the records of re-read file groups, one group at a time.

A `WriteSession` is what a serial build, an incremental update and each
worker of a parallel build share: every record claims its figid (`claims`),
winners are written, the tallies (genes, synonyms) follow every write, and each
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
from ..sources.changes import SourceState, state_for
from ..sources.discovery import group_key
from ..sources.model import MERGED, FigureRecord, Item, ReadIssue
from ..sources.parse import can_merge, merge_records, read_figure_file
from ..sources.walked import WalkedFiles
from .tallies import Tallies


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
        lists = {"conflict": self.conflicts, "warning": self.warnings, MERGED: []}  # a merge costs nothing
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


def merged_copies(figid: str, held: str, other: str) -> FigureRecord | None:
    """The one record of `figid` from two files in the two layouts (under
    different names), read again from disk; None if they are not that."""
    try:
        a, b = read_figure_file(held), read_figure_file(other)
    except Exception:  # noqa: BLE001 - unreadable now: they stay a conflict
        return None
    if a.figid != figid or b.figid != figid or not can_merge(a, b):
        return None
    return merge_records(a, b)


@dataclass
class Verdict:
    """What claiming a figid did: the claimant's conflict, a copy it displaced,
    or the record of the two copies merged."""

    issue: ReadIssue | None = None
    displaced: str | None = None
    merged: FigureRecord | None = None


class Ledger:
    """Who holds each figid across all groups, and what losing one does to a
    group's state and to the report (see `sources.claims` for the rule).

    Two files of one figid in the two layouts merge, as in one group; under
    different names they are in different groups, so both groups are then
    marked to be read again on every run (as for a conflict), and the merged
    record is written by `settle`."""

    def __init__(self, state: SourceState, report: UpdateReport, tallies: Tallies) -> None:
        self.state, self.report, self.tallies = state, report, tallies
        self.claims = state.claims()
        self.held_by = {figid: key for key, g in state.groups.items() for figid in g.figids}
        #: figid -> the record merged from copies in the two layouts, for `settle`.
        self.merges: dict[str, FigureRecord] = {}

    def claim(self, figid: str, first_file: str, key: str) -> Verdict:
        """Group `key`'s file claims `figid`."""
        held = self.claims.holders.get(figid)
        merged = merged_copies(figid, held, first_file) if held and held != first_file \
            and figid not in self.merges else None
        if merged is not None:
            return self._merge(figid, held, first_file, merged)
        loser = self.claims.claim(figid, first_file)
        if loser == first_file:
            issue = self.claims.issue(figid, loser)
            self.report.conflicts.append(issue)
            return Verdict(issue=issue)
        if loser is not None:
            issue = self.claims.issue(figid, loser)
            self.state.groups[self.held_by[figid]].lose(issue, figid)
            self.report.conflicts.append(issue)
        self.held_by[figid] = key
        return Verdict(displaced=loser)

    def _merge(self, figid: str, held: str, other: str, merged: FigureRecord) -> Verdict:
        self.merges[figid] = merged
        self.claims.claim(figid, other)
        holder = self.state.groups[self.held_by[figid]]
        holder.figids[figid] = merged.first_file
        holder.issues.append([held, f"figid {figid} merged with {other}", MERGED])
        self.tallies.remove(read_figure_file(held))
        self.tallies.add(merged)
        return Verdict(issue=ReadIssue(other, f"figid {figid} merged with {held}", MERGED), merged=merged)

    def adopt(self, shard: SourceState, holders: dict[str, str]) -> list[tuple[str, str]]:
        """Take in one shard's groups and claims, shards in path order; returns
        the (figid, first file) of copies written by shards that lose them."""
        keys = {figid: key for key, g in shard.groups.items() for figid in g.figids}
        self.state.groups.update(shard.groups)
        displaced = []
        for figid, first_file in holders.items():
            verdict = self.claim(figid, first_file, keys[figid])
            if verdict.merged is not None:  # the shard wrote and counted this copy too
                self.tallies.remove(read_figure_file(first_file))
                del self.state.groups[keys[figid]].figids[figid]
                self.state.groups[keys[figid]].issues.append([verdict.issue.path, verdict.issue.reason, MERGED])
                self.report.added -= 1
                continue
            if verdict.issue is not None:
                self.state.groups[keys[figid]].lose(verdict.issue, figid)
                verdict.displaced = first_file
            if verdict.displaced is not None:
                displaced.append((figid, verdict.displaced))
                self.report.added -= 1
        return displaced


@dataclass
class WriteSession:
    """Claims, writes and remembers the records of the groups read this run."""

    writer: RecordWriter
    tallies: Tallies
    #: The state of every group: unchanged ones as given, re-read ones as written.
    state: SourceState
    report: UpdateReport
    data_files: WalkedFiles | None = None
    #: (figid, first file) of copies written this run that a later record displaced.
    displaced: list[tuple[str, str]] = field(default_factory=list)
    #: figid -> "added" or "updated": how each write this run was counted.
    written: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ledger = Ledger(self.state, self.report, self.tallies)

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
        """`record`, or the conflict it loses (or the note that it merged)."""
        verdict = self.ledger.claim(record.figid, record.first_file, key)
        if verdict.merged is not None and record.figid not in self.written:  # merged into an unchanged group's
            self.report.unchanged -= 1
            self.report.updated += 1
        if verdict.issue is not None:
            return verdict.issue
        if verdict.displaced is not None:
            if record.figid in self.written:  # a copy this run wrote: it goes after the commit
                self.displaced.append((record.figid, verdict.displaced))
            else:  # an unchanged group's copy, replaced below
                self.report.unchanged -= 1
        return record
    def _write(self, record: FigureRecord) -> None:
        old = self.writer.stored(record.figid)
        if old is None:
            self.writer.add(record)
            kind = "added"
        else:
            if record.figid not in self.written:  # it leaves the tallies once
                self.tallies.remove(old)
            self.writer.replace(record)
            kind = "updated"
        if record.figid in self.written:  # counted once, for the copy that stays
            setattr(self.report, self.written[record.figid],
                    getattr(self.report, self.written[record.figid]) - 1)
        self.written[record.figid] = kind
        setattr(self.report, kind, getattr(self.report, kind) + 1)
        self.tallies.add(record)


def settle(generation: Path, config: IndexConfig, displaced: Iterable[tuple[str, str]],
           tallies: Tallies, limitmb: int, merges: dict[str, FigureRecord] | None = None) -> None:
    """Delete the copies a run wrote and then gave to another file, and write
    each merged record in place of its copies (a Whoosh writer cannot delete
    documents it has not committed)."""
    displaced, merges = list(displaced), merges or {}
    if not displaced and not merges:
        return
    writer = RecordWriter.open(generation, config, limitmb)
    try:
        for figid, first_file in displaced:
            record = writer.delete_copy(figid, first_file)
            if record is not None:
                tallies.remove(record)
        for figid, record in merges.items():
            writer.delete(figid)
            writer.add(record)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
