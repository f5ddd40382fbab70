"""What changed in the sources since an index last saw them.

An index remembers, per group of figure files (see `discovery.group_files`),
every file that went into it (Markdown and `_data` TSVs) with its size,
modification time and a content digest, the figids it produced (with the
file that claims each) and the problems it had.  A rerun compares size and
mtime only (one stat per file, no YAML parsed); where they differ it
compares digests, so a file that was touched but not changed is not
re-indexed.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ..fileio import file_digest, load_index_file, read_signature, write_json
from .claims import Claims
from .model import MERGED, FigureRecord, Item, ReadIssue
from .parse import data_tables
from .walked import WalkedFiles

#: Compressed: paths and digests of every source file, 38 MB as plain JSON at 100,000 figures.
STATE = "sources.json.gz"


def _stat(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


@dataclass
class GroupState:
    """One group of files as last indexed."""

    #: path -> [size, mtime_ns, digest] of every file the group was read from.
    files: dict[str, list] = field(default_factory=dict)
    #: figid -> the file that claims it (see `claims`).
    figids: dict[str, str] = field(default_factory=dict)
    #: [path, reason, kind] of files that could not be indexed.
    issues: list[list[str]] = field(default_factory=list)

    def read_issues(self) -> list[ReadIssue]:
        return [ReadIssue(path, reason, kind) for path, reason, kind in self.issues]

    def reread(self) -> bool:
        """Whether the group must be read on every run: it lost a figid (the
        winner may go) or merged one with another group's file (either may change)."""
        return any(kind in ("conflict", MERGED) for _, _, kind in self.issues)

    def lose(self, issue: ReadIssue, figid: str) -> None:
        """Another file took `figid` from this group."""
        del self.figids[figid]
        self.issues.append([issue.path, issue.reason, issue.kind])


@dataclass
class SourceState:
    groups: dict[str, GroupState] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        write_json(path, {"format": 2, "groups": {k: [g.files, g.figids, g.issues] for k, g in self.groups.items()}})

    @classmethod
    def load(cls, path: Path) -> "SourceState":
        return load_index_file(path, cls._parse, cls)

    @classmethod
    def _parse(cls, raw: bytes) -> "SourceState":
        data = json.loads(gzip.decompress(raw))
        if data.get("format") != 2:  # an older index: every group is read again
            return cls()
        return cls({k: GroupState(files, figids, issues) for k, (files, figids, issues) in data["groups"].items()})

    def claims(self) -> Claims:
        """Who holds each figid now."""
        return Claims({figid: path for g in self.groups.values() for figid, path in g.figids.items()})

    def figids(self) -> set[str]:
        return {figid for g in self.groups.values() for figid in g.figids}


def watched_paths(group: Sequence[Path], extra: Iterable[str] = (), data_files: WalkedFiles | None = None) -> list[str]:
    """The files whose change means re-reading the group: its Markdown files,
    the TSVs that exist for it, and whatever else it was read from.  A TSV
    that appears changes this list, and so re-reads the group too.

    `data_files` (the tables a walk saw) saves a stat() per candidate place:
    nine per figure, which made a no-change run of 100,000 figures take 14 s."""
    paths = dict.fromkeys(map(str, group))
    for md in paths.copy():
        stem = os.path.basename(md)[:-3]  # figure files are <figid>.md
        for found in data_tables(md, stem, data_files).values():
            paths.update(dict.fromkeys(found))
    paths.update(dict.fromkeys(extra))
    return list(paths)


def signatures(paths: Iterable[str], with_digest: bool) -> dict[str, list]:
    out = {}
    for path in paths:
        st = _stat(path)
        if st is None:
            out[path] = [-1, 0, None]
        elif with_digest:
            out[path] = [st[0], st[1], read_signature(path, *st) or file_digest(path)]
        else:
            out[path] = [st[0], st[1], None]
    return out


def is_unchanged(group: Sequence[Path], old: GroupState,
                 data_files: WalkedFiles | None = None) -> tuple[bool, dict[str, list]]:
    """Whether `group` is as `old` recorded it, and its refreshed file signatures."""
    recorded = {p: sig for p, sig in old.files.items() if sig[0] != -1}  # -1: absent (older states)
    if not all(path in recorded for path in watched_paths(group, (), data_files)):
        return False, {}  # a file new to the group: recorded ones that are gone fail their stat() below
    now = {}
    for path, (size, mtime, known) in recorded.items():
        st = _stat(path)
        if st is None:
            return False, {}
        if (st[0], st[1]) == (size, mtime):
            now[path] = [size, mtime, known]
        elif st[0] == size and known is not None and file_digest(path) == known:
            now[path] = [st[0], st[1], known]  # touched, not changed
        else:
            return False, {}
    return True, now


def state_for(group: Sequence[Path], items: Sequence[Item], data_files: WalkedFiles | None = None) -> GroupState:
    """The state to remember for a group just read."""
    used = [s for item in items if isinstance(item, FigureRecord) for s in item.sources]
    return GroupState(
        files=signatures(watched_paths(group, used, data_files), with_digest=True),
        figids={item.figid: item.first_file for item in items if isinstance(item, FigureRecord)},
        issues=[[i.path, i.reason, i.kind] for i in items if isinstance(i, ReadIssue)],
    )
