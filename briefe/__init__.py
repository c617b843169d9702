"""briefe: deutsche Geschäftsbriefe nach DIN 5008 aus Vorlagen und Mitgliederlisten."""

from pathlib import Path

__version__ = "0.1.0"

RESSOURCEN = Path(__file__).parent / "ressourcen"  # fonts, colour profile, stylesheets
