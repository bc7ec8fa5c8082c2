"""The care app's emails, one small function each. Staff notices name the patient and link
to the journey; what the patient wrote (health data) stays in the CRM."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation

from care.links import page_url
from care.quotes.money import convert
from care.quotes.words import quote_words
from followups.context import company_context
from followups.emails import from_address

if TYPE_CHECKING:
    from care.models import EscalationNotice, JourneyStep, Quote


def escalation_notice(*, notice: EscalationNotice) -> EmailMultiAlternatives:
    escalation = notice.escalation
    journey = escalation.journey
    context = {
        "notice": notice,
        "escalation": escalation,
        "journey": journey,
        "patient": journey.patient,
        "company": company_context(),
        "late": notice.kind == "manager" and escalation.coordinator_id is not None,
        "url": f"{settings.SITE_URL}{reverse('dashboard:journey', args=[journey.pk])}#care",
        "my_day": f"{settings.SITE_URL}{reverse('dashboard:my_day')}",
    }
    subject = " ".join(render_to_string("care/email/escalation-subject.txt", context).split())
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("care/email/escalation-body.txt", context),
        from_email=from_address(),
        to=[notice.recipient.email],
        headers={"Auto-Submitted": "auto-generated", "X-Priority": "1"},
    )
    email.attach_alternative(
        render_to_string("care/email/escalation-body.html", context), "text/html"
    )
    return email


# The few words of an after-care step email, in the patient's language (English fallback).
STEP_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "subject": "Your after-care today: {title}",
        "intro": "Here is today's step of your after-care plan.",
        "confirm": "When it is done, please press “Done” on your page (or tell us if "
        "something is wrong):",
        "page": "Your page:",
        "reply": "Or simply reply to this email.",
    },
    "es": {
        "subject": "Sus cuidados de hoy: {title}",
        "intro": "Este es el paso de hoy de su plan de cuidados.",
        "confirm": "Cuando lo haya hecho, pulse «Hecho» en su página (o díganos si algo "
        "no va bien):",
        "page": "Su página:",
        "reply": "O simplemente responda a este correo.",
    },
    "de": {
        "subject": "Ihre Nachsorge heute: {title}",
        "intro": "Hier ist der heutige Schritt Ihres Nachsorgeplans.",
        "confirm": "Wenn er erledigt ist, tippen Sie bitte auf Ihrer Seite auf „Erledigt“ "
        "(oder sagen Sie uns, wenn etwas nicht stimmt):",
        "page": "Ihre Seite:",
        "reply": "Oder antworten Sie einfach auf diese E-Mail.",
    },
}


def step_email(*, row: JourneyStep) -> tuple[str, str]:
    """(subject, text) of an after-care step email; followups' one-off path adds the
    layout, the reply-to token and the record on the journey."""
    journey = row.journey
    language = journey.patient.preferred_language
    words = STEP_WORDS.get(language, STEP_WORDS["en"])
    if language not in STEP_WORDS:
        language = "en"
    step = row.step
    title = step.title(language)
    with translation.override(language):
        lines = [
            words["intro"],
            "",
            title,
            step.text(language),
            "",
            words["confirm"] if row.must_confirm else words["page"],
            page_url(journey),
            "",
            words["reply"],
        ]
    return words["subject"].format(title=title), "\n".join(lines)


def quote_email(*, quote: Quote) -> tuple[str, str, str]:
    """(subject, text, HTML fragment) of a quote in the patient's language, from
    care/email/quote-{subject,body}; followups' one-off path adds the layout, the reply-to
    token and the record on the journey (care.quotes.services.quote_send)."""
    journey = quote.journey
    language, words, kinds = quote_words(journey.patient.preferred_language)
    lines = list(quote.lines.order_by("position"))
    for line in lines:
        line.kind_local = kinds.get(line.kind, line.kind)  # type: ignore[attr-defined]
    names = {"procedure": journey.procedure.name, "clinic": journey.clinic.name}
    approx = convert(quote.total, quote.rate)
    # Amounts read the patient's way (4.210,00 in German): the templates and the few
    # amounts formatted here are rendered with their language active.
    with translation.override(language):
        context = {
            "quote": quote,
            "lines": lines,
            "w": words,
            "language": language,
            "subject": words["subject"].format(**names),
            "intro": words["email_intro"].format(**names),
            "valid_until": words["valid_until"].format(date=quote.valid_until.strftime("%d.%m.%Y")),
            "approx": words["approx"].format(
                amount=formats.localize(approx),
                currency=quote.patient_currency,
                rate=f"1 {quote.currency} = {formats.localize(quote.rate.normalize())} "
                f"{quote.patient_currency}",
            )
            if approx is not None and quote.rate is not None
            else "",
            "url": page_url(journey) + "#quote",
            "revised": quote.version > 1,
        }
        subject = " ".join(render_to_string("care/email/quote-subject.txt", context).split())
        text = render_to_string("care/email/quote-body.txt", context)
        html = render_to_string("care/email/quote-body.html", context)
    return subject, text, html
