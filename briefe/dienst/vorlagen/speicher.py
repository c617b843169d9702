"""Template files of the service's templates folder with their version history.

A template stays ``vorlagen/NAME.md`` (the same file the CLI and job files read); every save
is also kept as a version in ``vorlagen/.versionen/NAME/NNNN.md`` with ``NNNN.json`` (who,
when, a diff summary). The ``version`` of a text is a short hash of its bytes; an update
must name the version it was based on, otherwise it is a conflict."""

from __future__ import annotations

import datetime as dt
import difflib
import fcntl
import json
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefe.dateien import schreibe_atomar
from briefe.fehler import BriefeFehler
from briefe.lauf.protokoll import textversion

NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
VERSIONEN = ".versionen"
MAX_QUELLTEXT = 256 * 1024
_SPERRE = threading.Lock()


class VorlagenKonflikt(BriefeFehler):
    """The template changed since the client read it (HTTP 409)."""


class UngueltigeVorlage(BriefeFehler):
    """A name or text the store does not take (HTTP 422)."""


@dataclass(frozen=True)
class Version:
    nummer: int
    version: str
    wer: str
    wann: str
    was: str
    diff: str = ""

    def als_dict(self, mit_diff: bool = False) -> dict:
        d = {"nummer": self.nummer, "version": self.version, "wer": self.wer, "wann": self.wann,
             "was": self.was}
        if mit_diff:
            d["diff"] = self.diff
        return d


def pruefe_name(name: str) -> str:
    if not NAME.fullmatch(name or ""):
        raise UngueltigeVorlage(
            f"Der Name „{(name or '')[:40]}“ ist als Dateiname nicht erlaubt: nur Kleinbuchstaben a–z, "
            "Ziffern und Bindestriche, z. B. „einladung-teilkonferenz“.")
    return name


def normalisiere(quelltext: str) -> str:
    """Unix line ends, no byte-order mark, a final newline."""
    text = quelltext.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text if text.endswith("\n") else text + "\n"


def zusammenfassung(alt: str, neu: str) -> tuple[str, str]:
    """(German summary, unified diff) of a change."""
    diff = list(difflib.unified_diff(alt.splitlines(), neu.splitlines(), "vorher", "nachher",
                                     lineterm="", n=1))
    plus = sum(1 for z in diff if z.startswith("+") and not z.startswith("+++"))
    minus = sum(1 for z in diff if z.startswith("-") and not z.startswith("---"))
    if not alt:
        return f"neu angelegt ({len(neu.splitlines())} Zeilen)", "\n".join(diff)
    if not diff:
        return "unverändert", ""
    return f"{plus} Zeile{'n' if plus != 1 else ''} neu, {minus} entfernt", "\n".join(diff)


class VorlagenSpeicher:
    """Read, save and restore templates of one folder."""

    def __init__(self, ordner: Path) -> None:
        self.ordner = Path(ordner)

    def pfad(self, name: str) -> Path:
        return self.ordner / f"{pruefe_name(name)}.md"

    def _versionen_ordner(self, name: str) -> Path:
        return self.ordner / VERSIONEN / pruefe_name(name)

    @contextmanager
    def _gesperrt(self):
        """One writer at a time, also across processes (CLI, a second service)."""
        (self.ordner / VERSIONEN).mkdir(parents=True, exist_ok=True)
        with _SPERRE, open(self.ordner / VERSIONEN / ".sperre", "w") as griff:
            fcntl.flock(griff, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(griff, fcntl.LOCK_UN)

    def lies(self, name: str) -> tuple[str, str] | None:
        """(text, version) of a template, or None."""
        pfad = self.pfad(name)
        if not pfad.is_file():
            return None
        daten = pfad.read_bytes()
        return daten.decode("utf-8", "replace"), textversion(daten)

    def versionen(self, name: str) -> list[Version]:
        ordner = self._versionen_ordner(name)
        ergebnis = []
        for datei in sorted(ordner.glob("[0-9]*.json")):
            d = json.loads(datei.read_text(encoding="utf-8"))
            ergebnis.append(Version(**d))
        return ergebnis

    def version_text(self, name: str, nummer: int) -> str | None:
        pfad = self._versionen_ordner(name) / f"{nummer:04d}.md"
        return pfad.read_text(encoding="utf-8") if pfad.is_file() else None

    def _merke(self, name: str, text: str, wer: str, was: str, diff: str) -> Version:
        ordner = self._versionen_ordner(name)
        vorhanden = self.versionen(name)
        nummer = (vorhanden[-1].nummer if vorhanden else 0) + 1
        version = Version(nummer, textversion(text.encode("utf-8")), wer,
                          dt.datetime.now().astimezone().isoformat(timespec="seconds"), was, diff)
        schreibe_atomar(ordner / f"{nummer:04d}.md", text.encode("utf-8"))
        schreibe_atomar(ordner / f"{nummer:04d}.json",
                        json.dumps(version.als_dict(mit_diff=True), ensure_ascii=False, indent=1).encode())
        return version

    def speichere(self, name: str, quelltext: str, gelesen: str | None, wer: str,
                  was: str | None = None) -> Version:
        """Create (``gelesen`` empty) or update (``gelesen`` = the version read) a template."""
        if len(quelltext.encode("utf-8")) > MAX_QUELLTEXT:
            raise UngueltigeVorlage(f"Die Vorlage ist zu lang (höchstens {MAX_QUELLTEXT // 1024} KB).")
        neu = normalisiere(quelltext)
        pfad = self.pfad(name)
        with self._gesperrt():
            jetzt = self.lies(name)
            if jetzt is None and gelesen:
                raise VorlagenKonflikt(
                    f"Die Vorlage „{name}“ wurde inzwischen gelöscht oder umbenannt. Ihr Text ist noch im "
                    "Editor: bitte unter einem neuen Namen speichern.")
            if jetzt is not None and gelesen != jetzt[1]:
                wer_zuletzt = (self.versionen(name) or [None])[-1]
                von = (f" von {wer_zuletzt.wer} ({wer_zuletzt.wann[:16].replace('T', ', ')} Uhr)"
                       if wer_zuletzt else "")
                raise VorlagenKonflikt(
                    (f"Die Vorlage „{name}“ wurde inzwischen{von} geändert. Ihr Text ist nicht verloren, er "
                     "steht weiter im Editor. Bitte die neue Fassung in einem zweiten Fenster ansehen, "
                     "Ihre Änderungen übertragen und neu laden.")
                    if gelesen else
                    f"Eine Vorlage „{name}“ gibt es schon. Bitte einen anderen Namen wählen oder die "
                    "vorhandene Vorlage bearbeiten.")
            alt = jetzt[0] if jetzt else ""
            if jetzt is not None and not self.versionen(name):
                # A file made outside the page: its text becomes version 1.
                self._merke(name, alt, "(vor der ersten Änderung im Browser)", "ursprüngliche Fassung", "")
            summe, diff = zusammenfassung(normalisiere(alt) if alt else "", neu)
            version = self._merke(name, neu, wer, was or summe, diff)
            schreibe_atomar(pfad, neu.encode("utf-8"))
            return version

    def wiederherstellen(self, name: str, nummer: int, gelesen: str | None, wer: str) -> Version:
        text = self.version_text(name, nummer)
        if text is None:
            raise UngueltigeVorlage(f"Die Version {nummer} der Vorlage „{name}“ gibt es nicht.")
        return self.speichere(name, text, gelesen, wer, f"Version {nummer} wiederhergestellt")
