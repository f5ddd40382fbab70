"""What hostile or careless input does: records, tables, files, folders, signals.

Each test here stands for a failure found by an adversarial campaign: a
record, a TSV, a shared folder or a signal that crashed, hung, lost data or
ran code.  None of them may: a bad file is one reported skip (or warning),
never the end of the build, and the index on disk is never damaged.
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner
from whoosh.filedb.filestore import FileStorage
from whoosh.fields import Schema
from whoosh.index import TOC

from pfocr_search import FigureIndex, FigureRecord, read_records
from pfocr_search.cli import app
from pfocr_search.engine.storage import MANIFEST, Manifest
from pfocr_search.errors import ConfigError, IndexNotFoundError, IndexWriteError, UnsafeIndexError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import corpus as synthetic  # noqa: E402

DB_FIGURE = "PMC10033547__fimmu-14-1063018-g008"
SEED = "PMC7176449__cm9-133-0959-g001"


@pytest.fixture()
def corpus(tmp_path, sample_dir, add_database_figure) -> Path:
    """A small pfocr-database layout folder: one real figure with its TSVs, and the seed record."""
    root = add_database_figure(DB_FIGURE, tmp_path / "corpus")
    shutil.copy(sample_dir / "seed" / f"{SEED}.md", root / "_figures")
    return root


def seed_with(sample_dir: Path, figid: str, **replace: str) -> str:
    """The seed record as text, with another figid and lines replaced."""
    text = (sample_dir / "seed" / f"{SEED}.md").read_text("utf-8").replace(SEED, figid)
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


def issues_by_path(report) -> dict[str, str]:
    return {Path(i.path).name: i.reason for i in (*report.skipped, *report.warnings)}


# -- records ---------------------------------------------------------------------

@pytest.mark.parametrize("line", ["year: 2023-02-30", "year: 2023-13-45", "year: !!int abc", "year: !!float abc",
                                  "year: !!timestamp x", "year: !!bool maybe"])
def test_a_value_yaml_cannot_build_skips_that_record_only(tmp_path, corpus, sample_dir, line):
    (corpus / "_figures" / "PMC1__bad.md").write_text(
        seed_with(sample_dir, "PMC1__bad", **{"year: '2020'": line}), "utf-8")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        assert len(ix) == 2 and ix.report.added == 2
        reason = issues_by_path(ix.report)["PMC1__bad.md"]
        assert reason.startswith("bad YAML front matter") and "\n" not in reason
        (corpus / "_figures" / "PMC2__new.md").write_text(seed_with(sample_dir, "PMC2__new"), "utf-8")
        assert ix.update([corpus]).added == 1  # and every later update goes on


def test_a_config_value_yaml_cannot_build_is_a_config_error_naming_the_key(tmp_path, corpus):
    config = tmp_path / "bad.yaml"
    config.write_text("fields:\n  genes: {analyzer: gene}\nsearch:\n  limit: !!int abc\n", "utf-8")
    with pytest.raises(ConfigError, match=r"search\.limit"):
        FigureIndex.build([corpus], tmp_path / "ix", config)
    result = CliRunner().invoke(app, ["index", str(corpus), "--index", str(tmp_path / "ix"), "--config", str(config)])
    assert result.exit_code == 2 and "search.limit" in result.stderr and "Traceback" not in result.output


def test_an_alias_bomb_is_skipped_quickly(tmp_path, corpus, sample_dir):
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, prev in zip("bcdefghij", "abcdefghi"):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    bomb = "---\nfigid: PMC3__bomb\n" + "\n".join(levels) + "\ncaption: *j\n---\n"  # 9**10 strings
    (corpus / "_figures" / "PMC3__bomb.md").write_text(bomb, "utf-8")
    started = time.monotonic()
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        assert time.monotonic() - started < 20 and len(ix) == 2
        assert "expands to more than" in issues_by_path(ix.report)["PMC3__bomb.md"]


def test_a_figid_with_path_characters_is_skipped_and_reads_nothing_outside(tmp_path, corpus, sample_dir):
    outside = tmp_path / "secret-genes.tsv"
    outside.write_text("ncbigene_symbol\tword\nTP53\tp53\n", "utf-8")
    (corpus / "_figures" / "PMC4__evil.md").write_text(
        seed_with(sample_dir, "../../secret", **{"genes:": "genes_not: "}), "utf-8")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        assert "not an identifier" in issues_by_path(ix.report)["PMC4__evil.md"]
        assert len(ix) == 2 and not any(str(outside) in s for f in ix.every_figid() for s in ix.get(f).sources)


def test_control_characters_and_terminal_escapes_in_tsv_cells_are_stripped(tmp_path, corpus):
    tsv = corpus / "_data" / f"{DB_FIGURE}-genes.tsv"
    lines = tsv.read_text("utf-8").splitlines()
    cells = lines[1].split("\t")
    header = lines[0].split("\t")
    cells[header.index("ncbigene_symbol")] = "\x1b[31mEVIL1\x1b[0m\x07"
    cells[header.index("word")] = "\x1b]0;owned\x07EVIL"
    # A bidirectional override reorders what a terminal shows ("Trojan Source"): gone, the word kept whole.
    cells[header.index("match")] = "EV\u202eIL2\u2066"
    tsv.write_text("\n".join([lines[0], "\t".join(cells), *lines[2:]]) + "\n", "utf-8")
    record = next(r for r in read_records([corpus]) if isinstance(r, FigureRecord) and r.figid == DB_FIGURE)
    assert "EVIL1" in record.gene_symbols and any("EVIL2" in g.words for g in record.genes)
    text = repr(record.to_dict())
    assert "\\x1b" not in text and "\\x07" not in text and "\u202e" not in text and "\u2066" not in text


# -- TSVs and files ------------------------------------------------------------------

def test_a_stray_quote_in_a_genes_tsv_loses_no_rows(tmp_path, corpus):
    tsv = corpus / "_data" / f"{DB_FIGURE}-genes.tsv"
    lines = tsv.read_text("utf-8").splitlines()
    header = lines[0].split("\t")
    cells = lines[1].split("\t")
    cells[header.index("word")] = '"LRP5/6'
    tsv.write_text("\n".join([lines[0], "\t".join(cells), *lines[2:]]) + "\n", "utf-8")
    record = next(r for r in read_records([corpus]) if isinstance(r, FigureRecord) and r.figid == DB_FIGURE)
    symbols = {line.split("\t")[header.index("ncbigene_symbol")] for line in lines[1:]}
    assert set(record.gene_symbols) == symbols and len(symbols) > 20
    assert any('"LRP5/6' in g.words or "LRP5/6" in g.words for g in record.genes)


def test_a_tsv_row_that_does_not_fit_its_header_is_reported(tmp_path, corpus):
    tsv = corpus / "_data" / f"{DB_FIGURE}-genes.tsv"
    tsv.write_text(tsv.read_text("utf-8") + "9606\tHomo sapiens\tonly three cells\n", "utf-8")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        assert len(ix) == 2
        assert "another number of cells" in issues_by_path(ix.report)[tsv.name]


def test_a_table_without_the_column_that_names_its_entries_is_reported(tmp_path, corpus):
    # A genes table without its symbol column had read as no genes, without a word.
    tsv = corpus / "_data" / f"{DB_FIGURE}-genes.tsv"
    tsv.write_text("organism_id\torganism_name\tword\n9606\tHomo sapiens\tTrkA\n", "utf-8")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        assert len(ix) == 2 and not ix.get(DB_FIGURE).genes
        assert "no ncbigene_symbol column" in issues_by_path(ix.report)[tsv.name]


def test_an_unreadable_tsv_costs_only_that_table(tmp_path, corpus):
    tsv = corpus / "_data" / f"{DB_FIGURE}-genes.tsv"
    tsv.write_bytes(b"ncbigene_symbol\n\xff\xfe not utf-8\n")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        assert DB_FIGURE in ix and ix.get(DB_FIGURE).figtitle  # the figure is indexed without its genes
        assert "not UTF-8" in issues_by_path(ix.report)[tsv.name] and not ix.report.skipped


def test_an_oversized_tsv_is_not_read(tmp_path, corpus, monkeypatch):
    from pfocr_search.sources import tsv as tsv_module

    monkeypatch.setattr(tsv_module, "MAX_TABLE_BYTES", 1000)
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        assert DB_FIGURE in ix and not ix.get(DB_FIGURE).genes
        assert "too large" in issues_by_path(ix.report)[f"{DB_FIGURE}-genes.tsv"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_pipes_and_devices_named_like_records_never_hang_the_build(tmp_path, corpus):
    os.mkfifo(corpus / "_figures" / "PMC5__fifo.md")
    (corpus / "_figures" / "PMC6__zero.md").symlink_to("/dev/zero")
    (corpus / "_data" / f"{SEED}-genes.tsv").symlink_to("/dev/zero")
    result = subprocess.run([sys.executable, "-m", "pfocr_search.cli", "index", str(corpus),
                             "--index", str(tmp_path / "ix"), "-q"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "PMC5__fifo.md: not a regular file" in result.stderr
    assert "PMC6__zero.md: not a regular file" in result.stderr
    with FigureIndex.open(tmp_path / "ix") as ix:
        assert len(ix) == 2


def test_orphan_tables_and_unreadable_folders_are_reported(tmp_path, corpus, monkeypatch):
    orphan = corpus / "_data" / "PMC7__gone-genes.tsv"
    orphan.write_text("ncbigene_symbol\nTP53\n", "utf-8")
    (corpus / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        warnings = issues_by_path(ix.report)
        assert "no figure file" in warnings[orphan.name]
        assert "folder not read" in warnings["locked"] and len(ix) == 2
        assert ix.update([corpus]).warnings  # said again on every run, not once


# -- signals, the long-lived API, output files, shared folders ---------------------------

@pytest.fixture(scope="module")
def large_corpus(tmp_path_factory) -> Path:
    """More than 2,000 files, so updates read them with worker processes."""
    return synthetic.write_corpus(tmp_path_factory.mktemp("large") / "corpus", 2400, seed=11)


@pytest.mark.skipif(sys.platform == "win32", reason="process groups are POSIX")
def test_ctrl_c_to_the_process_group_ends_a_parallel_read_quietly(tmp_path, large_corpus, sample_dir):
    path = tmp_path / "ix"
    FigureIndex.build([sample_dir], path).close()
    generation = Manifest.load(path).generation
    for _ in range(3):
        before = set(path.glob("gen-*"))
        proc = subprocess.Popen([sys.executable, "-m", "pfocr_search.cli", "index", str(large_corpus),
                                 "--index", str(path), "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None and \
                not any((g / "MAIN.tmp").is_dir() for g in set(path.glob("gen-*")) - before):
            time.sleep(0.01)
        time.sleep(0.3)  # workers are reading
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal sends Ctrl-C: to every process of the group
        out, err = proc.communicate(timeout=30)  # a hang fails here
        assert proc.returncode == 130, err
        assert "Traceback" not in err and len([line for line in err.splitlines() if line.strip()]) == 1, err
        assert Manifest.load(path).generation == generation


def test_an_open_index_follows_updates_by_other_processes(tmp_path, corpus, sample_dir):
    path = tmp_path / "ix"
    FigureIndex.build([corpus], path).close()
    with FigureIndex.open(path) as ix:
        assert ix.search_genes(["MTOR"])  # the gene tables of the first generation are loaded
        for n in (1, 2):  # two updates: the generation this object opened is deleted
            (corpus / "_figures" / f"PMC8__new{n}.md").write_text(seed_with(sample_dir, f"PMC8__new{n}"), "utf-8")
            done = subprocess.run([sys.executable, "-m", "pfocr_search.cli", "index", str(corpus), "--index",
                                   str(path), "-q"], capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
        assert len(ix) == 4
        hits = ix.search_genes(["STAT3", "JAK1"])
        assert {"PMC8__new1", "PMC8__new2", SEED} <= {h.figid for h in hits}
        assert ix.resolve(["JAK"])[0].how == "alias"
        assert "DisMax" in ix.search("JAK").parsed  # family expansion still there


def test_output_is_written_only_on_success_and_never_inside_the_index(tmp_path, sample_index_path):
    runner = CliRunner()
    target = tmp_path / "hits.tsv"
    target.write_text("my precious results\n", "utf-8")
    bad = runner.invoke(app, ["search", "autophagy", "-i", str(tmp_path / "nope"), "-f", "tsv", "--output", str(target)])
    assert bad.exit_code == 2 and target.read_text("utf-8") == "my precious results\n"
    bad = runner.invoke(app, ["search", "gene:X", "-i", str(sample_index_path), "--output", str(target)])
    assert bad.exit_code == 2 and target.read_text("utf-8") == "my precious results\n"
    manifest = sample_index_path / MANIFEST
    before = manifest.read_bytes()
    inside = runner.invoke(app, ["stats", "-i", str(sample_index_path), "--output", str(manifest)])
    assert inside.exit_code == 2 and "inside the index folder" in inside.stderr and manifest.read_bytes() == before
    good = runner.invoke(app, ["search", "autophagy", "-i", str(sample_index_path), "-f", "tsv", "--output",
                               str(target)])
    assert good.exit_code == 0 and target.read_text("utf-8").startswith("rank\t")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_an_index_path_that_is_a_file_or_someone_elses_folder_is_refused(tmp_path, corpus):
    runner = CliRunner()
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me", "utf-8")
    result = runner.invoke(app, ["index", str(corpus), "--index", str(a_file)])
    assert result.exit_code == 2 and "is a file" in result.stderr and a_file.read_text("utf-8") == "keep me"
    theirs = tmp_path / "theirs"
    (theirs / "gen-2020").mkdir(parents=True)
    (theirs / "gen-2020" / "data.csv").write_text("precious", "utf-8")
    (theirs / "notes.txt").write_text("mine", "utf-8")
    result = runner.invoke(app, ["index", str(corpus), "--index", str(theirs)])
    assert result.exit_code == 2 and "not a pfocr-search index" in result.stderr
    assert (theirs / "gen-2020" / "data.csv").read_text("utf-8") == "precious"


def test_a_lock_file_that_is_a_link_is_never_written_through(tmp_path, corpus):
    path = tmp_path / "ix"
    FigureIndex.build([corpus], path).close()
    victim = tmp_path / "victim.txt"
    victim.write_text("do not truncate", "utf-8")
    for name in ("write.lock", "writer.pid"):
        (path / name).unlink(missing_ok=True)
        (path / name).symlink_to(victim)
        result = CliRunner().invoke(app, ["index", str(corpus), "--index", str(path)])
        assert result.exit_code == 2 and "symbolic link" in result.stderr
        assert victim.read_text("utf-8") == "do not truncate"
        (path / name).unlink()


def test_a_manifest_naming_a_generation_outside_the_index_is_refused(tmp_path, corpus):
    path = tmp_path / "ix"
    FigureIndex.build([corpus], path).close()
    manifest = Manifest.load(path)
    for outside in ("../elsewhere", "/tmp", "gen-../../x"):
        manifest.generation = outside
        manifest.save(path)
        with pytest.raises(IndexNotFoundError, match="outside the index"):
            FigureIndex.open(path)


def test_a_full_disk_is_one_clear_error_and_leaves_no_temporary_file(tmp_path, corpus, sample_dir, monkeypatch):
    path = tmp_path / "ix"
    FigureIndex.build([corpus], path).close()
    generation = Manifest.load(path).generation
    (corpus / "_figures" / "PMC9__new.md").write_text(seed_with(sample_dir, "PMC9__new"), "utf-8")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pfocr_search.fileio.os.fsync", full)  # the manifest cannot be saved
    with pytest.raises(IndexWriteError, match="No space left on device"):
        FigureIndex.sync([corpus], path)
    monkeypatch.undo()
    assert Manifest.load(path).generation == generation
    assert sorted(p.name for p in path.iterdir()) == sorted([MANIFEST, "write.lock", generation])
    assert FigureIndex.sync([corpus], path).report.added == 1  # once the disk has room, the same run works


# -- index folders made by someone else ------------------------------------------------------

class _Payload(Schema):
    """A schema that, unpickled without care, runs a shell command."""

    marker = ""

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_tampered_index_runs_nothing_and_says_so_in_one_line(tmp_path, corpus):
    path = tmp_path / "ix"
    FigureIndex.build([corpus], path).close()
    folder = path / Manifest.load(path).generation
    storage = FileStorage(str(folder))
    toc = TOC.read(storage, "MAIN")
    marker = tmp_path / "owned"
    evil = _Payload()
    evil.marker = str(marker)
    assert b"system" in pickle.dumps(evil, 2)
    (folder / f"_MAIN_{toc.generation}.toc").unlink()  # as a tamperer would, write it afresh
    TOC(evil, toc.segments, toc.generation).write(storage, "MAIN")
    with pytest.raises(IndexNotFoundError, match="damaged") as info:  # not the size it was written at
        FigureIndex.open(path)
    assert not marker.exists()
    (folder / "sizes.json").unlink()  # as a thorough tamperer would
    with pytest.raises(UnsafeIndexError) as info:
        FigureIndex.open(path)
    assert "refusing" in str(info.value) and "\n" not in str(info.value) and not marker.exists()
    result = CliRunner().invoke(app, ["search", "autophagy", "-i", str(path)])
    assert result.exit_code == 2 and "refusing" in result.stderr and not marker.exists()


def test_one_figid_in_both_layouts_under_other_names_is_one_merged_record(tmp_path, sample_dir,
                                                                         add_database_figure):
    merged = "PMC5466160__AnnalsATS.201507-450MG_f1"
    root = add_database_figure(merged, tmp_path / "corpus")
    inline = root / "older" / "renamed-copy.md"
    inline.parent.mkdir()
    shutil.copy(sample_dir / "old" / f"{merged}.md", inline)
    expected = next(r for r in read_records([sample_dir]) if isinstance(r, FigureRecord) and r.figid == merged)

    def genes(record):
        return sorted((g.symbol, g.organism) for g in record.genes)

    listed = [r for r in read_records([root]) if isinstance(r, FigureRecord)]
    assert len(listed) == 1 and listed[0].layout == "merged" and genes(listed[0]) == genes(expected)
    with FigureIndex.build([root], tmp_path / "ix") as ix:
        assert not ix.report.conflicts and len(ix) == 1
        assert ix.get(merged).layout == "merged" and genes(ix.get(merged)) == genes(expected)
        assert ix.update([root]).conflicts == [] and genes(ix.get(merged)) == genes(expected)
        inline.write_text(inline.read_text("utf-8").replace("hgnc_symbol: ATG10", "hgnc_symbol: ATG10ZZ"), "utf-8")
        ix.update([root])
        assert "ATG10ZZ" in ix.get(merged).gene_symbols and len(ix) == 1
        inline.unlink()  # the other layout alone is left
        ix.update([root])
        assert ix.get(merged).layout == "pfocr-database" and "ATG10ZZ" not in ix.get(merged).gene_symbols
        assert "ATG10ZZ" not in ix.vocabulary.entries
