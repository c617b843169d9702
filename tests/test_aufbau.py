"""The package layout is the data flow: no stage imports a stage that builds on it, no circles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PAKET = Path(__file__).resolve().parents[1] / "briefe"
# Each stage may import only the stages before it (and the shared modules at the top).
STUFEN = ["quellen", "deutsch", "vorlage", "satz", "lauf", "versand", "verteilt", "dienst", "cli"]
ERLAUBT = {
    "quellen": set(),
    "deutsch": {"quellen"},
    "vorlage": {"quellen", "deutsch"},
    "satz": set(),
    "lauf": {"quellen", "deutsch", "vorlage", "satz"},
    "versand": {"quellen", "deutsch", "vorlage", "satz", "lauf"},
    "verteilt": {"quellen", "deutsch", "vorlage", "satz", "lauf"},
    "dienst": {"quellen", "deutsch", "vorlage", "satz", "lauf", "versand", "verteilt"},
    "cli": {"quellen", "deutsch", "vorlage", "satz", "lauf", "versand", "verteilt", "dienst"},
}


def _modulname(pfad: Path) -> str:
    teile = pfad.relative_to(PAKET.parent).with_suffix("").parts
    return ".".join(teile[:-1] if teile[-1] == "__init__" else teile)


def _importe(pfad: Path) -> set[str]:
    """Every ``briefe`` module a file imports, at the top or inside a function."""
    namen: set[str] = set()
    for knoten in ast.walk(ast.parse(pfad.read_text(encoding="utf-8"))):
        if isinstance(knoten, ast.Import):
            namen.update(a.name for a in knoten.names if a.name.startswith("briefe"))
        elif isinstance(knoten, ast.ImportFrom) and knoten.module and knoten.module.startswith("briefe"):
            for a in knoten.names:  # ``from briefe.satz import vertrag`` imports a module
                kandidat = f"{knoten.module}.{a.name}"
                ziel = PAKET.parent / Path(*kandidat.split("."))
                namen.add(kandidat if ziel.with_suffix(".py").is_file() or ziel.is_dir() else knoten.module)
    return namen


MODULE = {_modulname(p): _importe(p) for p in PAKET.rglob("*.py")}


def _stufe(modul: str) -> str | None:
    teile = modul.split(".")
    return teile[1] if len(teile) > 2 and teile[1] in STUFEN else None


@pytest.mark.parametrize("modul", sorted(MODULE))
def test_keine_stufe_importiert_eine_spaetere(modul):
    if modul == "briefe.__main__":  # ``python -m briefe`` is the command line
        return
    stufe = _stufe(modul)
    falsch = sorted(
        ziel for ziel in MODULE[modul]
        if _stufe(ziel) not in (None, stufe) and (stufe is None or _stufe(ziel) not in ERLAUBT[stufe])
    )
    assert not falsch, f"{modul} importiert {falsch}"


def test_keine_importkreise():
    kanten = {m: {z for z in ziele if z in MODULE and z != m} for m, ziele in MODULE.items()}
    besucht: dict[str, int] = {}  # 1 on the path, 2 done

    def suche(modul: str, pfad: list[str]) -> None:
        besucht[modul] = 1
        for ziel in sorted(kanten[modul]):
            if besucht.get(ziel) == 1:
                pytest.fail("Importkreis: " + " → ".join(pfad[pfad.index(ziel):] + [modul, ziel]))
            if ziel not in besucht:
                suche(ziel, pfad + [modul])
        besucht[modul] = 2

    for modul in sorted(kanten):
        if modul not in besucht:
            suche(modul, [])


def test_jede_stufe_sagt_was_sie_nimmt_und_gibt():
    for stufe in STUFEN:
        doc = ast.get_docstring(ast.parse((PAKET / stufe / "__init__.py").read_text(encoding="utf-8")))
        assert doc and 1 <= len(doc.splitlines()) <= 6, stufe


# Inside the service: pages and API use runs and templates, never the other way round.
DIENST_ORDNER = {
    "zugang": set(),
    "laeufe": {"zugang"},
    "vorlagen": {"zugang", "laeufe"},
    "versand": {"zugang", "laeufe"},
    "api": {"zugang", "laeufe", "vorlagen"},
    "seite": {"zugang", "laeufe", "vorlagen"},
}
DIENST_GRUNDLAGE = {"konfiguration", "datenquellen", "fehler", "http_texte"}  # usable from every folder


def _dienst_teil(modul: str) -> str | None:
    teile = modul.split(".")
    return teile[2] if len(teile) > 2 and teile[:2] == ["briefe", "dienst"] else None


@pytest.mark.parametrize("modul", sorted(m for m in MODULE if _dienst_teil(m) in DIENST_ORDNER))
def test_dienst_ordner_importieren_nur_darunter(modul):
    ordner = _dienst_teil(modul)
    erlaubt = DIENST_ORDNER[ordner] | DIENST_GRUNDLAGE | {ordner}
    falsch = sorted(z for z in MODULE[modul] if _dienst_teil(z) and _dienst_teil(z) not in erlaubt)
    assert not falsch, f"{modul} importiert {falsch}"


def test_dienst_hat_nur_ordner_und_wenige_module_oben():
    oben = {p.stem for p in (PAKET / "dienst").glob("*.py")} - {"__init__"}
    assert oben == DIENST_GRUNDLAGE | {"app", "zustand", "fehlerantworten"}
    for ordner in DIENST_ORDNER:
        quelle = (PAKET / "dienst" / ordner / "__init__.py").read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(quelle))
        assert doc and len([z for z in doc.splitlines() if z.strip()]) == 2, ordner


# Longer modules, each with its reason.
LANG_ERLAUBT = {
    "vorlage/word_import.py": "Word import, being reworked for linear time",
    "satz/docx/grundlage.py": "the DOCX building blocks",
    "satz/pdf/pruefung.py": "the PDF/A and PDF/UA checks",
}


def test_kein_modul_ueber_600_zeilen():
    lang = {name: n for p in PAKET.rglob("*.py")
            if (name := str(p.relative_to(PAKET))) not in LANG_ERLAUBT
            and (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert not lang, lang
