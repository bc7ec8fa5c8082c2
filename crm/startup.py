"""What the web process checks before it serves a request.

`manage.py runserver`, `migrate` and `collectstatic` run Django's system checks; gunicorn
and uvicorn import crm.wsgi / crm.asgi and run none. So the WSGI/ASGI entry points run them
here and refuse to start on an error (e.g. followups.E001: webhooks without a secret with
DEBUG off), with the same message `manage.py check` prints. Only the security checks: the
model checks need the database, and a web process must start (and say "down") without it.
"""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def refuse_to_serve_on_errors() -> None:
    problems = [
        message
        for message in checks.run_checks(tags=[checks.Tags.security])
        if message.level >= checks.ERROR and not message.is_silenced()
    ]
    if problems:
        raise ImproperlyConfigured(
            "The web process refuses to start:\n" + "\n".join(f"  {p}" for p in problems)
        )
