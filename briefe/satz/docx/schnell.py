"""Fast path for DOCX letters: per layout group, render twice with marker texts,
prove that only the markers differ, then fill in each recipient's text.

A layout group is as for the PDF (``briefe.satz.pdf.schnell``): letters equal except for
the address lines and the salutation. The group's letter is written by
``briefe.satz.docx.dokument.schreibe_docx`` twice, once with plain markers and once with
markers full of what XML escapes (``&``, ``<``, ``>``, quotes, umlauts, a
space). Only if every other part is byte-identical and ``word/document.xml``
differs exactly in the escaped markers, a recipient's DOCX is the first one
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
from briefe.satz.gruppen import Gruppenspeicher, NichtSchnell, marke

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


def _gruppe(brief: Brief) -> _Gruppe:
    _pruefe_text(brief.anrede, "Anrede")
    for zeile in brief.anschrift:
        _pruefe_text(zeile, "Anschrift")
    schluessel = dataclasses.replace(brief, anschrift=("",) * len(brief.anschrift), anrede="")
    return _GRUPPEN.hole(schluessel, brief)


def _zweite_marke(feld: str, nummer: int) -> str:
    """A marker with everything XML escapes or Word might treat specially."""
    return f"W&<ä> \"'{'AB'[feld == 'anrede']}{chr(ord('a') + nummer)}ß"


def _mit(brief: Brief, marken) -> Brief:
    return dataclasses.replace(
        brief,
        anschrift=tuple(marken("anschrift", i) for i in range(len(brief.anschrift))),
        anrede=marken("anrede", 0),
    )


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
    """The pre-rendered parts of one layout group."""

    def __init__(self, brief: Brief) -> None:
        erste = _teile(_voll(_mit(brief, marke)))
        zweite = _teile(_voll(_mit(brief, _zweite_marke)))
        if [i.filename for i, _ in erste] != [i.filename for i, _ in zweite]:
            raise NichtSchnell("andere Teile")
        for (info, a), (_, b) in zip(erste, zweite, strict=True):
            if info.filename != DOKUMENT and a != b:
                raise NichtSchnell(f"Marke in {info.filename}")
        dokument = dict((i.filename, d) for i, d in erste)[DOKUMENT]
        zweites = dict((i.filename, d) for i, d in zweite)[DOKUMENT]
        felder = [("anschrift", i) for i in range(len(brief.anschrift))] + [("anrede", 0)]
        stellen = []
        for feld, nummer in felder:
            text = marke(feld, nummer).encode()
            if dokument.count(text) != 1:
                raise NichtSchnell("Marke nicht genau einmal im Dokument")
            stellen.append((dokument.index(text), len(text), feld, nummer))
        stellen.sort()
        self.stuecke: list[bytes] = []
        self.felder: list[tuple[str, int]] = []
        anfang = 0
        for stelle, laenge, feld, nummer in stellen:
            self.stuecke.append(dokument[anfang:stelle])
            self.felder.append((feld, nummer))
            anfang = stelle + laenge
        self.stuecke.append(dokument[anfang:])
        if self._dokument([_zweite_marke(f, n) for f, n in self.felder]) != zweites:
            raise NichtSchnell("Word schreibt die Marken anders als erwartet")
        self.eintraege: list[_Eintrag | None] = [
            None if info.filename == DOKUMENT else _packe(info.filename, daten)
            for info, daten in erste]
        self.zeit = _dos_zeit(brief.datum)

    def _dokument(self, texte: list[str]) -> bytes:
        teile = [self.stuecke[0]]
        for text, stueck in zip(texte, self.stuecke[1:], strict=True):
            teile.append(escape(text).encode("utf-8"))
            teile.append(stueck)
        return b"".join(teile)

    def brief(self, brief: Brief) -> bytes:
        texte = [brief.anrede if feld == "anrede" else brief.anschrift[nummer]
                 for feld, nummer in self.felder]
        dokument = _packe(DOKUMENT, self._dokument(texte))
        return _zip([e or dokument for e in self.eintraege], self.zeit)


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


def vorwaermen(brief: Brief) -> bool:
    """Build the layout group of ``brief`` (see ``satz.pdf.schnell.vorwaermen``)."""
    with _SPERRE:
        vorher = len(_GRUPPEN)
        with contextlib.suppress(NichtSchnell):
            _gruppe(brief)
        return len(_GRUPPEN) > vorher
