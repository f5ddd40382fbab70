"""The posting pool: postings gathered term by term are written as Whoosh's own pool writes them."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from pfocr_search.build import indexer
from pfocr_search.engine import pool as pool_module
from pfocr_search.engine import writer as writer_module

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import corpus as synthetic  # noqa: E402


def _postings_files(root: Path) -> dict[str, str]:
    """Digests of the index's posting and term files (segment names are random)."""
    found = {p.suffix: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*")
             if p.suffix in (".pst", ".trm")}
    assert sorted(found) == [".pst", ".trm"]
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return synthetic.write_corpus(tmp_path_factory.mktemp("pool") / "corpus", 400, seed=11)


def test_postings_match_whoosh_pool_in_memory_and_spilled(tmp_path, corpus, monkeypatch):
    indexer.update([corpus], tmp_path / "term-pool", workers=1)
    in_memory = _postings_files(tmp_path / "term-pool")

    spills = []
    spill = pool_module.TermPool._spill
    monkeypatch.setattr(pool_module.TermPool, "_spill", lambda self: (spills.append(1), spill(self)))
    monkeypatch.setattr(indexer, "_WRITER_LIMIT_MB", 1)
    indexer.update([corpus], tmp_path / "spilled", workers=1)
    assert len(spills) >= 3  # several runs, merged term by term
    assert _postings_files(tmp_path / "spilled") == in_memory

    # Whoosh's own pool (one tuple per posting, sorted at the end) and its
    # per-posting field writer path: the same bytes.
    monkeypatch.setattr(writer_module, "use_term_pool", lambda writer, limitmb: None)
    indexer.update([corpus], tmp_path / "whoosh-pool", workers=1)
    assert _postings_files(tmp_path / "whoosh-pool") == in_memory
