"""British and American spellings of a word as one form.

PubMed Central's papers are written on both sides of the Atlantic: a caption
says "tumour", "haematopoietic", "oestrogen", "characterised" or "centre"
where a query says "tumor", "hematopoietic", "estrogen", "characterized" or
"center".  Neither stemming nor spelling correction meets them (Porter keeps
"tumour" and "tumor" apart, and a correctly spelt word is not corrected), so
`fold_spelling` writes each word one way, at index and query time alike.

Only fragments that mark a British spelling are rewritten, never a rule
general enough to reach other words: "oe" alone would have made "shoe" and
"coefficient" into something else.  The -ise/-ize verbs take the American
form; the -yse verbs keep the British one (analyse, hydrolyse, catalyse),
which their nouns share: "analyzed" then stems as "analysis" does.
"""

from __future__ import annotations

import re

#: Fragments only a British spelling holds, anywhere in a word.
_FRAGMENTS = {
    "haem": "hem", "aemi": "emi", "paed": "ped", "oestr": "estr", "oesoph": "esoph", "oedem": "edem",
    "foet": "fet", "coeli": "celi", "rrhoe": "rrhe", "pnoe": "pne", "gynaec": "gynec", "aetiol": "etiol",
    "anaesth": "anesth", "faec": "fec", "caec": "cec", "palaeo": "paleo", "sulph": "sulf", "amoeb": "ameb",
    "aluminium": "aluminum", "defence": "defense", "offence": "offense", "licence": "license",
    "ageing": "aging", "judgement": "judgment", "mould": "mold", "grey": "gray",
    # -our nouns, named one by one: "four", "hour", "pour" and "contour" are no such thing.
    **{f"{stem}our": f"{stem}or" for stem in (
        "tum", "col", "behavi", "fav", "flav", "lab", "hum", "od", "vap", "rum", "neighb", "hon", "harb",
        "vig", "rig", "arm", "endeav", "sav", "cand", "ferv", "splend", "val", "clam", "ard", "parl")},
}
_FRAGMENT = re.compile("|".join(sorted(map(re.escape, _FRAGMENTS), key=len, reverse=True)))

# -ise/-isation after a consonant, with three letters or more before it:
# "raise", "noise" and "rise" are no verbs in -ize.
_ISE = re.compile(r"(?P<stem>[a-z]{2,}[b-df-hj-np-tv-z])is(?P<end>e|es|ed|ing|er|ers|ation|ations|ational)")
#: Words in -ise that are spelled so in American English too.
_ISE_WORDS = frozenset({
    "promis", "premis", "compromis", "demis", "surmis", "precis", "concis", "excis", "incis", "exercis",
    "circumcis", "franchis", "merchandis", "paradis", "treatis", "expertis", "chastis", "mortis", "valis",
    "ceris", "chemis", "sunris"})
#: Endings of other words in -ise American English shares (advise, comprise).
_ISE_ENDINGS = ("vis", "pris", "wis")

# The American -yze verbs as the British -yse, which their nouns share
# (analysis, hydrolysis); "analyses" is also analysis' plural, and stays.
_YZE = re.compile(r"(?P<stem>[a-z]{3,})yz(?P<end>e|es|ed|ing|er|ers)")
# -tre nouns (centre, fibre, micrometre) and -logue ones (analogue, homologue).
_TRE = re.compile(r"(?P<stem>[a-z]*(?:cent|fib|lit|met|theat|calib|spect|lust|somb|meag))re(?P<end>s|d)?")
_LOGUE = re.compile(r"(?P<stem>[a-z]*log)ue(?P<end>s)?")
# A final l doubled before an ending (signalling, labelled, remodelling), of
# the verbs that double it, named one by one: "spelling" and "killing" are
# spelt so in American English too.
_LL_STEM = r"(?P<stem>[a-z]*(?:signa|labe|mode|trave|cance|channe|tunne|leve|fue|tota|counse|equa|pane))"
_LL = re.compile(_LL_STEM + r"ll(?P<end>ing|ed|er|ers)")
# Its start, the ending cut short or missing ("signall*", "labelli*").
_LL_START = re.compile(_LL_STEM + r"ll(?P<end>[a-z]{0,2})")
# "haem" alone is "heme" ("haemoglobin" is "hemoglobin").
_WHOLE = {"programme": "program", "programmes": "programs", "haem": "heme"}


def _fragments_folded(text: str) -> str:
    return _FRAGMENT.sub(lambda m: _FRAGMENTS[m.group()], text)


def fold_spelling(word: str) -> str:
    """`word` (lower case) in the one spelling the index keeps: American, but
    -yse for the -yse/-yze verbs."""
    if word in _WHOLE:
        return _WHOLE[word]
    word = _fragments_folded(word)
    if m := _ISE.fullmatch(word):
        base = m["stem"] + "is"
        if base not in _ISE_WORDS and not base.endswith(_ISE_ENDINGS):
            return f"{m['stem']}iz{m['end']}"
    elif m := _YZE.fullmatch(word):
        return f"{m['stem']}ys{m['end']}"
    elif m := _TRE.fullmatch(word):
        return f"{m['stem']}er{'ed' if m['end'] == 'd' else m['end'] or ''}"
    elif m := _LOGUE.fullmatch(word):
        return f"{m['stem']}{m['end'] or ''}"
    elif m := _LL.fullmatch(word):
        return f"{m['stem']}l{m['end']}"
    return word


# An -yze verb's start, its ending cut short or missing ("analyz*", "catalyzi*").
_YZ_START = re.compile(r"(?P<stem>[a-z]{3,})yz(?P<end>[a-z]{0,3})")
_YZE_ENDINGS = ("e", "es", "ed", "ing", "er", "ers")


def fold_prefix(prefix: str) -> str:
    """`prefix` (lower case), the start of the words a pattern seeks, spelt as
    `fold_spelling` spells those words.  Folded as a word, a prefix had missed
    them: "haem*" was "heme*" (the whole word "haem"), not the "hem" of
    haemoglobin; "leukaem*" kept the "aem" of "aemi"; and "analyz*",
    "catalyz*" found nothing once every -yze verb was indexed as -yse."""
    if prefix not in _WHOLE and (folded := fold_spelling(prefix)) != prefix:
        return folded
    folded = _fragments_folded(prefix)
    if folded.endswith("aem"):  # "aemi" cut short: leukaem*, anaem*, ischaem*
        folded = folded[:-3] + "em"
    if (m := _YZ_START.fullmatch(folded)) and any(end.startswith(m["end"]) for end in _YZE_ENDINGS):
        folded = f"{m['stem']}ys{m['end']}"
    elif (m := _LL_START.fullmatch(folded)) and any(end.startswith(m["end"]) for end in ("ing", "ed", "er")):
        folded = f"{m['stem']}l{m['end']}"
    return folded
