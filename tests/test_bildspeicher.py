"""Images encoded once per process: the PDFs are byte for byte those WeasyPrint writes when it
encodes the logo for every letter, and a second letter does not encode it again."""

from __future__ import annotations

import io

import pikepdf
import pytest
from weasyprint.images import RasterImage

from briefe.satz.pdf import bildspeicher
from briefe.satz.pdf.weasy import pdf_bytes
from briefe.vorlage.vorlage import lade_vorlage
from tests.conftest import MEYER, VORLAGEN, empfaenger
from tests.test_schnell_arten import BENCHMARKS


@pytest.mark.parametrize("variante", [None, "archiv"])
def test_bild_einmal_kodiert_gleiche_pdf(monkeypatch, variante):
    vorlage = lade_vorlage(BENCHMARKS / "personalisiert-absatz.md", VORLAGEN)
    brief = vorlage.erzeuge(empfaenger(**dict(MEYER, mitgliedsnummer="100007", beitrag="48",
                                              faellig="2027-01-15", arbeitsgruppe="Inklusion")))
    assert brief.absender.logo, "der Brief braucht ein Bild"
    monkeypatch.setattr(RasterImage, "get_x_object", bildspeicher._ORIGINAL)
    einzeln = pdf_bytes(brief, variante)
    bildspeicher.leeren()
    aufrufe, original = [], bildspeicher._ORIGINAL

    def gezaehlt(*args):
        aufrufe.append(args)
        return original(*args)

    monkeypatch.setattr(bildspeicher, "_ORIGINAL", gezaehlt)
    monkeypatch.setattr(RasterImage, "get_x_object", bildspeicher._get_x_object)
    erster, zweiter = pdf_bytes(brief, variante), pdf_bytes(brief, variante)
    assert erster == einzeln and zweiter == einzeln
    assert len(aufrufe) == 1  # the second letter took the kept image
    with pikepdf.open(io.BytesIO(zweiter)) as pdf:
        bilder = [b for seite in pdf.pages for b in seite.Resources.XObject.values()
                  if b.get("/Subtype") == "/Image"]
        assert bilder and all(b.read_bytes() for b in bilder)
        assert all(b.get("/SMask") is None or b.SMask.read_bytes() for b in bilder)
