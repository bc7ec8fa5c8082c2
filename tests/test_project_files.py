"""docker-compose.yml, the Makefile and .env.example stay in step with the code."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z-]*):", text, flags=re.MULTILINE))


def test_compose_app_services_run_makefile_targets():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "mailpit"} <= set(services)
    targets = make_targets()
    for name in ("web", "worker", "beat", "migrate"):
        command = services[name]["command"]
        assert command[0] == "make", f"{name} should run a Makefile target"
        assert command[1] in targets, f"{name} runs make {command[1]}, which the Makefile lacks"


def test_compose_environment_is_documented_in_env_example():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    for name in ("web", "worker", "beat"):
        for variable in compose["services"][name]["environment"]:
            assert variable in documented, f"{variable} is missing from .env.example"


def test_every_setting_read_from_the_environment_is_in_env_example():
    sources = "".join(
        p.read_text()
        for app in ("crm", "journeys", "followups")
        for p in (ROOT / app).rglob("*.py")
        if "migrations" not in p.parts
    )
    read = set(re.findall(r'env_[a-z_]+\(\s*"([A-Z][A-Z0-9_]+)"', sources))
    read |= set(re.findall(r'(?:database|broker)_from_url\(\s*"([A-Z_]+)"', sources))
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    assert read - documented == set()


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme


def test_no_runtime_files_in_the_repository():
    # kombu's filesystem transport once wrote control/celery.exchange here; runtime files
    # belong under var/ (tests/crm/test_settings.py checks the transport's folders).
    tracked = subprocess.run(
        ["git", "ls-files", "control", "var"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    assert tracked.stdout == ""


def markdown_files() -> list[Path]:
    skip = {".venv", "var", "node_modules", "test-artifacts", "staticfiles", ".git"}
    return [p for p in ROOT.rglob("*.md") if not skip & set(p.relative_to(ROOT).parts)]


def test_docs_point_only_inside_the_repository():
    # The design notes once lived in a folder beside the checkout, which a clone does not
    # have: everything a contributor needs is in docs/. (Spelled in two parts so that a
    # grep of the repository for it finds nothing, this file included.)
    outside = "../" + "shared"
    assert (ROOT / "docs" / "architecture.md").is_file()
    assert "docs/architecture.md" in (ROOT / "README.md").read_text()
    offenders = [
        str(p.relative_to(ROOT))
        for p in [*markdown_files(), ROOT / "Makefile", ROOT / ".env.example"]
        if outside in p.read_text()
    ]
    offenders += [
        str(p.relative_to(ROOT))
        for app in ("crm", "journeys", "followups", "reports", "bin", "bench", "tests")
        for p in (ROOT / app).rglob("*.py")
        if outside in p.read_text()
    ]
    assert offenders == []


def test_relative_links_in_the_docs_resolve():
    broken = []
    for page in markdown_files():
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = target.split("#", 1)[0]
            if not (page.parent / path).exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert broken == []


SECRET_VARIABLES = {"SECRET_KEY", "POSTGRES_PASSWORD", "ANYMAIL_WEBHOOK_SECRET"}


def compose_environments() -> list[tuple[str, dict[str, str]]]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return [
        (name, {k: str(v) for k, v in (service.get("environment") or {}).items()})
        for name, service in compose["services"].items()
    ]


def test_compose_holds_no_literal_secrets():
    """Secrets come from the git-ignored .env (or the shell), and compose refuses to start
    without them (`${VAR:?message}`): no default that would run in production by accident."""
    checked = set()
    for service, environment in compose_environments():
        for name, value in environment.items():
            if name in SECRET_VARIABLES:
                assert re.fullmatch(rf"\$\{{{name}:\?[^}}]+\}}", value), f"{service}: {name}"
                checked.add(name)
            # A URL's password comes from a variable too.
            for password in re.findall(r"://[^:/@]+:([^@]+)@", value):
                assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]+\}", password), f"{service}: {name}"
    assert checked == SECRET_VARIABLES
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def test_the_production_image_installs_no_dev_dependencies():
    dockerfile = (ROOT / "Dockerfile").read_text()
    installs = [line for line in dockerfile.splitlines() if "pip install" in line]
    assert installs, "the Dockerfile installs the dependencies"
    assert not any("[dev]" in line for line in installs)


def test_gunicorn_logs_no_query_strings_or_referers():
    import runpy

    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    log_format = config["access_log_format"]
    # %(r)s is the request line with its query; %(q)s the query; %(f)s the Referer (which
    # carries the previous page's query); %(U)s is the path alone.
    for atom in ("%(r)s", "%(q)s", "%(f)s", "%(a)s", "%({"):
        assert atom not in log_format
    assert "%(U)s" in log_format
    assert "--config gunicorn.conf.py" in (ROOT / "Makefile").read_text()
