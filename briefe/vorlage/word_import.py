"""Import of a Word letter (.docx, e.g. a Serienbrief main document) as a template.

python-docx reads the document (paragraphs, tables, runs, styles, numbering); the
runs of a paragraph are read in order so that merge fields (``w:fldSimple`` and
``w:fldChar`` … ``w:instrText`` … ``w:fldChar``) become placeholders. Everything
the letter model cannot hold is named in ``nicht_uebernommen``.
"""

from __future__ import annotations

import difflib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from briefe.fehler import VorlagenFehler
from briefe.quellen.mitglieder import normalisiere_spalte
from briefe.vorlage import word_felder
from briefe.vorlage.word_hinweise import HINWEISE
from briefe.vorlage.word_markdown import Teil, markdown, mit_feldern, verschmelze
from briefe.vorlage.word_stile import Stile


@dataclass(frozen=True)
class WordImport:
    """A template file text made from a Word document, and what could not be carried over."""

    quelltext: str
    nicht_uebernommen: tuple[str, ...] = ()


# Fields of an address block: briefe sets the address itself.
ANSCHRIFT = {"anrede", "titel", "vorname", "nachname", "funktion", "organisation", "zusatz",
             "strasse", "hausnummer", "postfach", "plz", "ort", "land"}
# Merge fields meaning the whole salutation line.
BRIEFANREDE = {"briefanrede", "grusszeile", "anredezeile", "briefanredezeile", "anredeformel"}
_ANREDE = re.compile(r"^\s*(sehr geehrte|sehr verehrte|liebe|lieber|hallo|guten tag)\b", re.I)
_GRUSS = re.compile(r"^\s*(mit )?(freundlichen|freundliche|besten|herzlichen|herzliche|viele|"
                    r"beste|liebe) gr(ü|ue)(ß|ss)en?\b", re.I)
_IM_AUFTRAG = re.compile(r"^\s*(i\.\s*a\.|im auftrag|i\.\s*v\.|in vertretung|gez\.)\s*$", re.I)
_MERGEFIELD = re.compile(r'^\s*MERGEFIELD\s+(?:"([^"]+)"|(\S+))', re.I)



@dataclass
class _Feld:
    code: list[str] = field(default_factory=list)
    ergebnis: list[Teil] = field(default_factory=list)
    im_ergebnis: bool = False
    innere: dict[str, str] = field(default_factory=dict)  # nested fields in the code


@dataclass
class _Block:
    art: str  # "absatz", "punkt", "zahl", "tabelle"
    teile: list[Teil] = field(default_factory=list)
    markdown: str = ""
    absatz: int = 0
    felder: list[str] = field(default_factory=list)  # merge fields of the paragraph

    @property
    def klartext(self) -> str:
        return "".join(t.text for t in self.teile).strip()


class _Leser:
    def __init__(self, dok, spalten: tuple[str, ...]) -> None:
        self.dok = dok
        self.spalten = {normalisiere_spalte(s) for s in spalten}
        self.orte: dict[str, dict[str, None]] = {}  # ordered sets: linear in the notes
        self.saetze: dict[str, None] = {}
        self.felder_im_absatz: list[str] = []
        self.absatz = 0
        self.stapel: list[_Feld] = []
        self.ziel: list[Teil] = []
        self.bloecke: list[_Block] = []
        self.zugeordnet: dict[str, str] = {}
        self.stile = Stile(dok)
        self.eigenschaften = word_felder.lies_eigenschaften(dok)
        felder, ausdruecke = (_json(self.eigenschaften, n) for n in ("briefe-felder",
                                                                      "briefe-ausdruecke"))
        self.felder: dict = felder if isinstance(felder, dict) else {}
        self.ausdruecke: list = ausdruecke if isinstance(ausdruecke, list) else []
        self.marken = word_felder.Textmarken(_json(self.eigenschaften, "briefe-bedingungen"))
        self.vorher: list[str] = []  # condition tags at a paragraph's start, and at its end
        self.nachher: list[str] = []

    # --- notes ------------------------------------------------------------------------

    def notiz(self, art: str) -> None:
        self.orte.setdefault(art, {})[f"Absatz {self.absatz}"] = None

    def satz(self, text: str) -> None:
        self.saetze[text] = None

    def hinweise(self) -> list[str]:
        ergebnis = []
        for art, stellen in self.orte.items():
            orte = list(stellen)
            if art.startswith("feld:"):
                text = (f"Feld {art[5:]}{{wo}}: nur der zuletzt in Word angezeigte Text wurde "
                        "übernommen.")
            else:
                text = HINWEISE[art]
            wo = f" ({', '.join(orte[:8])}{', …' if len(orte) > 8 else ''})" if orte else ""
            ergebnis.append(text.format(wo=wo))
        return ergebnis + list(self.saetze)

    # --- document ---------------------------------------------------------------------

    def lies(self) -> None:
        self._koerper(self.dok.element.body, self.dok._body)
        if self.stapel:  # a broken document: a field begins but never ends
            self.satz("Ein Feld im Word-Dokument wird nicht abgeschlossen; der Text nach seinem "
                      "Anfang wurde nicht übernommen.")
        for abschnitt in self.dok.sections:
            teile = (abschnitt.header, abschnitt.footer, abschnitt.first_page_header,
                     abschnitt.first_page_footer)
            if any(not t.is_linked_to_previous and any(p.text.strip() for p in t.paragraphs)
                   for t in teile):
                self.satz("Kopf- und Fußzeilen wurden nicht übernommen: Briefkopf und Fußzeile "
                          "kommen aus dem Absenderprofil.")

    def _koerper(self, element, eltern) -> None:
        for kind in element.iterchildren():
            if kind.tag == qn("w:p"):
                self._absatz(Paragraph(kind, eltern))
            elif kind.tag == qn("w:tbl"):
                self._tabelle(Table(kind, eltern))
            elif kind.tag == qn("w:sdt"):
                self._steuerelement(kind, lambda e: self._koerper(e, eltern), self._roh_block)
            elif kind.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
                if tag := self._textmarke(kind):
                    self._roh_block(tag)
            elif kind.tag in (qn("w:sectPr"),
                              qn("w:proofErr")):
                continue
            elif kind.tag.endswith("}oMathPara"):
                self.notiz("formel")
            elif "".join(kind.itertext()).strip():
                self.notiz("unbekannt")

    # --- paragraphs -------------------------------------------------------------------

    def _lies_absatz(self, absatz: Paragraph) -> list[Teil]:
        self.absatz += 1
        self.ziel = []
        self.felder_im_absatz = []
        ueberschrift = self.stile.ueberschrift(absatz) > 0 and not self.eigenschaften
        self._inhalt(absatz._p, absatz, ueberschrift)
        return verschmelze(self.ziel)

    def _textmarke(self, marke) -> str | None:
        if marke.tag == qn("w:bookmarkStart"):
            return self.marken.anfang(marke.get(qn("w:name")) or "", marke.get(qn("w:id")))
        return self.marken.ende(marke.get(qn("w:id")))

    def _absatz(self, absatz: Paragraph) -> None:
        self.vorher, self.nachher = [], []
        teile = self._lies_absatz(absatz)
        for tag in self.vorher:
            self._roh_block(tag)
        block = _Block(self.stile.listenart(absatz), teile, absatz=self.absatz)
        if block.art != "absatz" or block.klartext or any(t.roh for t in teile):
            block.markdown = markdown(teile)
            if ebene := self.eigenschaften and self.stile.ueberschrift(absatz):
                block.markdown = "#" * ebene + " " + block.markdown
            block.felder = list(self.felder_im_absatz)
            self.bloecke.append(block)
        elif block.klartext == "" and self.bloecke and self.bloecke[-1].art != "leer":
            self.bloecke.append(_Block("leer"))
        for tag in self.nachher:
            self._roh_block(tag)

    def _roh_block(self, text: str) -> None:
        self.bloecke.append(_Block("roh", markdown=text, absatz=self.absatz))

    def _steuerelement(self, sdt, lies, roh) -> None:
        """A content control: its content; briefe's condition controls become ``{% if %}``."""
        tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
        tag = tag.get(qn("w:val")) or "" if tag is not None else ""
        nummer = tag.removeprefix(word_felder.AUSDRUCK)
        if tag.startswith(word_felder.AUSDRUCK) and nummer.isdigit() \
                and int(nummer) < len(self.ausdruecke):  # kept verbatim by the export
            roh(str(self.ausdruecke[int(nummer)]))
            return
        test = word_felder.test_des_tags(tag)
        inhalt = sdt.find(qn("w:sdtContent"))
        if test:
            roh("{% else %}" if test is word_felder.SONST else f"{{% if {test} %}}")
        if inhalt is not None:
            lies(inhalt)
        if test and test is not word_felder.SONST:
            roh("{% endif %}")

    def _ausgabe(self, teil: Teil) -> None:
        if self.stapel:
            if self.stapel[-1].im_ergebnis:
                self.stapel[-1].ergebnis.append(teil)
            elif teil.roh:  # a field inside a field's code (IF … { MERGEFIELD … })
                nummer = str(len(self.stapel[-1].innere))
                self.stapel[-1].innere[nummer] = teil.text
                self.stapel[-1].code.append(f"\x00{nummer}\x00")
            return  # field code: not printed
        self.ziel.append(teil)

    def _inhalt(self, element, absatz: Paragraph, fett: bool) -> None:
        for kind in element.iterchildren():
            tag = kind.tag
            if tag == qn("w:r"):
                self._lauf(Run(kind, absatz), fett)
            elif tag == qn("w:fldSimple"):
                feld = _Feld(code=[kind.get(qn("w:instr")) or ""], im_ergebnis=True)
                self.stapel.append(feld)
                self._inhalt(kind, absatz, fett)
                self.stapel.pop()
                self._feld(feld)
            elif tag == qn("w:hyperlink"):
                self.notiz("link")
                self._inhalt(kind, absatz, fett)
            elif tag in (qn("w:ins"), qn("w:moveTo")):
                self.notiz("aenderung")
                self._inhalt(kind, absatz, fett)
            elif tag in (qn("w:del"), qn("w:moveFrom")):
                self.notiz("aenderung")
            elif tag in (qn("w:smartTag"), qn("w:customXml")):
                self._inhalt(kind, absatz, fett)
            elif tag == qn("w:sdt"):
                self._steuerelement(kind, lambda e: self._inhalt(e, absatz, fett),
                                    lambda t: self._ausgabe(Teil(t, roh=True)))
            elif tag in (qn("w:commentRangeStart"),):
                self.notiz("kommentar")
            elif tag.endswith("}oMath") or tag.endswith("}oMathPara"):
                self.notiz("formel")
            elif tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
                if text := self._textmarke(kind):
                    (self.vorher if tag == qn("w:bookmarkStart") else self.nachher).append(text)
            elif tag in (qn("w:pPr"),
                         qn("w:proofErr"), qn("w:commentRangeEnd"), qn("w:permStart"),
                         qn("w:permEnd"), qn("w:lastRenderedPageBreak")):
                continue
            elif "".join(kind.itertext()).strip():
                self.notiz("unbekannt")

    def _lauf(self, lauf: Run, absatz_fett: bool) -> None:
        fett, kursiv, unterstrichen = self.stile.lauf(lauf)
        fett = fett or absatz_fett
        for kind in lauf._r.iterchildren():
            tag = kind.tag
            if tag == qn("w:fldChar"):
                art = kind.get(qn("w:fldCharType"))
                if art == "begin":
                    self.stapel.append(_Feld())
                elif art == "separate" and self.stapel:
                    self.stapel[-1].im_ergebnis = True
                elif art == "end" and self.stapel:
                    self._feld(self.stapel.pop())
            elif tag == qn("w:instrText"):
                if self.stapel:
                    self.stapel[-1].code.append(kind.text or "")
            elif tag == qn("w:t"):
                if kind.text:
                    if unterstrichen and kind.text.strip():
                        self.notiz("unterstrichen")
                    self._ausgabe(Teil(kind.text, fett, kursiv))
            elif tag == qn("w:tab"):
                self._ausgabe(Teil(" ", fett, kursiv))
            elif tag in (qn("w:br"), qn("w:cr")):
                if kind.get(qn("w:type")) in ("page", "column"):
                    self.notiz("seitenumbruch")
                else:
                    self._ausgabe(Teil("\n", fett, kursiv))
            elif tag == qn("w:noBreakHyphen"):
                self._ausgabe(Teil("-", fett, kursiv))
            elif tag in (qn("w:drawing"), qn("w:pict")) or tag.endswith("}AlternateContent"):
                textfeld = any(e.tag == qn("w:txbxContent") for e in kind.iter())
                self.notiz("textfeld" if textfeld else "bild")
            elif tag == qn("w:object"):
                self.notiz("objekt")
            elif tag == qn("w:footnoteReference"):
                self.notiz("fussnote")
            elif tag == qn("w:endnoteReference"):
                self.notiz("endnote")
            elif tag == qn("w:commentReference"):
                self.notiz("kommentar")
            elif tag == qn("w:delText"):
                self.notiz("aenderung")

    def _feld(self, feld: _Feld) -> None:
        code = "".join(feld.code).strip()
        art = (code.split() or ["?"])[0].upper()
        vorlage = feld.ergebnis[0] if feld.ergebnis else Teil("")
        if art == "MERGEFIELD":
            treffer = _MERGEFIELD.match(code)
            name = (treffer[1] or treffer[2]) if treffer else ""
            self._ausgabe(Teil(self._platzhalter(name), vorlage.fett, vorlage.kursiv, roh=True,
                                wortlaut=f"«{name}»"))
        elif art == "IF" and (bedingung := word_felder.lies_if(code, feld.innere)):
            test, dann, sonst = bedingung[0], *(mit_feldern(t, feld.innere) for t in bedingung[1:])
            sonst = f"{{% else %}}{sonst}" if sonst else ""
            self._ausgabe(Teil(f"{{% if {test} %}}{dann}{sonst}{{% endif %}}", vorlage.fett,
                                vorlage.kursiv, roh=True))
        elif art == "GREETINGLINE":
            self.felder_im_absatz.append("briefanrede")
            self._ausgabe(Teil("{{ anrede }}", vorlage.fett, vorlage.kursiv, roh=True))
        elif art == "ADDRESSBLOCK":
            self.felder_im_absatz.append("adressblock")
        else:
            self.notiz(f"feld:{art}")
            for teil in feld.ergebnis:
                self._ausgabe(teil)

    def _platzhalter(self, feldname: str) -> str:
        bekannt = self.felder.get(feldname)
        if isinstance(bekannt, list) and len(bekannt) == 2:  # exported by briefe
            quelle = word_felder.feld_quelle(str(bekannt[0]), bekannt[1] and str(bekannt[1]))
            if quelle:
                self.felder_im_absatz.append(str(bekannt[0]).rpartition(".")[2])
                return quelle
        spalte = normalisiere_spalte(feldname) or "feld"
        if spalte in BRIEFANREDE:
            self.felder_im_absatz.append("briefanrede")
            return "{{ anrede }}"
        if self.spalten and spalte not in self.spalten:
            aehnlich = difflib.get_close_matches(spalte, sorted(self.spalten), n=1, cutoff=0.75)
            if aehnlich:
                spalte = aehnlich[0]
            else:
                self.satz(f"Das Seriendruckfeld „{feldname}“ passt zu keiner Spalte der Liste "
                          f"(vorhanden: {', '.join(sorted(self.spalten))}); es wurde als "
                          f"{{{{ empfaenger.{spalte} }}}} übernommen.")
        self.zugeordnet[feldname] = spalte
        self.felder_im_absatz.append(spalte)
        if spalte.isidentifier():
            return f"{{{{ empfaenger.{spalte} }}}}"
        return f"{{{{ empfaenger[{json.dumps(spalte)}] }}}}"

    # --- tables -----------------------------------------------------------------------

    def _tabelle(self, tabelle: Table) -> None:
        zeilen: list[list[str]] = []
        kopf_fett = True
        kopfzeile = False
        for nummer, zeile in enumerate(tabelle.rows):
            zellen: list[str] = []
            vorige = None
            for zelle in zeile.cells:
                if vorige is not None and zelle._tc is vorige:
                    self.notiz("verbunden")
                    zellen.append("")
                    continue
                vorige = zelle._tc
                if zelle._tc.find(f".//{qn('w:tbl')}") is not None:
                    self.notiz("verschachtelt")
                texte = []
                for absatz in zelle.paragraphs:
                    teile = self._lies_absatz(absatz)
                    if any(t.text == "\n" or "\n" in t.text for t in teile):
                        self.notiz("tabellenumbruch")
                    if nummer == 0 and any(t.text.strip() and not t.fett for t in teile):
                        kopf_fett = False
                    texte.append(markdown(teile, zeilenumbruch=" "))
                zellen.append(" ".join(t for t in texte if t))
            if nummer == 0:
                tr_pr = zeile._tr.trPr
                kopfzeile = tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
            zeilen.append(zellen)
        if not zeilen:
            return
        breite = max(len(z) for z in zeilen)
        zeilen = [z + [""] * (breite - len(z)) for z in zeilen]
        if kopfzeile or (kopf_fett and len(zeilen) > 1 and any(zeilen[0])):
            kopf, rumpf = zeilen[0], zeilen[1:]
        else:
            kopf, rumpf = [""] * breite, zeilen
        text = ["| " + " | ".join(kopf) + " |", "|" + "---|" * breite]
        text += ["| " + " | ".join(z) + " |" for z in rumpf]
        self.bloecke.append(_Block("tabelle", markdown="\n".join(text), absatz=self.absatz))


# --- helpers ------------------------------------------------------------------------


def _json(eigenschaften: dict[str, str], name: str) -> object:
    """A custom property written by the export, read as JSON (None if absent or broken)."""
    try:
        return json.loads(eigenschaften.get(name, "null"))
    except ValueError:
        return None


def _klartext(block: _Block) -> str:
    """A block as plain text with placeholders (for the subject line)."""
    return " ".join("".join(t.text for t in block.teile).split())


def _wortlaut(block: _Block) -> str:
    """A block as the clerk saw it in Word (fields as «Name»), for notes."""
    return " ".join("".join(t.wortlaut or t.text for t in block.teile).split())


def _toml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


# --- letter structure -----------------------------------------------------------------


def _nur_anredefelder(block: _Block) -> bool:
    """``«Anrede» «Name»,``: a salutation line made of fields only."""
    rest = re.sub(r"\{\{.*?\}\}", "", block.klartext)
    return ("anrede" in block.felder and set(block.felder) <= {"anrede", "titel", "vorname", "nachname"}
            and block.klartext.endswith(",") and not re.search(r"\w", rest))


def _gliedere(leser: _Leser) -> tuple[str | None, list[_Block], str | None, list[str]]:
    """(subject, body blocks, closing, signature lines); what is dropped is noted."""
    inhalt = [b for b in leser.bloecke if b.art != "leer"]

    # address block at the top: only address fields (or Word's ADDRESSBLOCK)
    anfang = 0
    for block in inhalt:
        felder = block.felder
        rest = re.sub(r"\{\{.*?\}\}", "", block.klartext)
        if block.art == "absatz" and felder and set(felder) <= ANSCHRIFT | {"adressblock"} \
                and not re.search(r"\w", rest) and not block.klartext.endswith(","):
            anfang += 1
        else:
            break
    if anfang:
        leser.orte.setdefault("adressblock", {}).update(
            dict.fromkeys(f"Absatz {b.absatz}" for b in inhalt[:anfang]))
    inhalt = inhalt[anfang:]

    betreff = None
    anrede_index = next((i for i, b in enumerate(inhalt[:8]) if b.art == "absatz" and (
        _ANREDE.match(b.klartext) or "briefanrede" in b.felder or _nur_anredefelder(b))), None)
    if anrede_index is not None:
        vorher = inhalt[:anrede_index]
        anrede = inhalt[anrede_index]
        leser.satz(f"Die Anrede „{_wortlaut(anrede)}“ wurde nicht übernommen: briefe setzt die "
                   "Anrede selbst (aus Anrede, Titel und Name der Liste).")
        kandidat = next((b for b in vorher if b.klartext.lower().startswith("betreff")), None)
        if kandidat is None and vorher:
            kandidat = vorher[-1]
        for block in vorher:
            if block is not kandidat:
                leser.satz(f"Der Text „{_wortlaut(block)}“ vor der Anrede wurde nicht "
                           "übernommen (Datum und Informationsblock setzt briefe).")
        if kandidat is not None:
            betreff = re.sub(r"^betreff\s*:?\s*", "", _klartext(kandidat), flags=re.I)
        inhalt = inhalt[anrede_index + 1:]
    else:
        kandidat = next((b for b in inhalt[:4] if b.klartext.lower().startswith("betreff")),
                        None)
        if kandidat is not None:
            betreff = re.sub(r"^betreff\s*:?\s*", "", _klartext(kandidat), flags=re.I)
            inhalt = [b for b in inhalt if b is not kandidat]

    gruss = None
    unterschrift: list[str] = []
    gruss_index = next((i for i in range(len(inhalt) - 1, -1, -1)
                        if inhalt[i].art == "absatz" and _GRUSS.match(inhalt[i].klartext)), None)
    if gruss_index is not None and len(inhalt) - gruss_index <= 5:
        gruss = _klartext(inhalt[gruss_index]).rstrip(",")
        danach = [_klartext(b) for b in inhalt[gruss_index + 1:] if b.klartext]
        if danach and _IM_AUFTRAG.match(danach[0]):
            leser.satz(f"„{danach[0]}“ vor der Unterschrift wurde nicht übernommen.")
            danach = danach[1:]
        unterschrift = danach[:2]
        for rest in danach[2:]:
            leser.satz(f"Der Text „{rest}“ unter der Unterschrift wurde nicht übernommen.")
        inhalt = inhalt[:gruss_index]
    return betreff, inhalt, gruss, unterschrift


def _koerper_text(bloecke: list[_Block]) -> str:
    text = ""
    vorige = None
    offen = False  # the block before was ``{% if … %}`` or ``{% else %}``: on the next line
    for block in bloecke:
        if block.art == "punkt":
            zeile = f"- {block.markdown}"
        elif block.art == "zahl":
            zeile = f"1. {block.markdown}"
        else:
            zeile = block.markdown
        if vorige is None:
            text = zeile
        elif (block.art in ("punkt", "zahl") and vorige == block.art) or offen \
                or zeile in ("{% else %}", "{% endif %}"):
            text += "\n" + zeile
        else:
            text += "\n\n" + zeile
        vorige = block.art
        offen = block.art == "roh" and zeile.startswith(("{% if ", "{% else %}"))
    return text + "\n"


def importiere_docx(daten: bytes, *, name: str | None = None, absender: str | None = None,
                    spalten: Iterable[str] = ()) -> WordImport:
    """The template text of a Word document; ``spalten`` are the columns of a member list
    that merge fields are matched to (loosely, like list headings)."""
    try:
        dok = docx.Document(io.BytesIO(daten))
    except Exception:  # python-docx raises many kinds for what is not a .docx
        raise VorlagenFehler(
            "Die Datei ist kein lesbares Word-Dokument (.docx). Ältere .doc-Dateien bitte in "
            "Word oder LibreOffice als .docx speichern.") from None
    leser = _Leser(dok, tuple(spalten))
    leser.lies()
    kopf_text = leser.eigenschaften.get("briefe-kopf")
    if kopf_text:  # exported by briefe: the body is the whole document
        return WordImport(f"+++\n{kopf_text.strip()}\n+++\n" + _koerper_text(
            [b for b in leser.bloecke if b.art != "leer"]), tuple(leser.hinweise()))
    betreff, bloecke, gruss, unterschrift = _gliedere(leser)
    titel = name or (dok.core_properties.title or "").strip() or betreff or "Aus Word übernommen"
    if not betreff:
        betreff = (dok.core_properties.subject or "").strip() or titel
        leser.satz(f"Kein Betreff erkannt: als Betreff steht „{betreff}“ im Kopfbereich; bitte "
                   "prüfen.")
    kopf = [f"titel = {_toml(titel)}", f"betreff = {_toml(betreff)}",
            f"absender = {_toml(absender or '')}", 'datum = "heute"']
    if not absender:
        leser.satz("Kein Absenderprofil angegeben: bitte „absender“ im Kopfbereich eintragen "
                   "(z. B. mit --absender PROFIL).")
    if gruss:
        kopf.append(f"grussformel = {_toml(gruss)}")
    if unterschrift:
        kopf += ["", "[unterschrift]", f"name = {_toml(unterschrift[0])}"]
        if len(unterschrift) > 1:
            kopf.append(f"funktion = {_toml(unterschrift[1])}")
    quelltext = "+++\n" + "\n".join(kopf) + "\n+++\n" + _koerper_text(bloecke)
    return WordImport(quelltext, tuple(leser.hinweise()))
