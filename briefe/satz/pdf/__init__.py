"""PDF: HTML and CSS for WeasyPrint, the variants (PDF/A, PDF/UA), the fast path for letters
that differ only in address and salutation, the combined print PDF and the PDF check.

Importing this package imports WeasyPrint, without cffi's library search on Linux (see
``_lade_weasyprint``)."""

from __future__ import annotations

import contextlib
import ctypes.util
import sys


@contextlib.contextmanager
def _ohne_bibliothekssuche():
    """WeasyPrint tries names like ``libgobject-2.0-0`` before ``libgobject-2.0.so.0``; for each
    name the loader does not know, cffi asks ``ctypes.util.find_library``, which starts
    ``ldconfig``, ``gcc`` and ``ld`` (about 0.4 s at every start). Here it answers "unknown" at
    once, and the soname WeasyPrint tries next is loaded directly."""
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _lade_weasyprint() -> None:
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        return
    try:
        with _ohne_bibliothekssuche():
            import weasyprint  # noqa: F401
    except OSError:  # a system whose libraries only the search finds: import as usual
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]


_lade_weasyprint()
