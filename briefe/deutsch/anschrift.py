"""Address block (Anschrift), salutation (Anrede) and checks of one recipient.

Address lines by DIN 5008, at most six, never blank:

1. ``Frau``/``Herrn`` with title and name (``Frau Dr. Maria Meyer``); when that
   line is wider than the window, ``Frau``/``Herrn`` gets a line of its own;
2. funktion, organisation, zusatz (each field may hold soft line breaks);
   without a person name the organisation comes first, then zusatz, funktion;
3. street, or ``Postfach 42 40`` (the Postfach wins over a street);
4. ``PLZ Ort``; abroad ``PLZ ORT`` and the country in German capitals.

When there are more than six lines, these steps run in this order, each only
while the address is still too long, and each leaves a German hint:

1. put ``Frau``/``Herrn`` back on the name line;
2. join the soft line breaks of one field with spaces (zusatz, organisation,
   funktion, street, in this order);
3. append zusatz to the organisation line with ", ";
4. drop the funktion lines;
5. drop the zusatz lines;
6. steps 1-3 again, now even when the joined line is too wide.

Steps 1-3 first run only where the joined line still fits the window, so
information is dropped (4, 5) rather than a line made too wide; step 6 always
ends with at most six lines.

A funktion, organisation or zusatz line wider than the window
(``ANSCHRIFT_BREITE`` at ``SCHRIFTGRAD_TEXT`` in Liberation Sans, measured
with fontTools without kerning, so slightly wide) is wrapped into the lines
still free, after a comma where that suffices, never inside "e. V."; any line
still too wide is a hint, not an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from briefe import RESSOURCEN
from briefe.fehler import ZeilenFehler
from briefe.geometrie import ANSCHRIFT_BREITE, ANSCHRIFT_MAX_ZEILEN, SCHRIFTGRAD_TEXT, pt_zu_mm
from briefe.quellen.mitglieder import Empfaenger, ist_inland, schluessel

SCHRIFTDATEI = RESSOURCEN / "schriften" / "LiberationSans-Regular.ttf"
ERSATZ_LAUFWEITE = 0.6  # em per character when fontTools is missing (conservative)

_FRAU = frozenset({"frau", "fr", "weiblich", "w", "f", "female", "ms", "mrs"})
_HERR = frozenset({"herr", "herrn", "hr", "hrn", "maennlich", "m", "male", "mr"})
_NEUTRAL = frozenset({"", "divers", "d", "x", "neutral", "keine", "keineangabe", "ka"})
_ANREDE_MIT_TITEL = re.compile(r"(?i)\s*(frau|herrn?)\s+((?:prof|dr)\b.*)")
_KURZWORT = re.compile(r"\w{1,2}\.")  # "V." of "e. V.", "a." of "i. a."
_NICHT_DANACH = frozenset({"e.", "Dr.", "Prof.", "St.", "Nr.", "i.", "z.", "u.", "c/o"})
_POSTFACH_PRAEFIX = re.compile(r"(?i)^\s*(?:postfach|postf\.?|pf\.?)\s*")

# Loose key (see mitglieder.schluessel) -> country line in German capitals.
LAENDER: dict[str, str] = {}
for _land, _namen in {
    "NIEDERLANDE": ("niederlande", "netherlands", "thenetherlands", "nederland", "holland", "nl",
                    "nld"),
    "ÖSTERREICH": ("oesterreich", "osterreich", "austria", "at", "aut"),
    "SCHWEIZ": ("schweiz", "switzerland", "suisse", "svizzera", "ch", "che"),
    "FRANKREICH": ("frankreich", "france", "fr", "fra"),
    "BELGIEN": ("belgien", "belgium", "belgique", "belgie", "be", "bel"),
    "POLEN": ("polen", "poland", "polska", "pl", "pol"),
    "DÄNEMARK": ("daenemark", "danemark", "denmark", "danmark", "dk", "dnk"),
    "LUXEMBURG": ("luxemburg", "luxembourg", "lu", "lux"),
    "ITALIEN": ("italien", "italy", "italia", "it", "ita"),
    "SPANIEN": ("spanien", "spain", "espana", "es", "esp"),
    "VEREINIGTES KÖNIGREICH": ("vereinigteskoenigreich", "unitedkingdom", "uk", "gb", "gbr",
                               "grossbritannien", "england", "schottland", "wales"),
    "TÜRKEI": ("tuerkei", "turkei", "turkey", "turkiye", "tr", "tur"),
    "USA": ("usa", "us", "vereinigtestaaten", "vereinigtestaatenvonamerika", "unitedstates",
            "unitedstatesofamerica"),
    "TSCHECHIEN": ("tschechien", "czechia", "czechrepublic", "cz", "cze"),
    "GRIECHENLAND": ("griechenland", "greece", "gr", "grc"),
    "PORTUGAL": ("portugal", "pt", "prt"),
    "SCHWEDEN": ("schweden", "sweden", "sverige", "se", "swe"),
    "NORWEGEN": ("norwegen", "norway", "norge", "no", "nor"),
    "FINNLAND": ("finnland", "finland", "suomi", "fi", "fin"),
    "IRLAND": ("irland", "ireland", "ie", "irl"),
    "UNGARN": ("ungarn", "hungary", "hu", "hun"),
}.items():
    LAENDER.update(dict.fromkeys(_namen, _land))
del _land, _namen

_FELDNAMEN = {
    "funktion": "Funktion",
    "organisation": "Einrichtung",
    "zusatz": "Zusatz",
    "strasse": "Straße",
}


@dataclass(frozen=True)
class Anschrift:
    """Address lines for the recipient zone and German hints for the protocol."""

    zeilen: tuple[str, ...]
    hinweise: tuple[str, ...]


# --- measuring --------------------------------------------------------------


@lru_cache(maxsize=1)
def _laufweiten() -> tuple[dict[int, int], int, int] | None:
    """Advance widths per code point, .notdef width and units per em."""
    try:
        from fontTools.ttLib import TTFont
    except ImportError:
        return None
    with TTFont(SCHRIFTDATEI, lazy=True) as schrift:
        metriken = schrift["hmtx"].metrics
        breiten = {cp: metriken[glyphe][0] for cp, glyphe in schrift.getBestCmap().items()}
        return breiten, metriken[".notdef"][0], schrift["head"].unitsPerEm


@lru_cache(maxsize=16384)
def textbreite(text: str, schriftgrad: float = SCHRIFTGRAD_TEXT) -> float:
    """Width of one line in Liberation Sans Regular, in mm (no kerning)."""
    laufweiten = _laufweiten()
    if laufweiten is None:
        return pt_zu_mm(len(text) * ERSATZ_LAUFWEITE * schriftgrad)
    breiten, notdef, em = laufweiten
    einheiten = sum(breiten.get(ord(z), notdef) for z in text)
    return pt_zu_mm(einheiten / em * schriftgrad)


def passt_ins_fenster(text: str) -> bool:
    """Whether a line fits the address window at body text size."""
    return textbreite(text) <= ANSCHRIFT_BREITE


# --- parts of a recipient ---------------------------------------------------


def _einzeilig(e: Empfaenger, name: str) -> str:
    return " ".join(e.wert(name).split())


def _zeilen(e: Empfaenger, name: str) -> list[str]:
    return [z for z in e.wert(name).split("\n") if z.strip()]


def _geschlecht(e: Empfaenger) -> tuple[str, str]:
    """("frau" | "herr" | "" | "?", extra title from a value like "Frau Dr.")."""
    roh = _einzeilig(e, "anrede")
    mit_titel = _ANREDE_MIT_TITEL.fullmatch(roh)
    if mit_titel:
        roh, titel = mit_titel.group(1), mit_titel.group(2)
    else:
        titel = ""
    key = schluessel(roh)
    if key in _FRAU:
        return "frau", titel
    if key in _HERR:
        return "herr", titel
    return ("" if key in _NEUTRAL else "?"), titel


def _titel(e: Empfaenger) -> str:
    return _einzeilig(e, "titel") or _geschlecht(e)[1]


def hat_person(e: Empfaenger) -> bool:
    """Whether the row names a person (a Nachname is given)."""
    return bool(_einzeilig(e, "nachname"))


def _personenname(e: Empfaenger) -> str:
    teile = (_titel(e), _einzeilig(e, "vorname"), _einzeilig(e, "nachname"))
    return " ".join(t for t in teile if t)


def postfach_text(wert: str) -> str:
    """``Postfach 42 40``: digits grouped in pairs from the right."""
    rest = _POSTFACH_PRAEFIX.sub("", wert).strip()
    ziffern = rest.replace(" ", "")
    if ziffern.isdigit():
        kopf = len(ziffern) % 2
        paare = [ziffern[i:i + 2] for i in range(kopf, len(ziffern), 2)]
        rest = " ".join(([ziffern[:kopf]] if kopf else []) + paare)
    return f"Postfach {rest}"


def landeszeile(land: str) -> str | None:
    """The country line in German capitals; None for Germany."""
    if ist_inland(land):
        return None
    return LAENDER.get(schluessel(land), " ".join(land.split()).upper())


# --- address ----------------------------------------------------------------


def anschrift(e: Empfaenger) -> Anschrift:
    """The address lines of one recipient, shortened to six lines if needed."""
    hinweise: list[str] = []
    teile = _bausteine(e, hinweise)
    _kuerze(teile, hinweise)
    _umbrechen(teile, hinweise)
    zeilen = tuple(text for _, text in teile)
    for zeile in zeilen:
        breite = textbreite(zeile)
        if breite > ANSCHRIFT_BREITE:
            hinweise.append(
                f"Zeile „{zeile}“ ist zu breit für das Anschriftfeld "
                f"({breite:.0f} mm, höchstens {ANSCHRIFT_BREITE:.0f} mm)."
            )
    return Anschrift(zeilen, tuple(hinweise))


def _bausteine(e: Empfaenger, hinweise: list[str]) -> list[list[str]]:
    """[kind, text] per line before shortening."""
    teile: list[list[str]] = []
    geschlecht, _ = _geschlecht(e)
    if geschlecht == "?":
        hinweise.append(
            f"Anrede „{_einzeilig(e, 'anrede')}“ nicht erkannt (erwartet Frau, Herr oder "
            "divers); die Anschrift nennt nur den Namen."
        )
    if hat_person(e):
        name = _personenname(e)
        wort = {"frau": "Frau", "herr": "Herrn"}.get(geschlecht)
        if wort and passt_ins_fenster(f"{wort} {name}"):
            teile.append(["name", f"{wort} {name}"])
        elif wort:
            teile += [["anrede", wort], ["name", name]]
        else:
            teile.append(["name", name])
        folge = ("funktion", "organisation", "zusatz")
    else:
        angegeben = [_einzeilig(e, n) for n in ("anrede", "titel", "vorname")]
        if any(angegeben) and _einzeilig(e, "organisation"):
            hinweise.append(
                "Kein Nachname angegeben: der Brief geht an die Einrichtung "
                f"„{_einzeilig(e, 'organisation')}“."
            )
        folge = ("organisation", "zusatz", "funktion")
    for art in folge:
        teile += [[art, z] for z in _zeilen(e, art)]

    strasse = " ".join(t for t in (e.wert("strasse"), _einzeilig(e, "hausnummer")) if t)
    postfach = _einzeilig(e, "postfach")
    if postfach:
        if strasse:
            hinweise.append(
                f"Straße und Postfach angegeben: der Brief geht an „{postfach_text(postfach)}“, "
                f"nicht an „{' '.join(strasse.split())}“."
            )
        teile.append(["strasse", postfach_text(postfach)])
    else:
        teile += [["strasse", z] for z in strasse.split("\n") if z.strip()]

    plz, ort = _einzeilig(e, "plz"), _einzeilig(e, "ort")
    land = landeszeile(_einzeilig(e, "land"))
    if land:
        ort = ort.upper()
    if plz or ort:
        teile.append(["ort", f"{plz} {ort}".strip()])
    if land:
        teile.append(["land", land])
    return teile


def _kuerze(teile: list[list[str]], hinweise: list[str]) -> None:
    """Merge or drop lines in the documented order until six remain."""
    for passend in (True, False):
        _verbinde(teile, hinweise, nur_wenn_passend=passend)
        if passend:
            for art in ("funktion", "zusatz"):
                if len(teile) <= ANSCHRIFT_MAX_ZEILEN:
                    return
                for i in reversed(_stellen(teile, art)):
                    hinweise.append(
                        f"Anschrift zu lang: Zeile „{teile[i][1]}“ ({_FELDNAMEN[art]}) entfernt."
                    )
                    del teile[i]


def _umbrechen(teile: list[list[str]], hinweise: list[str]) -> None:
    """Wrap too wide funktion/organisation/zusatz lines into the lines still free."""
    i = 0
    while i < len(teile):
        art, text = teile[i]
        frei = ANSCHRIFT_MAX_ZEILEN - len(teile)
        if frei <= 0:
            return
        if art in ("funktion", "organisation", "zusatz") and not passt_ins_fenster(text):
            stuecke = _stuecke(text, frei + 1)
            if len(stuecke) > 1:
                teile[i:i + 1] = [[art, stueck] for stueck in stuecke]
                hinweise.append(
                    f"Zeile „{text}“ ist zu breit für das Anschriftfeld und wurde auf "
                    f"{len(stuecke)} Zeilen umbrochen."
                )
                i += len(stuecke) - 1
        i += 1


def _stuecke(text: str, hoechstens: int) -> list[str]:
    """At most ``hoechstens`` pieces; after a comma if that fits, else between words."""
    stuecke: list[str] = []
    for einheiten in (_nach_komma(text), _nach_wort(text)):
        stuecke = []
        for einheit in einheiten:
            if stuecke and (
                passt_ins_fenster(f"{stuecke[-1]} {einheit}") or len(stuecke) == hoechstens
            ):
                stuecke[-1] += f" {einheit}"
            else:
                stuecke.append(einheit)
        if all(passt_ins_fenster(s) for s in stuecke):
            break
    return stuecke


def _nach_komma(text: str) -> list[str]:
    teile = text.split(", ")
    return [t + "," for t in teile[:-1]] + teile[-1:]


def _nach_wort(text: str) -> list[str]:
    """Words, keeping "e. V.", "Dr. Meyer" and the like together."""
    einheiten: list[str] = []
    for wort in text.split(" "):
        if einheiten and (
            _KURZWORT.fullmatch(wort) or einheiten[-1].rsplit(" ", 1)[-1] in _NICHT_DANACH
        ):
            einheiten[-1] += f" {wort}"
        else:
            einheiten.append(wort)
    return einheiten


def _stellen(teile: list[list[str]], art: str) -> list[int]:
    return [i for i, (a, _) in enumerate(teile) if a == art]


def _verbinde(teile: list[list[str]], hinweise: list[str], *, nur_wenn_passend: bool) -> None:
    """Steps 1-3 of the module docstring; each while the address is too long."""

    def zu_lang() -> bool:
        return len(teile) > ANSCHRIFT_MAX_ZEILEN

    def erlaubt(text: str) -> bool:
        return not nur_wenn_passend or passt_ins_fenster(text)

    for i in _stellen(teile, "anrede"):
        text = f"{teile[i][1]} {teile[i + 1][1]}"
        if zu_lang() and erlaubt(text):
            teile[i + 1][1] = text
            del teile[i]
            hinweise.append(
                f"Anschrift zu lang: „{text.split()[0]}“ steht mit dem Namen in einer Zeile."
            )
    for art in ("zusatz", "organisation", "funktion", "strasse"):
        stellen = _stellen(teile, art)
        text = " ".join(teile[i][1] for i in stellen)
        if len(stellen) > 1 and zu_lang() and erlaubt(text):
            teile[stellen[0]][1] = text
            for i in reversed(stellen[1:]):
                del teile[i]
            hinweise.append(
                f"Anschrift zu lang: Zeilen im Feld „{_FELDNAMEN[art]}“ zusammengefasst "
                f"zu „{text}“."
            )
    organisation, zusatz = _stellen(teile, "organisation"), _stellen(teile, "zusatz")
    if organisation and zusatz and zu_lang():
        angehaengt = ", ".join(teile[i][1] for i in zusatz)
        text = f"{teile[organisation[-1]][1]}, {angehaengt}"
        if erlaubt(text):
            teile[organisation[-1]][1] = text
            for i in reversed(zusatz):
                del teile[i]
            hinweise.append(
                f"Anschrift zu lang: Zusatz „{angehaengt}“ an die Einrichtung angehängt."
            )


# --- salutation -------------------------------------------------------------


def anrede(e: Empfaenger) -> str:
    """The salutation line, ending with a comma."""
    if not hat_person(e):
        return "Sehr geehrte Damen und Herren,"
    geschlecht, _ = _geschlecht(e)
    titel, nachname = _titel(e), _einzeilig(e, "nachname")
    kurz = f"{titel} {nachname}" if titel else nachname
    if geschlecht == "frau":
        return f"Sehr geehrte Frau {kurz},"
    if geschlecht == "herr":
        return f"Sehr geehrter Herr {kurz},"
    return f"Guten Tag {_personenname(e)},"


# --- checks -----------------------------------------------------------------


def pruefe(e: Empfaenger) -> list[ZeilenFehler]:
    """Every reason why this row cannot be addressed (empty when it can)."""
    fehler: list[ZeilenFehler] = []

    def melde(spalte: str, meldung: str) -> None:
        fehler.append(ZeilenFehler(meldung, datei=e.datei, zeile=e.zeile, spalte=spalte))

    if not hat_person(e) and not _einzeilig(e, "organisation"):
        if _einzeilig(e, "vorname"):
            melde("nachname", "Kein Nachname und keine Einrichtung angegeben (nur ein Vorname).")
        else:
            melde("nachname", "Weder Name noch Einrichtung angegeben.")
    if not _einzeilig(e, "strasse") and not _einzeilig(e, "postfach"):
        melde("strasse", "Weder Straße noch Postfach angegeben.")
    plz = _einzeilig(e, "plz")
    if not plz:
        melde("plz", "Keine Postleitzahl angegeben.")
    elif ist_inland(_einzeilig(e, "land")) and not re.fullmatch(r"[0-9]{5}", plz):
        melde("plz", f"Postleitzahl „{plz}“ hat nicht fünf Ziffern.")
    if not _einzeilig(e, "ort"):
        melde("ort", "Kein Ort angegeben.")
    return fehler
