"""Incremental updates that never lose the index."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pfocr_search import (
    ConfigMismatchError,
    FigureIndex,
    IndexLockedError,
    IndexNotFoundError,
    PfocrSearchError,
    StrictModeError,
    UnknownFigureError,
    UnknownFilterError,
    load_config,
)
from pfocr_search.config import parse_config
from pfocr_search.engine.storage import Manifest, WriteLock
from pfocr_search.sources import parse as parse_module

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import corpus as synthetic  # noqa: E402

NEW = Path("new") / "_figures"
DATA = Path("new") / "_data"
MERGED = "PMC5466160__AnnalsATS.201507-450MG_f1"


def snapshot(ix: FigureIndex) -> dict[str, list[str]]:
    """What a few fixed queries return: the observable state of an index."""
    queries = ["JAK STAT signaling", "autophagy", "genes:MTOR", "apoptosis", "insulin"]
    return {q: [h.figid for h in ix.search(q, limit=50)] for q in queries}


def vocabulary_view(ix: FigureIndex):
    v = ix.vocabulary
    families = ix.families  # the alias table stored beside the vocabulary
    return ({s: (sorted(e.ids), sorted(e.organisms), e.figures) for s, e in v.entries.items()},
            {k: dict(c) for k, c in v.aliases.items()},
            {k: dict(c) for k, c in families.aliases.items()}, families.curated)


@pytest.fixture()
def indexed(tmp_path, corpus_copy):
    path = tmp_path / "ix"
    ix = FigureIndex.build([corpus_copy], path)
    yield corpus_copy, path, ix
    ix.close()


def test_no_change_run_reads_no_yaml(indexed, monkeypatch):
    corpus, path, ix = indexed
    calls = []
    real = parse_module.load_front_matter
    monkeypatch.setattr(parse_module, "load_front_matter", lambda p: calls.append(p) or real(p))
    report = ix.update([corpus])
    assert calls == [] and report.files_read == 0
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 50)
    assert "unchanged 50" in report.summary()


def test_figures_an_update_removed_count_for_no_filter_and_no_suggestion(indexed):
    corpus, path, ix = indexed
    seed = corpus / "seed" / "PMC7176449__cm9-133-0959-g001.md"
    cat = corpus / "PMC999999__catfig1.md"
    cat.write_text(seed.read_text("utf-8").replace("PMC7176449__cm9-133-0959-g001", "PMC999999__catfig1")
                   .replace("- Homo sapiens", "- Felis catus"), "utf-8")
    ix.update([corpus])
    assert [h.figid for h in ix.search("jak", organism="felis catus")] == ["PMC999999__catfig1"]
    with pytest.raises(UnknownFigureError, match="did you mean PMC999999__catfig1"):
        ix.get("PMC999999")
    cat.unlink()
    ix.update([corpus])
    # Removed, the figure's organism no longer passes for one the index has, nor is it suggested.
    with pytest.raises(UnknownFilterError, match="organism 'felis catus'$"):
        ix.search("jak", organism="felis catus")
    with pytest.raises(UnknownFilterError, match="organism 'felis catu'$"):
        ix.search("jak", organism="felis catu")
    with pytest.raises(UnknownFigureError, match="'PMC999999' in the index at [^;]*$"):
        ix.get("PMC999999")


def test_a_word_only_removed_figures_held_is_corrected_again(indexed):
    # A deleted figure's words stay in its segment's term list until segments
    # merge: "apoptossis" had passed for a word the index holds, so it was
    # neither corrected nor found.
    corpus, path, ix = indexed
    seed = corpus / "seed" / "PMC7176449__cm9-133-0959-g001.md"
    typo = corpus / "PMC999998__typofig1.md"
    text = seed.read_text("utf-8").replace("PMC7176449__cm9-133-0959-g001", "PMC999998__typofig1")
    start, end = text.index("caption: "), text.index("pmcid:")
    typo.write_text(text[:start] + "caption: 'Apoptossis of hepatocytes.'\n" + text[end:], "utf-8")
    ix.update([corpus])
    found = ix.search("apoptossis")
    assert found.corrected_from is None and [h.figid for h in found] == ["PMC999998__typofig1"]
    typo.unlink()
    ix.update([corpus])
    again = ix.search("apoptossis")
    assert again.corrected_from == "apoptossis" and again.query == "apoptosis" and len(again) > 0


def test_a_deleted_figures_words_are_no_correction(corpus_copy, tmp_path):
    # Nor is a word only a deleted figure held a correction: spelling had
    # asked its spelling field, whose postings cannot say which figure holds
    # a word, and "daturamycin" became "daturamycins" after its figure was gone.
    seed = corpus_copy / "seed" / "PMC7176449__cm9-133-0959-g001.md"
    (corpus_copy / "zz").mkdir()  # read last: not document 0
    added = corpus_copy / "zz" / "PMC999996__daturamycin.md"
    text = seed.read_text("utf-8").replace("PMC7176449__cm9-133-0959-g001", "PMC999996__daturamycin")
    start, end = text.index("caption: "), text.index("pmcid:")
    added.write_text(text[:start] + "caption: 'Daturamycins and haemolysins made by Streptomyces.'\n" + text[end:],
                     "utf-8")
    with FigureIndex.build([corpus_copy], tmp_path / "ix") as ix:
        assert [h.figid for h in ix.search("daturamycin")] == ["PMC999996__daturamycin"]
        added.unlink()
        ix.update([corpus_copy])
        assert ix._current_searcher().reader().has_deletions()  # its words are still in the segment
        gone = ix.search("daturamycin biosynthesis")
        assert gone.corrected_from is None and gone.query == "daturamycin biosynthesis"
        assert ix.search("hemolysins").corrected_from is None  # nor its British spellings


def test_a_build_reads_each_source_file_once(tmp_path, corpus_copy, monkeypatch):
    # A file's digest, kept for change detection, is taken from the bytes the
    # reader read: reading every file again for it cost an open and a read each.
    from pfocr_search.sources import changes

    def reread(path):
        raise AssertionError(f"read again for its digest: {path}")

    monkeypatch.setattr(changes, "file_digest", reread)
    with FigureIndex.build([corpus_copy], tmp_path / "ix") as ix:
        assert len(ix) == 50
    monkeypatch.undo()
    target = corpus_copy / NEW / "PMC10033547__fimmu-14-1063018-g008.md"
    os.utime(target, (time.time() + 100, time.time() + 100))  # touched, not changed: the digest says so
    with FigureIndex.open(tmp_path / "ix") as ix:
        report = ix.update([corpus_copy])
    assert report.files_read == 0 and report.unchanged == 50


def test_touched_but_unchanged_files_are_not_reread(indexed):
    corpus, _, ix = indexed
    target = corpus / NEW / "PMC10033547__fimmu-14-1063018-g008.md"
    os.utime(target, (time.time() + 100, time.time() + 100))
    report = ix.update([corpus])
    assert report.files_read == 0 and report.unchanged == 50


def test_added_updated_removed_counts_and_search_sees_them(indexed):
    corpus, path, ix = indexed
    shutil.copy(corpus / "seed" / "PMC7176449__cm9-133-0959-g001.md", corpus / "PMC9000001__copy.md")
    text = (corpus / "PMC9000001__copy.md").read_text().replace("PMC7176449__cm9-133-0959-g001", "PMC9000001__copy")
    (corpus / "PMC9000001__copy.md").write_text(text)
    apoptosis = corpus / NEW / "PMC4047923__cddis201436f3.md"
    apoptosis.write_text(apoptosis.read_text().replace("figtitle: Apoptosis execution phase",
                                                       "figtitle: Necroptosis execution phase"))
    (corpus / "old" / "PMC100028__ii1110348001.md").unlink()
    report = ix.update([corpus])
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 48)
    assert "PMC9000001__copy" in ix and "PMC100028__ii1110348001" not in ix
    assert ix.get("PMC4047923__cddis201436f3").figtitle == "Necroptosis execution phase"
    assert ix.search("necroptosis")[0].figid == "PMC4047923__cddis201436f3"


def test_incremental_result_equals_a_full_rebuild(indexed, tmp_path):
    corpus, path, ix = indexed
    (corpus / "seed" / "PMC7176449__cm9-133-0959-g001.md").unlink()
    tsv = corpus / DATA / "PMC10038327__uxac107f0004-genes.tsv"
    tsv.write_text(tsv.read_text() + "9606\tHomo sapiens\tPrimates\tFOO\tFOO\tFOOBAR1\t999999\tncbigene_symbol\t1\t1\t1\n")
    ix.update([corpus])
    with FigureIndex.build([corpus], tmp_path / "fresh") as fresh:
        # Same figures for every query (scores may differ in the last digits: BM25
        # statistics count deleted documents until Whoosh merges their segment).
        assert {q: set(hits) for q, hits in snapshot(ix).items()} == {
            q: set(hits) for q, hits in snapshot(fresh).items()}
        assert vocabulary_view(ix) == vocabulary_view(fresh)
        assert len(ix) == len(fresh) == 49


def _twelve_deleted(indexed):
    """The corpus and its index, updated after twelve figure files were deleted."""
    corpus, _, ix = indexed
    for path in sorted((corpus / "old").glob("*.md"))[:12]:
        path.unlink()
    ix.update([corpus])
    return corpus, ix


def test_coordination_after_deletions_weighs_words_as_a_rebuild_does(indexed, tmp_path):
    # A word's idf in coordination had counted deleted figures in the total but
    # not among the figures holding it, so common words weighed far more until
    # Whoosh merged the segment.
    corpus, ix = _twelve_deleted(indexed)
    text = "apoptosis signaling pathway"

    def coordination(index):
        results = index.search(text, limit=50, explain=True)
        return {h.figid: _coordination(results.explanations[h.figid]).value for h in results}

    with FigureIndex.build([corpus], tmp_path / "fresh") as fresh:
        ours, rebuilt = coordination(ix), coordination(fresh)
        assert ours.keys() == rebuilt.keys() and len(ours) > 3
        assert all(ours[f] == pytest.approx(rebuilt[f], rel=1e-9) for f in ours)
        assert len(set(rebuilt.values())) > 1  # partial matches are weighed


def test_feedback_after_deletions_learns_and_ranks_as_a_rebuild_does(indexed, tmp_path):
    # Whoosh's word counts keep a deleted figure's words until its segment
    # merges: the feedback had learnt "find" and "main" where a rebuild did not.
    corpus, ix = _twelve_deleted(indexed)
    text = "apoptosis signaling pathway"
    with FigureIndex.build([corpus], tmp_path / "fresh") as fresh:
        ours, rebuilt = ix.search(text, limit=50, feedback=True), fresh.search(text, limit=50, feedback=True)
        assert ours.feedback == rebuilt.feedback != []
        # (Scores may differ in the last digits, as BM25's statistics do.)
        assert {h.figid for h in ours} == {h.figid for h in rebuilt}


def _coordination(explanation):
    """The coordination factor of an explanation (under the feedback's sum, if any)."""
    if explanation.description.startswith("coordination:"):
        return explanation
    return next((found for detail in explanation.details if (found := _coordination(detail)) is not None), None)


def test_changed_genes_tsv_reindexes_the_figure_and_its_genes(indexed):
    corpus, _, ix = indexed
    tsv = corpus / DATA / "PMC10038327__uxac107f0004-genes.tsv"
    tsv.write_text(tsv.read_text() + "9606\tHomo sapiens\tPrimates\tFOO\tFOO\tFOOBAR1\t999999\tncbigene_symbol\t1\t1\t1\n")
    assert ix.resolve(["FOOBAR1"])[0].how == "unknown"
    report = ix.update([corpus])
    assert (report.updated, report.files_read) == (1, 1)
    assert ix.resolve(["FOOBAR1"])[0].symbols == ("FOOBAR1",)
    assert [h.figid for h in ix.search_genes(["FOOBAR1"])] == ["PMC10038327__uxac107f0004"]
    tsv.unlink()
    ix.update([corpus])
    assert ix.resolve(["FOOBAR1"], fuzzy=False)[0].how == "unknown"
    assert ix.get("PMC10038327__uxac107f0004").genes == ()


def test_a_table_that_appears_or_moves_reindexes_its_figure(indexed):
    # A no-change update looks a figure's tables up by name in what the walk
    # listed: a table new since the last run, or moved to another of its
    # places, must still count as a change.
    corpus, _, ix = indexed
    figid = "PMC10038327__uxac107f0004"
    chemicals = corpus / DATA / f"{figid}-chemicals.tsv"
    chemicals.write_text("word\tmesh\tmatch\tname\tchebi\ncGAMP\tmesh:C000589078\tNA\tcyclic GMP-AMP\tCHEBI:75947\n")
    report = ix.update([corpus])
    assert (report.updated, report.files_read) == (1, 1)
    assert "cyclic GMP-AMP" in [c.name for c in ix.get(figid).chemicals]
    assert ix.update([corpus]).files_read == 0
    below = corpus / NEW / "_data"
    below.mkdir()
    shutil.move(chemicals, below / chemicals.name)
    report = ix.update([corpus])
    assert (report.updated, report.files_read) == (1, 1)
    assert str(below / chemicals.name) in ix.get(figid).sources


def test_moving_a_file_is_an_update_not_a_duplicate(indexed):
    corpus, _, ix = indexed
    (corpus / "elsewhere").mkdir()
    shutil.move(corpus / "seed" / "PMC7176449__cm9-133-0959-g001.md", corpus / "elsewhere")
    report = ix.update([corpus])
    assert (report.added, report.updated, report.removed) == (0, 1, 0)
    assert len(ix) == 50
    assert ix.get("PMC7176449__cm9-133-0959-g001").path.endswith("elsewhere/PMC7176449__cm9-133-0959-g001.md")


def test_same_figid_twice_in_one_layout_is_a_conflict_first_path_wins(indexed, tmp_path):
    corpus, _, ix = indexed
    seed = corpus / "seed" / "PMC7176449__cm9-133-0959-g001.md"
    later = corpus / "zzz" / "renamed.md"  # sorts after seed/: loses
    later.parent.mkdir()
    later.write_text(seed.read_text().replace("JAK-STAT signaling pathway\n", "A later copy\n"))
    report = ix.update([corpus])
    assert [c.path for c in report.conflicts] == [str(later)]
    assert ix.get("PMC7176449__cm9-133-0959-g001").path == str(seed)
    earlier = corpus / "aaa" / "renamed.md"  # sorts before seed/: wins, in full and incremental runs alike
    earlier.parent.mkdir()
    earlier.write_text(seed.read_text().replace("figtitle: JAK-STAT signaling pathway", "figtitle: First copy"))
    ix.update([corpus])
    assert ix.get("PMC7176449__cm9-133-0959-g001").figtitle == "First copy"
    with FigureIndex.build([corpus], tmp_path / "fresh") as fresh:
        assert fresh.get("PMC7176449__cm9-133-0959-g001").figtitle == "First copy"
        assert sorted(c.path for c in fresh.report.conflicts) == sorted([str(seed), str(later)])
    earlier.unlink()  # the winner goes: the next file in order takes the figid back
    ix.update([corpus])
    assert ix.get("PMC7176449__cm9-133-0959-g001").path == str(seed)


def test_change_to_either_layout_updates_the_merged_record(indexed):
    corpus, _, ix = indexed
    old = corpus / "old" / f"{MERGED}.md"
    old.write_text(old.read_text().replace("hgnc_symbol: ATG10", "hgnc_symbol: ATG10ZZ"))
    report = ix.update([corpus])
    assert report.updated == 1
    record = ix.get(MERGED)
    assert record.layout == "merged" and "ATG10ZZ" in record.gene_symbols
    tsv = corpus / DATA / f"{MERGED}-genes.tsv"
    tsv.unlink()
    ix.update([corpus])
    record = ix.get(MERGED)
    assert "ATG10ZZ" in record.gene_symbols and all(g.organism == "Homo sapiens" for g in record.genes)


def test_rebuild_and_config_mismatch(indexed, tmp_path):
    corpus, path, ix = indexed
    report = FigureIndex.sync([corpus], path, rebuild=True).report
    assert report.rebuilt and report.added == 50
    data = load_config().to_dict()
    data["fields"]["caption"]["analyzer"] = "text"
    data["fields"]["caption"]["spelling"] = False  # a text field's words are its spelling words
    other = parse_config(data, source="other.yaml")
    with pytest.raises(ConfigMismatchError, match="--rebuild"):
        FigureIndex.sync([corpus], path, other)
    rebuilt = FigureIndex.sync([corpus], path, other, rebuild=True)
    assert rebuilt.config.fields["caption"].analyzer == "text"
    # An index opened earlier follows the folder, config and all.
    assert ix.search("apoptosis") and ix.config.fields["caption"].analyzer == "text"
    rebuilt.close()


def test_a_new_configuration_is_kept_even_when_no_record_changed(indexed):
    # `index --config` with new boosts and no changed file had reported "unchanged" and dropped them.
    corpus, path, ix = indexed
    data = load_config().to_dict()
    data["fields"]["genes"]["boost"] = 100.0
    FigureIndex.sync([corpus], path, parse_config(data, source="boost.yaml")).close()
    with FigureIndex.open(path) as again:
        assert again.config.fields["genes"].boost == 100.0
    generation = Manifest.load(path).generation
    FigureIndex.sync([corpus], path, parse_config(data, source="boost.yaml")).close()
    assert Manifest.load(path).generation == generation  # the same configuration again: nothing to write


def test_a_rebuild_keeps_the_index_configuration_unless_given_another(indexed):
    # `index --rebuild` without --config had rebuilt an index made with one with the defaults.
    corpus, path, ix = indexed
    data = load_config().to_dict()
    data["fields"]["genes"]["boost"] = 7.0
    FigureIndex.sync([corpus], path, parse_config(data, source="boost.yaml"), rebuild=True).close()
    FigureIndex.sync([corpus], path, rebuild=True).close()
    with FigureIndex.open(path) as again:
        assert again.config.fields["genes"].boost == 7.0
    FigureIndex.sync([corpus], path, load_config(), rebuild=True).close()
    with FigureIndex.open(path) as again:
        assert again.config.fields["genes"].boost == load_config().fields["genes"].boost


@pytest.mark.parametrize("rebuild", [False, True])
def test_sources_that_yield_no_figure_never_empty_an_index(indexed, tmp_path, rebuild):
    # A mistyped source, a `_data` folder alone or the index's own folder had
    # emptied the index with exit 0, saying so only as "removed 50".
    corpus, path, ix = indexed
    generation = Manifest.load(path).generation
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.md").write_text("no front matter here\n", "utf-8")
    (tmp_path / "holder").mkdir()
    (tmp_path / "holder" / ".hidden").symlink_to(corpus)  # holds the records, but a walk skips hidden folders
    kept = tmp_path / "kept"
    (kept / "_figures").mkdir(parents=True)
    shutil.copy(next((corpus / NEW).glob("*.md")), kept / "_figures")
    refused = "the index's 50 figures, whose files are still there, were left as they were"
    for wrong in (tmp_path / "empty", corpus / DATA, path, tmp_path / "notes.md", tmp_path / "holder"):
        with pytest.raises(PfocrSearchError, match=refused):
            FigureIndex.sync([wrong], path, rebuild=rebuild)
    for record in corpus.rglob("*.md"):  # every record unreadable, every file still there
        record.write_text("---\nfigid: [broken\n---\n", "utf-8")
    with pytest.raises(PfocrSearchError, match="none of the 5[0-9] record file"):
        FigureIndex.sync([corpus], path, rebuild=rebuild)
    assert Manifest.load(path).generation == generation and ix.search("apoptosis").total > 0
    # What the sources still hold is mirrored, removals and all; a rebuild counts them too.
    with FigureIndex.sync([kept], path, rebuild=rebuild) as mirrored:
        assert mirrored.report.indexed == 1 and mirrored.report.removed == 49
    # Records deleted empty it, however their folder is spelled.
    for record in kept.rglob("*.md"):
        record.unlink()
    with FigureIndex.sync([kept / "_figures" / ".." / ".." / "kept"], path, rebuild=rebuild) as emptied:
        assert len(emptied) == 0 and emptied.report.removed == 1


def test_an_unreadable_record_state_never_lets_sources_of_nothing_empty_the_index(indexed, tmp_path):
    # With the state of its record files damaged, the index cannot tell deleted
    # records from a wrong source: a rebuild from an empty folder had emptied it.
    corpus, path, ix = indexed
    (path / Manifest.load(path).generation / "sources.json.gz").write_bytes(b"not gzip")
    (tmp_path / "empty").mkdir()
    with pytest.raises(PfocrSearchError, match="left as they were"):
        FigureIndex.sync([tmp_path / "empty"], path, rebuild=True)
    assert ix.search("apoptosis").total > 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their permissions")
def test_records_in_a_folder_that_cannot_be_read_are_not_deleted_ones(indexed):
    # "Permission denied" had counted as "no such file": the index was emptied.
    corpus, path, ix = indexed
    (corpus / NEW).chmod(0)
    try:
        with pytest.raises(PfocrSearchError, match="left as they were"):
            FigureIndex.sync([corpus / NEW], path)
    finally:
        (corpus / NEW).chmod(0o755)


def test_an_interruption_just_after_the_switch_keeps_the_new_generation(indexed, monkeypatch):
    # Ctrl-C between publishing a generation and clearing old ones had deleted
    # the generation the index now names: every later command found it damaged.
    corpus, path, ix = indexed
    publish = Manifest.save

    def published_then_interrupted(manifest, root):
        publish(manifest, root)
        raise KeyboardInterrupt

    monkeypatch.setattr(Manifest, "save", published_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        FigureIndex.sync([corpus], path, rebuild=True)
    monkeypatch.undo()
    with FigureIndex.open(path) as again:
        assert again.search("apoptosis").total > 0


def test_a_whoosh_file_cut_short_is_a_damaged_index_not_an_internal_error(indexed):
    # A truncated postings file had ended a search in "internal error: ValueError:
    # seek out of range" (a 500 over HTTP) while `index` reported "unchanged".
    corpus, path, ix = indexed
    postings = next((path / Manifest.load(path).generation).glob("*.pst"))
    os.truncate(postings, postings.stat().st_size // 2)
    for call in (lambda: FigureIndex.open(path), lambda: FigureIndex.sync([corpus], path)):
        with pytest.raises(IndexNotFoundError, match=r"\.pst is damaged \(\d+ bytes, written as \d+\); rebuild"):
            call()
    with FigureIndex.sync([corpus], path, rebuild=True) as rebuilt:
        assert rebuilt.search("apoptosis").total > 0
    shutil.rmtree(path / Manifest.load(path).generation)  # the whole generation gone
    with pytest.raises(IndexNotFoundError, match="damaged \\(missing\\); rebuild"):
        FigureIndex.sync([corpus], path)


def test_an_open_index_takes_a_new_configuration_and_none_of_a_damaged_generation(indexed):
    corpus, path, ix = indexed
    data = load_config().to_dict()
    data["fields"]["genes"]["boost"] = 100.0
    FigureIndex.sync([corpus], path, parse_config(data, source="boost.yaml")).close()
    assert ix.search("signaling") and ix.config.fields["genes"].boost == 100.0  # it had kept 3.5
    kept = ix.manifest.generation
    data["fields"]["genes"]["boost"] = 50.0
    FigureIndex.sync([corpus], path, parse_config(data, source="other.yaml")).close()
    (path / Manifest.load(path).generation / "synonyms.sqlite").write_bytes(b"not a database")
    for _ in range(2):  # the same clear error each time, never the new index with the old synonyms
        with pytest.raises(IndexNotFoundError, match="rebuild"):
            ix.search("signaling")
    assert ix.manifest.generation == kept and ix.config.fields["genes"].boost == 100.0


def test_strict_failure_on_update_leaves_index_as_it_was(indexed, broken_dir):
    corpus, path, ix = indexed
    before = snapshot(ix)
    generation = Manifest.load(path).generation
    shutil.copy(broken_dir / "bad_yaml.md", corpus / "bad_yaml.md")
    with pytest.raises(StrictModeError):
        ix.update([corpus], strict=True)
    assert Manifest.load(path).generation == generation and snapshot(ix) == before
    report = ix.update([corpus])  # without --strict: reported, skipped, and reported again next time
    assert [Path(s.path).name for s in report.skipped] == ["bad_yaml.md"]
    assert [Path(s.path).name for s in ix.update([corpus]).skipped] == ["bad_yaml.md"]


def test_unreadable_files_are_reported_not_fatal(indexed, tmp_path):
    corpus, _, ix = indexed
    (corpus / "dangling.md").symlink_to(tmp_path / "missing.md")
    (corpus / "loop").symlink_to(corpus)
    (corpus / "latin1.md").write_bytes(b"---\nfigid: PMC1__x\ncaption: caf\xe9\n---\n")
    with (corpus / "huge.md").open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    report = ix.update([corpus])
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert set(reasons) == {"dangling.md", "latin1.md", "huge.md"}
    assert "cannot read" in reasons["dangling.md"] and "too large" in reasons["huge.md"]
    assert report.unchanged == 50


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_permission_denied_is_reported(indexed):
    # Files the update must read: one new, one edited.  (A file unchanged since the
    # last run is not read, so taking away its permissions alone changes nothing.)
    corpus, _, ix = indexed
    seed = corpus / "seed" / "PMC7176449__cm9-133-0959-g001.md"
    locked = corpus / "PMC999997__locked.md"
    locked.write_text(seed.read_text("utf-8").replace("PMC7176449__cm9-133-0959-g001", "PMC999997__locked"), "utf-8")
    with seed.open("a", encoding="utf-8") as fh:
        fh.write("\n")
    for path in (locked, seed):
        path.chmod(0)
    report = ix.update([corpus])
    assert {Path(s.path).name for s in report.skipped if "cannot read" in s.reason} == {locked.name, seed.name}
    # As a rebuild would have it (the index mirrors its sources); --strict keeps the index as it was.
    assert not ix.search("figid:PMC7176449__cm9-133-0959-g001") and len(ix) == 49


def test_second_writer_is_refused_or_waits(indexed):
    corpus, path, ix = indexed
    with WriteLock(path):
        with pytest.raises(IndexLockedError, match="being updated by another process"):
            ix.update([corpus])
        started = time.monotonic()
        with pytest.raises(IndexLockedError):
            ix.update([corpus], wait=0.3)
        assert time.monotonic() - started >= 0.3
    holder = WriteLock(path).__enter__()
    threading.Timer(0.3, holder.__exit__).start()
    assert ix.update([corpus], wait=5).unchanged == 50


def test_stale_lock_from_a_dead_process_is_recovered(indexed):
    corpus, path, ix = indexed
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (path / "writer.pid").write_text(str(dead.pid))  # what a writer that died leaves
    report = ix.update([corpus])
    assert report.recovered_lock_from == dead.pid


def test_searches_during_updates_never_fail(indexed):
    corpus, path, ix = indexed
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        with FigureIndex.open(path) as mine:
            while not stop.is_set():
                try:
                    assert len(mine.search("signaling", limit=100)) in (33, 34)
                except BaseException as exc:  # noqa: BLE001
                    errors.append(exc)
                    return

    thread = threading.Thread(target=reader)
    thread.start()
    extra = corpus / "PMC9000002__extra.md"
    for i in range(6):
        if i % 2:
            extra.unlink()
        else:
            extra.write_text((corpus / "seed" / "PMC7176449__cm9-133-0959-g001.md").read_text()
                             .replace("PMC7176449__cm9-133-0959-g001", "PMC9000002__extra"))
        ix.update([corpus])
    stop.set()
    thread.join()
    assert errors == []


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "pfocr_search.cli", *args]


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    return synthetic.write_corpus(tmp_path_factory.mktemp("synthetic") / "corpus", 1200, seed=7)


def _start_and_wait_for_work(path: Path, corpus: Path) -> subprocess.Popen:
    """Start an update and return once it is writing: its Whoosh writer's
    temporary folder exists in the new generation (records are being read
    and indexed from then on)."""
    before = set(path.glob("gen-*"))
    proc = subprocess.Popen(_cli("index", str(corpus), "--index", str(path), "-q"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and \
            not any((g / "MAIN.tmp").is_dir() for g in set(path.glob("gen-*")) - before):
        time.sleep(0.01)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    return proc


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_or_interrupted_run_keeps_the_previous_index(indexed, big_corpus, sig):
    corpus, path, ix = indexed
    before = snapshot(ix)
    generation = Manifest.load(path).generation
    proc = _start_and_wait_for_work(path, big_corpus)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert Manifest.load(path).generation == generation
    with FigureIndex.open(path) as again:
        assert snapshot(again) == before
    # The next run completes normally (recovering the lock if the process was killed).
    result = subprocess.run(_cli("index", str(corpus), "--index", str(path)),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert ("recovered" in result.stdout + result.stderr) == (sig == signal.SIGKILL)
    with FigureIndex.open(path) as after:
        assert snapshot(after) == before
    # It also removed what the killed run had half-written (kept until a run wrote a generation).
    assert [g.name for g in path.glob("gen-*")] == [Manifest.load(path).generation]


def test_ctrl_c_in_a_library_call_raises_keyboard_interrupt_and_keeps_the_index(indexed, big_corpus):
    corpus, path, ix = indexed
    before = snapshot(ix)
    generation = Manifest.load(path).generation

    def progress(done: int, total: int) -> None:
        if done >= 100:  # well into reading and writing: Ctrl-C, as a terminal sends it
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        ix.update([big_corpus], progress=progress)
    assert Manifest.load(path).generation == generation
    assert [g.name for g in path.glob("gen-*")] == [generation]  # nothing half-written is left
    assert snapshot(ix) == before
    assert ix.update([corpus]).unchanged == 50  # and the writer lock was released


def test_a_file_whose_figid_changes_drops_the_old_figid(indexed):
    corpus, _, ix = indexed
    seed = corpus / "seed" / "PMC7176449__cm9-133-0959-g001.md"
    seed.write_text(seed.read_text().replace("figid: PMC7176449__cm9-133-0959-g001", "figid: PMC7176449__renamed"))
    report = ix.update([corpus])
    assert (report.added, report.removed) == (1, 1)
    assert "PMC7176449__renamed" in ix and "PMC7176449__cm9-133-0959-g001" not in ix and len(ix) == 50


SEED = "PMC7176449__cm9-133-0959-g001"
OTHER = "PMC2631308__JCI0938420.f1"


def _clashing_corpus(tmp_path: Path, big_corpus: Path, sample_dir: Path, add_database_figure) -> Path:
    """The synthetic corpus plus figid clashes that cross shards both ways.

    * SEED in AAA/first.md (first shard: upper case sorts before the corpus's
      _figures/) and zzz/second.md (last shard): the later shard's copy loses.
    * OTHER in group "dup" (AAB/dup.md, read early, in the first shard) from
      zzy/dup.md, and in zzx/other.md (last shard): zzx sorts before zzy, so
      the copy written first loses to one written later, and must be deleted.
    * MERGED in the pfocr-database layout (AAC/, first shard) and inline under
      another name (zzw/renamed.md, last shard): one merged record.
    """
    corpus = tmp_path / "corpus"
    shutil.copytree(big_corpus, corpus)
    seed = (sample_dir / "seed" / f"{SEED}.md").read_text()
    other = (sample_dir / "old" / f"{OTHER}.md").read_text()
    for path, text in (("AAA/first.md", seed), ("zzz/second.md", seed),
                       ("AAB/dup.md", (sample_dir / "old" / "PMC1451216__JCI0628535.f1.md").read_text()),
                       ("zzy/dup.md", other), ("zzx/other.md", other)):
        (corpus / path).parent.mkdir(exist_ok=True)
        (corpus / path).write_text(text)
    add_database_figure(MERGED, corpus / "AAC")
    (corpus / "zzw").mkdir()
    shutil.copy(sample_dir / "old" / f"{MERGED}.md", corpus / "zzw" / "renamed.md")
    return corpus


def test_figid_clashes_across_shards_are_settled_as_a_serial_build_settles_them(tmp_path, big_corpus, monkeypatch,
                                                                                sample_dir, add_database_figure):
    from pfocr_search.build import indexer, shards

    corpus = _clashing_corpus(tmp_path, big_corpus, sample_dir, add_database_figure)
    monkeypatch.setattr(shards, "SHARD_MIN_FILES", 200)
    monkeypatch.setattr(shards, "WRITER_LIMIT_MB", 1)  # spill posting runs to disk, as large builds do
    seen = []
    sharded = indexer.build([corpus], tmp_path / "sharded", workers=2, progress=lambda d, t: seen.append((d, t)))
    serial = indexer.build([corpus], tmp_path / "serial", workers=1)
    assert seen[-1][0] == seen[-1][1] == sharded.files
    # Shards hand their results over as files, taken back as they are read.
    assert not list((tmp_path / "sharded").rglob(".shard-result-*"))
    losers = sorted([str(corpus / "zzz" / "second.md"), str(corpus / "zzy" / "dup.md")])
    for report in (sharded, serial):
        assert report.added == 1204 and sorted(c.path for c in report.conflicts) == losers
    with FigureIndex.open(tmp_path / "sharded") as a, FigureIndex.open(tmp_path / "serial") as b:
        segments = [leaf for leaf, _ in a._ix.reader().leaf_readers()]
        # One segment per shard, each of which lost a copy it wrote (the clashes
        # did cross shards), and one for the merged record written after them.
        assert len(segments) == 3 and all(leaf.has_deletions() for leaf in segments[:2])
        for ix in (a, b):
            assert ix.get(SEED).path == str(corpus / "AAA" / "first.md")
            assert ix.get(OTHER).path == str(corpus / "zzx" / "other.md")
            assert ix.get(MERGED).layout == "merged" and len(ix) == 1204
        assert sorted(a.every_figid()) == sorted(b.every_figid())
        assert vocabulary_view(a) == vocabulary_view(b)
        # The same figures score alike; not exactly: the sharded index's statistics
        # (document counts, field lengths) still hold the copies that lost the
        # clash until segments merge, which can swap two figures 0.0001 apart.
        scores_a = {h.figid: h.score for h in a.search("signaling", limit=40)}
        scores_b = {h.figid: h.score for h in b.search("signaling", limit=40)}
        top = [h.figid for h in a.search("signaling", limit=20)]
        assert all(f in scores_b and scores_b[f] == pytest.approx(scores_a[f], rel=0.01) for f in top)
        # The source state is complete: only the groups that lost a clash are re-read.
        again = a.update([corpus])
        # (and the two files of the merged figure, which are read together every run)
        assert again.files_read == 5 and (again.added, again.updated, again.removed) == (0, 2, 0)
        assert a.get(OTHER).path == str(corpus / "zzx" / "other.md") and len(a) == 1204
        assert a.get(MERGED).layout == "merged"


def test_a_program_running_threads_builds_with_fresh_worker_processes(tmp_path, big_corpus, monkeypatch):
    """Forking a process that runs other threads can copy a lock one of them
    holds into the child; builds started then use fresh processes instead."""
    from pfocr_search.build import shards, workers

    assert workers.context().get_start_method() == "fork"  # pytest's main thread only
    stop = threading.Event()
    busy = threading.Thread(target=stop.wait)
    busy.start()
    try:
        assert workers.context().get_start_method() in ("forkserver", "spawn")
        monkeypatch.setattr(shards, "SHARD_MIN_FILES", 400)
        report = FigureIndex.build([big_corpus], tmp_path / "ix").report
    finally:
        stop.set()
        busy.join()
    assert report.added == 1200 and not report.skipped
    with FigureIndex.open(tmp_path / "ix") as ix:
        assert len([leaf for leaf, _ in ix._ix.reader().leaf_readers()]) == 2 and len(ix) == 1200


def test_index_from_another_layout_version_asks_for_a_rebuild(indexed):
    import json as _json

    corpus, path, ix = indexed
    manifest = _json.loads((path / "pfocr-index.json").read_text())
    manifest["schema"] = "0000000000000000"  # as if built when the fixed fields were different
    (path / "pfocr-index.json").write_text(_json.dumps(manifest))
    with pytest.raises(ConfigMismatchError, match="--rebuild"):
        FigureIndex.open(path)
    with pytest.raises(ConfigMismatchError, match="--rebuild"):
        ix.update([corpus])
    assert FigureIndex.sync([corpus], path, rebuild=True).report.added == 50


def test_indexing_only_the_figures_folder_reads_and_watches_the_data_tables_beside_it(tmp_path, corpus_copy):
    # The walk lists the folders it enters; a `_data` folder it did not enter
    # is still asked of the file system, for reading and for watching.
    with FigureIndex.build([corpus_copy / NEW], tmp_path / "ix") as ix:
        assert ix.get("PMC10038327__uxac107f0004").genes
        tsv = corpus_copy / DATA / "PMC10038327__uxac107f0004-genes.tsv"
        tsv.write_text(tsv.read_text() + "9606\tHomo sapiens\tPrimates\tFOO\tFOO\tFOOBAR1\t999999\tncbigene_symbol"
                                         "\t1\t1\t1\n")
        report = ix.update([corpus_copy / NEW])
        assert (report.updated, report.files_read) == (1, 1)
        assert [h.figid for h in ix.search_genes(["FOOBAR1"])] == ["PMC10038327__uxac107f0004"]


def test_places_a_walk_saw_empty_are_not_asked_of_the_file_system(tmp_path, corpus_copy, monkeypatch):
    # Each figure's three tables may be in three places: only a table the walk
    # listed is checked (once, when it is read), never the places it lacks.
    asked = []
    isfile = os.path.isfile
    monkeypatch.setattr(os.path, "isfile", lambda p: (asked.append(p), isfile(p))[1])
    with FigureIndex.build([corpus_copy], tmp_path / "ix") as ix:
        assert ix.get("PMC10038327__uxac107f0004").genes
    tables = [p for p in asked if str(p).endswith(".tsv")]
    assert tables and all(map(isfile, tables)) and len(tables) == len(set(tables))


@pytest.mark.parametrize("impostor", ["broken link", "pipe"])
def test_a_non_file_by_a_tables_name_does_not_hide_the_table_further_on(tmp_path, corpus_copy, impostor):
    # The walk lists a broken link or a pipe among the files; reading must
    # go on to the real table in the next place, as read_records does.
    figid = "PMC10038327__uxac107f0004"
    first = corpus_copy / DATA / f"{figid}-genes.tsv"
    later = corpus_copy / NEW / "_data" / first.name
    later.parent.mkdir()
    first.rename(later)
    if impostor == "pipe":
        os.mkfifo(first)
    else:
        first.symlink_to(tmp_path / "nowhere.tsv")
    with FigureIndex.build([corpus_copy], tmp_path / "ix") as ix:
        assert ix.get(figid).genes
        assert str(later) in ix.get(figid).sources


def test_a_stored_configuration_a_later_release_refuses_says_to_rebuild(indexed):
    # An index built by a release that checked less (scoring.b above 1) must say how to go on.
    corpus, path, ix = indexed
    manifest = Manifest.load(path)
    manifest.config["scoring"]["b"] = 1.2
    manifest.save(path)
    with pytest.raises(PfocrSearchError, match=r"scoring\.b.*built with; rebuild it"):
        FigureIndex.open(path)


def test_reading_records_keeps_no_digests(sample_dir):
    # read_limited kept every file's digest until a build's change detection took
    # it: a program that only read records held up to 50,000 for good.
    from pfocr_search import read_records
    from pfocr_search.fileio import read_signature

    figure = sample_dir / "new" / "_figures" / "PMC10033547__fimmu-14-1063018-g008.md"
    assert any(r.figid == figure.stem for r in read_records([sample_dir]))
    st = figure.stat()
    assert read_signature(str(figure), st.st_size, st.st_mtime_ns) is None


def test_a_parallel_update_reads_each_changed_file_once(tmp_path, corpus_copy, monkeypatch):
    # Workers read the groups; their digests come back with the records, so the
    # parent records the groups' states without reading each file again.
    from pfocr_search.build import workers
    from pfocr_search.sources import changes

    with FigureIndex.build([corpus_copy], tmp_path / "ix") as ix:
        for md in (corpus_copy / NEW).glob("*.md"):
            md.write_text(md.read_text("utf-8") + "\n", "utf-8")  # changed: read again by the update

        def reread(path):
            raise AssertionError(f"read again for its digest: {path}")

        monkeypatch.setattr(workers, "PARALLEL_MIN_FILES", 1)
        monkeypatch.setattr(changes, "file_digest", reread)
        monkeypatch.setattr(workers, "worker_count", lambda _: 2)
        report = ix.update([corpus_copy])
    assert report.updated > 0 and report.files_read >= report.updated


def test_a_sharded_build_reads_each_source_file_once(tmp_path, corpus_copy, monkeypatch):
    from pfocr_search.build import shards
    from pfocr_search.sources import changes

    def reread(path):
        raise AssertionError(f"read again for its digest: {path}")

    monkeypatch.setattr(shards, "SHARD_MIN_FILES", 20)
    monkeypatch.setattr(shards, "worker_count", lambda _: 2)
    monkeypatch.setattr(changes, "file_digest", reread)
    with FigureIndex.build([corpus_copy], tmp_path / "ix") as ix:
        assert len(ix) == 50
