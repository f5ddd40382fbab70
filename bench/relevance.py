"""Ranking quality on judged queries: pfocr-search against SQLite FTS5.

    python bench/relevance.py [--config FILE] [--judgments FILE] [--json]
    python bench/relevance.py --set realworld [--half tune|test]
    python bench/relevance.py --corpus DIR --judgments FILE   # records and queries of your own

Builds both over a corpus (the demo corpus shipped in the package, or the
set of real PFOCR records in bench/relevance/realworld/), one record
per figure whatever its layouts, runs every judged query and prints MRR@10,
nDCG@10 and Recall@10 per kind of query and overall.  The realworld queries
are split once, by a fixed rule (the first byte of the query's SHA-1 even:
tuning half; odd: test half): tune on the first, report both, and let the
regression test guard the second.  FTS5 gets the same text fields (gene symbols as
plain text) with its default BM25 and the query's words OR'ed, as a user of
the standard library would set it up.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import yaml

from pfocr_search import FigureIndex, FigureRecord, load_config, read_records, sample_corpus

HERE = Path(__file__).resolve().parent
JUDGMENTS = HERE / "relevance" / "judgments.yaml"
SETS = {
    "demo": (None, [JUDGMENTS]),
    "realworld": (HERE / "relevance" / "realworld", sorted((HERE / "relevance").glob("realworld-*.yaml"))),
}
FIELDS = ("figtitle", "caption", "papertitle", "keywords", "genes", "chemicals", "diseases", "reftext")
K = 10


@dataclass(frozen=True)
class Judged:
    query: str
    kind: str
    relevant: frozenset[str]


def load_judgments(path: Path = JUDGMENTS) -> list[Judged]:
    """Judged queries; `rel` lists figids, or names the file's `figures` table gives."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = data.get("figures") or {}
    return [Judged(item["q"], item["kind"], frozenset(names.get(r, r) for r in item["rel"]))
            for item in data["queries"]]


def half(judged: Sequence[Judged], which: str) -> list[Judged]:
    """The tuning or test half of a set (fixed: the parity of the query's SHA-1), or all of it."""
    if which == "all":
        return list(judged)
    return [j for j in judged if (hashlib.sha1(j.query.encode()).digest()[0] % 2 == 0) == (which == "tune")]


def metrics(ranked: Sequence[str], relevant: frozenset[str]) -> dict[str, float]:
    top = list(ranked[:K])
    first = next((i for i, figid in enumerate(top, 1) if figid in relevant), None)
    dcg = sum(1 / math.log2(i + 1) for i, figid in enumerate(top, 1) if figid in relevant)
    ideal = sum(1 / math.log2(i + 1) for i in range(1, min(len(relevant), K) + 1))
    return {"mrr": 1 / first if first else 0.0, "ndcg": dcg / ideal,
            "recall": len(relevant & set(top)) / len(relevant)}


def evaluate(run: Callable[[str], list[str]], judged: Sequence[Judged]) -> dict[str, dict[str, float]]:
    """Mean metrics per kind and overall ('all')."""
    per_kind: dict[str, list[dict[str, float]]] = {}
    for j in judged:
        m = metrics(run(j.query), j.relevant)
        per_kind.setdefault(j.kind, []).append(m)
        per_kind.setdefault("all", []).append(m)
    return {kind: {name: round(sum(m[name] for m in ms) / len(ms), 4) for name in ("mrr", "ndcg", "recall")}
            for kind, ms in per_kind.items()}


def pfocr_runner(ix: FigureIndex) -> Callable[[str], list[str]]:
    return lambda q: [h.figid for h in ix.search(q, limit=K)]


def fts5_runner(records: Sequence[FigureRecord]) -> Callable[[str], list[str]]:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE f USING fts5(figid UNINDEXED, {', '.join(FIELDS)})")
    db.executemany(f"INSERT INTO f VALUES ({', '.join('?' * (len(FIELDS) + 1))})",
                   ([r.figid, *(r.text_of(name) for name in FIELDS)] for r in records))

    def run(q: str) -> list[str]:
        words = re.findall(r"\w+", q)
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        return [row[0] for row in db.execute("SELECT figid FROM f WHERE f MATCH ? ORDER BY bm25(f) LIMIT ?",
                                             (match, K))]

    return run


def compare(config_path: Path | None = None, judgments: Path | Sequence[Path] = JUDGMENTS,
            corpus: Path | None = None, which: str = "all") -> dict[str, dict]:
    files = [judgments] if isinstance(judgments, Path) else list(judgments)
    judged = half([j for path in files for j in load_judgments(path)], which)
    source = corpus or sample_corpus()
    records = [r for r in read_records([source]) if isinstance(r, FigureRecord)]
    config = load_config(config_path)
    with tempfile.TemporaryDirectory() as tmp, FigureIndex.build([source], Path(tmp) / "ix", config) as ix:
        return {"pfocr-search": evaluate(pfocr_runner(ix), judged),
                "sqlite-fts5": evaluate(fts5_runner(records), judged),
                "queries": {"total": len(judged), **{k: sum(j.kind == k for j in judged)
                                                     for k in dict.fromkeys(j.kind for j in judged)}}}


def table(result: dict[str, dict]) -> str:
    kinds = list(result["pfocr-search"])
    kinds = [k for k in kinds if k != "all"] + ["all"]
    lines = ["| kind (queries) | pfocr-search MRR / nDCG / Recall @10 | SQLite FTS5 MRR / nDCG / Recall @10 |",
             "|---|---|---|"]
    for kind in kinds:
        cells = [" / ".join(f"{result[e][kind][m]:.3f}" for m in ("mrr", "ndcg", "recall"))
                 for e in ("pfocr-search", "sqlite-fts5")]
        count = result["queries"]["total" if kind == "all" else kind]
        lines.append(f"| {kind} ({count}) | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path)
    parser.add_argument("--judgments", type=Path, action="append", help="judged queries (default: the set's)")
    parser.add_argument("--set", choices=sorted(SETS), default="demo", help="which corpus and judgments")
    parser.add_argument("--corpus", type=Path, help="another folder of records, judged by --judgments")
    parser.add_argument("--half", choices=("all", "tune", "test"), default="all")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    corpus, judgments = SETS[args.set]
    if args.corpus is not None and not args.judgments:
        parser.error("--corpus needs --judgments (queries judged on that corpus)")
    result = compare(args.config, args.judgments or judgments, args.corpus or corpus, args.half)
    print(json.dumps(result, indent=1) if args.json else table(result))


if __name__ == "__main__":
    sys.exit(main())
