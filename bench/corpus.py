"""Write a synthetic PFOCR corpus shaped on the real records, for benchmarks.

    python bench/corpus.py --n 100000 --out bench/corpus/100k [--seed 1]

The records are built from the demo corpus shipped in the package: its
caption, title and paper-title words with their real frequencies, its real
gene symbols (grown to a genome-sized vocabulary with real family prefixes and
mouse/fly-style orthologs), organisms and journals.  Like PFOCR: gene counts
per figure have a long tail (most 5-60, a few 300+), about 60% of figures are
in the pfocr-database layout (`_figures/*.md` + `_data/*-genes.tsv`) and the
rest inline, some figures are in both, and fields are messy (`NA`,
`.na.character`, `year: ''`, organisms as a string, Greek letters).
Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import re
import shutil
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pfocr_search import FigureRecord, read_records, sample_corpus

GREEK = ["NF-κB", "TNF-α", "IFN-γ", "TGF-β", "PKCδ", "IKKβ", "GSK3β", "PI3Kγ", "HIF-1α", "PPARγ", "ERα", "IL-1β"]
TSV_HEADER = ("organism_id\torganism_name\torganism_group\tword\tmatch\tncbigene_symbol\tncbigene_id\tsource\t"
              "count_direct\tcount_synonym\tcount_match\n")
ORGANISMS = [("9606", "Homo sapiens", "Primates", 0.75), ("10090", "Mus musculus", "Rodents", 0.12),
             ("10116", "Rattus norvegicus", "Rodents", 0.05), ("7227", "Drosophila melanogaster", "Invertebrates", 0.04),
             ("7955", "Danio rerio", "Vertebrates", 0.02), ("3702", "Arabidopsis thaliana", "Plants", 0.02)]
FAMILIES = ["SLC", "ZNF", "KRT", "OR", "CD", "IL", "TNF", "MAPK", "CASP", "ATG", "KLF", "SOX", "FOX", "WNT",
            "FZD", "CXCL", "CCL", "TLR", "NLRP", "PIK3", "AKT", "JAK", "STAT", "SMAD", "BMP", "FGF", "HOX", "RPL",
            "RPS", "NDUF", "ATP", "ADCY", "PRKA", "PLC", "GRB", "SOS", "CDK", "CCN", "E2F", "TP", "HSP", "UBE"]


@dataclass
class Vocab:
    words: list[str]
    word_cum: list[float]
    symbols: list[str]
    symbol_cum: list[float]
    journals: list[str]
    ids: dict[str, str]


def zipf_cumulative(n: int, s: float = 1.05) -> list[float]:
    return list(itertools.accumulate(1.0 / (i + 1) ** s for i in range(n)))


def load_vocab(rng: random.Random, n_symbols: int) -> Vocab:
    records = [r for r in read_records([sample_corpus()]) if isinstance(r, FigureRecord)]
    words: Counter[str] = Counter()
    for r in records:
        words.update(re.findall(r"[A-Za-z][\w\-/]*", f"{r.figtitle} {r.caption} {r.papertitle}"))
    ranked_words = [w for w, _ in words.most_common()]
    real = list(dict.fromkeys(g.symbol for r in records for g in r.genes if g.organism == "Homo sapiens"))
    symbols = list(real)
    seen = set(symbols)
    # Family prefixes x 999 numbers x suffixes is ~250,000 names: room for a genome and orthologs.
    while len(symbols) < n_symbols:
        candidate = f"{rng.choice(FAMILIES)}{rng.randint(1, 999)}{rng.choice(['', '', 'A', 'B', 'L1', 'R'])}"
        if candidate not in seen:
            seen.add(candidate)
            symbols.append(candidate)
    rng.shuffle(symbols)
    journals = list(dict.fromkeys(r.journal for r in records if r.journal)) or ["PLoS One"]
    ids = {s: str(100000 + i) for i, s in enumerate(symbols)}
    return Vocab(ranked_words, zipf_cumulative(len(ranked_words)), symbols, zipf_cumulative(len(symbols), 0.9),
                 journals, ids)


def pick(rng: random.Random, items: list[str], cum: list[float]) -> str:
    return items[bisect.bisect(cum, rng.random() * cum[-1])]


def sentence(rng: random.Random, vocab: Vocab, n: int) -> str:
    out = [pick(rng, vocab.words, vocab.word_cum) for _ in range(n)]
    if rng.random() < 0.3:
        out.insert(rng.randrange(len(out) + 1), rng.choice(GREEK))
    return " ".join(out)


def gene_count(rng: random.Random) -> int:
    if rng.random() < 0.03:
        return rng.randint(250, 450)
    return max(1, min(200, int(rng.lognormvariate(2.9, 0.8))))


def ortholog(symbol: str, organism: str) -> str:
    if organism in ("Mus musculus", "Rattus norvegicus", "Danio rerio"):
        return symbol[:1] + symbol[1:].lower()
    if organism == "Drosophila melanogaster":
        return symbol.lower()
    return symbol


def messy(rng: random.Random, value: str) -> str:
    return rng.choice(["NA", ".na.character", ""]) if rng.random() < 0.05 else value


def figure(rng: random.Random, vocab: Vocab, i: int) -> dict:
    genes = []
    for _ in range(gene_count(rng)):
        symbol = pick(rng, vocab.symbols, vocab.symbol_cum)
        organism = rng.choices(ORGANISMS, weights=[o[3] for o in ORGANISMS])[0]
        word = symbol if rng.random() < 0.8 else f"({symbol}," if rng.random() < 0.5 else symbol.replace("1", "-1")
        genes.append((organism, word, ortholog(symbol, organism[1]), vocab.ids[symbol]))
    year = rng.randint(1995, 2024)
    return {
        "figid": f"PMC{1000000 + i}__fig{i}",
        "figtitle": sentence(rng, vocab, rng.randint(3, 14)),
        "caption": "" if rng.random() < 0.04 else sentence(rng, vocab, rng.randint(10, 160)),
        "papertitle": sentence(rng, vocab, rng.randint(6, 20)) + ".",
        "reftext": f"{sentence(rng, vocab, 2).title()}, et al. {rng.choice(vocab.journals)}. {year}.",
        "year": "" if rng.random() < 0.03 else str(year),
        "journal": rng.choice(vocab.journals),
        "keywords": " | ".join(sentence(rng, vocab, rng.randint(1, 3)) for _ in range(rng.randint(0, 5))),
        "genes": genes,
    }


def q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def write_database(root: Path, fig: dict) -> None:
    organisms = sorted({g[0][1] for g in fig["genes"]})
    lines = ["---", f"figid: {fig['figid']}", f"figtitle: {q(fig['figtitle'])}", "organisms:", "- NA",
             "organisms_ner:", *[f"- {o}" for o in organisms], f"pmcid: {fig['figid'].split('__')[0]}",
             f"caption: {q(fig['caption'])}", f"papertitle: {q(fig['papertitle'])}",
             f"reftext: {q(fig['reftext'])}", f"year: {q(fig['year'])}",
             f"journal_title: {q(messy(random.Random(fig['figid']), fig['journal']))}",
             f"keywords: {q(fig['keywords'] or '.na.character')}", "figtype: Figure",
             f"figlink: /pmc/articles/{fig['figid'].split('__')[0]}/figure/F1/", "---", ""]
    (root / "_figures" / f"{fig['figid']}.md").write_text("\n".join(lines), encoding="utf-8")
    rows = [TSV_HEADER]
    for (tax, name, group, _), word, symbol, ident in fig["genes"]:
        rows.append(f"{tax}\t{name}\t{group}\t{word}\t{word.strip('(,').upper()}\t{symbol}\t{ident}\t"
                    f"ncbigene_symbol\t3\t1\t4\n")
    (root / "_data" / f"{fig['figid']}-genes.tsv").write_text("".join(rows), encoding="utf-8")


def write_inline(root: Path, fig: dict) -> None:
    lines = ["---", f"figid: {fig['figid']}", f"figtitle: {q(fig['figtitle'])}", "organisms: Homo sapiens",
             f"pmcid: {fig['figid'].split('__')[0]}", f"caption: {q(fig['caption'])}",
             f"papertitle: {q(fig['papertitle'])}", f"reftext: {q(fig['reftext'])}", f"year: {q(fig['year'])}",
             "genes:"]
    for (_, name, _, _), word, symbol, ident in fig["genes"]:
        if name == "Homo sapiens":
            lines += [f"- word: {q(word)}", f"  symbol: {q(symbol)}", "  source: hgnc_symbol",
                      f"  hgnc_symbol: {q(symbol)}", f"  entrez: '{ident}'"]
    lines += ["chemicals: []", "diseases: []", "---", ""]
    (root / "old" / f"{fig['figid']}.md").write_text("\n".join(lines), encoding="utf-8")


def ensure_corpus(out: Path, n: int, seed: int = 1) -> Path:
    """The corpus at `out`, written once: a marker file says a write finished,
    so an interrupted one is written again rather than reused."""
    if not (out / ".complete").exists():
        shutil.rmtree(out, ignore_errors=True)
        print(f"writing a {n:,}-figure corpus ...", file=sys.stderr)
        write_corpus(out, n, seed)
        (out / ".complete").write_text("ok")
    return out


def write_corpus(out: Path, n: int, seed: int = 1, symbols: int = 40000) -> Path:
    rng = random.Random(seed)
    vocab = load_vocab(rng, symbols)
    for sub in ("_figures", "_data", "old"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    for i in range(n):
        fig = figure(rng, vocab, i)
        layout = rng.random()
        if layout < 0.6 or layout >= 0.95:
            write_database(out, fig)
        if layout >= 0.6:  # 0.6-0.95 inline only, 0.95-1 both layouts
            write_inline(out, fig)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    write_corpus(args.out, args.n, args.seed)
    print(f"wrote {args.n} figures to {args.out} in {time.perf_counter() - started:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
