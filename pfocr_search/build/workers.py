"""Reading file groups in worker processes, when there are enough to pay for them."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from ..fileio import keep_digests, keeping_digests
from ..runtime import collect_rarely
from ..sources.discovery import read_group
from ..sources.walked import WalkedFiles

# Below this many files to read a process pool costs more than it saves.
PARALLEL_MIN_FILES = 2000


def worker_count(workers: int | None) -> int:
    """Worker processes to use; none inside a daemonic process, which may not start any."""
    if multiprocessing.current_process().daemon:
        return 1
    return workers if workers is not None else (os.cpu_count() or 1)


def context() -> multiprocessing.context.BaseContext:
    """'fork' only while this process has one thread: forking a process with
    others (a server, an application embedding the API) can copy a lock some
    other thread holds, and deadlock the child.  Otherwise a fresh process."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def start_worker() -> None:
    """Set up a worker process.  Ctrl-C is left to the parent: a terminal
    sends SIGINT to the whole process group; workers that took it too printed
    tracebacks, and a pool whose workers died that way could hang the
    parent, which, interrupted, terminates them.  And a worker is a process
    of our own, so its garbage collector runs rarely (see `runtime`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    collect_rarely()


_data_files: WalkedFiles | None = None  # set in each worker by the pool initializer
_spool: str | None = None  # likewise: the folder its results are left in

#: Groups a worker reads per task, its results one file.
BATCH = 32


def _init_reader(data_files: WalkedFiles | None, spool: str) -> None:
    global _data_files, _spool
    start_worker()
    _data_files, _spool = data_files, spool


def _read_batch(batch: list[list[Path]]) -> str:
    """A batch's records, each group's, and the digests of the files read for
    them (the parent records the groups' states, and would otherwise read each
    again), left in a file whose path is returned.  Not through the pool's result
    pipe: a worker blocked writing a large result into it holds its lock, and a
    Ctrl-C then hung `Pool.terminate()` for good (a test's, once, on a loaded
    machine; `shards` hands its results over so for the same reason)."""
    with keeping_digests() as digests:
        read = [read_group(group, _data_files) for group in batch], dict(digests)
    fd, path = tempfile.mkstemp(dir=_spool, suffix=".pickle")
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(read, fh, pickle.HIGHEST_PROTOCOL)
    return path


def _taken(path: str) -> list[list]:
    """A batch's groups' records, read back from the file its worker left (and removed)."""
    data = Path(path).read_bytes()
    Path(path).unlink()
    groups, digests = pickle.loads(data)  # written by this run's own worker a moment ago
    keep_digests(digests)
    return groups


@contextmanager
def group_reader(groups: list[list[Path]], workers: int | None,
                 data_files: WalkedFiles | None = None) -> Iterator[Iterable[list]]:
    """Read groups in parallel when it pays: YAML parsing is a third of a build.
    (`data_files`, a walk's tables, goes to each worker once, not with every group.)
    The files' digests are kept for the groups' states while the block lasts."""
    workers = worker_count(workers)
    with keeping_digests():
        if workers <= 1 or sum(map(len, groups)) < PARALLEL_MIN_FILES:
            yield (read_group(group, data_files) for group in groups)
            return
        batches = [groups[i:i + BATCH] for i in range(0, len(groups), BATCH)]
        with tempfile.TemporaryDirectory(prefix="pfocr-read-") as spool:
            pool = context().Pool(workers, initializer=_init_reader, initargs=(data_files, spool))
            try:
                yield (items for path in pool.imap(_read_batch, batches) for items in _taken(path))
            finally:
                pool.terminate()
                pool.join()
