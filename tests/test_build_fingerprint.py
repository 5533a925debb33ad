"""The build fingerprint covers every module of every subpackage of the library."""

from __future__ import annotations

import shutil
from pathlib import Path

from kompetens_lib.publish.runner import library_fingerprint

PACKAGE = Path(__file__).resolve().parents[1] / "kompetens_lib"


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "kompetens_lib"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.parquet"))
    return copy


def test_the_installed_package_is_what_is_fingerprinted():
    assert library_fingerprint() == library_fingerprint(PACKAGE)


def test_a_change_in_any_subpackage_makes_the_fingerprint_change(tmp_path):
    copy = _copy(tmp_path)
    before = library_fingerprint(copy)
    modules = sorted(p for p in copy.rglob("*.py") if p.parent != copy)
    assert {p.parent.name for p in modules} >= {"methods", "workbook", "present", "publish"}
    for module in modules:
        original = module.read_bytes()
        module.write_bytes(original + b"\n# changed\n")
        assert library_fingerprint(copy) != before, module.relative_to(copy)
        module.write_bytes(original)
    assert library_fingerprint(copy) == before


def test_moving_a_module_to_another_subpackage_changes_the_fingerprint(tmp_path):
    copy = _copy(tmp_path)
    before = library_fingerprint(copy)
    shutil.move(copy / "methods" / "need.py", copy / "workbook" / "need.py")
    assert library_fingerprint(copy) != before


def test_caches_and_data_files_do_not_count(tmp_path):
    copy = _copy(tmp_path)
    before = library_fingerprint(copy)
    (copy / "methods" / "__pycache__").mkdir(exist_ok=True)
    (copy / "methods" / "__pycache__" / "supply.cpython-311.pyc").write_bytes(b"x")
    (copy / "data" / "notes.txt").write_text("x")
    assert library_fingerprint(copy) == before
