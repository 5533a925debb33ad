"""The deferred rfc3987_syntax import keeps kernels fast without changing behaviour."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_importing_the_library_and_altair_does_not_compile_the_iri_grammar():
    out = _run("import kompetens_lib, altair, nbformat, sys; "
               "print(getattr(sys.modules['rfc3987_syntax'], '__kompetens_deferred__', False), "
               "'rfc3987_syntax.syntax_helpers' in sys.modules)")
    assert out == "True False"


def test_iri_format_checks_still_work_after_deferral():
    out = _run("import kompetens_lib; from jsonschema import FormatChecker; c = FormatChecker(); "
               "print(c.conforms('http://exempel.se/å', 'iri'), c.conforms('http://a b', 'iri'))")
    assert out == "True False"
