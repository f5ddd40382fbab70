"""index_config validation: every bad key is named."""

from __future__ import annotations

import pytest

from pfocr_search import ConfigError, load_config
from pfocr_search.config import parse_config, parse_config_text


def test_default_config_ships_with_the_package():
    config = load_config()
    assert config.fields["figtitle"].boost > config.fields["caption"].boost
    assert config.fields["genes"].analyzer == "gene"
    assert config.fields["caption"].analyzer == "stemmed"


def test_round_trip_through_dict():
    config = load_config()
    again = parse_config(config.to_dict())
    assert again.to_dict() == config.to_dict()
    assert again.schema_fingerprint() == config.schema_fingerprint()


def test_boosts_do_not_change_the_schema_fingerprint():
    data = load_config().to_dict()
    data["fields"]["figtitle"]["boost"] = 9.0
    assert parse_config(data).schema_fingerprint() == load_config().schema_fingerprint()
    data["fields"]["caption"]["analyzer"] = "text"
    data["fields"]["caption"]["spelling"] = False  # a text field's words are its spelling words
    assert parse_config(data).schema_fingerprint() != load_config().schema_fingerprint()
    data = load_config().to_dict()
    data["fields"]["figtitle"]["spelling"] = False
    assert parse_config(data).schema_fingerprint() != load_config().schema_fingerprint()


@pytest.mark.parametrize("text, named", [
    ("fields: {figtitle: {analyzer: stemmed, bost: 2}}", "fields.figtitle.bost"),
    ("fields: {figtitel: {analyzer: stemmed}}", "fields.figtitel"),
    ("fields: {figtitle: {analyzer: snowball}}", "fields.figtitle.analyzer"),
    ("fields: {figtitle: {analyzer: stemmed, boost: high}}", "fields.figtitle.boost"),
    ("fields: {figtitle: {analyzer: stemmed, boost: -1}}", "fields.figtitle.boost"),
    # NaN passed the >= 0 check; its scores sorted last and could not be written as JSON.
    ("fields: {figtitle: {analyzer: stemmed, boost: .nan}}", "fields.figtitle.boost: must be a finite"),
    ("fields: {figtitle: {analyzer: stemmed, boost: .inf}}", "fields.figtitle.boost: must be a finite"),
    ("fields: {figtitle: {analyzer: stemmed, boost: 1e3}}", "write the number in full"),
    ("fields: {figtitle: {analyzer: stemmed, boost: '2'}}", "write it without quotes"),
    ("fields: {caption: {analyzer: text}}\nscoring: {b: 5}", "scoring.b: must be <= 1"),
    # Shares and scores out of their range had passed, and made every pair or none count.
    ("fields: {caption: {analyzer: text}}\nsynonyms: {min_share: 2}", "synonyms.min_share: must be <= 1"),
    ("fields: {caption: {analyzer: text}}\ngenes: {fuzzy: {min_score: 500}}", "genes.fuzzy.min_score: must be <= 100"),
    ("fields: {caption: {analyzer: text}}\nfeedback: {figures: 0}", "feedback.figures: must be >= 1"),
    ("fields: {caption: {analyzer: text}}\nscoring: {caption_b: 1.5}", "scoring.caption_b"),
    ("fields: {genes: {analyzer: stemmed}}", "fields.genes.analyzer"),
    ("fields: {caption: {boost: 1}}", "fields.caption.analyzer"),
    ("fields: {caption: {analyzer: text}}\nsearch: {limit: 0}", "search.limit"),
    ("fields: {caption: {analyzer: text}}\nsearch: {default_operator: xor}", "search.default_operator"),
    ("fields: {caption: {analyzer: text}}\nsearch: {coordination_weight: rare}", "search.coordination_weight"),
    ("fields: {caption: {analyzer: text}}\nsearch: {mention: -1}", "search.mention"),
    ("fields: {caption: {analyzer: text}}\nscoring: {k2: 1}", "scoring.k2"),
    ("fields: {caption: {analyzer: text}}\nscoring: {figtitle_b: 0.5}", "scoring.figtitle_b"),
    ("fields: {caption: {analyzer: text}}\ngenes: {fuzzy: {min_length: 2.5}}", "genes.fuzzy.min_length"),
    ("fields: {caption: {analyzer: text}}\ngenes: {fuzzy: {max_edit: 1}}", "genes.fuzzy.max_edit"),
    ("fields: {caption: {analyzer: text}}\ncolour: blue", "colour"),
    ("search: {}", "fields"),
    ("fields: []", "fields"),
    ("fields: {figtitle: {analyzer: stemmed}}", "fields.genes"),
    ("fields: {caption: {analyzer: text, spelling: true}, genes: {analyzer: gene}}", "fields.caption.spelling"),
    ("fields: {caption: {analyzer: stemmed, spelling: 1}, genes: {analyzer: gene}}", "fields.caption.spelling"),
    ("version: 2\nfields: {caption: {analyzer: text}}", "version"),
    # YAML keeps the last of two equal keys: the first was silently ignored.
    ("fields:\n  genes: {analyzer: gene}\n  lead: {analyzer: stemmed, boost: 2}\n  lead: {analyzer: stemmed}",
     "fields.lead"),
    ("fields: {genes: {analyzer: gene}}\nsearch: {limit: 5, limit: 10}", "search.limit"),
])
def test_bad_keys_are_named(text, named):
    with pytest.raises(ConfigError) as info:
        parse_config_text(text, "test.yaml")
    message = str(info.value)
    assert named in message
    assert "\n" not in message


def test_invalid_yaml_and_missing_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("fields: {figtitle: [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")


def test_per_field_b_is_accepted():
    config = parse_config_text("fields: {caption: {analyzer: stemmed}, genes: {analyzer: gene}}\n"
                               "scoring: {caption_b: 0.3}")
    assert config.scoring.field_b == {"caption": 0.3}


def test_a_huge_whole_number_is_a_number_not_a_crash():
    # math.isfinite() of an integer past a float's range raised OverflowError.
    config = parse_config_text("fields: {genes: {analyzer: gene}}\nsynonyms: {min_figures: " + "9" * 400 + "}")
    assert config.synonyms.min_figures == int("9" * 400)
