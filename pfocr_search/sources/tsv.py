"""The one reader of tab-separated tables (PFOCR `_data` files, alias tables).

PFOCR's TSVs are not quoted CSV: a cell may hold a lone ``"`` (``"LRP5/6``),
which a CSV reader takes for the start of a quoted field that swallows the
rest of the file.  So a table is read as plain lines split on tabs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..fileio import UnreadableFile, read_limited

#: A PFOCR `_data` table is a few KB; one this large is not one.
MAX_TABLE_BYTES = 16 * 1024 * 1024


class TableError(ValueError):
    """A table cannot be read; the message says why."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    #: Line numbers of rows with another number of cells than the header.
    misfits: list[int] = field(default_factory=list)

    def columns(self, names: Sequence[str]) -> list[tuple[str, ...]]:
        """The named columns of every row ("" where a column or cell is absent)."""
        where = [self.header.index(name) if name in self.header else None for name in names]
        return [tuple(row[i] if i is not None and i < len(row) else "" for i in where) for row in self.rows]

    def records(self) -> list[dict[str, str]]:
        """Each row as header -> cell (cells past the header are dropped)."""
        return [dict(zip(self.header, row)) for row in self.rows]


def read_table(path: str | Path, *, header: bool = True) -> Table:
    """A TSV's header (when `header`) and non-blank rows, split on tabs; at
    most `MAX_TABLE_BYTES` bytes."""
    path = Path(path)
    try:
        text = read_limited(path, MAX_TABLE_BYTES).decode("utf-8-sig")
    except UnreadableFile as exc:
        raise TableError(f"{path.name}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise TableError(f"{path.name}: not UTF-8 (bad byte at offset {exc.start})") from None
    # split("\n"), not splitlines(): that also breaks lines at form feeds and
    # Unicode separators, which may stand inside a cell.
    lines = [(n, line.rstrip("\r").split("\t")) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    if not header:
        return Table([], [row for _, row in lines])
    head = lines[0][1] if lines else []
    return Table(head, [row for _, row in lines[1:]], [n for n, row in lines[1:] if len(row) != len(head)])
