"""What the patient wrote: the phrases that flag a risk, per category and language.

The lists are data (care.RiskPhrase rows, editable by managers in the admin) rather than a
module constant: a coordinator hears a new competitor's name or a patient's phrasing on a
Tuesday and a manager adds it the same day, without a release. DEFAULT_PHRASES below only
seeds the table (migration care 0005_booked_risk) and is the test fixture's source.

Matching is deliberately plain: lower case, accents dropped ("más" = "mas", "nervös" =
"nervos"), whole words, `*` for any ending. It does not understand negation ("not
cheaper"): a false flag costs a coordinator one look and a "handled" click, a missed one
costs a patient.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "price": {
        "en": (
            "cheaper",
            "too expensive",
            "so expensive",
            "discount",
            "lower price",
            "better price",
            "can't afford",
            "cannot afford",
            "price is too high",
        ),
        "es": (
            "mas barato",
            "mas barata",
            "demasiado caro",
            "muy caro",
            "descuento",
            "precio mas bajo",
            "no puedo pagar",
        ),
        "de": ("billiger", "zu teuer", "gunstiger", "rabatt", "nachlass", "nicht leisten"),
    },
    "competitor": {
        "en": (
            "another clinic",
            "other clinic",
            "different clinic",
            "another offer",
            "better offer",
            "competitor",
            "another surgeon",
            "another doctor",
        ),
        "es": ("otra clinica", "otra oferta", "mejor oferta", "otro cirujano", "otro medico"),
        "de": (
            "andere klinik",
            "anderen klinik",
            "andere praxis",
            "anderes angebot",
            "besseres angebot",
            "anderen arzt",
        ),
    },
    "postpone": {
        "en": ("postpone*", "reschedule", "later date", "next year", "cancel", "push it back"),
        "es": ("aplazar", "posponer", "retrasar", "cancelar", "mas adelante", "otra fecha"),
        "de": ("verschieben", "absagen", "stornieren", "nachstes jahr", "anderen termin"),
    },
    "doubt": {
        "en": (
            "not sure",
            "unsure",
            "scared",
            "afraid",
            "worried",
            "nervous",
            "second thoughts",
            "anxious",
            "doubts",
        ),
        "es": (
            "no estoy segur*",
            "miedo",
            "asustad*",
            "nervios*",
            "preocupad*",
            "dudas",
        ),
        "de": ("nicht sicher", "unsicher", "angst", "sorgen", "bedenken", "zweifel", "nervos"),
    },
}


def normalise(text: str) -> str:
    """Lower case without accents, so "Más barato" and "mas barato" match alike."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("\u2019", "'")


def _pattern(phrase: str) -> str:
    words = normalise(phrase).strip()
    wildcard = words.endswith("*")
    body = re.escape(words.rstrip("*").strip()).replace(r"\ ", r"\s+")
    return body + (r"\w*" if wildcard else r"\b")


@dataclass(frozen=True)
class Matcher:
    """One compiled pattern per category; `find(text)` says which categories a text hits
    and the phrase that hit each (shown as the reason's detail, never the text itself)."""

    patterns: dict[str, re.Pattern[str]]

    @classmethod
    def build(cls, phrases: Iterable[tuple[str, str]]) -> Matcher:
        by_category: dict[str, list[str]] = {}
        for category, phrase in phrases:
            if phrase.strip().rstrip("*").strip():
                by_category.setdefault(category, []).append(_pattern(phrase))
        return cls(
            {
                category: re.compile(r"\b(?:" + "|".join(sorted(set(parts))) + ")")
                for category, parts in by_category.items()
            }
        )

    def find(self, text: str) -> dict[str, str]:
        if not text:
            return {}
        clean = normalise(text)
        found: dict[str, str] = {}
        for category, pattern in self.patterns.items():
            match = pattern.search(clean)
            if match:
                found[category] = " ".join(match.group(0).split())
        return found


def default_rows() -> list[tuple[str, str, str]]:
    """(category, language, phrase) of the defaults, for the seeding migration."""
    return [
        (category, language, phrase)
        for category, languages in DEFAULT_PHRASES.items()
        for language, phrases in languages.items()
        for phrase in phrases
    ]
