"""Inbound email, split by step: `parse` (bytes -> ParsedEmail), `classify` (automated
mail, language), `reply` (the patient's words apart from quotes and signatures), `match`
(which journey), `store` (keep the raw bytes, store, act: the one door `inbound_receive`),
`triage` (the inbox's actions and the coordinator's notice).

The parsing modules are pure (no database); `match`, `store` and `triage` are services.
Import from the module that owns a name; this package re-exports nothing so that reading
a parser never loads the services.
"""
