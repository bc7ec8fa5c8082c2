"""The satisfaction survey's one reminder (feedback/, issue 13): 5 days after the request
(day 12 after the procedure), only while unanswered. feedback.services cancels it with the
new reason "answered" when the patient answers; a reply by email stops it too.

The rule is created if missing (an edited or deleted-and-recreated one is left alone);
its templates come from followups/default_content.py as in 0002. A partial index on sent
rows by rule and time serves the Satisfaction report's response rate.
"""

import importlib

from django.db import migrations, models


def _content():
    return importlib.import_module("followups.default_content")


def forwards(apps, schema_editor):
    CadenceRule = apps.get_model("followups", "CadenceRule")
    MessageTemplate = apps.get_model("followups", "MessageTemplate")
    content = _content()
    window_start, window_end, weekdays = content.WINDOWS["satisfaction_reminder"]
    CadenceRule.objects.get_or_create(
        key="satisfaction_reminder",
        defaults={
            "template_key": "satisfaction_reminder",
            "stage": "followup",
            "kind": content.KINDS["satisfaction_reminder"],
            "anchor": "planned_procedure",
            "offset_value": 12,
            "offset_unit": "days",
            "repeat_every": 0,
            "max_occurrences": 1,
            "send_any_time": False,
            "window_start": window_start,
            "window_end": window_end,
            "window_weekdays": weekdays,
            "stop_on_reply": True,
            "stop_on_stage_exit": True,
            "stop_on_close": True,
            "active": True,
        },
    )
    for language, parts in content.TEMPLATES["satisfaction_reminder"].items():
        MessageTemplate.objects.get_or_create(
            key="satisfaction_reminder", language=language, defaults=parts
        )


def backwards(apps, schema_editor):
    apps.get_model("followups", "MessageTemplate").objects.filter(
        key="satisfaction_reminder"
    ).delete()
    apps.get_model("followups", "CadenceRule").objects.filter(
        key="satisfaction_reminder", scheduled__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("followups", "0010_care_links_comfort")]

    operations = [
        migrations.AlterField(
            model_name="scheduledmessage",
            name="cancelled_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("replied", "Patient replied"),
                    ("left_stage", "Journey left the stage"),
                    ("closed", "Journey closed"),
                    ("opted_out", "Patient opted out"),
                    ("undeliverable", "Address undeliverable"),
                    ("rescheduled", "No longer in the plan"),
                    ("manual", "Cancelled by staff"),
                    ("no_template", "No template"),
                    ("missed", "Missed while sending was stopped"),
                    ("less_often", "Less often: the patient is doing well"),
                    ("answered", "Patient answered the survey"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddIndex(
            model_name="scheduledmessage",
            index=models.Index(
                condition=models.Q(("status", "sent")),
                fields=["rule", "sent_at"],
                name="scheduled_sent_rule",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
