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
"""

from __future__ import annotations

import gc

#: Allocations between young-generation passes, and passes between older ones.
THRESHOLDS = (50_000, 20, 100)


def collect_rarely() -> None:
    """Let this process's cyclic garbage collector run at `THRESHOLDS`."""
    gc.set_threshold(*THRESHOLDS)
