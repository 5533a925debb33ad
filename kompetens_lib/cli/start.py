"""``kompetens start [--dir MAPP] [--region LÄN] [--bara-kopiera]``: a participant's own
working folder, and JupyterLab opened on it.

The folder mirrors the workbook's layout (``notebooks/``, ``exercises/``, ``docs/``), so the
links between notebooks, exercises and docs resolve inside it; a link to a file that is not
copied is turned into plain text naming the file. Exercises are written from the masters
with the solutions removed (:func:`kompetens_lib.exercises.copies.participant_text`). A file
that is already in the folder is never touched: the participant's work is kept, and the
command says which files it kept. JupyterLab starts with the folder as its root and with
the workbook's settings (no news pop-up: the ``labconfig`` overrides written to
``.jupyter/`` in the folder, read through ``JUPYTER_CONFIG_PATH``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from kompetens_lib._internal.files import atomic_write_text
from kompetens_lib.cli.parser import SwedishArgumentParser
from kompetens_lib.errors import KompetensError
from kompetens_lib.exercises.copies import ROOT, master_paths, participant_copy, rewrite_links
from kompetens_lib.reference.regions import region_name, resolve_region

PROG = "kompetens start"
DEFAULT_DIR = "mitt-arbete"

#: The documents a participant reads (the developer and facilitator docs stay out).
PARTICIPANT_DOCS = ("deltagare.md", "metoder.md", "data.md", "tp-mall.md")

#: JupyterLab settings of the workbook: no "Would you like to get notified about official
#: Jupyter news?" pop-up (it would also try to reach the internet).
LAB_SETTINGS: dict[str, dict[str, object]] = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false"},
}
SETTINGS_FILE = Path(".jupyter") / "labconfig" / "default_setting_overrides.json"
FIRST_NOTEBOOK = "notebooks/00_kom_igang.ipynb"

_REGION_LINE = re.compile(r'^(region\s*=\s*)("[^"\n]*"|\'[^\'\n]*\'|[^#\n]+?)(\s*(#.*)?)$',
                          re.MULTILINE)


@dataclass
class StartResult:
    """What :func:`prepare` did: the folder, the files it wrote and those it kept."""

    folder: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        """Swedish lines for the terminal."""
        lines = [f"Din arbetsmapp: {self.folder}"]
        if self.written:
            lines.append(f"Kopierade {len(self.written)} filer dit.")
        if self.kept:
            names = ", ".join(str(p) for p in self.kept[:6])
            more = f" och {len(self.kept) - 6} till" if len(self.kept) > 6 else ""
            lines.append(f"Behöll {len(self.kept)} filer som redan fanns (ditt arbete skrivs "
                         f"aldrig över): {names}{more}.")
        return "\n".join(lines)


def _sources(root: Path) -> dict[Path, Path]:
    """Folder-relative path → original file, for everything a participant gets."""
    files: dict[Path, Path] = {}
    for path in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        files[Path("notebooks") / path.name] = path
    masters = root / "exercises" / "masters"
    for path in master_paths(masters):
        files[Path("exercises") / path.name] = path
    for name in PARTICIPANT_DOCS:
        if (root / "docs" / name).is_file():
            files[Path("docs") / name] = root / "docs" / name
    return files


def set_region(nb, code: str) -> bool:
    """Set ``region = "<code>"`` in the parameters cell; True if it was there."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source, count = _REGION_LINE.subn(lambda m: f'{m.group(1)}"{code}"{m.group(3)}',
                                              cell.source, count=1)
            cell.source = source
            return bool(count)
    return False


def _text_for(relative: Path, original: Path, copied: set[Path], region: str | None) -> str:
    if original.suffix == ".ipynb":
        nb = nbformat.read(original, as_version=4)
        if relative.parts[0] == "exercises":
            nb = participant_copy(nb)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = rewrite_links(cell.source, relative, copied)
        if region:
            set_region(nb, region)
        return nbformat.writes(nb) + "\n"
    return rewrite_links(original.read_text(encoding="utf-8"), relative, copied)


def prepare(folder: str | os.PathLike = DEFAULT_DIR, region: object = None, *,
            root: Path = ROOT) -> StartResult:
    """Copy the notebooks, the participant's exercises and the docs into ``folder``
    (created if missing), never replacing a file that is there, and write the JupyterLab
    settings. ``region`` (code or name) is filled into every parameters cell.

    Raises :class:`KompetensError` for an unknown county or a folder that is a file.
    """
    code = resolve_region(region) if region not in (None, "") else None
    target = Path(folder).expanduser()
    if target.exists() and not target.is_dir():
        raise KompetensError(f"{target} är en fil, inte en mapp. Välj en annan mapp med --dir.")
    sources = _sources(Path(root))
    if not sources:
        raise KompetensError(f"Hittade inga anteckningsböcker i {Path(root) / 'notebooks'}.")
    copied = set(sources)
    result = StartResult(target.resolve())
    for relative, original in sources.items():
        destination = target / relative
        if destination.exists():
            result.kept.append(relative)
            continue
        atomic_write_text(destination, _text_for(relative, original, copied, code))
        result.written.append(relative)
    settings = target / SETTINGS_FILE
    text = json.dumps(LAB_SETTINGS, indent=2, ensure_ascii=False) + "\n"
    if not settings.is_file() or settings.read_text(encoding="utf-8") != text:
        atomic_write_text(settings, text)
    return result


def lab_command(folder: Path) -> tuple[list[str], dict[str, str]]:
    """The ``jupyter lab`` command line and environment for ``folder``."""
    env = dict(os.environ)
    config = str(folder / SETTINGS_FILE.parent.parent)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        p for p in (config, env.get("JUPYTER_CONFIG_PATH", "")) if p)
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}",
               f"--LabApp.default_url=/lab/tree/{FIRST_NOTEBOOK}"]
    if _is_root():
        # In a container or WSL the participant is often root, and JupyterLab then stops
        # with an English message; the folder is the participant's own either way.
        command.append("--ServerApp.allow_root=True")
    return command, env


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def build_parser(prog: str = PROG) -> SwedishArgumentParser:
    """The command line's parser (Swedish help and errors)."""
    parser = SwedishArgumentParser(
        prog=prog,
        description="Gör en egen arbetsmapp med arbetsbokens anteckningsböcker, övningarna "
                    "(utan lösningar) och handledningarna, och öppnar JupyterLab i den. Filer "
                    "som redan finns i mappen skrivs aldrig över, så du kan köra kommandot "
                    "igen när du vill fortsätta.")
    parser.add_argument("--dir", "--mapp", dest="folder", default=DEFAULT_DIR, metavar="MAPP",
                        help=f"din arbetsmapp (standard: {DEFAULT_DIR})")
    parser.add_argument("--region", "--lan", dest="region", metavar="LÄN",
                        help="ditt län, kod eller namn (t.ex. 23 eller Jämtland); fylls i "
                             "parametercellerna i de filer som kopieras nu")
    parser.add_argument("--bara-kopiera", "--no-browser", dest="copy_only",
                        action="store_true",
                        help="kopiera bara; starta inte JupyterLab")
    return parser


def _as_typed(prog: str) -> str:
    """``prog`` with the command as the participant typed it (``.venv/bin/kompetens start``
    when that is how it was started, as the docs have it)."""
    typed = sys.argv[0] if sys.argv else ""
    if Path(typed).name == "kompetens" and prog.startswith("kompetens "):
        return typed + prog[len("kompetens"):]
    return prog


def main(argv: list[str] | None = None, prog: str = PROG) -> int:
    """Prepare the folder and start JupyterLab in it (0 ok, 2 on a Swedish error)."""
    args = build_parser(prog).parse_args(argv)
    try:
        result = prepare(args.folder, args.region)
    except KompetensError as exc:
        print(f"fel: {exc}", file=sys.stderr)
        return 2
    print(result.summary())
    if args.region:
        code = resolve_region(args.region)
        print(f"Länet i parametercellerna: {region_name(code)} ({code}).")
    if args.copy_only:
        print(f"Starta JupyterLab i mappen när du vill: {_as_typed(prog)} --dir {args.folder}")
        return 0
    command, env = lab_command(result.folder)
    print(f"Startar JupyterLab i {result.folder}. Börja med {FIRST_NOTEBOOK}. "
          "Avsluta med Ctrl-C.")
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
