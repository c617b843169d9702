"""Envelopes and label sheets: pages of addresses, placed in millimetres (``geometrie``)."""
