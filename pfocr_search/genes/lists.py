"""Gene lists as bioinformaticians have them: plain lists, DE tables, GMT files.

A list is one gene per line or several separated by commas, tabs, semicolons
or spaces; ``#`` comment lines and blank lines are ignored, and a header
line (``gene``, ``symbol``…) is tolerated.  A table (TSV or CSV) gives its
genes in a named column.  A GMT file holds many sets, one per line: name,
description, genes.  Files come as bytes from anywhere (Windows line endings,
a BOM, a binary file by mistake); whatever cannot be used is a one-line
`GeneListError` or a reported skip, never a traceback.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..errors import PfocrSearchError
from ..fileio import UnreadableFile, read_limited
from .resolve import split_terms

#: A gene list or GMT file larger than this is not one (MSigDB's largest
#: collection is about 30 MB).
MAX_LIST_BYTES = 64 * 1024 * 1024
# First cells that name a column rather than a gene.
_HEADERS = {"gene", "genes", "symbol", "symbols", "gene_symbol", "genesymbol", "gene_name", "genename", "name",
            "hgnc_symbol", "gene_id", "geneid", "id", "identifier", "ensembl", "ensembl_gene_id", "entrez"}


class GeneListError(PfocrSearchError):
    """A gene list or GMT file cannot be read; the message says which and why."""


@dataclass
class GeneSet:
    """One named set of gene terms (as typed: resolution comes later)."""

    name: str
    terms: list[str]
    description: str = ""


@dataclass
class GeneSets:
    """The sets of a GMT file, and what was skipped or renamed on the way."""

    sets: list[GeneSet] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_text(source: str | Path, stdin: BinaryIO | None = None) -> str:
    """A list or GMT file's text (``-``: standard input), checked for what
    would otherwise fail later: size, binary content, encoding."""
    name = _name(source)
    try:
        if str(source) == "-":
            raw = (stdin or sys.stdin.buffer).read(MAX_LIST_BYTES + 1)
            if len(raw) > MAX_LIST_BYTES:
                raise UnreadableFile(f"larger than {MAX_LIST_BYTES / 1e6:g} MB")
        else:
            raw = read_limited(source, MAX_LIST_BYTES)
    except UnreadableFile as exc:
        raise GeneListError(f"{name}: {exc}") from None
    if b"\x00" in raw[:65536]:
        raise GeneListError(f"{name} is a binary file, not a gene list")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GeneListError(f"{name} is not UTF-8 text (bad byte at offset {exc.start})") from None


def parse_list(text: str, name: str = "the list", column: str | None = None) -> list[str]:
    """The gene terms of a list, or of one column of a TSV/CSV table."""
    lines = [line for line in text.lstrip("\ufeff").splitlines() if line.strip() and not line.lstrip().startswith("#")]
    # An empty name is a column too: R's write.csv leaves the row names' header "".
    terms = _column(lines, column, name) if column is not None else _plain(lines)
    if not terms:
        raise GeneListError(f"{name} holds no genes")
    return terms


def _plain(lines: list[str]) -> list[str]:
    terms = split_terms(lines)
    if terms and terms[0].strip("\"'").lower() in _HEADERS:
        terms = terms[1:]
    return [t.strip("\"'") for t in terms if t.strip("\"'")]


def _column(lines: list[str], column: str, name: str) -> list[str]:
    if not lines:
        return []
    first = lines[0]
    # Tabs, else commas, else semicolons (a spreadsheet's CSV where the comma is the decimal mark).
    delimiter = "\t" if "\t" in first else "," if "," in first or ";" not in first else ";"
    # Read as CSV, quotes and all: a quoted cell "MAPK1, MAPK3" had been cut at its comma.
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = [h.strip().strip("'") for h in rows[0]]
    wanted = [i for i, h in enumerate(header) if h.lower() == column.strip().lower()]
    if not wanted:
        names = ", ".join(h or '""' for h in header[:12])
        raise GeneListError(f"{name} has no column {column!r} (columns: {names})")
    at = wanted[0]
    cells = (row[at].strip().strip("'") for row in rows[1:] if at < len(row))
    return [t for cell in cells for t in split_terms([cell]) if t]


def parse_gmt(text: str, name: str = "the GMT file") -> GeneSets:
    """The sets of a GMT file; sets with no genes are skipped and a repeated
    name is kept as ``name (2)``, each reported in `notes`."""
    out = GeneSets()
    seen: dict[str, int] = {}
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        set_name, description, terms = cells[0], (cells[1] if len(cells) > 1 else ""), [c for c in cells[2:] if c]
        if not set_name:
            out.notes.append(f"{name} line {number}: no set name; skipped")
            continue
        if not terms:
            out.notes.append(f"{name} line {number}: set {set_name!r} has no genes; skipped")
            continue
        if set_name in seen:
            # The next free "name (n)": a set already named "a (2)" had been joined by a second "a" renamed so.
            count = seen[set_name] + 1
            while f"{set_name} ({count})" in seen:
                count += 1
            seen[set_name] = count
            renamed = f"{set_name} ({count})"
            out.notes.append(f"{name} line {number}: set {set_name!r} appears again; kept as {renamed!r}")
            set_name = renamed
        seen[set_name] = 1
        out.sets.append(GeneSet(set_name, terms, description))
    if not out.sets:
        raise GeneListError(f"{name} holds no gene sets (a GMT line is: name, description, genes, tab-separated)")
    return out


def read_gene_list(source: str | Path, column: str | None = None, stdin: BinaryIO | None = None) -> list[str]:
    """The gene terms of a list file (``-``: standard input)."""
    return parse_list(read_text(source, stdin), _name(source), column)


def read_gmt(source: str | Path, stdin: BinaryIO | None = None) -> GeneSets:
    """The gene sets of a GMT file (``-``: standard input)."""
    return parse_gmt(read_text(source, stdin), _name(source))


def _name(source: str | Path) -> str:
    return "standard input" if str(source) == "-" else str(source)
