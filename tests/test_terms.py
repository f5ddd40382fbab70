"""The term dictionary answers as Whoosh's ordered hash file does, for the same entries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.filedb.filestore import RamStorage
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter

from pfocr_search.engine import terms
from pfocr_search.errors import IndexNotFoundError

# Keys as the codec writes them: a 2-byte field number, then the term; long
# shared prefixes (organism-qualified genes, figids) and keys longer than 255.
_KEYS = st.builds(lambda field, text: field.to_bytes(2, "big") + text,
                  st.integers(0, 3), st.binary(max_size=40) | st.binary(min_size=250, max_size=300)
                  | st.builds(lambda b, n: b * n, st.binary(min_size=1, max_size=2), st.integers(65_530, 70_000)))
_ENTRIES = st.dictionaries(_KEYS, st.binary(min_size=1, max_size=40) | st.just(b"v" * 70_000), max_size=120)


def _both(entries: dict[bytes, bytes]):
    storage = RamStorage()
    for name, writer in (("ours", terms.TermTableWriter), ("whoosh", OrderedHashWriter)):
        table = writer(storage.create_file(name))
        table.extras["fieldmap"] = {"a": 0, "b": 1}
        for key in sorted(entries):
            table.add(key, entries[key])
        table.close()
    return (terms.TermTableReader(storage.open_file("ours"), storage.file_length("ours")),
            OrderedHashReader(storage.open_file("whoosh"), storage.file_length("whoosh")))


def _walk(table, key):
    """What Whoosh's field cursor does: find, then step from value end to value end."""
    out, pos = [], table.closest_key_pos(key)
    while pos is not None:
        found = table.key_and_range_at(pos)
        if found is None:
            break
        k, datapos, datalen = found
        out.append((k, table.dbfile.get(datapos, datalen)))
        pos = datapos + datalen
    return out


@settings(max_examples=150, deadline=None)
@given(_ENTRIES, st.lists(_KEYS, max_size=10))
def test_lookups_and_ordered_walks_match_whoosh(entries, probes):
    ours, whoosh = _both(entries)
    assert ours.extras["fieldmap"] == whoosh.extras["fieldmap"]
    assert list(ours.items()) == list(whoosh.items()) == sorted(entries.items())
    assert list(ours.keys()) == list(whoosh.keys())
    for key in list(entries)[:10] + probes + [b"", b"\xff\xff\xff"]:
        assert (key in ours) == (key in whoosh)
        if key in entries:
            assert ours[key] == entries[key]
            datapos, datalen = ours.range_for_key(key)
            assert ours.dbfile.get(datapos, datalen) == entries[key]
        else:
            with pytest.raises(KeyError):
                ours[key]
        assert list(ours.keys_from(key)) == list(whoosh.keys_from(key))
        assert list(ours.items_from(key)) == list(whoosh.items_from(key))
        assert (ours.closest_key_pos(key) is None) == (whoosh.closest_key_pos(key) is None)
        assert _walk(ours, key) == list(whoosh.items_from(key))


def test_keys_must_increase():
    table = terms.TermTableWriter(RamStorage().create_file("t"))
    table.add(b"\x00\x01b", b"v")
    with pytest.raises(ValueError, match="keys must increase"):
        table.add(b"\x00\x01a", b"v")


def test_a_file_that_is_not_a_term_table_is_one_clear_error():
    storage = RamStorage()
    table = OrderedHashWriter(storage.create_file("whoosh"))
    table.add(b"\x00\x01a", b"v")
    table.close()
    with pytest.raises(IndexNotFoundError, match="rebuild the index"):
        terms.TermTableReader(storage.open_file("whoosh"), storage.file_length("whoosh"))


def test_smaller_than_whoosh_for_gene_like_terms():
    genes = {b"\x00\x07" + f"homo sapiens|GENE{i:05d}".encode(): bytes(35) for i in range(5000)}
    storage, sizes = RamStorage(), {}
    for name, writer in (("ours", terms.TermTableWriter), ("whoosh", OrderedHashWriter)):
        table = writer(storage.create_file(name))
        for key in sorted(genes):
            table.add(key, genes[key])
        table.close()
        sizes[name] = storage.file_length(name)
    assert sizes["ours"] < 0.5 * sizes["whoosh"]


def test_a_record_with_a_word_longer_than_65535_characters_is_indexed(tmp_path, sample_dir):
    # Entry lengths had been 2 bytes: one such word aborted every build and update.
    from pfocr_search import FigureIndex

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    figure = sorted((sample_dir / "old").glob("*.md"))[0]
    text = figure.read_text("utf-8").replace("caption: ", "caption: " + "x" * 70_000 + " ", 1)
    (corpus / figure.name).write_text(text, "utf-8")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        assert len(ix) == 1 and ix.get(figure.stem).caption.startswith("x" * 70_000)
        assert [h.figid for h in ix.search("caption:xxxxxxxx*")] == [figure.stem]  # read back from the table


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 2**31), st.integers(0, 2**31), st.integers(0, 10**6), st.integers(0, 2**40),
       st.integers(1, 2**31 - 1), st.one_of(st.integers(0, 2**20).map(float), st.floats(0.5, 1e6, width=32)),
       st.one_of(st.none(), st.integers(1, 10**6)), st.integers(0, 10**6))
def test_term_info_reads_back_as_whoosh_reads_its_own(df, minid, span, offset, length, weight, minlength, maxlength):
    from whoosh.codec.whoosh3 import W3TermInfo

    info = W3TermInfo(weight, df, minlength, maxlength, weight / 2, minid, minid + span)
    info.set_extent(offset, length)
    ours = terms.unpack_terminfo(terms.pack_terminfo(info))
    whoosh = W3TermInfo.from_bytes(info.to_bytes())
    for name in ("weight", "doc_frequency", "min_length", "max_length", "max_weight", "min_id", "max_id"):
        assert getattr(ours, name)() == getattr(whoosh, name)(), name
    assert ours.extent() == (offset, length)
    assert len(terms.pack_terminfo(info)) < len(info.to_bytes())


def test_a_key_looked_up_again_is_remembered_and_forgotten_when_many(monkeypatch):
    # A query asks for a term's info once for its postings and again for its idf.
    entries = {b"\0\0" + f"term{i:03d}".encode(): b"v%d" % i for i in range(100)}
    ours, _ = _both(entries)
    decoded = []
    read_block = ours._read_block
    monkeypatch.setattr(ours, "_read_block", lambda block: decoded.append(block) or read_block(block))
    keys = sorted(entries)
    for key in (keys[0], keys[50], keys[0], keys[50], b"\0\0zzz", b"\0\0zzz"):
        assert (key in ours) == (key in entries)
    assert len(decoded) == 3
    monkeypatch.setattr(terms, "_FOUND_LIMIT", 5)
    for key in keys * 2 + [b"\0\0term0505", b"\0\1term000"]:
        assert ours[key] == entries[key] if key in entries else key not in ours
