"""The values a run asks for at its start (``[[startwert]]`` of the template), checked."""

from __future__ import annotations

from briefe.dienst.fehler import EingabeFehler
from briefe.fehler import BriefeFehler


def startwerte_von(pfad, vorlagen_ordner) -> list:
    """The values a template asks for at the start (empty for broken templates)."""
    from briefe.vorlage.vorlage import lade_vorlage

    try:
        return list(getattr(lade_vorlage(pfad, vorlagen_ordner), "startwerte", ()) or ())
    except BriefeFehler:
        return []


def pruefe_werte(pfad, vorlagen_ordner, eingaben: dict[str, str],
                 zahlen: str | None = None) -> list[list[str]]:
    """The values entered at the start, checked against the template (German errors;
    ``zahlen`` as the run option)."""
    from briefe.vorlage.vorlage import lade_vorlage

    try:
        vorlage = lade_vorlage(pfad, vorlagen_ordner)
    except BriefeFehler as fehler:
        raise EingabeFehler(fehler.meldung) from None
    if not getattr(vorlage, "startwerte", None):
        return []
    from briefe.vorlage.startwerte import pruefe_startwerte

    try:
        pruefe_startwerte(vorlage, eingaben, zahlen)
    except BriefeFehler as fehler:
        raise EingabeFehler(fehler.meldung) from None
    return [[w.name, eingaben.get(w.name, "")] for w in vorlage.startwerte]


def startwerte_fuer(lauf, konfiguration) -> list:
    """The start values a run's form asks for (none for a run without its template)."""
    pfad = lauf.optionen.get("vorlage_pfad")
    return startwerte_von(pfad, konfiguration.vorlagen) if pfad else []


def werte_fuer(lauf, konfiguration, namen: list[str], werte: list[str]) -> list[list[str]]:
    """The run form's start values (``wert_name``/``wert`` pairs), checked."""
    eingaben = dict(zip(namen, werte, strict=False))
    return pruefe_werte(lauf.optionen["vorlage_pfad"], konfiguration.vorlagen, eingaben)
