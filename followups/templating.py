"""Rendering message templates, and checking them before they are saved.

Templates are Django template syntax over the context in followups.context. They run on
their own `Engine` (no loaders, so no {% include %} or {% extends %} of project files):

* `CHECK_ENGINE` renders with a sentinel for unknown variables, so a typo such as
  {{ patient.frist_name }} is caught when the template is saved, not when it is sent;
* `SEND_ENGINE` renders unknown names as "" (validation already refused them).

Validation reports the line at fault: syntax errors from the parser's debug info,
unknown variables from the token they appear in (also inside {% if %}, {% for %} and
{% with %}, where Django would silently treat them as empty).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import Node, Variable, VariableNode
from django.template.defaulttags import ForNode, IfNode, TemplateLiteral, WithNode

_SENTINEL = "\x00UNKNOWN[%s]\x00"
_SENTINEL_RE = re.compile(r"\x00UNKNOWN\[(.*?)\]\x00")

CHECK_ENGINE = Engine(debug=True, loaders=[], string_if_invalid=_SENTINEL)
SEND_ENGINE = Engine(debug=False, loaders=[], string_if_invalid="")

FIELDS = ("subject", "text", "html")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@functools.lru_cache(maxsize=512)
def _compiled(source: str) -> Template:
    # Sends compile the same few dozen sources over and over; a compiled Template is
    # immutable, so caching by source text is safe (an edited template is a new key).
    return SEND_ENGINE.from_string(source)


def _render(engine: Engine, source: str, context: dict[str, Any], *, autoescape: bool) -> str:
    template = _compiled(source) if engine is SEND_ENGINE else engine.from_string(source)
    return template.render(Context(context, autoescape=autoescape))


def clean_subject(subject: str) -> str:
    # A header must be one line; template whitespace around tags must not leak into it.
    return " ".join(subject.split())


def render_parts(
    *, subject: str, text: str, html: str, context: dict[str, Any], strict: bool = False
) -> Rendered:
    """Render the three parts. Subject and text are plain text (no HTML escaping)."""
    engine = CHECK_ENGINE if strict else SEND_ENGINE
    return Rendered(
        subject=clean_subject(_render(engine, subject, context, autoescape=False)),
        text=_render(engine, text, context, autoescape=False),
        html=_render(engine, html, context, autoescape=True),
    )


# --- Validation -------------------------------------------------------------------------


def _lookup_ok(lookups: tuple[str, ...], context: dict[str, Any], bound: frozenset[str]) -> bool:
    if lookups[0] in bound:
        return True
    current: Any = context
    for part in lookups:
        if isinstance(current, dict):
            if part not in current:
                return False
            current = current[part]
        elif part.startswith("_") or not hasattr(current, part):
            return False
        else:
            current = getattr(current, part)
    return True


class _Checker:
    def __init__(self, context: dict[str, Any]) -> None:
        self.context = context
        self.problems: list[tuple[int, str]] = []

    def variable(self, var: object, line: int, bound: frozenset[str]) -> None:
        if (
            isinstance(var, Variable)
            and var.lookups is not None
            and not _lookup_ok(var.lookups, self.context, bound)
        ):
            self.problems.append((line, f"unknown variable “{var.var}”"))

    def expression(self, expr: Any, line: int, bound: frozenset[str]) -> None:
        self.variable(expr.var, line, bound)
        for _func, args in expr.filters:
            for is_lookup, arg in args:
                if is_lookup:
                    self.variable(arg, line, bound)

    def condition(self, cond: Any, line: int, bound: frozenset[str]) -> None:
        if cond is None:
            return
        if isinstance(cond, TemplateLiteral):
            self.expression(cond.value, line, bound)
            return
        self.condition(getattr(cond, "first", None), line, bound)
        self.condition(getattr(cond, "second", None), line, bound)

    def nodelist(self, nodes: Any, bound: frozenset[str]) -> None:
        for node in nodes:
            self.node(node, bound)

    def node(self, node: Node, bound: frozenset[str]) -> None:
        line = (node.token.lineno or 0) if node.token is not None else 0
        if isinstance(node, VariableNode):
            self.expression(node.filter_expression, line, bound)
        elif isinstance(node, IfNode):
            for cond, nodes in node.conditions_nodelists:
                self.condition(cond, line, bound)
                self.nodelist(nodes, bound)
        elif isinstance(node, ForNode):
            self.expression(node.sequence, line, bound)
            self.nodelist(node.nodelist_loop, bound | {*node.loopvars, "forloop"})
            self.nodelist(node.nodelist_empty, bound)
        elif isinstance(node, WithNode):
            for value in node.extra_context.values():
                self.expression(value, line, bound)
            self.nodelist(node.nodelist, bound | set(node.extra_context))
        else:
            for attr in node.child_nodelists:
                child = getattr(node, attr, None)
                if child:
                    self.nodelist(child, bound)


def _line_of(source: str, needle: str) -> int:
    for number, line in enumerate(source.splitlines(), start=1):
        if needle in line:
            return number
    return 1


def source_errors(source: str, context: dict[str, Any], *, autoescape: bool) -> list[str]:
    """Problems in one template source, each starting with its line number."""
    try:
        template = CHECK_ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        info = getattr(exc, "template_debug", None) or {}
        return [f"Line {info.get('line', '?')}: {exc}"]
    checker = _Checker(context)
    # True, False and None are names every Django context defines.
    checker.nodelist(template.nodelist, frozenset({"True", "False", "None"}))
    problems = sorted(set(checker.problems))
    if problems:
        return [f"Line {line}: {message}" for line, message in problems]
    try:
        output = template.render(Context(context, autoescape=autoescape))
    except Exception as exc:  # noqa: BLE001 - any render failure is reported to the editor
        info = getattr(exc, "template_debug", None) or {}
        return [f"Line {info.get('line', '?')}: {type(exc).__name__}: {exc}"]
    # Whatever the static walk missed but rendering met (the safety net).
    seen = {message for _line, message in problems}
    for name in dict.fromkeys(_SENTINEL_RE.findall(output)):
        message = f"unknown variable “{name}”"
        if message not in seen:
            problems.append((_line_of(source, name), message))
    return [f"Line {line}: {message}" for line, message in problems]


def template_errors(
    *, subject: str, text: str, html: str, context: dict[str, Any] | None = None
) -> dict[str, list[str]]:
    """{field: [problems]} for the parts that would not render; empty when all are fine."""
    from followups.context import sample_context

    context = context if context is not None else sample_context()
    errors: dict[str, list[str]] = {}
    for field, source in (("subject", subject), ("text", text), ("html", html)):
        problems = source_errors(source or "", context, autoescape=field == "html")
        if problems:
            errors[field] = problems
    if "subject" not in errors:
        rendered = _render(SEND_ENGINE, subject or "", context, autoescape=False)
        if not clean_subject(rendered):
            errors["subject"] = ["The subject renders empty."]
    return errors
