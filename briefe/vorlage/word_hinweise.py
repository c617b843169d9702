"""What the Word import names as not carried over, by kind (``{wo}``: where)."""

HINWEISE = {
    "bild": "Bilder im Brieftext wurden nicht übernommen{wo}; ein Logo gehört ins "
            "Absenderprofil.",
    "textfeld": "Textfelder wurden nicht übernommen{wo}; ihren Text bitte in den Brieftext "
                "schreiben.",
    "fussnote": "Fußnoten wurden nicht übernommen{wo}.",
    "endnote": "Endnoten wurden nicht übernommen{wo}.",
    "kommentar": "Kommentare wurden nicht übernommen{wo}.",
    "aenderung": "Nachverfolgte Änderungen{wo}: übernommen wurde der Text so, als wären alle "
                 "Änderungen angenommen; bitte prüfen.",
    "unterstrichen": "Unterstreichungen{wo} wurden als normaler Text übernommen: das "
                     "Briefmodell kennt keine Unterstreichung (fett oder kursiv verwenden).",
    "link": "Verknüpfungen{wo} wurden als Text übernommen, ohne Verweisziel.",
    "seitenumbruch": "Seitenumbrüche{wo} wurden nicht übernommen; briefe bricht die Seiten "
                     "selbst um.",
    "formel": "Formeln wurden nicht übernommen{wo}.",
    "objekt": "Eingebettete Objekte wurden nicht übernommen{wo}.",
    "tabellenumbruch": "Zeilenumbrüche in Tabellenzellen{wo} wurden zu Leerzeichen.",
    "verbunden": "Verbundene Tabellenzellen{wo} wurden getrennt; der Text steht in der ersten "
                 "Zelle.",
    "verschachtelt": "Tabellen in Tabellenzellen wurden nicht übernommen{wo}.",
    "adressblock": "Der Adressblock{wo} wurde nicht übernommen: briefe setzt die Anschrift aus "
                   "der Mitgliederliste.",
    "unbekannt": "Unbekannte Inhalte wurden nicht übernommen{wo}.",
}
