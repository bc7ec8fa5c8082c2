"""The patient's page in the patient's language: English, Spanish and German, the
languages the shipped emails are written in (English is the fallback for the others).
Kept as data, like followups.emails.FOOTER, so adding a language is one more dict."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Your care page",
        "hello": "Hello {name}",
        "intro": "Your page for {procedure} at {clinic}. Only people with this link can open it.",
        "checkin": "How are you today?",
        "fine": "I'm fine",
        "question": "I have a question",
        "help": "I need help now",
        "pain": "Pain today, from 0 (none) to 10 (worst imaginable)",
        "pain_none": "Not telling",
        "note": "Anything you want to tell us (optional)",
        "send": "Send my answer",
        "chosen": "Check your answer, then press the button to send it.",
        "recorded": "Thank you. Your answer was recorded at {time}.",
        "recorded_help": "We have been told you need help. Your coordinator is being alerted "
        "now; if nobody answers within {minutes} minutes, a manager is told too.",
        "recorded_question": "Your coordinator will answer your question soon.",
        "noted": "Thank you, noted.",
        "open_escalation": "Help is on its way. If it is urgent, call the 24/7 number below.",
        "acknowledged": "Your coordinator has seen it and is on it.",
        "plan": "Your after-care plan",
        "today": "Due",
        "later": "Coming up",
        "answered": "Done before",
        "done": "Done",
        "problem": "I have a problem",
        "problem_reported": "Problem reported",
        "step_done": "Done",
        "contact": "Your coordinator",
        "email": "Email",
        "phone": "Phone",
        "whatsapp": "WhatsApp",
        "emergency": "24/7 emergency number",
        "invalid": "This link is not valid or has expired. Please use the link in our latest "
        "email, or reply to it.",
        "closed": "This journey is closed; check-ins are off.",
        "day": "{date}",
    },
    "es": {
        "title": "Su página de cuidados",
        "hello": "Hola, {name}",
        "intro": "Su página para {procedure} en {clinic}. Solo quien tenga este enlace puede "
        "abrirla.",
        "checkin": "¿Cómo está hoy?",
        "fine": "Estoy bien",
        "question": "Tengo una pregunta",
        "help": "Necesito ayuda ahora",
        "pain": "Dolor hoy, de 0 (nada) a 10 (el peor imaginable)",
        "pain_none": "Prefiero no decirlo",
        "note": "Lo que quiera contarnos (opcional)",
        "send": "Enviar mi respuesta",
        "chosen": "Revise su respuesta y pulse el botón para enviarla.",
        "recorded": "Gracias. Su respuesta quedó registrada a las {time}.",
        "recorded_help": "Sabemos que necesita ayuda. Estamos avisando a su coordinador; si "
        "nadie responde en {minutes} minutos, se avisa también a un responsable.",
        "recorded_question": "Su coordinador responderá a su pregunta pronto.",
        "noted": "Gracias, anotado.",
        "open_escalation": "La ayuda está en camino. Si es urgente, llame al número 24 horas.",
        "acknowledged": "Su coordinador lo ha visto y se está ocupando.",
        "plan": "Su plan de cuidados",
        "today": "Para hoy",
        "later": "Próximos pasos",
        "answered": "Ya hecho",
        "done": "Hecho",
        "problem": "Tengo un problema",
        "problem_reported": "Problema comunicado",
        "step_done": "Hecho",
        "contact": "Su coordinador",
        "email": "Correo",
        "phone": "Teléfono",
        "whatsapp": "WhatsApp",
        "emergency": "Número de emergencia 24 horas",
        "invalid": "Este enlace no es válido o ha caducado. Use el enlace de nuestro último "
        "correo o responda a él.",
        "closed": "Este proceso está cerrado; ya no hay seguimiento diario.",
        "day": "{date}",
    },
    "de": {
        "title": "Ihre Betreuungsseite",
        "hello": "Hallo {name}",
        "intro": "Ihre Seite für {procedure} bei {clinic}. Nur wer diesen Link hat, kann sie "
        "öffnen.",
        "checkin": "Wie geht es Ihnen heute?",
        "fine": "Mir geht es gut",
        "question": "Ich habe eine Frage",
        "help": "Ich brauche jetzt Hilfe",
        "pain": "Schmerzen heute, von 0 (keine) bis 10 (unerträglich)",
        "pain_none": "Keine Angabe",
        "note": "Was Sie uns sagen möchten (freiwillig)",
        "send": "Antwort senden",
        "chosen": "Prüfen Sie Ihre Antwort und tippen Sie dann auf die Schaltfläche.",
        "recorded": "Danke. Ihre Antwort wurde um {time} gespeichert.",
        "recorded_help": "Wir wissen, dass Sie Hilfe brauchen. Ihr Koordinator wird jetzt "
        "benachrichtigt; antwortet in {minutes} Minuten niemand, wird auch die Leitung informiert.",
        "recorded_question": "Ihr Koordinator beantwortet Ihre Frage bald.",
        "noted": "Danke, ist notiert.",
        "open_escalation": "Hilfe ist unterwegs. Wenn es dringend ist, rufen Sie die "
        "24-Stunden-Nummer an.",
        "acknowledged": "Ihr Koordinator hat es gesehen und kümmert sich.",
        "plan": "Ihr Nachsorgeplan",
        "today": "Fällig",
        "later": "Als Nächstes",
        "answered": "Erledigt",
        "done": "Erledigt",
        "problem": "Ich habe ein Problem",
        "problem_reported": "Problem gemeldet",
        "step_done": "Erledigt",
        "contact": "Ihr Koordinator",
        "email": "E-Mail",
        "phone": "Telefon",
        "whatsapp": "WhatsApp",
        "emergency": "24-Stunden-Notrufnummer",
        "invalid": "Dieser Link ist ungültig oder abgelaufen. Bitte nutzen Sie den Link aus "
        "unserer letzten E-Mail oder antworten Sie darauf.",
        "closed": "Diese Reise ist abgeschlossen; es gibt keine täglichen Nachfragen mehr.",
        "day": "{date}",
    },
}


def words_for(language: str) -> tuple[str, dict[str, str]]:
    """(language actually used, its words)."""
    if language in WORDS:
        return language, WORDS[language]
    return "en", WORDS["en"]
