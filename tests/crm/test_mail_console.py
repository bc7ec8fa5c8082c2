"""The development console backend prints emails readable: a long link stays whole."""

from __future__ import annotations

import io

from django.core.mail import EmailMultiAlternatives

from crm.mail_console import EmailBackend

LINK = "http://127.0.0.1:8000/care/186.0:1xXgZ7:XR7GzOBR2DRMjeiAhLvcAPa-bpQ?answer=help#checkin"


def test_the_text_part_is_printed_as_written_with_links_whole() -> None:
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        subject="Wie geht es Ihnen heute?",
        body=f"Hallo Jürgen,\n\n- Ich brauche jetzt Hilfe: {LINK}\n",
        from_email="care@clinic.example",
        to=["juergen@example.de"],
        reply_to=["reply+1-abc@clinic.example"],
    )
    message.attach_alternative(f'<a href="{LINK}">Hilfe</a>', "text/html")
    message.attach("plan.txt", "text", "text/plain")
    assert EmailBackend(stream=stream).send_messages([message]) == 1
    out = stream.getvalue()
    assert f"- Ich brauche jetzt Hilfe: {LINK}\n" in out
    assert "Subject: Wie geht es Ihnen heute?" in out
    assert "To: juergen@example.de" in out
    assert "Reply-To: reply+1-abc@clinic.example" in out
    assert "Hallo Jürgen," in out
    assert "=3D" not in out and "Content-Transfer-Encoding" not in out
    assert "[also: text/html, attachment plan.txt]" in out
    assert out.endswith("-" * 79 + "\n")
