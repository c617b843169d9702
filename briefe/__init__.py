"""briefe: deutsche Geschäftsbriefe nach DIN 5008 aus Vorlagen und Mitgliederlisten."""

import gc
from pathlib import Path

__version__ = "0.1.0"

RESSOURCEN = Path(__file__).parent / "ressourcen"  # fonts, colour profile, stylesheets

# The garbage collector's first threshold. Importing WeasyPrint and laying out letters makes
# many short-lived objects, nearly all freed by reference counting; at Python's 700 the collector
# ran some 250 times before a run's first letter, and its fuller passes walked everything
# imported (about a tenth of a second at every start, again in each worker process).
GC_SCHWELLE = 10_000
if gc.get_threshold()[0] < GC_SCHWELLE:
    gc.set_threshold(GC_SCHWELLE, *gc.get_threshold()[1:])
