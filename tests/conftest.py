"""Shared fixtures: real PFOCR records (the packaged demo corpus and tests/data)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import settings
from whoosh.filedb.filestore import RamStorage

from pfocr_search import FigureIndex, sample_corpus

DATA = Path(__file__).parent / "data"
#: The realworld relevance corpus: 415 real PFOCR figures in both layouts.
REALWORLD = Path(__file__).resolve().parent.parent / "bench" / "relevance" / "realworld"

# Tests check behaviour and benchmarks speed: on a shared, loaded machine one
# slow example can pass Hypothesis's 200 ms deadline and fail a correct test.
settings.register_profile("behaviour", deadline=None)
settings.load_profile("behaviour")


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return sample_corpus()


@pytest.fixture(scope="session")
def messy_dir() -> Path:
    return DATA / "messy"


@pytest.fixture(scope="session")
def broken_dir() -> Path:
    return DATA / "broken"


@pytest.fixture(scope="session")
def sample_index_path(tmp_path_factory, sample_dir) -> Path:
    """An index of the demo corpus, built once; tests must not modify it."""
    path = tmp_path_factory.mktemp("sample") / "index"
    FigureIndex.build([sample_dir], path).close()
    return path


@pytest.fixture()
def sample_index(sample_index_path):
    with FigureIndex.open(sample_index_path) as ix:
        yield ix


@pytest.fixture()
def corpus_copy(tmp_path, sample_dir) -> Path:
    """A writable copy of the demo corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(sample_dir, target, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    return target


@pytest.fixture()
def add_database_figure(sample_dir):
    """Copy one demo figure in the pfocr-database layout (its .md and TSVs) under a folder."""

    def add(figid: str, root: Path) -> Path:
        (root / "_figures").mkdir(parents=True, exist_ok=True)
        (root / "_data").mkdir(exist_ok=True)
        shutil.copy(sample_dir / "new" / "_figures" / f"{figid}.md", root / "_figures")
        for tsv in (sample_dir / "new" / "_data").glob(f"{figid}-*.tsv"):
            shutil.copy(tsv, root / "_data")
        return root

    return add


@pytest.fixture()
def run():
    """The CLI, in process: run("search", "jak", "-i", path, input=..., env=...)."""
    from typer.testing import CliRunner

    from pfocr_search.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: bytes | str | None = None, env: dict[str, str] | None = None):
        return runner.invoke(app, list(args), input=input, env=env)

    return invoke


@pytest.fixture(scope="session")
def write_figure(sample_dir):
    """Write the demo seed record as figure `name` with its own caption (and title) under a folder."""
    seed = next((sample_dir / "seed").glob("*.md"))

    def write(folder: Path, name: str, caption: str, title: str = "Signalling figure") -> None:
        text = seed.read_text("utf-8").replace(seed.stem, name)
        start, end = text.index("caption: "), text.index("pmcid:")
        text = text[:start] + f"caption: '{caption}'\n" + text[end:]
        text = text.replace("figtitle: JAK-STAT signaling pathway", f"figtitle: {title}")
        (folder / f"{name}.md").write_text(text, "utf-8")

    return write


@pytest.fixture()
def index_of(tmp_path, write_figure):
    """An index of figures given as (name, caption) or (name, caption, title), built anew."""
    def build(*figures: tuple[str, ...]) -> FigureIndex:
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        for figure in figures:
            write_figure(corpus, *figure)
        return FigureIndex.build([corpus], tmp_path / "ix")

    return build


class ColumnFiles:
    """A Whoosh column written to memory, and read back from bytes."""

    @staticmethod
    def write(column, values: dict, doccount: int) -> bytes:
        storage = RamStorage()
        with storage.create_file("col") as f:
            writer = column.writer(f)
            for docnum in sorted(values):
                writer.add(docnum, values[docnum])
            writer.finish(doccount)
        return storage.open_file("col").read()

    @staticmethod
    def read(column, data: bytes, doccount: int):
        storage = RamStorage()
        with storage.create_file("col") as f:
            f.write(data)
        return column.reader(storage.open_file("col"), 0, len(data), doccount)


@pytest.fixture(scope="session")
def column_files() -> type[ColumnFiles]:
    return ColumnFiles


@pytest.fixture()
def realworld_index(tmp_path):
    """An index of the named real figures of the realworld relevance corpus, either layout."""

    def build(figids: list[str]) -> FigureIndex:
        corpus = tmp_path / "corpus"
        for folder in ("_figures", "_data", "old"):
            (corpus / folder).mkdir(parents=True, exist_ok=True)
        for figid in figids:
            if (REALWORLD / "_figures" / f"{figid}.md").exists():
                shutil.copy(REALWORLD / "_figures" / f"{figid}.md", corpus / "_figures")
                for tsv in (REALWORLD / "_data").glob(f"{figid}-*.tsv"):
                    shutil.copy(tsv, corpus / "_data")
            else:
                shutil.copy(REALWORLD / "old" / f"{figid}.md", corpus / "old")
        return FigureIndex.build([corpus], tmp_path / "ix")

    return build
