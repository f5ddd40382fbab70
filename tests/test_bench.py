"""The benchmark runs end to end on a small corpus, so it never rots."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import run as bench  # noqa: E402


def test_small_benchmark_run(tmp_path, capsys):
    result = bench.run(500, seed=3, per_kind=3, out_dir=tmp_path / "results", work=tmp_path / "work",
                       with_tantivy=False)
    written = json.loads(next((tmp_path / "results").glob("*-500.json")).read_text())
    assert written["n"] == 500 and set(written["engines"]) >= {"pfocr-search", "sqlite-fts5", "linear-scan"}
    pfocr = result["engines"]["pfocr-search"]
    assert pfocr["build"]["records"] == 500 and pfocr["nochange_files_read"] == 0
    added, updated, removed = pfocr["update_1pct_counts"]
    assert added >= 1 and updated >= 1 and removed >= 1
    for engine in result["engines"].values():
        assert set(engine["queries"]) == set(bench.KINDS)
    assert "| full build (s) |" in capsys.readouterr().out
    assert (tmp_path / "results" / f"{written['date']}-500.md").is_file()
