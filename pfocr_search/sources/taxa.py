"""Which kinds of organism a figure is of: plant, fungus, yeast, bacterium.

A query names its organisms by kind ("plant MAPK cascade", "fungal
virulence", "Ras/cAMP/PKA signaling in pathogenic yeasts") where a figure's
text often names only its species or none at all: a figure of Arabidopsis
stomatal development never says "plant".  Its words for its kinds are the
`taxa` field, searched like text at a low boost.

A record's `organisms` are those its paper's text names, in no order that
says which is the figure's (a human autophagy figure lists yeast first), so
only its genes' organisms count: what the figure draws.  A kind holding
`GENE_SHARE` of them is the figure's.  A genus list, not a taxonomy: the
genera PFOCR figures name most, which a kind's figures almost always include.
"""

from __future__ import annotations

from typing import Iterable

_PLANTS = """
arabidopsis oryza zea nicotiana solanum glycine triticum hordeum medicago populus vitis malus gossypium brassica
cucumis physcomitrella physcomitrium marchantia sorghum setaria brachypodium lotus pisum phaseolus vicia
helianthus capsicum citrus prunus pyrus fragaria manihot camellia theobroma coffea musa ananas allium daucus
spinacia lactuca chlamydomonas selaginella picea pinus eucalyptus panicum saccharum avena secale cajanus arachis
cicer lens trifolium ipomoea petunia antirrhinum nelumbo salvia panax scutellaria ginkgo cannabis catharanthus
papaver artemisia glycyrrhiza camelina linum sesamum beta embryophyta magnoliopsida tracheophyta viridiplantae
""".split()
_YEASTS = """
saccharomyces schizosaccharomyces candida cryptococcus yarrowia komagataella pichia kluyveromyces nakaseomyces
zygosaccharomyces
""".split()
_FUNGI = _YEASTS + """
aspergillus neurospora magnaporthe pyricularia fusarium botrytis ustilago penicillium trichoderma rhizopus mucor
alternaria colletotrichum zymoseptoria histoplasma coccidioides pneumocystis blastomyces talaromyces trichophyton
laccaria tuber glomus rhizophagus gigaspora serendipita hebeloma schizophyllum aureobasidium diaporthe fuscoporia
diversispora beauveria metarhizium cordyceps podospora coprinopsis agaricus ganoderma fungi
""".split()
_BACTERIA = """
escherichia pseudomonas bacillus staphylococcus streptococcus mycobacterium salmonella vibrio listeria klebsiella
helicobacter clostridium clostridioides legionella shigella yersinia enterococcus acinetobacter streptomyces
corynebacterium chlamydia porphyromonas synechococcus synechocystis prochlorococcus caulobacter agrobacterium
rhizobium sinorhizobium bradyrhizobium burkholderia neisseria haemophilus bordetella francisella brucella
campylobacter lactobacillus lactococcus bifidobacterium bacteroides myxococcus thermus deinococcus xanthomonas
ralstonia erwinia serratia proteus enterobacter citrobacter treponema borrelia rickettsia coxiella bacteria
""".split()

#: Each kind's word (as the stemmed analyzer reads queries: "fungal" and
#: "fungi" are "fungus", "bacterial" "bacterium") and its genera.
KINDS: dict[str, frozenset[str]] = {
    "plant": frozenset(_PLANTS),
    "fungus": frozenset(_FUNGI),
    "yeast": frozenset(_YEASTS),
    "bacterium": frozenset(_BACTERIA),
}
#: The share of a figure's genes (of those with an organism) a kind must hold.
GENE_SHARE = 0.3


def kinds_of(organism: str) -> list[str]:
    """The kinds `organism` (a species, strain or taxon as PFOCR names it) is of:
    a genus in brackets too ("[Candida] auris"), a virus of its host none
    ("Escherichia virus Lambda", "Bacillus phage phi29")."""
    words = organism.lower().replace("[", "").replace("]", "").split()
    if not words or any(w in ("virus", "phage") for w in words[1:]):
        return []
    return [kind for kind, genera in KINDS.items() if words[0] in genera]


def figure_taxa(gene_organisms: Iterable[str | None]) -> str:
    """The words for the kinds of organism a figure is of, space-separated, by
    its genes' organisms (one a gene; None or '' for a gene without one)."""
    organisms = [o for o in gene_organisms if o]
    counts: dict[str, int] = {}
    for organism in organisms:
        for kind in kinds_of(organism):
            counts[kind] = counts.get(kind, 0) + 1
    return " ".join(k for k, n in counts.items() if n >= GENE_SHARE * len(organisms))
