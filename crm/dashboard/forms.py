"""The dashboard's forms: they parse and validate input; the views hand it to a service."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from crm.dashboard.rendering import RENDERER
from crm.inputs import date_problem
from crm.models import InteractionDirection, InteractionKind, PatientSource, Procedure
from crm.timezones import country_zones, main_zone
from feedback.models import ReferralCode
from feedback.services import normalise_code
from journeys.models import STAGE_ORDER, LostReason
from journeys.services import TARGETS


class DashboardForm(forms.Form):
    # Inputs and selects written straight to HTML (crm/dashboard/rendering.py): the patient
    # page renders five forms on every view.
    default_renderer = RENDERER


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReplyForm(DashboardForm):
    """Free text, or a template in the patient's language (then subject and text are
    ignored)."""

    template_key = forms.ChoiceField(required=False, label="Template")
    subject = forms.CharField(max_length=300, required=False)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def __init__(self, *args: Any, template_keys: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template_key"].choices = [  # type: ignore[attr-defined]
            ("", "Write my own"),
            *((key, key.replace("_", " ").capitalize()) for key in template_keys),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("template_key"):
            if not (data.get("subject") or "").strip():
                self.add_error("subject", "Write a subject, or choose a template.")
            if not (data.get("text") or "").strip():
                self.add_error("text", "Write the email, or choose a template.")
        return data


LOGGABLE_KINDS = [
    (InteractionKind.CALL, "Call"),
    (InteractionKind.WHATSAPP, "WhatsApp"),
    (InteractionKind.MEETING, "Meeting"),
    (InteractionKind.NOTE, "Internal note"),
]


class InteractionForm(DashboardForm):
    kind = forms.ChoiceField(choices=LOGGABLE_KINDS)
    direction = forms.ChoiceField(
        choices=[
            (InteractionDirection.OUTBOUND, "We contacted the patient"),
            (InteractionDirection.INBOUND, "The patient contacted us"),
        ],
        initial=InteractionDirection.OUTBOUND,
    )
    minutes_spent = forms.IntegerField(min_value=0, max_value=24 * 60, initial=0, label="Minutes")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="What was said")
    occurred_at = forms.DateTimeField(
        required=False,
        label="When (empty: now)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean_summary(self) -> str:
        summary: str = self.cleaned_data["summary"].strip()
        if not summary:
            raise forms.ValidationError("Write what was said.")
        return summary

    def clean_occurred_at(self) -> Any:
        when = self.cleaned_data.get("occurred_at")
        if when and when > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError("That is in the future.")
        return when

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == InteractionKind.NOTE:
            data["direction"] = InteractionDirection.INTERNAL
        return data


def _sane_date(value: dt.date | None) -> dt.date | None:
    problem = date_problem(value)
    if problem:
        raise forms.ValidationError(problem)
    return value


class DatesForm(DashboardForm):
    planned_arrival = forms.DateField(required=False, widget=DateInput(), label="Arrival")
    planned_procedure = forms.DateField(required=False, widget=DateInput(), label="Procedure")
    planned_departure = forms.DateField(required=False, widget=DateInput(), label="Departure")

    def clean_planned_arrival(self) -> dt.date | None:
        return _sane_date(self.cleaned_data.get("planned_arrival"))

    def clean_planned_procedure(self) -> dt.date | None:
        return _sane_date(self.cleaned_data.get("planned_procedure"))

    def clean_planned_departure(self) -> dt.date | None:
        return _sane_date(self.cleaned_data.get("planned_departure"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        arrival, procedure, departure = (
            data.get("planned_arrival"),
            data.get("planned_procedure"),
            data.get("planned_departure"),
        )
        if arrival and procedure and procedure < arrival:
            self.add_error("planned_procedure", "The procedure cannot be before the arrival.")
        if procedure and departure and departure < procedure:
            self.add_error("planned_departure", "The departure cannot be before the procedure.")
        elif arrival and departure and departure < arrival:
            self.add_error("planned_departure", "The departure cannot be before the arrival.")
        return data


class ProcedureForm(DashboardForm):
    """Change the journey's procedure (and so its clinic). A plain choice of ids, like
    AssignForm; journey_change_procedure checks it again."""

    procedure = forms.TypedChoiceField(coerce=int, label="Procedure and clinic")

    def __init__(self, *args: Any, procedures: Sequence[Procedure] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [  # type: ignore[attr-defined]
            (p.pk, f"{p.name} at {p.clinic.name}, {p.clinic.city}") for p in procedures
        ]


class CloseForm(DashboardForm):
    """Mark lost (with a lost reason) or postponed (with a reason and a date)."""

    target = forms.ChoiceField(choices=[("lost", "Lost"), ("postponed", "Postponed")])
    lost_reason = forms.ChoiceField(
        choices=[("", "Choose…"), *LostReason.choices], required=False, label="Lost reason"
    )
    reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Reason"
    )
    postponed_until = forms.DateField(required=False, widget=DateInput(), label="Re-engage on")

    def clean_postponed_until(self) -> dt.date | None:
        return _sane_date(self.cleaned_data.get("postponed_until"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") == "lost" and not data.get("lost_reason"):
            self.add_error("lost_reason", "Choose why the patient was lost.")
        if data.get("target") == "postponed":
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "Say why the journey is postponed.")
            until = data.get("postponed_until")
            if until is None:
                self.add_error("postponed_until", "Choose a date to re-engage.")
            elif until <= timezone.localdate():
                self.add_error("postponed_until", "The re-engage date must be in the future.")
        return data


class MoveForm(DashboardForm):
    """A move from the board or the journey page, checked again by journey_move."""

    target = forms.ChoiceField(choices=[(t, t) for t in TARGETS])
    expected_stage = forms.ChoiceField(
        choices=[("", ""), *((s, s) for s in STAGE_ORDER)], required=False
    )
    reason = forms.CharField(required=False)
    lost_reason = forms.CharField(required=False)
    postponed_until = forms.DateField(required=False)

    def clean_postponed_until(self) -> dt.date | None:
        return _sane_date(self.cleaned_data.get("postponed_until"))


class AssignForm(DashboardForm):
    """Pick the coordinator from a list, or, when there are too many to list, type their
    username. (A plain choice of ids, not a ModelChoiceField, whose iterator opens a
    server-side cursor on every render.)"""

    coordinator = forms.TypedChoiceField(coerce=int, empty_value=None, required=False)

    def __init__(self, *args: Any, staff: Sequence[User] | None = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = {user.pk: user for user in staff} if staff is not None else None
        if staff is None:
            self.fields["coordinator"] = forms.CharField(
                required=False,
                label="Coordinator's username",
                help_text="Leave empty to unassign.",
            )
            initial = self.initial.get("coordinator")
            if isinstance(initial, User):
                self.initial["coordinator"] = initial.username
            return
        self.fields["coordinator"].choices = [  # type: ignore[attr-defined]
            ("", "Nobody (unassigned)"),
            *((user.pk, user.get_full_name() or user.username) for user in staff),
        ]
        initial = self.initial.get("coordinator")
        if isinstance(initial, User):
            self.initial["coordinator"] = initial.pk

    def clean_coordinator(self) -> User | None:
        from crm.dashboard.selectors import staff_by_username

        value = self.cleaned_data.get("coordinator")
        if self.staff is not None:
            return self.staff.get(value) if value is not None else None
        if not value:
            return None
        user = staff_by_username(str(value))
        if user is None:
            raise forms.ValidationError(f"No coordinator or manager is called {value!r}.")
        return user


def _timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class InquiryForm(DashboardForm):
    """A new inquiry: the patient (new, or found by email) and the journey."""

    full_name = forms.CharField(max_length=200, label="Full name")
    email = forms.EmailField(max_length=254)
    phone = forms.CharField(max_length=40, required=False)
    country = forms.CharField(
        max_length=2,
        min_length=2,
        help_text="Two-letter ISO code, e.g. DE.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": 3}),
    )
    preferred_language = forms.ChoiceField(
        choices=settings.PATIENT_LANGUAGES, initial="en", label="Language"
    )
    # Empty: the country's zone (crm.timezones.main_zone); a country with several clocks
    # asks for the choice, listing its zones (clean()).
    timezone = forms.ChoiceField(
        choices=(),
        required=False,
        label="Time zone",
        help_text="Leave on “From the country” unless the patient lives elsewhere.",
    )
    source = forms.ChoiceField(choices=PatientSource.choices, initial=PatientSource.WEBSITE)
    procedure = forms.ModelChoiceField(queryset=Procedure.objects.none())
    coordinator = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Unassigned"
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="What they asked"
    )
    # A friend's referral code (feedback/): the patient is recorded as referred by them.
    referral_code = forms.CharField(
        max_length=20,
        required=False,
        label="Referral code",
        help_text="If a patient of ours recommended us (e.g. AB3K7Q).",
    )

    def __init__(self, *args: Any, staff: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [  # type: ignore[attr-defined]
            ("", "From the country"),
            *_timezone_choices(),
        ]
        self.fields["procedure"].queryset = Procedure.objects.select_related(  # type: ignore[attr-defined]
            "clinic"
        ).order_by("name", "clinic__name")
        if staff is not None:
            self.fields["coordinator"].queryset = staff  # type: ignore[attr-defined]
        self.fields["coordinator"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.get_full_name() or user.username
        )

    def clean_referral_code(self) -> str:
        code = normalise_code(self.cleaned_data.get("referral_code", ""))
        if code and not ReferralCode.objects.filter(code=code).exists():
            raise forms.ValidationError("No patient has this referral code.")
        return code

    def clean_country(self) -> str:
        country: str = self.cleaned_data["country"].strip().upper()
        if not (country.isascii() and country.isalpha()):
            raise forms.ValidationError("Use the two-letter ISO country code, e.g. DE.")
        return country

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        country = data.get("country")
        if country and not data.get("timezone"):
            zone = main_zone(country)
            if zone is not None:
                data["timezone"] = zone
            else:
                zones = country_zones(country)
                if zones:
                    # Offer just this country's zones on the form shown again.
                    self.fields["timezone"].choices = [  # type: ignore[attr-defined]
                        ("", "Choose…"),
                        *((name, name) for name in zones),
                    ]
                    self.add_error(
                        "timezone",
                        f"{country} has several time zones: choose the patient's "
                        f"({', '.join(zones[:6])}{', …' if len(zones) > 6 else ''}).",
                    )
                else:
                    self.add_error("timezone", f"Choose the time zone of a patient from {country}.")
        return data
