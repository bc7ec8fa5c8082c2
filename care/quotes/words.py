"""The patient-facing words of quotes and bills (their page and the quote email), in the
languages the shipped emails are written in; English is the fallback. Data, like
care.words, so adding a language is one more dict."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "quote": "Your quote",
        "version": "Version {version}",
        "valid_until": "Valid until {date}",
        "expired": "This quote expired on {date}; ask your coordinator for a new one.",
        "item": "Item",
        "qty": "Qty",
        "unit": "Unit price",
        "amount": "Amount",
        "total": "Total",
        "approx": "about {amount} {currency} at {rate}",
        "included": "Included",
        "not_included": "Not included",
        "accept": "I accept this quote",
        "accepted": "You accepted this quote on {date}. Thank you.",
        "accepted_now": "Thank you: your acceptance is recorded.",
        "superseded": "An earlier version, replaced by the quote above.",
        "bill": "Your final treatment plan and bill",
        "bill_intro": "Compared with the quote you accepted (version {version}).",
        "quoted": "Quoted",
        "final": "Final",
        "difference": "Difference",
        "why": "Why",
        "new_line": "not in the quote",
        "ack_needed": "The final bill is higher than your quote. Please read the reasons "
        "above; your coordinator will explain them. Then confirm:",
        "ack": "I have been told and I agree",
        "acked": "You confirmed on {date} that you have been told and agree.",
        "acked_now": "Thank you: your confirmation is recorded.",
        "subject": "Your quote for {procedure} at {clinic}",
        "email_intro": "Here is your quote for {procedure} at {clinic}.",
        "email_page": "See it on your page and accept it there:",
        "email_reply": "Questions? Simply reply to this email.",
        "email_revised": "This quote replaces the one we sent before.",
        "refused": "This can no longer be done here: the quote was replaced or has expired, "
        "or there is nothing left to confirm. Please look at your page again, or simply reply "
        "to our email.",
    },
    "es": {
        "quote": "Su presupuesto",
        "version": "Versión {version}",
        "valid_until": "Válido hasta el {date}",
        "expired": "Este presupuesto caducó el {date}; pida uno nuevo a su coordinador.",
        "item": "Concepto",
        "qty": "Cant.",
        "unit": "Precio unitario",
        "amount": "Importe",
        "total": "Total",
        "approx": "aprox. {amount} {currency} a {rate}",
        "included": "Incluido",
        "not_included": "No incluido",
        "accept": "Acepto este presupuesto",
        "accepted": "Aceptó este presupuesto el {date}. Gracias.",
        "accepted_now": "Gracias: su aceptación quedó registrada.",
        "superseded": "Una versión anterior, sustituida por el presupuesto de arriba.",
        "bill": "Su plan de tratamiento y factura final",
        "bill_intro": "Comparado con el presupuesto que aceptó (versión {version}).",
        "quoted": "Presupuestado",
        "final": "Final",
        "difference": "Diferencia",
        "why": "Motivo",
        "new_line": "no estaba en el presupuesto",
        "ack_needed": "La factura final es más alta que su presupuesto. Lea los motivos; "
        "su coordinador se los explicará. Después confirme:",
        "ack": "Me lo han explicado y estoy de acuerdo",
        "acked": "Confirmó el {date} que se lo han explicado y está de acuerdo.",
        "acked_now": "Gracias: su confirmación quedó registrada.",
        "subject": "Su presupuesto para {procedure} en {clinic}",
        "email_intro": "Aquí tiene su presupuesto para {procedure} en {clinic}.",
        "email_page": "Véalo en su página y acéptelo allí:",
        "email_reply": "¿Preguntas? Simplemente responda a este correo.",
        "email_revised": "Este presupuesto sustituye al que le enviamos antes.",
        "refused": "Esto ya no se puede hacer aquí: el presupuesto fue sustituido o caducó, "
        "o no queda nada que confirmar. Vuelva a mirar su página o simplemente responda a "
        "nuestro correo.",
    },
    "de": {
        "quote": "Ihr Kostenvoranschlag",
        "version": "Version {version}",
        "valid_until": "Gültig bis {date}",
        "expired": "Dieser Kostenvoranschlag ist am {date} abgelaufen; bitten Sie Ihre "
        "Koordinatorin um einen neuen.",
        "item": "Posten",
        "qty": "Menge",
        "unit": "Einzelpreis",
        "amount": "Betrag",
        "total": "Summe",
        "approx": "etwa {amount} {currency} zu {rate}",
        "included": "Inbegriffen",
        "not_included": "Nicht inbegriffen",
        "accept": "Ich nehme diesen Kostenvoranschlag an",
        "accepted": "Sie haben diesen Kostenvoranschlag am {date} angenommen. Danke.",
        "accepted_now": "Danke: Ihre Annahme ist gespeichert.",
        "superseded": "Eine frühere Version, ersetzt durch den Kostenvoranschlag oben.",
        "bill": "Ihr endgültiger Behandlungsplan und Ihre Rechnung",
        "bill_intro": "Verglichen mit dem angenommenen Kostenvoranschlag (Version {version}).",
        "quoted": "Veranschlagt",
        "final": "Endgültig",
        "difference": "Differenz",
        "why": "Grund",
        "new_line": "nicht im Kostenvoranschlag",
        "ack_needed": "Die Rechnung ist höher als Ihr Kostenvoranschlag. Bitte lesen Sie "
        "die Gründe; Ihre Koordinatorin erklärt sie Ihnen. Dann bestätigen Sie:",
        "ack": "Man hat es mir erklärt und ich bin einverstanden",
        "acked": "Sie haben am {date} bestätigt, dass man es Ihnen erklärt hat und Sie "
        "einverstanden sind.",
        "acked_now": "Danke: Ihre Bestätigung ist gespeichert.",
        "subject": "Ihr Kostenvoranschlag für {procedure} in {clinic}",
        "email_intro": "Hier ist Ihr Kostenvoranschlag für {procedure} in {clinic}.",
        "email_page": "Sehen Sie ihn auf Ihrer Seite an und nehmen Sie ihn dort an:",
        "email_reply": "Fragen? Antworten Sie einfach auf diese E-Mail.",
        "email_revised": "Dieser Kostenvoranschlag ersetzt den zuvor gesendeten.",
        "refused": "Das geht hier nicht mehr: Der Kostenvoranschlag wurde ersetzt oder ist "
        "abgelaufen, oder es gibt nichts mehr zu bestätigen. Bitte sehen Sie Ihre Seite erneut "
        "an oder antworten Sie einfach auf unsere E-Mail.",
    },
}

# The line kinds as the patient reads them (care.models.LineKind values).
KINDS: dict[str, dict[str, str]] = {
    "en": {
        "procedure": "Procedure",
        "extra": "Extra per unit",
        "anaesthesia": "Anaesthesia",
        "tests": "Tests",
        "hotel": "Hotel nights",
        "transfer": "Transfers",
        "companion": "Companion",
        "other": "Other",
    },
    "es": {
        "procedure": "Intervención",
        "extra": "Extra por unidad",
        "anaesthesia": "Anestesia",
        "tests": "Pruebas",
        "hotel": "Noches de hotel",
        "transfer": "Traslados",
        "companion": "Acompañante",
        "other": "Otros",
    },
    "de": {
        "procedure": "Eingriff",
        "extra": "Extra pro Einheit",
        "anaesthesia": "Narkose",
        "tests": "Untersuchungen",
        "hotel": "Hotelnächte",
        "transfer": "Transfers",
        "companion": "Begleitperson",
        "other": "Sonstiges",
    },
}


def quote_words(language: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """(language actually used, words, kind labels)."""
    if language not in WORDS:
        language = "en"
    return language, WORDS[language], KINDS[language]
