"""The command line: Swedish help, bad input stopped before any work, one county run."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest

from kompetens_lib import cli
from kompetens_lib.publish import runner
from kompetens_lib.workbook import profile

ROOT = Path(__file__).resolve().parents[1]


def test_help_is_swedish(capsys):
    assert cli.main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Användning:" in out and "visa den här hjälpen och avsluta" in out
    assert "länskod eller namn" in out
    assert "show this help" not in out


def test_unknown_option_is_reported_in_swedish(capsys):
    assert cli.main(["run", "--okand"]) == 2
    assert "okända argument: --okand" in capsys.readouterr().err


def test_unknown_county_stops_before_any_work(tmp_path, capsys):
    out = tmp_path / "build"
    assert cli.main(["run", "--region", "Skåna", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Menade du 'Skåne län' (12)?" in err
    assert not out.exists()


def test_unknown_notebook_and_bad_param_are_explained(tmp_path, capsys):
    assert cli.main(["run", "--region", "12", "--notebooks", "99", "--out", str(tmp_path)]) == 2
    assert "Okänd anteckningsbok: '99'. Giltiga: " in capsys.readouterr().err
    assert cli.main(["run", "--region", "12", "--param", "base_year", "--out",
                     str(tmp_path)]) == 2
    assert "ska skrivas NAMN=VÄRDE" in capsys.readouterr().err


def test_region_list(capsys):
    assert cli.main(["regioner"]) == 0
    out = capsys.readouterr().out
    assert "12  Skåne län" in out and len(out.strip().splitlines()) == 21


def test_notebook_without_parameters_cell_is_refused(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("region = '12'")])
    path = tmp_path / "01_utan.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(runner.KompetensError, match="saknar en parametercell"):
        runner.check_parameters_cell(path)


def _tiny_notebook(path: Path, body: str) -> None:
    cells = [nbformat.v4.new_code_cell("region = '12'\nbase_year = 2023",
                                       metadata={"tags": ["parameters"]}),
             nbformat.v4.new_code_cell(body)]
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}),
        path)


def test_one_failing_notebook_does_not_stop_the_others(tmp_path, capsys):
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    _tiny_notebook(notebooks / "01_ok.ipynb", "x = 1")
    _tiny_notebook(notebooks / "02_fel.ipynb",
                   "import kompetens_lib as kl\nkl.resolve_region('Atlantis')")
    out = tmp_path / "build"
    code = cli.main(["run", "--region", "12", "--region", "5", "--out", str(out),
                     "--notebook-dir", str(notebooks), "--jobs", "2"])
    assert code == 1
    text = capsys.readouterr().out
    assert "2 lyckades, 2 misslyckades" in text
    assert "KompetensError: Okänt län: 'Atlantis'" in text
    assert (out / "12-skane" / "01_ok.html").exists()
    failed = out / "05-ostergotland" / "02_fel.ipynb"
    assert failed.exists() and str(failed) in text
    nb = nbformat.read(failed, as_version=4)
    assert any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))


def test_papermill_integer_region_reaches_the_notebook_as_a_code(tmp_path):
    job = runner.Job(ROOT / "notebooks" / "01_nulage.ipynb", "05", tmp_path, {"region": 5})
    result = runner.execute(job)
    assert result.ok, result.error
    assert result.key_figures[0]["region"] == "05"
    assert result.key_figures == [{"section": "nulage", **profile.key_figures("05", 2023)}]


def test_data_import_is_wired_to_the_scb_importer(tmp_path, capsys):
    source = tmp_path / "uttag.csv"
    source.write_text('"region","kön","2022","2023"\n"01 Stockholms län","män",10,12\n'
                      '"03 Uppsala län","män",5,6\n', encoding="utf-8")
    out = tmp_path / "tidy.csv"
    assert cli.main(["data", "import", str(source), "--out", str(out)]) == 0
    assert out.exists() and "region" in out.read_text(encoding="utf-8").splitlines()[0]
    assert cli.main(["data", "import", str(tmp_path / "saknas.csv")]) == 1
    assert "fel:" in capsys.readouterr().err


def test_data_import_decimal_flag_settles_a_file_the_numbers_cannot(tmp_path, capsys):
    source = tmp_path / "uttag.csv"
    source.write_text('"region";"2022";"2023"\n"01 Stockholms län";"1.234";"1.500"\n'
                      '"03 Uppsala län";"2.000";"3.000"\n', encoding="utf-8")
    out = tmp_path / "tidy.csv"
    assert cli.main(["data", "import", str(source), "--out", str(out)]) == 1
    assert "--decimal" in capsys.readouterr().err and not out.exists()
    assert cli.main(["data", "import", str(source), "--out", str(out), "--decimal", "."]) == 0
    values = pd.read_csv(out)["value"].sort_values().tolist()
    assert values == [1.234, 1.5, 2.0, 3.0]


def test_unchanged_notebooks_are_not_run_again_unless_forced(tmp_path, capsys):
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    _tiny_notebook(notebooks / "01_ok.ipynb", "x = 1")
    out = tmp_path / "build"
    argv = ["run", "--region", "12", "--out", str(out), "--notebook-dir", str(notebooks)]
    assert cli.main(argv) == 0
    first = (out / "12-skane" / "01_ok.ipynb").stat().st_mtime_ns
    capsys.readouterr()
    assert cli.main(argv) == 0
    assert "0 lyckades, 0 misslyckades, 1 oförändrade" in capsys.readouterr().out
    assert (out / "12-skane" / "01_ok.ipynb").stat().st_mtime_ns == first
    # A changed parameter, a changed notebook or --force make it run again.
    assert cli.main(argv + ["--param", "base_year=2020"]) == 0
    assert "1 lyckades" in capsys.readouterr().out
    assert cli.main(argv + ["--param", "base_year=2020", "--force"]) == 0
    assert "1 lyckades" in capsys.readouterr().out
    _tiny_notebook(notebooks / "01_ok.ipynb", "x = 2")
    assert cli.main(argv + ["--param", "base_year=2020"]) == 0
    assert "1 lyckades" in capsys.readouterr().out
    # A deleted output is rebuilt.
    (out / "12-skane" / "01_ok.html").unlink()
    assert cli.main(argv + ["--param", "base_year=2020"]) == 0
    assert (out / "12-skane" / "01_ok.html").exists()


def test_a_hanging_cell_and_a_dying_kernel_are_reported_not_fatal(tmp_path, capsys):
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    _tiny_notebook(notebooks / "01_haenger.ipynb", "import time\ntime.sleep(60)")
    _tiny_notebook(notebooks / "02_doer.ipynb", "import os\nos._exit(1)")
    _tiny_notebook(notebooks / "03_ok.ipynb", "x = 1")
    out = tmp_path / "build"
    code = cli.main(["run", "--region", "12", "--out", str(out), "--notebook-dir",
                     str(notebooks), "--timeout", "3", "--jobs", "2"])
    assert code == 1
    text = capsys.readouterr().out
    assert "1 lyckades, 2 misslyckades" in text
    assert "cellen tog längre tid än tidsgränsen" in text
    assert "02_doer" in text and "kärnan" in text
    assert (out / "12-skane" / "03_ok.html").exists()


def test_long_runs_replace_their_workers_and_finish(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(runner, "TASKS_PER_WORKER", 1)  # a fresh pool after every 2 notebooks
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    for n in range(1, 4):
        _tiny_notebook(notebooks / f"0{n}_ok.ipynb", f"x = {n}")
    out = tmp_path / "build"
    assert cli.main(["run", "--region", "12", "--region", "13", "--out", str(out),
                     "--notebook-dir", str(notebooks), "--jobs", "2"]) == 0
    assert "6 lyckades, 0 misslyckades" in capsys.readouterr().out
    assert len(list(out.glob("*/0?_ok.html"))) == 6


def test_ctrl_c_stops_the_run_at_once_and_leaves_no_kernel_behind(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    pids = tmp_path / "pids"
    pids.mkdir()
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    for n in (1, 2):
        _tiny_notebook(notebooks / f"0{n}_lang.ipynb",
                       f"import os, time\nopen(os.path.join({str(pids)!r}, str(os.getpid())), 'w')"
                       ".close()\ntime.sleep(120)")
    out = tmp_path / "build"
    # A terminal's Ctrl-C goes to the whole process group; start one, with SIGINT handled.
    launcher = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                "os.execv(sys.executable, [sys.executable, '-m', 'kompetens_lib.cli',"
                " *sys.argv[1:]])")
    proc = subprocess.Popen(
        [sys.executable, "-c", launcher, "run", "--region", "12", "--out", str(out),
         "--notebook-dir", str(notebooks), "--jobs", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    deadline = time.monotonic() + 90
    while len(list(pids.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    kernels = [int(p.name) for p in pids.iterdir()]
    assert len(kernels) == 2, "the notebooks never started"
    os.killpg(proc.pid, signal.SIGINT)
    output, _ = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert "Avbrutet" in output and "kör samma kommando igen" in output

    def alive(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state not in ("Z", "X")

    deadline = time.monotonic() + 15
    while any(alive(p) for p in kernels) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [p for p in kernels if alive(p)], "kernels outlived the run"


def test_the_county_report_is_for_strategists_and_survives_a_failed_rerun(tmp_path, capsys):
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    _tiny_notebook(notebooks / "01_forsta.ipynb", "print('MARKERING-FORSTA')")
    _tiny_notebook(notebooks / "02_andra.ipynb", "print('MARKERING-ANDRA')")
    out = tmp_path / "build"
    argv = ["run", "--region", "12", "--out", str(out), "--notebook-dir", str(notebooks)]
    assert cli.main(argv) == 0
    county = out / "12-skane"
    report = county / "rapport.html"
    page = report.read_text(encoding="utf-8")
    # Built from the workbook's tables, never from notebook cells.
    assert "MARKERING-FORSTA" not in page and "Tre budskap" in page
    assert (county / "presentation.pptx").exists()
    # A rerun in which every notebook fails keeps the report of the last good build.
    _tiny_notebook(notebooks / "01_forsta.ipynb", "raise ValueError('trasig')")
    _tiny_notebook(notebooks / "02_andra.ipynb", "raise ValueError('trasig')")
    assert cli.main(argv) == 1
    assert report.read_text(encoding="utf-8") == page


# --- one Swedish command line: every parser in cli/, English names, Swedish aliases ---------

ENGLISH_PHRASES = ("show this help", "usage:", "options:", "positional arguments",
                   "optional arguments", "show program's version")


def _all_parsers(parser, path=()):
    """(command path, parser) for the parser and every subcommand below it, aliases included."""
    import argparse

    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _all_parsers(sub, (*path, name))


def test_the_help_of_every_command_and_subcommand_is_swedish(capsys):
    from kompetens_lib.cli.main import build_parser

    paths = [path for path, _ in _all_parsers(build_parser())]
    assert {("run",), ("regions",), ("regioner",), ("adapt",), ("data", "fetch"),
            ("data", "import"), ("data", "cache")} <= set(paths)
    for path in paths:
        if path and path[0] in ("cohort", "exercises", "ovningar"):
            continue  # their own modules parse and document their arguments
        assert cli.main([*path, "--help"]) == 0, path
        text = capsys.readouterr().out
        assert text.startswith("Användning: kompetens"), path
        assert "visa den här hjälpen och avsluta" in text, path
        assert not [p for p in ENGLISH_PHRASES if p in text.lower()], (path, text)


def test_the_top_level_help_says_how_names_and_aliases_work(capsys):
    assert cli.main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "heter på engelska" in text and "alias" in text
    assert "regions (regioner)" in text and "exercises (ovningar)" in text
    assert "cohort" in text


def test_no_command_prints_the_help_and_fails(capsys):
    assert cli.main([]) == 2
    assert capsys.readouterr().out.startswith("Användning: kompetens")


@pytest.mark.parametrize(("argv", "message"), [
    (["okänt"], "argumentet KOMMANDO: ogiltigt val: 'okänt' (välj bland"),
    (["run", "--jobs", "många"], "argumentet --jobs: ogiltigt värde (int): 'många'"),
    (["data"], "följande argument krävs: ÅTGÄRD"),
    (["data", "hämta"], "argumentet ÅTGÄRD: ogiltigt val: 'hämta'"),
    (["data", "fetch", "--okänd"], "okända argument: --okänd"),
    (["data", "import", "x.csv", "--sep", "pipe"], "argumentet --sep: ogiltigt val: 'pipe'"),
    (["data", "cache", "--out"], "argumentet --out/-o: väntade ett värde"),
    (["adapt", "deras.ipynb"], "följande argument krävs: --region"),
])
def test_unknown_flags_and_bad_values_are_swedish_errors(argv, message, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert "Användning: kompetens" in err and ": fel: " in err
    assert "error:" not in err and "invalid" not in err and "usage:" not in err


def test_swedish_spellings_are_aliases_of_the_english_names(tmp_path, capsys):
    assert cli.main(["regioner"]) == 0
    swedish = capsys.readouterr().out
    assert cli.main(["regions"]) == 0
    assert capsys.readouterr().out == swedish
    assert cli.main(["data", "fetch", "--lista"]) == 0
    listing = capsys.readouterr().out
    assert cli.main(["data", "fetch", "--list"]) == 0
    assert capsys.readouterr().out == listing and "employment" in listing
    for flag in ("--check", "--kontrollera"):  # the same check: no manifest in an empty folder
        assert cli.main(["data", "cache", "--out", str(tmp_path), flag]) == 1
        assert "har ingen manifest.json" in capsys.readouterr().err
    source = tmp_path / "uttag.csv"
    source.write_text('"region","2022"\n"00 Riket",10\n"01 Stockholms län",4\n', encoding="utf-8")
    for flag in ("--strict", "--strikt"):
        assert cli.main(["data", "import", str(source), "--out", str(tmp_path / "t.csv"),
                         flag]) == 1
        assert "summakontrollen misslyckades" in capsys.readouterr().err


def _fake_command(monkeypatch, module: str, calls: list) -> None:
    import sys
    import types

    fake = types.ModuleType(module)

    def main(argv):
        calls.append((module, list(argv)))
        if argv == ["--help"]:
            raise SystemExit(0)
        return 3

    fake.main = main
    monkeypatch.setitem(sys.modules, module, fake)


def test_cohort_and_exercises_hand_their_arguments_to_their_modules(monkeypatch):
    calls: list = []
    _fake_command(monkeypatch, "kompetens_lib.cli.cohort", calls)
    _fake_command(monkeypatch, "kompetens_lib.cli.exercises", calls)
    assert cli.main(["cohort", "release", "--roster", "r.csv"]) == 3
    assert cli.main(["exercises", "--check"]) == 3
    assert cli.main(["ovningar", "--help"]) == 0
    assert calls == [("kompetens_lib.cli.cohort", ["release", "--roster", "r.csv"]),
                     ("kompetens_lib.cli.exercises", ["--check"]),
                     ("kompetens_lib.cli.exercises", ["--help"])]


@pytest.mark.parametrize("command", ["cohort", "exercises"])
def test_cohort_and_exercises_help_come_from_their_own_swedish_parsers(command, capsys):
    import importlib.util

    module = f"kompetens_lib.cli.{command}"
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is written on another branch and not merged here yet")
    assert cli.main([command, "--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"Användning: kompetens {command}")
    assert not [p for p in ENGLISH_PHRASES if p in text.lower()]


def test_no_library_module_outside_cli_imports_argparse():
    import ast

    package = ROOT / "kompetens_lib"
    offenders = []
    for path in sorted(package.rglob("*.py")):
        if "cli" in path.relative_to(package).parts[:1]:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) else [])
            if "argparse" in names:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], "argparse outside kompetens_lib/cli/: " + ", ".join(offenders)


def test_argparse_is_not_patched_for_the_whole_process():
    import argparse
    import gettext

    import kompetens_lib.cli.main  # noqa: F401 - importing it must change nothing

    assert argparse._ is gettext.gettext and argparse.ngettext is gettext.ngettext


def test_library_log_records_reach_stderr_in_swedish_while_a_command_runs(monkeypatch,
                                                                           capsys):
    import importlib
    import logging

    cli_main = importlib.import_module("kompetens_lib.cli.main")

    def regions(args):
        logging.getLogger("kompetens_lib.data.scb_api").warning("SCB:s API svarar långsamt")
        logging.getLogger("kompetens_lib.data.scb_api").debug("syns inte")
        return 0

    monkeypatch.setattr(cli_main, "_list_regions", regions)
    assert cli.main(["regions"]) == 0
    assert capsys.readouterr().err == "kompetens: varning: SCB:s API svarar långsamt\n"
    logger = logging.getLogger("kompetens_lib")
    assert all(type(h).__name__ != "_StderrHandler" for h in logger.handlers)


def test_the_data_commands_defaults_are_the_data_layers():
    from kompetens_lib.cli import data as cli_data
    from kompetens_lib.data import cache, scb_api

    assert cli_data.DEFAULT_API_URL == scb_api.DEFAULT_API_URL
    assert cli_data.API_URL_ENV == scb_api.API_URL_ENV
    assert cli_data.DEFAULT_CACHE_DIR == cache.DEFAULT_DIR


def test_python_m_kompetens_lib_cli_is_the_command():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "kompetens_lib.cli", "regions"],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0 and "12  Skåne län" in done.stdout


def test_ctrl_c_in_data_cache_says_so_in_swedish(tmp_path, monkeypatch, capsys):
    import kompetens_lib.data.cache as cache_module
    from kompetens_lib.cli.main import main as kompetens_main

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cache_module, "build_cache", interrupted)
    code = kompetens_main(["data", "cache", "--out", str(tmp_path / "cache")])
    err = capsys.readouterr().err
    assert code == 130
    assert "Avbrutet" in err and "Traceback" not in err and "KeyboardInterrupt" not in err


def test_an_out_that_is_a_file_or_unwritable_is_refused_in_swedish(tmp_path, capsys):
    from kompetens_lib.cli.main import main as kompetens_main

    file = tmp_path / "fil.txt"
    file.write_text("x", encoding="utf-8")
    assert kompetens_main(["run", "--region", "23", "--out", str(file)]) == 2
    assert "är en fil, inte en mapp" in capsys.readouterr().err
    assert kompetens_main(["run", "--region", "23", "--out", str(file / "under")]) == 2
    assert "--out" in capsys.readouterr().err
