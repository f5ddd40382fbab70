"""Porter's stemmer with biology's exceptions: forms meet, distinct words stay apart."""

from __future__ import annotations

import pytest

from pfocr_search import load_config
from pfocr_search.engine.schema import build_schema


def terms(text: str) -> set[str]:
    return set(build_schema(load_config())["caption"].process_text(text, mode="query"))


@pytest.mark.parametrize("a, b", [
    ("organism", "organisms"), ("organization", "organisation"), ("experiment", "experimental"),
    ("generation", "generated"), ("generate", "generated"), ("loci", "locus"), ("foci", "focus"),
    ("nuclei", "nucleus"), ("stimuli", "stimulus"), ("matrices", "matrix"), ("positive", "positivity"),
    # Forms the table had left to Porter, which split them from the rest: "experimented" had
    # been "experience"'s stem, "generational" "general"'s.
    ("experiment", "experimented"), ("experiments", "experimenting"), ("generation", "generational"),
    ("generate", "generative"), ("organization", "organizationally"),
])
def test_forms_of_one_word_meet(a, b):
    assert terms(a) == terms(b)


@pytest.mark.parametrize("a, b", [
    ("organ", "organism"), ("organ", "organization"), ("organ", "organic"), ("organism", "organization"),
    ("positive", "position"), ("generation", "general"), ("generic", "general"), ("experiment", "experience"),
    ("animal", "animation"), ("experimented", "experienced"), ("generational", "general"),
])
def test_words_porter_joins_stay_apart(a, b):
    # Porter had stemmed each pair alike: "organ" found every "model organism".
    assert terms(a).isdisjoint(terms(b))


def test_an_organ_query_does_not_find_organisms(index_of):
    with index_of(("PMC1001__organ", "Crosstalk between organs in multi-organ failure."),
                  ("PMC1002__organism", "Conserved autophagy genes in model organisms."),
                  ("PMC1003__positive", "A positive feedback loop of STAT3 and IL-6."),
                  ("PMC1004__position", "The position of the nucleosome at the promoter.")) as ix:
        assert [h.figid for h in ix.search("organ")] == ["PMC1001__organ"]
        assert [h.figid for h in ix.search("positive feedback")] == ["PMC1003__positive"]
        assert [h.figid for h in ix.search("nuclei")] == []  # "nucleosome" is no nucleus
        assert [h.figid for h in ix.search("organisms")] == ["PMC1002__organism"]
