"""Array types of WeasyPrint's C calls without cffi's C parser.

WeasyPrint subsets each font with ``ffi.new(f"hb_codepoint_t[{n}]", ...)``. cffi parses each
type text it has not seen with pycparser, behind all of Pango's and HarfBuzz's declarations:
a few milliseconds for every new glyph count, in every process (a run's first render parses
a dozen, each worker process again). ``richte_ein`` gives cffi's table of parsed types a
fallback for ``name[n]``, ``name[]``, ``name *`` and ``name **`` where ``name`` is a declared
typedef: the type is built from that typedef the way cffi's parser builds it, so it is the very
type object a parse gives.
"""

from __future__ import annotations

import re

from cffi import model
from weasyprint.text.ffi import ffi

# name[n], name[], name * and name ** (how WeasyPrint writes them)
_TYP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(0|[1-9][0-9]*)?\]| (\*{1,2}))")


class _Typen(dict):
    """cffi's ``_parsed_types``; a missing array or pointer of a typedef is built, anything
    else parsed."""

    def __missing__(self, text):
        treffer = _TYP.fullmatch(text) if isinstance(text, str) else None
        try:  # cffi's internals may change: then its parser decides
            deklaration = treffer and ffi._parser._declarations.get("typedef " + treffer[1])
        except Exception:  # noqa: BLE001
            deklaration = None
        if not deklaration:
            raise KeyError(text)
        try:
            with ffi._lock:  # as in cffi's ``_typeof_locked``
                modell = _modell(deklaration, treffer)
                ergebnis = (ffi._get_cached_btype(modell), modell.is_raw_function)
        except Exception:  # noqa: BLE001 - cffi's parser decides (and words the error)
            raise KeyError(text) from None
        self[text] = ergebnis
        return ergebnis


def _modell(deklaration: tuple, treffer: re.Match):
    """cffi's model of the type, built as its parser builds it (``_get_type_and_quals``)."""
    typ, qualifikation = deklaration
    if treffer[3]:  # pointer: the typedef's qualifiers on the first, none on the second
        for _ in treffer[3]:
            typ, qualifikation = ffi._parser._get_type_pointer(typ, qualifikation), 0
        return typ
    return model.ArrayType(typ, int(treffer[2]) if treffer[2] else None)


def richte_ein() -> None:
    """Let cffi build the array types of typedefs for WeasyPrint without parsing them."""
    if not isinstance(ffi._parsed_types, _Typen):
        ffi._parsed_types = _Typen(ffi._parsed_types)
