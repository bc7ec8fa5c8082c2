"""Server-rendered SVG charts for the reports: the geometry is computed here, the template
(templates/reports/_chart.html) only draws it. No script, no CDN, nothing inline
that a strict Content-Security-Policy would block: colours come from app.css classes."""

from __future__ import annotations

from dataclasses import dataclass, field

from reports import formatting as report_format
from reports.funnel import Funnel
from reports.speed import Speed

WIDTH = 940
LABEL = 120  # left column: stage names
AREA = 440  # the bars
ROW = 46
BAR = 26
TOP = 8


@dataclass
class Bar:
    label: str
    y: float
    x: float
    width: float
    text: str
    note: str = ""
    # A second, lighter bar (previous period outline, or the 90th percentile).
    back_x: float | None = None
    back_width: float | None = None

    @property
    def text_y(self) -> float:
        return self.y + BAR / 2 + 5

    @property
    def label_x(self) -> float:
        return LABEL - 10

    @property
    def text_x(self) -> float:
        return LABEL + AREA + 14

    @property
    def bar_height(self) -> int:
        return BAR


@dataclass
class Chart:
    kind: str  # "funnel" or "bars": a CSS class
    title: str
    description: str
    bars: list[Bar] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css class, label)

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def height(self) -> int:
        return TOP * 2 + ROW * len(self.bars)


def _span(share: float) -> float:
    return max(share * AREA, 2.0) if share > 0 else 0.0


def funnel_chart(current: Funnel, previous: Funnel | None) -> Chart:
    """Centred bars as wide as each stage's share of the cohort's inquiries; the previous
    period, when compared, as an outline of its own width."""
    chart = Chart(
        kind="funnel",
        title="Funnel: journeys that reached each stage",
        description="Bar width is the share of this period's inquiries that reached the stage"
        + ("; the outline is the previous period." if previous else "."),
        legend=[("bar", "This period")] + ([("back", "Previous period")] if previous else []),
    )
    for index, stage in enumerate(current.stages):
        width = _span(stage.share or 0)
        bar = Bar(
            label=stage.label,
            y=TOP + index * ROW,
            x=LABEL + (AREA - width) / 2,
            width=width,
            text=f"{report_format.count(stage.reached)} · {report_format.percent(stage.share)}",
        )
        if stage.conversion is not None:
            last = index + 1 == len(current.stages)
            verb = "completed" if last else "went on"
            bar.note = f"{report_format.percent(stage.conversion)} {verb}"
        if previous is not None:
            back = _span(previous.stages[index].share or 0)
            bar.back_x, bar.back_width = LABEL + (AREA - back) / 2, back
        chart.bars.append(bar)
    return chart


def stage_time_chart(speed: Speed) -> Chart:
    """Median time in each stage, with the 90th percentile as a lighter bar behind it."""
    chart = Chart(
        kind="bars",
        title="Time in stage: median and 90th percentile",
        description="Dark bar: median; light bar: 90th percentile; same scale for all stages.",
        legend=[("bar", "Median"), ("back", "90th percentile")],
    )
    longest = max((t.spread.p90 or t.spread.median or 0 for t in speed.stage_times), default=0)
    for index, item in enumerate(speed.stage_times):
        spread = item.spread
        scale = AREA / longest if longest else 0
        median, p90 = (spread.median or 0) * scale, (spread.p90 or 0) * scale
        text = "no journey went on"
        if spread.count:
            text = (
                f"{report_format.duration(spread.median)} median · "
                f"{report_format.duration(spread.p90)} p90"
            )
        chart.bars.append(
            Bar(
                label=item.label,
                y=TOP + index * ROW,
                x=LABEL,
                width=max(median, 2.0) if spread.count else 0.0,
                text=text,
                note=f"{report_format.count(spread.count)} journeys" if spread.count else "",
                back_x=LABEL,
                back_width=p90,
            )
        )
    return chart
