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


# --- envelopes (DIN 678 sizes; zones of Deutsche Post's "Automationsfähige Briefsendungen") ---
# Franking zone: top right corner, 40 mm high and 74 mm wide. Reading zone (address): at least
# 15 mm from the left, right and bottom edges and below the 40 mm strip at the top. Coding zone:
# the bottom 15 mm, 150 mm from the right edge. The return line sits in the sender zone, top left.
FRANKIERZONE_HOEHE = 40.0
FRANKIERZONE_BREITE = 74.0
LESEZONE_RAND = 15.0
CODIERZONE_HOEHE = 15.0
CODIERZONE_BREITE = 150.0
RUECKSENDE_X = 10.0
RUECKSENDE_Y = 10.0


@dataclass(frozen=True)
class Umschlag:
    """An envelope (landscape) and where its address field starts; the field is as wide and
    high as the letter's (``ANSCHRIFTFELD_BREITE`` × ``ANSCHRIFTFELD_HOEHE``), the lines indented
    like in the letter (``ANSCHRIFT_LINKS - ANSCHRIFTFELD_LINKS``)."""

    name: str
    breite: float
    hoehe: float
    feld_x: float
    feld_y: float

    @property
    def frankierzone(self) -> tuple[float, float, float, float]:
        """x0, top, x1, bottom in mm."""
        return (self.breite - FRANKIERZONE_BREITE, 0.0, self.breite, FRANKIERZONE_HOEHE)

    @property
    def codierzone(self) -> tuple[float, float, float, float]:
        return (self.breite - CODIERZONE_BREITE, self.hoehe - CODIERZONE_HOEHE, self.breite, self.hoehe)

    @property
    def lesezone(self) -> tuple[float, float, float, float]:
        return (LESEZONE_RAND, FRANKIERZONE_HOEHE, self.breite - LESEZONE_RAND,
                self.hoehe - LESEZONE_RAND)


UMSCHLAEGE = {
    "DL": Umschlag("DL", 220.0, 110.0, 110.0, 45.0),
    "C6": Umschlag("C6", 162.0, 114.0, 60.0, 47.0),
    "C5": Umschlag("C5", 229.0, 162.0, 115.0, 75.0),
    "C4": Umschlag("C4", 324.0, 229.0, 170.0, 110.0),
}


# --- label sheets (A4), measured geometry from the makers' data sheets (cross-checked against
# gLabels' sheet templates; 6122 from a public Word template of that sheet) ---
@dataclass(frozen=True)
class Etikettenbogen:
    """An A4 sheet of labels: columns × rows, first label's top left corner, pitch and size in mm."""

    name: str
    spalten: int
    reihen: int
    rand_links: float
    rand_oben: float
    abstand_x: float  # pitch: left edge to left edge
    abstand_y: float
    breite: float
    hoehe: float
    innenrand: float = 3.0  # text keeps this far from the label's edge

    @property
    def anzahl(self) -> int:
        return self.spalten * self.reihen

    def etikett(self, nummer: int) -> tuple[float, float, float, float]:
        """x0, top, x1, bottom of label ``nummer`` (0 = top left, row by row)."""
        reihe, spalte = divmod(nummer % self.anzahl, self.spalten)
        x = self.rand_links + spalte * self.abstand_x
        y = self.rand_oben + reihe * self.abstand_y
        return (x, y, x + self.breite, y + self.hoehe)


ETIKETTENBOEGEN = {b.name: b for b in (
    Etikettenbogen("L7160", 3, 7, 7.21, 15.15, 66.04, 38.1, 63.5, 38.1),
    Etikettenbogen("L7161", 3, 6, 7.21, 8.8, 66.04, 46.6, 63.5, 46.6),
    Etikettenbogen("L7163", 2, 7, 4.65, 15.15, 101.6, 38.1, 99.1, 38.1),
    Etikettenbogen("L7165", 2, 4, 4.65, 13.1, 101.6, 67.7, 99.1, 67.7),
    Etikettenbogen("3474", 3, 8, 0.0, 0.5, 70.0, 37.0, 70.0, 37.0),
    Etikettenbogen("3475", 3, 8, 0.0, 4.5, 70.0, 36.0, 70.0, 36.0),
    Etikettenbogen("3490", 3, 8, 0.0, 4.5, 70.0, 36.0, 70.0, 36.0),
    Etikettenbogen("3651", 4, 10, 0.0, 0.0, 52.5, 29.7, 52.5, 29.7, innenrand=2.5),
    Etikettenbogen("3652", 3, 7, 0.0, 0.45, 70.0, 42.3, 70.0, 42.3),
    Etikettenbogen("6122", 3, 8, 0.0, 4.5, 70.0, 36.0, 70.0, 36.0),
    # Herma sheets of the same kinds
    Etikettenbogen("HERMA4464", 3, 8, 0.0, 0.5, 70.0, 37.0, 70.0, 37.0),
    Etikettenbogen("HERMA4610", 4, 10, 0.0, 0.0, 52.5, 29.7, 52.5, 29.7, innenrand=2.5),
    Etikettenbogen("HERMA4677", 3, 7, 6.75, 15.5, 66.5, 38.1, 63.5, 38.1),
    Etikettenbogen("HERMA4625", 2, 7, 0.0, 0.45, 105.0, 42.3, 105.0, 42.3),
)}
# Text on a label: the largest size that fits, from the letter's text size down to this.
SCHRIFTGRAD_ETIKETT_MIN = 6.0
