"""One e-mail per letter: headers, German default text, the PDF attached under a readable name."""

from __future__ import annotations

import re
import unicodedata
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from briefe.versand.einstellungen import Einstellungen

TEST_MARKE = "[TEST]"
_UMSCHRIFT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def _teil(text: str) -> str:
    """A readable file name part: transliterated, letters and digits, words joined by ``-``."""
    text = unicodedata.normalize("NFKD", text.translate(_UMSCHRIFT)).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[A-Za-z0-9]+", text))[:40].strip("-")


def anhang_name(betreff: str, empfaenger) -> str:
    """``Brief-Bildungsnetzwerk-Meyer.pdf``: first word of the subject, then the surname
    (or the organisation)."""
    wort = _teil(betreff.split()[0]) if betreff.split() else ""
    person = _teil(empfaenger.wert("nachname") or empfaenger.wert("organisation"))
    return "-".join(t for t in ("Brief", wort, person) if t) + ".pdf"


def standard_text(brief) -> str:
    """The German default text when the template has no ``[email]`` table."""
    gruss = [brief.absender.behoerde, brief.absender.dienststelle]
    return "\n".join([
        brief.anrede, "",
        f"anbei erhalten Sie unser Schreiben „{brief.betreff}“ als PDF-Datei.", "",
        brief.grussformel, *(z for z in gruss if z),
    ])


def neue_message_id(einstellungen: Einstellungen) -> str:
    return make_msgid(domain=einstellungen.absender.rpartition("@")[2])


def baue_nachricht(einstellungen: Einstellungen, an: str, betreff: str, text: str, pdf: bytes,
                   dateiname: str, message_id: str, test: bool = False) -> EmailMessage:
    """The message; the Bcc copy is an envelope recipient only, never a header."""
    nachricht = EmailMessage()
    nachricht["From"] = einstellungen.absender
    nachricht["To"] = an
    if einstellungen.antwort_an:
        nachricht["Reply-To"] = einstellungen.antwort_an
    nachricht["Subject"] = f"{TEST_MARKE} {betreff}" if test else betreff
    nachricht["Date"] = formatdate(localtime=True)
    nachricht["Message-ID"] = message_id
    nachricht["Content-Language"] = "de-DE"
    nachricht.set_content(text + "\n")
    nachricht.add_attachment(pdf, maintype="application", subtype="pdf", filename=dateiname)
    return nachricht
