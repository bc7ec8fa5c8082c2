"""The inquiry acknowledgment speaks as the team when no coordinator is assigned yet
(`coordinator.assigned`). Updates the installed inquiry_ack templates to the new default
copy in followups/default_content.py, but only those nobody edited: a row is replaced
when its text and html are exactly the previous default (compared by SHA-256 below).
"""

import hashlib
import importlib

from django.db import migrations

# SHA-256 of the previous default text and html, per language.
PREVIOUS = {
    "en": (
        "491ad5b14ccf6ad1f900bd7f0598d9261ef91993c104e603e77a628f8db47140",
        "1d740361770ae350c167930f32c025f3b95cce51f5da924e5cd1d37e3b2d354d",
    ),
    "es": (
        "21c85d1844f3b476818f5d5de4b4c46f3e016dfef864fb4de4cebed89a7dc7aa",
        "4ebb565781bc5c8d1e7e12435cea64ade44dc136fcd17c03436b3fa4f65ef2fe",
    ),
    "de": (
        "1d946b916a50a45406ab0ca420082cbd1887a5b553226fe9a7bf249247155f94",
        "ccfbb95f911deff943043709e3c315aa44691448b13a7dc16fcde147389fcf16",
    ),
}


def _sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def update_unedited(apps, schema_editor):
    MessageTemplate = apps.get_model("followups", "MessageTemplate")
    current = importlib.import_module("followups.default_content").TEMPLATES["inquiry_ack"]
    for row in MessageTemplate.objects.filter(key="inquiry_ack", language__in=PREVIOUS):
        if (_sha(row.text), _sha(row.html)) != PREVIOUS[row.language]:
            continue  # edited by someone: theirs stays
        new = current.get(row.language)
        if new is None:
            continue
        row.text, row.html = new["text"], new["html"]
        row.save(update_fields=["text", "html", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [("followups", "0008_raw_email_claims_and_retention")]

    operations = [migrations.RunPython(update_unedited, migrations.RunPython.noop)]
