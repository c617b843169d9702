"""The run options, declared once: each field of ``Laufoptionen`` says its German key, its help
text, where a user may set it (``befehl`` = command line, ``auftrag`` = job file, ``dienst`` =
the service's form and API) and how a typed or TOML value is read and checked.

The three readers (``cli.optionen``, ``lauf.auftrag``, ``dienst.laeufe.eingang``) only map their input to
these keys and call ``lies_eintraege``; none declares a field or a check of its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from briefe.fehler import BriefeFehler
from briefe.quellen.mitglieder import Lesegrenzen
from briefe.satz.vertrag import FORMATE
from briefe.vorlage.grenzen import ZEITGRENZE
from briefe.vorlage.sachbearbeitung import Sachbearbeitung, lies_sachbearbeitung
from briefe.vorlage.startwerte import als_eingabe

BEFEHL, AUFTRAG, DIENST = "befehl", "auftrag", "dienst"
ALLE = frozenset({BEFEHL, AUFTRAG, DIENST})
NUR_BEFEHL = frozenset({BEFEHL})
OHNE_DIENST = frozenset({BEFEHL, AUFTRAG})  # the service sets these itself (run folder, workers)
JA, NEIN = ("true", "ja", "1", "on"), ("false", "nein", "0", "off")


class OptionsFehler(BriefeFehler):
    """A run option with a wrong value; ``schluessel`` is its German key."""

    def __init__(self, schluessel: str, meldung: str) -> None:
        super().__init__(meldung)
        self.schluessel = schluessel


@dataclass(frozen=True)
class Angabe:
    """What a field of ``Laufoptionen`` is to a user."""

    schluessel: str  # key in job files and the service; the CLI flag is --schluessel (or ``flagge``)
    hilfe: str
    wege: frozenset[str]
    lies: Callable[[str, object], object]  # (key, TOML value) → field value; raises OptionsFehler
    text: Callable[[str, object], object] | None = None  # typed text (CLI, form) → a value for ``lies``
    flagge: str | None = None  # CLI flag when it differs from --schluessel; "" = positional
    metavar: str | None = None
    pfad: bool = False  # a path: relative to the job file's folder
    feld: str | None = None  # name in the service's form when it differs from ``schluessel``


def art(wert: object) -> str:
    """A value's kind, in German, for error messages."""
    if isinstance(wert, bool):
        return f"der Wahrheitswert {str(wert).lower()}"
    if isinstance(wert, int | float):
        return f"die Zahl {wert}"
    if isinstance(wert, str):
        return f"der Text „{wert}“"
    if isinstance(wert, list | tuple):
        return "eine Liste"
    if isinstance(wert, dict):
        return "eine Tabelle"
    return "ein Datum"


# --- readers of one value ----------------------------------------------------------------


def lies_text(schluessel: str, wert: object) -> str | None:
    if wert is None:
        return None
    if not isinstance(wert, str):
        raise OptionsFehler(schluessel, f"„{schluessel}“ muss ein Text in Anführungszeichen sein, "
                                        f"nicht {art(wert)}.")
    return wert.strip() or None


def _pfad(schluessel: str, wert: object) -> Path | None:
    if isinstance(wert, Path):
        return wert
    text = lies_text(schluessel, wert)
    return Path(text) if text else None


def _daten(schluessel: str, wert: object) -> Path | str | None:
    """A member file, or a database address kept as written (``postgresql://…``)."""
    from briefe.quellen.datenbank import ist_datenbank

    if isinstance(wert, Path):
        return wert
    text = lies_text(schluessel, wert)
    return text if text is None or ist_datenbank(text) else Path(text)


def lies_wahr(schluessel: str, wert: object) -> bool:
    if isinstance(wert, bool):
        return wert
    raise OptionsFehler(schluessel, f"„{schluessel}“ muss true oder false sein (ohne Anführungszeichen), "
                                    f"nicht {art(wert)}.")


def _ja_nein(schluessel: str, wert: object) -> object:
    text = wert.strip().lower() if isinstance(wert, str) else None
    return text in JA if text in JA or text in NEIN else wert


def _ganzzahl(schluessel: str, wert: object) -> object:
    return int(wert) if isinstance(wert, str) and wert.strip().lstrip("-").isdigit() else wert


def lies_ganz(minimum: int) -> Callable[[str, object], int]:
    def lies(schluessel: str, wert: object) -> int:
        if isinstance(wert, bool) or not isinstance(wert, int) or wert < minimum:
            raise OptionsFehler(schluessel, f"„{schluessel}“ muss eine ganze Zahl ab {minimum} sein, "
                                            f"nicht {art(wert)}.")
        return wert
    return lies


def _sekunden(schluessel: str, wert: object) -> float:
    try:
        zahl = float(str(wert).replace(",", ".")) if not isinstance(wert, bool) else -1.0
    except ValueError:
        zahl = -1.0
    if zahl < 0:
        raise OptionsFehler(schluessel, f"„{schluessel}“ muss eine Zahl von Sekunden ab 0 sein, "
                                        f"nicht {art(wert)}.")
    return zahl


def _formate_text(schluessel: str, wert: object) -> object:
    """``"pdf,docx"`` (command line) or form entries → a list."""
    return [wert] if isinstance(wert, str) else list(wert)


def _formate(schluessel: str, wert: object) -> tuple[str, ...]:
    """``["pdf", "docx"]``; an entry may name several, ``"pdf,docx"``."""
    teile = wert
    if not isinstance(teile, list | tuple) or not all(isinstance(t, str) for t in teile):
        raise OptionsFehler(schluessel, f'„{schluessel}“ muss eine Liste sein, z. B. {schluessel} = '
                                        f'["pdf", "docx"], nicht {art(wert)}.')
    formate = tuple(dict.fromkeys(f.strip().lower() for t in teile for f in t.replace(";", ",").split(",")
                                  if f.strip()))
    if not formate:
        raise OptionsFehler(schluessel, "Bitte mindestens ein Format wählen (pdf, docx).")
    unbekannt = [f for f in formate if f not in FORMATE]
    if unbekannt:
        raise OptionsFehler(schluessel, f"„{schluessel}“: unbekanntes Format „{unbekannt[0]}“; "
                                        f"möglich: {', '.join(FORMATE)}.")
    return formate


def _paare(schluessel: str, wert: object) -> tuple[tuple[str, str], ...]:
    """A TOML table (or the pairs read from text)."""
    if isinstance(wert, tuple):
        return wert
    if not isinstance(wert, dict):
        beispiel = _BEISPIEL[schluessel].replace("=", " = ", 1)
        raise OptionsFehler(schluessel, f"„{schluessel}“ muss eine Tabelle sein, z. B. {schluessel} = "
                                        f"{{ {beispiel} }}, nicht {art(wert)}.")
    paare = []
    for name, eintrag in wert.items():
        kein_text = schluessel == "filter" and not isinstance(eintrag, str)
        if isinstance(eintrag, list | dict) or kein_text:
            art_text = "ein Text in Anführungszeichen" if kein_text else "ein einzelner Wert"
            raise OptionsFehler(schluessel, f"„{schluessel}“: der Wert für „{name}“ muss {art_text} sein, "
                                            f"nicht {art(eintrag)}.")
        paare.append((str(name), als_eingabe(eintrag)))
    return tuple(paare)


def _paare_text(schluessel: str, wert: object) -> tuple[tuple[str, str], ...]:
    """``NAME=WERT`` texts, one per entry or line (empty lines skipped)."""
    paare = []
    for eintrag in [wert] if isinstance(wert, str) else wert:
        if isinstance(eintrag, tuple | list) and len(eintrag) == 2:
            paare.append((str(eintrag[0]), str(eintrag[1])))
            continue
        for teil in str(eintrag).splitlines():
            name, gleich, text = teil.partition("=")
            if not teil.strip():
                continue
            if not gleich or not name.strip():
                raise OptionsFehler(schluessel, f"{_BEZEICHNUNG[schluessel]} „{teil.strip()}“: erwartet "
                                                f"{_muster(schluessel)}, z. B. {_BEISPIEL[schluessel]}.")
            paare.append((name.strip(), text.strip()))
    return tuple(paare)


_BEZEICHNUNG = {"filter": "Filter", "werte": "Wert"}
_BEISPIEL = {"filter": "gremien=Lenkungskreis", "werte": "konferenz=12.03.2027"}


def _muster(schluessel: str) -> str:
    return "SPALTE=WERT" if schluessel == "filter" else "NAME=WERT"


def _pdf(schluessel: str, wert: object) -> str | None:
    """The PDF kind; ``standard`` is ``None``."""
    from briefe.satz.pdf.weasy import VARIANTEN

    art = lies_text(schluessel, wert) or "standard"
    if art not in VARIANTEN:
        raise OptionsFehler(schluessel, f"„{schluessel}“: unbekannte Art „{art}“; möglich: "
                                        f"{', '.join(VARIANTEN)}.")
    return None if art == "standard" else art


def _sachbearbeitung(schluessel: str, wert: object) -> Sachbearbeitung | None:
    """The clerk's data from a TOML file (``name``, ``zimmer``, ``telefon``, ``email``)."""
    if wert is None or isinstance(wert, Sachbearbeitung | Mapping):
        return wert
    return lies_sachbearbeitung(Path(str(wert)))


def _zahlen(schluessel: str, wert: object) -> str | None:
    """``punkt`` or ``deutsch``: how ``1.234`` in the list and in start values is read."""
    from briefe.quellen.zahlform import zahlen_einstellung

    try:
        return zahlen_einstellung(lies_text(schluessel, wert))
    except ValueError as fehler:
        raise OptionsFehler(schluessel, str(fehler)) from None


def _intern(schluessel: str, wert: object) -> object:
    return wert


def _angabe(standard: object = dataclasses.MISSING, *, fabrik: Callable | None = None, **angabe) -> object:
    if angabe.get("lies") is lies_wahr:
        angabe.setdefault("text", _ja_nein)  # true/false, ja/nein from a form
    metadaten = {"angabe": Angabe(**angabe)}
    if fabrik is not None:
        return field(default_factory=fabrik, metadata=metadaten)
    return field(default=standard, metadata=metadaten)


def _nirgends(name: str) -> dict:
    return {"schluessel": name, "hilfe": "", "wege": frozenset(), "lies": _intern}


# --- the options ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Laufoptionen:
    """Everything a run needs to know; the same for CLI, job files and the service."""

    vorlage: Path = _angabe(schluessel="vorlage", hilfe="Vorlage, z. B. vorlagen/bildungsnetzwerk-2011.md",
                            wege=ALLE, lies=_pfad, flagge="", metavar="VORLAGE", pfad=True)
    daten: Path | str = _angabe(
        schluessel="daten", wege=OHNE_DIENST, lies=_daten, flagge="", metavar="DATEN",
        pfad=True, hilfe="Mitgliederliste (CSV, XLSX oder JSON) oder Datenbankadresse, z. B. "
                         "postgresql://benutzer@rechner/verein oder sqlite:///mitglieder.db (mit abfrage)")
    ausgabe: Path = _angabe(Path("ausgabe"), schluessel="ausgabe", wege=OHNE_DIENST,
                            lies=_pfad, metavar="ORDNER", pfad=True,
                            hilfe="Ordner für Briefe und Protokoll (Standard: ausgabe/); in einem "
                                  "Auftrag darf er {datum}, {monat} oder {jahr} enthalten")
    formate: tuple[str, ...] = _angabe(
        FORMATE, schluessel="formate", wege=ALLE, lies=_formate, text=_formate_text, flagge="--format",
        metavar="pdf,docx", hilfe="Dateiformate je Brief (Standard: pdf und docx)")
    filter: tuple[tuple[str, str], ...] = _angabe(
        (), schluessel="filter", wege=ALLE, lies=_paare, text=_paare_text, metavar="SPALTE=WERT",
        hilfe="nur passende Empfänger; mehrfach möglich; bei „gremien“ zählt die Mitgliedschaft, "
              "z. B. gremien=Lenkungskreis")
    blatt: str | None = _angabe(None, schluessel="blatt", wege=ALLE, lies=lies_text, metavar="NAME",
                                hilfe="Tabellenblatt einer XLSX-Datei (Standard: das erste)")
    zahlen: str | None = _angabe(None, schluessel="zahlen", wege=ALLE, lies=_zahlen, metavar="ART",
                                 hilfe="wie „1.234“ gelesen wird: punkt (Dezimalpunkt, 1,234) oder "
                                       "deutsch (1.234,00); Standard: nach der Spalte")
    sammel: bool = _angabe(False, schluessel="sammel", wege=ALLE, lies=lies_wahr,
                           hilfe="zusätzlich serienbrief.pdf und serienbrief.docx mit allen Briefen")
    duplex: bool = _angabe(False, schluessel="duplex", wege=ALLE, lies=lies_wahr,
                           hilfe="im Sammel-PDF Leerseiten einfügen, damit jeder Brief auf einer "
                                 "Vorderseite beginnt")
    zip: bool = _angabe(False, schluessel="zip", wege=OHNE_DIENST, lies=lies_wahr,
                        hilfe="alles zusätzlich als serienbrief.zip")
    pdf_variante: str | None = _angabe(None, schluessel="pdf", wege=ALLE, lies=_pdf, metavar="ART",
                                       hilfe="PDF-Art: standard, archiv, barrierefrei oder "
                                             "archiv-barrierefrei; prüfen mit „briefe pdf pruefen DATEI.pdf“")
    jobs: int = _angabe(0, schluessel="jobs", wege=OHNE_DIENST, lies=lies_ganz(0), text=_ganzzahl,
                        metavar="N", hilfe="Anzahl paralleler Prozesse (Standard: 0 = Anzahl der Kerne)")
    fortsetzen: bool = _angabe(False, schluessel="fortsetzen", wege=NUR_BEFEHL, lies=lies_wahr,
                               hilfe="abgebrochenen Lauf fortsetzen: fertige, geprüfte Briefe behalten")
    vorlagen_ordner: Path | None = _angabe(None, **_nirgends("vorlagen_ordner"))
    zeitgrenze: float = _angabe(ZEITGRENZE, schluessel="zeitgrenze", wege=NUR_BEFEHL, lies=_sekunden,
                                metavar="SEKUNDEN",
                                hilfe="höchstens so lange je Brief, sonst wird die Zeile als Fehler "
                                      "gemeldet (Standard: 60; 0 = ohne Grenze)")
    lesegrenzen: Lesegrenzen = _angabe(fabrik=Lesegrenzen, **_nirgends("lesegrenzen"))
    werte: tuple[tuple[str, str], ...] = _angabe(
        (), schluessel="werte", wege=ALLE, lies=_paare, text=_paare_text, flagge="--wert", feld="wert",
        metavar="NAME=WERT", hilfe="Wert beim Start, den die Vorlage erfragt; mehrfach möglich, z. B. "
                                   "konferenz=12.03.2027 (welche Werte: briefe vorlagen)")
    abfrage: str | None = _angabe(None, schluessel="abfrage", wege=OHNE_DIENST, lies=lies_text,
                                  metavar="SQL",
                                  hilfe="bei einer Datenbank: die Abfrage, die die Mitglieder liest, z. B. "
                                        "\"SELECT * FROM mitglieder WHERE austritt IS NULL\"; Werte als "
                                        ":name aus den Werten beim Start")
    abfrage_datei: Path | None = _angabe(None, schluessel="abfrage_datei", wege=OHNE_DIENST,
                                         lies=_pfad, metavar="DATEI.sql", pfad=True,
                                         hilfe="bei einer Datenbank: die Abfrage aus einer Datei")
    schluessel: str | None = _angabe(None, schluessel="schluessel", wege=OHNE_DIENST,
                                     lies=lies_text, metavar="SPALTE",
                                     hilfe="Spalte, die einen Datensatz bezeichnet (z. B. mitgliedsnr); "
                                           "steht im Protokoll und in Meldungen")
    # the clerk's data for the info block (as a dict when it comes from JSON)
    sachbearbeitung: Sachbearbeitung | Mapping[str, str] | None = _angabe(
        None, schluessel="sachbearbeitung", wege=NUR_BEFEHL, lies=_sachbearbeitung, metavar="DATEI.toml",
        hilfe="eigene Absenderangaben (name, zimmer, telefon, email) für „Auskunft erteilt“, Telefon und "
              "E-Mail im Informationsblock")


def angaben(weg: str | None = None) -> dict[str, tuple[str, Angabe]]:
    """German key → (field name, its ``Angabe``), for the fields a user may set on ``weg``."""
    return {f.metadata["angabe"].schluessel: (f.name, f.metadata["angabe"])
            for f in dataclasses.fields(Laufoptionen)
            if weg is None or weg in f.metadata["angabe"].wege}


def lies_eintraege(eintraege: Mapping[str, object], weg: str) -> dict[str, object]:
    """``{German key: raw value}`` → keyword arguments of ``Laufoptionen``; keys not declared
    for ``weg`` are refused."""
    erlaubt = angaben(weg)
    felder = {}
    for schluessel, wert in eintraege.items():
        if schluessel not in erlaubt:
            raise OptionsFehler(schluessel, f"Unbekannte Angabe „{schluessel}“; möglich: "
                                            f"{', '.join(erlaubt)}.")
        name, angabe = erlaubt[schluessel]
        if weg != AUFTRAG and angabe.text is not None:
            wert = angabe.text(schluessel, wert)
        felder[name] = angabe.lies(schluessel, wert)
    return felder


def laufoptionen(eintraege: Mapping[str, object], weg: str, **intern) -> Laufoptionen:
    """The options from one reader's entries (plus fields no user sets: ``intern``)."""
    return Laufoptionen(**lies_eintraege(eintraege, weg), **intern)
