"""Explained scores: every hit's score taken apart, adding up to the score that ranked it."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pfocr_search import FigureIndex, PfocrSearchError
from pfocr_search.cli import app


def _leaves(explanation):
    if not explanation.details:
        yield explanation
    for detail in explanation.details:
        yield from _leaves(detail)


@pytest.mark.parametrize("text", ["JAK STAT signaling", "Wnt signaling pathway", '"insulin signaling" OR autophagy',
                                  "genes:STAT3 AND NOT genes:JAK1", "casp*", "apoptosis year:[2010 TO 2020]"])
def test_explanations_add_up_to_the_scores_that_ranked(sample_index, text):
    results = sample_index.search(text, limit=5, explain=True)
    assert results and set(results.explanations) == {h.figid for h in results}
    for hit in results:
        explanation = results.explanations[hit.figid]
        assert explanation.value == pytest.approx(hit.score, abs=1e-3)
        assert all(leaf.description for leaf in _leaves(explanation))


def test_an_explanation_names_fields_terms_coordination_and_families(sample_index):
    results = sample_index.search("Wnt signaling pathway", limit=3, explain=True)
    text = "\n".join(results.explanations[results[0].figid].lines())
    assert "figtitle:wnt (BM25F: idf" in text and "coordination: 3 of 3 query words matched" in text
    assert "the best of these (the genes a word names as a family)" in text
    assert "WNT5A" in results.understood.gene_families["WNT"]
    partial = sample_index.search("Wnt notch hedgehog pathway", limit=20, explain=True)
    assert any("coordination: 1 of 4" in "\n".join(e.lines()) for e in partial.explanations.values())


def test_a_words_written_forms_are_not_called_a_gene_family(sample_index):
    # "TGF beta" seeks the phrase "tgf b" or the word "tgfb" in each field: the
    # best of these had been labelled "the genes a word names as a family".
    results = sample_index.search("TGF beta", limit=1, explain=True)
    lines = results.explanations[results[0].figid].lines()
    assert any("the best of these (one word's forms, counted once)" in line for line in lines)
    for line, child in zip(lines, lines[1:]):
        if "names as a family" in line:
            assert child.split(None, 1)[1].startswith("genes:"), (line, child)


def test_the_query_as_understood_includes_a_correction(sample_index):
    results = sample_index.search("apoptossis", explain=True)
    assert results.understood.corrected_from == "apoptossis" and "apoptos" in results.understood.parsed
    assert results.explanations[results[0].figid].value == pytest.approx(results[0].score, abs=1e-3)


def test_explain_from_the_command_line(sample_index_path):
    runner = CliRunner()
    table = runner.invoke(app, ["search", "JAK STAT", "-i", str(sample_index_path), "--explain", "-n", "2"])
    assert table.exit_code == 0 and "query as understood:" in table.stdout and "BM25F: idf" in table.stdout
    lines = runner.invoke(app, ["search", "JAK STAT", "-i", str(sample_index_path), "--explain", "-n", "2", "-f",
                                "json"]).stdout.splitlines()
    head, hits = json.loads(lines[0]), [json.loads(line) for line in lines[1:]]
    assert head["type"] == "query" and len(hits) == 2
    assert all(h["explanation"]["value"] == pytest.approx(h["score"], abs=1e-3) for h in hits)


def test_explain_with_genes_is_refused_not_ignored(sample_index_path):
    with FigureIndex.open(sample_index_path) as ix, pytest.raises(PfocrSearchError, match="explain"):
        ix.search("signaling", genes=["STAT3"], explain=True)
    result = CliRunner().invoke(app, ["search", "signaling", "--genes", "STAT3", "--explain",
                                      "-i", str(sample_index_path)])
    assert result.exit_code == 2 and "explain" in result.stderr and "Traceback" not in result.output
