"""The README's two set-up commands are at its top, and CI runs the second one verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _top_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text.split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", head, re.S)]


def test_readme_starts_with_exactly_two_commands():
    commands = _top_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    assert "kompetens run" in commands[0]
    assert "pytest" in commands[1] and ".[test]" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in ci.splitlines() if ln.strip() and not ln.startswith("#")]
    assert _top_commands()[1] in lines


def test_gitignore_keeps_build_output_and_rosters_out():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8")
    for pattern in ("build/", "*roster*.csv", ".venv/", "__pycache__/"):
        assert pattern in ignored


def test_participants_start_with_kompetens_start_and_its_flags_exist():
    """The README and docs/deltagare.md give one way to start, and every flag of
    ``kompetens start`` they name is one the command has."""
    from kompetens_lib.cli import start

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "deltagare.md").read_text(encoding="utf-8")
    section = readme.split("## Kom igång som deltagare", 1)[1].split("\n## ", 1)[0]
    assert ".venv/bin/kompetens start --region" in section
    assert "jupyter lab notebooks/" not in readme and "jupyter lab mitt-arbete" not in guide
    assert ".venv/bin/kompetens start --region" in guide
    options = {o for a in start.build_parser()._actions for o in a.option_strings}
    for text in (section, guide):
        for flag in re.findall(r"`(?:kompetens start[^`]*?)?(--[a-z-]+)", text):
            assert flag in options, flag
