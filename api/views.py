"""The REST API v1 views: parse input, call a service, render. Every queryset starts from
who asks (journeys_visible_to / patients_visible_to / visible_through), the same rule as
the dashboard, so a key sees exactly what its person sees in the browser. Reads of one
patient's data are recorded in the audit trail, as the dashboard's journey page is."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.auth import IsStaffMember, KeyScopeAllowsWrite
from api.filters import JOURNEY_FILTERS, PATIENT_FILTERS, filter_journeys, filter_patients
from api.pagination import ApiCursorPagination, paged_by_parts
from api.problems import TRANSITION_TYPE, problem
from audit.models import Action
from audit.services import audit_record
from crm.models import Clinic, Interaction, Patient, Procedure
from crm.roles import COORDINATOR, MANAGER, is_manager
from crm.services import normalize_email, patient_create
from followups.models import Message
from followups.services import FollowupError, SendFailed, message_send_one_off
from journeys.models import Journey, JourneyEvent
from journeys.selectors import journey_visibility, journeys_visible_to, patients_visible_to
from journeys.services import (
    JourneyError,
    TransitionNotAllowed,
    allowed_moves,
    inquiry_open,
    interaction_log,
    journey_move,
)

ROUTED = "The inquiry was filed. The patient already has a coordinator, who will take it from here."


class ApiView(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, IsStaffMember, KeyScopeAllowsWrite]
    pagination_class = ApiCursorPagination
    ordering_fields: list[str] = ["id"]
    default_ordering = "-id"


# --- ETags ------------------------------------------------------------------------------


def etag_of(data: Any) -> str:
    body = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def _matches(header: str, etag: str) -> bool:
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


def detail_response(request: Request, data: Any) -> Response:
    """A detail read with its ETag; If-None-Match with the same tag answers 304."""
    etag = etag_of(data)
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    if header and _matches(header, etag):
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
    return Response(data, headers={"ETag": etag})


def _read(request: Request, obj: Any, patient_id: int, note: str = "") -> None:
    audit_record(actor=request.user, action=Action.VIEW, obj=obj, patient_id=patient_id, note=note)


def _visible_journey(request: Request, journey_id: int) -> Journey:
    return get_object_or_404(
        journeys_visible_to(request.user).select_related("patient"), pk=journey_id
    )


def _moves(request: Request, journey: Journey) -> list[dict[str, Any]]:
    return [
        {"target": m.target, "needs_reason": m.needs_reason, "manager_only": m.manager_only}
        for m in allowed_moves(
            stage=journey.stage, outcome=journey.outcome, manager=is_manager(request.user)
        )
    ]


# --- Patients ---------------------------------------------------------------------------


@extend_schema(tags=["patients"], parameters=PATIENT_FILTERS)
class PatientList(ApiView, generics.ListAPIView):
    """Patients with at least one journey you may see (managers: every patient)."""

    serializer_class = s.PatientSerializer
    ordering_fields = ["id", "full_name"]

    def get_queryset(self) -> QuerySet[Patient]:
        return filter_patients(patients_visible_to(self.request.user), self.request.query_params)


@extend_schema(tags=["patients"])
class PatientDetail(ApiView):
    serializer_class = s.PatientSerializer

    def get(self, request: Request, patient_id: int) -> Response:
        patient = get_object_or_404(patients_visible_to(request.user), pk=patient_id)
        _read(request, patient, patient.pk, "API")
        return detail_response(request, s.PatientSerializer(patient).data)


# --- Journeys ---------------------------------------------------------------------------


@extend_schema(tags=["journeys"], parameters=JOURNEY_FILTERS)
class JourneyList(ApiView, generics.ListAPIView):
    """Journeys you may see (a coordinator: their own and the unassigned; a manager: all)."""

    serializer_class = s.JourneySerializer
    ordering_fields = ["id", "inquiry_received_at", "stage_entered_at", "updated_at"]

    def get_queryset(self) -> QuerySet[Journey]:
        journeys = journeys_visible_to(self.request.user).select_related("patient")
        journeys = filter_journeys(journeys, self.request.query_params)
        # A coordinator's stage list in id order: their own and the unassigned, each walked
        # on the (coordinator, stage, id) index. Only there: without a stage (or in another
        # order) the single "mine OR unassigned" query is the faster one (bench/api.py).
        params = self.request.query_params
        if params.get("stage") and params.get("ordering", "") in ("", "id", "-id"):
            return paged_by_parts(journeys, journey_visibility(self.request.user))
        return journeys


@extend_schema(tags=["journeys"])
class JourneyDetail(ApiView):
    serializer_class = s.JourneyDetailSerializer

    def get(self, request: Request, journey_id: int) -> Response:
        journey = _visible_journey(request, journey_id)
        _read(request, journey, journey.patient_id, "API")
        journey.allowed_moves = _moves(request, journey)  # type: ignore[attr-defined]
        return detail_response(request, s.JourneyDetailSerializer(journey).data)


@extend_schema(
    tags=["journeys"],
    request=s.MoveSerializer,
    responses={200: s.JourneyDetailSerializer},
    description="Move the journey (journeys.services.journey_move): to the next stage, "
    "back one (managers, with a reason), lost (with lost_reason), postponed (with "
    "postponed_until and a reason), completed, or reopened. A refused move is a 409 "
    "problem listing `allowed_moves`.",
)
class JourneyMove(ApiView):
    serializer_class = s.MoveSerializer

    def post(self, request: Request, journey_id: int) -> Response:
        journey = _visible_journey(request, journey_id)
        form = s.MoveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            journey = journey_move(
                journey_id=journey.pk,
                target=data["target"],
                actor=request.user,
                reason=data.get("reason", ""),
                lost_reason=data.get("lost_reason", ""),
                postponed_until=data.get("postponed_until"),
                expected_stage=data.get("expected_stage"),
            )
        except JourneyError as exc:
            journey.refresh_from_db()
            return problem(
                status=409,
                detail=str(exc),
                instance=request.path,
                type_=TRANSITION_TYPE if isinstance(exc, TransitionNotAllowed) else "about:blank",
                allowed_moves=_moves(request, journey),
            )
        journey = _visible_journey(request, journey.pk)
        journey.allowed_moves = _moves(request, journey)  # type: ignore[attr-defined]
        return Response(s.JourneyDetailSerializer(journey).data)


# --- A journey's interactions, messages and events ---------------------------------------


class JourneyRowsView(ApiView, generics.ListAPIView):
    """A list of one journey's rows; reading it is recorded for the patient."""

    note = ""
    rows_model: Any = None

    def rows(self, journey: Journey) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular's schema pass
            return self.rows_model.objects.none()
        journey = _visible_journey(self.request, self.kwargs["journey_id"])
        if self.request.method == "GET":
            _read(self.request, journey, journey.patient_id, self.note)
        return self.rows(journey)


@extend_schema(tags=["interactions"])
class JourneyInteractions(JourneyRowsView):
    serializer_class = s.InteractionSerializer
    ordering_fields = ["id", "occurred_at"]
    default_ordering = "-occurred_at"
    note = "API: interactions"
    rows_model = Interaction

    def rows(self, journey: Journey) -> QuerySet[Interaction]:
        return Interaction.objects.filter(journey=journey)

    @extend_schema(
        request=s.InteractionCreateSerializer,
        responses={201: s.InteractionSerializer},
        description="Log a call, WhatsApp, meeting, email or note "
        "(journeys.services.interaction_log). An outbound contact stops the "
        "first-response clock.",
    )
    def post(self, request: Request, journey_id: int) -> Response:
        journey = _visible_journey(request, journey_id)
        form = s.InteractionCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        interaction = interaction_log(
            journey_id=journey.pk,
            kind=data["kind"],
            summary=data["summary"],
            by=request.user,
            direction=data["direction"],
            minutes_spent=data["minutes_spent"],
            occurred_at=data.get("occurred_at"),
        )
        return Response(s.InteractionSerializer(interaction).data, status=201)


@extend_schema(tags=["messages"])
class JourneyMessages(JourneyRowsView):
    serializer_class = s.MessageSerializer
    ordering_fields = ["id", "sent_at"]
    default_ordering = "-sent_at"
    note = "API: messages"
    rows_model = Message

    def rows(self, journey: Journey) -> QuerySet[Message]:
        return Message.objects.filter(journey=journey)

    @extend_schema(
        request=s.MessageCreateSerializer,
        responses={201: s.MessageSerializer},
        description="Email the patient now, as the coordinator's one-off email does "
        "(followups.services.message_send_one_off): a template in the patient's "
        "language, or a subject and a text. A refusal (an undeliverable address, an "
        "unknown template) is a 409; the mail service unreachable is a 503.",
    )
    def post(self, request: Request, journey_id: int) -> Response:
        journey = _visible_journey(request, journey_id)
        form = s.MessageCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            message = message_send_one_off(
                journey_id=journey.pk,
                actor=request.user,
                subject=data.get("subject", ""),
                text=data.get("text", ""),
                template_key=data.get("template_key") or None,
            )
        except SendFailed as exc:
            return problem(status=503, detail=str(exc), instance=request.path)
        except FollowupError as exc:
            return problem(status=409, detail=str(exc), instance=request.path)
        return Response(s.MessageSerializer(message).data, status=201)


@extend_schema(tags=["events"])
class JourneyEvents(JourneyRowsView):
    """The journey's timeline: every stage change, assignment and note, oldest first by
    default."""

    serializer_class = s.EventSerializer
    ordering_fields = ["id", "created_at"]
    default_ordering = "created_at"
    note = "API: events"
    rows_model = JourneyEvent

    def rows(self, journey: Journey) -> QuerySet[JourneyEvent]:
        return JourneyEvent.objects.filter(journey=journey)


@extend_schema(tags=["messages"])
class MessageDetail(ApiView):
    serializer_class = s.MessageSerializer

    def get(self, request: Request, message_id: int) -> Response:
        message = get_object_or_404(
            Message.objects.filter(journey__in=journeys_visible_to(request.user)).select_related(
                "journey"
            ),
            pk=message_id,
        )
        _read(request, message, message.journey.patient_id, "API")
        return detail_response(request, s.MessageSerializer(message).data)


# --- Procedures and clinics (reference data every member of staff reads) -----------------


@extend_schema(tags=["reference"])
class ProcedureList(ApiView, generics.ListAPIView):
    serializer_class = s.ProcedureSerializer
    ordering_fields = ["id", "name"]
    default_ordering = "name"
    queryset = Procedure.objects.all()


@extend_schema(tags=["reference"])
class ProcedureDetail(ApiView):
    serializer_class = s.ProcedureSerializer

    def get(self, request: Request, procedure_id: int) -> Response:
        procedure = get_object_or_404(Procedure, pk=procedure_id)
        return detail_response(request, s.ProcedureSerializer(procedure).data)


@extend_schema(tags=["reference"])
class ClinicList(ApiView, generics.ListAPIView):
    serializer_class = s.ClinicSerializer
    ordering_fields = ["id", "name"]
    default_ordering = "name"
    queryset = Clinic.objects.all()


@extend_schema(tags=["reference"])
class ClinicDetail(ApiView):
    serializer_class = s.ClinicSerializer

    def get(self, request: Request, clinic_id: int) -> Response:
        clinic = get_object_or_404(Clinic, pk=clinic_id)
        return detail_response(request, s.ClinicSerializer(clinic).data)


# --- Inquiries --------------------------------------------------------------------------


@extend_schema(
    tags=["inquiries"],
    request=s.InquiryCreateSerializer,
    responses={201: s.InquiryResultSerializer, 202: s.InquiryResultSerializer},
    description="Open an inquiry as the staff's new-inquiry form does: the patient is "
    "found by email or registered, then journeys.services.inquiry_open. 201 with the "
    "journey; 202 without it when the patient already belongs to another coordinator "
    "(the inquiry is routed to them and nothing about the patient is disclosed).",
)
class InquiryCreate(ApiView):
    serializer_class = s.InquiryCreateSerializer

    def post(self, request: Request) -> Response:
        form = s.InquiryCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        procedure = Procedure.objects.filter(pk=data["procedure"]).first()
        if procedure is None:
            raise exceptions.ValidationError({"procedure": "No such procedure."})
        coordinator = None
        if data["coordinator"] is not None:
            coordinator = (
                User.objects.filter(
                    pk=data["coordinator"],
                    is_active=True,
                    groups__name__in=[COORDINATOR, MANAGER],
                )
                .distinct()
                .first()
            )
            if coordinator is None:
                raise exceptions.ValidationError({"coordinator": "No such coordinator."})
            if not is_manager(request.user) and coordinator != request.user:
                raise exceptions.ValidationError(
                    {"coordinator": "Coordinators open inquiries for themselves."}
                )
        try:
            with transaction.atomic():
                patient = Patient.objects.filter(email=normalize_email(data["email"])).first()
                if patient is None:
                    patient = patient_create(
                        full_name=data["full_name"],
                        email=data["email"],
                        phone=data["phone"],
                        country=data["country"],
                        preferred_language=data["preferred_language"],
                        timezone_name=data["timezone"],
                        source=data["source"],
                        actor=request.user,
                    )
                journey = inquiry_open(
                    patient=patient,
                    procedure=procedure,
                    actor=request.user,
                    coordinator=coordinator,
                    note=data["note"].strip(),
                )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None
        except JourneyError as exc:
            return problem(status=409, detail=str(exc), instance=request.path)
        visible = journeys_visible_to(request.user).filter(pk=journey.pk).first()
        if visible is None:
            # Another coordinator's patient: say nothing that tells this caller about them.
            body: dict[str, Any] = {"status": "routed", "detail": ROUTED, "journey": None}
            return Response(s.InquiryResultSerializer(body).data, status=202)
        body = {"status": "created", "detail": "Inquiry created.", "journey": visible}
        return Response(s.InquiryResultSerializer(body).data, status=201)


# --- Anything else under /api/v1/ -------------------------------------------------------


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """The last route under /api/v1/: an unknown URL is a problem-details 404 for every
    method, not Django's HTML page."""

    permission_classes: list[Any] = []
    authentication_classes: list[Any] = []
    throttle_classes: list[Any] = []

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        raise exceptions.NotFound("There is no such API URL; see /api/v1/docs/.")
