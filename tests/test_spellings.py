"""British and American spellings meet; other words are left alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pfocr_search import load_config
from pfocr_search.engine.schema import build_schema
from pfocr_search.spellings import fold_prefix, fold_spelling


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
    ("Wnt signalling", "Wnt signaling"), ("labelled", "labeled"), ("remodelling", "remodeling"),
    ("channelling", "channeling"),
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
    "spelling", "killing", "swelling", "controlled", "compelled", "cell", "well", "allele",
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


@pytest.mark.parametrize("prefix, folded", [
    ("haem", "hem"),  # the whole word "haem" is "heme"; as a start it is haemoglobin's "hem"
    ("haemato", "hemato"), ("leukaem", "leukem"), ("anaem", "anem"), ("tumour", "tumor"),
    ("analyz", "analys"), ("catalyz", "catalys"), ("hydrolyzi", "hydrolysi"),
    ("casp", "casp"), ("organis", "organis"), ("apoptot", "apoptot"),
    ("signall", "signal"), ("signalli", "signali"), ("labelle", "labele"), ("signal", "signal"), ("spell", "spell"),
])
def test_a_patterns_start_is_folded_as_the_words_it_starts(prefix, folded):
    assert fold_prefix(prefix) == folded


def test_a_pattern_finds_the_words_spellings_were_folded_from(index_of):
    # Real captions (PMC5397988's "HSL, which hydrolyzes ChE"; a haematopoiesis and a
    # leukaemia one): indexed as "hydrolyses", "hemat...", "leukemia", which "hydrolyz*",
    # "haem*" (read as the word "heme") and "leukaem*" no longer reached.
    with index_of(("PMC1001__hsl", "Lipolysis of HSL, which hydrolyzes ChE to free cholesterol."),
                  ("PMC1002__blood", "Haematopoietic stem cells in the bone marrow niche."),
                  ("PMC1003__aml", "FLT3 signalling in acute myeloid leukaemia."),
                  ("PMC1004__heme", "Heme oxygenase 1 in oxidative stress.")) as ix:
        for typed, expected in (("hydrolyz*", ["PMC1001__hsl"]), ("leukaem*", ["PMC1003__aml"]),
                                ("leukem*", ["PMC1003__aml"]),
                                ("haem*", ["PMC1002__blood", "PMC1004__heme"]),
                                ("hemat*", ["PMC1002__blood"]), ("hydrolys*", ["PMC1001__hsl"])):
            assert sorted(h.figid for h in ix.search(typed)) == expected, typed


def test_a_curated_name_spelt_british_meets_its_american_query():
    # Synonym keys are unstemmed: "signalling" had not met "signaling", so each
    # spelling of a curated name had to be listed.
    from pfocr_search.synonyms import long_key
    assert long_key(["Wnt/β-catenin", "signalling"]) == long_key(["Wnt/β-catenin", "signaling"])
