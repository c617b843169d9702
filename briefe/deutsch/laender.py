"""Foreign addresses, table-driven: each country's order of town and postcode, house number
position, postcode form and check, and the country line in German capitals.

One row per country; ``ort_zeilen`` builds the town line(s), ``strassenzeile`` the street.
The town is written in capitals (DIN 5008 for mail abroad); a country-code prefix before
the postcode (``CH-3011``, ``D-58089``) is dropped, except where the country's own standard
writes it (Luxembourg: ``L-1234``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefe.quellen.mitglieder import ist_inland, schluessel


@dataclass(frozen=True)
class Land:
    zeile: str  # country line in German capitals
    namen: tuple[str, ...]  # loose keys (mitglieder.schluessel) that mean this country
    plz_muster: str = r".+"  # a valid postcode after normalising
    plz_beispiel: str = ""
    folge: str = "plz ort"  # "plz ort", "ort / plz" (own lines), "ort staat plz"
    nummer_vorn: bool = False  # house number before the street
    praefix: str = ""  # postcode prefix the country's standard keeps
    plz_form: str = ""  # "nl": 1012AB -> 1012 AB; "3+2": 11455 -> 114 55; "gross"


LAENDER_TABELLE: tuple[Land, ...] = (
    Land("NIEDERLANDE", ("niederlande", "netherlands", "thenetherlands", "nederland", "holland",
                         "nl", "nld"), r"\d{4} [A-Z]{2}", "1012 AB", plz_form="nl"),
    Land("BELGIEN", ("belgien", "belgium", "belgique", "belgie", "be", "bel"), r"\d{4}", "1000"),
    Land("LUXEMBURG", ("luxemburg", "luxembourg", "lu", "lux"), r"L-\d{4}", "L-1234",
         nummer_vorn=True, praefix="L-"),
    Land("FRANKREICH", ("frankreich", "france", "fr", "fra"), r"\d{5}", "75001",
         nummer_vorn=True),
    Land("SCHWEIZ", ("schweiz", "switzerland", "suisse", "svizzera", "ch", "che"), r"\d{4}",
         "3011"),
    Land("ÖSTERREICH", ("oesterreich", "osterreich", "austria", "at", "aut"), r"\d{4}", "1010"),
    Land("TSCHECHIEN", ("tschechien", "czechia", "czechrepublic", "cz", "cze"), r"\d{3} \d{2}",
         "110 00", plz_form="3+2"),
    Land("POLEN", ("polen", "poland", "polska", "pl", "pol"), r"\d{2}-\d{3}", "00-950",
         plz_form="2-3"),
    Land("DÄNEMARK", ("daenemark", "danemark", "denmark", "danmark", "dk", "dnk"), r"\d{4}",
         "1050"),
    Land("VEREINIGTES KÖNIGREICH", ("vereinigteskoenigreich", "unitedkingdom", "uk", "gb", "gbr",
                                    "grossbritannien", "england", "schottland", "wales",
                                    "nordirland"),
         r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}", "SW1A 1AA", folge="ort / plz", nummer_vorn=True,
         plz_form="uk"),
    Land("USA", ("usa", "us", "vereinigtestaaten", "vereinigtestaatenvonamerika", "unitedstates",
                 "unitedstatesofamerica"), r"\d{5}(?:-\d{4})?", "20500",
         folge="ort staat plz", nummer_vorn=True),
    Land("ITALIEN", ("italien", "italy", "italia", "it", "ita"), r"\d{5}", "00184"),
    Land("SPANIEN", ("spanien", "spain", "espana", "es", "esp"), r"\d{5}", "28001"),
    Land("PORTUGAL", ("portugal", "pt", "prt"), r"\d{4}-\d{3}", "1000-001"),
    Land("SCHWEDEN", ("schweden", "sweden", "sverige", "se", "swe"), r"\d{3} \d{2}", "114 55",
         plz_form="3+2"),
    Land("TÜRKEI", ("tuerkei", "turkei", "turkey", "turkiye", "tr", "tur")),
    Land("GRIECHENLAND", ("griechenland", "greece", "gr", "grc")),
    Land("NORWEGEN", ("norwegen", "norway", "norge", "no", "nor")),
    Land("FINNLAND", ("finnland", "finland", "suomi", "fi", "fin")),
    Land("IRLAND", ("irland", "ireland", "ie", "irl")),
    Land("UNGARN", ("ungarn", "hungary", "hu", "hun")),
)
LAENDER: dict[str, Land] = {name: land for land in LAENDER_TABELLE for name in land.namen}
# Country-code prefixes offices write before postcodes: "CH-3011", "D-58089", "NL-1012 AB".
_PRAEFIX = re.compile(r"^(?:[A-Z]{1,3})\s?-\s?(?=\d)")


def land(text: str) -> Land | None:
    """The table row of a country; a plain row for unknown countries; None for Germany."""
    if ist_inland(text):
        return None
    return LAENDER.get(schluessel(text)) or Land(" ".join(text.split()).upper(), ())


def ohne_praefix(plz: str) -> str:
    """``CH-3011`` -> ``3011``; ``D-58089`` -> ``58089``."""
    return _PRAEFIX.sub("", " ".join(plz.split()).upper())


def plz_normal(eintrag: Land | None, plz: str) -> str:
    """The postcode as the country writes it."""
    plz = ohne_praefix(plz)
    if eintrag is None:
        return plz
    kompakt = plz.replace(" ", "")
    if eintrag.plz_form == "nl" and re.fullmatch(r"\d{4}[A-Z]{2}", kompakt):
        plz = f"{kompakt[:4]} {kompakt[4:]}"
    elif eintrag.plz_form == "3+2" and re.fullmatch(r"\d{5}", kompakt):
        plz = f"{kompakt[:3]} {kompakt[3:]}"
    elif eintrag.plz_form == "2-3" and re.fullmatch(r"\d{5}", kompakt):
        plz = f"{kompakt[:2]}-{kompakt[2:]}"
    elif eintrag.plz_form == "uk" and re.fullmatch(r"[A-Z0-9]{5,7}", kompakt):
        plz = f"{kompakt[:-3]} {kompakt[-3:]}"
    if eintrag.praefix and not plz.startswith(eintrag.praefix):
        plz = eintrag.praefix + plz
    return plz


def plz_gueltig(eintrag: Land, plz: str) -> bool:
    return re.fullmatch(eintrag.plz_muster, plz_normal(eintrag, plz)) is not None


def ort_zeilen(eintrag: Land, plz: str, ort: str, staat: str = "") -> list[str]:
    """The town line(s) in the country's order, town in capitals."""
    plz, ort = plz_normal(eintrag, plz), ort.upper()
    if eintrag.folge == "ort / plz":
        return [z for z in (ort, plz) if z]
    if eintrag.folge == "ort staat plz":
        ort_teil, _, staat_im_ort = ort.rpartition(" ") if not staat else (ort, "", "")
        if not staat and re.fullmatch(r"[A-Z]{2}", staat_im_ort):
            ort, staat = ort_teil.rstrip(","), staat_im_ort
        return [" ".join(t for t in (ort, staat.upper(), plz) if t)]
    return [f"{plz} {ort}".strip()]


_NUMMER_HINTEN = re.compile(r"^(?P<strasse>.*\D)\s+(?P<nummer>\d+\s?[A-Za-z]?)$")


def strassenzeile(eintrag: Land | None, strasse: str, hausnummer: str) -> str:
    """Street and house number in the country's order."""
    if eintrag is None or not eintrag.nummer_vorn:
        return " ".join(t for t in (strasse, hausnummer) if t)
    if not hausnummer:
        treffer = _NUMMER_HINTEN.match(strasse)
        if not treffer:
            return strasse
        strasse, hausnummer = treffer.group("strasse").rstrip(","), treffer.group("nummer")
    trenner = ", " if eintrag.zeile == "LUXEMBURG" else " "
    return f"{hausnummer}{trenner}{strasse}" if strasse else hausnummer
