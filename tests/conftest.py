"""Shared test helpers: where ../shared is (it exists for developers and CI only)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared finns inte här (bara för utvecklare och CI)")
    return SHARED
