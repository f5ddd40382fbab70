"""How build time, index size and query latency grow with the corpus.

    python bench/scaling.py --sizes 10000 30000 100000 [--queries 30]

For each size, writes the synthetic corpus (bench/corpus.py, seed 1), builds
pfocr-search in a fresh process, and runs bench/run.py's query workload;
then fits each measure to a power law, measure ~ N^k, by least squares on
the logs, so a user can predict a size not measured (300,000 figures, say).
Prints a table and writes bench/results/<date>-scaling.md.  Machines are
noisy: read the exponents, not the last digit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus as synthetic  # noqa: E402
import run as bench  # noqa: E402

KINDS = ("one_word", "multi_word", "phrase", "single_gene", "gene_set_50")


def measure(n: int, per_kind: int, work: Path) -> dict:
    corpus = synthetic.ensure_corpus(work / f"corpus-{n}-1", n, 1)
    index = work / f"scaling-index-{n}"
    shutil.rmtree(index, ignore_errors=True)
    built = bench.in_fresh_process(bench.build_pfocr, str(corpus), str(index))
    queries = bench.workload(bench.load_records(corpus), per_kind, 1)
    p95 = {kind: stats["p95"] for kind, stats in bench.latencies(bench.Pfocr(index), queries).items()}
    return {"n": n, "build_seconds": built["build_seconds"], "size_mb": bench.dir_size_mb(index),
            **{f"{kind}_p95_ms": p95[kind] for kind in KINDS}}


def exponent(rows: list[dict], key: str) -> float:
    """k of key ~ N^k, least squares on log-log."""
    xs = [math.log(r["n"]) for r in rows]
    ys = [math.log(max(r[key], 1e-9)) for r in rows]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def table(rows: list[dict]) -> str:
    keys = [k for k in rows[0] if k != "n"]
    lines = ["| N | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    lines += ["| " + f"{r['n']:,}" + " | " + " | ".join(f"{r[k]:g}" for k in keys) + " |" for r in rows]
    lines.append("| exponent k (~ N^k) | " + " | ".join(f"{exponent(rows, k):.2f}" for k in keys) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 30000, 100000])
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--work", type=Path, default=HERE / "corpus")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    rows = []
    for n in sorted(args.sizes):
        print(f"measuring N = {n:,} ...", file=sys.stderr)
        rows.append(measure(n, args.queries, args.work))
    text = table(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{dt.date.today().isoformat()}-scaling.md").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
