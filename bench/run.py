"""pfocr-search against SQLite FTS5, tantivy and a linear scan, on the same records.

    python bench/run.py --n 100000            # the full run (not part of CI)
    python bench/run.py --n 500 --queries 5   # a smoke run (a test runs this)

Writes bench/results/<date>-<n>.json and .md and prints the table.  Each
engine builds its index from the record files in a fresh process (so its peak
RSS is its own); queries then run in this process over a fixed, seeded
workload.  Machines are noisy: compare the ratios of one run, not raw times
across runs.  tantivy is optional (`pip install '.[bench]'`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import platform
import random
import re
import resource
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus as synthetic  # noqa: E402

from pfocr_search import FigureIndex, FigureRecord, read_records  # noqa: E402
from pfocr_search.build.indexer import build as pfocr_build  # noqa: E402

KINDS = ("one_word", "multi_word", "phrase", "single_gene", "gene_set_10", "gene_set_50", "fuzzy_gene")
TEXT_FIELDS = ("figtitle", "caption", "papertitle", "keywords", "genes", "reftext")
STOP = {"the", "and", "of", "in", "to", "a", "by", "is", "for", "with", "on", "as", "are", "that", "from", "or",
        "an", "be", "at", "which", "this", "its", "via", "into", "can", "their", "these", "was", "were"}
TARGETS = {  # issue 5, at N = 100,000 on 2 cores
    "build_seconds": 180.0, "peak_rss_mb": 1500.0, "update_nochange_seconds": 5.0,
    "text_p95_ms": 30.0, "single_gene_p95_ms": 10.0, "fuzzy_gene_p95_ms": 15.0, "gene_set_50_p95_ms": 300.0,
}


# -- records -----------------------------------------------------------------

def load_records(root: Path) -> list[FigureRecord]:
    return [r for r in read_records([root]) if isinstance(r, FigureRecord)]


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024.0


def in_fresh_process(func: Callable[..., dict], *args: Any) -> dict:
    """Run func(*args) in a spawned process (not a pool worker: those may not
    start processes of their own); returns its result plus its peak RSS."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_measured, args=(queue, func, *args))
    process.start()
    result = queue.get()
    process.join()
    if "error" in result:
        raise RuntimeError(f"{func.__name__} failed: {result['error']}")
    return result


def _measured(queue, func: Callable[..., dict], *args: Any) -> None:
    try:
        result = func(*args)
    except Exception as exc:  # reported to the parent, which raises it
        queue.put({"error": f"{type(exc).__name__}: {exc}"})
        return
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    queue.put(result)


def dir_size_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6, 1)


# -- builds (each in its own process) -------------------------------------------

def build_pfocr(corpus: str, target: str) -> dict:
    started = time.perf_counter()
    report = pfocr_build([corpus], target)
    return {"build_seconds": round(time.perf_counter() - started, 2), "records": report.indexed,
            "skipped": len(report.skipped)}


def parse_only(corpus: str) -> dict:
    """Reading the records alone, on one core: the parse share of any engine's build."""
    started = time.perf_counter()
    records = load_records(Path(corpus))
    return {"parse_seconds_one_core": round(time.perf_counter() - started, 2), "records": len(records)}


def build_fts5(corpus: str, target: str) -> dict:
    started = time.perf_counter()
    records = load_records(Path(corpus))
    parsed = time.perf_counter() - started
    db = sqlite3.connect(target)
    db.execute(f"CREATE VIRTUAL TABLE figures USING fts5(figid UNINDEXED, {', '.join(TEXT_FIELDS)}, "
               "tokenize='porter unicode61 remove_diacritics 2')")
    with db:
        db.executemany(f"INSERT INTO figures VALUES ({', '.join('?' * (len(TEXT_FIELDS) + 1))})",
                       ([r.figid, *(r.text_of(f) for f in TEXT_FIELDS)] for r in records))
    db.execute("INSERT INTO figures(figures) VALUES('optimize')")
    db.commit()
    db.close()
    return {"build_seconds": round(time.perf_counter() - started, 2), "parse_seconds": round(parsed, 2),
            "records": len(records)}


def build_tantivy(corpus: str, target: str) -> dict:
    import tantivy

    started = time.perf_counter()
    records = load_records(Path(corpus))
    parsed = time.perf_counter() - started
    schema = _tantivy_schema(tantivy)
    Path(target).mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema, path=target)
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    for r in records:
        writer.add_document(tantivy.Document(figid=r.figid, **{f: r.text_of(f) for f in TEXT_FIELDS}))
    writer.commit()
    writer.wait_merging_threads()
    return {"build_seconds": round(time.perf_counter() - started, 2), "parse_seconds": round(parsed, 2),
            "records": len(records)}


def _tantivy_schema(tantivy):
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("figid", stored=True, tokenizer_name="raw")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name="default" if name == "genes" else "en_stem")
    return builder.build()


# -- engines at query time -------------------------------------------------------

class Pfocr:
    name = "pfocr-search"

    def __init__(self, path: Path) -> None:
        self.ix = FigureIndex.open(path)

    def run(self, kind: str, query: Any) -> list[str]:
        if kind.startswith("gene") or kind in ("single_gene", "fuzzy_gene"):
            terms = query if isinstance(query, list) else [query]
            return [h.figid for h in self.ix.search_genes(terms, limit=10)]
        return [h.figid for h in self.ix.search(query, limit=10)]


class Fts5:
    name = "sqlite-fts5"
    # bm25() weights in column order (figid first): the same boosts pfocr-search starts from.
    WEIGHTS = "0, 4.0, 1.0, 1.5, 1.5, 2.5, 0.3"

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(str(path))

    def run(self, kind: str, query: Any) -> list[str]:
        match = _fts_match(kind, query)
        rows = self.db.execute(f"SELECT figid FROM figures WHERE figures MATCH ? "
                               f"ORDER BY bm25(figures, {self.WEIGHTS}) LIMIT 10", (match,))
        return [r[0] for r in rows]


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _fts_match(kind: str, query: Any) -> str:
    if kind == "phrase":
        return _quote(query.strip('"'))
    if isinstance(query, list):
        return "genes : (" + " OR ".join(_quote(g) for g in query) + ")"
    if kind in ("single_gene", "fuzzy_gene"):
        return "genes : " + _quote(query)
    return " OR ".join(_quote(w) for w in query.split())


class Tantivy:
    name = "tantivy"

    def __init__(self, path: Path) -> None:
        import tantivy

        self.index = tantivy.Index.open(str(path))
        self.index.reload()
        self.searcher = self.index.searcher()

    def run(self, kind: str, query: Any) -> list[str]:
        if isinstance(query, list) or kind in ("single_gene", "fuzzy_gene"):
            terms = query if isinstance(query, list) else [query]
            q = self.index.parse_query(" ".join(_quote(t) for t in terms), ["genes"])
        else:
            text = query if kind == "phrase" else " ".join(_quote(w) for w in query.split())
            q = self.index.parse_query(text, list(TEXT_FIELDS),
                                       field_boosts={"figtitle": 4.0, "genes": 2.5, "papertitle": 1.5,
                                                     "keywords": 1.5, "reftext": 0.3})
        hits = self.searcher.search(q, 10).hits
        return [self.searcher.doc(address)["figid"][0] for _, address in hits]


class Linear:
    """What the PFOCR website does today: case-insensitive substrings of title and genes."""

    name = "linear-scan"

    def __init__(self, records: list[FigureRecord]) -> None:
        self.rows = [(r.figid, f"{r.figtitle} {' '.join(r.gene_symbols)}".lower(),
                      {g.upper() for g in r.gene_symbols}) for r in records]

    def run(self, kind: str, query: Any) -> list[str]:
        if isinstance(query, list):
            wanted = {g.upper() for g in query}
            scored = [(len(wanted & genes), figid) for figid, _, genes in self.rows]
            return [f for n, f in sorted((s for s in scored if s[0]), reverse=True)[:10]]
        words = [w.lower() for w in re.findall(r"[^\s\"]+", query)]
        return [figid for figid, text, _ in self.rows if all(w in text for w in words)][:10]


# -- workload -------------------------------------------------------------------------

def workload(records: list[FigureRecord], per_kind: int, seed: int) -> dict[str, list[Any]]:
    rng = random.Random(seed)
    titled = [r for r in records if len(r.figtitle.split()) >= 3]
    captioned = [r for r in records if len(r.caption.split()) >= 8]
    with_genes = [r for r in records if r.genes]
    big = sorted(with_genes, key=lambda r: len(r.gene_symbols))[-max(per_kind, 1):]

    def phrase(r: FigureRecord) -> str:
        ws = words(r.caption)
        i = rng.randrange(max(1, len(ws) - 1))
        return '"' + " ".join(ws[i:i + 2]) + '"'

    def gene_set(size: int) -> list[str]:
        pool: list[str] = []
        while len(pool) < size:
            pool += [s for s in rng.choice(big).gene_symbols if s not in pool]
        return pool[:size]

    def typo(symbol: str) -> str:
        i = rng.randrange(1, len(symbol) - 1)
        return symbol[:i] + symbol[i + 1] + symbol[i] + symbol[i + 2:]

    long_symbols = [s for r in with_genes for s in r.gene_symbols if len(s) >= 6 and s.isalnum()]
    return {
        "one_word": [rng.choice(words(rng.choice(titled).figtitle) or ["signaling"]) for _ in range(per_kind)],
        "multi_word": [" ".join(rng.sample(words(r.figtitle), min(3, len(words(r.figtitle)))) or ["pathway"])
                       for r in rng.sample(titled, per_kind)],
        "phrase": [phrase(r) for r in rng.sample(captioned, per_kind)],
        "single_gene": [rng.choice(r.gene_symbols) for r in rng.sample(with_genes, per_kind)],
        "gene_set_10": [gene_set(10) for _ in range(per_kind)],
        "gene_set_50": [gene_set(50) for _ in range(per_kind)],
        "fuzzy_gene": [typo(rng.choice(long_symbols)) for _ in range(per_kind)],
    }


def latencies(engine, queries: dict[str, list[Any]]) -> dict[str, dict[str, float]]:
    for kind, items in queries.items():  # warm caches once
        for q in items[:2]:
            engine.run(kind, q)
    out = {}
    for kind, items in queries.items():
        times = []
        for q in items:
            started = time.perf_counter()
            engine.run(kind, q)
            times.append((time.perf_counter() - started) * 1000)
        out[kind] = {"p50": _pct(times, 50), "p95": _pct(times, 95), "p99": _pct(times, 99)}
    return out


def words(text: str) -> list[str]:
    """The content words of a title or caption, to make queries from."""
    return [w for w in re.findall(r"[A-Za-z][A-Za-z\-]{3,}", text) if w.lower() not in STOP]


def _pct(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return round(ordered[0], 3)
    return round(statistics.quantiles(ordered, n=100, method="inclusive")[int(pct) - 1], 3)


# -- updates -----------------------------------------------------------------------------

def pfocr_updates(corpus: Path, index: Path, seed: int) -> dict:
    ix = FigureIndex.open(index)
    started = time.perf_counter()
    nochange = ix.update([corpus])
    t_nochange = time.perf_counter() - started
    rng = random.Random(seed)
    figures = sorted(corpus.rglob("*.md"))
    k = max(1, len(figures) // 300)  # 1% in all: a third changed, a third added, a third removed
    # One sample split in two: two samples could pick the same figure, and with
    # k = 1 leave none to remove (the 500-figure test run then saw no removal).
    picked = rng.sample(figures, 2 * k)
    changed, removed = picked[:k], picked[k:]
    backup = corpus.parent / (corpus.name + "-bench-backup")
    backup.mkdir(exist_ok=True)
    originals = {p: p.read_bytes() for p in changed}
    for p in changed:
        p.write_text(p.read_text(encoding="utf-8").replace("caption: ", "caption: revised ", 1), encoding="utf-8")
    moved = []
    for i, p in enumerate(removed):
        target = backup / f"{i}.md"
        shutil.move(p, target)
        moved.append((target, p))
    added_dir = corpus / "bench-added"
    added_dir.mkdir(exist_ok=True)
    kept = [p for p in figures if p not in set(removed)]  # copy figures that are still there
    for i, p in enumerate(kept[:k]):
        text = p.read_text(encoding="utf-8")
        figid = re.search(r"^figid: (.+)$", text, re.M).group(1)
        (added_dir / f"{figid}-new{i}.md").write_text(text.replace(figid, f"{figid}-new{i}"), encoding="utf-8")
    started = time.perf_counter()
    changed_report = ix.update([corpus])
    t_changed = time.perf_counter() - started
    for p, data in originals.items():
        p.write_bytes(data)
    for target, p in moved:
        shutil.move(target, p)
    shutil.rmtree(added_dir)
    shutil.rmtree(backup)
    ix.update([corpus])
    ix.close()
    return {"update_nochange_seconds": round(t_nochange, 2), "nochange_files_read": nochange.files_read,
            "update_1pct_seconds": round(t_changed, 2),
            "update_1pct_counts": [changed_report.added, changed_report.updated, changed_report.removed]}


# -- report ------------------------------------------------------------------------------

def markdown(result: dict) -> str:
    engines = list(result["engines"])
    lines = [f"pfocr-search benchmark, N = {result['n']:,} figures ({result['machine']})", "",
             "| measure | " + " | ".join(engines) + " | pfocr-search / peer |",
             "|---|" + "---|" * (len(engines) + 1)]

    def row(label: str, key: Callable[[dict], Any], unit: str = "") -> None:
        values = [key(result["engines"][e]) for e in engines]
        base = values[0]
        ratios = ", ".join(f"{e}: {base / v:.2f}x" for e, v in zip(engines[1:], values[1:])
                           if isinstance(v, (int, float)) and isinstance(base, (int, float)) and v)
        cells = [f"{v:,.2f}{unit}" if isinstance(v, (int, float)) else str(v) for v in values]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {ratios} |")

    row("full build (s)", lambda e: e["build"].get("build_seconds", "-"))
    row("records/s", lambda e: round(e["build"].get("records", 0) / e["build"]["build_seconds"], 1)
        if e["build"].get("build_seconds") else "-")
    row("peak RSS (MB)", lambda e: e["build"].get("peak_rss_mb", "-"))
    row("index size (MB)", lambda e: e.get("size_mb", "-"))
    row("update, nothing changed (s)", lambda e: e.get("update_nochange_seconds", "-"))
    row("update, 1% changed (s)", lambda e: e.get("update_1pct_seconds", "-"))
    for kind in KINDS:
        row(f"{kind} p50 / p95 (ms)", lambda e, k=kind: e["queries"][k]["p95"] if "queries" in e else "-")
        lines[-1] = lines[-1].replace(f"{kind} p50 / p95 (ms)", f"{kind} p95 (ms)")
    lines += ["", "Targets (issue 5, meant for N = 100,000):", ""]
    for name, (value, target, ok) in result["targets"].items():
        lines.append(f"- {name}: {value} (target {target}) {'met' if ok else 'MISSED'}")
    return "\n".join(lines) + "\n"


def check_targets(engines: dict) -> dict:
    p = engines["pfocr-search"]
    q = p["queries"]
    text_p95 = max(q[k]["p95"] for k in ("one_word", "multi_word", "phrase"))
    values = {"build_seconds": p["build"]["build_seconds"], "peak_rss_mb": p["build"]["peak_rss_mb"],
              "update_nochange_seconds": p["update_nochange_seconds"], "text_p95_ms": text_p95,
              "single_gene_p95_ms": q["single_gene"]["p95"], "fuzzy_gene_p95_ms": q["fuzzy_gene"]["p95"],
              "gene_set_50_p95_ms": q["gene_set_50"]["p95"]}
    out = {name: (values[name], target, values[name] <= target) for name, target in TARGETS.items()}
    update_share = p["update_1pct_seconds"] / p["build"]["build_seconds"]
    out["update_1pct_share_of_build"] = (round(update_share, 3), 0.10, update_share <= 0.10)
    if "sqlite-fts5" in engines:
        fts = max(engines["sqlite-fts5"]["queries"][k]["p95"] for k in ("one_word", "multi_word", "phrase"))
        out["text_p95_vs_fts5"] = (round(text_p95 / fts, 2) if fts else None, 3.0, bool(fts) and text_p95 / fts <= 3)
    if "linear-scan" in engines:
        lin = max(engines["linear-scan"]["queries"][k]["p95"] for k in ("one_word", "multi_word", "phrase"))
        out["linear_scan_p95_over_text_p95"] = (round(lin / text_p95, 1), 100.0, lin / text_p95 >= 100)
    return out


def run(n: int, seed: int, per_kind: int, out_dir: Path, work: Path, with_tantivy: bool = True) -> dict:
    corpus = synthetic.ensure_corpus(work / f"corpus-{n}-{seed}", n, seed)
    indexes = work / f"indexes-{n}-{seed}"
    shutil.rmtree(indexes, ignore_errors=True)
    indexes.mkdir(parents=True)
    engines: dict[str, dict] = {}
    print(f"building pfocr-search over {n} figures ...", file=sys.stderr)
    engines["pfocr-search"] = {"build": in_fresh_process(build_pfocr, str(corpus), str(indexes / "pfocr"))}
    parsed = in_fresh_process(parse_only, str(corpus))
    engines["pfocr-search"]["build"]["parse_seconds_one_core"] = parsed["parse_seconds_one_core"]
    engines["pfocr-search"]["build"]["index_seconds_two_cores"] = round(
        engines["pfocr-search"]["build"]["build_seconds"] - engines["pfocr-search"]["build"]["parse_seconds_one_core"]
        / (os.cpu_count() or 1), 2)
    engines["pfocr-search"]["size_mb"] = dir_size_mb(indexes / "pfocr")
    engines["pfocr-search"].update(pfocr_updates(corpus, indexes / "pfocr", seed))
    print("building sqlite-fts5 ...", file=sys.stderr)
    engines["sqlite-fts5"] = {"build": in_fresh_process(build_fts5, str(corpus), str(indexes / "fts5.db"))}
    engines["sqlite-fts5"]["size_mb"] = round((indexes / "fts5.db").stat().st_size / 1e6, 1)
    try:
        import tantivy  # noqa: F401
        have_tantivy = with_tantivy
    except ImportError:
        have_tantivy = False
    if have_tantivy:
        print("building tantivy ...", file=sys.stderr)
        engines["tantivy"] = {"build": in_fresh_process(build_tantivy, str(corpus), str(indexes / "tantivy"))}
        engines["tantivy"]["size_mb"] = dir_size_mb(indexes / "tantivy")
    for name in list(engines)[1:]:  # peers rebuild to update
        engines[name]["update_nochange_seconds"] = engines[name]["update_1pct_seconds"] = \
            engines[name]["build"]["build_seconds"]
    records = load_records(corpus)
    engines["linear-scan"] = {"build": {"build_seconds": engines["sqlite-fts5"]["build"]["parse_seconds"],
                                        "records": len(records)}}
    queries = workload(records, per_kind, seed)
    print("querying ...", file=sys.stderr)
    runners = {"pfocr-search": lambda: Pfocr(indexes / "pfocr"), "sqlite-fts5": lambda: Fts5(indexes / "fts5.db"),
               "tantivy": lambda: Tantivy(indexes / "tantivy"), "linear-scan": lambda: Linear(records)}
    for name in engines:
        engines[name]["queries"] = latencies(runners[name](), queries)
    result = {"n": n, "seed": seed, "queries_per_kind": per_kind, "date": dt.date.today().isoformat(),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
              "engines": engines, "workload_sample": {k: v[:2] for k, v in queries.items()}}
    result["targets"] = check_targets(engines)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"{result['date']}-{n}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    table = markdown(result)
    stem.with_suffix(".md").write_text(table, encoding="utf-8")
    print(table)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=40, help="queries per kind")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--work", type=Path, default=HERE / "corpus", help="where corpora and indexes go")
    parser.add_argument("--no-tantivy", action="store_true")
    args = parser.parse_args(argv)
    run(args.n, args.seed, args.queries, args.out, args.work, with_tantivy=not args.no_tantivy)


if __name__ == "__main__":
    main()
