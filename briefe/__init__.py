"""briefe: deutsche Geschäftsbriefe nach DIN 5008 aus Vorlagen und Mitgliederlisten."""

__version__ = "0.1.0"
