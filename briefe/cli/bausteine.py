"""``briefe bausteine``: the text blocks of a templates folder; ``--sachbearbeitung``: the
clerk's own sender data for a run."""

from __future__ import annotations

from pathlib import Path

EXIT_OK, EXIT_FEHLER = 0, 1


def richte_ein(befehle) -> None:
    """Register ``bausteine`` on the CLI's subparsers."""
    bausteine = befehle.add_parser(
        "bausteine", help="Textbausteine auflisten (vorlagen/bausteine/NAME.md)",
        description='Listet die Textbausteine mit Beschreibung und Stand. In einer Vorlage fügt '
                    '{{ baustein("NAME") }} einen ein.')
    bausteine.add_argument("--ordner", type=Path, default=Path("vorlagen"),
                           help="Vorlagenordner (Standard: vorlagen/)")
    bausteine.set_defaults(handler=bausteine_befehl)


def bausteine_befehl(args) -> int:
    from briefe.vorlage.bausteine import Baustein, lies_alle

    bausteine = lies_alle(args.ordner)
    if not bausteine:
        print(f"Keine Textbausteine in {args.ordner}/bausteine/ gefunden.")
    for baustein in bausteine:
        if not isinstance(baustein, Baustein):
            print(f"FEHLER {baustein}")
            continue
        stand = f"  Stand {baustein.stand:%d.%m.%Y}" if baustein.stand else ""
        print(f"{baustein.name}{stand}")
        if baustein.beschreibung:
            print(f"  {baustein.beschreibung}")
        print(f'  Einfügen: {{{{ baustein("{baustein.name}") }}}}')
    return EXIT_OK if all(isinstance(b, Baustein) for b in bausteine) else EXIT_FEHLER
