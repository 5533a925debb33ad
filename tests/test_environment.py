"""environment.yml (conda-forge) must name the same dependencies as pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", requirement)
    assert match, requirement
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += [r for r in extra if not r.startswith(project["name"])]
    out = dict(_split(r) for r in reqs)
    out["python"] = project["requires-python"]
    return out


def _environment() -> dict[str, str]:
    deps: dict[str, str] = {}
    in_deps = False
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        stripped = line.split("#", 1)[0].rstrip()
        if not stripped:
            continue
        if stripped.startswith("dependencies:"):
            in_deps = True
            continue
        if in_deps and re.match(r"^  - [^\s]", stripped) and not stripped.endswith("pip:"):
            name, spec = _split(stripped[4:])
            if name != "pip":
                deps[name] = spec
        elif in_deps and re.match(r"^      - [^\s-]", stripped):  # pip: sub-list
            name, spec = _split(stripped[8:])
            deps[name] = spec
        elif in_deps and not stripped.startswith(" "):
            in_deps = False
    return deps


def test_environment_yml_names_every_pyproject_dependency_with_the_same_bound():
    assert _environment() == _pyproject()


def test_environment_yml_installs_the_package_itself():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert "--editable ." in text
    assert "conda-forge" in text


@pytest.mark.parametrize("drift", ["pandas>=9", "missing"])
def test_drift_is_detected(drift):
    env = _environment()
    if drift == "missing":
        env.pop("papermill")
    else:
        env["pandas"] = ">=9"
    assert env != _pyproject()
