"""Booked-risk flags: "booked is not booked".

Each active booked journey gets a score, a level (low, watch, high) and the reasons behind
it. A reason is a small function registered in `registry` (see registry.py for the
interface); `services.risk_recompute` runs every registered reason over a batch of journeys
with a few queries per reason, so recomputing one journey (a reply came in) and every
booked journey (the nightly run) are the same code.

- registry.py: Finding, RiskBatch, `register(...)`, the thresholds.
- reasons.py: the reasons computed from the data that exists (messages, replies waiting,
  delivery and opens, what the patient wrote).
- phrases.py: the default word lists (seeded into RiskPhrase, editable in the admin) and
  the matcher.
- services.py: recompute, mark handled, snapshots, the hook listeners.
- selectors.py: the show-rate report by risk level.
"""
