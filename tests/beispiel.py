"""A hand-built letter for renderer tests that must not depend on templates."""

import datetime as dt

from briefe.geometrie import FORM_B
from briefe.modell import (
    Absatz,
    Absender,
    Brief,
    InfoZeile,
    Liste,
    Tabelle,
    Textteil,
    Unterschrift,
)

ABSENDER = Absender(
    kennung="test",
    behoerde="Stadt Hagen",
    dienststelle="Der Oberbürgermeister",
    ruecksendeangabe="Stadt Hagen · 58042 Hagen",
    infoblock=(
        InfoZeile("Stadtamt", "Amt für Weiterbildung und Medien"),
        InfoZeile("Telefon", "02331 207-2951"),
    ),
    fusszeilen=("Sparkasse Hagen · IBAN DE02 4505 0001 0000 0000 00", "www.hagen.de"),
    unterschrift=Unterschrift("Jochen Becker", "Vorsitzender des Lenkungskreises"),
)


def beispielbrief(absaetze: int = 3, form=FORM_B) -> Brief:
    """A letter with every block type; ``absaetze`` long paragraphs make it longer."""
    text = (
        "Dieses soll sowohl die Abstimmung der verschiedenen Stufen des Bildungswesens "
        "untereinander fördern als auch die Kooperation von Bildungseinrichtungen mit "
        "anderen gesellschaftlichen Bereichen."
    )
    inhalt = [
        Absatz((Textteil("Die "), Textteil("Bildungskonferenz", fett=True),
                Textteil(" tagt "), Textteil("jährlich", kursiv=True), Textteil("."))),
        Liste((
            (Textteil("Übergänge gestalten"),),
            (Textteil("Inklusion gestalten"),),
        )),
        Liste(((Textteil("Erstens"),), (Textteil("Zweitens"),)), nummeriert=True),
        Tabelle(
            kopf=((Textteil("Termin"),), (Textteil("Ort"),)),
            zeilen=(((Textteil("17.11.2011"),), (Textteil("Rathaus II"),)),),
        ),
        Absatz((Textteil("Zeile eins\nZeile zwei"),)),
    ]
    inhalt += [Absatz((Textteil(text),)) for _ in range(absaetze)]
    return Brief(
        absender=ABSENDER,
        anschrift=("Frau", "Dr. Maria Meyer", "Gesamtschule Eilpe", "Wehringhauser Str. 38", "58089 Hagen"),
        betreff="Bildungsnetzwerk Hagen",
        anrede="Sehr geehrte Frau Dr. Meyer,",
        inhalt=tuple(inhalt),
        datum=dt.date(2011, 8, 25),
        form=form,
        infoblock=ABSENDER.infoblock + (InfoZeile(""), InfoZeile("Mein Zeichen, Datum", "43, 25.08.2011")),
        unterschrift=ABSENDER.unterschrift,
        anlagen=("Kooperationsvertrag",),
        verteiler=("Lenkungskreis",),
    )
