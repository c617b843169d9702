"""Templates (``vorlagen/*.md``): TOML front matter between ``+++`` lines, then a
Markdown body with Jinja2, run in Jinja's sandbox.

Values inserted with ``{{ … }}`` are escaped for Markdown, so member data is
always printed literally.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from briefe.deutsch import anschrift as anschrift_regeln
from briefe.deutsch.formate import FILTER
from briefe.deutsch.formate import datum as datum_kurz
from briefe.fehler import VorlagenFehler, ZeilenFehler, dateifehler
from briefe.geometrie import FORMEN
from briefe.modell import Absender, Brief, InfoZeile, Unterschrift
from briefe.vorlage import grenzen
from briefe.vorlage.absender import finde_absender, lies_unterschrift, pruefe_schluessel
from briefe.vorlage.markdown import bereinige, parse, woertlich

TRENNER = "+++"
KONTEXT = {"empfaenger", "anrede", "anschrift", "absender", "datum", "zeichen", "betreff", "werte"}
_SCHLUESSEL = {
    "betreff", "absender", "zeichen", "ihr_zeichen", "datum", "form", "grussformel",
    "unterschrift", "anlagen", "verteiler", "vermerke", "anrede", "hinweis_maschinell",
    "beschreibung", "werte",
}
MASCHINELL = "Dieses Schreiben wurde maschinell erstellt und ist ohne Unterschrift gültig."


def _finalize_text(wert: object) -> str:
    return "" if wert is None else bereinige(str(wert))


def _finalize_markdown(wert: object) -> str:
    return "" if wert is None else woertlich(str(wert))


def _umgebung(finalize) -> SandboxedEnvironment:
    umgebung = grenzen.BegrenzteUmgebung(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    umgebung.filters.update(FILTER)
    umgebung.begrenze_filter()
    return umgebung


MARKDOWN_UMGEBUNG = _umgebung(_finalize_markdown)
TEXT_UMGEBUNG = _umgebung(_finalize_text)


def _kompiliere(umgebung: SandboxedEnvironment, quelle: str, name: str) -> jinja2.Template:
    try:
        code = umgebung.compile(quelle, name=name, filename=name)
    except jinja2.TemplateSyntaxError as fehler:
        raise VorlagenFehler(
            f"Syntaxfehler in der Vorlage: {fehler.message}", datei=name, zeile=fehler.lineno
        ) from None
    except (ValueError, OverflowError, RecursionError, MemoryError, TypeError) as fehler:
        raise VorlagenFehler(
            f"Die Vorlage lässt sich nicht übersetzen ({_laufzeit_text(fehler)}).", datei=name
        ) from None
    return umgebung.template_class.from_code(umgebung, code, umgebung.make_globals(None))


def _zeile_im_traceback(fehler: BaseException, name: str) -> int | None:
    zeile = None
    for rahmen, nummer in traceback.walk_tb(fehler.__traceback__):
        if rahmen.f_code.co_filename == name:
            zeile = nummer
    return zeile


@dataclass(frozen=True)
class Vorlage:
    """A loaded, compiled template with its sender profile."""

    pfad: Path
    kopf: Mapping[str, object]
    absender: Absender
    koerper: jinja2.Template = field(compare=False, repr=False)
    felder: Mapping[str, jinja2.Template] = field(compare=False, repr=False)
    variablen: frozenset[str] = frozenset()
    spalten: frozenset[str] = frozenset()
    dateien: tuple[Path, ...] = ()

    def pruefsumme(self) -> str:
        """SHA-256 over the template and every file it uses (profile, images, base document)."""
        summe = hashlib.sha256()
        for datei in self.dateien:
            summe.update(str(datei.name).encode() + b"\0" + datei.read_bytes() + b"\0")
        return summe.hexdigest()

    @property
    def name(self) -> str:
        return self.pfad.stem

    @property
    def beschreibung(self) -> str:
        return str(self.kopf.get("beschreibung", ""))

    def datum(self) -> dt.date:
        """The letter date: fixed in the front matter, or today."""
        wert = self.kopf.get("datum", "heute")
        if isinstance(wert, dt.datetime):
            return wert.date()
        if isinstance(wert, dt.date):
            return wert
        return dt.date.today()

    def erzeuge(self, empfaenger) -> Brief:
        """Resolve this template for one recipient (an ``Empfaenger``)."""
        adresse = anschrift_regeln.anschrift(empfaenger)
        datum = self.datum()
        kontext = {
            "empfaenger": dict(empfaenger.felder),
            "anschrift": list(adresse.zeilen),
            "absender": _absender_kontext(self.absender),
            "datum": datum,
            "zeichen": str(self.kopf.get("zeichen", "")),
            "werte": dict(self.kopf.get("werte", {})),
        }
        kontext["anrede"] = (
            self._feld("anrede", kontext, empfaenger.zeile)
            if "anrede" in self.felder
            else anschrift_regeln.anrede(empfaenger)
        )
        kontext["betreff"] = self._feld("betreff", kontext, empfaenger.zeile)
        quelltext = self._render(self.koerper, kontext, empfaenger.zeile)
        info = list(self.absender.infoblock)
        if info:
            info.append(InfoZeile(""))
        if "ihr_zeichen" in self.felder:
            info.append(
                InfoZeile("Ihr Zeichen, Ihre Nachricht vom",
                          self._feld("ihr_zeichen", kontext, empfaenger.zeile))
            )
        if kontext["zeichen"]:
            info.append(InfoZeile("Mein Zeichen, Datum", f"{kontext['zeichen']}, {datum_kurz(datum)}"))
        else:
            info.append(InfoZeile("Datum", datum_kurz(datum)))
        return Brief(
            absender=self.absender,
            anschrift=adresse.zeilen,
            betreff=kontext["betreff"],
            anrede=kontext["anrede"],
            inhalt=parse(quelltext),
            datum=datum,
            form=FORMEN[str(self.kopf.get("form", "B")).upper()],
            vermerke=self._liste("vermerke", kontext, empfaenger.zeile),
            infoblock=tuple(info),
            grussformel=str(self.kopf.get("grussformel", "Mit freundlichen Grüßen")),
            unterschrift=self._unterschrift(),
            anlagen=self._liste("anlagen", kontext, empfaenger.zeile),
            verteiler=self._liste("verteiler", kontext, empfaenger.zeile),
            hinweis_maschinell=_maschinell(self.kopf.get("hinweis_maschinell", False)),
            hinweise=tuple(adresse.hinweise),
        )

    def _unterschrift(self) -> Unterschrift | None:
        if "unterschrift" in self.kopf:
            return lies_unterschrift(self.kopf["unterschrift"], self.pfad.parent, str(self.pfad))
        return self.absender.unterschrift

    def _feld(self, name: str, kontext: dict, zeile: int) -> str:
        return self._render(self.felder[name], kontext, zeile).strip()

    def _liste(self, name: str, kontext: dict, zeile: int) -> tuple[str, ...]:
        anzahl = len(self.kopf.get(name, []))
        werte = (self._feld(f"{name}.{i}", kontext, zeile) for i in range(anzahl))
        return tuple(w for w in werte if w)

    def _render(self, vorlage: jinja2.Template, kontext: dict, zeile: int) -> str:
        try:
            return grenzen.begrenzt_zusammenfuegen(vorlage.generate(kontext))
        except SecurityError as fehler:
            raise VorlagenFehler(
                f"Die Vorlage greift auf geschützte Interna zu ({fehler}); "
                "das ist in Vorlagen nicht erlaubt.",
                datei=vorlage.name, zeile=_zeile_im_traceback(fehler, vorlage.name),
            ) from None
        except jinja2.UndefinedError as fehler:
            raise ZeilenFehler(
                f"Vorlage {vorlage.name}, Zeile {_zeile_im_traceback(fehler, vorlage.name)}: "
                f"Wert fehlt ({_undefined_meldung(fehler)}).",
                zeile=zeile,
            ) from None
        except grenzen.GrenzeUeberschritten as fehler:
            raise ZeilenFehler(
                f"Vorlage {vorlage.name}, Zeile {_zeile_im_traceback(fehler, vorlage.name)}: "
                f"Grenze überschritten – {fehler}",
                zeile=zeile,
            ) from None
        except (ZeroDivisionError, OverflowError, RecursionError, MemoryError) as fehler:
            raise ZeilenFehler(
                f"Vorlage {vorlage.name}, Zeile {_zeile_im_traceback(fehler, vorlage.name)}: "
                f"{_laufzeit_text(fehler)}.",
                zeile=zeile,
            ) from None
        except (ValueError, TypeError) as fehler:
            raise ZeilenFehler(
                f"Vorlage {vorlage.name}, Zeile {_zeile_im_traceback(fehler, vorlage.name)}: "
                f"{fehler}",
                zeile=zeile,
            ) from None


def _laufzeit_text(fehler: BaseException) -> str:
    """A German text for an error a template computation raised."""
    if isinstance(fehler, ZeroDivisionError):
        return "Division durch null"
    if isinstance(fehler, OverflowError):
        return "eine Zahl ist zu groß für die Rechnung"
    if isinstance(fehler, RecursionError):
        return "zu tief verschachtelt (Rekursion)"
    if isinstance(fehler, MemoryError):
        return "zu wenig Speicher für die Rechnung"
    if isinstance(fehler, ValueError) and "digits" in str(fehler):
        return "eine Zahl hat zu viele Stellen"
    return f"interner Fehler ({type(fehler).__name__})"


def _undefined_meldung(fehler: jinja2.UndefinedError) -> str:
    text = str(fehler)
    if "has no attribute" in text:
        return "keine Spalte " + text.rsplit("has no attribute", 1)[1].strip()
    if "is undefined" in text:
        return "unbekannte Variable " + text.split(" is undefined")[0]
    return text


def _maschinell(wert: object) -> str:
    if wert is True:
        return MASCHINELL
    return str(wert) if wert else ""


def _absender_kontext(absender: Absender) -> dict:
    return {
        "behoerde": absender.behoerde,
        "dienststelle": absender.dienststelle,
        "ruecksendeangabe": absender.ruecksendeangabe,
        "info": {z.bezeichnung: z.wert for z in absender.infoblock if z.bezeichnung},
        "fusszeilen": list(absender.fusszeilen),
        "unterschrift": absender.unterschrift.name if absender.unterschrift else "",
    }


def teile_vorlage(text: str, datei: str) -> tuple[str, str, int]:
    """Split into (front matter, body with the front matter blanked, body start line)."""
    zeilen = text.splitlines(keepends=True)
    if not zeilen or zeilen[0].strip() != TRENNER:
        raise VorlagenFehler(
            f"Die Vorlage muss mit einer Zeile „{TRENNER}“ beginnen (Kopfbereich im TOML-Format).",
            datei=datei, zeile=1,
        )
    for nummer, zeile in enumerate(zeilen[1:], start=1):
        if zeile.strip() == TRENNER:
            kopf = "".join(zeilen[1:nummer])
            # Keep line numbers of the body equal to the file's.
            koerper = "\n" * (nummer + 1) + "".join(zeilen[nummer + 1 :])
            return kopf, koerper, nummer + 2
    raise VorlagenFehler(f"Der Kopfbereich wird nicht mit „{TRENNER}“ geschlossen.", datei=datei)


def _verwendete_spalten(ast: nodes.Template) -> set[str]:
    spalten = set()
    for knoten in ast.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(knoten.node, nodes.Name) and knoten.node.name == "empfaenger":
            if isinstance(knoten, nodes.Getattr):
                spalten.add(knoten.attr)
            elif isinstance(knoten.arg, nodes.Const):
                spalten.add(str(knoten.arg.value))
    return spalten


def lade_vorlage(pfad: Path | str, vorlagen_ordner: Path | None = None) -> Vorlage:
    """Load, check and compile a template; errors name file and line."""
    pfad = Path(pfad)
    datei = str(pfad)
    try:
        text = pfad.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as fehler:
        raise VorlagenFehler(f"Vorlage nicht lesbar: {dateifehler(fehler)}", datei=datei) from None
    kopf_text, koerper_text, _ = teile_vorlage(text, datei)
    kopf = _lies_kopf(kopf_text, datei)
    ordner = vorlagen_ordner or pfad.parent
    absender = finde_absender(str(kopf["absender"]), ordner)
    unterschrift = (lies_unterschrift(kopf["unterschrift"], pfad.parent, datei)
                    if "unterschrift" in kopf else absender.unterschrift)
    bilder = (absender.logo, absender.basisdokument, unterschrift.bild if unterschrift else None)
    dateien = (pfad, ordner / "absender" / f"{absender.kennung}.toml", *filter(None, bilder))

    quellen = {"betreff": str(kopf["betreff"])}
    if "anrede" in kopf:
        quellen["anrede"] = str(kopf["anrede"])
    if "ihr_zeichen" in kopf:
        quellen["ihr_zeichen"] = str(kopf["ihr_zeichen"])
    for liste in ("anlagen", "verteiler", "vermerke"):
        for i, eintrag in enumerate(kopf.get(liste, [])):
            quellen[f"{liste}.{i}"] = str(eintrag)
    felder = {
        name: _kompiliere(TEXT_UMGEBUNG, quelle, f"{datei} ({name.split('.')[0]})")
        for name, quelle in quellen.items()
    }
    koerper = _kompiliere(MARKDOWN_UMGEBUNG, koerper_text, datei)

    variablen: set[str] = set()
    spalten: set[str] = set()
    for name, quelle in [("", koerper_text), *quellen.items()]:
        umgebung = MARKDOWN_UMGEBUNG if not name else TEXT_UMGEBUNG
        ast = umgebung.parse(quelle)
        grenzen.pruefe_einbinden(ast, datei if not name else f"{datei} ({name.split('.')[0]})")
        unbekannt = meta.find_undeclared_variables(ast) - KONTEXT
        if unbekannt:
            raise VorlagenFehler(
                f"Unbekannte Variable {', '.join(sorted(unbekannt))}. "
                f"Verfügbar: {', '.join(sorted(KONTEXT))}.",
                datei=datei if not name else f"{datei} ({name.split('.')[0]})",
            )
        variablen |= meta.find_undeclared_variables(ast)
        spalten |= _verwendete_spalten(ast)
    return Vorlage(
        pfad=pfad,
        kopf=kopf,
        absender=absender,
        koerper=koerper,
        felder=felder,
        variablen=frozenset(variablen),
        spalten=frozenset(spalten),
        dateien=dateien,
    )


def _lies_kopf(kopf_text: str, datei: str) -> dict:
    try:
        kopf = tomllib.loads(kopf_text)
    except tomllib.TOMLDecodeError as fehler:
        raise VorlagenFehler(f"Fehler im Kopfbereich (TOML): {fehler}", datei=datei) from None
    pruefe_schluessel(kopf, _SCHLUESSEL, datei)
    for pflicht in ("betreff", "absender"):
        if not kopf.get(pflicht):
            raise VorlagenFehler(f"Im Kopfbereich fehlt „{pflicht}“.", datei=datei)
    form = str(kopf.get("form", "B")).upper()
    if form not in FORMEN:
        raise VorlagenFehler(f"„form“ muss \"A\" oder \"B\" sein, nicht „{form}“.", datei=datei)
    datum = kopf.get("datum", "heute")
    if not isinstance(datum, dt.date) and datum != "heute":
        raise VorlagenFehler(
            "„datum“ muss ein Datum wie 2011-08-25 (ohne Anführungszeichen) oder \"heute\" sein.",
            datei=datei,
        )
    if not isinstance(kopf.get("werte", {}), dict):
        raise VorlagenFehler("„werte“ muss eine Tabelle [werte] sein.", datei=datei)
    for liste in ("anlagen", "verteiler", "vermerke"):
        if not isinstance(kopf.get(liste, []), list):
            raise VorlagenFehler(f"„{liste}“ muss eine Liste sein, z. B. [\"…\"].", datei=datei)
    return kopf




def pruefsumme_vorlage(pfad: Path | str, vorlagen_ordner: Path | None = None) -> str:
    """The checksum of a template with its files; of the bare file if it does not load."""
    try:
        return lade_vorlage(pfad, vorlagen_ordner).pruefsumme()
    except (VorlagenFehler, OSError):
        try:
            return hashlib.sha256(Path(pfad).read_bytes()).hexdigest()
        except OSError:
            return ""


def finde_vorlagen(ordner: Path) -> list[Path]:
    """All templates in a folder."""
    return sorted(p for p in Path(ordner).glob("*.md") if p.is_file())

