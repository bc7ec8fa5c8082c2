"""Inbound email, split by step: `parse` (bytes -> ParsedEmail), `classify` (automated
mail, language), `reply` (the patient's words apart from quotes and signatures), `match`
(which journey), `store` (keep the raw bytes, store, act: the one door `inbound_receive`),
`triage` (the inbox's actions and the coordinator's notice); `auth` (was the sender
authenticated?), `retention` (pruning raw mail, a patient's erasure) and `webhook` (the
inbound routes' HTTP side: big posts, the ESP's own bytes).

The parsing modules (and `auth`) are pure (no database); `match`, `store`, `triage` and
`retention` are services.
Import from the module that owns a name; this package re-exports nothing so that reading
a parser never loads the services.
"""
