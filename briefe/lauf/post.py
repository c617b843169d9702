"""Envelopes and label sheets from a member list: the letter's address lines per recipient,
fitted to the envelope or label; rows that cannot fit are reported, the others are made."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefe import geometrie as g
from briefe.deutsch import anschrift as anschrift_regeln
from briefe.fehler import BriefeFehler, ZeilenFehler
from briefe.quellen.liste import Empfaenger, passt_filter
from briefe.quellen.mitglieder import lies_mitglieder
from briefe.satz.post.etiketten import Etikett, schreibe_etiketten
from briefe.satz.post.umschlag import schreibe_umschlaege

GRAD_STUFE = 0.5


@dataclass
class Postergebnis:
    """What was made: the file, how many pieces, and per row the problems and hints."""

    datei: Path
    anzahl: int = 0
    fehler: list[str] = field(default_factory=list)
    hinweise: list[str] = field(default_factory=list)


def umschlag(name: str) -> g.Umschlag:
    try:
        return g.UMSCHLAEGE[name.upper()]
    except KeyError:
        raise BriefeFehler(f"Unbekanntes Umschlagformat „{name}“; erlaubt: "
                           f"{', '.join(g.UMSCHLAEGE)}.") from None


def bogen(name: str) -> g.Etikettenbogen:
    """A sheet by product number (``L7163``, ``3475`` …) or from a TOML file of one's own."""
    if name.endswith(".toml"):
        return _eigener_bogen(Path(name))
    try:
        schluessel = name.upper().replace(" ", "").replace("-", "")
        return g.ETIKETTENBOEGEN[schluessel.removeprefix("AVERY").removeprefix("ZWECKFORM")]
    except KeyError:
        raise BriefeFehler(f"Unbekannter Etikettenbogen „{name}“; bekannt: "
                           f"{', '.join(g.ETIKETTENBOEGEN)} oder eine eigene TOML-Datei.") from None


FELDER = ("spalten", "reihen", "rand_links", "rand_oben", "abstand_x", "abstand_y", "breite", "hoehe")


def _eigener_bogen(pfad: Path) -> g.Etikettenbogen:
    import tomllib

    try:
        daten = tomllib.loads(pfad.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as fehler:
        raise BriefeFehler(f"Etikettenbogen {pfad}: nicht lesbar ({type(fehler).__name__}).") from None
    fehlend = [f for f in FELDER if f not in daten]
    if fehlend:
        raise BriefeFehler(f"Etikettenbogen {pfad}: es fehlt {', '.join(fehlend)} "
                           f"(nötig: {', '.join(FELDER)}, Maße in mm).")
    try:
        werte = {f: (int(daten[f]) if f in ("spalten", "reihen") else float(daten[f])) for f in FELDER}
    except (TypeError, ValueError):
        raise BriefeFehler(f"Etikettenbogen {pfad}: {', '.join(FELDER)} müssen Zahlen sein.") from None
    if min(werte.values()) < 0 or werte["spalten"] < 1 or werte["reihen"] < 1:
        raise BriefeFehler(f"Etikettenbogen {pfad}: Maße und Anzahlen dürfen nicht negativ sein.")
    return g.Etikettenbogen(pfad.stem, **werte, innenrand=float(daten.get("innenrand", 3.0)))


def ausgewaehlt(daten: Path, filter_: Sequence[tuple[str, str]] = (),
                blatt: str | None = None) -> list[Empfaenger]:
    liste = lies_mitglieder(daten, blatt)
    return [e for e in liste.empfaenger if all(passt_filter(e, s, w) for s, w in filter_)]


def _anschriften(empfaenger: Iterable[Empfaenger], folge: str,
                 ergebnis: Postergebnis) -> list[tuple[Empfaenger, anschrift_regeln.Anschrift]]:
    gut = []
    for e in empfaenger:
        try:
            adresse = anschrift_regeln.anschrift(e, folge)
        except ZeilenFehler as fehler:
            ergebnis.fehler.append(str(fehler))
            continue
        ergebnis.hinweise.extend(f"Zeile {e.zeile}: {h}" for h in adresse.hinweise)
        gut.append((e, adresse))
    return gut


def erstelle_umschlaege(empfaenger: Sequence[Empfaenger], format_: str, ziel: Path,
                        ruecksende: str | None = None, folge: str = "person",
                        vermerke: Callable[[Empfaenger], Sequence[str]] | None = None) -> Postergebnis:
    """``umschlaege.pdf``: the letter's address lines on envelopes of ``format_``, with the lines
    ``vermerke`` gives a recipient above them (the template's ``vermerke``, e.g. „Einschreiben“)."""
    ergebnis = Postergebnis(ziel)
    seiten = []
    for e, adresse in _anschriften(empfaenger, folge, ergebnis):
        try:
            seiten.append((adresse.zeilen, tuple(vermerke(e)) if vermerke else ()))
        except BriefeFehler as fehler:
            ergebnis.fehler.append(str(fehler))
    schreibe_umschlaege(umschlag(format_), seiten, ruecksende, ziel)
    ergebnis.anzahl = len(seiten)
    return ergebnis


def passend(zeilen: Sequence[str], breite: float, hoehe: float) -> tuple[tuple[str, ...], float, bool]:
    """Lines and the largest size (pt) at which they fit ``breite`` × ``hoehe`` mm; lines still
    too wide at the smallest size are cut at a word with „…“ (third value True)."""
    grad = g.SCHRIFTGRAD_TEXT
    while grad > g.SCHRIFTGRAD_ETIKETT_MIN:
        if (len(zeilen) * grad * g.ZEILENABSTAND * 25.4 / 72 <= hoehe
                and all(anschrift_regeln.textbreite(z, grad) <= breite for z in zeilen)):
            return tuple(zeilen), grad, False
        grad -= GRAD_STUFE
    grad = g.SCHRIFTGRAD_ETIKETT_MIN
    gekuerzt = tuple(_kuerze(z, breite, grad) for z in zeilen)
    return gekuerzt, grad, gekuerzt != tuple(zeilen)


def _kuerze(zeile: str, breite: float, grad: float) -> str:
    while anschrift_regeln.textbreite(zeile, grad) > breite and len(zeile) > 1:
        kuerzer = zeile.removesuffix("…").rstrip()
        kuerzer = kuerzer.rsplit(" ", 1)[0] if " " in kuerzer else kuerzer[:-1]
        zeile = kuerzer.rstrip(" ,") + "…"
    return zeile


def erstelle_etiketten(empfaenger: Sequence[Empfaenger], bogen_: g.Etikettenbogen, ziel: Path,
                       start: int = 1, folge: str = "person") -> Postergebnis:
    """``etiketten.pdf``: every address inside its label, from label ``start`` on."""
    if not 1 <= start <= bogen_.anzahl:
        raise BriefeFehler(f"--start muss zwischen 1 und {bogen_.anzahl} liegen "
                           f"(Bogen {bogen_.name} hat {bogen_.anzahl} Etiketten).")
    ergebnis = Postergebnis(ziel)
    breite = bogen_.breite - 2 * bogen_.innenrand
    hoehe = bogen_.hoehe - 2 * bogen_.innenrand
    etiketten = []
    for e, adresse in _anschriften(empfaenger, folge, ergebnis):
        zeilen, grad, gekuerzt = passend(adresse.zeilen, breite, hoehe)
        if gekuerzt:
            ergebnis.hinweise.append(f"Zeile {e.zeile}: Anschrift passt auch in "
                                     f"{grad:g} pt nicht aufs Etikett und wurde gekürzt.")
        etiketten.append(Etikett(zeilen, grad))
    schreibe_etiketten(bogen_, etiketten, ziel, start)
    ergebnis.anzahl = len(etiketten)
    return ergebnis
