"""Index configuration: `index_config/*.yaml`, validated on load.

The configuration says which record fields are indexed, how they are analysed
and boosted, and how gene terms are matched.  Every key is checked on load; an
unknown or ill-typed key is one `ConfigError` that names the key's full path
(``fields.figtitle.bost``), so a typo never silently falls back to a default."""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from .errors import ConfigError

if TYPE_CHECKING:
    import yaml

#: Record fields that can be indexed as searchable text.
TEXT_FIELDS = ("figtitle", "lead", "caption", "papertitle", "reftext", "keywords", "genes", "chemicals", "diseases",
               "journal", "taxa")
ANALYZERS = ("stemmed", "text", "gene")
#: Version of the fixed (structural) part of the schema; part of the fingerprint,
#: so an index built before a structural change asks to be rebuilt.
STRUCTURE_VERSION = 42
OPERATORS = ("and", "or")
COORDINATION_WEIGHTS = ("idf", "equal")


def _yaml() -> tuple[Any, Any]:
    """PyYAML and libyaml's loader, imported only to read YAML (an index keeps its config as JSON)."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class FieldConfig:
    analyzer: str
    boost: float = 1.0
    #: Also index unstemmed words, for "did you mean" suggestions.
    spelling: bool = False


@dataclass(frozen=True)
class SearchConfig:
    default_operator: str = "or"
    #: Exponent of the share of query words a figure matches, applied to its score.
    coordination: float = 1.0
    #: What a query word counts for in that share: "idf" (rarer words more) or "equal".
    coordination_weight: str = "equal"
    #: A word scored below this times its idf (a passing mention) counts that share of itself there (0: whole).
    mention: float = 0.0
    #: Weight, relative to a direct match, of genes a query word names as a family or alias.
    gene_alias_boost: float = 1.0
    #: Weight of adjacent query words found as a phrase in a title or caption (0: none).
    proximity: float = 0.0
    #: A word the analyzer splits (TGF-β, β-catenin) matches as its exact phrase, or
    #: as its parts at this weight (words joined by hyphens: in full, coordinated; 0: phrase only).
    compound_parts: float = 0.5
    #: Rank with pseudo-relevance feedback (the `feedback` section) unless a search says otherwise.
    feedback: bool = False
    limit: int = 10
    snippet_chars: int = 220


@dataclass(frozen=True)
class ScoringConfig:
    k1: float = 1.2
    b: float = 0.75
    field_b: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class FuzzyConfig:
    min_length: int = 4
    short_length: int = 5
    max_edits_short: int = 1
    max_edits_long: int = 2
    min_score: float = 75.0
    max_candidates: int = 5

    def max_edits(self, length: int) -> int:
        """Edits allowed for a term of `length` characters (0: no fuzzy match)."""
        if length < self.min_length:
            return 0
        return self.max_edits_short if length <= self.short_length else self.max_edits_long


@dataclass(frozen=True)
class GenesConfig:
    fuzzy: FuzzyConfig = field(default_factory=FuzzyConfig)
    alias_file: str | None = None
    alias_min_share: float = 0.1


@dataclass(frozen=True)
class SynonymsConfig:
    #: A pair (abbreviation, long form) counts once this many figures define it.
    min_figures: int = 1
    #: ... and when it is at least this share of its abbreviation's definitions.
    min_share: float = 0.2
    #: Weight of a synonym's match, relative to the words typed (`curated`: index_config/synonyms.yaml's).
    boost: float = 0.5
    curated: float = 0.65


@dataclass(frozen=True)
class FeedbackConfig:  # figures learnt from (the query's best), words taken, their weight; genes likewise
    figures: int = 3
    terms: int = 10
    weight: float = 0.2
    genes: int = 10
    gene_weight: float = 1.0


@dataclass(frozen=True)
class IndexConfig:
    """A validated index configuration."""

    fields: Mapping[str, FieldConfig]
    search: SearchConfig = field(default_factory=SearchConfig)
    scoring: ScoringConfig = field(default_factory=ScoringConfig)
    genes: GenesConfig = field(default_factory=GenesConfig)
    synonyms: SynonymsConfig = field(default_factory=SynonymsConfig)
    feedback: FeedbackConfig = field(default_factory=FeedbackConfig)
    version: int = 1
    source: str = "<default>"

    def schema_fingerprint(self) -> str:
        """Digest of what decides the on-disk schema (not boosts or query settings)."""
        layout = {name: [f.analyzer, f.spelling] for name, f in sorted(self.fields.items())}
        blob = json.dumps({"version": self.version, "structure": STRUCTURE_VERSION, "fields": layout}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def boosts(self) -> dict[str, float]:
        return {name: f.boost for name, f in self.fields.items()}

    def to_dict(self) -> dict[str, Any]:
        """The configuration as YAML-shaped data; `parse_config` reads it back."""
        scoring = {"k1": self.scoring.k1, "b": self.scoring.b, **{f"{n}_b": b for n, b in self.scoring.field_b.items()}}
        sections = {key: asdict(getattr(self, key)) for key in ("search", "genes", "synonyms", "feedback")}
        return {"version": self.version, "fields": {name: asdict(spec) for name, spec in self.fields.items()},
                "search": sections.pop("search"), "scoring": scoring, **sections}


def _fail(path: str, message: str) -> ConfigError:
    return ConfigError(f"index config: {path}: {message}")


def _flag(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, f"expected true or false, got {value!r}")
    return value


def _expect_mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(path, f"expected a mapping, got {type(value).__name__}")
    return value


def _check_keys(data: Mapping[str, Any], allowed: tuple[str, ...], path: str) -> None:
    for key in data:
        if key not in allowed:
            where = f"{path}.{key}" if path else str(key)
            raise _fail(where, f"unknown key (expected one of: {', '.join(allowed)})")


def _number(value: Any, path: str, *, integer: bool = False, low: float = 0.0, high: float = math.inf) -> Any:
    ok_types = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, ok_types):
        kind = "an integer" if integer else "a number"
        raise _fail(path, f"expected {kind}, got {value!r}{_yaml_hint(value)}")
    # NaN passed every comparison: a boost of .nan or .inf made scores no JSON can carry.
    if isinstance(value, float) and not math.isfinite(value):
        raise _fail(path, f"must be a finite number, got {value!r}")
    if not low <= value <= high:
        raise _fail(path, f"must be {'>=' if value < low else '<='} {low if value < low else high:g}, got {value!r}")
    return value


def _yaml_hint(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*", value):
        return ""
    if "e" not in value.lower():  # '1', "2.5": the quotes made it text
        return " (quoted, so YAML reads it as text: write it without quotes)"
    return f" (YAML reads {value} as text: write the number in full, or as 1.0e+3)"


def _choice(value: Any, choices: tuple[str, ...], path: str) -> str:
    if value not in choices:
        raise _fail(path, f"expected one of {', '.join(choices)}, got {value!r}")
    return value


def _dataclass_from(cls: type, data: Any, path: str, *, integers: tuple[str, ...] = (),
                    bounds: Mapping[str, tuple[float, float]] | None = None) -> Any:
    """Build a flat dataclass of numbers from `data`, checking every key (and
    the (low, high) `bounds` of some: a share of 2 or a score of 500 had passed)."""
    data = _expect_mapping(data, path)
    names = tuple(f.name for f in cls.__dataclass_fields__.values())
    _check_keys(data, names, path)
    limits = {k: (0.0, math.inf) for k in data} | dict(bounds or {})
    return cls(**{k: _number(v, f"{path}.{k}", integer=k in integers, low=limits[k][0], high=limits[k][1])
                  for k, v in data.items()})


def _parse_fields(data: Any) -> dict[str, FieldConfig]:
    data = _expect_mapping(data, "fields")
    _check_keys(data, TEXT_FIELDS, "fields")
    out = {}
    for name, spec in data.items():
        path = f"fields.{name}"
        spec = _expect_mapping(spec, path)
        _check_keys(spec, ("analyzer", "boost", "spelling"), path)
        if "analyzer" not in spec:
            raise _fail(f"{path}.analyzer", "missing")
        analyzer = _choice(spec["analyzer"], ANALYZERS, f"{path}.analyzer")
        if (name == "genes") != (analyzer == "gene"):
            raise _fail(f"{path}.analyzer", "the gene analyzer is for the genes field only, and genes needs it")
        spelling = _flag(spec.get("spelling", False), f"{path}.spelling")
        if spelling and analyzer != "stemmed":
            raise _fail(f"{path}.spelling", "only stemmed fields need separate spelling words")
        out[name] = FieldConfig(analyzer, float(_number(spec.get("boost", 1.0), f"{path}.boost")), spelling)
    return out


def _parse_search(data: Any) -> SearchConfig:
    data = _expect_mapping(data, "search")
    _check_keys(data, ("default_operator", "coordination", "coordination_weight", "mention", "gene_alias_boost",
                       "proximity", "compound_parts", "feedback", "limit", "snippet_chars"), "search")
    defaults = SearchConfig()
    return SearchConfig(
        default_operator=_choice(data.get("default_operator", defaults.default_operator), OPERATORS,
                                 "search.default_operator"),
        coordination=float(_number(data.get("coordination", defaults.coordination), "search.coordination")),
        coordination_weight=_choice(data.get("coordination_weight", defaults.coordination_weight),
                                    COORDINATION_WEIGHTS, "search.coordination_weight"),
        mention=float(_number(data.get("mention", defaults.mention), "search.mention")),
        gene_alias_boost=float(_number(data.get("gene_alias_boost", defaults.gene_alias_boost),
                                       "search.gene_alias_boost")),
        proximity=float(_number(data.get("proximity", defaults.proximity), "search.proximity")),
        compound_parts=float(_number(data.get("compound_parts", defaults.compound_parts), "search.compound_parts")),
        feedback=_flag(data.get("feedback", defaults.feedback), "search.feedback"),
        limit=_number(data.get("limit", defaults.limit), "search.limit", integer=True, low=1),
        snippet_chars=_number(data.get("snippet_chars", defaults.snippet_chars), "search.snippet_chars", integer=True,
                              low=20))


def _parse_scoring(data: Any, fields: Mapping[str, FieldConfig]) -> ScoringConfig:
    data = dict(_expect_mapping(data, "scoring"))
    field_b = {}
    for key in [k for k in data if isinstance(k, str) and k.endswith("_b") and k != "b"]:
        name = key[:-2]
        if name not in fields:
            raise _fail(f"scoring.{key}", f"no indexed field named {name!r}")
        field_b[name] = float(_number(data.pop(key), f"scoring.{key}", high=1.0))
    _check_keys(data, ("k1", "b"), "scoring")
    return ScoringConfig(
        k1=float(_number(data.get("k1", 1.2), "scoring.k1")),
        b=float(_number(data.get("b", 0.75), "scoring.b", high=1.0)),  # BM25's length normalisation: 0 to 1
        field_b=field_b,
    )


def _parse_genes(data: Any) -> GenesConfig:
    data = _expect_mapping(data, "genes")
    _check_keys(data, ("fuzzy", "alias_file", "alias_min_share"), "genes")
    fuzzy = _dataclass_from(FuzzyConfig, data.get("fuzzy", {}), "genes.fuzzy",
                            integers=("min_length", "short_length", "max_edits_short",
                                      "max_edits_long", "max_candidates"), bounds={"min_score": (0, 100)})
    alias_file = data.get("alias_file")
    if alias_file is not None and not isinstance(alias_file, str):
        raise _fail("genes.alias_file", f"expected a path or null, got {alias_file!r}")
    share = float(_number(data.get("alias_min_share", 0.1), "genes.alias_min_share", high=1.0))
    return GenesConfig(fuzzy=fuzzy, alias_file=alias_file, alias_min_share=share)


def parse_config(data: Any, source: str = "<memory>") -> IndexConfig:
    """Validate a parsed YAML document and return an `IndexConfig`."""
    data = _expect_mapping(data if data is not None else {}, "(top level)")
    _check_keys(data, ("version", "fields", "search", "scoring", "genes", "synonyms", "feedback"), "")
    version = _number(data.get("version", 1), "version", integer=True, low=1)
    if version != 1:
        raise _fail("version", f"unsupported version {version} (this pfocr-search reads version 1)")
    if "fields" not in data:
        raise _fail("fields", "missing")
    fields = _parse_fields(data["fields"])
    config = IndexConfig(
        fields=fields,
        search=_parse_search(data.get("search", {})),
        scoring=_parse_scoring(data.get("scoring", {}), fields),
        genes=_parse_genes(data.get("genes", {})),
        synonyms=_dataclass_from(SynonymsConfig, data.get("synonyms", {}), "synonyms", integers=("min_figures",),
                                 bounds={"min_figures": (1, math.inf), "min_share": (0, 1)}),
        feedback=_dataclass_from(FeedbackConfig, data.get("feedback", {}), "feedback",
                                 integers=("figures", "terms", "genes"), bounds={"figures": (1, math.inf)}),
        version=version,
        source=source,
    )
    if "genes" not in fields:
        raise _fail("fields.genes", "missing: gene search needs the genes field (analyzer: gene)")
    return config


def _anchor_alias_file(data: Any, folder: Path) -> Any:
    """A relative genes.alias_file is relative to the config file's folder: made
    absolute, the path stored with an index works for updates run from anywhere."""
    genes = data.get("genes") if isinstance(data, dict) else None
    alias = genes.get("alias_file") if isinstance(genes, dict) else None
    if isinstance(alias, str) and not Path(alias).expanduser().is_absolute():
        genes["alias_file"] = str((folder / Path(alias).expanduser()).resolve())
    return data


def parse_config_text(text: str, source: str = "<memory>", folder: Path | None = None) -> IndexConfig:
    yaml, loader = _yaml()
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"index config: {source}: not valid YAML ({_one_line(exc)})") from None
    except Exception as exc:  # noqa: BLE001 - a value its tag cannot build: !!int abc, a date 2023-02-30
        raise _fail(_bad_value_path(text) or "(top level)", f"cannot read the value ({_one_line(exc)})") from None
    duplicate = _duplicate_key_path(text)
    if duplicate:
        # YAML keeps the last of two equal keys: a tuned value above another
        # copy of its key was silently ignored.
        raise _fail(duplicate, "is given twice; keep one")
    return parse_config(_anchor_alias_file(data, folder) if folder else data, source)


def _duplicate_key_path(text: str) -> str | None:
    """The key path of the first key given twice in one mapping."""
    yaml, loader = _yaml()

    def walk(node: yaml.Node, path: str) -> str | None:
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                name = str(key.value)
                here = f"{path}.{name}" if path else name
                if name in seen and name != "<<":
                    return here
                seen.add(name)
                found = walk(value, here)
                if found:
                    return found
        elif isinstance(node, yaml.SequenceNode):
            return next(filter(None, (walk(value, f"{path}[{i}]") for i, value in enumerate(node.value))), None)
        return None

    root = yaml.compose(text, Loader=loader)
    return walk(root, "") if root is not None else None


def load_config(path: str | Path | None = None) -> IndexConfig:
    """Load and validate a configuration file; None loads the shipped default."""
    if path is None:
        text = resources.files("pfocr_search.index_config").joinpath("default.yaml").read_text("utf-8")
        return parse_config_text(text, "<default>")
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"index config: cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"index config: {path} is not UTF-8 text") from None
    return parse_config_text(text, str(path), folder=path.parent)


def _bad_value_path(text: str) -> str | None:
    """The key path of the first value YAML can parse but not build."""
    yaml, loader = _yaml()

    def leaves(node: yaml.Node, path: str):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                yield from leaves(value, f"{path}.{key.value}" if path else str(key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                yield from leaves(value, f"{path}[{i}]")
        else:
            yield path, node

    for path, node in leaves(yaml.compose(text, Loader=loader), ""):
        try:
            yaml.load(yaml.serialize(node), Loader=loader)
        except Exception:  # noqa: BLE001 - any failure marks the culprit
            return path
    return None


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
