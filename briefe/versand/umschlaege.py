"""Envelopes and address labels for a finished run: exactly the letters the run made, with the
template's return line, address order and annotation lines."""

from __future__ import annotations

from pathlib import Path

UMSCHLAEGE_PDF = "umschlaege.pdf"
ETIKETTEN_PDF = "etiketten.pdf"


def _empfaenger_des_laufs(ausgabe: Path):
    """The run's template and the recipients of the letters it made (its rows, in its order)."""
    from briefe.lauf.protokoll import lies_fertiges_protokoll
    from briefe.versand.versand import liste_des_laufs, vorlagen_ordner_von
    from briefe.vorlage.vorlage import lade_vorlage

    protokoll = lies_fertiges_protokoll(Path(ausgabe))
    zeilen = [int(b["zeile"]) for b in protokoll.get("briefe", []) if b.get("status") == "ok"]
    nach_zeile = {e.zeile: e for e in liste_des_laufs(protokoll).empfaenger}
    pfad = Path(protokoll["vorlage"])
    vorlage = lade_vorlage(pfad, vorlagen_ordner_von(pfad), werte=dict(protokoll.get("werte") or {}))
    return vorlage, [nach_zeile[z] for z in zeilen if z in nach_zeile]


def umschlaege_des_laufs(ausgabe: Path, format_: str):
    """``umschlaege.pdf`` in the run folder: an envelope per letter the run made."""
    from briefe.lauf.post import erstelle_umschlaege, umschlag

    umschlag(format_)  # an unknown format fails before the list is read
    vorlage, empfaenger = _empfaenger_des_laufs(ausgabe)
    return erstelle_umschlaege(empfaenger, format_, Path(ausgabe) / UMSCHLAEGE_PDF,
                               vorlage.absender.ruecksendeangabe, vorlage.anschrift_reihenfolge,
                               lambda e: vorlage.erzeuge(e).vermerke)


def etiketten_des_laufs(ausgabe: Path, bogen_name: str, start: int = 1):
    """``etiketten.pdf`` in the run folder: a label per letter the run made."""
    from briefe.lauf.post import bogen, erstelle_etiketten

    bogen_ = bogen(bogen_name)
    vorlage, empfaenger = _empfaenger_des_laufs(ausgabe)
    return erstelle_etiketten(empfaenger, bogen_, Path(ausgabe) / ETIKETTEN_PDF, start,
                              vorlage.anschrift_reihenfolge)
