"""The GiroCode of a letter's transfer: an EPC QR code (EPC069-12, version 002, UTF-8, SCT)
with the same data as text, as inline SVG (PDF) or PNG (DOCX); nothing is fetched."""

from __future__ import annotations

import io

import segno

from briefe.modell import Zahlung

BESCHRIFTUNG = "GiroCode: mit der Banking-App scannen"
RUHEZONE = 4  # modules of white around the symbol (ISO/IEC 18004)


def epc_text(zahlung: Zahlung) -> str:
    """The EPC payload: one field per line, the unused optional ones empty."""
    return "\n".join([
        "BCD", "002", "1", "SCT", zahlung.bic, zahlung.empfaenger, zahlung.iban,
        f"EUR{zahlung.betrag:.2f}", "", "", zahlung.zweck,
    ])


def _qr(zahlung: Zahlung) -> segno.QRCode:
    return segno.make_qr(epc_text(zahlung), error="m", encoding="utf-8", boost_error=False)


def svg(zahlung: Zahlung, seite_mm: float) -> str:
    """The code as inline SVG, ``seite_mm`` wide and high with its quiet zone."""
    qr = _qr(zahlung)
    module = qr.symbol_size(scale=1, border=RUHEZONE)[0]
    return qr.svg_inline(scale=seite_mm / module, border=RUHEZONE, unit="mm",
                         title=BESCHRIFTUNG)


def png(zahlung: Zahlung) -> bytes:
    """The code as PNG (10 pixels a module, with its quiet zone)."""
    puffer = io.BytesIO()
    _qr(zahlung).save(puffer, kind="png", scale=10, border=RUHEZONE)
    return puffer.getvalue()


def iban_gruppiert(iban: str) -> str:
    """``DE89 3704 0044 0532 0130 00``."""
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


def textzeilen(zahlung: Zahlung) -> list[str]:
    """The caption and the transfer's data, one line each."""
    zeilen = [BESCHRIFTUNG, f"Empfänger: {zahlung.empfaenger}",
              f"IBAN: {iban_gruppiert(zahlung.iban)}"]
    if zahlung.bic:
        zeilen.append(f"BIC: {zahlung.bic}")
    zeilen += [f"Betrag: {zahlung.betrag_text or zahlung.betrag}", f"Verwendungszweck: {zahlung.zweck}"]
    return zeilen
