"""Templates are checked when saved: unknown variables and syntax errors are refused with
the line at fault. The patient's language picks the variant; English is the fallback."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from followups import default_content
from followups.context import sample_context
from followups.models import MessageTemplate
from followups.selectors import template_for
from followups.services import template_save
from followups.templating import template_errors

GOOD_TEXT = "Hi {{ patient.first_name }},\n\nsee you on {{ journey.planned_arrival|date:'j F' }}."


def test_a_good_template_has_no_errors() -> None:
    assert (
        template_errors(subject="Hello {{ patient.first_name }}", text=GOOD_TEXT, html="<p>Hi</p>")
        == {}
    )


def test_unknown_variable_is_reported_with_its_line() -> None:
    text = "Hi {{ patient.first_name }},\n\nYour coordinator is\n{{ coordinator.nmae }}."
    errors = template_errors(subject="Hello", text=text, html="<p>ok</p>")
    assert errors == {"text": ["Line 4: unknown variable “coordinator.nmae”"]}


def test_unknown_variable_inside_if_is_reported_too() -> None:
    # Django treats an unknown name in {% if %} as false, silently: we refuse it.
    html = "<p>Hi</p>\n{% if journey.arival %}\n<p>Soon!</p>\n{% endif %}"
    errors = template_errors(subject="Hello", text="ok", html=html)
    assert errors == {"html": ["Line 2: unknown variable “journey.arival”"]}


def test_unknown_variable_in_a_filter_argument_is_reported() -> None:
    errors = template_errors(
        subject="{{ patient.first_name|default:patient.nick }}", text="x", html="x"
    )
    assert errors == {"subject": ["Line 1: unknown variable “patient.nick”"]}


def test_with_and_for_bind_names() -> None:
    text = "{% with name=patient.first_name %}Hi {{ name }}{% endwith %}"
    assert template_errors(subject="s", text=text, html="x") == {}


def test_syntax_error_is_reported_with_its_line() -> None:
    html = "<p>Hi</p>\n<p>Line two</p>\n{% if patient.first_name %}\n<p>never closed</p>"
    errors = template_errors(subject="Hello", text="ok", html=html)
    assert list(errors) == ["html"]
    assert errors["html"][0].startswith("Line 3: ")
    assert "endif" in errors["html"][0]


def test_unknown_filter_is_a_syntax_error_with_its_line() -> None:
    errors = template_errors(subject="Hello", text="ok\n{{ patient.first_name|shout }}", html="x")
    assert errors["text"][0].startswith("Line 2: ")
    assert "shout" in errors["text"][0]


def test_empty_subject_is_refused() -> None:
    assert template_errors(subject="{% if False %}x{% endif %}", text="t", html="h") == {
        "subject": ["The subject renders empty."]
    }


@pytest.mark.django_db
def test_template_save_refuses_a_broken_template_and_saves_a_good_one() -> None:
    with pytest.raises(ValidationError) as caught:
        template_save(
            key="x", language="en", subject="Hi", text="{{ patient.age }}", html="<p></p>"
        )
    assert caught.value.message_dict == {"text": ["Line 1: unknown variable “patient.age”"]}
    assert not MessageTemplate.objects.filter(key="x").exists()
    saved = template_save(key="x", language="en", subject="Hi", text=GOOD_TEXT, html="<p></p>")
    assert saved.pk is not None


@pytest.mark.parametrize("key", sorted(default_content.TEMPLATES))
def test_every_shipped_template_renders_against_the_documented_context(key: str) -> None:
    for language in ("en", "es", "de"):
        parts = default_content.TEMPLATES[key][language]
        assert template_errors(context=sample_context(), **parts) == {}, (key, language)
    assert default_content.KINDS[key] in {"care", "marketing"}


@pytest.mark.django_db
def test_the_data_migration_shipped_rules_and_three_languages() -> None:
    from followups.models import CadenceRule

    assert CadenceRule.objects.count() == len(default_content.TEMPLATES)
    assert MessageTemplate.objects.count() == 3 * len(default_content.TEMPLATES)


@pytest.mark.django_db
def test_language_variant_and_english_fallback() -> None:
    assert template_for(key="inquiry_ack", language="de").language == "de"  # type: ignore[union-attr]
    assert template_for(key="inquiry_ack", language="fr").language == "en"  # type: ignore[union-attr]
    assert template_for(key="no_such_key", language="de") is None


@pytest.mark.django_db
def test_load_defaults_command_restores_and_overwrites() -> None:
    from io import StringIO

    from django.core.management import call_command

    MessageTemplate.objects.filter(key="inquiry_ack", language="es").delete()
    MessageTemplate.objects.filter(key="inquiry_ack", language="en").update(subject="Edited")
    out = StringIO()
    call_command("followups_load_defaults", stdout=out)
    assert out.getvalue().strip() == "created 1, updated 0"
    assert MessageTemplate.objects.get(key="inquiry_ack", language="en").subject == "Edited"
    out = StringIO()
    call_command("followups_load_defaults", "--overwrite", stdout=out)
    assert out.getvalue().strip() == f"created 0, updated {3 * len(default_content.TEMPLATES)}"
    assert MessageTemplate.objects.get(key="inquiry_ack", language="en").subject != "Edited"
