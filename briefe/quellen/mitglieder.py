"""Member lists (Mitgliederlisten) as offices export them: CSV, XLSX, JSON.

Every format becomes one ``Mitgliederliste`` of immutable ``Empfaenger``.
Header names are matched loosely against known aliases (``Straße``, ``Str.``,
``STRASSE`` all become ``strasse``); other columns keep a normalised name for
templates. Values are untrusted data: they are cleaned (control characters,
odd spaces, Unicode normal form) but never interpreted.

Row numbers are those a spreadsheet shows: header = 1, first member = 2; empty
rows are skipped but still counted. In JSON the n-th object (from 0) is row
n + 2 likewise.

Limits: CSV and JSON files up to 100 MB; XLSX files are checked before
opening (at most 200 MB uncompressed in total, at most 100:1 compression for
any member larger than 1 MB, at most 10 000 members) and parsed by openpyxl
with defusedxml.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import io
import itertools
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from briefe.fehler import DatenFehler

MAX_DATEIGROESSE = 100 * 1024 * 1024
XLSX_MAX_ENTPACKT = 200 * 1024 * 1024
XLSX_MAX_VERHAELTNIS = 100
XLSX_VERHAELTNIS_AB = 1024 * 1024
XLSX_MAX_EINTRAEGE = 10_000
MAX_ZEILEN = 100_000  # members per list, checked while reading

# Candidate encodings after BOM and UTF-8: offices export Windows-1252; old
# DOS tools cp850. Wider candidate sets make charset-normalizer pick cp1250 or
# mac_roman for short German texts.
KODIERUNGEN_8BIT = ("cp1252", "cp850")
TRENNZEICHEN = (";", "\t", ",")
KOPF_SUCHTIEFE = 10  # header is searched in the first rows that are not empty

# Loose key (lower case ASCII, letters and digits only) -> canonical column.
ALIASE: Mapping[str, str] = MappingProxyType({
    "name": "nachname", "nachname": "nachname", "familienname": "nachname",
    "vorname": "vorname", "rufname": "vorname",
    "anrede": "anrede", "geschlecht": "anrede",
    "titel": "titel", "akadtitel": "titel", "akademischertitel": "titel",
    "akademischergrad": "titel",
    "funktion": "funktion", "position": "funktion",
    "einrichtung": "organisation", "institution": "organisation",
    "organisation": "organisation", "firma": "organisation",
    "zusatz": "zusatz", "abteilung": "zusatz", "adresszusatz": "zusatz",
    "anschriftzusatz": "zusatz",
    "strasse": "strasse", "str": "strasse", "strassehausnummer": "strasse",
    "strasseundhausnummer": "strasse", "strassehausnr": "strasse",
    "hausnummer": "hausnummer", "hausnr": "hausnummer",
    "postfach": "postfach",
    "plz": "plz", "postleitzahl": "plz",
    "ort": "ort", "stadt": "ort", "wohnort": "ort",
    "land": "land", "staat": "land",
    "email": "email", "mail": "email", "emailadresse": "email",
    "gremien": "gremien", "gremium": "gremien",
})
BEKANNTE_SPALTEN = frozenset(ALIASE.values())

_INLAND = frozenset({
    "", "d", "de", "deu", "ger", "brd", "deutschland", "germany",
    "bundesrepublikdeutschland",
})

_UMLAUTE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NICHT_ALNUM = re.compile(r"[^a-z0-9]+")
# Control and invisible format characters; \n is handled before.
_STEUERZEICHEN = re.compile(
    "[\x00-\x09\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
_LEERRAUM = re.compile("[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_ZEILENUMBRUCH = re.compile("\r\n|[\r\x0b\x1c-\x1e\x85\u2028\u2029]")
_XLSX_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Four digits that lost a leading zero: German regions 01-04, 06-09 (00, 05 unused).
_PLZ_ZAHL = re.compile(r"([1-46-9]\d{3}|\d{5})(?:[.,]0+)?")
_SEP_ZEILE = re.compile(r'"?sep=(.)"?')


class Feldwert(str):
    """A member value as text that knows its list heading (``spalte``) and, for numbers
    typed in XLSX/JSON, their exact value (``zahl``); filters name the column in errors."""

    spalte: str
    zahl: Decimal | None

    def __new__(cls, text: str, spalte: str, zahl: Decimal | None = None) -> Feldwert:
        wert = super().__new__(cls, text)
        wert.spalte, wert.zahl = spalte, zahl
        return wert

    def __reduce__(self):
        return (Feldwert, (str(self), self.spalte, self.zahl))


@dataclass(frozen=True)
class Empfaenger:
    """One member row: normalised column name -> cleaned value."""

    zeile: int
    felder: Mapping[str, object] = field(hash=False)
    datei: str | None = None  # file name for error locations
    koepfe: Mapping[str, str] | None = field(default=None, hash=False, compare=False)
    # (column, German message) for values that could not be read; the row becomes an error
    lesefehler: tuple[tuple[str, str], ...] = field(default=(), hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.felder, MappingProxyType):
            object.__setattr__(self, "felder", MappingProxyType(dict(self.felder)))
        if self.koepfe is not None and not isinstance(self.koepfe, MappingProxyType):
            object.__setattr__(self, "koepfe", MappingProxyType(dict(self.koepfe)))

    def __reduce__(self):
        # mappingproxy cannot be pickled; worker processes receive members.
        koepfe = dict(self.koepfe) if self.koepfe is not None else None
        return (type(self), (self.zeile, dict(self.felder), self.datei, koepfe, self.lesefehler))

    def kopf(self, name: str) -> str:
        """The list's own heading of a column (``PLZ`` for ``plz``), else the name."""
        return (self.koepfe or {}).get(name) or name

    def wert(self, name: str) -> str:
        """The value of a column as a stripped string ('' when missing)."""
        wert = self.felder.get(name)
        if wert is None:
            wert = self.felder.get(normalisiere_spalte(name))
        return als_text(wert)


@dataclass(frozen=True)
class Mitgliederliste:
    """A read member list; ``hinweise`` are German notes for the protocol."""

    quelle: Path
    spalten: tuple[tuple[str, str], ...]
    empfaenger: tuple[Empfaenger, ...]
    kodierung: str | None
    hinweise: tuple[str, ...] = ()
    trennzeichen: str | None = None  # detected CSV separator
    weitere_spalten: tuple[tuple[str, str], ...] = ()  # (header, name) of columns only a template uses


def schluessel(text: str) -> str:
    """Loose comparison key: lower-case ASCII letters and digits only."""
    return _ascii(text).replace("_", "")


def normalisiere_spalte(kopf: str) -> str:
    """Canonical name of a column header (alias or transliterated name)."""
    name = _ascii(str(kopf))
    return ALIASE.get(name.replace("_", ""), name)


def ist_inland(land: str) -> bool:
    """True for an empty country or one meaning Germany."""
    return schluessel(land) in _INLAND


def als_text(wert: object) -> str:
    """A field value as the string a letter shows."""
    if wert is None:
        return ""
    if isinstance(wert, dt.datetime):
        return wert.strftime("%d.%m.%Y %H:%M")
    if isinstance(wert, dt.date):
        return wert.strftime("%d.%m.%Y")
    return str(wert).strip()


def passt_filter(e: Empfaenger, spalte: str, wert: str) -> bool:
    """Whether a member matches ``--filter spalte=wert``."""
    name = normalisiere_spalte(spalte)
    gesucht = _vergleichbar(wert)
    if name == "gremien":
        return gesucht in {_vergleichbar(g) for g in gremien(e)}
    return _vergleichbar(e.wert(name)) == gesucht


def gremien(e: Empfaenger) -> list[str]:
    """The committees of a member (comma, semicolon or line separated)."""
    return [g.strip() for g in re.split(r"[,;\n]", e.wert("gremien")) if g.strip()]


@dataclass(frozen=True)
class Lesegrenzen:
    """Limits checked while reading: rows (a file error) and characters per value (a row error)."""

    max_zeilen: int = MAX_ZEILEN
    max_feldlaenge: int | None = None


def lies_mitglieder(pfad: Path | str, blatt: str | None = None,
                    grenzen: Lesegrenzen = Lesegrenzen()) -> Mitgliederliste:  # noqa: B008 - frozen
    """Read a member list; raises ``DatenFehler`` when it cannot be read at all."""
    pfad = Path(pfad)
    datei = pfad.name
    try:
        with pfad.open("rb") as f:
            kopf = f.read(8)
            f.seek(0, io.SEEK_END)
            groesse = f.tell()
    except FileNotFoundError:
        raise DatenFehler("Die Datei gibt es nicht.", datei=str(pfad)) from None
    except IsADirectoryError:
        raise DatenFehler("Das ist ein Ordner, keine Datei.", datei=str(pfad)) from None
    except PermissionError:
        raise DatenFehler("Keine Berechtigung, die Datei zu lesen.", datei=str(pfad)) from None
    except OSError as fehler:
        raise DatenFehler(
            f"Die Datei kann nicht geöffnet werden ({fehler.strerror}).", datei=str(pfad)
        ) from None
    if groesse == 0:
        raise DatenFehler("Die Datei ist leer.", datei=datei)

    endung = pfad.suffix.lower()
    if kopf.startswith(b"\xd0\xcf\x11\xe0"):
        raise DatenFehler(
            "Die Datei ist eine alte Excel-Datei (.xls) oder mit Kennwort geschützt. "
            "Bitte in Excel ohne Kennwort als „Excel-Arbeitsmappe (*.xlsx)“ "
            "oder als „CSV UTF-8“ speichern.",
            datei=datei,
        )
    if endung in (".xlsx", ".xlsm") or kopf.startswith(b"PK\x03\x04"):
        return _lies_xlsx(pfad, blatt, grenzen)
    if endung in (".ods", ".numbers"):
        raise DatenFehler(
            f"Das Format „{endung}“ wird nicht gelesen. Bitte als XLSX oder CSV speichern.",
            datei=datei,
        )
    if groesse > MAX_DATEIGROESSE:
        raise DatenFehler(
            f"Die Datei ist zu groß ({groesse // 2**20} MB, höchstens "
            f"{MAX_DATEIGROESSE // 2**20} MB).",
            datei=datei,
        )
    daten = pfad.read_bytes()
    if endung == ".json" or (
        endung not in (".csv", ".txt", ".tsv") and daten.lstrip()[:1] in (b"[", b"{")
    ):
        return _lies_json(pfad, daten, grenzen)
    return _lies_csv(pfad, daten, grenzen)


# --- values -----------------------------------------------------------------


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().translate(_UMLAUTE)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(z for z in text if not unicodedata.combining(z))
    return _NICHT_ALNUM.sub("_", text).strip("_")


def _vergleichbar(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub("[\u2010-\u2015\u2212]", "-", text)
    return " ".join(text.split())


def bereinige(text: str) -> str:
    """A cleaned value: line breaks as \\n, no control characters, single spaces."""
    text = _ZEILENUMBRUCH.sub("\n", text).replace("\t", " ")
    text = _STEUERZEICHEN.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _LEERRAUM.sub(" ", text)
    if "\n" in text:
        return "\n".join(z.strip() for z in text.split("\n") if z.strip())
    return text.strip()


def _xlsx_zeichen(treffer: re.Match) -> str:
    code = int(treffer.group(1), 16)
    return "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)


def _wert(roh: object, xlsx: bool = False) -> object:
    """A cell or JSON value as str or datetime.date."""
    if roh is None:
        return ""
    if isinstance(roh, str):
        if xlsx and "_x" in roh:
            roh = _XLSX_ESCAPE.sub(_xlsx_zeichen, roh)
        return bereinige(roh)
    if isinstance(roh, bool):
        return "WAHR" if roh else "FALSCH"
    if isinstance(roh, int):
        return str(roh)
    if isinstance(roh, float):
        if roh != roh or roh in (float("inf"), float("-inf")):
            return ""
        return str(int(roh)) if roh.is_integer() else repr(roh)
    if isinstance(roh, Decimal):
        return str(roh)
    if isinstance(roh, dt.datetime):
        return roh.date() if roh.time() == dt.time() else roh
    if isinstance(roh, dt.date):
        return roh
    if isinstance(roh, dt.time):
        return roh.strftime("%H:%M:%S" if roh.second else "%H:%M")
    if isinstance(roh, (list, tuple)):
        return ", ".join(t for t in (als_text(_wert(x, xlsx)) for x in roh) if t)
    if isinstance(roh, dict):
        return bereinige(json.dumps(roh, ensure_ascii=False))
    return bereinige(str(roh))


def _genaue_zahl(roh: object) -> Decimal | None:
    """The exact value of a typed number cell (the float's shortest text, not its binary)."""
    if isinstance(roh, bool) or not isinstance(roh, (int, float, Decimal)):
        return None
    zahl = Decimal(repr(roh)) if isinstance(roh, float) else Decimal(roh)
    return zahl if zahl.is_finite() else None


def _korrigiere_plz(felder: dict[str, object]) -> None:
    """Give a German postcode its leading zero back (Excel drops it)."""
    plz = felder.get("plz")
    if not isinstance(plz, str) or not ist_inland(als_text(felder.get("land"))):
        return
    treffer = _PLZ_ZAHL.fullmatch(plz)
    if treffer:
        felder["plz"] = treffer.group(1).zfill(5)


class _LangeZahl(str):
    """A JSON integer with more digits than Python converts; kept as its digits."""


MAX_ZAHL_STELLEN = 4300  # Python's int limit (sys.get_int_max_str_digits)
MAX_TIEFE = 20  # nesting of lists and objects in one JSON value
_SURROGAT = re.compile("[\ud800-\udfff]")


def _tiefe(wert: object, grenze: int) -> int:
    """Nesting depth of a JSON value, counted up to ``grenze + 1`` (no recursion)."""
    tiefe, ebene = 0, [wert]
    while ebene and tiefe <= grenze:
        naechste = []
        for x in ebene:
            if isinstance(x, list | tuple):
                naechste.extend(x)
            elif isinstance(x, dict):
                naechste.extend(x.values())
        if not naechste and not any(isinstance(x, list | tuple | dict) for x in ebene):
            break
        tiefe += 1
        ebene = naechste
    return tiefe


def _unlesbar(roh: object, max_laenge: int | None = None) -> str:
    """Why a raw cell cannot go into a letter ('' when it can)."""
    if max_laenge and isinstance(roh, str) and len(roh) > max_laenge:
        return (f"Der Wert ist zu lang ({len(roh):,} Zeichen, höchstens {max_laenge:,})."
                .replace(",", "."))
    if isinstance(roh, _LangeZahl):
        return f"Die Zahl hat {len(roh):,} Stellen und ist zu lang.".replace(",", ".")
    if isinstance(roh, list | tuple | dict):
        if _tiefe(roh, MAX_TIEFE) > MAX_TIEFE:
            return f"Der Wert ist zu tief verschachtelt (mehr als {MAX_TIEFE} Ebenen)."
        text = json.dumps(roh, ensure_ascii=False, default=str)
        if _SURROGAT.search(text):
            return _SURROGAT_TEXT
        return ""
    if isinstance(roh, str) and _SURROGAT.search(roh):
        return _SURROGAT_TEXT
    return ""


_SURROGAT_TEXT = ("Der Wert enthält ein ungültiges Zeichen (ein einzelnes UTF-16-Ersatzzeichen "
                  "wie \\ud800); bitte in der Quelldatei korrigieren.")


def _lesbar(roh: object) -> str:
    """What an unreadable cell shows in messages and file names: nothing."""
    return ""


# --- rows to members --------------------------------------------------------


def _baue_liste(
    pfad: Path,
    zeilen: Iterable[tuple[int, Sequence[object]]],
    *,
    kodierung: str | None = None,
    trennzeichen: str | None = None,
    xlsx: bool = False,
    kopf_suchen: bool = True,
    grenzen: Lesegrenzen = Lesegrenzen(),  # noqa: B008 - frozen
) -> Mitgliederliste:
    """Header search, column mapping and member building shared by all formats."""
    datei = pfad.name
    notizen: list[str] = []
    zeilen = iter(zeilen)
    vorlauf: list[tuple[int, Sequence[object]]] = []
    for nr, zellen in zeilen:
        if any(_wert(z, xlsx) != "" for z in zellen):
            vorlauf.append((nr, zellen))
            if len(vorlauf) >= KOPF_SUCHTIEFE:
                break
    if not vorlauf:
        raise DatenFehler("Die Liste enthält keine Kopfzeile und keine Daten.", datei=datei)

    kopf_index = 0
    for i, (_, zellen) in enumerate(vorlauf if kopf_suchen else ()):
        if _anzahl_bekannt(zellen) >= 2:
            kopf_index = i
            break
    kopf_nr, kopf = vorlauf[kopf_index]
    if kopf_index:
        notizen.append(
            f"Zeilen 1 bis {kopf_nr - 1} stehen über der Kopfzeile und werden übersprungen."
        )
    weitere: list[tuple[str, str]] = []
    spalten, plan = _spaltenplan(kopf, notizen, weitere)

    roh: list[tuple[int, dict[str, object]]] = []
    fehler_je_zeile: dict[int, list[tuple[str, str]]] = {}
    zahlen: dict[tuple[int, str], Decimal] = {}  # typed numbers (XLSX, JSON), exact
    ueberlang: list[int] = []
    for nr, zellen in itertools.chain(vorlauf[kopf_index + 1:], zeilen):
        probleme = [(i, _unlesbar(z, grenzen.max_feldlaenge)) for i, z in enumerate(zellen)]
        probleme = [(i, p) for i, p in probleme if p]
        if probleme:
            zellen = list(zellen)
            for i, _ in probleme:
                zellen[i] = _lesbar(zellen[i])
        werte = [_wert(z, xlsx) for z in zellen]
        if not any(w != "" for w in werte):
            continue
        if any(w != "" for w in werte[len(kopf):]):
            ueberlang.append(nr)
        felder: dict[str, object] = {}
        for index, name in plan:
            wert = werte[index] if index < len(werte) else ""
            if felder.get(name, "") == "":
                felder[name] = wert
                genau = _genaue_zahl(zellen[index] if index < len(zellen) else None)
                if genau is not None:
                    zahlen[(nr, name)] = genau
        _korrigiere_plz(felder)
        namen = dict(plan)
        if probleme:
            fehler_je_zeile[nr] = [(namen.get(i, f"spalte_{_spaltenbuchstabe(i)}"), p) for i, p in probleme]
        roh.append((nr, felder))
        if len(roh) > grenzen.max_zeilen:
            raise DatenFehler(
                f"Die Liste hat mehr als {grenzen.max_zeilen:,} Zeilen; erlaubt sind höchstens "
                f"{grenzen.max_zeilen:,}. Bitte die Liste teilen.".replace(",", "."),
                datei=datei, zeile=nr)

    # Columns without a header count only when some row fills them.
    ohne_kopf = {name for text, name in spalten if not text}
    benutzt = {n for n in ohne_kopf if any(f[n] != "" for _, f in roh)}
    for _, name in spalten:
        if name in benutzt:
            notizen.append(
                f"Spalte {name.removeprefix('spalte_').upper()} hat keine Überschrift; "
                f"in der Vorlage heißt sie „{name}“."
            )
    spalten = tuple((t, n) for t, n in spalten if t or n in benutzt)
    koepfe: dict[str, str] = {}
    for text, name in spalten:
        koepfe.setdefault(name, text or name)
    koepfe_ansicht = MappingProxyType(koepfe)
    empfaenger = []
    for nr, felder in roh:
        for name in ohne_kopf - benutzt:
            del felder[name]
        for name, wert in felder.items():
            if isinstance(wert, str) and wert:
                felder[name] = Feldwert(wert, koepfe.get(name, name), zahlen.pop((nr, name), None))
        empfaenger.append(Empfaenger(nr, MappingProxyType(felder), datei, koepfe_ansicht,
                                     tuple(fehler_je_zeile.get(nr, ()))))

    if ueberlang:
        liste = ", ".join(str(n) for n in ueberlang[:5])
        mehr = f" und {len(ueberlang) - 5} weiteren" if len(ueberlang) > 5 else ""
        notizen.append(
            f"Zeile {liste}{mehr} hat mehr Werte als die Kopfzeile Spalten; "
            "die überzähligen Werte werden nicht verwendet."
        )
    if not empfaenger:
        notizen.append("Die Liste enthält keine Mitglieder.")
    return Mitgliederliste(
        quelle=pfad,
        spalten=spalten,
        empfaenger=tuple(empfaenger),
        kodierung=kodierung,
        hinweise=tuple(notizen),
        trennzeichen=trennzeichen,
        weitere_spalten=tuple(weitere),
    )


def _anzahl_bekannt(zellen: Sequence[object]) -> int:
    return len({normalisiere_spalte(z) for z in zellen if isinstance(z, str)} & BEKANNTE_SPALTEN)


def weitere_spalten_hinweis(weitere: Sequence[tuple[str, str]]) -> str | None:
    """The note on columns that are not address columns (for a list read without a template)."""
    if not weitere:
        return None
    return "Weitere Spalten für die Vorlage: " + ", ".join(f"„{t}“ als {n}" for t, n in weitere) + "."


def _spaltenplan(
    kopf: Sequence[object], notizen: list[str], weitere: list[tuple[str, str]]
) -> tuple[tuple[tuple[str, str], ...], list[tuple[int, str]]]:
    """(header, name) pairs and (cell index, name) for the used columns; ``weitere`` gets
    the columns that are neither known nor a likely typo."""
    spalten: list[tuple[str, str]] = []
    plan: list[tuple[int, str]] = []
    erste: dict[str, str] = {}
    for index, zelle in enumerate(kopf):
        text = als_text(_wert(zelle))
        name = normalisiere_spalte(text)
        if not name:
            name = f"spalte_{_spaltenbuchstabe(index)}"
        spalten.append((text, name))
        plan.append((index, name))
        if not text:
            continue
        if name in erste:
            notizen.append(
                f"Die Spalten „{erste[name]}“ und „{text}“ bedeuten beide „{name}“; "
                f"verwendet wird „{erste[name]}“, leere Werte aus „{text}“ ergänzt."
            )
            continue
        erste[name] = text
        if name not in BEKANNTE_SPALTEN:
            aehnlich = difflib.get_close_matches(schluessel(text), ALIASE, n=1, cutoff=0.8)
            if aehnlich:
                notizen.append(
                    f"Spalte „{text}“ ist unbekannt. Ist „{ALIASE[aehnlich[0]]}“ gemeint?"
                )
            else:
                weitere.append((text, name))
    if weitere:
        notizen.append(weitere_spalten_hinweis(weitere))
    if not {"nachname", "organisation"} & set(erste):
        notizen.append(
            "Keine Spalte für Name oder Einrichtung erkannt. "
            "Hat die Liste eine Kopfzeile mit z. B. „Name“, „Einrichtung“, „PLZ“, „Ort“?"
        )
    return tuple(spalten), plan


def _spaltenbuchstabe(index: int) -> str:
    buchstaben = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        buchstaben = chr(ord("a") + rest) + buchstaben
    return buchstaben


# --- CSV --------------------------------------------------------------------


def _dekodiere(daten: bytes, datei: str) -> tuple[str, str]:
    """Text and encoding name: BOM, then UTF-8, then charset-normalizer."""
    for bom, kodierung in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                           (codecs.BOM_UTF16_BE, "utf-16"), (b"", "utf-8")):
        if daten.startswith(bom):
            try:
                return daten.decode(kodierung), kodierung
            except UnicodeDecodeError:
                pass
    import charset_normalizer  # only needed for a file that is not UTF-8

    treffer = charset_normalizer.from_bytes(daten, cp_isolation=list(KODIERUNGEN_8BIT)).best()
    if treffer is None:
        raise DatenFehler(
            "Die Zeichenkodierung der Datei ist nicht zu erkennen. "
            "Bitte in Excel als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern.",
            datei=datei,
        )
    return str(treffer), treffer.encoding


def _erkenne_trennzeichen(text: str) -> str:
    """The separator whose parse gives known headers and consistent rows."""
    bestes, beste_wertung = TRENNZEICHEN[0], None
    for zeichen in TRENNZEICHEN:
        leser = csv.reader(io.StringIO(text, newline=""), delimiter=zeichen)
        try:
            probe = [
                z for z in itertools.islice(leser, 50) if any(f.strip(" \t;,") for f in z)
            ]
        except csv.Error:
            continue
        if not probe:
            continue
        kopf = max(probe[:KOPF_SUCHTIEFE], key=_anzahl_bekannt)
        breite = len(kopf)
        gleich = sum(1 for z in probe if len(z) == breite)
        wertung = (_anzahl_bekannt(kopf), breite > 1, gleich, breite)
        if beste_wertung is None or wertung > beste_wertung:
            bestes, beste_wertung = zeichen, wertung
    return bestes


def _pruefe_anfuehrungszeichen(zellen: Sequence[str], zeichen: str, nr: int, datei: str) -> None:
    """A quote that is never closed swallows the following rows into one field: such a field
    holds several lines that look like rows (with separators). Refuse the file."""
    for index, feld in enumerate(zellen):
        if feld.count("\n") < 2:
            continue
        wie_zeilen = sum(1 for teil in feld.split("\n")[1:] if teil.count(zeichen) >= 2)
        if wie_zeilen >= 2:
            raise DatenFehler(
                f"In Spalte {_spaltenbuchstabe(index).upper()} steht ein Anführungszeichen (\"), das "
                f"nicht geschlossen wird: dadurch würden die folgenden {feld.count(chr(10))} Zeilen als "
                "ein einziger Wert gelesen und fehlten in der Liste. Bitte das Anführungszeichen in der "
                "Datei entfernen oder schließen.",
                datei=datei, zeile=nr)


def _lies_csv(pfad: Path, daten: bytes, grenzen: Lesegrenzen = Lesegrenzen()) -> Mitgliederliste:  # noqa: B008
    text, kodierung = _dekodiere(daten, pfad.name)
    text = text.replace("\x00", "")
    erste, _, rest = text.partition("\n")
    sep = _SEP_ZEILE.fullmatch(erste.strip())
    if sep and sep.group(1) in TRENNZEICHEN:  # Excel's "sep=;" line, hidden by Excel
        zeichen, text = sep.group(1), rest
    else:
        zeichen = _erkenne_trennzeichen(text)
    leser = csv.reader(io.StringIO(text, newline=""), delimiter=zeichen, strict=False)

    def zeilen() -> Iterator[tuple[int, Sequence[object]]]:
        nr = 0
        try:
            for nr, zellen in enumerate(leser, start=1):  # noqa: B007
                _pruefe_anfuehrungszeichen(zellen, zeichen, nr, pfad.name)
                yield nr, zellen
        except csv.Error as fehler:
            raise DatenFehler(
                f"Die CSV-Datei ist fehlerhaft ({fehler}).", datei=pfad.name, zeile=nr + 1
            ) from None

    return _baue_liste(pfad, zeilen(), kodierung=kodierung, trennzeichen=zeichen, grenzen=grenzen)


# --- XLSX -------------------------------------------------------------------


def _pruefe_zip(pfad: Path) -> None:
    """Reject non-zip files and zip bombs before openpyxl sees the file."""
    keine_xlsx = (
        "Die Datei ist keine Excel-Arbeitsmappe (XLSX). "
        "Bitte in Excel als „Excel-Arbeitsmappe (*.xlsx)“ oder als CSV speichern."
    )
    try:
        archiv = zipfile.ZipFile(pfad)
    except (zipfile.BadZipFile, OSError):
        raise DatenFehler(keine_xlsx, datei=pfad.name) from None
    with archiv:
        eintraege = archiv.infolist()
        if len(eintraege) > XLSX_MAX_EINTRAEGE:
            raise DatenFehler(
                f"Die Excel-Datei enthält ungewöhnlich viele Teile ({len(eintraege)}) "
                "und wird nicht geöffnet.",
                datei=pfad.name,
            )
        gesamt = 0
        for eintrag in eintraege:
            gesamt += eintrag.file_size
            if gesamt > XLSX_MAX_ENTPACKT:
                raise DatenFehler(
                    "Die Excel-Datei wäre entpackt größer als "
                    f"{XLSX_MAX_ENTPACKT // 2**20} MB und wird nicht geöffnet.",
                    datei=pfad.name,
                )
            if (
                eintrag.file_size > XLSX_VERHAELTNIS_AB
                and eintrag.file_size > XLSX_MAX_VERHAELTNIS * max(eintrag.compress_size, 1)
            ):
                raise DatenFehler(
                    f"Der Teil „{eintrag.filename}“ der Excel-Datei ist auffällig stark "
                    f"gepackt (mehr als {XLSX_MAX_VERHAELTNIS}:1); die Datei wird nicht "
                    "geöffnet.",
                    datei=pfad.name,
                )
        if "[Content_Types].xml" not in archiv.namelist():
            raise DatenFehler(keine_xlsx, datei=pfad.name)


def _lies_xlsx(pfad: Path, blatt: str | None, grenzen: Lesegrenzen = Lesegrenzen()) -> Mitgliederliste:  # noqa: B008
    import openpyxl  # only needed for XLSX

    _pruefe_zip(pfad)
    try:
        mappe = openpyxl.load_workbook(pfad, read_only=True, data_only=True, keep_links=False)
    except Exception as fehler:  # openpyxl raises many kinds for broken files
        raise DatenFehler(
            f"Die Excel-Datei ist beschädigt oder kein gültiges XLSX ({type(fehler).__name__}).",
            datei=pfad.name,
        ) from None
    try:
        blaetter = mappe.worksheets
        if not blaetter:
            raise DatenFehler("Die Excel-Datei enthält keine Tabellenblätter.", datei=pfad.name)
        if blatt is None:
            tabelle = blaetter[0]
        else:
            passend = [b for b in blaetter if b.title == blatt] or [
                b for b in blaetter if b.title.strip().casefold() == blatt.strip().casefold()
            ]
            if not passend:
                namen = ", ".join(f"„{b.title}“" for b in blaetter)
                raise DatenFehler(
                    f"Das Blatt „{blatt}“ gibt es nicht. Vorhandene Blätter: {namen}.",
                    datei=pfad.name,
                )
            tabelle = passend[0]
        tabelle.reset_dimensions()  # some writers store wrong dimensions
        try:
            return _baue_liste(
                pfad, enumerate(tabelle.iter_rows(values_only=True), start=1), xlsx=True,
                grenzen=grenzen)
        except DatenFehler:
            raise
        except Exception as fehler:
            raise DatenFehler(
                f"Das Blatt „{tabelle.title}“ ist beschädigt ({type(fehler).__name__}).",
                datei=pfad.name,
            ) from None
    finally:
        mappe.close()


# --- JSON -------------------------------------------------------------------


def _ganzzahl(ziffern: str) -> int | str:
    if len(ziffern.lstrip("-")) > MAX_ZAHL_STELLEN:
        return _LangeZahl(ziffern)
    return int(ziffern)


def _lies_json(pfad: Path, daten: bytes, grenzen: Lesegrenzen = Lesegrenzen()) -> Mitgliederliste:  # noqa: B008
    try:
        text = daten.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DatenFehler("Die JSON-Datei ist nicht in UTF-8 kodiert.", datei=pfad.name) from None
    try:
        inhalt = json.loads(text, parse_constant=lambda _: None, parse_int=_ganzzahl)
    except json.JSONDecodeError as fehler:
        raise DatenFehler(
            f"Die Datei ist kein gültiges JSON (Zeile {fehler.lineno}, Zeichen {fehler.colno}).",
            datei=pfad.name,
        ) from None
    except RecursionError:
        raise DatenFehler("Die JSON-Datei ist zu tief verschachtelt.", datei=pfad.name) from None
    if not isinstance(inhalt, list):
        art = {dict: "ein Objekt", str: "ein Text"}.get(type(inhalt), "ein einzelner Wert")
        raise DatenFehler(
            f"Die JSON-Datei muss eine Liste von Objekten enthalten ([{{…}}, {{…}}]), "
            f"nicht {art}.",
            datei=pfad.name,
        )
    schluessel_folge: dict[str, None] = {}
    for index, eintrag in enumerate(inhalt):
        if not isinstance(eintrag, dict):
            raise DatenFehler(
                f"Eintrag {index + 1} der Liste ist kein Objekt ({{…}}).",
                datei=pfad.name,
                zeile=index + 2,
            )
        schluessel_folge.update(dict.fromkeys(str(k) for k in eintrag))
    kopf = list(schluessel_folge)
    if not kopf:
        return Mitgliederliste(
            pfad, (), (), None, ("Die Liste enthält keine Mitglieder.",)
        )
    zeilen = itertools.chain(
        [(1, kopf)],
        (
            (index + 2, [eintrag.get(k) for k in kopf])
            for index, eintrag in enumerate(inhalt)
        ),
    )
    return _baue_liste(pfad, zeilen, kopf_suchen=False, grenzen=grenzen)
