"""Docs that cannot drift: the CLI reference is generated, settings and commands documented."""

from __future__ import annotations

from pathlib import Path

from dastavez.cli.docgen import render
from dastavez.settings import ENVIRONMENT

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_up_to_date():
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/cli.md is stale: python -m dastavez.cli.docgen > docs/cli.md"


def test_every_environment_variable_is_documented():
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = [name for name in ENVIRONMENT if f"`{name}`" not in text]
    assert not missing, f"undocumented settings: {missing}"


def test_readme_shows_the_two_commands_and_links_existing_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    for line in readme.splitlines():
        if "](docs/" in line:
            target = line.split("](", 1)[1].split(")", 1)[0]
            assert (ROOT / target).is_file(), f"README links a missing document: {target}"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
