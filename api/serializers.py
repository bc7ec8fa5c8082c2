"""What the API reads and writes, as JSON. Serializers only shape and check input; every
write goes through a service (views.py), never serializer.save()."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from crm.inputs import EARLIEST_DATE, LATEST_DATE, MAX_ID
from crm.models import (
    Clinic,
    Interaction,
    InteractionDirection,
    InteractionKind,
    Patient,
    PatientSource,
    Procedure,
)
from crm.timezones import country_zones, main_zone
from followups.models import Message
from journeys.models import Journey, JourneyEvent, LostReason, Stage
from journeys.services import TARGETS


class IdField(serializers.IntegerField):
    """A database id: beyond bigint is refused here, never sent to the database."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class ClinicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Clinic
        fields = ["id", "name", "city", "country", "timezone"]


class ProcedureSerializer(serializers.ModelSerializer):
    clinic = serializers.IntegerField(source="clinic_id", read_only=True)

    class Meta:
        model = Procedure
        fields = ["id", "name", "clinic", "typical_stay_days", "recovery_days"]


class PatientSerializer(serializers.ModelSerializer):
    marketing_opt_out = serializers.SerializerMethodField()
    email_undeliverable = serializers.SerializerMethodField()

    class Meta:
        model = Patient
        fields = [
            "id",
            "full_name",
            "email",
            "phone",
            "country",
            "preferred_language",
            "timezone",
            "source",
            "marketing_opt_out",
            "email_undeliverable",
            "created_at",
            "updated_at",
        ]

    def get_marketing_opt_out(self, patient: Patient) -> bool:
        return patient.marketing_opt_out_at is not None

    def get_email_undeliverable(self, patient: Patient) -> bool:
        return patient.email_undeliverable_at is not None


class JourneySerializer(serializers.ModelSerializer):
    patient = serializers.IntegerField(source="patient_id", read_only=True)
    patient_name = serializers.CharField(source="patient.full_name", read_only=True)
    procedure = serializers.IntegerField(source="procedure_id", read_only=True)
    clinic = serializers.IntegerField(source="clinic_id", read_only=True)
    coordinator = serializers.IntegerField(source="coordinator_id", read_only=True, allow_null=True)
    estimated_cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )

    class Meta:
        model = Journey
        fields = [
            "id",
            "patient",
            "patient_name",
            "procedure",
            "clinic",
            "coordinator",
            "stage",
            "outcome",
            "lost_reason",
            "postponed_until",
            "stage_entered_at",
            "inquiry_received_at",
            "first_response_at",
            "awaiting_reply_since",
            "closed_at",
            "planned_arrival",
            "planned_procedure",
            "planned_departure",
            "estimated_cost",
            "currency",
            "created_at",
            "updated_at",
        ]


class MoveOptionSerializer(serializers.Serializer):
    target = serializers.CharField()
    needs_reason = serializers.BooleanField()
    manager_only = serializers.BooleanField()


class JourneyDetailSerializer(JourneySerializer):
    allowed_moves = MoveOptionSerializer(many=True, read_only=True)

    class Meta(JourneySerializer.Meta):
        fields = [*JourneySerializer.Meta.fields, "allowed_moves"]


def _check_date(value: dt.date | None) -> dt.date | None:
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise serializers.ValidationError(
            f"Use a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."
        )
    return value


class MoveSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=TARGETS)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    lost_reason = serializers.ChoiceField(
        choices=LostReason.choices, required=False, allow_blank=True
    )
    postponed_until = serializers.DateField(required=False, allow_null=True)
    expected_stage = serializers.ChoiceField(choices=Stage.choices, required=False, allow_null=True)

    def validate_postponed_until(self, value: dt.date | None) -> dt.date | None:
        return _check_date(value)


class InteractionSerializer(serializers.ModelSerializer):
    journey = serializers.IntegerField(source="journey_id", read_only=True)
    by = serializers.IntegerField(source="by_id", read_only=True, allow_null=True)

    class Meta:
        model = Interaction
        fields = [
            "id",
            "journey",
            "kind",
            "direction",
            "summary",
            "minutes_spent",
            "occurred_at",
            "by",
            "created_at",
        ]


class InteractionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=InteractionKind.choices)
    direction = serializers.ChoiceField(
        choices=InteractionDirection.choices, default=InteractionDirection.OUTBOUND
    )
    summary = serializers.CharField(max_length=10_000)
    minutes_spent = serializers.IntegerField(min_value=0, max_value=24 * 60, default=0)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)

    def validate_occurred_at(self, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        if value.date() < EARLIEST_DATE or value > timezone.now() + dt.timedelta(minutes=5):
            raise serializers.ValidationError(
                f"Use a time between {EARLIEST_DATE.isoformat()} and now."
            )
        return value


class MessageSerializer(serializers.ModelSerializer):
    journey = serializers.IntegerField(source="journey_id", read_only=True)
    sent_by = serializers.IntegerField(source="sent_by_id", read_only=True, allow_null=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "journey",
            "direction",
            "kind",
            "status",
            "template_key",
            "language",
            "from_email",
            "to_email",
            "subject",
            "text",
            "text_reply",
            "label",
            "counts_as_reply",
            "sent_by",
            "sent_at",
            "delivered_at",
            "opened_at",
            "bounced_at",
        ]


class MessageCreateSerializer(serializers.Serializer):
    """Either a template (in the patient's language) or a subject and a text."""

    template_key = serializers.SlugField(required=False, allow_blank=True, max_length=64)
    subject = serializers.CharField(required=False, allow_blank=True, max_length=300)
    text = serializers.CharField(required=False, allow_blank=True, max_length=50_000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("template_key") and not (
            attrs.get("subject", "").strip() and attrs.get("text", "").strip()
        ):
            raise serializers.ValidationError("Give a template_key, or a subject and a text.")
        return attrs


class EventSerializer(serializers.ModelSerializer):
    journey = serializers.IntegerField(source="journey_id", read_only=True)
    actor = serializers.IntegerField(source="actor_id", read_only=True, allow_null=True)

    class Meta:
        model = JourneyEvent
        fields = [
            "id",
            "journey",
            "kind",
            "from_stage",
            "to_stage",
            "outcome",
            "reason",
            "actor",
            "created_at",
        ]


class InquiryCreateSerializer(serializers.Serializer):
    """The staff form's fields (crm/dashboard/forms.py InquiryForm): the patient, found by
    email or registered, and the procedure asked about."""

    full_name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    country = serializers.CharField(min_length=2, max_length=2)
    preferred_language = serializers.ChoiceField(choices=settings.PATIENT_LANGUAGES, default="en")
    timezone = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="IANA zone; empty: the country's zone.",
    )
    # "source" is also a Field attribute (the attribute to read): the stubs object.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=PatientSource.choices, default=PatientSource.OTHER
    )
    procedure = IdField()
    coordinator = IdField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)

    def validate_country(self, value: str) -> str:
        country = value.strip().upper()
        if not (len(country) == 2 and country.isascii() and country.isalpha()):
            raise serializers.ValidationError("Use the two-letter ISO country code, e.g. DE.")
        return country

    def validate_timezone(self, value: str) -> str:
        if not value:
            return ""
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise serializers.ValidationError(
                f"{value} is not an IANA time zone (e.g. Europe/Berlin)."
            ) from None
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("timezone"):
            zone = main_zone(attrs["country"])
            if zone is None:
                zones = country_zones(attrs["country"])
                raise serializers.ValidationError(
                    {
                        "timezone": f"{attrs['country']} has several time zones: give the "
                        f"patient's ({', '.join(zones[:6])})."
                        if zones
                        else f"Give the time zone of a patient from {attrs['country']}."
                    }
                )
            attrs["timezone"] = zone
        return attrs


class InquiryResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["created", "routed"])
    detail = serializers.CharField()
    journey = JourneySerializer(allow_null=True)
