"""Shared fixtures: real PFOCR records (the packaged demo corpus and tests/data)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pfocr_search import FigureIndex, sample_corpus

DATA = Path(__file__).parent / "data"


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
