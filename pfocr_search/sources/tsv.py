"""The one reader of tab-separated tables (PFOCR `_data` files, alias tables).

PFOCR's TSVs are not quoted CSV: a cell may hold a lone ``"`` (``"LRP5/6``),
which a CSV reader takes for the start of a quoted field that swallows the
rest of the file.  So a table is read as plain lines split on tabs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence


class TableError(ValueError):
    """A table cannot be read; the message says why."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]

    def columns(self, names: Sequence[str]) -> list[tuple[str, ...]]:
        """The named columns of every row ("" where a column or cell is absent)."""
        where = [self.header.index(name) if name in self.header else None for name in names]
        return [tuple(row[i] if i is not None and i < len(row) else "" for i in where) for row in self.rows]

    def records(self) -> list[dict[str, str]]:
        """Each row as header -> cell (cells past the header are dropped)."""
        return [dict(zip(self.header, row)) for row in self.rows]


def read_table(path: str | Path, *, header: bool = True) -> Table:
    """A TSV's header (when `header`) and non-blank rows, split on tabs."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise TableError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise TableError(f"cannot read {path.name}: not UTF-8 (bad byte at offset {exc.start})") from None
    # split("\n"), not splitlines(): that also breaks lines at form feeds and
    # Unicode separators, which may stand inside a cell.
    rows = [line.rstrip("\r").split("\t") for line in text.split("\n") if line.strip()]
    if not header:
        return Table([], rows)
    return Table(rows[0] if rows else [], rows[1:])
