"""The posting pool: postings gathered term by term are written as Whoosh's own pool writes them."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.filedb.filestore import FileStorage

from pfocr_search.build import indexer
from pfocr_search.engine import pool as pool_module
from pfocr_search.engine import writer as writer_module

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import corpus as synthetic  # noqa: E402


def _postings_files(root: Path) -> dict[str, str]:
    """Digests of the segment's files: postings, terms and every column (field
    lengths, stored records, facets), by name without the random segment name."""
    found = {p.name.split(".", 1)[1]: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("MAIN_*.*")}
    assert {".pst", ".trm"} < {"." + name for name in found} and "_stored.col" in found and "_caption_len.col" in found
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


_WORDS = st.sampled_from(["stat3", "jak1", "nf-κb", "ß", "pathway", "z", "éa"])
# One document's postings in a field: (term, weight, value) per distinct term,
# and whether they come as the build's columns of text or as Whoosh's bytes.
_DOCS = st.lists(st.tuples(st.sampled_from(["caption", "title"]), st.booleans(),
                           st.dictionaries(_WORDS, st.tuples(st.integers(1, 5), st.binary(max_size=8)),
                                           min_size=1)), max_size=30)


@settings(max_examples=60, deadline=None)
@given(_DOCS, st.sampled_from([0, 1]))
def test_term_pool_groups_postings_however_they_came(tmp_path_factory, docs, limitmb):
    """Builds give text columns; Whoosh's own calls (updates, merging segments)
    give bytes, to the same field: grouped alike, ids ascending, spilled or not."""
    storage = FileStorage(str(tmp_path_factory.mktemp("pool")))
    pool = pool_module.TermPool(storage, limitmb)
    pool.limit = 300 * limitmb  # spill every few documents
    expected: dict[tuple[str, bytes], list] = {}
    for docnum, (field, as_columns, postings) in enumerate(docs):
        terms = list(postings)
        if as_columns:
            pool.add_columns(field, docnum, terms, [float(postings[t][0]) for t in terms],
                             [len(postings[t][1]) for t in terms], b"".join(postings[t][1] for t in terms))
        else:
            for term in terms:
                pool.add((field, term.encode(), docnum, float(postings[term][0]), postings[term][1]))
        for term in terms:
            expected.setdefault((field, term.encode()), []).append((docnum, float(postings[term][0]),
                                                                    postings[term][1]))
    got = {(f, t): list(zip(ids, weights, values)) for f, t, ids, weights, values in pool.iter_postings()}
    assert got == {key: expected[key] for key in sorted(expected)}
    assert list(got) == sorted(expected)
