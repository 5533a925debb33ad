"""Shared test helpers: where ../shared is (it exists for developers and CI only)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared finns inte här (bara för utvecklare och CI)")
    return SHARED


@pytest.fixture(autouse=True)
def _restore_data_source():
    """The data source a test chose (through KOMPETENS_DATA, or a legacy params.validate that
    the compat facades remember) must not leak from one test into the next."""
    from kompetens_lib.compat import scenario

    before = os.environ.get("KOMPETENS_DATA")
    yield
    scenario.forget()
    if before is None:
        os.environ.pop("KOMPETENS_DATA", None)
    else:
        os.environ["KOMPETENS_DATA"] = before
