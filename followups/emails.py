"""Every email the follow-ups app sends, one small function per kind.

A message template gives the body; the layout (templates/emails/layout.html and
layout.txt) adds the frame, the footer and, for marketing, the unsubscribe link. These
functions only build and hand over messages: recording them is followups.services' job.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from followups.context import company_context, footer_links, template_context
from followups.models import Kind
from followups.templating import Rendered, render_parts
from followups.tokens import reply_address, survey_token, unsubscribe_token

if TYPE_CHECKING:
    import datetime as dt

    from followups.models import Message, MessageTemplate, ScheduledMessage
    from journeys.models import Journey

# The few words the layout adds, in the patient's language (English is the fallback).
FOOTER: dict[str, dict[str, str]] = {
    "en": {
        "reply": "Simply reply to this email to reach your coordinator.",
        "emergency": "In an emergency call",
        "unsubscribe": "Unsubscribe from these emails",
    },
    "es": {
        "reply": "Responda a este correo para hablar con su coordinador.",
        "emergency": "En caso de emergencia llame al",
        "unsubscribe": "Darse de baja de estos correos",
    },
    "de": {
        "reply": "Antworten Sie einfach auf diese E-Mail, um Ihr Koordinationsteam zu erreichen.",
        "emergency": "Im Notfall erreichen Sie uns unter",
        "unsubscribe": "Diese E-Mails abbestellen",
    },
}


@dataclass
class Outgoing:
    """A built email and what the send service records about it."""

    email: EmailMultiAlternatives
    message_id: str
    reply_to: str
    rendered: Rendered
    language: str
    kind: str
    template_key: str


def unsubscribe_url(patient_id: int) -> str:
    path = reverse("followups:unsubscribe", args=[unsubscribe_token(patient_id)])
    return f"{settings.SITE_URL}{path}"


def links_for(journey: Journey) -> dict[str, str]:
    return {
        "survey": settings.FOLLOWUPS_SURVEY_URL.format(token=survey_token(journey.pk)),
        "unsubscribe": unsubscribe_url(journey.patient_id),
    }


def from_address() -> str:
    return formataddr((settings.COMPANY_NAME, settings.DEFAULT_FROM_EMAIL))


def _build(
    *,
    journey: Journey,
    rendered: Rendered,
    language: str,
    kind: str,
    template_key: str,
    automated: bool,
    extra_headers: dict[str, str] | None = None,
) -> Outgoing:
    patient = journey.patient
    marketing = kind == Kind.MARKETING
    unsubscribe = unsubscribe_url(patient.pk) if marketing else ""
    # Marketing copy usually ends with its own unsubscribe line; the footer adds one only
    # if the body has none.
    footer_unsubscribe = "" if unsubscribe and unsubscribe in rendered.text else unsubscribe
    layout: dict[str, Any] = {
        "language": language,
        "subject": rendered.subject,
        "company": company_context(),
        "footer": FOOTER.get(language, FOOTER["en"]),
        "unsubscribe_url": footer_unsubscribe,
        # Lines apps above followups add (feedback's consent withdrawal); see context.py.
        "footer_links": footer_links(journey, language),
        # Rendered with autoescape from a validated template: safe to embed as is.
        "body_html": mark_safe(rendered.html),  # noqa: S308
        "body_text": rendered.text.strip(),
    }
    # Our own Message-ID on the inbound domain: a reply's In-Reply-To names it.
    message_id = make_msgid(domain=settings.INBOUND_DOMAIN)
    reply_to = reply_address(journey.pk)
    headers = {"Message-ID": message_id}
    if automated:
        # RFC 3834: autoresponders must not answer automated mail (no reply loops).
        headers["Auto-Submitted"] = "auto-generated"
    if marketing:
        # RFC 8058 one-click unsubscribe: the mail client POSTs to the URL.
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    headers.update(extra_headers or {})
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=render_to_string("emails/layout.txt", layout),
        from_email=from_address(),
        to=[patient.email],
        reply_to=[reply_to],
        headers=headers,
    )
    email.attach_alternative(render_to_string("emails/layout.html", layout), "text/html")
    # Read by anymail's ESP backends (ignored by Django's own): the tracking webhook
    # brings the metadata back, which finds the message even before the ESP id is known.
    email.metadata = {"crm_message_id": message_id}  # type: ignore[attr-defined]
    if template_key:
        email.tags = [template_key]  # type: ignore[attr-defined]
    return Outgoing(
        email=email,
        message_id=message_id,
        reply_to=reply_to,
        rendered=rendered,
        language=language,
        kind=kind,
        template_key=template_key,
    )


def render_template(
    template: MessageTemplate, *, journey: Journey, now: dt.datetime | None = None
) -> Rendered:
    context = template_context(journey=journey, links=links_for(journey), now=now)
    # Filters such as `date:"j F Y"` name months and weekdays in the active language.
    with translation.override(template.language):
        return render_parts(
            subject=template.subject, text=template.text, html=template.html, context=context
        )


def scheduled_email(
    scheduled: ScheduledMessage, *, template: MessageTemplate, now: dt.datetime | None = None
) -> Outgoing:
    """A cadence message: the rule's template in the patient's language."""
    journey = scheduled.journey
    outgoing = _build(
        journey=journey,
        rendered=render_template(template, journey=journey, now=now),
        language=template.language,
        kind=scheduled.rule.kind,
        template_key=template.key,
        automated=True,
        extra_headers={
            "X-CRM-Scheduled-Message": str(scheduled.pk),
            **idempotency_headers(scheduled.pk),
        },
    )
    # The row id travels with every tracking event (queued, sent, delivered...): if the
    # worker dies after the ESP accepted the email, the event still confirms the row.
    outgoing.email.metadata["crm_scheduled_message_id"] = str(scheduled.pk)  # type: ignore[attr-defined]
    return outgoing


def idempotency_key(scheduled_id: int) -> str:
    return f"crm-scheduled-{settings.INBOUND_DOMAIN}-{scheduled_id}"


def idempotency_headers(scheduled_id: int) -> dict[str, str]:
    """The row's idempotency key for the ESPs that read one from the message: a resend of
    the same row after a crash is then dropped by the ESP (Brevo: the `idempotencyKey`
    header, kept 15 minutes; Resend over SMTP: `Resend-Idempotency-Key`, 24 hours). Other
    ESPs anymail supports (Postmark, Mailgun, SendGrid, SES, SparkPost...) have no such
    key; Resend's HTTP API wants it as an HTTP header, which anymail cannot set."""
    backend = _default_backend().lower()
    key = idempotency_key(scheduled_id)
    if "anymail.backends.brevo" in backend or "anymail.backends.sendinblue" in backend:
        return {"idempotencyKey": key}
    if "smtp" in backend and "resend.com" in _default_options().get("host", ""):
        return {"Resend-Idempotency-Key": key}
    return {}


def _default_mailer() -> dict[str, Any]:
    mailers = getattr(settings, "MAILERS", None) or {}
    default = mailers.get("default") if isinstance(mailers, dict) else None
    return default if isinstance(default, dict) else {}


def _default_backend() -> str:
    return str(_default_mailer().get("BACKEND", ""))


def _default_options() -> dict[str, Any]:
    options = _default_mailer().get("OPTIONS") or {}
    return {k: str(v) for k, v in options.items()} if isinstance(options, dict) else {}


def one_off_email(
    *, journey: Journey, rendered: Rendered, language: str, template_key: str = ""
) -> Outgoing:
    """A coordinator's own email on a journey (free text or a template)."""
    return _build(
        journey=journey,
        rendered=rendered,
        language=language,
        kind=Kind.CARE,
        template_key=template_key,
        automated=False,
    )


def deliver(outgoing: Outgoing) -> None:
    """Hand the message to the default mailer (console, file, SMTP or an anymail ESP)."""
    outgoing.email.send(using="default")


def preview(*, subject: str, text: str, html: str) -> Rendered:
    """The admin preview: a template against the sample context, inside the layout."""
    from followups.context import sample_context

    context = sample_context()
    rendered = render_parts(subject=subject, text=text, html=html, context=context)
    layout: dict[str, Any] = {
        "language": "en",
        "subject": rendered.subject,
        "company": context["company"],
        "footer": FOOTER["en"],
        "unsubscribe_url": "",
        "footer_links": [],
        "body_html": mark_safe(rendered.html),  # noqa: S308
        "body_text": rendered.text.strip(),
    }
    return Rendered(
        subject=rendered.subject,
        text=render_to_string("emails/layout.txt", layout),
        html=render_to_string("emails/layout.html", layout),
    )


def reply_notice(*, message: Message, to: str) -> EmailMultiAlternatives:
    """To a coordinator: a patient wrote on a journey. It names the patient and links to
    the journey, and leaves the patient's words (health data) in the CRM."""
    journey = message.journey
    context = {
        "message": message,
        "journey": journey,
        "patient": journey.patient,
        "company": company_context(),
        # The dashboard, not the admin: the admin is for managers only (crm/admin_site.py).
        "url": f"{settings.SITE_URL}{reverse('dashboard:journey', args=[journey.pk])}",
        "message_url": f"{settings.SITE_URL}"
        f"{reverse('dashboard:journey', args=[journey.pk])}#timeline",
    }
    subject = " ".join(render_to_string("emails/reply-notice-subject.html", context).split())
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/reply-notice-body-text.html", context),
        from_email=from_address(),
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    email.attach_alternative(
        render_to_string("emails/reply-notice-body-html.html", context), "text/html"
    )
    return email


def deliver_notice(email: EmailMultiAlternatives) -> None:
    email.send(using="default")
