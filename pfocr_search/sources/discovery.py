"""Finding figure files under the sources given, and reading them group by group.

PFOCR names every figure file ``<figid>.md``, so files sharing a name stem
form a *group*: the two layouts of one figure land in one group and merge.
A group is the unit of reading, of change detection and of parallel work.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from ..errors import SourceError
from ..textkeys import readable
from .claims import Claims
from .model import FigureRecord, Item, ReadIssue
from .parse import DATA_KINDS, can_merge, merge_records, read_figure_file
from .values import RecordError
from .walked import WalkedFiles


def discover(sources: Sequence[str | Path], data_files: WalkedFiles | None = None,
             problems: list[ReadIssue] | None = None) -> list[Path]:
    """Every figure Markdown file under `sources`, sorted and without repeats.

    Directories are searched recursively without following symlinked
    directories (so a symlink loop cannot hang the walk); hidden folders are
    skipped, and a folder that cannot be read is reported in `problems`.  A
    source that does not exist is a `SourceError`.  Given `data_files`,
    every folder walked and `.tsv` seen on the way is noted in it, so
    callers can tell which `_data` files exist without a stat() each.
    """
    found: dict[Path, None] = {}
    unreadable = problems if problems is not None else []

    def report(error: OSError) -> None:
        unreadable.append(ReadIssue(str(error.filename), f"folder not read: {error.strerror or error}", "warning"))

    for source in sources:
        # Absolute, so an index updated from another working folder sees the same files.
        root = Path(source).absolute()
        if readable(str(root)) != str(root):
            raise SourceError(f"source path is not UTF-8: {readable(str(root))}; rename it")
        if root.is_file() and root.name.endswith(DATA_SUFFIXES):
            # A figure's table given by name: its figure file reads it (it had been read as a broken figure file).
            if data_files is not None:
                data_files.add_table(str(root))
        elif root.is_file() or (root.exists() and not root.is_dir()):
            found[root] = None  # a pipe or device given by name is reported when read
        elif root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=report):
                folder = Path(dirpath)
                unreadable += _not_utf8(folder, dirnames, filenames)
                if data_files is not None:
                    data_files.add_folder(dirpath, dirnames, filenames)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                found.update((folder / f, None) for f in sorted(filenames) if f.endswith(".md"))
        elif root.is_symlink():
            raise SourceError(f"source is a broken or looping link: {root}")
        else:
            raise SourceError(f"source does not exist: {root}")
    return sorted(found)


def _not_utf8(folder: Path, dirnames: list[str], filenames: list[str]) -> list[ReadIssue]:
    """Leave out, and report, the names in a folder that are not UTF-8 (from
    an old zip, a Latin-1 system): one had failed every index run, its path
    unstorable in the index's state, without naming it."""
    issues = []
    for names in (dirnames, filenames):
        odd = [n for n in names if readable(n) != n]  # a byte that is not UTF-8 is held as a lone surrogate
        names[:] = [n for n in names if n not in odd]
        issues += [ReadIssue(readable(str(folder / n)), "its name is not UTF-8: rename it",
                             "skipped" if n.endswith(".md") else "warning") for n in odd]
    return issues


def group_files(paths: Iterable[Path]) -> list[list[Path]]:
    """Files grouped by name stem, each group sorted, groups in the order of their first file."""
    groups: dict[str, list[Path]] = {}
    for path in sorted(paths):
        groups.setdefault(path.stem, []).append(path)
    return list(groups.values())


def group_key(group: Sequence[Path]) -> str:
    return group[0].stem


def read_group(paths: Sequence[Path], data_files: WalkedFiles | None = None) -> list[Item]:
    """Read the files of one group, merging the two layouts of a figid
    (`data_files`: the tables a walk saw, to find a figure's without a stat())."""
    out: list[Item] = []
    at: dict[str, int] = {}
    claims = Claims()
    for path in paths:
        warnings: list[ReadIssue] = []
        try:
            record = read_figure_file(path, warnings, data_files=data_files)
        except RecordError as exc:
            out.append(ReadIssue(str(path), str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - whatever one file does is that file's problem, not the build's
            out.append(ReadIssue(str(path), f"cannot read: {type(exc).__name__}: {' '.join(str(exc).split())}"))
            continue
        out.extend(warnings)
        kept = out[at[record.figid]] if record.figid in at else None
        if isinstance(kept, FigureRecord) and can_merge(kept, record):
            out[at[record.figid]] = merge_records(kept, record)
        elif claims.claim(record.figid, str(path)) == str(path):  # paths come sorted: a clash loses
            out.append(claims.issue(record.figid, str(path)))
        else:
            at[record.figid] = len(out)
            out.append(record)
    return out


#: `_data` tables a figure file reads, by the end of their names.
DATA_SUFFIXES = tuple(f"-{kind}.tsv" for kind in DATA_KINDS)


def orphan_tables(data_files: Iterable[str], used: Iterable[str]) -> list[ReadIssue]:
    """`_data` tables (by name) that no figure file read: a figure file missing, or misnamed."""
    unused = set(data_files) - set(used)
    return [ReadIssue(path, "not used: no figure file <figid>.md for this table", "warning")
            for path in sorted(unused) if path.endswith(DATA_SUFFIXES)]


def read_records(sources: Sequence[str | Path]) -> Iterator[Item]:
    """Every record under `sources`, in sorted path order, with issues
    interleaved; of records sharing a figid, the one `Claims` keeps (merged
    with a copy in the other layout, whatever the two files are called)."""
    items = [item for group in group_files(discover(sources)) for item in read_group(group)]
    claims = Claims()
    for item in items:
        if isinstance(item, FigureRecord):
            claims.claim(item.figid, item.first_file)
    kept = {item.figid: i for i, item in enumerate(items)
            if isinstance(item, FigureRecord) and claims.holders[item.figid] == item.first_file}
    for i, item in enumerate(items):
        if not isinstance(item, FigureRecord) or kept[item.figid] == i:
            continue
        holder = items[kept[item.figid]]
        if isinstance(holder, FigureRecord) and can_merge(holder, item):
            items[kept[item.figid]], items[i] = merge_records(holder, item), None  # type: ignore[call-overload]
        else:
            items[i] = claims.issue(item.figid, item.first_file)
    yield from (item for item in items if item is not None)
