"""Pseudo-relevance feedback (asked for per search, or by `search.feedback`):
the words and genes of a query's best figures also rank the figures it finds,
so those about the topic come before those that merely mention its words; it
adds no figure, and a query that says exactly what it wants is ranked by its
words alone."""

from __future__ import annotations

import dataclasses

import pytest

from pfocr_search import ConfigError
from pfocr_search.config import FeedbackConfig, load_config, parse_config

#: Real figures: the renin-angiotensin system's (ACE, ACE2, AT1R, aldosterone),
#: two of which say "renin" or "angiotensin" only deep in long captions, and
#: others that mention angiotensin, a "system" or a receptor in passing.
RAS = ["PMC7375181__phm-publish-ahead-of-print-10.1097.phm.0000000000001528-g001",
       "PMC7219856__jcvp-publish-ahead-of-print-10.1097.fjc.0000000000000840-g001",
       "PMC8862784__ajpregu.00211.2021_f002", "PMC8238150__ajpregu.00259.2020_f001"]
DEEP = ["PMC1636614__7601417f8", "PMC9553117__pharmrev.120.000236f7"]
OTHERS = ["PMC10036758__fimmu-14-1146167-g001", "PMC3240145__ar569-2", "PMC10536099__pathogens-12-01142-g006",
          "PMC3040460__TOCHGENJ-4-84_F1", "PMC10033690__41598_2023_31603_Fig1_HTML", "PMC10036296__gr1_lrg",
          "PMC8260388__ajpheart.00718.2020_f003", "PMC2875058__ddq14202"]
QUERY = "renin-angiotensin system"


@pytest.fixture()
def ix(realworld_index):
    with realworld_index([*RAS, *DEEP, *OTHERS]) as index:
        yield index


def ranks(results) -> dict[str, int]:
    return {h.figid: h.rank for h in results}


def test_figures_about_the_topic_rise_above_those_that_mention_its_words(ix):
    results = ix.search(QUERY, limit=20, feedback=True)
    assert {"ace2", "aldosteron"} <= set(results.feedback)
    with_it = ranks(results)
    plain = ranks(ix.search(QUERY, limit=20))  # the shipped config's default: off
    assert set(with_it) == set(plain)  # the same figures: feedback ranks them, it adds none
    assert all(with_it[f] < plain[f] for f in DEEP)
    assert max(with_it[f] for f in RAS + DEEP) < min(plain[f] for f in DEEP)


def test_pages_agree_with_one_long_page(ix):
    ranked = [h.figid for h in ix.search(QUERY, limit=12, feedback=True)]
    assert [h.figid for h in ix.search(QUERY, limit=4, offset=4, feedback=True)] == ranked[4:8]


@pytest.mark.parametrize("typed", ['"renin-angiotensin system"', "renin-angiotensin system NOT covid",
                                   "renin AND angiotensin AND system", "caption:angiotensin",
                                   "caption:angiotensin renin", "renin (genes:AGT ACE)"])
def test_a_query_that_says_exactly_what_it_wants_is_ranked_by_its_words(ix, typed):
    results = ix.search(typed, limit=20, feedback=True)
    assert results.feedback == []
    assert [h.figid for h in results] == [h.figid for h in ix.search(typed, limit=20, feedback=False)]


def test_filters_bound_the_figures_learnt_from(ix):
    # The renin-angiotensin figures are from 2006 to 2022: a 2023 search learns from 2023's figures only.
    unfiltered = ix.search(QUERY, limit=20, feedback=True).feedback
    results = ix.search(QUERY, limit=20, years=(2023, 2023), feedback=True)
    assert results and all(h.year == 2023 for h in results)
    assert "ace2" in unfiltered and "ace2" not in results.feedback


def test_explain_adds_up_to_the_score_and_names_the_feedback(ix):
    results = ix.search(QUERY, explain=True, feedback=True)
    assert list(results.understood.feedback) == results.feedback != []
    for hit in results:
        assert results.explanations[hit.figid].value == pytest.approx(hit.score, abs=1e-4)
    for figid in DEEP:
        parts = [d.description for d in results.explanations[figid].details]
        assert len(parts) == 2 and parts[1].startswith("feedback: the words and genes the best figures share")


def test_the_cli_explains_what_feedback_learnt(ix, run):
    result = run("search", QUERY, "--explain", "--feedback", "--index", str(ix.path))
    assert result.exit_code == 0, result.output
    assert "feedback (learnt from the best figures): " in result.output
    plain = run("search", QUERY, "--explain", "--index", str(ix.path))
    assert plain.exit_code == 0 and "feedback (learnt" not in plain.output


def test_the_config_can_make_feedback_the_default_and_a_search_can_decline_it(ix):
    ix.config = dataclasses.replace(ix.config, search=dataclasses.replace(ix.config.search, feedback=True))
    assert ix.search(QUERY).feedback != [] and ix.search(QUERY, feedback=False).feedback == []


def test_feedback_is_configured_and_checked_by_key():
    config = parse_config({**load_config().to_dict(), "feedback": {"figures": 5, "weight": 0.1}})
    assert config.feedback == FeedbackConfig(figures=5, weight=0.1) and not config.search.feedback
    assert parse_config(config.to_dict()).feedback == config.feedback
    with pytest.raises(ConfigError, match=r"search\.feedback: expected true or false"):
        parse_config({**load_config().to_dict(), "search": {"feedback": "yes"}})
    with pytest.raises(ConfigError, match=r"feedback\.figurs: unknown key"):
        parse_config({**load_config().to_dict(), "feedback": {"figurs": 3}})
    with pytest.raises(ConfigError, match=r"feedback\.terms: expected an integer"):
        parse_config({**load_config().to_dict(), "feedback": {"terms": 2.5}})
