"""Persons of an address: gender words, academic degrees, nobility, couples and families.

Conventions (DIN 5008 and the usual etiquette guides):

* Dr. (any field: ``Dr. med.``, ``Dr.-Ing.``) and Prof. stand before the name in the
  address; the salutation keeps ``Prof.`` and ``Dr.`` without the field.
* Diplom and Magister degrees (``Dipl.-Ing.``, ``Mag.``) stand before the name in the
  address and never in the salutation.
* Bachelor and Master degrees (``B. A.``, ``M. Sc.``, ``LL. M.``) follow the name in
  the address, after a comma, and never appear in the salutation.
* Ranks of nobility (``Freiherr``, ``Gräfin``) stay in the address; the salutation
  is ``Herr von Thurnau`` (the rank stays only when no particle follows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefe.quellen.mitglieder import schluessel

_FRAU = frozenset({"frau", "fr", "weiblich", "w", "f", "female", "ms", "mrs"})
_HERR = frozenset({"herr", "herrn", "hr", "hrn", "maennlich", "m", "male", "mr"})
_NEUTRAL = frozenset({"", "divers", "d", "x", "neutral", "keine", "keineangabe", "ka"})
_PAAR_FRAU_ZUERST = frozenset({"frauundherr", "frauundherrn", "eheleute", "ehepaar", "ehel"})
_PAAR_HERR_ZUERST = frozenset({"herrundfrau", "herrnundfrau"})
_FAMILIE = frozenset({"familie", "fam"})

_ADEL = frozenset({
    "freiherr", "freifrau", "freiin", "graf", "gräfin", "fürst", "fürstin", "prinz",
    "prinzessin", "baron", "baronin", "baroness", "ritter", "edler", "edle", "herzog",
    "herzogin", "markgraf", "markgräfin", "landgraf", "landgräfin",
})
PARTIKEL = frozenset({"von", "zu", "vom", "zum", "zur", "van", "de", "der", "den", "ter", "ten",
                      "di", "da", "du", "le", "la", "del", "della", "dos", "af", "auf"})

# One degree each, longest first; spaces inside are optional in the input.
_VOR_DEM_NAMEN = r"Prof\.|Dr\. h\. ?c\.|Dr\.-Ing\.|Dr\. (?!h\.)[a-zä]+\.(?: [a-z]+\.)*|Dr\.|" \
                 r"Dipl\.-[A-Za-zäöü]+\.?|Dipl\.(?: [A-Za-zäöü]+\.)?|Mag\.(?: [a-z]+\.)?"
_NACH_DEM_NAMEN = r"B\. ?A\.|B\. ?Sc\.|B\. ?Eng\.|B\. ?Ed\.|LL\. ?B\.|LL\. ?M\.|M\. ?A\.|" \
                  r"M\. ?Sc\.|M\. ?Eng\.|M\. ?Ed\.|MBA|MPA|BBA"
_GRAD = re.compile(rf"\s*({_NACH_DEM_NAMEN}|{_VOR_DEM_NAMEN})\s*")
_LEERE_ABKUERZUNG = re.compile(r"(\b[A-Za-z]{1,2}\.) ?(?=[A-Za-z]{1,3}\.)")


@dataclass(frozen=True)
class Grade:
    """Degrees split by where they go."""

    vorne: str = ""  # before the name in the address: "Prof. Dr. med. Dipl.-Ing."
    hinten: str = ""  # after the name in the address: "M. Sc."
    anrede: str = ""  # in the salutation: "Prof. Dr."


def grade(text: str) -> tuple[Grade, str]:
    """Degrees of a title text and what is left over (unknown words, nobility)."""
    vorne: list[str] = []
    hinten: list[str] = []
    professor = doktoren = 0
    rest: list[str] = []
    position = 0
    text = " ".join(text.replace(",", " ").split())
    while position < len(text):
        treffer = _GRAD.match(text, position)
        if not treffer or treffer.end() == position:
            wort = re.match(r"\s*(\S+)\s*", text[position:])
            assert wort is not None
            rest.append(wort.group(1))
            position += wort.end()
            continue
        grad = treffer.group(1)
        position = treffer.end()
        if re.fullmatch(_NACH_DEM_NAMEN, grad):
            hinten.append(_LEERE_ABKUERZUNG.sub(r"\1 ", grad))
            continue
        vorne.append(grad)
        if grad == "Prof.":
            professor += 1
        elif grad.startswith("Dr"):
            doktoren += 1
    anrede = " ".join(["Prof."] * min(professor, 1) + ["Dr."] * doktoren)
    return Grade(" ".join(vorne), " ".join(hinten), anrede), " ".join(rest)


def ist_adel(wort: str) -> bool:
    return wort.casefold() in _ADEL


def anredename(nachname: str) -> str:
    """The surname as the salutation uses it: ranks of nobility dropped before a particle."""
    woerter = nachname.split()
    ohne = [w for w in woerter if not ist_adel(w)]
    if ohne and ohne != woerter and ohne[0].casefold() in PARTIKEL:
        return " ".join(ohne)
    return nachname


@dataclass(frozen=True)
class Anredeart:
    """What the Anrede column says: one person, a couple, a family or nothing known."""

    art: str  # "frau", "herr", "neutral", "unbekannt", "paar", "familie"
    folge: tuple[str, ...] = ()  # for couples: ("frau", "herr") or ("herr", "frau")
    titel: str = ""  # a title written in the Anrede column: "Frau Dr." -> "Dr."


_ANREDE_MIT_TITEL = re.compile(r"(?i)\s*(frau|herrn?|hr\.?|fr\.?)\s+(.+)")


def anredeart(text: str) -> Anredeart:
    text = " ".join(text.split())
    key = schluessel(text)
    if key in _PAAR_FRAU_ZUERST:
        return Anredeart("paar", ("frau", "herr"))
    if key in _PAAR_HERR_ZUERST:
        return Anredeart("paar", ("herr", "frau"))
    if key in _FAMILIE:
        return Anredeart("familie")
    titel = ""
    nur_grad, rest = grade(text)
    if text and not rest and (nur_grad.vorne or nur_grad.hinten):  # "Dr." alone: no gender
        return Anredeart("neutral", titel=text)
    mit_titel = _ANREDE_MIT_TITEL.fullmatch(text)
    if mit_titel:
        grad, rest = grade(mit_titel.group(2))
        if not rest:
            text, titel = mit_titel.group(1), mit_titel.group(2)
        key = schluessel(text)
    if key in _FRAU:
        return Anredeart("frau", titel=titel)
    if key in _HERR:
        return Anredeart("herr", titel=titel)
    return Anredeart("neutral" if key in _NEUTRAL else "unbekannt", titel=titel)


def teile_person(text: str) -> dict[str, str]:
    """``Frau Dr. Maria von Weber`` -> anrede, titel, vorname, nachname (for ``z. Hd.``)."""
    woerter = text.split()
    felder = {"anrede": "", "titel": "", "vorname": "", "nachname": ""}
    if woerter and schluessel(woerter[0]) in _FRAU | _HERR:
        felder["anrede"] = woerter.pop(0)
    titel: list[str] = []
    while woerter:
        grad, rest = grade(woerter[0] + (" " + woerter[1] if len(woerter) > 1 else ""))
        if grad.vorne and not rest:
            titel.append(" ".join(woerter[:2]))
            del woerter[:2]
        elif grade(woerter[0])[0].vorne and not grade(woerter[0])[1]:
            titel.append(woerter.pop(0))
        else:
            break
    felder["titel"] = " ".join(titel)
    if not woerter:
        return felder
    beginn = len(woerter) - 1
    for i, wort in enumerate(woerter[1:], start=1):
        if wort.casefold() in PARTIKEL or ist_adel(wort):
            beginn = i
            break
    felder["vorname"] = " ".join(woerter[:beginn])
    felder["nachname"] = " ".join(woerter[beginn:])
    return felder
