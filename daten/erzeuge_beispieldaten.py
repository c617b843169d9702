"""Write the sample member lists mitglieder.csv and mitglieder.xlsx from one list.

A fictional education network in Hagen; all people, streets and e-mail
addresses are invented. Run ``python daten/erzeuge_beispieldaten.py``.
The XLSX stores German postcodes as numbers, as Excel does (01067 -> 1067),
and is written byte for byte the same on every run.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

ORDNER = Path(__file__).resolve().parent
KOPF = (
    "Anrede", "Titel", "Vorname", "Name", "Funktion", "Einrichtung", "Zusatz", "Straße",
    "Postfach", "PLZ", "Ort", "Land", "E-Mail", "Gremien", "Handlungsfeld",
)
LK, BK = "Lenkungskreis", "Bildungskonferenz"
TK_UEBERGANG = "Teilkonferenz Übergang Schule–Beruf"
TK_SPRACHE = "Teilkonferenz Sprachförderung"
TK_GANZTAG = "Teilkonferenz Ganztag"
TK_INKLUSION = "Teilkonferenz Inklusion"
FESTE_ZEIT = (2011, 8, 25, 12, 0, 0)


def _g(*gremien: str) -> str:
    return ", ".join(gremien)


# One tuple per member, in the order of KOPF.
MITGLIEDER: list[tuple[str, ...]] = [
    # Lenkungskreis (the six names of the letter of 25.08.2011; first names invented)
    ("Herr", "", "Martin", "Becker", "Vorsitzender des Lenkungskreises", "Stadt Hagen",
     "Amt für Weiterbildung und Medien", "Schwanenstr. 6-10", "", "58095", "Hagen", "",
     "martin.becker@example.org", _g(LK, BK), "Lebensbegleitendes Lernen"),
    ("Herr", "", "Thomas", "Goldbach", "Fachbereichsleiter", "Stadt Hagen",
     "Fachbereich Jugend und Soziales", "Berliner Platz 22", "", "58089", "Hagen", "",
     "thomas.goldbach@example.org", _g(LK, BK), "Übergänge"),
    ("Herr", "", "Stefan", "Flader", "Schulaufsicht", "Bezirksregierung Arnsberg",
     "Dezernat 41", "Am Ritterhof 9", "", "59821", "Arnsberg", "",
     "stefan.flader@example.org", _g(LK, BK), "Individuelle Förderung"),
    ("Herr", "", "Andreas", "Koller", "Schulamtsdirektor", "Schulamt für die Stadt Hagen",
     "", "Rathausstraße 11", "", "58095", "Hagen", "",
     "andreas.koller@example.org", _g(LK, TK_INKLUSION), "Inklusion"),
    ("Frau", "Dr.", "Maria", "Meyer", "Schulleiterin", "Gesamtschule Eilpe", "",
     "Wehringhauser Str. 38", "", "58089", "Hagen", "",
     "maria.meyer@example.org", _g(LK, BK, TK_UEBERGANG), "Ganztag"),
    ("Herr", "", "Klaus", "Schäfer", "Schulleiter", "Grundschule Lindenhof", "",
     "Lindenstraße 12", "", "58097", "Hagen", "",
     "klaus.schaefer@example.org", _g(LK, BK), "Individuelle Förderung"),
    # Schools
    ("Frau", "", "Petra", "Schmitz", "Schulleiterin", "Grundschule Am Mühlenteich", "",
     "Mühlenweg 4", "", "58091", "Hagen", "",
     "petra.schmitz@example.org", _g(BK, TK_SPRACHE), "Individuelle Förderung"),
    ("Herr", "", "Jürgen", "Hartmann", "Schulleiter", "Grundschule Vorhalle", "",
     "Vorhaller Straße 77", "", "58089", "Hagen", "",
     "juergen.hartmann@example.org", _g(BK, TK_GANZTAG), "Ganztag"),
    ("Frau", "", "Sabine", "Krüger", "Konrektorin", "Grundschule Boele-Kabel", "",
     "Kabeler Straße 30", "", "58099", "Hagen", "",
     "sabine.krueger@example.org", _g(BK, TK_SPRACHE), "Individuelle Förderung"),
    ("Frau", "", "Aylin", "Demir", "Schulleiterin", "Grundschule Altenhagen", "",
     "Altenhagener Straße 101", "", "58097", "Hagen", "",
     "aylin.demir@example.org", _g(BK, TK_SPRACHE, TK_INKLUSION), "Inklusion"),
    ("Herr", "", "Michael", "Brandt", "Schulleiter", "Gesamtschule Haspe", "",
     "Kölner Straße 60", "", "58135", "Hagen", "",
     "michael.brandt@example.org", _g(BK, TK_UEBERGANG), "Übergänge"),
    ("Frau", "", "Claudia", "Lehmann", "Didaktische Leiterin", "Gesamtschule Helfe", "",
     "Helfer Straße 48", "", "58099", "Hagen", "",
     "claudia.lehmann@example.org", _g(BK, TK_GANZTAG), "Ganztag"),
    ("Herr", "Dr.", "Frank", "Neumann", "Schulleiter", "Gymnasium Am Ischeland", "",
     "Ischelandstraße 25", "", "58097", "Hagen", "",
     "frank.neumann@example.org", _g(BK), "Individuelle Förderung"),
    ("Frau", "", "Ulrike", "Zimmermann", "Oberstufenkoordinatorin", "Gymnasium Hohenlimburg",
     "", "Wesselbachstraße 8", "", "58119", "Hagen", "",
     "ulrike.zimmermann@example.org", _g(BK, TK_UEBERGANG), "Übergänge"),
    ("Herr", "", "Ralf", "Peters", "Schulleiter", "Realschule Emst", "",
     "Emster Feld 15", "", "58093", "Hagen", "",
     "ralf.peters@example.org", _g(BK), "Individuelle Förderung"),
    ("divers", "", "Alex", "Jansen", "Schulsozialarbeit", "Realschule Haspe", "",
     "Kirchstraße 5", "", "58135", "Hagen", "",
     "alex.jansen@example.org", _g(TK_UEBERGANG), "Übergänge"),
    ("Herr", "Dr.", "Maximilian-Alexander", "von Hohenstein", "Schulleiter",
     "Berufskolleg Volmetal", "", "Eppenhauser Straße 150", "", "58093", "Hagen", "",
     "m.hohenstein@example.org", _g(BK, TK_UEBERGANG), "Übergänge"),
    ("Frau", "", "Nicole", "Wagner", "Abteilungsleiterin", "Berufskolleg Haspe",
     "Ausbildungsvorbereitung", "Berliner Straße 40", "", "58135", "Hagen", "",
     "nicole.wagner@example.org", _g(TK_UEBERGANG), "Übergänge"),
    ("Herr", "", "Dirk", "Schulte", "Sonderpädagoge", "Förderschule Am Kuhlerkamp", "",
     "Kuhlerkamp 2", "", "58089", "Hagen", "",
     "dirk.schulte@example.org", _g(TK_INKLUSION), "Inklusion"),
    # Kitas and family centres
    ("", "", "", "", "", "Kita Regenbogen", "Leitung", "Regenbogenweg 3", "", "58119",
     "Hagen", "", "kita.regenbogen@example.org", _g(TK_SPRACHE), "Individuelle Förderung"),
    ("Frau", "", "Heike", "Vogel", "Leiterin", "Familienzentrum Sonnenschein", "",
     "Sonnenstraße 14", "", "58091", "Hagen", "",
     "heike.vogel@example.org", _g(BK, TK_SPRACHE), "Individuelle Förderung"),
    ("Frau", "", "Martina", "Böhm", "Vorsitzende", "Förderverein Kita Sonnenschein, Haspe e. V.",
     "", "Sonnenstraße 14", "", "58135", "Hagen", "",
     "foerderverein.sonnenschein@example.com", _g(TK_SPRACHE), "Individuelle Förderung"),
    ("", "", "", "", "", "Städtische Kita Emst", "", "Am Emster Feld 21", "", "58093", "Hagen",
     "", "kita.emst@example.org", _g(TK_SPRACHE, TK_INKLUSION), "Inklusion"),
    # Public bodies and further education
    ("", "", "", "", "", "Jobcenter Hagen", "U25-Team", "", "4240", "58042", "Hagen", "",
     "u25@example.org", _g(BK, TK_UEBERGANG), "Übergänge"),
    ("Herr", "", "Oliver", "Kaiser", "Berufsberater", "Agentur für Arbeit Hagen",
     "Berufsberatung", "Körnerstraße 98", "1180", "58041", "Hagen", "",
     "oliver.kaiser@example.org", _g(TK_UEBERGANG), "Übergänge"),
    ("", "", "", "", "", "Volkshochschule Hagen", "Programmbereich Grundbildung",
     "Volmestraße 10", "", "58095", "Hagen", "", "vhs@example.org", _g(BK),
     "Lebensbegleitendes Lernen"),
    ("Frau", "", "Birgit", "Sommer", "Leiterin", "Stadtbücherei Hagen", "",
     "Springe 1", "", "58095", "Hagen", "",
     "birgit.sommer@example.org", _g(BK), "Lebensbegleitendes Lernen"),
    ("Herr", "Prof. Dr.", "Konrad", "Groß-Übelacker", "Institutsleiter",
     "Hochschule für Bildung und Soziales", "Institut für Bildungsforschung",
     "Am Campus 3", "", "58097", "Hagen", "",
     "k.gross-uebelacker@example.org", _g(BK), "Lebensbegleitendes Lernen"),
    ("Herr", "", "Markus", "Richter", "Ausbildungsberater", "Handwerkskammer Südwestfalen",
     "", "Bahnhofstraße 2", "", "58095", "Hagen", "",
     "markus.richter@example.org", _g(TK_UEBERGANG), "Übergänge"),
    ("Frau", "", "Julia", "Fischer", "Referentin Bildung", "Industrie- und Handelskammer Hagen",
     "", "Bahnhofstraße 18", "", "58095", "Hagen", "",
     "julia.fischer@example.org", _g(BK, TK_UEBERGANG), "Übergänge"),
    # Associations
    ("Frau", "", "Sabine", "Kuhn", "Geschäftsführerin",
     "Arbeitsgemeinschaft der Träger der freien Wohlfahrtspflege in der Stadt Hagen e. V.",
     "", "Hochstraße 70", "", "58095", "Hagen", "",
     "sabine.kuhn@example.org", _g(BK, TK_GANZTAG), "Ganztag"),
    ("Herr", "", "Hakan", "Yılmaz", "Vorsitzender", "Integrationsrat der Stadt Hagen", "",
     "Rathausstraße 11", "", "58095", "Hagen", "",
     "hakan.yilmaz@example.org", _g(BK, TK_SPRACHE), "Individuelle Förderung"),
    ("Frau", "", "Gabriele", "Scholz", "Bildungsreferentin", "Evangelischer Kirchenkreis Hagen",
     "Jugendbildung", "Dödterstraße 10", "", "58095", "Hagen", "",
     "gabriele.scholz@example.com", _g(TK_GANZTAG), "Ganztag"),
    ("", "", "", "", "", "Stadtsportbund Hagen e. V.", "", "Fritz-Steinhoff-Straße 1", "",
     "58093", "Hagen", "", "info@example.com", _g(TK_GANZTAG), "Ganztag"),
    ("Herr", "", "Bernd", "Krause", "Geschäftsführer", "Caritasverband Hagen e. V.", "",
     "Bergstraße 81", "", "58095", "Hagen", "",
     "bernd.krause@example.com", _g(TK_INKLUSION), "Inklusion"),
    ("Frau", "", "Tanja", "Winter", "Elternvertreterin", "Stadtelternrat Hagen", "",
     "Goldbergstraße 7", "", "58095", "Hagen", "",
     "tanja.winter@example.com", _g(BK), "Inklusion"),
    # Outside Hagen and abroad
    ("Frau", "", "Katrin", "Wolff", "Referentin", "Institut für Bildungsmonitoring Sachsen",
     "", "Ostra-Allee 9", "", "01067", "Dresden", "",
     "katrin.wolff@example.org", _g(BK), "Inklusion"),
    ("Frau", "Dr.", "Anouk", "de Vries", "Projectleider", "Stichting Onderwijs Grensregio",
     "Afdeling Internationaal", "Keizersgracht 100", "", "1012 AB", "Amsterdam",
     "Niederlande", "anouk.devries@example.org", _g(BK), "Übergänge"),
    # Cannot be addressed: the postcode is missing.
    ("Herr", "", "Peter", "Hoffmann", "Vorsitzender", "Förderverein Grundschule Emst e. V.",
     "", "Emster Straße 20", "", "", "Hagen", "",
     "peter.hoffmann@example.com", _g(BK), "Ganztag"),
]


def schreibe_csv(ziel: Path) -> None:
    """UTF-8 without BOM, separated by semicolons."""
    puffer = io.StringIO(newline="")
    schreiber = csv.writer(puffer, delimiter=";", lineterminator="\n")
    schreiber.writerow(KOPF)
    schreiber.writerows(MITGLIEDER)
    ziel.write_text(puffer.getvalue(), encoding="utf-8", newline="")


def _zelle(spalte: str, wert: str, land: str) -> object:
    # Excel turns German postcodes into numbers and drops the leading zero.
    if spalte == "PLZ" and wert.isdigit() and not land:
        return int(wert)
    return wert or None


def schreibe_xlsx(ziel: Path) -> None:
    """One sheet „Mitglieder“; written reproducibly (fixed time stamps)."""
    mappe = Workbook()
    blatt = mappe.active
    blatt.title = "Mitglieder"
    blatt.append(KOPF)
    land = KOPF.index("Land")
    for zeile in MITGLIEDER:
        blatt.append([_zelle(k, w, zeile[land]) for k, w in zip(KOPF, zeile, strict=True)])
    for zelle in blatt[1]:
        zelle.font = Font(bold=True)
        zelle.alignment = Alignment(vertical="top")
    breiten = (8, 10, 20, 18, 30, 45, 30, 26, 10, 8, 12, 12, 36, 60, 26)
    for index, breite in enumerate(breiten):
        blatt.column_dimensions[chr(ord("A") + index)].width = breite
    blatt.freeze_panes = "A2"
    blatt.auto_filter.ref = blatt.dimensions

    puffer = io.BytesIO()
    mappe.save(puffer)
    with zipfile.ZipFile(puffer) as quelle, zipfile.ZipFile(ziel, "w") as ausgabe:
        for eintrag in quelle.infolist():
            inhalt = quelle.read(eintrag)
            if eintrag.filename == "docProps/core.xml":
                zeit = b"2011-08-25T12:00:00Z"
                inhalt = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + zeit,
                                inhalt)
            neu = zipfile.ZipInfo(eintrag.filename, date_time=FESTE_ZEIT)
            neu.compress_type = zipfile.ZIP_DEFLATED
            ausgabe.writestr(neu, inhalt)


def main() -> None:
    schreibe_csv(ORDNER / "mitglieder.csv")
    schreibe_xlsx(ORDNER / "mitglieder.xlsx")
    print(f"{len(MITGLIEDER)} Mitglieder geschrieben: mitglieder.csv, mitglieder.xlsx")


if __name__ == "__main__":
    main()
