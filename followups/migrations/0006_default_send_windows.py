"""Bring the default rules' send windows up to followups/default_content.WINDOWS.

The first defaults sent booked check-ins and the later after-care on any day of the week;
now what belongs to the sale and the long after-care goes Monday to Friday, and what is
tied to a day of the trip or the treatment every day (default_content.py says why). A rule
whose window is no longer the one first shipped was edited by a manager and is left alone.
Pending messages keep the due time they were planned with; the next planning uses the new
window. A fresh database already gets the current windows from 0002, so this changes nothing
there.
"""

import datetime as dt
import importlib

from django.db import migrations

NINE, TWO_PM, SIX_PM = dt.time(9, 0), dt.time(14, 0), dt.time(18, 0)
EVERY_DAY = 0b1111111
MON_TO_FRI = 0b0011111

# The windows 0002 first wrote (frozen: the evidence that nobody edited a rule since).
SHIPPED = {
    key: (TWO_PM if key == "satisfaction_request" else NINE, SIX_PM, weekdays)
    for key, weekdays in {
        "inquiry_ack": EVERY_DAY,
        "inquiry_info_pack": MON_TO_FRI,
        "inquiry_nudge_1": MON_TO_FRI,
        "inquiry_nudge_2": MON_TO_FRI,
        "booked_confirmation": EVERY_DAY,
        "booked_reassurance": EVERY_DAY,
        "prearrival_14": EVERY_DAY,
        "prearrival_3": EVERY_DAY,
        "prearrival_1": EVERY_DAY,
        "arrival_welcome": EVERY_DAY,
        "procedure_comfort": EVERY_DAY,
        "aftercare_day1": EVERY_DAY,
        "aftercare_day7": EVERY_DAY,
        "aftercare_day30": EVERY_DAY,
        "aftercare_day90": EVERY_DAY,
        "satisfaction_request": EVERY_DAY,
    }.items()
}


def _current_windows():
    return importlib.import_module("followups.default_content").WINDOWS


def _move(apps, source, target):
    CadenceRule = apps.get_model("followups", "CadenceRule")
    for key, (start, end, weekdays) in target.items():
        if key not in source or source[key] == (start, end, weekdays):
            continue
        old_start, old_end, old_weekdays = source[key]
        # update(): a system change, not an edit, so updated_at stays the manager's.
        CadenceRule.objects.filter(
            key=key, window_start=old_start, window_end=old_end, window_weekdays=old_weekdays
        ).update(window_start=start, window_end=end, window_weekdays=weekdays)


def apply_current_windows(apps, schema_editor):
    _move(apps, SHIPPED, _current_windows())


def restore_shipped_windows(apps, schema_editor):
    _move(apps, _current_windows(), SHIPPED)


class Migration(migrations.Migration):
    dependencies = [("followups", "0005_inbound_permissions")]

    operations = [migrations.RunPython(apply_current_windows, restore_shipped_windows)]
