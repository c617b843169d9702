"""Templates (``vorlagen/*.md``): TOML front matter between ``+++`` lines, then a
Markdown body with Jinja2, run in Jinja's sandbox.

Values inserted with ``{{ … }}`` are escaped for Markdown, so member data is
always printed literally.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from briefe.deutsch import anschrift as anschrift_regeln
from briefe.deutsch.formate import FILTER
from briefe.deutsch.formate import datum as datum_kurz
from briefe.deutsch.zahlen import WertFehler, anzeige
from briefe.fehler import VorlagenFehler, ZeilenFehler, dateifehler
from briefe.geometrie import FORMEN
from briefe.modell import Absender, Brief, InfoZeile, Unterschrift
from briefe.vorlage import grenzen, meldungen
from briefe.vorlage.absender import finde_absender, lies_unterschrift
from briefe.vorlage.bausteine import Baustein, aufrufe, lies_baustein
from briefe.vorlage.kopf import TRENNER, kopfzeilen_von, lies_kopf, teile_vorlage  # noqa: F401 (TRENNER re-exported)
from briefe.vorlage.laufzeitfehler import LAUFZEITFEHLER, laufzeit_text
from briefe.vorlage.markdown import GIROCODE_MARKE, bereinige, parse, woertlich
from briefe.vorlage.sachbearbeitung import Sachbearbeitung
from briefe.vorlage.startwerte import (
    Startwert,
    als_protokolltext,
    lies_startwerte,
    pruefe_startwerte,
)
from briefe.vorlage.zahlung import FELDER as ZAHLUNGSFELDER
from briefe.vorlage.zahlung import Zahlungskopf, lies_zahlungskopf

KONTEXT = {"empfaenger", "anrede", "anschrift", "absender", "datum", "zeichen", "betreff", "werte"}
FUNKTIONEN = {"baustein", "girocode"}  # in the body only
MASCHINELL = "Dieses Schreiben wurde maschinell erstellt und ist ohne Unterschrift gültig."


def _finalize_text(wert: object) -> str:
    return "" if wert is None else bereinige(str(anzeige(wert)))


class _Fertig(str):
    """Markdown made safe already: a filled text block, the GiroCode's place."""


def _finalize_markdown(wert: object) -> str:
    if isinstance(wert, _Fertig):
        return str(wert)
    return "" if wert is None else woertlich(str(anzeige(wert)))


@jinja2.pass_context
def _baustein(kontext, name: str) -> _Fertig:
    """``{{ baustein("NAME") }}``: the block filled from the same recipient and values."""
    vorlage = kontext["_bausteine"][name]  # every name is checked when the template loads
    return _Fertig(grenzen.begrenzt_zusammenfuegen(vorlage.generate(kontext.get_all())).strip())


def _girocode() -> _Fertig:
    """``{{ girocode() }}``: the place of the GiroCode, a paragraph of its own."""
    return _Fertig(f"\n\n{GIROCODE_MARKE}\n\n")


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
MARKDOWN_UMGEBUNG.globals.update(baustein=_baustein, girocode=_girocode)
TEXT_UMGEBUNG = _umgebung(_finalize_text)


def _kompiliere(umgebung: SandboxedEnvironment, quelle: str, name: str, anzeige: str,
                versatz: int = 0) -> jinja2.Template:
    """Check and compile one Jinja source; ``versatz`` + line = the line in the file."""
    for pruefung in (meldungen.pruefe_bloecke, meldungen.pruefe_platzhalter):
        problem = pruefung(umgebung, quelle)
        if problem:
            raise VorlagenFehler(problem[0], datei=anzeige, zeile=problem[1] + versatz)
    try:
        code = umgebung.compile(quelle, name=name, filename=name)
    except jinja2.TemplateSyntaxError as fehler:
        raise VorlagenFehler(
            meldungen.jinja_fehler(fehler, umgebung), datei=anzeige,
            zeile=(fehler.lineno or 1) + versatz,
        ) from None
    except (ValueError, OverflowError, RecursionError, MemoryError, TypeError) as fehler:
        raise VorlagenFehler(
            f"Die Vorlage lässt sich nicht übersetzen: {laufzeit_text(fehler)}", datei=name
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
    startwerte: tuple[Startwert, ...] = ()
    werte: Mapping[str, object] | None = None  # parsed start values; None: not entered yet
    pflichtspalten: frozenset[str] = frozenset()  # used outside of {% if %}
    spaltenzeilen: Mapping[str, int] = field(default_factory=dict, compare=False)
    feldzeilen: Mapping[str, int] = field(default_factory=dict, compare=False)
    quelltext: str = field(default="", compare=False, repr=False)
    bausteine: Mapping[str, str] = field(default_factory=dict)  # name -> SHA-256 of its file
    bausteinvorlagen: Mapping[str, jinja2.Template] = field(default_factory=dict, compare=False,
                                                           repr=False)
    spaltenorte: Mapping[str, str] = field(default_factory=dict, compare=False)  # in a block
    zahlung: Zahlungskopf | None = None
    sachbearbeitung: Sachbearbeitung | None = None

    def mit_sachbearbeitung(self, sachbearbeitung: Sachbearbeitung | Mapping | None) -> Vorlage:
        """This template with a clerk's data in its info block; a new object."""
        if not sachbearbeitung:
            return self
        if isinstance(sachbearbeitung, Mapping):  # from JSON (a worker's chunk)
            sachbearbeitung = Sachbearbeitung(**sachbearbeitung)
        return replace(self, absender=sachbearbeitung.absender(self.absender),
                       sachbearbeitung=sachbearbeitung)

    def pruefsumme(self) -> str:
        """SHA-256 over the template and every file it uses (profile, images, base document)."""
        summe = hashlib.sha256()
        for datei in self.dateien:
            inhalt = (self.quelltext.encode("utf-8")
                      if datei == self.pfad and not datei.is_file() else datei.read_bytes())
            summe.update(str(datei.name).encode() + b"\0" + inhalt + b"\0")
        return summe.hexdigest()

    @property
    def name(self) -> str:
        return self.pfad.stem

    @property
    def beschreibung(self) -> str:
        return str(self.kopf.get("beschreibung", ""))

    @property
    def titel(self) -> str:
        """What a clerk calls the template: ``titel``, else the description, else the name."""
        return str(self.kopf.get("titel") or self.beschreibung or self.name)

    @property
    def anzeige(self) -> str:
        """The template in messages, never its path."""
        return _anzeige(self.kopf, self.pfad)

    def mit_werten(self, eingaben: Mapping[str, str], zahlen: str | None = None) -> Vorlage:
        """This template with the start values entered (German text; ``zahlen``: how
        ``1.234`` is read), checked; a new object."""
        return replace(self, werte=pruefe_startwerte(self, eingaben, zahlen))

    def werte_als_text(self) -> dict[str, str]:
        """The start values in use, as text for the protocol."""
        return {name: als_protokolltext(wert) for name, wert in self._startwerte().items()
                if wert != ""}

    def _startwerte(self) -> dict[str, object]:
        """Entered start values; without ``mit_werten`` the defaults (an error names the
        required ones); optional values left empty are ``""``."""
        werte = dict(self.werte) if self.werte is not None else (
            pruefe_startwerte(self, {}) if self.startwerte else {})
        return {**{w.name: "" for w in self.startwerte}, **werte}

    def datum(self) -> dt.date:
        """The letter date: fixed in the front matter, or today."""
        wert = self.kopf.get("datum", "heute")
        if isinstance(wert, dt.datetime):
            return wert.date()
        if isinstance(wert, dt.date):
            return wert
        return dt.date.today()

    @property
    def anschrift_reihenfolge(self) -> str:
        return anschrift_regeln.reihenfolge(self.kopf.get("anschrift_reihenfolge"))

    def erzeuge(self, empfaenger) -> Brief:
        """Resolve this template for one recipient (an ``Empfaenger``)."""
        adresse = anschrift_regeln.anschrift(empfaenger, self.anschrift_reihenfolge)
        datum = self.datum()
        kontext = self._kontext(empfaenger, adresse, datum)
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
            anschrift_schriftgrade=adresse.schriftgrade,
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
            zahlung=self._zahlung(kontext, empfaenger.zeile),
        )

    def _zahlung(self, kontext: dict, zeile: int):
        if self.zahlung is None:
            return None
        betrag, zweck = (self._feld(f"zahlung.{teil}", kontext, zeile) for teil in ZAHLUNGSFELDER)
        return self.zahlung.zahlung(betrag, zweck, zeile, self.anzeige)

    def betreff_fuer(self, empfaenger) -> str:
        """Only the subject for one recipient (the body is not rendered)."""
        adresse = anschrift_regeln.anschrift(empfaenger, self.anschrift_reihenfolge)
        return self._kontext(empfaenger, adresse, self.datum())["betreff"]

    def email(self, empfaenger) -> tuple[str, str] | None:
        """Subject and text of the e-mail from the ``[email]`` table; None without one."""
        if "email.betreff" not in self.felder and "email.text" not in self.felder:
            return None
        adresse = anschrift_regeln.anschrift(empfaenger, self.anschrift_reihenfolge)
        kontext = self._kontext(empfaenger, adresse, self.datum())
        betreff = (self._feld("email.betreff", kontext, empfaenger.zeile)
                   if "email.betreff" in self.felder else kontext["betreff"])
        text = self._feld("email.text", kontext, empfaenger.zeile) if "email.text" in self.felder else ""
        return " ".join(betreff.split()), text

    def _kontext(self, empfaenger, adresse, datum: dt.date) -> dict:
        felder = dict(empfaenger.felder)
        for spalte in self.spalten - self.pflichtspalten:  # only in {% if %}: may be missing
            felder.setdefault(spalte, "")
        kontext = {
            "empfaenger": felder,
            "anschrift": list(adresse.zeilen),
            "absender": _absender_kontext(self.absender),
            "datum": datum,
            "zeichen": str(self.kopf.get("zeichen", "")),
            "werte": {**dict(self.kopf.get("werte", {})), **self._startwerte()},
            "_bausteine": self.bausteinvorlagen,
        }
        kontext["anrede"] = (
            self._feld("anrede", kontext, empfaenger.zeile)
            if "anrede" in self.felder
            else anschrift_regeln.anrede(empfaenger)
        )
        kontext["betreff"] = self._feld("betreff", kontext, empfaenger.zeile)
        return kontext

    def _unterschrift(self) -> Unterschrift | None:
        if "unterschrift" in self.kopf:
            return lies_unterschrift(self.kopf["unterschrift"], self.pfad.parent, str(self.pfad))
        return self.absender.unterschrift

    def _feld(self, name: str, kontext: dict, zeile: int) -> str:
        versatz = self.feldzeilen.get(name, 1) - 1
        return self._render(self.felder[name], kontext, zeile, versatz).strip()

    def _liste(self, name: str, kontext: dict, zeile: int) -> tuple[str, ...]:
        anzahl = len(self.kopf.get(name, []))
        werte = (self._feld(f"{name}.{i}", kontext, zeile) for i in range(anzahl))
        return tuple(w for w in werte if w)

    def _render(self, vorlage: jinja2.Template, kontext: dict, zeile: int,
                versatz: int = 0) -> str:
        def ort(fehler: BaseException) -> int | None:
            nummer = _zeile_im_traceback(fehler, vorlage.name)
            return None if nummer is None else nummer + versatz

        try:
            return grenzen.begrenzt_zusammenfuegen(vorlage.generate(kontext))
        except SecurityError:
            raise VorlagenFehler(
                "Die Vorlage greift auf geschützte Interna zu; das ist in Vorlagen nicht erlaubt.",
                datei=self.anzeige, zeile=ort(sys.exc_info()[1]),
            ) from None
        except grenzen.GrenzeUeberschritten as fehler:
            raise self._zeilenfehler(f"Grenze überschritten – {fehler}", ort(fehler), zeile) from None
        except WertFehler as fehler:  # a filter names the list's column
            raise self._zeilenfehler(fehler.meldung, ort(fehler), zeile, fehler.spalte) from None
        except LAUFZEITFEHLER as fehler:
            raise self._zeilenfehler(laufzeit_text(fehler), ort(fehler), zeile) from None

    def _zeilenfehler(self, grund: str, vorlagenzeile: int | None, zeile: int,
                      spalte: str | None = None) -> ZeilenFehler:
        """A row's error in this template; keeps the template line for ``pruefen``."""
        fehler = ZeilenFehler(f"{self.anzeige}, Zeile {vorlagenzeile}: {grund}", zeile=zeile,
                              spalte=spalte)
        fehler.vorlagenfehler = VorlagenFehler(grund, datei=self.anzeige, zeile=vorlagenzeile,
                                               spalte=spalte)
        return fehler


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


def lies_textdatei(pfad: Path) -> str:
    """A UTF-8 text file with or without byte-order mark, line ends as ``\\n``."""
    text = pfad.read_bytes().decode("utf-8-sig")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _anzeige(kopf: Mapping[str, object], pfad: Path) -> str:
    titel = kopf.get("titel") or kopf.get("beschreibung")
    return f"Vorlage „{titel}“" if titel else pfad.name


def _verwendete_spalten(ast: nodes.Template) -> dict[str, tuple[int, bool]]:
    """Column -> (first line, used outside of any ``{% if %}``)."""
    spalten: dict[str, tuple[int, bool]] = {}

    def besuche(knoten: nodes.Node, in_if: bool) -> None:
        if isinstance(knoten, nodes.Getattr | nodes.Getitem) and isinstance(
            knoten.node, nodes.Name
        ) and knoten.node.name == "empfaenger":
            name = None
            if isinstance(knoten, nodes.Getattr):
                name = knoten.attr
            elif isinstance(knoten.arg, nodes.Const):
                name = str(knoten.arg.value)
            if name is not None:
                zeile, pflicht = spalten.get(name, (knoten.lineno, False))
                spalten[name] = (min(zeile, knoten.lineno), pflicht or not in_if)
        for kind in knoten.iter_child_nodes():
            besuche(kind, in_if or isinstance(knoten, nodes.If))

    besuche(ast, False)
    return spalten


def lade_vorlage(pfad: Path | str, vorlagen_ordner: Path | None = None, *,
                 quelltext: str | None = None, werte: Mapping[str, str] | None = None,
                 zahlen: str | None = None) -> Vorlage:
    """Load, check and compile a template; errors name the template (title or file name)
    and the line in the file. ``quelltext`` replaces reading the file (a preview);
    ``werte`` are start values as entered (checked)."""
    pfad = Path(pfad)
    datei = pfad.name
    if quelltext is None:
        try:
            text = lies_textdatei(pfad)
        except (OSError, UnicodeDecodeError) as fehler:
            raise VorlagenFehler(f"Vorlage nicht lesbar: {dateifehler(fehler)}",
                                 datei=datei) from None
    else:
        text = quelltext.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    kopf_text, koerper_text, koerper_zeile = teile_vorlage(text, datei)
    kopfzeilen = kopfzeilen_von(kopf_text)
    kopf = lies_kopf(kopf_text, datei, kopfzeilen, koerper_zeile - 1)
    datei = _anzeige(kopf, pfad)
    ordner = vorlagen_ordner or pfad.parent
    try:
        absender = finde_absender(str(kopf["absender"]), ordner)
    except VorlagenFehler as fehler:
        if fehler.datei is None:  # the profile's name is wrong: the template's line
            fehler.datei, fehler.zeile = datei, kopfzeilen.get("absender")
        raise
    try:
        unterschrift = (lies_unterschrift(kopf["unterschrift"], pfad.parent, datei)
                        if "unterschrift" in kopf else absender.unterschrift)
    except VorlagenFehler as fehler:
        fehler.zeile = fehler.zeile or kopfzeilen.get("unterschrift")
        raise
    bilder = (absender.logo, absender.basisdokument, unterschrift.bild if unterschrift else None)
    dateien = (pfad, ordner / "absender" / f"{absender.kennung}.toml", *filter(None, bilder))
    startwerte = lies_startwerte(kopf.get("startwerte"), kopf.get("werte", {}), datei,
                                 kopfzeilen)

    quellen = {"betreff": str(kopf["betreff"])}
    if "anrede" in kopf:
        quellen["anrede"] = str(kopf["anrede"])
    if "ihr_zeichen" in kopf:
        quellen["ihr_zeichen"] = str(kopf["ihr_zeichen"])
    for liste in ("anlagen", "verteiler", "vermerke"):
        for i, eintrag in enumerate(kopf.get(liste, [])):
            quellen[f"{liste}.{i}"] = str(eintrag)
    for teil in ("betreff", "text"):
        if teil in kopf.get("email", {}):
            quellen[f"email.{teil}"] = str(kopf["email"][teil])
    zahlung = None
    if "zahlung" in kopf:
        zahlung = lies_zahlungskopf(kopf["zahlung"], datei, kopfzeilen.get("zahlung"))
        for teil in ZAHLUNGSFELDER:
            quellen[f"zahlung.{teil}"] = str(kopf["zahlung"][teil])
    feldzeilen = {name: kopfzeilen.get(name.split(".")[0], 1) for name in quellen}
    felder = {
        name: _kompiliere(TEXT_UMGEBUNG, quelle, f"<vorlage {name}>", datei, feldzeilen[name] - 1)
        for name, quelle in quellen.items()
    }
    koerper = _kompiliere(MARKDOWN_UMGEBUNG, koerper_text, "<vorlage>", datei)

    variablen: set[str] = set()
    spalten: dict[str, tuple[int, bool]] = {}
    for name, quelle in [("", koerper_text), *quellen.items()]:
        umgebung = MARKDOWN_UMGEBUNG if not name else TEXT_UMGEBUNG
        versatz = feldzeilen[name] - 1 if name else 0
        ast = umgebung.parse(quelle)
        _pruefe_ast(ast, datei if not name else f"{datei} ({name.split('.')[0]})", versatz,
                    KONTEXT | FUNKTIONEN if not name else KONTEXT)
        variablen |= meta.find_undeclared_variables(ast)
        _merke_spalten(spalten, ast, versatz)
    koerper_ast = MARKDOWN_UMGEBUNG.parse(koerper_text)
    girocodes = aufrufe(koerper_ast, datei, "girocode")
    if zahlung is None and girocodes:
        zeile = girocodes[0][1]
        raise VorlagenFehler("girocode() braucht eine Tabelle [zahlung] im Kopfbereich (empfaenger, "
                             "iban, betrag, zweck).", datei=datei, zeile=zeile)
    bausteine, spaltenorte = _lade_bausteine(koerper_ast, datei, ordner, spalten)
    dateien = (*dateien, *(b.pfad for b, _ in bausteine.values()))
    vorlage = Vorlage(
        pfad=pfad,
        kopf=kopf,
        absender=absender,
        koerper=koerper,
        felder=felder,
        variablen=frozenset(variablen),
        spalten=frozenset(spalten),
        dateien=dateien,
        startwerte=startwerte,
        pflichtspalten=frozenset(s for s, (_, pflicht) in spalten.items() if pflicht),
        spaltenzeilen={s: zeile for s, (zeile, _) in spalten.items()},
        feldzeilen=feldzeilen,
        quelltext=text,
        bausteine={n: b.pruefsumme for n, (b, _) in bausteine.items()},
        bausteinvorlagen={n: v for n, (_, v) in bausteine.items()},
        spaltenorte=spaltenorte,
        zahlung=zahlung,
    )
    return vorlage if werte is None else vorlage.mit_werten(werte, zahlen)


def _pruefe_ast(ast: nodes.Template, datei: str, versatz: int, erlaubt: set[str]) -> None:
    grenzen.pruefe_einbinden(ast, datei)
    unbekannt = meta.find_undeclared_variables(ast) - erlaubt
    if unbekannt:
        zeile = min(k.lineno for k in ast.find_all(nodes.Name) if k.name in unbekannt)
        raise VorlagenFehler(meldungen.unbekannte_variable(unbekannt, KONTEXT), datei=datei,
                             zeile=zeile + versatz)


def _merke_spalten(spalten: dict[str, tuple[int, bool]], ast: nodes.Template, versatz: int,
                   zeile_fest: int | None = None) -> None:
    """Add the columns ``ast`` uses (first line, required); ``zeile_fest``: all at that line."""
    for spalte, (zeile, pflicht) in _verwendete_spalten(ast).items():
        zeile = zeile_fest if zeile_fest is not None else zeile + versatz
        alt_zeile, alt_pflicht = spalten.get(spalte, (zeile, False))
        spalten[spalte] = (min(alt_zeile, zeile), alt_pflicht or pflicht)


def _lade_bausteine(ast: nodes.Template, datei: str, ordner: Path,
                    spalten: dict[str, tuple[int, bool]]) -> tuple[dict, dict[str, str]]:
    """The blocks the body uses: name -> (Baustein, compiled), and where each column of a block
    stands in it ("Textbaustein „x“, Zeile 3"); their columns count at the call's line."""
    geladen: dict = {}
    orte: dict[str, str] = {}
    for name, aufrufzeile in aufrufe(ast, datei):
        if name in geladen:
            continue
        try:
            baustein = lies_baustein(ordner, name)
        except VorlagenFehler as fehler:
            if fehler.datei is None:
                fehler.datei, fehler.zeile = datei, aufrufzeile
            raise
        vorlage, baustein_ast = _kompiliere_baustein(baustein)
        for spalte, (zeile, _) in _verwendete_spalten(baustein_ast).items():
            if spalte not in spalten:  # the template's own use comes first
                orte.setdefault(spalte, f"{baustein.anzeige}, Zeile {zeile}")
        _merke_spalten(spalten, baustein_ast, 0, aufrufzeile)
        geladen[name] = (baustein, vorlage)
    return geladen, orte


def _kompiliere_baustein(baustein: Baustein) -> tuple[jinja2.Template, nodes.Template]:
    """A block's compiled text and its syntax tree, after the checks a template's body gets."""
    quelle = baustein.text
    vorlage = _kompiliere(MARKDOWN_UMGEBUNG, quelle, f"<baustein {baustein.name}>", baustein.anzeige)
    baustein_ast = MARKDOWN_UMGEBUNG.parse(quelle)
    for funktion in FUNKTIONEN:
        for _, zeile in aufrufe(baustein_ast, baustein.anzeige, funktion):
            raise VorlagenFehler(f"{funktion}() ist in einem Textbaustein nicht möglich; "
                                 "bitte in die Vorlage schreiben.", datei=baustein.anzeige,
                                 zeile=zeile)
    _pruefe_ast(baustein_ast, baustein.anzeige, 0, KONTEXT)
    return vorlage, baustein_ast


def pruefe_baustein(baustein: Baustein) -> None:
    """Raise the error that keeps ``baustein`` from being used in a template."""
    _kompiliere_baustein(baustein)


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

