"""Managers' reports: the funnel, speed, follow-up quality, care and coordinator load.

Selectors that return plain dataclasses; the pages, their CSV downloads and the API all read
the same objects, so they cannot disagree. Every figure is computed by the database with
aggregates, a fixed number of queries per report whatever the date range:

- funnel: 1 query (+1 for group labels). Without a breakdown it reads the FunnelDay rollup
  that journey_create/journey_move keep current: a few dozen rows per day, whatever the
  number of journeys. With one, it groups the journeys by (group, furthest stage reached,
  outcome, lost reason), one UNION ALL branch per period; counts add up, so the totals come
  from the same rows as the breakdown.
- speed: 1 query for the totals (+1 grouped, +1 labels with a breakdown). Percentiles do
  not add up, so a breakdown needs its own query.
- follow-ups: 1 query (+1 labels). Load: 3 queries (+1 labels).
- care: escalations 1 query (+1 grouped, +1 labels with a breakdown; percentiles again),
  after-care completion 1 query (+1 clinic names).

"Reached stage X" reads the stage first-entry columns journey_move keeps on the journey row
(booked_at, arrived_at, procedure_at, followup_at) and the furthest_stage the database
derives from them, so no report reads the event table. The index journey_report_cohort
covers every column the funnel and speed reports read: a date range is an index-only scan.
A journey belongs to a report's cohort by the day its inquiry arrived, in the manager's
timezone (settings.TIME_ZONE for now). Reports hold aggregates only: no patient appears.
"""
