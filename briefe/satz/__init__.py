"""Typesetting: takes a resolved ``Brief``, gives files (PDF, DOCX, combined files). A run
asks ``renderer.renderer(format, variante)`` for one object that keeps the contract in
``vertrag``."""
