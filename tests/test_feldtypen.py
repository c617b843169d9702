"""Array types for WeasyPrint's C calls, built without cffi's parser: the same types."""

from __future__ import annotations

import pytest
from cffi import CDefError
from weasyprint.text.ffi import ffi

from briefe.satz.pdf import feldtypen, weasy  # noqa: F401 - weasy sets it up


def _geparst(text: str):
    """The type cffi's own parser gives for ``text``."""
    with ffi._lock:
        return ffi._get_cached_btype(ffi._parser.parse_type(text))


@pytest.mark.parametrize("text", ["hb_codepoint_t[4711]", "hb_codepoint_t[0]", "hb_tag_t[3]",
                                  "PangoLogAttr[]", "hb_codepoint_t[]", "PangoRectangle *",
                                  "FcChar8 **", "PangoFcFontMap *", "hb_font_t **"])
def test_feldtyp_ist_der_geparste(text):
    ffi._parsed_types.pop(text, None)  # an earlier render may have made it
    typ = ffi.typeof(text)
    assert text in ffi._parsed_types
    assert typ is _geparst(text)


def test_feld_mit_werten():
    feld = ffi.new("hb_codepoint_t[5]", [3, 1, 4, 1, 5])
    assert list(feld) == [3, 1, 4, 1, 5]
    assert ffi.typeof(feld) is ffi.typeof("uint32_t[5]")


@pytest.mark.parametrize(("text", "fehler"), [("gibtsnicht_t[3]", CDefError),
                                              ("hb_codepoint_t[-1]", ValueError)])
def test_fehler_meldet_cffi_wie_immer(text, fehler):
    with pytest.raises(fehler):
        ffi.typeof(text)


def test_anderes_parst_cffi():
    assert len(ffi.new("hb_codepoint_t[07]")) == 7  # C's octal: cffi's parser reads it
    assert ffi.typeof("unsigned int[2]") is _geparst("unsigned int[2]")


def test_richte_ein_einmal():
    tabelle = ffi._parsed_types
    feldtypen.richte_ein()
    assert ffi._parsed_types is tabelle
    assert isinstance(tabelle, feldtypen._Typen)
