"""The default cadences (one CadenceRule per email) and their English, Spanish and German
templates.

The rules are written out below. The template copy and the send windows are read from
followups/default_content.py by `_load_content`, here and in 0006, when this migration runs:
a database migrated later gets them as they are then (both are editable in the admin anyway,
and a fresh database should get the latest). If that module is ever moved or removed, freeze
its last TEMPLATES/KINDS/WINDOWS into this file. Existing rows are never overwritten, so a
re-run or an edited template is safe; `manage.py followups_load_defaults` re-syncs later.
"""

import importlib

from django.db import migrations

# key: (stage, anchor, offset days, repeat every days, repeat until, max occurrences,
#       send any time, stop on reply); the send windows are default_content.WINDOWS.
RULES = {
    # Inquiry: answer at once; info pack day 2 and nudges days 5 and 14 unless they replied.
    "inquiry_ack": ("inquiry", "stage_entry", 0, 0, "", 1, True, False),
    "inquiry_info_pack": ("inquiry", "stage_entry", 2, 0, "", 1, False, True),
    "inquiry_nudge_1": ("inquiry", "stage_entry", 5, 0, "", 1, False, True),
    "inquiry_nudge_2": ("inquiry", "stage_entry", 14, 0, "", 1, False, True),
    # Booked: confirmation at once, a weekly check-in until arrival, the pre-arrival
    # checklist at T-14, T-3 and T-1 days.
    "booked_confirmation": ("booked", "stage_entry", 0, 0, "", 1, True, False),
    "booked_reassurance": (
        "booked",
        "stage_entry",
        7,
        7,
        "planned_arrival",
        26,
        False,
        False,
    ),
    "prearrival_14": ("booked", "planned_arrival", -14, 0, "", 1, False, False),
    "prearrival_3": ("booked", "planned_arrival", -3, 0, "", 1, False, False),
    "prearrival_1": ("booked", "planned_arrival", -1, 0, "", 1, False, False),
    # Arrival: welcome and the agreement summary at once.
    "arrival_welcome": ("arrival", "stage_entry", 0, 0, "", 1, True, False),
    # Procedure: a daily comfort check-in while in the stage.
    "procedure_comfort": ("procedure", "stage_entry", 1, 1, "", 30, False, False),
    # Follow-up: after-care days 1, 7, 30, 90 after the procedure date, survey day 7.
    "aftercare_day1": ("followup", "planned_procedure", 1, 0, "", 1, False, False),
    "aftercare_day7": ("followup", "planned_procedure", 7, 0, "", 1, False, False),
    "aftercare_day30": ("followup", "planned_procedure", 30, 0, "", 1, False, False),
    "aftercare_day90": ("followup", "planned_procedure", 90, 0, "", 1, False, False),
    "satisfaction_request": ("followup", "planned_procedure", 7, 0, "", 1, False, False),
}


def _load_content():
    module = importlib.import_module("followups.default_content")
    return module.TEMPLATES, module.KINDS, module.WINDOWS


def create_defaults(apps, schema_editor):
    CadenceRule = apps.get_model("followups", "CadenceRule")
    MessageTemplate = apps.get_model("followups", "MessageTemplate")
    templates, kinds, windows = _load_content()
    for key, (stage, anchor, offset, every, until, most, any_time, on_reply) in RULES.items():
        window_start, window_end, weekdays = windows[key]
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
                "window_start": window_start,
                "window_end": window_end,
                "window_weekdays": weekdays,
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
