"""Re-run pfocr-search's query workload of bench/run.py on an index already built.

    python bench/requery.py CORPUS INDEX [--queries 30] [--seed 1]

For measuring a query-time change without rebuilding every engine: the same
seeded workload as bench/run.py, pfocr-search only, p50/p95/p99 per kind.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("index", type=Path)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    queries = bench.workload(bench.load_records(args.corpus), args.queries, args.seed)
    print(json.dumps(bench.latencies(bench.Pfocr(args.index), queries), indent=1))


if __name__ == "__main__":
    main()
