"""Quote versus final bill (issue 14): a versioned quote per journey, sent by email and
accepted on the patient's page; the clinic's final bill at arrival, compared line by line
with the accepted quote; the guard that holds the move to procedure while a bill above the
threshold is neither acknowledged by the patient nor overridden by a manager.

- care.quotes.money: the variance arithmetic (Decimal, never float).
- care.quotes.services: every write (`quote_create`, `quote_send`, `quote_accept`,
  `bill_record`, `bill_acknowledge`, `bill_override`) and the JOURNEY_MOVED guard.
- care.quotes.selectors: reads for the journey page, the patient's page and other apps
  (`quote_accepted(journey)` is what booked-risk flags read).
- care.quotes.views: the coordinators' forms; the patient's two POSTs go through
  care.views.page like every other action on the page.
"""
