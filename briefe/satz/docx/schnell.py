"""Fast path for DOCX letters: per layout group, render twice with marker texts,
prove that only the markers differ, then fill in each recipient's text.

A layout group is as for the PDF (``briefe.satz.pdf.schnell``): letters equal except for
the address lines, the salutation and the runs that hold member values
(``gruppen.Wertstellen``). The group's letter is written by
``briefe.satz.docx.dokument.schreibe_docx`` twice, once with plain markers and once with
markers full of what XML escapes (``&``, ``<``, ``>``, quotes, umlauts, a
space). Only if every part that differs (``word/document.xml``, and the properties
when the subject holds a value) differs exactly in the escaped markers, a recipient's DOCX
is the first one
with the recipient's escaped texts put in place of the markers, zipped with
the other parts compressed once per group. Texts that ``schreibe_docx`` would
change (line breaks, tabs, characters XML cannot hold, leading or trailing
spaces) take the full render.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import logging
import struct
import threading
import zipfile
import zlib
from collections import Counter
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from briefe.dateien import schreibe_nach
from briefe.fehler import BriefeFehler
from briefe.modell import Brief
from briefe.satz.gruppen import (
    Gruppenspeicher,
    NichtSchnell,
    Wertstellen,
    gruppenschluessel,
    marke,
    mit_stellen,
    textstellen,
    wertmarke,
)

DOKUMENT = "word/document.xml"
STATISTIK: Counter = Counter()
_SPERRE = threading.RLock()
_LOG = logging.getLogger(__name__)




def docx_bytes_schnell(brief: Brief) -> bytes:
    """The letter as DOCX bytes: fast path if provably identical, else a full render."""
    try:
        with _SPERRE:
            daten = _gruppe(brief).brief(brief)
    except NichtSchnell as grund:
        STATISTIK[f"voll: {grund}"] += 1
    except Exception as fehler:  # a fault in the fast path costs speed, never a letter
        if not isinstance(fehler, BriefeFehler):  # else the full render reports it
            _LOG.warning("Schnellpfad DOCX: interner Fehler (%s)", type(fehler).__name__)
        STATISTIK[f"voll: Fehler ({type(fehler).__name__})"] += 1
    else:
        STATISTIK["schnell"] += 1
        return daten
    STATISTIK["voll"] += 1
    return _voll(brief)


def schreibe_docx_schnell(brief: Brief, ziel: Path | str | BinaryIO) -> None:
    """Like ``briefe.satz.docx.dokument.schreibe_docx``, through the fast path where it applies."""
    schreibe_nach(ziel, docx_bytes_schnell(brief))


def _voll(brief: Brief) -> bytes:
    from briefe.satz.docx.dokument import schreibe_docx

    puffer = io.BytesIO()
    schreibe_docx(brief, puffer)
    return puffer.getvalue()


def _pruefe_text(text: str, feld: str) -> None:
    from briefe.satz.docx.dokument import bereinige_xml_text

    if not text or text != text.strip() or any(z in text for z in "\n\t\r") or (
            bereinige_xml_text(text) != text):
        raise NichtSchnell(f"{feld}: Zeichen, die Word anders schreibt")


_GRUPPEN = Gruppenspeicher(lambda brief: _Gruppe(brief), "DOCX")
_WERTE = Wertstellen()  # value slots in the body, learned as for the PDF


def _gruppe(brief: Brief) -> _Gruppe:
    stellen = _stellen(brief)
    return _GRUPPEN.hole(gruppenschluessel(brief, stellen), brief, bool(stellen),
                         bauen=lambda b: _Gruppe(b, stellen))


def _stellen(brief: Brief) -> frozenset:
    """``brief``'s value slots as learned so far; ``NichtSchnell`` if it cannot take the fast path."""
    if any(brief.anschrift_schriftgrade):
        raise NichtSchnell("Anschrift kleiner gesetzt")
    if brief.zahlung:  # its code differs per letter: the full render
        raise NichtSchnell("GiroCode")
    _pruefe_text(brief.anrede, "Anrede")
    for zeile in brief.anschrift:
        _pruefe_text(zeile, "Anschrift")
    stellen, texte = _WERTE.stellen(brief)
    for stelle in stellen:
        _pruefe_text(texte[stelle], "Wert")
    return stellen


def _erste_marke(feld: str, nummer: int) -> str:
    return wertmarke(nummer) if feld == "wert" else marke(feld, nummer)


def _zweite_marke(feld: str, nummer: int) -> str:
    """A marker with everything XML escapes or Word might treat specially."""
    kennung = f"C{chr(ord('a') + nummer // 26)}" if feld == "wert" else "AB"[feld == "anrede"]
    return f"W&<ä> \"'{kennung}{chr(ord('a') + nummer % 26)}ß"


def _mit(brief: Brief, marken, stellen: list) -> Brief:
    return mit_stellen(dataclasses.replace(
        brief,
        anschrift=tuple(marken("anschrift", i) for i in range(len(brief.anschrift))),
        anrede=marken("anrede", 0),
    ), {stelle: marken("wert", i) for i, stelle in enumerate(stellen)})


def _teile(daten: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(daten)) as archiv:
        return [(info, archiv.read(info)) for info in archiv.infolist()]


@dataclasses.dataclass
class _Eintrag:
    """One zip member, compressed once (or per letter for the document)."""

    name: bytes
    crc: int
    roh: int
    gepackt: bytes


def _packe(name: str, daten: bytes) -> _Eintrag:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return _Eintrag(name.encode("utf-8"), zlib.crc32(daten), len(daten),
                    packer.compress(daten) + packer.flush())


class _Gruppe:
    """The pre-rendered parts of one layout group; parts holding markers (the document, and
    the properties when the subject holds a value) are cut into pieces around them."""

    def __init__(self, brief: Brief, stellen: frozenset = frozenset()) -> None:
        self.stellen = sorted(stellen, key=repr)
        erste = _teile(_voll(_mit(brief, _erste_marke, self.stellen)))
        zweite = _teile(_voll(_mit(brief, _zweite_marke, self.stellen)))
        if [i.filename for i, _ in erste] != [i.filename for i, _ in zweite]:
            raise NichtSchnell("andere Teile")
        felder = [("anschrift", i) for i in range(len(brief.anschrift))] + [("anrede", 0)]
        felder += [("wert", i) for i in range(len(self.stellen))]
        self.zerlegt: dict[str, tuple[list[bytes], list[tuple[str, int]]]] = {}
        gesehen: set = set()
        for (info, a), (_, b) in zip(erste, zweite, strict=True):
            if a == b and info.filename != DOKUMENT:
                continue
            stellen_im_teil = []
            for feld, nummer in felder:
                text = _erste_marke(feld, nummer).encode()
                anfang = a.find(text)
                while anfang >= 0:
                    stellen_im_teil.append((anfang, len(text), feld, nummer))
                    gesehen.add((feld, nummer))
                    anfang = a.find(text, anfang + len(text))
            stellen_im_teil.sort()
            stuecke, teil_felder, anfang = [], [], 0
            for stelle, laenge, feld, nummer in stellen_im_teil:
                if stelle < anfang:
                    raise NichtSchnell("Marken überlappen")
                stuecke.append(a[anfang:stelle])
                teil_felder.append((feld, nummer))
                anfang = stelle + laenge
            stuecke.append(a[anfang:])
            if _zusammen(stuecke, [_zweite_marke(f, n) for f, n in teil_felder]) != b:
                raise NichtSchnell(f"Word schreibt die Marken in {info.filename} anders als erwartet")
            self.zerlegt[info.filename] = (stuecke, teil_felder)
        if gesehen != set(felder):
            raise NichtSchnell("Marke nicht im Dokument")
        self.eintraege: list[_Eintrag | str] = [
            info.filename if info.filename in self.zerlegt else _packe(info.filename, daten)
            for info, daten in erste]
        self.zeit = _dos_zeit(brief.datum)

    def brief(self, brief: Brief) -> bytes:
        werte = textstellen(brief) if self.stellen else {}

        def text(feld: str, nummer: int) -> str:
            if feld == "wert":
                return werte[self.stellen[nummer]]
            return brief.anrede if feld == "anrede" else brief.anschrift[nummer]

        eintraege = []
        for eintrag in self.eintraege:
            if isinstance(eintrag, str):
                stuecke, felder = self.zerlegt[eintrag]
                eintrag = _packe(eintrag, _zusammen(stuecke, [text(f, n) for f, n in felder]))
            eintraege.append(eintrag)
        return _zip(eintraege, self.zeit)


def _zusammen(stuecke: list[bytes], texte: list[str]) -> bytes:
    teile = [stuecke[0]]
    for text, stueck in zip(texte, stuecke[1:], strict=True):
        teile.append(escape(text).encode("utf-8"))
        teile.append(stueck)
    return b"".join(teile)


def _dos_zeit(datum: dt.date) -> tuple[int, int]:
    jahr = max(datum.year, 1980)
    return 0, ((jahr - 1980) << 9) | (datum.month << 5) | datum.day


def _zip(eintraege: list[_Eintrag], zeit: tuple[int, int]) -> bytes:
    """A zip archive of deflated members (what ``zipfile`` writes, without the work)."""
    uhr, tag = zeit
    ausgabe, verzeichnis, position = [], [], 0
    for e in eintraege:
        kopf = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0x0800, 8, uhr, tag, e.crc,
                           len(e.gepackt), e.roh, len(e.name), 0) + e.name
        verzeichnis.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0x0800, 8, uhr, tag,
                                       e.crc, len(e.gepackt), e.roh, len(e.name), 0, 0, 0, 0, 0,
                                       position) + e.name)
        ausgabe += [kopf, e.gepackt]
        position += len(kopf) + len(e.gepackt)
    zentral = b"".join(verzeichnis)
    ende = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(eintraege), len(eintraege),
                       len(zentral), position, 0)
    return b"".join(ausgabe) + zentral + ende


def lerne(brief: Brief) -> bool:
    """Learn ``brief``'s value slots, building no group (see ``satz.pdf.schnell.lerne``)."""
    with _SPERRE:
        vorher = _WERTE.gelernt()
        with contextlib.suppress(NichtSchnell):
            _stellen(brief)
        return _WERTE.gelernt() != vorher


def vorwaermen(brief: Brief) -> bool:
    """Build the layout group of ``brief`` (see ``satz.pdf.schnell.vorwaermen``)."""
    with _SPERRE:
        vorher = len(_GRUPPEN)
        with contextlib.suppress(NichtSchnell):
            _gruppe(brief)
        return len(_GRUPPEN) > vorher
