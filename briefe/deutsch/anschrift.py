"""Address block (Anschrift), salutation (Anrede) and checks of one recipient.

Address lines by DIN 5008, at most six, never blank, every glyph inside the window
(x 25-100 mm; ``ANSCHRIFT_BREITE`` at ``SCHRIFTGRAD_TEXT`` in Liberation Sans, measured
with fontTools without kerning, so slightly wide):

1. ``Frau``/``Herrn``/``Frau und Herrn``/``Familie`` with degrees and name
   (``Frau Dr. Maria Meyer``, see ``namen``); when that line is wider than the window,
   the word gets a line of its own; a ``z. Hd.`` line names the person (prefix dropped);
2. funktion, organisation, zusatz (each field may hold soft line breaks);
   without a person name, or with ``anschrift_reihenfolge = "einrichtung"``, the
   organisation comes first (then zusatz, then the person and funktion);
3. street, or ``Postfach 42 40`` (the Postfach wins over a street);
4. ``PLZ Ort``; abroad the country's own order and the country in German capitals
   (``laender``).

More than six lines: these steps run in this order, each only while the address is
still too long and only where the joined line still fits, each leaves a German hint:
put ``Frau``/``Herrn`` back on the name line; join the soft line breaks of one field
(zusatz, organisation, funktion, street); append zusatz to the organisation with ", ";
drop the funktion lines; drop the zusatz lines.

A line wider than the window is wrapped between words into the lines still free (after
a comma where that suffices, never inside "e. V."). Where that is not possible, these
shortenings follow, in this order, each with a hint: "Straße" → "Str." in the street
line; drop the funktion lines; drop the zusatz lines (each freeing lines for wrapping, so
only where the wide line could wrap). A line still too wide is then set smaller, in steps
of 0.5 pt down to 8 pt (``geometrie.SCHRIFTGRADE_ANSCHRIFT_KLEINER``), with a hint
("in 8,5 pt gesetzt"). Where even 8 pt does not fit, ``anschrift`` raises a
``ZeilenFehler`` naming the column: the address never loses text silently.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache

from briefe import RESSOURCEN
from briefe.deutsch import laender, namen
from briefe.fehler import BriefeFehler, ZeilenFehler
from briefe.geometrie import (
    ANSCHRIFT_BREITE,
    ANSCHRIFT_MAX_ZEILEN,
    SCHRIFTGRAD_ANSCHRIFT_MIN,
    SCHRIFTGRAD_TEXT,
    SCHRIFTGRADE_ANSCHRIFT_KLEINER,
    pt_zu_mm,
)
from briefe.quellen.mitglieder import Empfaenger

SCHRIFTDATEI = RESSOURCEN / "schriften" / "LiberationSans-Regular.ttf"
ERSATZ_LAUFWEITE = 0.6  # em per character when fontTools is missing (conservative)

REIHENFOLGEN = ("person", "einrichtung")
_KURZWORT = re.compile(r"\w{1,2}\.")  # "V." of "e. V.", "a." of "i. a."
_NICHT_DANACH = frozenset({"e.", "Dr.", "Prof.", "St.", "Nr.", "i.", "z.", "u.", "c/o"})
_POSTFACH_PRAEFIX = re.compile(r"(?i)^\s*(?:postfach|postf\.?|pf\.?)\s*")
_ZU_HAENDEN = re.compile(r"(?i)^\s*(?:z\.\s*hd?\.?|zu\s+h(?:ä|ae)nden(?:\s+von)?|zhd\.?)\s*[:,]?\s*")
_STRASSE = re.compile(r"(S|s)tra(?:ß|ss)e\b")
_UMBRECHBAR = ("name", "funktion", "organisation", "zusatz")

# Kind of line -> the column it comes from (for messages).
_SPALTE = {"anrede": "anrede", "name": "nachname", "funktion": "funktion",
           "organisation": "organisation", "zusatz": "zusatz", "strasse": "strasse",
           "ort": "ort", "land": "land"}
_FELDNAMEN = {
    "funktion": "Funktion",
    "organisation": "Einrichtung",
    "zusatz": "Zusatz",
    "strasse": "Straße",
}
# Loose key -> country line (kept for callers; the table lives in ``laender``).
LAENDER: dict[str, str] = {name: land.zeile for name, land in laender.LAENDER.items()}


@dataclass(frozen=True)
class Anschrift:
    """Address lines for the recipient zone and German hints for the protocol;
    ``schriftgrade`` holds per line the smaller size in pt it is set in (None: text size),
    empty when every line has the text size."""

    zeilen: tuple[str, ...]
    hinweise: tuple[str, ...]
    schriftgrade: tuple[float | None, ...] = ()


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


def hat_person(e: Empfaenger) -> bool:
    """Whether the row names a person (a Nachname is given)."""
    return bool(_einzeilig(e, "nachname"))


def wer(e: Empfaenger) -> str:
    """Who a row is for, for messages: ``Maria Meyer`` or the organisation."""
    person = " ".join(t for t in (_einzeilig(e, "vorname"), _einzeilig(e, "nachname")) if t)
    return person or _einzeilig(e, "organisation")


def reihenfolge(wert: object, datei: str | None = None) -> str:
    """The checked value of the template key ``anschrift_reihenfolge``."""
    from briefe.fehler import VorlagenFehler

    text = str(wert or "person").strip().lower()
    if text not in REIHENFOLGEN:
        raise VorlagenFehler(
            f"„anschrift_reihenfolge“ muss \"person\" oder \"einrichtung\" sein, nicht „{wert}“.",
            datei=datei,
        )
    return text


def zu_haenden(e: Empfaenger, hinweise: list[str]) -> Empfaenger:
    """A ``z. Hd.`` line: prefix dropped (DIN 5008); without a Nachname the person named
    there becomes the recipient."""
    felder = dict(e.felder)
    for spalte in ("organisation", "zusatz", "funktion", "strasse"):
        zeilen = e.wert(spalte).split("\n")
        for i, zeile in enumerate(zeilen):
            treffer = _ZU_HAENDEN.match(zeile)
            if not treffer or not zeile[treffer.end():].strip():
                continue
            person = zeile[treffer.end():].strip()
            if hat_person(e):
                zeilen[i] = person
                hinweise.append(f"„{zeile.strip()}“: „z. Hd.“ entfällt nach DIN 5008.")
            else:
                del zeilen[i]
                felder.update(namen.teile_person(person))
                hinweise.append(f"„{zeile.strip()}“: „z. Hd.“ entfällt nach DIN 5008; "
                                f"„{person}“ ist Empfänger und wird angeredet.")
            felder[spalte] = "\n".join(zeilen)
            return dataclasses.replace(e, felder=felder)
    return e


@dataclass(frozen=True)
class _Person:
    wort: str  # "Frau", "Herrn", "Frau und Herrn", "Familie", ""
    name: str  # the name line without ``wort``
    anrede: str  # the salutation line


def _paar(text: str) -> list[str]:
    return [t for t in re.split(r"\s+(?:und|u\.|&)\s+|\s*/\s*", text) if t]


def _person(e: Empfaenger) -> _Person:
    art = namen.anredeart(_einzeilig(e, "anrede"))
    titel = _einzeilig(e, "titel")
    # "Frau Dr." in the Anrede column and "Dr." in the Titel column name one degree.
    doppelt = art.titel and namen.grade(art.titel)[0].vorne in titel
    titeltext = " ".join(t for t in (art.titel if not doppelt else "", titel) if t)
    grade, rest = namen.grade(titeltext)
    adel = " ".join(w for w in rest.split() if namen.ist_adel(w))
    sonst = " ".join(w for w in rest.split() if not namen.ist_adel(w))
    vorname, nachname = _einzeilig(e, "vorname"), _einzeilig(e, "nachname")
    hinten = f", {grade.hinten}" if grade.hinten else ""

    def voll(vor: str, nach: str, mit_titel: bool = True) -> str:
        teile = [grade.vorne, sonst] if mit_titel else []
        return " ".join(t for t in (*teile, vor, adel, nach) if t)

    def kurz(nach: str, titel: str = grade.anrede) -> str:
        return " ".join(t for t in (titel, namen.anredename(" ".join((adel, nach)).strip())) if t)

    if art.art == "familie":
        return _Person("Familie", voll(vorname, nachname, False),
                       f"Sehr geehrte Familie {namen.anredename(nachname)},")
    if art.art == "paar":
        vornamen, nachnamen = _paar(vorname), _paar(nachname) or [nachname]
        if len(nachnamen) == 1 and not grade.vorne and len(vornamen) <= 2:
            name = " ".join(t for t in (" und ".join(vornamen), nachname) if t)
            nachnamen = nachnamen * 2
        else:
            nachnamen = (nachnamen * 2)[:2] if len(nachnamen) == 1 else nachnamen[:2]
            vornamen = (vornamen + ["", ""])[:2]
            name = " und ".join(
                " ".join(t for t in (grade.vorne if i == 0 else "", v, n) if t)
                for i, (v, n) in enumerate(zip(vornamen, nachnamen, strict=True))
            )
        woerter = {"frau": ("Frau", "Sehr geehrte Frau"), "herr": ("Herrn", "Sehr geehrter Herr")}
        wort = " und ".join(woerter[g][0] for g in art.folge)
        anrede = ", ".join(
            f"{woerter[g][1] if i == 0 else 's' + woerter[g][1][1:]} "
            f"{kurz(n, grade.anrede if i == 0 else '')}"
            for i, (g, n) in enumerate(zip(art.folge, nachnamen, strict=True))
        )
        return _Person(wort, name + hinten, anrede + ",")
    name = voll(vorname, nachname) + hinten
    if art.art == "frau":
        return _Person("Frau", name, f"Sehr geehrte Frau {kurz(nachname)},")
    if art.art == "herr":
        return _Person("Herrn", name, f"Sehr geehrter Herr {kurz(nachname)},")
    gruss = " ".join(t for t in (grade.anrede, vorname, adel, nachname) if t)
    return _Person("", name, f"Guten Tag {gruss},")


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
    eintrag = laender.land(land)
    return eintrag.zeile if eintrag else None


# --- address ----------------------------------------------------------------


_ZULETZT: tuple = (None, None, None)  # the last recipient (immutable), order and address


def anschrift(e: Empfaenger, folge: str = "person") -> Anschrift:
    """The address lines of one recipient; ``ZeilenFehler`` when they cannot fit. The last one
    is remembered: a letter's row is checked (``pruefe``) before the letter asks again."""
    global _ZULETZT
    zuletzt = _ZULETZT  # one read: another thread may remember another recipient meanwhile
    if zuletzt[0] is not e or zuletzt[1] != folge:
        zuletzt = _ZULETZT = (e, folge, _anschrift(e, folge))
    return zuletzt[2]


def _anschrift(e: Empfaenger, folge: str) -> Anschrift:
    hinweise: list[str] = []
    e = zu_haenden(e, hinweise)
    teile = _bausteine(e, hinweise, folge)
    _kuerze(teile, hinweise)
    kuerzungen = [_strasse_kuerzen, _entferne("funktion"), _entferne("zusatz")]
    while True:
        _umbrechen(teile, hinweise)
        breit = [(art, text) for art, text in teile if not passt_ins_fenster(text)]
        zu_lang = len(teile) > ANSCHRIFT_MAX_ZEILEN
        if not breit and not zu_lang:
            return Anschrift(tuple(text for _, text in teile), tuple(hinweise))
        # Dropping lines helps only when lines are too many or a too wide line could wrap
        # into the lines it frees.
        hilft = zu_lang or any(art in _UMBRECHBAR and _umbrechbar(text) for art, text in breit)
        while kuerzungen and not (
            (kuerzungen[0] is _strasse_kuerzen or hilft) and kuerzungen[0](teile, hinweise)
        ):
            kuerzungen.pop(0)
        if not kuerzungen:
            if zu_lang:
                raise _nicht_passend(e, teile, breit)
            return _verkleinert(e, teile, hinweise)
        kuerzungen.pop(0)


def _umbrechbar(text: str) -> bool:
    """Whether a line could be wrapped between words, given enough free lines."""
    einheiten = _nach_wort(text)
    return len(einheiten) > 1 and all(passt_ins_fenster(t) for t in einheiten)


def kleinster_passender_grad(text: str) -> float | None:
    """The largest step below the text size at which ``text`` fits the window, or None."""
    return next((grad for grad in SCHRIFTGRADE_ANSCHRIFT_KLEINER
                 if textbreite(text, grad) <= ANSCHRIFT_BREITE), None)


def _verkleinert(e: Empfaenger, teile: list[list[str]], hinweise: list[str]) -> Anschrift:
    """The address with each too wide line set in the largest smaller size that fits
    (down to ``SCHRIFTGRAD_ANSCHRIFT_MIN``); ``ZeilenFehler`` when even that is too wide."""
    grade: list[float | None] = []
    for art, text in teile:
        if passt_ins_fenster(text):
            grade.append(None)
            continue
        grad = kleinster_passender_grad(text)
        if grad is None:
            raise _nicht_passend(e, teile, [(art, text)], klein=True)
        grade.append(grad)
        hinweise.append(f"Anschriftzeile „{text}“ ist breiter als das Anschriftfeld und wurde "
                        f"in {_pt(grad)} pt gesetzt.")
    return Anschrift(tuple(text for _, text in teile), tuple(hinweise), tuple(grade))


def _pt(grad: float) -> str:
    """``8,5`` or ``10``: a type size the German way."""
    return f"{grad:g}".replace(".", ",")


def _nicht_passend(e: Empfaenger, teile: list[list[str]], breit,
                   klein: bool = False) -> ZeilenFehler:
    if breit:
        art, text = breit[0]
        spalte = _SPALTE[art]
        if art == "name" and not _einzeilig(e, "nachname"):
            spalte = "organisation"
        grad = SCHRIFTGRAD_ANSCHRIFT_MIN if klein else SCHRIFTGRAD_TEXT
        auch = f", auch in {_pt(grad)} pt" if klein else ""
        return ZeilenFehler(
            f"Die Anschriftzeile „{text}“ ist zu breit für das Anschriftfeld{auch} "
            f"({textbreite(text, grad):.0f} mm, höchstens {ANSCHRIFT_BREITE:.0f} mm) und lässt "
            "sich weder umbrechen noch kürzen. Bitte kürzer schreiben.",
            datei=e.datei, zeile=e.zeile, spalte=e.kopf(spalte), wer=wer(e) or None,
        )
    arten = [a for a, _ in teile]
    spalte = max(("organisation", "zusatz", "strasse", "name"), key=arten.count)
    return ZeilenFehler(
        f"Die Anschrift hat auch gekürzt {len(teile)} Zeilen (höchstens "
        f"{ANSCHRIFT_MAX_ZEILEN}). Bitte Zeilen zusammenfassen.",
        datei=e.datei, zeile=e.zeile, spalte=e.kopf(_SPALTE[spalte]), wer=wer(e) or None,
    )


def _strasse_kuerzen(teile: list[list[str]], hinweise: list[str]) -> bool:
    """"Straße" → "Str." in a street line too wide for the window."""
    geaendert = False
    for teil in teile:
        if teil[0] == "strasse" and not passt_ins_fenster(teil[1]):
            kurz = _STRASSE.sub(lambda m: f"{m.group(1)}tr.", teil[1])
            if kurz != teil[1]:
                hinweise.append(f"Anschrift zu breit: „{teil[1]}“ gekürzt zu „{kurz}“.")
                teil[1] = kurz
                geaendert = True
    return geaendert


def _entferne(art: str):
    def entferne(teile: list[list[str]], hinweise: list[str]) -> bool:
        stellen = _stellen(teile, art)
        for i in reversed(stellen):
            hinweise.append(
                f"Anschrift zu lang: Zeile „{teile[i][1]}“ ({_FELDNAMEN[art]}) entfernt."
            )
            del teile[i]
        return bool(stellen)
    return entferne


def _bausteine(e: Empfaenger, hinweise: list[str], folge: str) -> list[list[str]]:
    """[kind, text] per line before shortening."""
    personenteile: list[list[str]] = []
    art = namen.anredeart(_einzeilig(e, "anrede"))
    if art.art == "unbekannt":
        hinweise.append(
            f"Anrede „{_einzeilig(e, 'anrede')}“ nicht erkannt (erwartet Frau, Herr, "
            "Frau und Herr, Familie oder divers); die Anschrift nennt nur den Namen."
        )
    if hat_person(e):
        person = _person(e)
        if person.wort and passt_ins_fenster(f"{person.wort} {person.name}"):
            personenteile.append(["name", f"{person.wort} {person.name}"])
        elif person.wort:
            personenteile += [["anrede", person.wort], ["name", person.name]]
        else:
            personenteile.append(["name", person.name])
    else:
        angegeben = [_einzeilig(e, n) for n in ("anrede", "titel", "vorname")]
        if any(angegeben) and _einzeilig(e, "organisation"):
            hinweise.append(
                "Kein Nachname angegeben: der Brief geht an die Einrichtung "
                f"„{_einzeilig(e, 'organisation')}“."
            )
    felder = {art: [[art, z] for z in _zeilen(e, art)] for art in ("funktion", "organisation",
                                                                    "zusatz")}
    if not personenteile:
        teile = felder["organisation"] + felder["zusatz"] + felder["funktion"]
    elif folge == "einrichtung":
        teile = felder["organisation"] + felder["zusatz"] + personenteile + felder["funktion"]
    else:
        teile = personenteile + felder["funktion"] + felder["organisation"] + felder["zusatz"]

    land = laender.land(_einzeilig(e, "land"))
    strasse = e.wert("strasse").split("\n")
    strasse[-1] = laender.strassenzeile(land, strasse[-1].strip(), _einzeilig(e, "hausnummer"))
    postfach = _einzeilig(e, "postfach")
    if postfach:
        if any(z.strip() for z in strasse):
            hinweise.append(
                f"Straße und Postfach angegeben: der Brief geht an „{postfach_text(postfach)}“, "
                f"nicht an „{' '.join(' '.join(strasse).split())}“."
            )
        teile.append(["strasse", postfach_text(postfach)])
    else:
        teile += [["strasse", z.strip()] for z in strasse if z.strip()]

    plz, ort = _einzeilig(e, "plz"), _einzeilig(e, "ort")
    if land is None:
        zeile = f"{laender.ohne_praefix(plz)} {ort}".strip()
        if zeile:
            teile.append(["ort", zeile])
    else:
        staat = _einzeilig(e, "bundesstaat") or _einzeilig(e, "region")
        teile += [["ort", z] for z in laender.ort_zeilen(land, plz, ort, staat)]
        teile.append(["land", land.zeile])
    return teile


def _kuerze(teile: list[list[str]], hinweise: list[str]) -> None:
    """Merge or drop lines in the documented order until six remain."""
    _verbinde(teile, hinweise, nur_wenn_passend=True)
    for art in ("funktion", "zusatz"):
        if len(teile) <= ANSCHRIFT_MAX_ZEILEN:
            return
        _entferne(art)(teile, hinweise)


def _umbrechen(teile: list[list[str]], hinweise: list[str]) -> None:
    """Wrap too wide name/funktion/organisation/zusatz lines into the lines still free."""
    i = 0
    while i < len(teile):
        art, text = teile[i]
        frei = ANSCHRIFT_MAX_ZEILEN - len(teile)
        if frei <= 0:
            return
        if art in _UMBRECHBAR and not passt_ins_fenster(text):
            stuecke = _stuecke(text, frei + 1)
            if len(stuecke) > 1 and all(passt_ins_fenster(s) for s in stuecke):
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
    e = zu_haenden(e, [])
    if not hat_person(e):
        return "Sehr geehrte Damen und Herren,"
    return _person(e).anrede


# --- checks -----------------------------------------------------------------


def pruefe(e: Empfaenger, folge: str = "person") -> list[ZeilenFehler]:
    """Every reason why this row cannot be addressed (empty when it can)."""
    fehler: list[ZeilenFehler] = []
    name = wer(e) or None

    def melde(spalte: str, meldung: str) -> None:
        fehler.append(ZeilenFehler(meldung, datei=e.datei, zeile=e.zeile, spalte=e.kopf(spalte),
                                   wer=name))

    person = zu_haenden(e, [])
    if not hat_person(person) and not _einzeilig(e, "organisation"):
        if _einzeilig(e, "vorname"):
            melde("nachname", "Kein Nachname und keine Einrichtung angegeben (nur ein Vorname).")
        else:
            melde("nachname", "Weder Name noch Einrichtung angegeben.")
    if not _einzeilig(e, "strasse") and not _einzeilig(e, "postfach"):
        melde("strasse", "Weder Straße noch Postfach angegeben.")
    plz = _einzeilig(e, "plz")
    land = laender.land(_einzeilig(e, "land"))
    if not plz:
        melde("plz", "Keine Postleitzahl angegeben.")
    elif land is None and not re.fullmatch(r"[0-9]{5}", laender.ohne_praefix(plz)):
        melde("plz", f"Postleitzahl „{plz}“ hat nicht fünf Ziffern.")
    elif land is not None and land.namen and not laender.plz_gueltig(land, plz):
        melde("plz", f"Postleitzahl „{plz}“ passt nicht zu {land.zeile.title()} "
                     f"(erwartet z. B. „{land.plz_beispiel}“).")
    if not _einzeilig(e, "ort"):
        melde("ort", "Kein Ort angegeben.")
    if not fehler:
        try:
            anschrift(e, folge)
        except BriefeFehler as problem:
            assert isinstance(problem, ZeilenFehler)
            fehler.append(problem)
    return fehler
