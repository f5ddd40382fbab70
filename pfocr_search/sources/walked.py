"""The files a walk of the sources saw: where a `_data` table is not, without a stat().

Reading a figure looks for each of its three tables in three places, and
remembering what was read looks again: up to eighteen stat() calls per
figure, where a sandbox or network file system makes each one slow.  The
walk that finds the figure files lists every folder it enters anyway.
"""

from __future__ import annotations

import os
from typing import Iterable


class WalkedFiles:
    """The `.tsv` files a walk saw, and the folders it listed whole.

    A path in a listed folder is absent if the walk did not see it, and so
    is a path in a folder that a listed folder lacks (`settled`); a path the
    walk saw is confirmed when read, and any other path is asked of the
    file system, so tables outside the sources given (a `_data` folder
    beside the `_figures` folder indexed) are still found."""

    def __init__(self) -> None:
        self.folders: set[str] = set()
        self.subfolders: set[str] = set()
        self._settled: dict[str, bool] = {}  # see settled()
        #: The folders each table name was seen in: a figure's tables are one look a kind.
        self.named: dict[str, set[str]] = {}

    def add_folder(self, folder: str, dirnames: Iterable[str], filenames: Iterable[str]) -> None:
        """A folder the walk listed: every folder and file in it."""
        self.folders.add(folder)
        self.subfolders.update(os.path.join(folder, d) for d in dirnames)
        for name in filenames:
            if name.endswith(".tsv"):
                self.named.setdefault(name, set()).add(folder)

    def add_table(self, path: str) -> None:
        """A table given by name, not walked to: its folder is asked of the file system."""
        self.named.setdefault(os.path.basename(path), set()).add(os.path.dirname(path))

    @property
    def tables(self) -> set[str]:
        """Every `.tsv` the walk saw, by path."""
        return {os.path.join(folder, name) for name, folders in self.named.items() for folder in folders}

    def settled(self, folder: str) -> bool:
        """Whether the walk tells what `folder` holds: it listed it, or listed
        its parent, which has no such folder.  Worked out once a folder."""
        known = self._settled.get(folder)
        if known is None:
            known = self._settled[folder] = folder in self.folders or (
                os.path.dirname(folder) in self.folders and folder not in self.subfolders)
        return known
