"""A form renderer that writes the common widgets straight to HTML.

Django renders every widget, and every <option> of a select, through a template: about a
tenth of a millisecond each. The patient page has five forms and ~100 options, which made
form rendering the biggest single cost of the page. This renderer produces the same markup
as Django's own widget templates for inputs, textareas and selects in Python, and falls
back to the templates for anything else (checkboxes, radio lists, multi-widgets).
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

_INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "email", "number", "date", "datetime", "password", "search")
}
_INPUT_TEMPLATES |= {"django/forms/widgets/hidden.html", "django/forms/widgets/url.html"}


def _attrs(widget: dict[str, Any]) -> str:
    return flatatt({k: v for k, v in widget["attrs"].items() if v is not False})


def _input(widget: dict[str, Any]) -> SafeString:
    value = widget.get("value")
    value_attr = format_html(' value="{}"', value) if value is not None else ""
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        value_attr,
        mark_safe(_attrs(widget)),  # noqa: S308 - flatatt escapes every value
    )


def _textarea(widget: dict[str, Any]) -> SafeString:
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>',
        widget["name"],
        mark_safe(_attrs(widget)),  # noqa: S308 - flatatt escapes every value
        widget.get("value") or "",
    )


def _option(option: dict[str, Any]) -> str:
    attrs = dict(option.get("attrs") or {})
    attrs.pop("selected", None)
    return '<option value="{}"{}{}>{}</option>'.format(
        conditional_escape(option["value"]),
        flatatt(attrs),
        " selected" if option["selected"] else "",
        conditional_escape(option["label"]),
    )


def _select(widget: dict[str, Any]) -> SafeString:
    parts = []
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'<optgroup label="{conditional_escape(group_name)}">')
        parts.extend(_option(option) for option in options)
        if group_name:
            parts.append("</optgroup>")
    return format_html(
        '<select name="{}"{}>{}</select>',
        widget["name"],
        mark_safe(_attrs(widget)),  # noqa: S308 - flatatt escapes every value
        mark_safe("".join(parts)),  # noqa: S308 - every piece escaped above
    )


class FastFormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if widget is not None and not widget.get("subwidgets"):
            if template_name in _INPUT_TEMPLATES:
                return _input(widget)
            if template_name == "django/forms/widgets/textarea.html":
                return _textarea(widget)
            if template_name == "django/forms/widgets/select.html" and not widget["attrs"].get(
                "multiple"
            ):
                return _select(widget)
        return super().render(template_name, context, request)


RENDERER = FastFormRenderer()
