"""The default cadences (one CadenceRule per email) and their English, Spanish and German
templates.

The rules are written out below. The template copy is read from followups/default_content.py
by `_load_content`, here and only here, when this migration runs: a database migrated
later gets the copy as it is then (the copy is editable in the admin anyway, and a fresh
database should get the latest wording). If that module is ever moved or removed, freeze
its last TEMPLATES/KINDS into this file. Existing rows are never overwritten, so a
re-run or an edited template is safe; `manage.py followups_load_defaults` re-syncs later.
"""

import datetime as dt
import importlib

from django.db import migrations

ALL_DAYS = 0b1111111
MON_TO_FRI = 0b0011111

# key: (stage, anchor, offset days, repeat every days, repeat until, max occurrences,
#       send any time, weekdays, stop on reply)
RULES = {
    # Inquiry: answer at once; info pack day 2 and nudges days 5 and 14 unless they replied.
    "inquiry_ack": ("inquiry", "stage_entry", 0, 0, "", 1, True, ALL_DAYS, False),
    "inquiry_info_pack": ("inquiry", "stage_entry", 2, 0, "", 1, False, MON_TO_FRI, True),
    "inquiry_nudge_1": ("inquiry", "stage_entry", 5, 0, "", 1, False, MON_TO_FRI, True),
    "inquiry_nudge_2": ("inquiry", "stage_entry", 14, 0, "", 1, False, MON_TO_FRI, True),
    # Booked: confirmation at once, a weekly check-in until arrival, the pre-arrival
    # checklist at T-14, T-3 and T-1 days.
    "booked_confirmation": ("booked", "stage_entry", 0, 0, "", 1, True, ALL_DAYS, False),
    "booked_reassurance": (
        "booked",
        "stage_entry",
        7,
        7,
        "planned_arrival",
        26,
        False,
        ALL_DAYS,
        False,
    ),
    "prearrival_14": ("booked", "planned_arrival", -14, 0, "", 1, False, ALL_DAYS, False),
    "prearrival_3": ("booked", "planned_arrival", -3, 0, "", 1, False, ALL_DAYS, False),
    "prearrival_1": ("booked", "planned_arrival", -1, 0, "", 1, False, ALL_DAYS, False),
    # Arrival: welcome and the agreement summary at once.
    "arrival_welcome": ("arrival", "stage_entry", 0, 0, "", 1, True, ALL_DAYS, False),
    # Procedure: a daily comfort check-in while in the stage.
    "procedure_comfort": ("procedure", "stage_entry", 1, 1, "", 30, False, ALL_DAYS, False),
    # Follow-up: after-care days 1, 7, 30, 90 after the procedure date, survey day 7.
    "aftercare_day1": ("followup", "planned_procedure", 1, 0, "", 1, False, ALL_DAYS, False),
    "aftercare_day7": ("followup", "planned_procedure", 7, 0, "", 1, False, ALL_DAYS, False),
    "aftercare_day30": ("followup", "planned_procedure", 30, 0, "", 1, False, ALL_DAYS, False),
    "aftercare_day90": ("followup", "planned_procedure", 90, 0, "", 1, False, ALL_DAYS, False),
    "satisfaction_request": ("followup", "planned_procedure", 7, 0, "", 1, False, ALL_DAYS, False),
}


def _load_content():
    module = importlib.import_module("followups.default_content")
    return module.TEMPLATES, module.KINDS


def create_defaults(apps, schema_editor):
    CadenceRule = apps.get_model("followups", "CadenceRule")
    MessageTemplate = apps.get_model("followups", "MessageTemplate")
    templates, kinds = _load_content()
    for key, (stage, anchor, offset, every, until, most, any_time, days, on_reply) in RULES.items():
        CadenceRule.objects.get_or_create(
            key=key,
            defaults={
                "template_key": key,
                "stage": stage,
                "kind": kinds.get(key, "care"),
                "anchor": anchor,
                "offset_value": offset,
                "offset_unit": "days",
                "repeat_every": every,
                "repeat_unit": "days",
                "repeat_until": until,
                "max_occurrences": most,
                "send_any_time": any_time,
                # The survey shares day 7 with an after-care check-in: it comes in the
                # afternoon so the two do not land together.
                "window_start": dt.time(14, 0) if key == "satisfaction_request" else dt.time(9, 0),
                "window_end": dt.time(18, 0),
                "window_weekdays": days,
                "stop_on_reply": on_reply,
                "stop_on_stage_exit": True,
                "stop_on_close": True,
                "active": True,
            },
        )
    for key, languages in templates.items():
        for language, parts in languages.items():
            MessageTemplate.objects.get_or_create(
                key=key,
                language=language,
                defaults={
                    "subject": parts["subject"],
                    "text": parts["text"],
                    "html": parts["html"],
                },
            )


def remove_defaults(apps, schema_editor):
    apps.get_model("followups", "MessageTemplate").objects.filter(key__in=list(RULES)).delete()
    apps.get_model("followups", "CadenceRule").objects.filter(
        key__in=list(RULES), scheduled__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("followups", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
