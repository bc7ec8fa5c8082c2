"""The development email backend (`make run`, DEBUG on): Django's console backend, printing
what a person reads instead of the wire format.

On the wire our text parts are quoted-printable (any line longer than 78 characters makes
them so, and every link to the patient's page is): soft line breaks cut the link in two and
"=" becomes "=3D", so a link could not be copied out of the `worker |` console. This prints
the headers, the text part as written, and a line naming the other parts.
"""

from __future__ import annotations

from typing import Any

from django.core.mail.backends import console

# MIME plumbing, not something a reader needs.
_SKIPPED = {"content-type", "content-transfer-encoding", "mime-version"}


class EmailBackend(console.EmailBackend):
    def write_message(self, message: Any) -> None:
        wire = message.message()
        headers = [
            f"{name}: {value}" for name, value in wire.items() if name.lower() not in _SKIPPED
        ]
        others = [mimetype for _, mimetype in getattr(message, "alternatives", [])]
        # Django's attachments are (filename, content, mimetype) tuples or MIME parts.
        others += [
            "attachment " + str(getattr(a, "filename", None) or "(MIME part)")
            for a in message.attachments
        ]
        text = "\n".join(headers) + "\n\n" + str(message.body).rstrip("\n") + "\n"
        if others:
            text += f"[also: {', '.join(str(o) for o in others)}]\n"
        # One write: a Celery worker logs each write to its redirected stdout as a record.
        self.stream.write(text + "-" * 79 + "\n")
