"""The feedback app's emails, one small function each. The manager's notice names the
patient and links to the journey; what the patient wrote (health data) stays in the CRM.
Patients' emails go through followups' one-off path (same layout, reply-to and record):
these functions return (subject, text) in the patient's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from care.links import current_version
from care.tokens import page_token
from followups.context import company_context, first_name
from followups.emails import from_address

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from feedback.models import RecoveryCase
    from journeys.models import Journey


def survey_page_url(journey: Journey) -> str:
    token = page_token(journey.pk, current_version(journey.pk))
    return f"{settings.SITE_URL}{reverse('feedback:survey', args=[token])}"


def case_notice(
    *, case: RecoveryCase, recipient: User, late: bool = False
) -> EmailMultiAlternatives:
    """The manager's email: a case opened, or (`late`) its deadline passed unresolved."""
    journey = case.journey
    context = {
        "late": late,
        "case": case,
        "journey": journey,
        "patient": journey.patient,
        "company": company_context(),
        "url": f"{settings.SITE_URL}{reverse('dashboard:journey', args=[journey.pk])}#feedback",
        "my_day": f"{settings.SITE_URL}{reverse('dashboard:my_day')}#recovery",
    }
    subject = " ".join(render_to_string("feedback/email/case-subject.txt", context).split())
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("feedback/email/case-body.txt", context),
        from_email=from_address(),
        to=[recipient.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    email.attach_alternative(
        render_to_string("feedback/email/case-body.html", context), "text/html"
    )
    return email


# Patients' emails, written as the coordinator would: short, human, never a review ask.
PATIENT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "ack_subject": "Thank you for your honest answer, {first}",
        "ack": "Hi {first},\n\nThank you for telling us honestly how it went. I am sorry it "
        "was not what you hoped for. I have read your answer and shared it with our manager; "
        "one of us will call or write to you personally within two working days to "
        "understand what happened and what we can do.\n\nIf you would like to tell me more "
        "now, just reply to this email.\n\n{coordinator}",
        "rerate_subject": "One last question, {first}",
        "rerate": "Hi {first},\n\nThank you for talking with us. If you have a moment, would "
        "you tell us how you would rate us now? It is one tap:\n\n{url}\n\nWe will not ask "
        "again.\n\n{coordinator}",
        "thank_subject": "Thank you for recommending us, {first}",
        "thank": "Hi {first},\n\nSomeone you recommended us to has just booked their "
        "treatment with us. Thank you for your trust: it means a great deal to us.\n\n"
        "Your page (where you can also change what you shared with us): {url}\n\n"
        "{coordinator}",
    },
    "es": {
        "ack_subject": "Gracias por su respuesta sincera, {first}",
        "ack": "Hola, {first}:\n\nGracias por contarnos con sinceridad cómo fue. Siento que "
        "no fuera lo que esperaba. He leído su respuesta y la he compartido con nuestro "
        "responsable; uno de nosotros le llamará o le escribirá personalmente en dos días "
        "laborables para entender qué pasó y qué podemos hacer.\n\nSi quiere contarme más "
        "ahora, responda a este correo.\n\n{coordinator}",
        "rerate_subject": "Una última pregunta, {first}",
        "rerate": "Hola, {first}:\n\nGracias por hablar con nosotros. Si tiene un momento, "
        "¿cómo nos valoraría ahora? Es un solo clic:\n\n{url}\n\nNo volveremos a "
        "preguntar.\n\n{coordinator}",
        "thank_subject": "Gracias por recomendarnos, {first}",
        "thank": "Hola, {first}:\n\nUna persona a quien nos recomendó acaba de reservar su "
        "tratamiento con nosotros. Gracias por su confianza: significa mucho para "
        "nosotros.\n\nSu página (donde también puede cambiar lo que compartió): {url}\n\n"
        "{coordinator}",
    },
    "de": {
        "ack_subject": "Danke für Ihre ehrliche Antwort, {first}",
        "ack": "Hallo {first},\n\ndanke, dass Sie uns ehrlich gesagt haben, wie es war. Es "
        "tut mir leid, dass es nicht Ihren Erwartungen entsprach. Ich habe Ihre Antwort "
        "gelesen und an unsere Leitung weitergegeben; einer von uns ruft Sie innerhalb von "
        "zwei Werktagen persönlich an oder schreibt Ihnen, um zu verstehen, was passiert ist "
        "und was wir tun können.\n\nWenn Sie mir jetzt mehr sagen möchten, antworten Sie "
        "einfach auf diese E-Mail.\n\n{coordinator}",
        "rerate_subject": "Eine letzte Frage, {first}",
        "rerate": "Hallo {first},\n\ndanke für das Gespräch. Wenn Sie einen Moment haben: Wie "
        "würden Sie uns jetzt bewerten? Ein Tipp genügt:\n\n{url}\n\nWir fragen nicht "
        "noch einmal.\n\n{coordinator}",
        "thank_subject": "Danke für Ihre Empfehlung, {first}",
        "thank": "Hallo {first},\n\njemand, dem Sie uns empfohlen haben, hat gerade seine "
        "Behandlung bei uns gebucht. Danke für Ihr Vertrauen, das bedeutet uns viel.\n\n"
        "Ihre Seite (dort können Sie auch ändern, was Sie mit uns geteilt haben): {url}\n\n"
        "{coordinator}",
    },
}


def _coordinator(journey: Journey) -> str:
    user = journey.coordinator
    if user is None:
        return f"{settings.COMPANY_NAME} care team"
    return user.get_full_name() or user.get_username()


def patient_email(*, journey: Journey, which: str) -> tuple[str, str]:
    """(subject, text) of "ack", "rerate" or "thank" for this journey's patient."""
    words = PATIENT_WORDS.get(journey.patient.preferred_language, PATIENT_WORDS["en"])
    values = {
        "first": first_name(journey.patient.full_name),
        "coordinator": _coordinator(journey),
        "url": survey_page_url(journey) + ("#rerate" if which == "rerate" else ""),
    }
    return words[f"{which}_subject"].format(**values), words[which].format(**values)
