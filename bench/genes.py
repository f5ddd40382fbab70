"""Gene-term resolution and gene-set search speed on a built index.

    python bench/genes.py INDEX [--repeat 50]

Prints the vocabulary size and p50/p95 latencies (ms) of resolving one term
of each kind (exact, normalised, alias, fuzzy typo, unknown) and of gene-set
searches of 1, 10 and 50 genes, with and without an organism.  Use it on the
index bench/run.py builds (e.g. bench/corpus/indexes-100000-1/pfocr).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

from pfocr_search import FigureIndex


def _timed(func, items) -> dict[str, float]:
    times = []
    for item in items:
        started = time.perf_counter()
        func(item)
        times.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else times * 99
    return {"p50": round(cuts[49], 2), "p95": round(cuts[94], 2)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with FigureIndex.open(args.index) as ix:
        vocab = ix.vocabulary
        symbols = [s for s in vocab.entries if len(s) >= 6 and s.isalnum()]
        aliases = list(vocab.aliases)
        print(f"vocabulary: {len(vocab.entries):,} symbols, {len(aliases):,} alias words; "
              f"{len(ix):,} figures", file=sys.stderr)
        ix.resolve(["STAT3"])  # build the resolver's tables once
        picks = [rng.choice(symbols) for _ in range(args.repeat)]
        kinds = {
            "exact": picks,
            "normalised": [s[:3] + "-" + s[3:].lower() for s in picks],
            "alias": [rng.choice(aliases) for _ in range(args.repeat)] if aliases else [],
            "fuzzy (swapped letters)": [s[:2] + s[3] + s[2] + s[4:] for s in picks],
            "unknown": [f"QQZX{i}W" for i in range(args.repeat)],
        }
        print("| measure | p50 ms | p95 ms |\n|---|---|---|")
        for kind, terms in kinds.items():
            if not terms:
                continue  # e.g. a synthetic corpus whose OCR words are all symbols
            t = _timed(lambda term: ix.resolve([term]), terms)
            print(f"| resolve one term, {kind} | {t['p50']} | {t['p95']} |")
        for size in (1, 10, 50):
            sets = [rng.sample(symbols, size) for _ in range(max(5, args.repeat // 5))]
            t = _timed(lambda genes: ix.search_genes(genes, 10), sets)
            print(f"| gene-set search, {size} genes | {t['p50']} | {t['p95']} |")
            t = _timed(lambda genes: ix.search_genes(genes, 10, organism="human"), sets)
            print(f"| gene-set search, {size} genes, human only | {t['p50']} | {t['p95']} |")


if __name__ == "__main__":
    main()
