"""Parsing query strings: Whoosh's query language, plus pfocr-search's rewrites.

A query string is Whoosh's query language (AND/OR/NOT, "phrases",
``field:value``, wildcards, ``year:[2010 TO 2020]``) over the configured
fields, each with its configured boost.  Field names the index does not have
are an error rather than silently searched as text, so a typo like
``gene:STAT3`` (for ``genes:``) is caught.  Every query string parses or
raises one `QuerySyntaxError`: the Whoosh syntax that crashed its parser
(a leading ``>``, two operators in a row) is refused, and caps on length,
terms, nesting and wildcards bound the work one query can ask for, so the
caps and not the size of the index bound its time.
"""

from __future__ import annotations

import itertools
import re
from typing import Callable, Sequence

from whoosh import qparser, query
from whoosh.fields import Schema, SpellField
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from ..arguments import string
from ..config import IndexConfig
from ..engine.analysis import SpellingFilter
from ..engine.evaluation import WordCoordOr
from ..engine.schema import INTERNAL_FIELDS
from ..engine.whoosh_internals.queries import NumberedForms, expanded_terms
from ..errors import QuerySyntaxError
from ..spellings import fold_prefix
from ..textkeys import SPELLED_LETTER
from .apart import LetterSuffixPlugin
from .exclusions import every_narrowed, exclusions_exclude
from .genewords import WRITTEN_AS_SYMBOL
from .joined import JoinedWordsPlugin
from .mending import mended_query
from .plugins import (
    ArticlePlugin,
    IonPlugin,
    OperatorsPlugin,
    PatternsPlugin,
    RelationsPlugin,
    StrictFieldsPlugin,
    WordPartsPlugin,
)

#: Longest query string accepted: room for MAX_QUERY_TERMS long terms with
#: field names and quotes; a pasted page is refused before any parsing.
MAX_QUERY_CHARS = 2_000
#: Most terms (words, field:value terms, ranges) in one query.  Each word is
#: searched in every configured field, so this bounds the postings lists one
#: query reads whatever the size of the index.  Gene sets belong in gene search.
MAX_QUERY_TERMS = 100
#: Deepest parentheses: each level costs stack frames in Whoosh's recursive
#: parser and in every walk of the query tree (500 levels overflowed it).
MAX_NESTING = 20
#: Most indexed words a query's patterns may stand for (Lucene's
#: maxClauseCount, in spirit): each is a postings list to read, and ``*`` or
#: ``[a TO]`` stood for the whole vocabulary (8 s at 100,000 figures).
MAX_PATTERN_TERMS = 4_096

#: Words the query language reads as operators, not as words to search for.
OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE", "TO"})
_TERM = re.compile(r'[^\s()"]+')


_NOT_WORD = re.compile(r"[\W_]+")
# A symbol with a Greek letter joined to its end (PPARγ, TNFα), two
# characters before it at least; or spelled out after up to four letters, or
# a digit and at most one letter, or a spelled letter of its own (PPARgamma,
# GSK3beta, PI3Kgamma, IkappaBalpha as IκBα; "microbiota" does not end in
# iota).  Not with a number after the letter: PLCγ1 is one gene, and read
# apart its part "g1" matched G1 arrest.
_LETTERS_ONLY = re.compile(rf"{SPELLED_LETTER}+", re.IGNORECASE)
_GREEK_ENDED = (re.compile(r"(?P<word>[^\W_]{2,}?)(?P<letter>[α-ω])", re.IGNORECASE),
                re.compile(rf"(?P<word>[a-z]{{2,4}}|[a-z0-9]*\d[a-z]?|(?:[a-z]{{0,4}}|[a-z0-9]*\d[a-z]?)"
                           rf"(?:{SPELLED_LETTER}[a-z]{{0,3}}\d*)+?)(?P<letter>{SPELLED_LETTER})", re.IGNORECASE))


#: A word written as a symbol (mTOR, ERK, AKT) also matches, at this share of
#: its weight, the index's numbered forms of it (mTORC1, ERK1/2, AKT1), which
#: it had never met: relevant mTORC1 figures ranked 11-13 for "mTOR signalling".
#: Realworld nDCG@10, tuning half: all 0.934 -> 0.935 (topic 0.858 -> 0.862,
#: typed 0.881 -> 0.882, mixed 0.944 -> 0.942); test half all 0.930 -> 0.931
#: (topic 0.866 -> 0.867, typed 0.854 -> 0.857, mixed 0.916 -> 0.917).  At 0.5
#: and 0.8 the tuning half's all read 0.934.
SYMBOL_FORMS = 0.3
_SYMBOL_STEM = re.compile(r"[a-z][a-z0-9]{1,6}[a-z]")


#: A word and the numbers of a slash joined to it: "ERK1/2", "Smad2/3/4".
_NUMBERS_SLASHED = re.compile(r"(?P<word>[^\W\d_]{2,})(?P<numbers>\d{1,2}(?:/\d{1,2})+)")


#: A symbol ending in its number: "IL6", "Smad4", "Beclin1".
_NUMBERED = re.compile(r"(?P<word>[^\W\d_]{2,8})(?P<number>\d{1,2})")


def _number_apart(field, typed: str, term: str) -> list[str] | None:
    """The words of a symbol typed with its number ("IL6") as captions also
    write it, the number apart ("IL 6"), or None.  Sought here, not joined
    when indexing: which word before a number is a symbol only the typed
    query says ("Figure 2", "step 3", "in 6 hours" are prose)."""
    match = _NUMBERED.fullmatch(typed)
    if not match or term != typed.lower() or not field.format.supports("positions"):
        return None
    words = list(field.process_text(f"{match['word']} {match['number']}", mode="query"))
    return words if len(words) == 2 else None


def _greek_apart(word: str) -> str | None:
    """`word` with a Greek letter joined to its end written apart by a hyphen
    ("PPARgamma" -> "PPAR-gamma"), or None."""
    match = _GREEK_ENDED[0].fullmatch(word) or _GREEK_ENDED[1].fullmatch(word)
    if not match or _LETTERS_ONLY.fullmatch(match["word"]):  # "alphabeta" is a word, as `fold_greek_names` reads it
        return None
    return f"{match['word']}-{match['letter']}"


def _coord_group(power: float, idf_weighted: bool, mention: float) -> type:
    query_class = type("WordCoordOr", (WordCoordOr,), {"power": power, "idf_weighted": idf_weighted,
                                                       "mention": mention})
    return type("WordCoordOrGroup", (qparser.OrGroup,), {"qclass": query_class})


class GeneAwareParser(qparser.QueryParser):
    """Whoosh's multi-field parser, plus two rewrites of what it parses.

    * A word whose gene-symbol form is a family or alias name in the index's
      vocabulary (Wnt, STING, PI3K, ERK, NF-kB) also matches the genes it
      names, as one alternative (the best-matching gene counts, not their sum),
      so figures that draw the genes rank with figures that name them.
    * ``a NOT b`` under the default OR means "a but not b".

    `searcher`, set while `parse_query` parses, lets plugins ask what the index holds.
    """

    searcher: Searcher | None = None

    def __init__(self, fields, schema, *, fieldboosts=None, expand_gene: Callable[[str], Sequence[str]] | None = None,
                 gene_boost: float = 1.0, compound_parts: float = 0.5, **kwargs) -> None:
        super().__init__(None, schema, **kwargs)
        self.add_plugin(qparser.MultifieldPlugin(fields, fieldboosts=fieldboosts))
        self.fieldnames = list(fields)
        self.expand_gene = expand_gene
        self.gene_boost = gene_boost
        self.compound_parts = compound_parts

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):
        """Whoosh's, but a word the analyzer splits is a `compound_query`."""
        field = self.schema[fieldname] if self.schema and fieldname in self.schema else None
        if field is None or field.self_parsing():
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        texts = list(field.process_text(text, mode="query", tokenize=tokenize, removestops=removestops))
        apart = _greek_apart(text) if len(texts) == 1 else None
        if apart:  # "PPARγ", "PPARgamma": read as "PPAR-γ", as "PPAR gamma" is
            texts = list(field.process_text(apart, mode="query", tokenize=tokenize, removestops=removestops))
        if len(texts) > 1:
            return self.compound_query(field, text, texts, fieldname, termclass, boost)
        if not texts:
            return None
        if len(texts) == 1 and issubclass(termclass, (query.Prefix, query.Wildcard)) and _folds_spelling(field):
            return self.pattern_query(field, text, texts[0], fieldname, termclass, boost)
        exact = termclass(fieldname, texts[0], boost=boost)
        spaced = _number_apart(field, text, texts[0]) if termclass is query.Term else None
        if spaced:  # "IL6": captions write "IL 6" too, which the index holds as two words
            return query.DisjunctionMax([exact, query.Phrase(fieldname, spaced, boost=boost)])
        if SYMBOL_FORMS and has_numbered_forms(text, texts[0]):
            return query.Or([exact, NumberedForms(fieldname, texts[0], boost=boost * SYMBOL_FORMS)])
        return exact

    def pattern_query(self, field, pattern, analysed, fieldname, termclass, boost):
        """A prefix or wildcard as its words are indexed: British spellings
        fold whole words only, so a pattern's start is folded as a start
        (`fold_prefix`: "analyz*" is "analys*", "haem*" "hem*"), beside the
        pattern as analysed before."""
        head = re.match(r"[^*?]*", pattern).group()
        folded = fold_prefix(head.lower())
        if folded == head.lower():
            return termclass(fieldname, analysed, boost=boost)
        # Unstemmed: a stem is the start of its words, and Porter read "catalys" as
        # a plural, "catal", which also starts "catalase".
        forms = {analysed, *field.process_text(folded + pattern[len(head):], mode="query", tokenize=False,
                                               removestops=False, no_morph=True)}
        if termclass is query.Prefix:  # "hem" holds what "heme" does: each word once
            forms = {f for f in forms if not any(f != g and f.startswith(g) for g in forms)}
        if len(forms) == 1:
            return termclass(fieldname, forms.pop(), boost=boost)
        return query.Or([termclass(fieldname, f, boost=boost) for f in sorted(forms)])

    def compound_query(self, field, word, texts, fieldname, termclass, boost):
        """A word the analyzer splits (β-catenin, TGF-β, IFN-γ, JAK/STAT,
        mechano-transduction) is one concept: its parts as an exact phrase
        (which "TGF β" and "TGF-β" both hold) or the word written joined
        ("TGFβ", "mechanotransduction"; one counts, not both), or its parts
        at `compound_parts` of the weight (typos and variants inside a
        compound, "Nrf2/Keap-1", still find something).  Whoosh's default
        OR'ed the parts alone, so "IFN-γ" matched any "g" and "TGF-β" any
        panel label "(B)".  The parts are grouped here field by field, and
        Whoosh's normalising merges each group into the word's OR, so they
        count uncoordinated; a plain typed word of words joined by hyphens
        ("insulin-resistant") has its parts coordinated across fields
        instead (`plugins.WordPartsPlugin`), and reaches here as its phrase."""
        if not field.format.supports("positions"):
            return self.multitoken_query(field.multitoken_query, texts, fieldname, termclass, boost)
        whole = query.Phrase(fieldname, list(texts), boost=boost)
        forms = [whole]
        if _NUMBERS_SLASHED.fullmatch(word):  # "ERK1/2": figures write "ERK 1/2" too ("Smad 2/3": 2 of 6)
            spaced = list(field.process_text(_NUMBERS_SLASHED.sub(r"\g<word> \g<numbers>", word), mode="query"))
            forms.append(query.Phrase(fieldname, spaced, boost=boost))
        joined = list(field.process_text(_NOT_WORD.sub("", word), mode="query"))
        if len(joined) == 1:
            forms.append(termclass(fieldname, joined[0], boost=boost))
        if len(forms) > 1:
            whole = query.DisjunctionMax(forms)
        # A one-letter part (a folded Greek letter, "b" of TGF-β) alone says
        # nothing: panel labels and "Beta-AR" hold it; nor does a number ("12"
        # of MYB-12: panels, steps, references, a tRNA's name).
        words = [t for t in texts if len(t) > 1 and not t.isdigit()]
        if self.compound_parts <= 0 or not words:
            return whole
        # Words joined by a hyphen ("sterol-sensing", "long-term") are words a
        # user could as well have typed apart: their parts count in full.
        share = 1.0 if all(t.isalpha() and len(t) >= 4 for t in texts) else self.compound_parts
        parts = self.group.qclass([termclass(fieldname, t) for t in words], boost=boost * share)
        return query.Or([whole, parts])

    def parse(self, text, normalize=True, debug=False):
        q = every_narrowed(super().parse(text, normalize=False, debug=debug))
        q = exclusions_exclude(q.normalize() if normalize else q)
        if self.expand_gene is not None and "genes" in self.fieldnames:
            q = q.accept(self._expand)
        return q

    def _expand(self, node: query.Query) -> query.Query:
        if not (isinstance(node, query.Term) and node.fieldname == "genes" and isinstance(node.text, str)):
            return node
        keys = [k for k in self.expand_gene(node.text) if k != node.text]
        if not keys:
            return node
        genes = query.DisjunctionMax([query.Term("genes", k, boost=node.boost * self.gene_boost) for k in keys])
        return query.Or([node, genes])


def build_parser(schema: Schema, config: IndexConfig,
                 expand_gene: Callable[[str], Sequence[str]] | None = None) -> qparser.QueryParser:
    fields = [name for name in config.fields if name in schema]
    group = qparser.AndGroup
    if config.search.default_operator == "or":
        group = _coord_group(config.search.coordination, config.search.coordination_weight == "idf",
                             config.search.mention)
    parser = GeneAwareParser(fields, schema, fieldboosts=config.boosts(), group=group, expand_gene=expand_gene,
                             gene_boost=config.search.gene_alias_boost, compound_parts=config.search.compound_parts)
    for plugin in (qparser.FieldsPlugin, qparser.OperatorsPlugin):
        parser.remove_plugin_class(plugin)
    parser.add_plugin(StrictFieldsPlugin(user_fields(schema)))
    parser.add_plugin(OperatorsPlugin())
    parser.add_plugin(RelationsPlugin())
    parser.add_plugin(PatternsPlugin())
    parser.add_plugin(ArticlePlugin())
    parser.add_plugin(IonPlugin())
    parser.add_plugin(LetterSuffixPlugin())
    parser.add_plugin(JoinedWordsPlugin())
    if config.search.compound_parts > 0:  # 0: a compound is its phrase only
        parser.add_plugin(WordPartsPlugin())
    return parser


def has_numbered_forms(typed: str, term: str) -> bool:
    """Whether a word typed as `typed`, analysed as `term`, also seeks its
    numbered forms (mTOR: mTORC1): written as a symbol, and as typed, not a
    stem ("SARS" stems as "sar", whose forms are SAR1)."""
    return bool(WRITTEN_AS_SYMBOL.search(typed)) and term == typed.lower() and bool(_SYMBOL_STEM.fullmatch(term))


def user_fields(schema: Schema) -> frozenset[str]:
    """The fields a query may name: all but internal and spelling fields."""
    return frozenset(name for name in schema.names()
                     if name not in INTERNAL_FIELDS and not isinstance(schema[name], SpellField))


def parse_query(parser: qparser.QueryParser, text: str, searcher: Searcher | None = None) -> query.Query:
    """`text` parsed, or one `QuerySyntaxError`.  With the index's `searcher`,
    a query whose patterns stand for too many indexed words is refused too,
    and words typed apart that figures write as one are joined."""
    if not string(text, "a query") or not text.strip():
        raise QuerySyntaxError("empty query: give words, gene symbols or field:value terms")
    _check_size(text)
    mended = mended_query(text)
    _check_nesting(mended)
    parser.searcher = searcher
    try:
        q = parser.parse(mended)
    finally:
        parser.searcher = None
    for node in walk(q):
        error = getattr(node, "error", None)
        if error:
            raise QuerySyntaxError(f"cannot understand query {quoted(text)}: {one_line(str(error))}")
        if _leading_wildcard(node):
            raise QuerySyntaxError("a word cannot start with a wildcard (* or ?): begin it with a letter or "
                                   "digit (*:* matches every figure)")
    if searcher is not None:
        _check_expansions(searcher.reader(), q)
    return q


def _leading_wildcard(node: query.Query) -> bool:
    """``*ase`` (also as analysis leaves it: ``x-*ase`` gives ``*ase``) scans
    every indexed word of every field, a cost no cap bounds; Lucene refuses
    it too."""
    if isinstance(node, query.Every):
        return bool(node.fieldname)
    if isinstance(node, query.Wildcard):
        return node.text[:1] in query.Wildcard.SPECIAL_CHARS
    return isinstance(node, query.Prefix) and not node.text


def _check_expansions(reader: IndexReader, q: query.Query) -> None:
    # Each pattern is expanded lazily and no further than what is left of
    # the budget, so the check itself costs at most MAX_PATTERN_TERMS reads.
    left = MAX_PATTERN_TERMS
    for leaf in q.leaves():
        if isinstance(leaf, NumberedForms):  # not typed as a pattern, and capped where it expands
            continue
        if isinstance(leaf, query.MultiTerm):
            words = expanded_terms(leaf, reader)
        elif isinstance(leaf, query.Every) and leaf.fieldname:
            words = reader.lexicon(leaf.fieldname)
        else:
            continue
        left -= sum(1 for _ in itertools.islice(words, left + 1))
        if left < 0:
            raise QuerySyntaxError(f"the query's wildcards and ranges stand for more than {MAX_PATTERN_TERMS:,} "
                                   f"indexed words; narrow them (*:* matches every figure)")


def quoted(text: str, chars: int = 80) -> str:
    """`text` quoted for a one-line message, cut if long."""
    return repr(text if len(text) <= chars else text[:chars] + "…")


def one_line(message: str) -> str:
    # Whoosh's messages quote the query raw: escape its line breaks.
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in message)


def _check_size(text: str) -> None:
    # Terms first, counted no further than the cap: it is the limit a long
    # OR query meets, and it is met without scanning a huge string.
    terms = (m for m in _TERM.finditer(text) if m.group() not in OPERATOR_WORDS)
    if next(itertools.islice(terms, MAX_QUERY_TERMS, None), None) is not None:
        raise QuerySyntaxError(f"query has more than {MAX_QUERY_TERMS} terms; at most {MAX_QUERY_TERMS} are "
                               f"allowed (for a gene list, use gene search)")
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"query is {len(text):,} characters long; at most {MAX_QUERY_CHARS:,} are allowed")


def _check_nesting(text: str) -> None:
    depth = deepest = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        deepest = max(deepest, depth)
    if deepest > MAX_NESTING:
        raise QuerySyntaxError(f"query nests parentheses {deepest} deep; at most {MAX_NESTING} are allowed")


def walk(q: query.Query):
    """`q` and every node below it, depth first."""
    yield q
    if q.is_leaf():
        return
    for child in q.children():
        yield from walk(child)


def _folds_spelling(field) -> bool:
    """Whether `field`'s analyzer folds British spellings (text fields; not genes, organisms, journals)."""
    return any(isinstance(item, SpellingFilter) for item in getattr(field.analyzer, "items", ()))
