"""How words are stemmed: Porter's stemmer, told biology's exceptions.

Porter's stemmer joins words biology keeps apart and keeps apart forms it
joins.  `porter_with_exceptions` gives the words Porter gets wrong their own
stems first: "organism", "organization" and "organic" had all been "organ";
"positive" had been "position", "generation" "general", "experiment"
"experience" (and not "experimental"); the Latin plurals ("loci", "foci",
"nuclei", "matrices") had missed their singulars.  `BioStemFilter` then
merges the forms Porter leaves apart (apoptosis/apoptotic).
"""

from __future__ import annotations

import re
from whoosh.analysis import Filter, StemFilter
from whoosh.lang.porter import stem as porter_stem


def _forms(stem: str, *words: str) -> dict[str, str]:
    return dict.fromkeys(words, stem)


#: Words and the stem each takes instead of Porter's.  (British spellings are
#: folded before stemming: "organisation" arrives as "organization".)
EXCEPTIONS: dict[str, str] = {
    **_forms("organism", "organism", "organisms", "organismal"),
    **_forms("organiz", "organization", "organizations", "organizational", "organizationally", "organize",
             "organized", "organizes", "organizing", "organizer", "organizers"),
    **_forms("organic", "organic", "organically"),
    **_forms("positiv", "positive", "positives", "positively", "positivity"),
    **_forms("generat", "generate", "generated", "generates", "generating", "generation", "generations",
             "generational", "generative", "generator", "generators"),
    **_forms("generic", "generic", "generics"),
    # Every form the stem names: Porter's own stem of "experimented" and "experimenting" is
    # "experience"'s, and an exception for some forms alone had split them from the rest.
    **_forms("experiment", "experiment", "experiments", "experimental", "experimentally", "experimentation",
             "experimented", "experimenting", "experimenter", "experimenters"),
    **_forms("animal", "animal", "animals"),
    **_forms("locu", "loci"), **_forms("focu", "foci"), **_forms("nucleu", "nuclei"),
    **_forms("stimulu", "stimuli"), **_forms("fungu", "fungi"), **_forms("bacillu", "bacilli"),
    **_forms("matrix", "matrices"), **_forms("index", "indices"), **_forms("vertex", "vertices"),
    **_forms("cortex", "cortices"), **_forms("apex", "apices"), **_forms("appendix", "appendices"),
    # A Latin or Greek noun, its plural and its adjective, which Porter leaves
    # apart ("bacterium" had found none of the figures about bacteria, nor
    # "endothelium" the endothelial cells).  Each stem is the one the forms
    # Porter does join already take (bacteria, bacterial: bacter).
    **_forms("bacter", "bacterium"), **_forms("mitochondr", "mitochondrion"),
    **_forms("epithel", "epithelium"), **_forms("endothel", "endothelium"), **_forms("mesothel", "mesothelium"),
    **_forms("myocard", "myocardium", "myocardial"), **_forms("pericard", "pericardium"),
    **_forms("endometr", "endometrium"), **_forms("cerebell", "cerebellum", "cerebellar"),
    **_forms("rhizob", "rhizobium"), **_forms("plasmod", "plasmodium"),
    **_forms("mycel", "mycelium", "mycelia", "mycelial"), **_forms("flagell", "flagellum", "flagella", "flagellar"),
    **_forms("cili", "cilium", "cilia", "ciliary"), **_forms("stomat", "stoma", "stomata"),
    **_forms("criter", "criterion"), **_forms("ganglion", "ganglia"), **_forms("phenomen", "phenomenon", "phenomena"),
    **_forms("spectr", "spectrum", "spectra", "spectral"),
    **_forms("larva", "larval"), **_forms("pupa", "pupal"), **_forms("hypha", "hyphae", "hyphal"),
    **_forms("alga", "algal"), **_forms("fungu", "fungal"), **_forms("fetu", "fetal"), **_forms("viru", "viral"),
    **_forms("hippocamp", "hippocampus", "hippocampi"), **_forms("hypothalam", "hypothalamus"),
    **_forms("thalam", "thalamus"), **_forms("alveol", "alveolus", "alveolar"),
    **_forms("glomerul", "glomerulus", "glomerular"), **_forms("bronch", "bronchus", "bronchial"),
    **_forms("nucleol", "nucleolus", "nucleolar"), **_forms("vesicl", "vesicular"),
    **_forms("follicl", "follicular"), **_forms("tubul", "tubular"), **_forms("muscl", "muscular"),
    # Names ending in s that are no plurals: Porter had made Ras "ra" (retinoic acid's RA), NOS
    # "no" (nitric oxide, and the English word), Cas "ca" (calcium), ROS "ro", eNOS "eno" (enolase).
    **{name: name for name in ("ras", "nos", "fas", "fos", "cas", "ros", "sos", "gas", "enos", "inos", "nnos")},
    # Porter stems "flies" "fli" and "fly" "fly" (no vowel before the y): fruit flies are one.
    **_forms("fli", "fly", "flies"),
    # Amino acids' three-letter codes, which Porter cut into other names: Ile
    # (isoleucine) had been "il", which every IL-6 and IL-1β holds as a part.
    **{code: code for code in ("ile", "lys", "cys", "his")},
}


def porter_with_exceptions(word: str) -> str:
    """Porter's stem of `word`, or its own stem if Porter gets it wrong (`EXCEPTIONS`)."""
    found = EXCEPTIONS.get(word)
    if found:
        return found
    stem = porter_stem(word)
    # Porter's rule that Whoosh's port lacks: a consonant doubled before -ed or -ing is one
    # ("mapped", "shedding", "programmed": map, shed, program), as the base word and the
    # other spelling ("programed") are stemmed.  Never down to two letters: "added" is not AD.
    if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in _KEPT_DOUBLE and word.endswith(("ed", "ing")):
        return stem[:-1]
    return stem


#: Letters Porter keeps doubled ("falling", "hissing", "fizzed"), and vowels ("agreed").
_KEPT_DOUBLE = frozenset("lszaeiouy")


def stem_filters() -> list[Filter]:
    """The stemming steps of the stemmed text analyzer."""
    return [StemFilter(stemfn=porter_with_exceptions), BioStemFilter()]


class BioStemFilter(Filter):
    """Joins word forms Porter keeps apart in biology: apoptosis/apoptotic
    (apoptosi/apoptot -> apoptos), necrosis/necrotic, autophagy/autophagic
    (autophagi/autophag -> autophag), inflammatory/inflammation (inflamm),
    the -ia noun and its -ic adjective (hypoxia/hypoxic, ischemia/ischemic,
    bacteria/bacterial: Porter strips -ic, never -ia),
    -lysis/-lytic (glycolysis/glycolytic), -stasis/-static and
    -genesis/-genic (angiogenesis/angiogenic).  Runs after stemming, on
    index and query alike, so it can only merge forms, never lose one.
    Like Porter's, it is a morphological filter: spelling suggestions, which
    want the words as written ("tricarboxylic"), skip it."""

    is_morph = True

    def __call__(self, tokens):
        for t in tokens:
            t.text = _bio_stem(t.text)
            yield t


# Endings a -sis noun and its -tic adjective stem to, once -ic, -ia or -i
# is dropped (apoptot/apoptos, glycolyt/glycolys, homeostat/homeostas), and
# -genesis as its -genic adjective (angiogenes/angiogen).
_SIS_FORMS = (("ot", "os"), ("yt", "ys"), ("stat", "stas"), ("genes", "gen"))
#: What Porter leaves of -ated/-ation after a modification's group (phosphoryl, ubiquitin).
_MODIFIED = re.compile(r"(?:(?<=yl)|(?<=itin))(?:ation|ate|at)$")
_TIC_OF_SIS = ("ot", "yt", "stat", "gen")


def _bio_stem(text: str) -> str:
    if text.endswith("us") and len(text) >= 4:
        # Porter stems a -us noun without its s (virus: viru, status: statu)
        # and its -uses plural with it (viruses: virus): "virus" had not found
        # the figures about viruses.
        text = text[:-1]
    if len(text) <= 5 or text[-1].isdigit():
        return text
    if _MODIFIED.search(text):
        # A modification's participle as its noun: Porter stems "phosphorylated"
        # "phosphorylat" but "phosphorylation" "phosphoryl" (acetylated, methylated,
        # ubiquitinated likewise), and "acetylated" had found none of 11 "acetylation" figures.
        return _MODIFIED.sub("", text)
    if text.endswith("tori"):
        # costimulatory/costimulation, inflammatory/inflammation:
        # the -ory adjective stems as its verb does.
        return porter_stem(text[:-3] + "e")
    if text.endswith("ia") and len(text) >= 6:
        # Porter never strips -ia: the noun stems as its -ic adjective does
        # (hypoxia as hypoxic, ischemia as ischemic, bacteria as bacterial).
        text = porter_stem(text[:-2] + "ic")
    if text.endswith("ic"):
        # Only the -tic of a -sis noun: "static" had stemmed as STAT, "classic"
        # as "class", and NFKBIA had met NFKB.
        bare = text[:-2]
        if any(bare.endswith(ending) and len(bare) > len(ending) + 3 for ending in _TIC_OF_SIS):
            text = bare
    elif text.endswith("i"):
        text = text[:-1]
    for ending, noun in _SIS_FORMS:
        if text.endswith(ending) and len(text) > len(ending) + 3:
            return text[:-len(ending)] + noun
    return text
