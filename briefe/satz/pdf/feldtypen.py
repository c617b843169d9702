"""Array types of WeasyPrint's C calls without cffi's C parser.

WeasyPrint subsets each font with ``ffi.new(f"hb_codepoint_t[{n}]", ...)``. cffi parses each
type text it has not seen with pycparser, behind all of Pango's and HarfBuzz's declarations:
a few milliseconds for every new glyph count, in every process (a run's first render parses
a dozen, each worker process again). ``richte_ein`` gives cffi's table of parsed types a
fallback for ``name[n]`` and ``name[]`` where ``name`` is a declared typedef: the type is built from that
typedef the way cffi's parser builds it, so it is the very type object a parse gives.
"""

from __future__ import annotations

import re

from cffi import model
from weasyprint.text.ffi import ffi

_FELD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\[(0|[1-9][0-9]*)?\]")  # name[n], name[]


class _Typen(dict):
    """cffi's ``_parsed_types``; a missing ``name[n]`` or ``name[]`` is built, anything else parsed."""

    def __missing__(self, text):
        treffer = _FELD.fullmatch(text) if isinstance(text, str) else None
        deklaration = treffer and ffi._parser._declarations.get("typedef " + treffer[1])
        if not deklaration:
            raise KeyError(text)
        laenge = int(treffer[2]) if treffer[2] else None
        try:
            with ffi._lock:  # as in cffi's ``_typeof_locked``
                typ = ffi._get_cached_btype(model.ArrayType(deklaration[0], laenge))
        except Exception:  # noqa: BLE001 - cffi's parser decides (and words the error)
            raise KeyError(text) from None
        self[text] = ergebnis = (typ, False)  # (type, is a raw function type)
        return ergebnis


def richte_ein() -> None:
    """Let cffi build the array types of typedefs for WeasyPrint without parsing them."""
    if not isinstance(ffi._parsed_types, _Typen):
        ffi._parsed_types = _Typen(ffi._parsed_types)
