"""The clerk's own sender data (Sachbearbeitung): name, room, phone and e-mail fill the info
block's "Auskunft erteilt", "Telefon" and "E-Mail" over the template's sender profile."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path

from briefe.deutsch.zahlen import telefon as telefon_text
from briefe.fehler import VorlagenFehler
from briefe.modell import Absender, InfoZeile
from briefe.vorlage.absender import lies_toml, pruefe_schluessel

SCHLUESSEL = {"name", "zimmer", "telefon", "email"}
AUSKUNFT, ZIMMER, TELEFON, EMAIL = "Auskunft erteilt", "Zimmer", "Telefon", "E-Mail"


@dataclass(frozen=True)
class Sachbearbeitung:
    """Whose data goes into the info block."""

    name: str
    zimmer: str = ""
    telefon: str = ""
    email: str = ""

    def als_dict(self) -> dict[str, str]:
        return asdict(self)

    def zeilen(self, mit_zimmerzeile: bool) -> dict[str, str]:
        """Info block label → value (the room in "Auskunft erteilt" unless there is a row for it)."""
        auskunft = self.name
        if self.zimmer and not mit_zimmerzeile:
            auskunft += f", Zi.-Nr. {self.zimmer}"
        werte = {AUSKUNFT: auskunft, ZIMMER: self.zimmer if mit_zimmerzeile else "",
                 TELEFON: self.telefon, EMAIL: self.email}
        return {k: v for k, v in werte.items() if v}

    def absender(self, absender: Absender) -> Absender:
        """``absender`` with this clerk's rows in its info block (missing ones appended)."""
        zeilen = list(absender.infoblock)
        neu = self.zeilen(any(z.bezeichnung == ZIMMER for z in zeilen))
        for bezeichnung, wert in neu.items():
            stelle = next((i for i, z in enumerate(zeilen) if z.bezeichnung == bezeichnung), None)
            if stelle is None:
                zeilen.append(InfoZeile(bezeichnung, wert))
            else:
                zeilen[stelle] = InfoZeile(bezeichnung, wert)
        return replace(absender, infoblock=tuple(zeilen))


def sachbearbeitung_aus(daten: object, datei: str) -> Sachbearbeitung:
    """From a table ``{ name = "…", zimmer = "…", telefon = "…", email = "…" }``."""
    if not isinstance(daten, dict):
        raise VorlagenFehler("Die Absenderangaben müssen eine Tabelle sein, z. B. "
                             'absender = { name = "Frau Beispiel", telefon = "02331 207-2951" }.',
                             datei=datei)
    pruefe_schluessel(daten, SCHLUESSEL, datei, "absender")
    for schluessel, wert in daten.items():
        if not isinstance(wert, str):
            raise VorlagenFehler(f"„{schluessel}“ muss ein Text in Anführungszeichen sein.",
                                 datei=datei)
    name = " ".join(str(daten.get("name", "")).split())
    if not name:
        raise VorlagenFehler("„name“ fehlt (wer Auskunft erteilt, z. B. „Frau Yilmaz“).", datei=datei)
    telefon = str(daten.get("telefon", "")).strip()
    if telefon:
        try:
            telefon = telefon_text(telefon)
        except ValueError as fehler:
            raise VorlagenFehler(f"„telefon“: {fehler}", datei=datei) from None
    return Sachbearbeitung(name=name, zimmer=str(daten.get("zimmer", "")).strip(), telefon=telefon,
                           email=str(daten.get("email", "")).strip())


def lies_sachbearbeitung(pfad: Path) -> Sachbearbeitung:
    """A TOML file with ``name``, ``zimmer``, ``telefon``, ``email`` (or a table [absender])."""
    daten = lies_toml(Path(pfad))
    return sachbearbeitung_aus(daten.get("absender", daten), Path(pfad).name)
