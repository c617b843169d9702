"""DIN 5008 page geometry in millimetres, read by every renderer.

All y values are measured from the top edge of an A4 page, x values from its
left edge.
"""

from __future__ import annotations

from dataclasses import dataclass

SEITE_BREITE = 210.0
SEITE_HOEHE = 297.0

RAND_LINKS = 25.0
RAND_RECHTS = 20.0
RAND_OBEN_FOLGESEITE = 20.0
RAND_UNTEN = 28.0
RAND_UNTEN_FOLGESEITE = 20.0
TEXT_BREITE = SEITE_BREITE - RAND_LINKS - RAND_RECHTS

ANSCHRIFTFELD_LINKS = 20.0
ANSCHRIFTFELD_BREITE = 85.0
ANSCHRIFTFELD_HOEHE = 45.0
ANSCHRIFT_LINKS = 25.0
ANSCHRIFT_RECHTS = 100.0
ANSCHRIFT_BREITE = ANSCHRIFT_RECHTS - ANSCHRIFT_LINKS
ANSCHRIFT_MAX_ZEILEN = 6
VERMERK_MAX_ZEILEN = 5

INFOBLOCK_LINKS = 125.0
INFOBLOCK_BREITE = 75.0
INFOBLOCK_BEZEICHNUNG_BREITE = 29.0

FALZMARKE_X = 3.0
FALZMARKE_LAENGE = 5.0
LOCHMARKE_Y = 148.5
LOCHMARKE_LAENGE = 8.0
MARKE_STAERKE = 0.25

FUSSZEILE_HOEHE = 16.0

SCHRIFT = "Liberation Sans"
SCHRIFT_WORD = "Arial"
SCHRIFTGRAD_TEXT = 11.0
SCHRIFTGRAD_RUECKSENDE = 8.0
SCHRIFTGRAD_INFOBLOCK = 8.0
SCHRIFTGRAD_FUSS = 7.5
SCHRIFTGRAD_KOPF = 16.0
# An address line too wide for the window is set smaller in these steps, never below 8 pt
# (DIN 5008 allows a smaller size in the address field; the line pitch stays ``ZEILE``).
SCHRIFTGRAD_ANSCHRIFT_MIN = 8.0
SCHRIFTGRAD_ANSCHRIFT_STUFE = 0.5
SCHRIFTGRADE_ANSCHRIFT_KLEINER = tuple(
    SCHRIFTGRAD_TEXT - SCHRIFTGRAD_ANSCHRIFT_STUFE * i
    for i in range(1, round((SCHRIFTGRAD_TEXT - SCHRIFTGRAD_ANSCHRIFT_MIN)
                            / SCHRIFTGRAD_ANSCHRIFT_STUFE) + 1)
)  # 10.5, 10.0, ... 8.0
ZEILENABSTAND = 1.15
# Height of one text line (11 pt × 1.15) in mm.
ZEILE = SCHRIFTGRAD_TEXT * ZEILENABSTAND * 25.4 / 72


@dataclass(frozen=True)
class Form:
    """One of the two DIN 5008 forms (A: short letterhead, B: tall letterhead)."""

    name: str
    briefkopf_hoehe: float
    vermerkzone_oben: float
    vermerkzone_unten: float
    empfaengerzone_unten: float
    infoblock_oben: float
    bezugszeichen_y: float
    falzmarken: tuple[float, float]

    @property
    def anschriftfeld_oben(self) -> float:
        return self.briefkopf_hoehe

    @property
    def empfaengerzone_oben(self) -> float:
        return self.vermerkzone_unten

    @property
    def betreff_y(self) -> float:
        """Where the subject starts: two blank lines below the address field."""
        return self.empfaengerzone_unten + 2 * ZEILE


# GiroCode (EPC QR code): the symbol with its quiet zone of 4 modules (EPC069-12: at least
# 2 × 2 cm), the text beside it, and the whole box's width (right-aligned beside the closing).
GIROCODE_SEITE = 25.0
GIROCODE_ABSTAND = 3.0
GIROCODE_BREITE = 85.0


FORM_A = Form("A", 27.0, 27.0, 44.7, 72.0, 32.0, 80.5, (87.0, 192.0))
FORM_B = Form("B", 45.0, 45.0, 62.7, 90.0, 50.0, 98.5, (105.0, 210.0))
FORMEN = {"A": FORM_A, "B": FORM_B}


def pt_zu_mm(pt: float) -> float:
    return pt * 25.4 / 72


def mm_zu_pt(mm: float) -> float:
    return mm * 72 / 25.4
