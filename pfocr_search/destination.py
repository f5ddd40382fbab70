"""Where a command writes: standard output or --output FILE, and how richly.

A file is written beside its destination and moved into place only when the
command succeeds, and never inside the index folder; on a terminal, output
is drawn with rich, and piped it is plain text with no escape codes.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import IO, Any, Iterable, Sequence

from .errors import PfocrSearchError

FORMATS = ("table", "json", "tsv", "gmt")


class Output:
    """Where a command writes (stdout or --output FILE) and how richly.

    A file is written beside its destination and moved into place only when
    the command succeeds: a mistyped --index or a bad query never empties
    the file a user already has."""

    def __init__(self, fmt: str, path: Path | None = None, fields: str | None = None, *,
                 index: Path | None = None) -> None:
        if fmt not in FORMATS:
            raise PfocrSearchError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        self.format = fmt
        self.fields = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
        if self.fields and fmt not in ("json", "tsv"):  # a table has its own layout: --fields had been ignored
            raise PfocrSearchError(f"--fields picks columns of json or tsv output, not of {fmt}")
        # "-" is standard output, as for input; so is /dev/stdout, which reopened
        # would truncate a file the shell appends to (>>).
        self.path = None if path is not None and str(path) in ("-", "/dev/stdout") else path
        path = self.path
        self._tmp: Path | None = None
        self._file: IO[str] | None = None
        if path is not None:
            self._file = self._open_beside(path, index)
        # rich is imported only to draw: piped output (most scripted use) never loads it.
        self.rich = self._file is None and sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
        self._console: Any = None

    @property
    def console(self):
        if self._console is None:
            from rich.console import Console

            self._console = Console(file=self._file or sys.stdout, highlight=False, soft_wrap=False)
        return self._console

    def _open_beside(self, path: Path, index: Path | None) -> IO[str]:
        try:
            mode = os.stat(path).st_mode  # through links: /dev/stdout is a link to this process's output
        except OSError:
            mode = 0  # a file still to be made
        if stat.S_ISDIR(mode):
            raise PfocrSearchError(f"--output {path} is a folder; give a file name")
        # A device or a pipe (/dev/null, /dev/stdout, a FIFO) is written into,
        # as given: moving a file over it had replaced /dev/null with a regular file.
        direct = bool(mode) and not stat.S_ISREG(mode)
        target = path if direct else path.resolve()
        if not direct and index is not None and target.is_relative_to(index.resolve()):
            raise PfocrSearchError(f"--output {path} is inside the index folder {index}; write it elsewhere")
        self._tmp = None if direct else target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            return open(target if direct else self._tmp, "w", encoding="utf-8")
        except OSError as exc:
            raise PfocrSearchError(f"cannot write {path}: {exc.strerror or exc}") from None

    def line(self, text: str = "") -> None:
        try:
            (self._file or sys.stdout).write(text + "\n")
        except OSError as exc:  # a full disk: one line, as for the index's own writes
            self._file_failed(exc)

    def close(self, ok: bool = True) -> None:
        """Finish: move the file into place if `ok`, else drop it."""
        try:
            if self._file is None:
                sys.stdout.flush()
                return
            self._file.close()
        except OSError as exc:
            if ok:  # else the failure that stopped the command is the one to tell
                self._file_failed(exc)
        assert self.path is not None
        if self._tmp is None:  # written in place
            return
        if not ok:
            self._tmp.unlink(missing_ok=True)
            return
        try:
            os.replace(self._tmp, self.path.resolve())
        except OSError as exc:
            self._tmp.unlink(missing_ok=True)
            raise PfocrSearchError(f"cannot write {self.path}: {exc.strerror or exc}") from None

    def _file_failed(self, exc: OSError) -> None:
        if isinstance(exc, BrokenPipeError):  # a reader that stopped reading (| head): the CLI ends quietly
            raise exc
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)
        where = self.path or "standard output"
        raise PfocrSearchError(f"cannot write {where}: {exc.strerror or exc}") from None

    def __enter__(self) -> "Output":
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close(ok=exc_type is None)

    def columns(self, default: Sequence[str], available: Iterable[str]) -> list[str]:
        """--fields, checked against what the rows have, else `default`."""
        if not self.fields:
            return list(default)
        known = list(available)
        unknown = [f for f in self.fields if f not in known]
        if unknown:
            raise PfocrSearchError(f"--fields: unknown field(s) {', '.join(unknown)} (known: {', '.join(known)})")
        return self.fields


def cell(value: Any) -> str:
    """A value as one TSV cell (lists joined by ';', no tabs or newlines)."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        value = ";".join(map(str, value))
    return " ".join(str(value).split())
