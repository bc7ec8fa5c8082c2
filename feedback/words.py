"""The survey and thank-you pages in the patient's language (English, Spanish, German, as
care.words), kept as data so adding a language is one more dict. The testimonial consent
text is versioned: the exact words and CONSENT_VERSION are stored with each consent."""

from __future__ import annotations

CONSENT_VERSION = "2026-11"

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "How did we do?",
        "intro": "One minute, five questions. Your honest answer helps the next patient.",
        "stars": "Overall, how was your experience?",
        "nps": "How likely are you to recommend us to a friend? (0 = not at all, 10 = very)",
        "aspects": "How was…",
        "coordinator": "your coordinator",
        "clinic": "the clinic and doctor",
        "logistics": "travel, hotel and transfers",
        "went_well": "What went well? (optional)",
        "do_better": "What could we do better? (optional)",
        "send": "Send my answer",
        "change": "You can change your answer until {date}.",
        "locked": "Thank you for your answer.",
        "missing": "Please answer every rating question.",
        "thanks": "Thank you!",
        "happy": "We are so glad. If you like, there are three small ways to help others "
        "find us. Each is optional.",
        "four": "Thank you. What would have made it five stars?",
        "four_send": "Tell my coordinator",
        "four_sent": "Thank you, your coordinator has it.",
        "recovery": "Thank you for telling us honestly. We are sorry it was not what you "
        "expected. {coordinator} will contact you personally within two working days.",
        "testimonial": "Write a few words about your experience",
        "testimonial_hint": "We may show it on our website.",
        "publish_as": "Show it with",
        "full_name": "my full name",
        "first_country": "my first name and country",
        "anonymous": "no name (anonymous)",
        "consent": "I agree that {company} may publish these words on its website and in its "
        "materials, shown as I chose above. I can withdraw this consent at any time with the "
        "link on my page or in any later email, and it will be removed at once.",
        "consent_needed": "Please tick the consent box to share your words.",
        "testimonial_send": "Share my words",
        "testimonial_saved": "Thank you for your words.",
        "withdraw": "Withdraw my consent to publish",
        "withdrawn": "Your consent is withdrawn: your words are no longer shown.",
        "withdraw_ask": "Do you want to withdraw your consent? Your words will no longer be "
        "shown anywhere, at once.",
        "review": "Leave a public review",
        "review_hint": "A short review helps people choosing a clinic.",
        "referral": "Recommend us to a friend",
        "referral_hint": "Give a friend your code or link. They mention it when they contact "
        "us, and we will take special care of them.",
        "copy": "Copy link",
        "copied": "Copied",
        "rerate": "Now that we have talked, how would you rate us today?",
        "rerate_send": "Send",
        "back": "Back to your page",
        "card": "How did we do? Tell us in one minute.",
        "card_done": "Your feedback",
        "invalid": "This link is not valid or has expired. Please use the link in our latest "
        "email, or reply to it.",
    },
    "es": {
        "title": "¿Qué tal lo hemos hecho?",
        "intro": "Un minuto, cinco preguntas. Su opinión sincera ayuda al próximo paciente.",
        "stars": "En general, ¿cómo fue su experiencia?",
        "nps": "¿Nos recomendaría a un amigo? (0 = nada probable, 10 = muy probable)",
        "aspects": "¿Qué tal…",
        "coordinator": "su coordinador?",
        "clinic": "la clínica y el médico?",
        "logistics": "el viaje, el hotel y los traslados?",
        "went_well": "¿Qué salió bien? (opcional)",
        "do_better": "¿Qué podríamos mejorar? (opcional)",
        "send": "Enviar mi respuesta",
        "change": "Puede cambiar su respuesta hasta el {date}.",
        "locked": "Gracias por su respuesta.",
        "missing": "Por favor, responda a todas las valoraciones.",
        "thanks": "¡Gracias!",
        "happy": "Nos alegra mucho. Si quiere, hay tres pequeñas formas de ayudar a otros a "
        "encontrarnos. Todas son opcionales.",
        "four": "Gracias. ¿Qué habría hecho falta para las cinco estrellas?",
        "four_send": "Decírselo a mi coordinador",
        "four_sent": "Gracias, su coordinador ya lo tiene.",
        "recovery": "Gracias por decírnoslo con sinceridad. Sentimos que no fuera lo que "
        "esperaba. {coordinator} se pondrá en contacto con usted personalmente en dos días "
        "laborables.",
        "testimonial": "Escriba unas palabras sobre su experiencia",
        "testimonial_hint": "Podemos mostrarlas en nuestra web.",
        "publish_as": "Mostrarlas con",
        "full_name": "mi nombre completo",
        "first_country": "mi nombre y país",
        "anonymous": "sin nombre (anónimo)",
        "consent": "Acepto que {company} publique estas palabras en su web y sus materiales, "
        "como he elegido arriba. Puedo retirar este consentimiento en cualquier momento con el "
        "enlace de mi página o de cualquier correo posterior, y se retirarán de inmediato.",
        "consent_needed": "Marque la casilla de consentimiento para compartir sus palabras.",
        "testimonial_send": "Compartir mis palabras",
        "testimonial_saved": "Gracias por sus palabras.",
        "withdraw": "Retirar mi consentimiento de publicación",
        "withdrawn": "Consentimiento retirado: sus palabras ya no se muestran.",
        "withdraw_ask": "¿Desea retirar su consentimiento? Sus palabras dejarán de mostrarse "
        "en todas partes, de inmediato.",
        "review": "Deje una opinión pública",
        "review_hint": "Una opinión breve ayuda a quien elige clínica.",
        "referral": "Recomiéndenos a un amigo",
        "referral_hint": "Dele a un amigo su código o enlace. Que lo mencione al contactarnos "
        "y le cuidaremos especialmente.",
        "copy": "Copiar enlace",
        "copied": "Copiado",
        "rerate": "Ahora que hemos hablado, ¿cómo nos valoraría hoy?",
        "rerate_send": "Enviar",
        "back": "Volver a su página",
        "card": "¿Qué tal lo hemos hecho? Díganoslo en un minuto.",
        "card_done": "Su opinión",
        "invalid": "Este enlace no es válido o ha caducado. Use el enlace de nuestro último "
        "correo o responda a él.",
    },
    "de": {
        "title": "Wie zufrieden waren Sie?",
        "intro": "Eine Minute, fünf Fragen. Ihre ehrliche Antwort hilft dem nächsten Patienten.",
        "stars": "Wie war Ihre Erfahrung insgesamt?",
        "nps": "Wie wahrscheinlich empfehlen Sie uns weiter? (0 = gar nicht, 10 = sehr)",
        "aspects": "Wie war…",
        "coordinator": "Ihr Koordinator?",
        "clinic": "die Klinik und der Arzt?",
        "logistics": "Reise, Hotel und Transfers?",
        "went_well": "Was war gut? (freiwillig)",
        "do_better": "Was können wir besser machen? (freiwillig)",
        "send": "Antwort senden",
        "change": "Sie können Ihre Antwort bis {date} ändern.",
        "locked": "Danke für Ihre Antwort.",
        "missing": "Bitte beantworten Sie alle Bewertungsfragen.",
        "thanks": "Danke!",
        "happy": "Das freut uns sehr. Wenn Sie möchten, gibt es drei kleine Wege, anderen zu "
        "helfen, uns zu finden. Alle sind freiwillig.",
        "four": "Danke. Was hätte es zu fünf Sternen gemacht?",
        "four_send": "An meinen Koordinator senden",
        "four_sent": "Danke, Ihr Koordinator hat es erhalten.",
        "recovery": "Danke für Ihre ehrliche Antwort. Es tut uns leid, dass es nicht Ihren "
        "Erwartungen entsprach. {coordinator} meldet sich innerhalb von zwei Werktagen "
        "persönlich bei Ihnen.",
        "testimonial": "Schreiben Sie ein paar Worte über Ihre Erfahrung",
        "testimonial_hint": "Wir zeigen sie vielleicht auf unserer Website.",
        "publish_as": "Anzeigen mit",
        "full_name": "meinem vollen Namen",
        "first_country": "meinem Vornamen und Land",
        "anonymous": "ohne Namen (anonym)",
        "consent": "Ich bin einverstanden, dass {company} diese Worte auf seiner Website und in "
        "seinen Unterlagen veröffentlicht, so angezeigt wie oben gewählt. Ich kann diese "
        "Einwilligung jederzeit über den Link auf meiner Seite oder in jeder späteren E-Mail "
        "widerrufen; sie werden dann sofort entfernt.",
        "consent_needed": "Bitte setzen Sie das Häkchen zur Einwilligung.",
        "testimonial_send": "Meine Worte teilen",
        "testimonial_saved": "Danke für Ihre Worte.",
        "withdraw": "Einwilligung zur Veröffentlichung widerrufen",
        "withdrawn": "Einwilligung widerrufen: Ihre Worte werden nicht mehr gezeigt.",
        "withdraw_ask": "Möchten Sie Ihre Einwilligung widerrufen? Ihre Worte werden sofort "
        "nirgends mehr gezeigt.",
        "review": "Eine öffentliche Bewertung schreiben",
        "review_hint": "Eine kurze Bewertung hilft bei der Wahl einer Klinik.",
        "referral": "Empfehlen Sie uns weiter",
        "referral_hint": "Geben Sie einem Freund Ihren Code oder Link. Er nennt ihn, wenn er "
        "uns kontaktiert, und wir kümmern uns besonders um ihn.",
        "copy": "Link kopieren",
        "copied": "Kopiert",
        "rerate": "Nach unserem Gespräch: Wie bewerten Sie uns heute?",
        "rerate_send": "Senden",
        "back": "Zurück zu Ihrer Seite",
        "card": "Wie zufrieden waren Sie? Sagen Sie es uns in einer Minute.",
        "card_done": "Ihre Bewertung",
        "invalid": "Dieser Link ist ungültig oder abgelaufen. Bitte nutzen Sie den Link aus "
        "unserer letzten E-Mail oder antworten Sie darauf.",
    },
}


def words_for(language: str) -> tuple[str, dict[str, str]]:
    """(language actually used, its words); English for any other language."""
    if language in WORDS:
        return language, WORDS[language]
    return "en", WORDS["en"]
