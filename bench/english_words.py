"""Write pfocr_search/query/english.common.xz: the English words in common use.

    pip install wordfreq && python bench/english_words.py [--min-zipf 3]

The words are those of `english.words.xz` (Webster's Second International's,
Unix's web2, in lower case, of three to eight letters) that English text uses
at least once in a million words: wordfreq's Zipf frequency of 3 or more, the
Zipf scale's line between low- and high-frequency words.  web2 holds archaic
and rare words ("whee", "kepe", "yeat", "cel", "upsteam"), and a typo that
happened to be one ("cels" for "cells", "yeats" for "yeast") went uncorrected;
the words people write ("worm", "why", "tell", "calm", "brake", "tyre") are
kept.
"""

from __future__ import annotations

import argparse
import lzma
from pathlib import Path

QUERY = Path(__file__).resolve().parent.parent / "pfocr_search" / "query"


def main(argv: list[str] | None = None) -> None:
    from wordfreq import zipf_frequency

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-zipf", type=float, default=3.0)
    args = parser.parse_args(argv)
    words = lzma.decompress((QUERY / "english.words.xz").read_bytes()).decode("ascii").split()
    kept = [w for w in words if zipf_frequency(w, "en") >= args.min_zipf]
    out = QUERY / "english.common.xz"
    out.write_bytes(lzma.compress(("\n".join(kept) + "\n").encode("ascii"), preset=9 | lzma.PRESET_EXTREME))
    print(f"{len(kept)} of {len(words)} words kept in {out}")


if __name__ == "__main__":
    main()
