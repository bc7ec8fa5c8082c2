"""The public inquiry form in the visitor's language: English, Spanish and German (the
languages the shipped emails are written in; English is the fallback). Kept as data like
care.words, so adding a language is one more dict. Error messages of the JSON endpoint
are in English (a developer reads them); the form's are in the visitor's language."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Send us your inquiry",
        "intro": "Tell us what you are looking for: your coordinator answers personally, "
        "usually within a day.",
        "full_name": "Your name",
        "email": "Email",
        "phone": "Phone, with country code (e.g. +44 20 7946 0000)",
        "country": "Country you live in",
        "language": "Language we should write in",
        "procedure": "Treatment you are interested in",
        "procedure_unsure": "Not sure yet",
        "message": "Your message",
        "attachments": "Photos, X-rays or medical reports (JPEG, PNG, HEIC, WebP or PDF; "
        "up to {count} files, {size} each)",
        "channel": "How should we contact you?",
        "channel_email": "Email",
        "channel_phone": "Phone call",
        "channel_whatsapp": "WhatsApp",
        "time": "Best time to reach you (optional)",
        "consent_care": "I agree that {company} uses my details and files to answer my "
        "inquiry and organise my treatment.",
        "consent_marketing": "Send me news and offers by email (optional; you can "
        "unsubscribe at any time).",
        "honeypot": "Leave this field empty",
        "send": "Send my inquiry",
        "thanks_title": "Thank you",
        "thanks": "We have received your inquiry. Your coordinator will write to you "
        "shortly; please check your inbox (and spam folder).",
        "required": "This field is required.",
        "bad_email": "Enter a valid email address.",
        "bad_phone": "Enter the number with its country code, starting with +.",
        "bad_choice": "Choose one of the options.",
        "consent_needed": "We need your agreement to answer your inquiry.",
        "too_many_files": "Send at most {count} files.",
        "file_too_big": "{name} is larger than {size}.",
        "file_type": "{name} is not a photo, X-ray image or PDF.",
        "too_big": "The files together are larger than {size}.",
        "rate_limited": "Too many inquiries from your connection. Please try again later.",
        "fix": "Please correct the fields marked below.",
    },
    "es": {
        "title": "Envíenos su consulta",
        "intro": "Cuéntenos qué busca: su coordinador le responderá personalmente, "
        "normalmente en un día.",
        "full_name": "Su nombre",
        "email": "Correo electrónico",
        "phone": "Teléfono, con prefijo internacional (p. ej. +34 912 345 678)",
        "country": "País de residencia",
        "language": "Idioma en que le escribimos",
        "procedure": "Tratamiento que le interesa",
        "procedure_unsure": "Aún no lo sé",
        "message": "Su mensaje",
        "attachments": "Fotos, radiografías o informes médicos (JPEG, PNG, HEIC, WebP o "
        "PDF; hasta {count} archivos de {size} cada uno)",
        "channel": "¿Cómo prefiere que le contactemos?",
        "channel_email": "Correo electrónico",
        "channel_phone": "Llamada",
        "channel_whatsapp": "WhatsApp",
        "time": "Mejor momento para contactarle (opcional)",
        "consent_care": "Acepto que {company} utilice mis datos y archivos para responder "
        "a mi consulta y organizar mi tratamiento.",
        "consent_marketing": "Envíenme novedades y ofertas por correo (opcional; puede "
        "darse de baja cuando quiera).",
        "honeypot": "Deje este campo vacío",
        "send": "Enviar mi consulta",
        "thanks_title": "Gracias",
        "thanks": "Hemos recibido su consulta. Su coordinador le escribirá en breve; "
        "revise su bandeja de entrada (y la carpeta de spam).",
        "required": "Este campo es obligatorio.",
        "bad_email": "Introduzca un correo electrónico válido.",
        "bad_phone": "Introduzca el número con su prefijo internacional, empezando por +.",
        "bad_choice": "Elija una de las opciones.",
        "consent_needed": "Necesitamos su consentimiento para responder a su consulta.",
        "too_many_files": "Envíe como máximo {count} archivos.",
        "file_too_big": "{name} ocupa más de {size}.",
        "file_type": "{name} no es una foto, una radiografía ni un PDF.",
        "too_big": "Los archivos juntos ocupan más de {size}.",
        "rate_limited": "Demasiadas consultas desde su conexión. Inténtelo más tarde.",
        "fix": "Corrija los campos marcados abajo.",
    },
    "de": {
        "title": "Senden Sie uns Ihre Anfrage",
        "intro": "Erzählen Sie uns, was Sie suchen: Ihre Koordinatorin oder Ihr "
        "Koordinator antwortet persönlich, meist innerhalb eines Tages.",
        "full_name": "Ihr Name",
        "email": "E-Mail",
        "phone": "Telefon mit Ländervorwahl (z. B. +49 30 1234567)",
        "country": "Land, in dem Sie wohnen",
        "language": "Sprache, in der wir Ihnen schreiben",
        "procedure": "Behandlung, die Sie interessiert",
        "procedure_unsure": "Noch nicht sicher",
        "message": "Ihre Nachricht",
        "attachments": "Fotos, Röntgenbilder oder Befunde (JPEG, PNG, HEIC, WebP oder PDF; "
        "bis zu {count} Dateien, je {size})",
        "channel": "Wie sollen wir Sie kontaktieren?",
        "channel_email": "E-Mail",
        "channel_phone": "Anruf",
        "channel_whatsapp": "WhatsApp",
        "time": "Wann erreichen wir Sie am besten? (optional)",
        "consent_care": "Ich bin einverstanden, dass {company} meine Angaben und Dateien "
        "verwendet, um meine Anfrage zu beantworten und meine Behandlung zu organisieren.",
        "consent_marketing": "Schicken Sie mir Neuigkeiten und Angebote per E-Mail "
        "(freiwillig; jederzeit abbestellbar).",
        "honeypot": "Dieses Feld bitte leer lassen",
        "send": "Anfrage senden",
        "thanks_title": "Vielen Dank",
        "thanks": "Wir haben Ihre Anfrage erhalten. Ihre Koordinatorin oder Ihr Koordinator "
        "schreibt Ihnen in Kürze; bitte sehen Sie in Ihren Posteingang (und den Spam-Ordner).",
        "required": "Dieses Feld ist erforderlich.",
        "bad_email": "Geben Sie eine gültige E-Mail-Adresse ein.",
        "bad_phone": "Geben Sie die Nummer mit Ländervorwahl ein, beginnend mit +.",
        "bad_choice": "Wählen Sie eine der Möglichkeiten.",
        "consent_needed": "Wir brauchen Ihr Einverständnis, um Ihre Anfrage zu beantworten.",
        "too_many_files": "Senden Sie höchstens {count} Dateien.",
        "file_too_big": "{name} ist größer als {size}.",
        "file_type": "{name} ist kein Foto, Röntgenbild oder PDF.",
        "too_big": "Die Dateien sind zusammen größer als {size}.",
        "rate_limited": "Zu viele Anfragen von Ihrer Verbindung. Bitte versuchen Sie es "
        "später noch einmal.",
        "fix": "Bitte korrigieren Sie die markierten Felder.",
    },
}

FORM_LANGUAGES = tuple(WORDS)


def words_for(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])


def pick_language(requested: str, accept_language: str) -> str:
    """?lang= first, then the browser's Accept-Language, then English."""
    if requested in WORDS:
        return requested
    for part in accept_language.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in WORDS:
            return code
    return "en"
