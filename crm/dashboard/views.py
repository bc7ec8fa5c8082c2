"""The coordinators' dashboard: My day, the board, the patient page, inbox and search.

Views parse input, call one service, and render. Every journey is looked up through
`journeys_visible_to(request.user)`, so a coordinator who types another coordinator's
patient URL gets a 404, exactly as if it did not exist.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.models import Action
from audit.services import audit_record
from care import selectors as care_selectors
from care.quotes.selectors import journey_quote_panel
from crm.dashboard import selectors
from crm.dashboard.access import staff_required
from crm.dashboard.forms import (
    AssignForm,
    CloseForm,
    DatesForm,
    InquiryForm,
    InteractionForm,
    MoveForm,
    ProcedureForm,
    ReplyForm,
)
from crm.inputs import clean_text, date_problem, parse_id
from crm.models import Patient, PatientSource
from crm.roles import is_manager
from crm.services import normalize_email, patient_create
from crm.templatetags.dashboard import count_label
from feedback import selectors as feedback_selectors
from feedback.models import ReferralChannel
from feedback.services import code_in_text, referral_attribute
from followups.inbound.triage import (
    TriageError,
    notification_preference_set,
    triage_attach,
    triage_create_inquiry,
    triage_dismiss,
)
from followups.models import NotificationPreference, ScheduledMessage, Status
from followups.selectors import attachments_visible_to, raw_emails_failed
from followups.services import (
    FollowupError,
    message_send_one_off,
    messages_cancel,
    messages_send_now,
)
from intake.assignment import away_set, away_until_of
from journeys.models import STAGE_ORDER, Journey, LostReason, Outcome, Stage
from journeys.selectors import journeys_visible_to
from journeys.services import (
    COMPLETED,
    LOST,
    POSTPONED,
    PROCEDURE_CHANGE_STAGES,
    JourneyError,
    allowed_moves,
    inquiry_open,
    interaction_log,
    journey_assign,
    journey_change_procedure,
    journey_move,
    journey_plan_dates,
)

logger = logging.getLogger(__name__)


def _visible_journey(request: HttpRequest, journey_id: int) -> Journey:
    return get_object_or_404(
        journeys_visible_to(request.user).select_related(
            "patient", "procedure", "clinic", "coordinator"
        ),
        pk=journey_id,
    )


# --- My day -----------------------------------------------------------------------------


@require_GET
@staff_required
def my_day(request: HttpRequest) -> HttpResponse:
    day = selectors.my_day(request.user)
    return render(
        request,
        "dashboard/my_day.html",
        {
            "day": day,
            "care": care_selectors.my_day_care(request.user),
            "feedback": feedback_selectors.my_day_feedback(request.user),
            "now": timezone.now(),
            "arriving_days": selectors.ARRIVING_SOON_DAYS,
            "arriving_until": day.today_date + dt.timedelta(days=selectors.ARRIVING_SOON_DAYS),
        },
    )


# --- The board --------------------------------------------------------------------------


def _filters(request: HttpRequest) -> selectors.BoardFilters:
    # Every value is read through crm.inputs: ids within bigint, text without NUL.
    def as_int(name: str) -> int | None:
        return parse_id(request.GET.get(name, ""))

    coordinator = clean_text(request.GET.get("coordinator", ""))
    if coordinator not in ("", "me", "none", "0") and parse_id(coordinator) is None:
        coordinator = ""
    username = clean_text(request.GET.get("coordinator_username", ""), max_length=150)
    if username and is_manager(request.user):
        # Too many staff to list: the manager typed a username ("0" matches nobody).
        found = selectors.staff_by_username(username)
        coordinator = str(found.pk) if found else "0"
    source = request.GET.get("source", "")
    country = clean_text(request.GET.get("country", "")).upper()
    return selectors.BoardFilters(
        coordinator=coordinator,
        coordinator_username=username,
        clinic=as_int("clinic"),
        procedure=as_int("procedure"),
        country=country if len(country) == 2 and country.isascii() and country.isalpha() else "",
        source=source if source in PatientSource.values else "",
        sort="risk" if request.GET.get("sort") == "risk" else "",
    )


def _needs_reason(journey: Journey, manager: bool) -> str:
    """Targets whose move asks for a reason, for the board's drop handler."""
    moves = allowed_moves(stage=journey.stage, outcome=journey.outcome, manager=manager)
    return " ".join(m.target for m in moves if m.needs_reason)


@require_GET
@staff_required
def board(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    manager = is_manager(request.user)
    columns = selectors.board(request.user, filters)
    for column in columns:
        for card in column.cards:
            card.needs_reason = _needs_reason(card, manager)  # type: ignore[attr-defined]
    return render(
        request,
        "dashboard/board.html",
        {
            "columns": columns,
            "filters": filters,
            "choices": selectors.board_filter_choices(request.user),
            "sources": PatientSource.choices,
            "lost_reasons": LostReason.choices,
            "manager": manager,
            "now": timezone.now(),
        },
    )


@require_GET
@staff_required
def board_column(request: HttpRequest, stage: str) -> HttpResponse:
    """The next page of one column's cards (htmx: "Show more" swaps itself for them)."""
    if stage not in STAGE_ORDER:
        raise Http404("No such stage.")
    filters = _filters(request)
    manager = is_manager(request.user)
    cards, cursor = selectors.board_column_page(
        request.user, stage=stage, filters=filters, after=request.GET.get("after", "")
    )
    for card in cards:
        card.needs_reason = _needs_reason(card, manager)  # type: ignore[attr-defined]
    return render(
        request,
        "dashboard/_board_cards.html",
        {
            "cards": cards,
            "stage": stage,
            "next_cursor": cursor,
            "filters": filters,
            "now": timezone.now(),
        },
    )


@require_POST
@staff_required
def board_move(request: HttpRequest) -> JsonResponse:
    """A card dropped on another column. Answers JSON: the moved card's new HTML and the
    column counts, or the service's refusal for the board to show while the card snaps
    back."""
    form = MoveForm(request.POST)
    journey_id = parse_id(request.POST.get("journey", ""))
    if journey_id is None or not form.is_valid():
        return JsonResponse({"ok": False, "error": _move_problem(form)}, status=400)
    journey = _visible_journey(request, journey_id)
    data = form.cleaned_data
    if data["target"] == COMPLETED:
        open_steps = care_selectors.steps_open_for_journey(journey_id=journey.pk)
        if open_steps:
            titles = ", ".join(s.step.title_en for s in open_steps)
            error = f"After-care steps not confirmed yet: {titles}. Complete it on its page."
            return JsonResponse({"ok": False, "error": error}, status=409)
    try:
        moved = journey_move(
            journey_id=journey.pk,
            target=data["target"],
            actor=request.user,
            reason=data["reason"],
            lost_reason=data["lost_reason"],
            postponed_until=data["postponed_until"],
            expected_stage=data["expected_stage"] or None,
        )
    except JourneyError as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=409)
    # The move is committed. What follows only decorates the answer (the card's new HTML,
    # the column counts): if the database fails now, the board is still told the move
    # was done, with the card left where it was dropped and the counts as they were.
    done = {
        "ok": True,
        "stage": moved.stage,
        "outcome": moved.outcome,
        "message": f"{journey.patient.full_name}: {_state_label(moved)}.",
    }
    try:
        card_html, counts = _moved_card(request, moved.pk)
    except DatabaseError as exc:
        logger.warning(
            "Board move of journey %s done; reading it back failed (%s)",
            moved.pk,
            type(exc).__name__,
        )
        return JsonResponse({**done, "card": "", "counts": {}})
    return JsonResponse({**done, "card": card_html, "counts": counts})


def _moved_card(request: HttpRequest, journey_id: int) -> tuple[str, dict[str, str]]:
    """The moved journey's card (empty once it left the board) and the column counts."""
    journey = _visible_journey(request, journey_id)
    counts = selectors.board_counts(request.user, _filters(request))
    card_html = ""
    if journey.outcome == Outcome.ACTIVE:
        journey.next_checkin = (  # type: ignore[attr-defined]
            ScheduledMessage.objects.filter(journey=journey, status=Status.PENDING)
            .order_by("due_at")
            .values_list("due_at", flat=True)
            .first()
        )
        journey.warnings = selectors.card_warnings(journey, now=timezone.now())  # type: ignore[attr-defined]
        journey.needs_reason = _needs_reason(journey, is_manager(request.user))  # type: ignore[attr-defined]
        card_html = render_to_string(
            "dashboard/_card.html", {"card": journey, "now": timezone.now()}, request=request
        )
    return card_html, {stage: count_label(n) for stage, n in counts.items()}


def _move_problem(form: MoveForm) -> str:
    """What was wrong with a move, in words for the board's message."""
    if form.is_bound and form.errors:
        errors = next(iter(form.errors.values()))
        return f"That move was not understood: {errors[0]}"
    return "That move was not understood."


def _state_label(journey: Journey) -> str:
    if journey.outcome == Outcome.ACTIVE:
        return f"moved to {Stage(journey.stage).label.lower()}"
    return f"marked {Outcome(journey.outcome).label.lower()}"


# --- The patient and journey page -------------------------------------------------------


def _staff(request: HttpRequest) -> list[Any] | None:
    return selectors.staff_list()


def _journey_page(
    request: HttpRequest, journey: Journey, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    manager = is_manager(user)
    keys = selectors.template_keys()
    patient = journey.patient
    try:
        patient_zone = zoneinfo.ZoneInfo(patient.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        patient_zone = zoneinfo.ZoneInfo("UTC")
    moves = allowed_moves(stage=journey.stage, outcome=journey.outcome, manager=manager)
    stage_moves = [m for m in moves if m.target not in (LOST, POSTPONED)]
    context = {
        "journey": journey,
        "patient": patient,
        "patient_now": timezone.now().astimezone(patient_zone),
        "journeys": selectors.patient_journeys(user, patient.pk),
        "timeline": selectors.journey_timeline(journey),
        "checkins": selectors.journey_checkins(journey),
        "skipped": selectors.journey_skipped_checkins(journey),
        "care": care_selectors.journey_care(journey),
        "quotes": forms.get("quotes") or journey_quote_panel(journey),
        "feedback": feedback_selectors.journey_feedback(journey),
        "stage_moves": stage_moves,
        "can_close": any(m.target in (LOST, POSTPONED) for m in moves),
        "manager": manager,
        "reply_form": forms.get("reply_form") or ReplyForm(template_keys=keys),
        "log_form": forms.get("log_form") or InteractionForm(),
        "dates_form": forms.get("dates_form")
        or DatesForm(
            initial={
                "planned_arrival": journey.planned_arrival,
                "planned_procedure": journey.planned_procedure,
                "planned_departure": journey.planned_departure,
            }
        ),
        "close_form": forms.get("close_form") or CloseForm(),
        # Only while it may change (inquiry or booked, active): one query for the list.
        "procedure_form": (
            forms.get("procedure_form")
            or ProcedureForm(
                procedures=selectors.procedure_choices(),
                initial={"procedure": journey.procedure_id},
            )
        )
        if journey.outcome == Outcome.ACTIVE and journey.stage in PROCEDURE_CHANGE_STAGES
        else None,
        "assign_form": (
            forms.get("assign_form")
            or AssignForm(staff=_staff(request), initial={"coordinator": journey.coordinator})
        )
        if manager
        else None,
        "open_panel": forms.get("open_panel", ""),
        "now": timezone.now(),
        "stage_labels": dict(Stage.choices),
    }
    return render(request, "journeys/journey.html", context, status=status)


@require_GET
@staff_required
def journey_detail(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _visible_journey(request, journey_id)
    # Who read which patient's page: one INSERT (pinned in test_dashboard_queries).
    audit_record(actor=request.user, action=Action.VIEW, obj=journey, patient_id=journey.patient_id)
    return _journey_page(request, journey)


@require_GET
@staff_required
def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    journey = selectors.patient_latest_journey(request.user, patient_id)
    if journey is None:
        raise Http404("No such patient.")
    return redirect("dashboard:journey", journey_id=journey.pk)


def _back(journey: Journey, anchor: str = "") -> HttpResponse:
    url = reverse("dashboard:journey", kwargs={"journey_id": journey.pk})
    return redirect(url + (f"#{anchor}" if anchor else ""))


@require_POST
@staff_required
def journey_reply(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _visible_journey(request, journey_id)
    form = ReplyForm(request.POST, template_keys=selectors.template_keys())
    if form.is_valid():
        data = form.cleaned_data
        try:
            message_send_one_off(
                journey_id=journey.pk,
                actor=request.user,
                subject=data["subject"],
                text=data["text"],
                template_key=data["template_key"] or None,
            )
        except FollowupError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Email sent to {journey.patient.email}.")
            return _back(journey, "timeline")
    return _journey_page(request, journey, reply_form=form, open_panel="reply")


@require_POST
@staff_required
def journey_log(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _visible_journey(request, journey_id)
    form = InteractionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        interaction = interaction_log(
            journey_id=journey.pk,
            kind=data["kind"],
            summary=data["summary"],
            by=request.user,
            direction=data["direction"],
            minutes_spent=data["minutes_spent"] or 0,
            occurred_at=data["occurred_at"],
        )
        messages.success(request, f"{interaction.get_kind_display()} logged.")
        return _back(journey, "timeline")
    return _journey_page(request, journey, log_form=form, open_panel="log")


@require_POST
@staff_required
def journey_dates(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _visible_journey(request, journey_id)
    form = DatesForm(request.POST)
    if form.is_valid():
        try:
            journey_plan_dates(journey_id=journey.pk, actor=request.user, **form.cleaned_data)
        except JourneyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Planned dates saved; check-ins re-planned to match.")
            return _back(journey, "checkins")
    return _journey_page(request, journey, dates_form=form, open_panel="dates")


@require_POST
@staff_required
def journey_procedure(request: HttpRequest, journey_id: int) -> HttpResponse:
    """Change the procedure and clinic of an inquiry or a booked journey."""
    journey = _visible_journey(request, journey_id)
    form = ProcedureForm(request.POST, procedures=selectors.procedure_choices())
    if form.is_valid():
        try:
            changed = journey_change_procedure(
                journey_id=journey.pk,
                procedure_id=form.cleaned_data["procedure"],
                actor=request.user,
            )
        except JourneyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Procedure is now {changed.procedure.name} at {changed.clinic.name}."
            )
            return _back(journey)
    return _journey_page(request, journey, procedure_form=form, open_panel="procedure")


@require_POST
@staff_required
def journey_move_view(request: HttpRequest, journey_id: int) -> HttpResponse:
    """The stage buttons on the patient page (next stage, completed, a manager's step
    back with a reason, reopen)."""
    journey = _visible_journey(request, journey_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _move_problem(form))
        return _back(journey)
    data = form.cleaned_data
    # Completing a journey whose after-care plan has open steps asks first (care/).
    open_steps = (
        care_selectors.steps_open_for_journey(journey_id=journey.pk)
        if data["target"] == COMPLETED and request.POST.get("confirm_open_steps") != "1"
        else []
    )
    if open_steps:
        return render(
            request,
            "care/confirm_complete.html",
            {"journey": journey, "steps": open_steps, "expected_stage": journey.stage},
        )
    try:
        moved = journey_move(
            journey_id=journey.pk,
            target=data["target"],
            actor=request.user,
            reason=data["reason"],
            expected_stage=data["expected_stage"] or None,
        )
    except JourneyError as exc:
        messages.error(request, str(exc))
    else:
        # From the service's answer, not read again: after the commit nothing can fail it.
        messages.success(request, f"Journey {_state_label(moved)}.")
    return _back(journey)


@require_POST
@staff_required
def journey_close(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _visible_journey(request, journey_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            moved = journey_move(
                journey_id=journey.pk,
                target=data["target"],
                actor=request.user,
                reason=data["reason"],
                lost_reason=data["lost_reason"] if data["target"] == LOST else "",
                postponed_until=data["postponed_until"] if data["target"] == POSTPONED else None,
                expected_stage=journey.stage,
            )
        except JourneyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Journey {_state_label(moved)}.")
            return _back(journey)
    return _journey_page(request, journey, close_form=form, open_panel="close")


@require_POST
@staff_required
def journey_assign_view(request: HttpRequest, journey_id: int) -> HttpResponse:
    """Managers reassign to anyone; a coordinator may only take an unassigned journey."""
    journey = _visible_journey(request, journey_id)
    if not is_manager(request.user):
        if journey.coordinator_id is not None or request.POST.get("take") != "1":
            messages.error(request, "Only a manager can reassign a journey.")
            return _back(journey)
        journey_assign(journey_id=journey.pk, coordinator=request.user, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, "You are now this patient's coordinator.")
        return _back(journey)
    form = AssignForm(request.POST, staff=_staff(request))
    if form.is_valid():
        coordinator = form.cleaned_data["coordinator"]
        journey_assign(journey_id=journey.pk, coordinator=coordinator, actor=request.user)
        name = (coordinator.get_full_name() or coordinator.username) if coordinator else "nobody"
        messages.success(request, f"Assigned to {name}.")
        return _back(journey)
    return _journey_page(request, journey, assign_form=form, open_panel="assign")


CHECKIN_ACTIONS = ("send", "skip", "cancel")


@require_POST
@staff_required
def checkin_action(request: HttpRequest, journey_id: int) -> HttpResponse:
    """Send now, skip this one, or cancel the rest of its series. htmx swaps the list."""
    journey = _visible_journey(request, journey_id)
    action = request.POST.get("action", "")
    checkin_id = parse_id(request.POST.get("checkin", ""))
    if action not in CHECKIN_ACTIONS or checkin_id is None:
        return HttpResponse("Unknown check-in action.", status=400)
    checkin = get_object_or_404(ScheduledMessage, pk=checkin_id, journey=journey)
    if action == "send":
        done = messages_send_now(ids=[checkin.pk])
        note = "Sending now." if done else "That check-in is already on its way or done."
    elif action == "skip":
        done = messages_cancel(ids=[checkin.pk])
        note = "Check-in skipped." if done else "That check-in can no longer be skipped."
    else:
        series = ScheduledMessage.objects.filter(
            journey=journey,
            rule_id=checkin.rule_id,
            status__in=[Status.PENDING, Status.CLAIMED],
            due_at__gte=checkin.due_at,
        ).values_list("pk", flat=True)
        done = messages_cancel(ids=list(series))
        note = f"Cancelled {done} check-in{'s' if done != 1 else ''} of this series."
    if request.headers.get("HX-Request"):
        return render(
            request,
            "journeys/_checkins.html",
            {
                "journey": journey,
                "checkins": selectors.journey_checkins(journey),
                "skipped": selectors.journey_skipped_checkins(journey),
                "note": note,
            },
        )
    messages.success(request, note)
    return _back(journey, "checkins")


# What someone filing an inquiry on a patient they may not see is told: the same words
# whatever happened (a new journey, a note on an existing one), so it reveals nothing.
ROUTED_NOTICE = "Inquiry filed; the patient's coordinator will follow up."


@staff_required
def inquiry_new(request: HttpRequest) -> HttpResponse:
    """A new inquiry: registers the patient (or finds them by email) and opens a journey."""
    staff = selectors.staff_choices()
    initial = {
        "coordinator": request.user.pk,
        "email": request.GET.get("email", ""),
        "full_name": request.GET.get("name", ""),
    }
    form = InquiryForm(request.POST or None, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        coordinator = data["coordinator"]
        if not is_manager(request.user) and coordinator not in (None, request.user):
            form.add_error("coordinator", "Coordinators open inquiries for themselves.")
        else:
            try:
                with transaction.atomic():
                    patient, reused = _patient_for_inquiry(data, request.user)
                    journey = inquiry_open(
                        patient=patient,
                        procedure=data["procedure"],
                        actor=request.user,
                        coordinator=coordinator,
                        note=data["note"].strip(),
                    )
                    # A code typed in the field, or named in what they asked.
                    code = data.get("referral_code") or code_in_text(data["note"])
                    if code:
                        referral_attribute(
                            journey_id=journey.pk, code=code, channel=ReferralChannel.STAFF
                        )
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            except JourneyError as exc:
                form.add_error(None, str(exc))
            else:
                if not journeys_visible_to(request.user).filter(pk=journey.pk).exists():
                    # Another coordinator's patient: routed to them. Say nothing that
                    # tells this person the patient exists.
                    messages.success(request, ROUTED_NOTICE)
                    return redirect("dashboard:inquiry_new")
                if reused:
                    messages.info(
                        request,
                        f"{patient.email} was already registered: the inquiry is on "
                        f"{patient.full_name}'s record.",
                    )
                messages.success(request, "Inquiry created.")
                return redirect("dashboard:journey", journey_id=journey.pk)
    return render(request, "journeys/new_inquiry.html", {"form": form})


def _patient_for_inquiry(data: dict[str, Any], actor: Any) -> tuple[Patient, bool]:
    existing = Patient.objects.filter(email__iexact=normalize_email(data["email"])).first()
    if existing is not None:
        return existing, True
    patient = patient_create(
        full_name=data["full_name"],
        email=data["email"],
        phone=data["phone"],
        country=data["country"],
        preferred_language=data["preferred_language"],
        timezone_name=data["timezone"],
        source=data["source"],
        actor=actor,
    )
    return patient, False


# --- Inbox and search -------------------------------------------------------------------


@require_GET
@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    box = selectors.inbox_unmatched(request.user)
    known = {item.sender_patient_id for item in box.rows if item.sender_patient_id}
    return render(
        request,
        "dashboard/inbox.html",
        {
            "inbox": box,
            # One query for every known sender's journeys the user may see.
            "journeys_of": selectors.journeys_by_patient(request.user, known),
            "procedures": selectors.procedure_choices(),
            # Managers also see inbound mail that could not be processed at all.
            "failed_raw": raw_emails_failed().count() if is_manager(request.user) else 0,
        },
    )


def _inbox_target(request: HttpRequest, value: str) -> Journey | None:
    """A journey number, or a patient's email (their newest journey the user may see)."""
    value = clean_text(value, max_length=254).lstrip("#")
    visible = journeys_visible_to(request.user)
    number = parse_id(value)
    if number is not None:
        return visible.filter(pk=number).first()
    if "@" in value:
        patient = Patient.objects.filter(email__iexact=normalize_email(value)).first()
        if patient is not None:
            return selectors.patient_latest_journey(request.user, patient.pk)
    return None


@require_POST
@staff_required
def inbox_action(request: HttpRequest, item_id: int, action: str) -> HttpResponse:
    """Attach an unmatched email to a journey, make it a new inquiry, or dismiss it."""

    try:
        if action == "attach":
            journey = _inbox_target(request, request.POST.get("target", ""))
            if journey is None:
                messages.error(
                    request,
                    "No journey you can see matches that: give a journey number or the "
                    "patient's email address.",
                )
                return redirect("dashboard:inbox")
            triage_attach(item_id=item_id, journey_id=journey.pk, actor=request.user)
            messages.success(request, f"Attached to {journey.patient.full_name}'s journey.")
            return redirect("dashboard:journey", journey_id=journey.pk)
        if action == "inquiry":
            procedure = parse_id(request.POST.get("procedure", ""))
            if procedure is None:
                messages.error(request, "Choose the procedure the inquiry is about.")
                return redirect("dashboard:inbox")
            journey = triage_create_inquiry(
                item_id=item_id,
                procedure_id=procedure,
                actor=request.user,
                full_name=clean_text(request.POST.get("full_name", ""), max_length=200),
            )
            if not journeys_visible_to(request.user).filter(pk=journey.pk).exists():
                messages.success(request, ROUTED_NOTICE)
                return redirect("dashboard:inbox")
            messages.success(request, "New inquiry created from the email.")
            return redirect("dashboard:journey", journey_id=journey.pk)
        if action == "dismiss":
            triage_dismiss(item_id=item_id, actor=request.user)
            messages.success(request, "Email dismissed (kept in the admin's raw mail).")
            return redirect("dashboard:inbox")
    except TriageError as exc:
        messages.error(request, str(exc))
        return redirect("dashboard:inbox")
    raise Http404("No such inbox action.")


@require_GET
@staff_required
def search(request: HttpRequest) -> HttpResponse:
    query = clean_text(request.GET.get("q", ""), max_length=100)
    results = selectors.patient_search(request.user, query) if query else None
    return render(request, "dashboard/search.html", {"q": query, "results": results})


@require_GET
@staff_required
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """A patient's file (an emailed attachment, or a photo, X-ray or PDF from the inquiry
    form) for staff who may see the journey; anyone else gets a 404. Always a download
    with a sandbox policy, never rendered in the CRM's origin; the download is audited."""
    attachment = get_object_or_404(
        attachments_visible_to(request.user).select_related("message__journey"),
        pk=attachment_id,
    )
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type="application/octet-stream",
    )
    response["Content-Security-Policy"] = "sandbox"
    audit_record(
        actor=request.user,
        action=Action.DOWNLOAD,
        obj=attachment,
        patient_id=attachment.message.journey.patient_id,
        note=f"attachment of message #{attachment.message_id}",
    )
    # A streamed response (the file is not read into memory); staff_required is typed for
    # plain ones.
    return cast(HttpResponse, response)


# --- Own settings -----------------------------------------------------------------------


@staff_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Each person's own settings (coordinators have no admin to set them in): the reply
    notification, and "away until" for automatic assignment (intake/)."""
    user_id = int(request.user.pk or 0)
    has_rule, away_until = away_until_of(user_id)
    away_error = ""
    if request.method == "POST":
        raw_away = clean_text(request.POST.get("away_until", ""), max_length=10)
        new_away = None
        if raw_away:
            try:
                new_away = dt.date.fromisoformat(raw_away)
            except ValueError:
                away_error = "Enter the date as YYYY-MM-DD, or leave it empty."
            else:
                away_error = date_problem(new_away)
        if not away_error:
            notification_preference_set(
                user_id=user_id, notify_on_reply=request.POST.get("notify_on_reply") == "on"
            )
            if has_rule:
                away_set(user_id=user_id, away_until=new_away)
            messages.success(request, "Settings saved.")
            return redirect("dashboard:preferences")
    notify = NotificationPreference.objects.filter(user_id=user_id, notify_on_reply=True).exists()
    return render(
        request,
        "dashboard/preferences.html",
        {
            "notify_on_reply": notify,
            "has_rule": has_rule,
            "away_until": away_until,
            "away_error": away_error,
            "today": timezone.localdate(),
        },
        status=400 if away_error else 200,
    )
