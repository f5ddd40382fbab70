"""Which file keeps a figid that several files carry.

PFOCR names each figure file after its figid, yet copies happen: the same
figure in two releases' folders, a file copied by hand.  The rule, the same
for a full build, a parallel one and an incremental update: the record whose
first figure file comes first in sorted path order keeps the figid, and
every other is a conflict that names the file that kept it.  (The two
layouts of one figure are not a clash: they merge, see `parse`.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import ReadIssue


def conflict(figid: str, loser: str, winner: str) -> ReadIssue:
    """The issue reported for the file that lost `figid` to `winner`."""
    return ReadIssue(loser, f"figid {figid} is also in {winner} (kept that one)", "conflict")


@dataclass
class Claims:
    """Figids and the path of the file holding each, as files are met in any order."""

    #: figid -> the path that keeps it so far.
    holders: dict[str, str] = field(default_factory=dict)

    def claim(self, figid: str, path: str) -> str | None:
        """`path` claims `figid`: returns the path that loses it (`path`
        itself, or the holder it displaces), or None if nobody held it."""
        holder = self.holders.get(figid)
        if holder is None or holder == path:
            self.holders[figid] = path
            return None
        if path < holder:
            self.holders[figid] = path
            return holder
        return path

    def issue(self, figid: str, loser: str) -> ReadIssue:
        """The conflict `loser` reports, naming the file that keeps `figid` now."""
        return conflict(figid, loser, self.holders[figid])
