"""Batch enrichment speed: a GMT of many gene sets, and one long list, against a built index.

    python bench/enrich.py INDEX [--sets 500] [--size 100] [--long 2000]
    python bench/enrich.py --build 100000          # writes bench/corpus/enrich-100000 first

Sets are drawn (seeded) from the index's own gene vocabulary, as a screen's
signatures would be, with a few loose spellings among them; the background
is three quarters of the vocabulary.  Prints the batch time and the time per
set, with and without a background, and the time of one long list (issue 14's
goals: the 500-set batch in <= 30 s on 2 cores, <= 60 ms a set including
resolution; the 2,000-gene list <= 1 s).  Compare ratios within one run:
machines are noisy.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pfocr_search import FigureIndex  # noqa: E402
from pfocr_search.genes.lists import GeneSet  # noqa: E402


def _sets(symbols: list[str], count: int, size: int, rng: random.Random) -> list[GeneSet]:
    out = []
    for i in range(count):
        genes = rng.sample(symbols, size)
        genes[0] = genes[0].lower()  # people type loosely
        out.append(GeneSet(f"signature_{i}", genes))
    return out


def run(index: Path, sets: int, size: int, long: int, seed: int) -> None:
    rng = random.Random(seed)
    with FigureIndex.open(index) as ix:
        symbols = sorted(ix.vocabulary.entries)
        batch = _sets(symbols, sets, size, rng)
        background = rng.sample(symbols, len(symbols) * 3 // 4)
        ix.resolve(["STAT3"])  # the resolver's tables, once, as any long-lived program has them
        print(f"index: {len(ix):,} figures, {len(symbols):,} gene symbols; batch: {sets} sets x {size} genes")
        print("| measure | seconds | ms per set |\n|---|---|---|")
        for label, universe in (("batch, index genes as background", None), ("batch, background given", background)):
            started = time.perf_counter()
            results = ix.enrich(batch, 10, background=universe)
            took = time.perf_counter() - started
            assert len(results) == sets
            print(f"| {label} | {took:.2f} | {1000 * took / sets:.1f} |")
        genes = rng.sample(symbols, long)
        started = time.perf_counter()
        ix.search_genes(genes, 10)
        print(f"| one list of {long:,} genes | {time.perf_counter() - started:.2f} | - |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path, nargs="?")
    parser.add_argument("--build", type=int, help="write a synthetic corpus of N figures and index it first")
    parser.add_argument("--sets", type=int, default=500)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--long", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    index = args.index
    if args.build:
        import corpus as synthetic

        root = HERE / "corpus" / f"enrich-{args.build}"
        records = root / "records"
        synthetic.ensure_corpus(records, args.build, seed=args.seed)
        index = root / "index"
        if not index.exists():
            started = time.perf_counter()
            FigureIndex.build([records], index).close()
            print(f"built {index} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if index is None:
        parser.error("give INDEX or --build N")
    run(index, args.sets, args.size, args.long, args.seed)


if __name__ == "__main__":
    main()
