"""Ions as figures write them, with their charge: one word, where "K+" had searched every "K"
(hnRNP K).

`ION` is the tokenizer's expression for one (``K+``, ``Ca2+``, ``Ca++``, ``Ca²⁺``, ``Cl−``, and
MEDLINE's ``Ca(2+)``); `IonFilter` indexes it as its bare symbol and its charged form."""

from __future__ import annotations

from whoosh.analysis import Filter

# Element symbols as written, so CD4+ or PERK+ stay words.
CATIONS = "NH4|Li|Na|Rb|Cs|Mg|Ca|Sr|Ba|Mn|Fe|Co|Ni|Cu|Zn|Cd|Hg|Pb|Al|Cr|Ag|H|K"
CHARGE = "+\u207a"
# A charge ends the ion, with a space after it or not (Na+K+-ATPase, Ca2+signaling).  (The
# look-ahead first: most words fail it at once, and tokenizing took twice as long without it.)
# MEDLINE writes the charge in parentheses, "Ca(2+)", "Na(+)", "Cl(-)": the same ion.
CATION_CHARGE_IN_PARENTHESES = r"\([1-4]?\+\)"
CATION = (rf"(?=[A-Z][A-Za-z]?[0-9\u00b2\u00b3]?(?:[{CHARGE}]|{CATION_CHARGE_IN_PARENTHESES}))(?<!\w)(?:{CATIONS})"
          rf"(?:[1-4\u00b2\u00b3]?[{CHARGE}]{{1,2}}|{CATION_CHARGE_IN_PARENTHESES})")
# Anions (Cl−, HCO3−, SO4²⁻; captions write U+2212): a minus sign is a charge
# wherever it stands ("Cl−channel"), a hyphen or en dash only at a word's end
# (Cl- channel, Cl-/HCO3-), so "Cl-dependent" stays a word; I and F ("type I-
# and II-", "F- and G-actin") take a minus sign alone.
ANIONS = r"Cl|Br|OH|CN|SCN|HS|NO[23₂₃]|HCO[3₃]|CO[3₃]|HSO[4₄]|SO[34₃₄]|H[2₂]?PO[4₄]|PO[4₄]|O[2₂]"
MINUS = "\u2212\u207b"
ANION_IN_PARENTHESES = rf"(?:{ANIONS})[1-3]?\([{MINUS}\-\u2013]\)"
ANION = (rf"(?=[A-Z][A-Za-z0-9\u00b2\u00b3\u2082-\u2084]{{0,4}}\(?[{MINUS}\-\u2013])(?<!\w)"
         rf"(?:(?:{ANIONS}|I|F)[1-3\u00b2\u00b3]?[{MINUS}]{{1,2}}"
         rf"|(?:{ANIONS})[1-3\u00b2\u00b3]?[\-\u2013](?![\w\-\u2013])|{ANION_IN_PARENTHESES})")
ION = rf"{CATION}|{ANION}"
#: MEDLINE's ions, charge in parentheses ("Ca(2+)", "Cl(-)"): a query parser must keep them whole.
ION_IN_PARENTHESES = rf"(?<!\w)(?:(?:{CATIONS}){CATION_CHARGE_IN_PARENTHESES}|{ANION_IN_PARENTHESES})"
CHARGES = CHARGE + MINUS + "-\u2013"  # what ends an ion


class IonFilter(Filter):
    """An ion with its charge (the tokenizer keeps a charge on nothing else): indexed as the bare
    symbol and the charged form at one position, so "Ca2" still finds "Ca2+"; a query's is the charged
    form alone, so "K+" is not every K.  A minus (Cl-, Cl⁻) is U+2212: a hyphen splits compounds."""

    is_morph = False

    def __call__(self, tokens):
        for t in tokens:
            if t.text[-1:] == ")":  # Ca(2+): Ca2+
                t.text = t.text[:-1].replace("(", "")
            if t.text[-1:] in CHARGES:
                charged, bare = t.text, t.text.rstrip(CHARGES)
                sign, n = "+" if charged[-1] in CHARGE else "\u2212", len(charged) - len(bare)
                charged = f"{bare}{n}{sign}" if n > 1 and not bare[-1].isdigit() else bare + sign * n  # Ca++: Ca2+
                if t.mode == "index":
                    t.text = bare
                    pos = getattr(t, "pos", None)
                    yield t
                    # The same token comes back charged: a later filter's position shift must not count twice.
                    if pos is not None:
                        t.pos = pos
                t.text = charged
            yield t
