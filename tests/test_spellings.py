"""British and American spellings meet; other words are left alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pfocr_search import load_config
from pfocr_search.engine.schema import build_schema
from pfocr_search.spellings import fold_spelling


def terms(text: str, field: str = "caption") -> list[str]:
    return list(build_schema(load_config())[field].process_text(text, mode="query"))


@pytest.mark.parametrize("british, american", [
    ("tumour necrosis factor", "tumor necrosis factor"), ("antitumour", "antitumor"),
    ("haematopoietic", "hematopoietic"), ("haemoglobin", "hemoglobin"), ("oestrogen", "estrogen"),
    ("leukaemia", "leukemia"), ("hyperglycaemia", "hyperglycemia"), ("ischaemic", "ischemic"),
    ("oesophageal", "esophageal"), ("paediatric", "pediatric"), ("foetal", "fetal"), ("oedema", "edema"),
    ("coeliac", "celiac"), ("diarrhoea", "diarrhea"), ("sulphate", "sulfate"), ("behavioural", "behavioral"),
    ("harbouring", "harboring"), ("colour", "color"), ("characterised", "characterized"),
    ("localisation", "localization"), ("metabolising", "metabolizing"), ("recognises", "recognizes"),
    ("decidualised", "decidualized"), ("centre", "center"), ("centred", "centered"), ("fibres", "fibers"),
    ("micrometre", "micrometer"), ("analogue", "analog"), ("orthologues", "orthologs"), ("ageing", "aging"),
    ("programme", "program"), ("grey matter", "gray matter"), ("defence", "defense"), ("haem", "heme"),
])
def test_british_and_american_spellings_index_the_same_terms(british, american):
    assert terms(british) == terms(american)
    assert terms(british, "diseases") == terms(american, "diseases")  # unstemmed fields too


@pytest.mark.parametrize("word", ["analyse", "analysed", "analyze", "analyzed", "analyses", "analysis"])
def test_the_yse_verbs_meet_their_nouns(word):
    # The -yze verbs take the -yse form their nouns share, not the other way round.
    assert terms(word) == terms("analysis")


@pytest.mark.parametrize("word", [
    "four", "hour", "pour", "contour", "raise", "noise", "rise", "arise", "promise", "premise", "exercise",
    "precise", "advise", "revised", "comprise", "surprised", "otherwise", "clockwise", "expertise", "franchise",
    "shoe", "coefficient", "leucine", "archaea", "academia", "genre", "acre", "vogue", "programmed",
])
def test_words_that_only_look_british_are_left_alone(word):
    assert fold_spelling(word) == word


@given(st.text(alphabet="abcdeghilmnorstuyz", max_size=14))
def test_folding_is_idempotent(word):
    once = fold_spelling(word)
    assert fold_spelling(once) == once


def test_an_american_query_finds_a_real_british_caption(sample_index):
    # PMC6365678 (a real record of the demo corpus) writes "oestrogen" and
    # "decidualised ESCs"; a query in American spelling finds it.
    assert "PMC6365678__REP-18-0417fig7" in [h.figid for h in sample_index.search("estrogen")]
    assert [h.figid for h in sample_index.search('"decidualized ESCs"')] == ["PMC6365678__REP-18-0417fig7"]
