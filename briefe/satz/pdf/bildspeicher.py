"""Images of a run encoded for the PDF once: the sender's logo and the signature are the same
in every letter, but WeasyPrint decodes and re-encodes each image (PNG, alpha channel apart)
for every PDF it writes, about a third of a full render's ``write_pdf``.

``richte_ein`` wraps ``RasterImage.get_x_object``: its result depends on nothing but the
image's bytes, its decoded properties and the two arguments, so it is kept (as plain bytes,
a few images per process) and each PDF gets fresh objects with the same content.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import OrderedDict

import pydyf
from weasyprint.images import RasterImage

BILDER_JE_PROZESS = 16
_SPEICHER: OrderedDict[tuple, _Gefroren] = OrderedDict()
_ORIGINAL = RasterImage.get_x_object


def richte_ein() -> None:
    """Make WeasyPrint encode each distinct image once per process."""
    RasterImage.get_x_object = _get_x_object


def leeren() -> None:
    """Forget the encoded images (for tests)."""
    _SPEICHER.clear()


def _schluessel(bild: RasterImage, interpolate, dpi_ratio) -> tuple:
    daten = bild.image_data.data
    return (hashlib.sha256(daten).digest(), len(daten), interpolate, dpi_ratio, bild.width,
            bild.height, bild.mode, bild.format, getattr(bild, "_dpi", None),
            getattr(bild, "optimize", None), getattr(bild, "invert_colors", None))


def _get_x_object(self: RasterImage, interpolate, dpi_ratio):
    schluessel = _schluessel(self, interpolate, dpi_ratio)
    gefroren = _SPEICHER.get(schluessel)
    if gefroren is None:
        gefroren = _einfrieren(_ORIGINAL(self, interpolate, dpi_ratio))
        _SPEICHER[schluessel] = gefroren
        while len(_SPEICHER) > BILDER_JE_PROZESS:
            _SPEICHER.popitem(last=False)
    else:
        _SPEICHER.move_to_end(schluessel)
    return _auftauen(gefroren)


@dataclasses.dataclass(frozen=True)
class _Gefroren:
    """A stream as bytes and its dictionary (a nested stream, the mask, frozen alike)."""

    teile: tuple[bytes, ...]
    extra: dict
    komprimiert: bool


def _einfrieren(strom: pydyf.Stream) -> _Gefroren:
    extra = {k: _einfrieren(v) if isinstance(v, pydyf.Stream) else v for k, v in strom.extra.items()}
    return _Gefroren(tuple(pydyf._to_bytes(teil) for teil in strom.stream), extra, strom.compress)


def _auftauen(gefroren: _Gefroren) -> pydyf.Stream:
    extra = {k: _auftauen(v) if isinstance(v, _Gefroren) else v for k, v in gefroren.extra.items()}
    return pydyf.Stream(list(gefroren.teile), pydyf.Dictionary(extra), compress=gefroren.komprimiert)
