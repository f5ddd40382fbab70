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
