"""The Reports pages, their CSV downloads and the API: access, agreement, errors, queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from followups.models import CadenceRule, ScheduledMessage
from reports.views import PAGES
from tests.reports.reports_data import PERIOD, Cohort, cohort_for_module

pytestmark = pytest.mark.django_db

RANGE = {"from": PERIOD.start.isoformat(), "to": PERIOD.end.isoformat()}
PAGE_URLS = ["reports:index", "reports:speed", "reports:followups", "reports:load"]


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker) -> Iterator[Cohort]:
    with cohort_for_module(django_db_blocker) as made:
        yield made


@pytest.fixture
def boss(built: Cohort, db: None, client):
    client.force_login(built.manager)
    return client


class Tables(HTMLParser):
    """Every <table data-table=...> on a page: its rows' data-value attributes, in order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self._table = found.get("data-table")
            self.tables[self._table or ""] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None and "data-value" in found:
            self._row.append(found["data-value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._table and self._row:
            self.tables[self._table].append(self._row)
        if tag == "tr":
            self._row = None
        if tag == "table":
            self._table = None


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode())))


# --- Access -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGE_URLS)
def test_anonymous_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=/reports/")


@pytest.mark.parametrize("name", PAGE_URLS)
def test_coordinator_is_refused(client, coordinator, name):
    client.force_login(coordinator)
    assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("reports:csv", args=["funnel"])).status_code == 403


def test_api_refuses_coordinator_and_anonymous(client, coordinator):
    url = reverse("reports_api:funnel")
    # No credentials: 401 asking for them (an API key or a session; api/auth.py).
    assert client.get(url).status_code == 401
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 403
    assert response.json()["detail"] == "Reports are for managers."


def test_navigation_links_reports_for_managers_only(client, coordinator, manager):
    client.force_login(manager)
    assert 'href="/reports/"' in client.get(reverse("reports:index")).content.decode()
    client.force_login(coordinator)
    response = client.get("/reports/speed/")
    assert response.status_code == 403


# --- The pages ----------------------------------------------------------------------------


def test_funnel_page_shows_the_cohort(boss):
    response = boss.get(reverse("reports:index"), RANGE)
    assert response.status_code == 200
    html = response.content.decode()
    tables = Tables(html).tables
    # Stage, reached, share, conversion, previous reached, previous conversion, change.
    assert tables["funnel"][0] == ["Inquiry", "10", "100.0", "80.0", "4", "50.0", "+30.0"]
    assert tables["funnel"][1] == ["Booked", "8", "80.0", "75.0", "2", "50.0", "+25.0"]
    assert tables["dropoff"][1][:4] == ["Booked", "8", "6", "1"]
    assert "<svg" in html and "Funnel: journeys that reached each stage" in html
    assert "<script" not in html.split("</header>")[1]  # CSP-ready: no inline script
    assert 'style="' not in html
    assert "Patient A" not in html  # aggregates only


def test_speed_page(boss):
    response = boss.get(reverse("reports:speed"), {**RANGE, "group_by": "clinic"})
    assert response.status_code == 200
    tables = Tables(response.content.decode()).tables
    this = tables["first-response"][0]
    # Inquiries, answered, unanswered, median 1.5 h, p90, within 1 h / 24 h (percent).
    assert this[:5] == ["This period", "10", "8", "2", "1.50"]
    assert this[6:] == ["40.0", "70.0"]
    assert tables["stage-times"][0][:4] == ["Inquiry", "8", "84.00", "158.40"]
    assert tables["show-rate"][0] == ["This period", "6", "1", "1", "0", "75.0"]
    assert [row[0] for row in tables["speed-breakdown"]] == [
        "Hairline Clinic (Istanbul)",
        "Smile Clinic (Antalya)",
        "All",
    ]


def test_followups_page_links_to_satisfaction(boss):
    response = boss.get(reverse("reports:followups"), RANGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "pending" not in html
    assert reverse("reports:satisfaction") in html


def test_load_page(boss, built):
    response = boss.get(reverse("reports:load"))
    assert response.status_code == 200
    rows = Tables(response.content.decode()).tables["load"]
    by_name = {row[0]: row for row in rows}
    assert by_name["Omar Haddad"][1] == "2"  # H in arrival, J in follow-up
    assert by_name["All"][1] == str(sum(int(r[1]) for r in rows[:-1]))


@pytest.mark.parametrize("page", PAGES.values(), ids=lambda p: p.name)
@pytest.mark.parametrize("group_by", ["", "coordinator", "country"])
def test_every_csv_matches_its_table_on_the_page(boss, page, group_by):
    query = {**RANGE, "group_by": group_by}
    response = boss.get(reverse(page.url_name), query)
    assert response.status_code == 200
    on_page = Tables(response.content.decode()).tables
    assert set(on_page) <= set(page.tables)
    for slug, rows in on_page.items():
        download = boss.get(reverse("reports:csv", args=[slug]), query)
        assert download.status_code == 200, slug
        assert download["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment;" in download["Content-Disposition"]
        header, *body = csv_rows(download)
        assert body == rows, slug
        assert len(header) == len(rows[0])


def test_a_long_breakdown_shows_the_largest_groups_and_the_csv_has_all(boss, monkeypatch):
    monkeypatch.setattr("reports.tables.PAGE_ROWS", 1)
    query = {**RANGE, "group_by": "coordinator"}
    response = boss.get(reverse("reports:index"), query)
    html = response.content.decode()
    shown = Tables(html).tables["funnel-breakdown"]
    _, *everything = csv_rows(boss.get(reverse("reports:csv", args=["funnel-breakdown"]), query))
    assert [row[0] for row in everything] == ["Carmen Ruiz", "Omar Haddad", "Unassigned", "All"]
    assert shown == [everything[0], everything[-1]]  # the largest group, then the total
    assert "Showing the 1 largest of 3 rows" in html


def test_csv_of_a_breakdown_needs_a_group(boss):
    response = boss.get(reverse("reports:csv", args=["funnel-breakdown"]), RANGE)
    assert response.status_code == 400
    assert b"group_by" in response.content
    assert boss.get("/reports/nothing.csv").status_code == 404


def test_csv_neutralises_formulas_in_labels(boss, built):
    built.omar.first_name, built.omar.last_name = "=HYPERLINK(1)", ""
    built.omar.save()
    response = boss.get(
        reverse("reports:csv", args=["funnel-breakdown"]), {**RANGE, "group_by": "coordinator"}
    )
    labels = [row[0] for row in csv_rows(response)]
    assert "'=HYPERLINK(1)" in labels


# --- The API ------------------------------------------------------------------------------


@pytest.mark.parametrize("group_by", ["", "coordinator", "procedure", "source"])
def test_api_agrees_with_the_page(boss, group_by):
    query = {**RANGE, "group_by": group_by}
    data = boss.get(reverse("reports_api:funnel"), query).json()
    page = Tables(boss.get(reverse("reports:index"), query).content.decode()).tables
    assert (data["from"], data["to"]) == ("2025-03-01", "2025-03-31")
    assert data["previous_period"] == {"from": "2025-01-29", "to": "2025-02-28"}
    for row, stage in zip(page["funnel"], data["current"]["stages"], strict=False):
        assert row[1] == str(stage["reached"])
        assert row[3] == f"{stage['conversion_to_next'] * 100:.1f}"
    for row, stage in zip(page["dropoff"], data["current"]["stages"], strict=True):
        assert row[1:4] == [str(stage["reached"]), str(stage["went_on"]), str(stage["lost"])]
        assert row[-2:] == [str(stage["postponed"]), str(stage["in_progress"])]
    assert page["funnel"][-1][3] == f"{data['current']['overall_conversion'] * 100:.1f}"
    if group_by:
        breakdown = page["funnel-breakdown"]
        assert [r[0] for r in breakdown[:-1]] == [g["label"] for g in data["groups"]]
        for row, group in zip(breakdown, data["groups"], strict=False):
            assert row[1:6] == [str(s["reached"]) for s in group["current"]["stages"]]
    else:
        assert data["groups"] == []


def test_api_numbers(boss):
    data = boss.get(reverse("reports_api:funnel"), RANGE).json()
    current = data["current"]
    assert [s["reached"] for s in current["stages"]] == [10, 8, 6, 4, 3]
    assert current["overall_conversion"] == 0.3
    assert current["show_rate"] == {
        "arrived": 6,
        "lost": 1,
        "postponed": 1,
        "waiting": 0,
        "rate": 0.75,
    }
    assert current["stages"][1]["lost_by_reason"]["competitor"] == 1
    assert data["previous"]["inquiries"] == 4
    no_compare = boss.get(reverse("reports_api:funnel"), {**RANGE, "compare": "0"}).json()
    assert no_compare["previous"] is None and no_compare["previous_period"] is None


@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        ({"from": "2025-02-30"}, "from", "'2025-02-30' is not a date on the calendar."),
        ({"to": "31/03/2025"}, "to", "'31/03/2025' is not a date; use YYYY-MM-DD."),
        (
            {"from": "2025-04-01", "to": "2025-03-01"},
            "from",
            "from (2025-04-01) is after to (2025-03-01).",
        ),
        (
            {"group_by": "doctor"},
            "group_by",
            "'doctor' is not one of: coordinator, clinic, procedure, country, source.",
        ),
        ({"to": "9999-12-31"}, "to", "9999-12-31 is outside 2000-01-01 .. 2099-12-31."),
    ],
)
def test_bad_params_answer_400_naming_the_parameter(boss, query, name, message):
    response = boss.get(reverse("reports_api:funnel"), query)
    assert response.status_code == 400
    assert response.json()["errors"] == {name: message}
    assert message in response.json()["detail"]
    page = boss.get(reverse("reports:index"), query)
    assert page.status_code == 400
    assert message.replace("'", "&#x27;") in page.content.decode()
    download = boss.get(reverse("reports:csv", args=["funnel"]), query)
    assert download.status_code == 400
    assert message in download.content.decode()


# --- Query counts -------------------------------------------------------------------------

# Per request: the session, the user, the manager's second-factor device, the user's groups
# (is_manager), then the report, then the session's renewal (idle sessions end): one UPDATE,
# in a SAVEPOINT/RELEASE pair here because each test runs in a transaction.
AUTH = 4 + 3


def _span(days: int) -> dict[str, str]:
    end = PERIOD.end
    return {"from": (end - dt.timedelta(days=days - 1)).isoformat(), "to": end.isoformat()}


@pytest.mark.parametrize(
    ("url", "group_by", "queries"),
    [
        ("reports:index", "", AUTH + 1),  # the funnel, both periods in one UNION ALL
        ("reports:index", "coordinator", AUTH + 2),  # + the coordinators' names
        ("reports:index", "country", AUTH + 1),  # country codes need no lookup
        ("reports:speed", "", AUTH + 1),
        ("reports:speed", "procedure", AUTH + 3),  # totals, breakdown, names
        ("reports:followups", "clinic", AUTH + 2),
        ("reports_api:funnel", "", AUTH + 1),
        ("reports_api:funnel", "clinic", AUTH + 2),
    ],
)
def test_query_count_is_fixed_whatever_the_range(
    boss, built, django_assert_num_queries, url, group_by, queries
):
    a = built.journeys["A"]
    ScheduledMessage.objects.create(
        journey=a,
        # Its own rule: a transactional test earlier on this worker may have flushed the
        # rules the data migration made.
        rule=CadenceRule.objects.create(key="t-count", template_key="x", stage="inquiry"),
        due_at=a.inquiry_received_at,
        stage_entered_at=a.inquiry_received_at,
        planned_at=a.inquiry_received_at,
    )
    for days in (90, 730):
        with django_assert_num_queries(queries):
            response = boss.get(reverse(url), {**_span(days), "group_by": group_by})
        assert response.status_code == 200


def test_load_page_query_count(boss, django_assert_num_queries):
    # Journeys, replies waiting, failed check-ins, names.
    with django_assert_num_queries(AUTH + 4):
        assert boss.get(reverse("reports:load")).status_code == 200
