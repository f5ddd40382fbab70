"""Settings of the processes pfocr-search runs as its own: the command line
and a build's worker processes, never a program that imports the library.

Importing numpy and Whoosh, and indexing records, make hundreds of thousands
of objects that live until the process ends, and few of them form cycles.
At Python's default thresholds the cyclic garbage collector walks them over
and over (a pass of the youngest objects every 700 allocations, of all of
them every few tens of thousands).  A fresh build of 30,000 figures with two
workers, old and new alternating: 66.9 and 61.8 s (CPU 124.5 and 118.1 s)
at the defaults, 58.8 and 59.5 s (CPU 110.3 and 109.7 s) with these
thresholds in the workers.  On 10,000 figures peak RSS stayed 236 MB (240 MB
with the collector off altogether).  A one-shot search measured the same
either way, within this machine's noise.

The same objects made a one-shot command's exit slow: the interpreter's
collections at shutdown walked all of them once more, 44 ms of a 0.24 s
`python -c "import pfocr_search.cli, pfocr_search.index"`.
"""

from __future__ import annotations

import gc

#: Allocations between young-generation passes, and passes between older ones.
THRESHOLDS = (50_000, 20, 100)


def collect_rarely() -> None:
    """Let this process's cyclic garbage collector run at `THRESHOLDS`."""
    gc.set_threshold(*THRESHOLDS)


def exit_lightly() -> None:
    """Leave the objects alive now to be freed by the process's end, not walked
    by the collections at shutdown: for a command that has finished its work.

    Finalizers still run as modules are torn down; only objects in cycles are
    left unfinalized, so every file this process writes is closed before."""
    gc.freeze()
