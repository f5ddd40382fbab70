"""Building and updating an index: what to re-read, reading it (in parallel
when it pays), claiming figids, writing records and their tallies (genes, synonyms) into
a new generation, and publishing it."""

from typing import Callable

#: Called as progress(done, total) by builds, updates and batches.
ProgressCallback = Callable[[int, int], None]
