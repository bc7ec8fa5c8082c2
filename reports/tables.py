"""The reports as tables: one definition per table, read by the page and by its CSV
download, so a downloaded file always holds what the page showed.

Each cell keeps its raw value (a count, a share 0..1, a duration in seconds); the page
formats it for people (reports.templatetags.reports) and the CSV writes `csv_value` of it,
which the page also puts in each cell's data-value attribute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from journeys.models import STAGE_ORDER, LostReason, Stage
from reports.assignment import AssignmentReport, Assignments
from reports.care import CareReport, Escalations, PlanCompletion
from reports.followups import CheckIns, FollowupReport
from reports.funnel import Funnel, FunnelReport
from reports.load import Load, LoadReport
from reports.risk import RiskReport
from reports.speed import Speed, SpeedReport

TEXT, INT, PCT, SECS, DELTA_PP, DELTA_INT = "text", "int", "pct", "secs", "delta_pp", "delta_int"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = INT
    # Shown as a tooltip and in the README: what exactly the figure counts.
    help: str = ""

    @property
    def csv_label(self) -> str:
        unit = {PCT: " (%)", SECS: " (hours)", DELTA_PP: " (percentage points)"}.get(self.kind)
        return self.label + (unit or "")

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


# A breakdown may have thousands of groups (every coordinator): the page shows the largest
# ones, the CSV all of them.
PAGE_ROWS = 30


@dataclass
class Table:
    slug: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None
    note: str = ""
    # Rows shown on the page (the rest are in the CSV); None: all. Rows come largest first.
    page_rows: int | None = None

    @property
    def hidden(self) -> int:
        """Rows left off the page (they are in the CSV)."""
        return 0 if self.page_rows is None else max(0, len(self.rows) - self.page_rows)

    def body(self) -> list[list[tuple[Column, Any]]]:
        """The page's rows as (column, value) pairs for the template."""
        rows = self.rows if self.page_rows is None else self.rows[: self.page_rows]
        return [list(zip(self.columns, row, strict=True)) for row in rows]

    def footer(self) -> list[tuple[Column, Any]] | None:
        return list(zip(self.columns, self.total, strict=True)) if self.total else None


def csv_value(kind: str, value: Any) -> str:
    """The machine-readable form: shares as percentages, durations as hours."""
    if value is None:
        return ""
    if kind == PCT:
        return f"{value * 100:.1f}"
    if kind == DELTA_PP:
        return f"{value * 100:+.1f}"
    if kind == SECS:
        return f"{value / 3600:.2f}"
    if kind == "avg":
        return f"{value:.2f}"
    if kind == "nps":
        return f"{value * 100:.1f}"
    return str(value)


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


# --- Funnel --------------------------------------------------------------------------------

LOST_REASONS = list(LostReason.choices)


def funnel_tables(report: FunnelReport) -> list[Table]:
    current, previous = report.current, report.previous
    compare = previous is not None
    columns = [
        Column("Stage", TEXT),
        Column("Reached", help="Journeys of the cohort that entered this stage at some point."),
        Column("Share of inquiries", PCT, "Reached ÷ the cohort's inquiries."),
        Column(
            "Conversion to next",
            PCT,
            "Of those who reached this stage, the share that reached the next one "
            "(for follow-up: completed).",
        ),
    ]
    if compare:
        columns += [
            Column("Reached, previous period"),
            Column("Conversion, previous period", PCT),
            Column("Conversion change", DELTA_PP),
        ]
    funnel = Table(
        "funnel",
        "Funnel",
        columns,
        note="A cohort keeps moving after its period ends: journeys still in a stage have not "
        "reached the next one yet, so the latest weeks convert less until they are decided.",
    )
    for index, stage in enumerate(current.stages):
        row: list[Any] = [stage.label, stage.reached, stage.share, stage.conversion]
        if previous is not None:
            before = previous.stages[index]
            row += [before.reached, before.conversion, _change(stage.conversion, before.conversion)]
        funnel.rows.append(row)
    overall: list[Any] = ["Overall (inquiry → follow-up)", current.stages[-1].reached, None]
    overall.append(current.overall)
    if previous is not None:
        overall += [
            previous.stages[-1].reached,
            previous.overall,
            _change(current.overall, previous.overall),
        ]
    funnel.total = overall

    drop = Table(
        "dropoff",
        "Where journeys stop",
        [
            Column("Stage", TEXT),
            Column("Reached"),
            Column("Went on", help="Reached the next stage (follow-up: completed)."),
            Column("Lost", help="Lost with this as the furthest stage reached."),
            *[Column(f"Lost: {label}") for _, label in LOST_REASONS],
            Column("Postponed", help="Postponed now, with this as the furthest stage."),
            Column("Still here", help="Active in this stage: not a loss yet."),
        ],
        note="A journey stops at the furthest stage it reached, even if it was stepped back "
        "or reopened at an earlier stage before it was lost or postponed.",
    )
    for stage in current.stages:
        drop.rows.append(
            [
                stage.label,
                stage.reached,
                stage.went_on,
                stage.lost_total,
                *[stage.lost[reason] for reason, _ in LOST_REASONS],
                stage.postponed,
                stage.in_progress,
            ]
        )
    tables = [funnel, drop]
    if report.groups:
        tables.append(_funnel_breakdown(report))
    return tables


def _funnel_cells(funnel: Funnel) -> list[Any]:
    return [
        *[s.reached for s in funnel.stages],
        funnel.completed,
        funnel.overall,
        funnel.show.rate,
        sum(s.lost_total for s in funnel.stages),
        sum(s.postponed for s in funnel.stages),
    ]


def _funnel_breakdown(report: FunnelReport) -> Table:
    compare = report.previous is not None
    columns = [
        Column(_group_label(report.params.group_by), TEXT),
        Column("Inquiries"),
        *[Column(f"Reached {Stage(s).label.lower()}") for s in STAGE_ORDER[1:]],
        Column("Completed"),
        Column("Overall conversion", PCT),
        Column("Show rate", PCT),
        Column("Lost"),
        Column("Postponed"),
    ]
    if compare:
        columns += [Column("Inquiries, previous period"), Column("Overall, previous", PCT)]
    table = Table(
        "funnel-breakdown", "Funnel by " + columns[0].label.lower(), columns, page_rows=PAGE_ROWS
    )
    for group in report.groups:
        row = [group.label, *_funnel_cells(group.current)]
        if compare:
            row += [group.previous.inquiries, group.previous.overall]
        table.rows.append(row)
    total: list[Any] = ["All", *_funnel_cells(report.current)]
    if report.previous is not None:
        total += [report.previous.inquiries, report.previous.overall]
    table.total = total
    return table


def _group_label(group_by: str) -> str:
    from reports.params import GROUP_BY_CHOICES

    return dict(GROUP_BY_CHOICES).get(group_by, group_by)


# --- Speed ---------------------------------------------------------------------------------


def speed_tables(report: SpeedReport) -> list[Table]:
    current, previous = report.current, report.previous
    periods = [("This period", current)]
    if previous is not None:
        periods.append(("Previous period", previous))
    first = Table(
        "first-response",
        "First response",
        [
            Column("Period", TEXT),
            Column("Inquiries"),
            Column("Answered"),
            Column("Not answered yet"),
            Column("Median", SECS),
            Column("90th percentile", SECS),
            Column("Within 1 hour", PCT),
            Column("Within 24 hours", PCT),
        ],
        note="Calendar time from the inquiry to the first answer from a coordinator, business "
        "hours aside. The shares count every inquiry: one not answered yet is not within.",
    )
    for label, speed in periods:
        first.rows.append(
            [
                label,
                speed.inquiries,
                speed.answered,
                speed.unanswered,
                speed.first_response.median,
                speed.first_response.p90,
                speed.share_1h,
                speed.share_24h,
            ]
        )

    stages = Table(
        "stage-times",
        "Time in stage",
        [
            Column("Stage", TEXT),
            Column("Journeys that went on"),
            Column("Median", SECS),
            Column("90th percentile", SECS),
            *(
                [Column("Median, previous period", SECS), Column("90th pct., previous", SECS)]
                if previous is not None
                else []
            ),
        ],
        note="From first entering the stage to first entering the next one (follow-up: to "
        "completion), over the journeys that went on. A postponement in between counts.",
    )
    for index, item in enumerate(current.stage_times):
        row = [item.label, item.spread.count, item.spread.median, item.spread.p90]
        if previous is not None:
            before = previous.stage_times[index].spread
            row += [before.median, before.p90]
        stages.rows.append(row)

    show = Table(
        "show-rate",
        "Booked to arrival",
        [
            Column("Period", TEXT),
            Column("Arrived"),
            Column("Lost before arrival"),
            Column("Postponed before arrival"),
            Column("Still booked"),
            Column("Show rate", PCT, "Arrived ÷ (arrived + lost + postponed before arrival)."),
        ],
    )
    for label, speed in periods:
        rate = speed.show
        show.rows.append([label, rate.arrived, rate.lost, rate.postponed, rate.waiting, rate.rate])

    tables = [first, stages, show]
    if report.groups:
        tables.append(_speed_breakdown(report))
    return tables


def _speed_cells(speed: Speed) -> list[Any]:
    return [
        speed.inquiries,
        speed.first_response.median,
        speed.first_response.p90,
        speed.share_1h,
        speed.share_24h,
        *[t.spread.median for t in speed.stage_times],
        speed.show.rate,
    ]


def _speed_breakdown(report: SpeedReport) -> Table:
    table = Table(
        "speed-breakdown",
        "Speed by " + _group_label(report.params.group_by).lower(),
        [
            Column(_group_label(report.params.group_by), TEXT),
            Column("Inquiries"),
            Column("Median first response", SECS),
            Column("90th pct. first response", SECS),
            Column("Within 1 hour", PCT),
            Column("Within 24 hours", PCT),
            *[Column(f"Median in {Stage(s).label.lower()}", SECS) for s in STAGE_ORDER],
            Column("Show rate", PCT),
        ],
        page_rows=PAGE_ROWS,
    )
    for group in report.groups:
        table.rows.append([group.label, *_speed_cells(group.current)])
    table.total = ["All", *_speed_cells(report.current)]
    return table


# --- Follow-ups ----------------------------------------------------------------------------

CHECKIN_COLUMNS = [
    Column("Due", help="Sent, failed or overdue: every check-in that should be out by now."),
    Column("On time", help="Sent within an hour of its due time (already in its send window)."),
    Column("Late"),
    Column("Failed"),
    Column("Overdue", help="Not sent yet, more than an hour after it was due."),
    Column("On-time rate", PCT),
    Column("Replied", help="Sent, and the patient wrote back before our next email."),
    Column("Reply rate", PCT),
    Column("Cancelled", help="A stop condition fired first (a reply, a move, an opt-out)."),
]


def _checkin_cells(c: CheckIns) -> list[Any]:
    return [
        c.due,
        c.on_time,
        c.late,
        c.failed,
        c.overdue,
        c.on_time_rate,
        c.replied,
        c.reply_rate,
        c.cancelled,
    ]


def followup_tables(report: FollowupReport) -> list[Table]:
    cadences = Table(
        "checkins",
        "Check-ins by cadence",
        [Column("Cadence", TEXT), Column("Stage", TEXT), *CHECKIN_COLUMNS],
        note="Automated messages due in the period."
        + ("" if report.total.due else " None of them has come due yet."),
    )
    for cadence in report.cadences:
        label = Stage(cadence.stage).label if cadence.stage in STAGE_ORDER else cadence.stage
        cadences.rows.append([cadence.key, label, *_checkin_cells(cadence.checkins)])
    cadences.total = ["All", "", *_checkin_cells(report.total)]
    tables = [cadences]
    if report.groups:
        name = _group_label(report.params.group_by)
        by = Table(
            "checkins-breakdown",
            "Check-ins by " + name.lower(),
            [Column(name, TEXT)],
            page_rows=PAGE_ROWS,
        )
        by.columns += CHECKIN_COLUMNS
        for group in report.groups:
            by.rows.append([group.label, *_checkin_cells(group.current)])
        by.total = ["All", *_checkin_cells(report.total)]
        tables.append(by)
    return tables


# --- Load ----------------------------------------------------------------------------------


def _load_cells(load: Load) -> list[Any]:
    return [
        load.active_total,
        *[load.active[s] for s in STAGE_ORDER],
        load.postponed,
        load.replies_waiting,
        load.unanswered,
        load.dates_passed,
        load.reengage_due,
        load.failed_checkins,
        load.overdue,
    ]


def load_tables(report: LoadReport) -> list[Table]:
    name = _group_label(report.group_by)
    table = Table(
        "load",
        "Open work by " + name.lower(),
        [
            Column(name, TEXT),
            Column("Active"),
            *[Column(Stage(s).label) for s in STAGE_ORDER],
            Column("Postponed"),
            Column("Replies waiting", help="Journeys whose patient wrote and nobody answered."),
            Column("Unanswered > 24 h", help="Inquiries with no first response after a day."),
            Column(
                "Planned date passed",
                help="Booked past the planned arrival, or arrived past the planned procedure.",
            ),
            Column("Re-engage date passed", help="Postponed journeys due to be re-engaged."),
            Column("Failed check-ins", help="Automated messages on active journeys that gave up."),
            Column("Overdue", help="Unanswered + planned date passed + re-engage + failed."),
        ],
        note="Right now, not a date range.",
        page_rows=PAGE_ROWS,
    )
    for group in report.groups:
        table.rows.append([group.label, *_load_cells(group.current)])
    table.total = ["All", *_load_cells(report.total)]
    return [table]


# --- Care ----------------------------------------------------------------------------------

ESCALATION_COLUMNS = [
    Column("Opened"),
    Column("Median to acknowledge", SECS),
    Column("90th pct. to acknowledge", SECS),
    Column("Median to resolve", SECS),
    Column("90th pct. to resolve", SECS),
    Column(
        "Past deadline",
        help="Acknowledged after the deadline (managers were emailed), or not yet and it passed.",
    ),
    Column("Past deadline rate", PCT),
    Column("Still open"),
]


def _escalation_cells(e: Escalations) -> list[Any]:
    return [
        e.opened,
        e.to_acknowledge.median,
        e.to_acknowledge.p90,
        e.to_resolve.median,
        e.to_resolve.p90,
        e.past_deadline,
        e.past_deadline_rate,
        e.still_open,
    ]


PLAN_COLUMNS = [
    Column("Steps due", help="Must-confirm after-care steps whose date has come."),
    Column("Confirmed", PCT, help="Share of due steps the patient confirmed (on time or late)."),
    Column("On time", help="Confirmed within 2 days of the step's date."),
    Column("Late"),
    Column("Missed", help="Still not confirmed more than 2 days after the date."),
    Column("Problem", help="The patient reported a problem (an escalation)."),
    Column("Waiting", help="Not confirmed yet, still within the 2 days."),
]


def _plan_cells(p: PlanCompletion) -> list[Any]:
    return [p.due, p.confirmed_rate, p.on_time, p.late, p.missed, p.problem, p.waiting]


def care_tables(report: CareReport) -> list[Table]:
    escalations = Table(
        "escalations",
        "Escalations",
        [Column("", TEXT), *ESCALATION_COLUMNS],
        note="Opened in the period: “I need help now”, a high pain score, a problem with an "
        "after-care step or a reply asking for help.",
    )
    escalations.rows.append(["All", *_escalation_cells(report.escalations)])
    tables = [escalations]
    if report.groups:
        name = _group_label(report.params.group_by)
        by = Table(
            "escalations-breakdown",
            "Escalations by " + name.lower(),
            [Column(name, TEXT), *ESCALATION_COLUMNS],
            page_rows=PAGE_ROWS,
        )
        for group in report.groups:
            by.rows.append([group.label, *_escalation_cells(group.current)])
        by.total = ["All", *_escalation_cells(report.escalations)]
        tables.append(by)
    plans = Table(
        "aftercare",
        "After-care plan completion by procedure and clinic",
        [Column("Procedure", TEXT), Column("Clinic", TEXT), *PLAN_COLUMNS],
        page_rows=PAGE_ROWS,
        note="Steps dated in the period; the follow-up compliance figures are on Follow-ups.",
    )
    for row in report.plans:
        plans.rows.append([row.procedure, row.clinic, *_plan_cells(row.completion)])
    plans.total = ["All", "", *_plan_cells(report.plans_total)]
    tables.append(plans)
    return tables


# --- Assignment ----------------------------------------------------------------------------


def _assignment_cells(a: Assignments) -> list[Any]:
    return [a.automatic, a.by_hand, a.inquiries, a.answered, a.median, a.p90]


def assignment_tables(report: AssignmentReport) -> list[Table]:
    table = Table(
        "assignments",
        "Assignments and first answer by coordinator",
        [
            Column("Coordinator", TEXT),
            Column("Assigned automatically", help="By the assignment rules, in the period."),
            Column("Assigned by hand", help="By a manager, or filed with a coordinator."),
            Column("Inquiries", help="Inquiries that arrived in the period, by coordinator now."),
            Column("Answered", help="Of those, answered (email, call, WhatsApp, meeting)."),
            Column("Median first answer", SECS),
            Column("90th pct. first answer", SECS),
        ],
        note=(
            f"Left in the team queue by the rules (nobody fitted): {report.team_queue}. "
            "Unassigned inquiries are counted under Unassigned."
        ),
        page_rows=PAGE_ROWS,
    )
    for group in report.groups:
        table.rows.append([group.label, *_assignment_cells(group.current)])
    table.total = ["All", *_assignment_cells(report.total)]
    return [table]


RISK_COLUMNS = [
    Column("Risk at", TEXT),
    Column("Level", TEXT),
    Column("Journeys", help="Booked in the period, with a snapshot at this moment."),
    Column("Arrived"),
    Column("Lost before arrival"),
    Column("Postponed before arrival"),
    Column("Still booked"),
    Column("Show rate", PCT, help="Arrived among those arrived, lost or postponed."),
]


def risk_tables(report: RiskReport) -> list[Table]:
    table = Table(
        "risk-show-rate",
        "Show rate by booked risk",
        RISK_COLUMNS,
        note="Journeys booked in the period, by their risk level when booked and 14 days "
        "before the planned arrival. A useful score shows a lower show rate at each higher "
        "level; tune it as the README's “Booked-risk flags” says.",
    )
    for row in report.rows:
        table.rows.append(
            [
                row.moment_label,
                row.level_label,
                row.journeys,
                row.arrived,
                row.lost,
                row.postponed,
                row.still_booked,
                row.show_rate,
            ]
        )
    return [table]
