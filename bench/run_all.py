"""Benchmark: build every notebook for every county with `kompetens run`, against the plain
loop a first-time user would write (one `papermill` command per notebook, in sequence).

Both are measured in the same run on the same machine. Prints both wall times, their ratio,
notebooks per minute, the time of a warm rebuild with nothing changed, the build's size
against the same build with every page and notebook carrying its own copy of the chart
library and stylesheet (as builds did before they were made lean), the load time of a
county's report and of a page in headless Chromium (offline), and peak memory of a
worker, of a kernel and of a worker's kernel template (a kernel forked from the template
shares most of its memory until it writes to it, so the peaks do not add up). Targets:
`kompetens run` at least 3× faster than the plain loop on a 2-core machine, a warm rebuild
under 5 s, a worker's peak memory under 500 MB, a build at most a tenth of the inline size.

    python bench/run_all.py                 # all notebooks × all 21 counties (~20 min)
    python bench/run_all.py --counties 4    # a quicker sample: the first N counties
    python bench/run_all.py --against 815b14f --skip-plain
        # also build the same counties with an earlier commit's library and notebooks
        # (checked out in a temporary git worktree) and print the build time against it

The comparison with an earlier commit is how "the full build stays within 25 % of its
time before" is shown: both builds run in the same process tree, one after the other, on
the same machine, each with its own notebooks (the earlier commit's eight against today's
nine, with today's report, PDF and slide deck).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kompetens_lib.publish.runner import find_notebooks  # noqa: E402
from kompetens_lib.reference.regions import regions  # noqa: E402

BIN = Path(sys.executable).parent


def plain_loop(notebooks: list[Path], codes: list[str], out: Path) -> float:
    """What a first-time user writes: one papermill command per notebook and county."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for code in codes:
        for nb in notebooks:
            target = out / f"{nb.stem}-{code}.ipynb"
            subprocess.run([str(BIN / "papermill"), str(nb), str(target), "-r", "region", code,
                            "--cwd", str(nb.parent), "--no-progress-bar"],
                           check=True, capture_output=True)
    return time.perf_counter() - started


def kompetens_run(codes: list[str], notebooks: list[Path], out: Path) -> tuple[float, str]:
    argv = [str(BIN / "kompetens"), "run", "--out", str(out),
            "--notebooks", ",".join(nb.stem.split("_")[0] for nb in notebooks),
            "--notebook-dir", str(notebooks[0].parent)]
    for code in codes:
        argv += ["--region", code]
    started = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        raise SystemExit("kompetens run misslyckades")
    return elapsed, proc.stdout.strip().splitlines()[-1]


def earlier_build(rev: str, codes: list[str], out: Path) -> float:
    """Wall time of ``kompetens run`` for ``codes`` with the library and notebooks of the
    commit ``rev``, from a temporary git worktree (its package first on the path)."""
    tree = Path(tempfile.mkdtemp(prefix="kompetens-bench-rev-")) / "src"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev],
                   check=True, capture_output=True)
    try:
        argv = [sys.executable, "-m", "kompetens_lib.cli", "run", "--out", str(out),
                "--notebook-dir", str(tree / "notebooks")]
        for code in codes:
            argv += ["--region", code]
        env = {**os.environ, "PYTHONPATH": str(tree)}
        started = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=tree, env=env)
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            print(proc.stdout[-3000:], proc.stderr[-3000:])
            raise SystemExit(f"kompetens run med {rev} misslyckades")
        return elapsed
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                       capture_output=True)
        shutil.rmtree(tree.parent, ignore_errors=True)


def tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def inline_size(build: Path) -> int:
    """The build's size had every page inlined the shared files it links, every executed
    notebook carried the chart library in its setup output and every chart been written as
    PNG too, as before the lean build (the old report's inline copy is not counted)."""
    import re

    shared = {p.name: p.stat().st_size for p in (build / "_static").glob("*")}
    bundle = next((size for name, size in shared.items() if name.startswith("vega-bundle")), 0)
    total = tree_size(build) - sum(shared.values())
    for page in build.rglob("*.html"):
        for ref in re.findall(r"""(?:src|href)=["'][^"']*_static/([^"']+)["']""",
                              page.read_text(encoding="utf-8")):
            total += shared.get(ref, 0)
    total += bundle * len(list(build.glob("*/[0-9][0-9]_*.ipynb")))
    # Builds also wrote every chart as PNG beside its SVG: render them to count them.
    import vl_convert as vlc

    for svg in build.glob("*/diagram/*.svg"):
        total += len(vlc.svg_to_png(svg.read_text(encoding="utf-8"), scale=2))
    return total


def inlined_copy(page: Path, build: Path, out: Path) -> Path:
    """``page`` with its shared files put back inline (the page as builds wrote it before)."""
    import re

    text = page.read_text(encoding="utf-8")
    static = build / "_static"
    text = re.sub(r'<script([^>]*) src="[^"]*_static/([^"]+)"></script>',
                  lambda m: f"<script{m.group(1)}>{(static / m.group(2)).read_text('utf-8')}"
                            "</script>", text)
    text = re.sub(r'<link rel="stylesheet" href="[^"]*_static/([^"]+)">',
                  lambda m: f"<style>{(static / m.group(1)).read_text('utf-8')}</style>", text)
    out.write_text(text, encoding="utf-8")
    return out


def load_seconds(pages: list[Path], repeat: int = 3) -> list[float]:
    """Median time to the load event of each page in headless Chromium (offline), or []."""
    import statistics

    chromium = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which(
        "chromium")
    if chromium is None:
        return []
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
        page = browser.new_page()
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
            ("file:", "data:", "blob:", "about:")) else r.abort())
        for target in pages:
            runs = []
            for _ in range(repeat):
                started = time.perf_counter()
                page.goto(target.as_uri(), wait_until="load")
                runs.append(time.perf_counter() - started)
            times.append(statistics.median(runs))
        browser.close()
    return times


def report_build(build: Path) -> None:
    new, old = tree_size(build), inline_size(build)
    counties = [p for p in build.iterdir() if p.is_dir() and p.name[:2].isdigit()]
    print(f"byggets storlek: {new / 1e6:.1f} MB; med egna kopior på varje sida "
          f"{old / 1e6:.1f} MB; kvot {old / new:.1f}×  (målet gäller bygget före, --against)")
    complete = [c for c in counties if all((c / n).exists() for n in (
        "rapport.html", "rapport.pdf", "presentation.pptx"))]
    print(f"län med rapport, PDF och bildspel: {len(complete)} av {len(counties)}")
    if not counties:
        return
    county = sorted(counties)[0]
    page = sorted(county.glob("01_*.html"))[0]
    inline_page = inlined_copy(page, build, county / "_inline_prov.html")
    pages = [county / "rapport.html", page, inline_page]
    times = load_seconds(pages)
    inline_page.unlink()
    if times:
        print(f"laddtid i Chromium: rapport {times[0]:.2f} s "
              f"({pages[0].stat().st_size / 1e6:.2f} MB), sida {times[1]:.2f} s, samma sida "
              f"med egen kopia av diagrambiblioteket {times[2]:.2f} s")
    else:
        print("laddtid: ingen Chromium på datorn, inte mätt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=21, help="how many counties (1–21)")
    parser.add_argument("--skip-plain", action="store_true", help="measure only kompetens run")
    parser.add_argument("--against", metavar="REV", default=None,
                        help="also build with this earlier commit and print the time ratio")
    args = parser.parse_args()
    codes = regions()["code"].tolist()[: args.counties]
    notebooks = find_notebooks(None, ROOT / "notebooks")
    n = len(codes) * len(notebooks)
    print(f"{len(notebooks)} anteckningsböcker × {len(codes)} län = {n} körningar, "
          f"{os.cpu_count()} kärnor")
    work = Path(tempfile.mkdtemp(prefix="kompetens-bench-"))
    try:
        fast, summary = kompetens_run(codes, notebooks, work / "run")
        print(f"kompetens run:       {fast:7.1f} s  ({n / fast * 60:.1f} anteckningsböcker/min)"
              f"  – {summary}")
        report_build(work / "run")
        warm, warm_summary = kompetens_run(codes, notebooks, work / "run")
        print(f"omkörning, oförändrat: {warm:5.1f} s  – {warm_summary}")
        records = json.loads((work / "run" / "run.json").read_text(encoding="utf-8"))
        state_files = list((work / "run").glob("*/.kompetens/*.json"))
        states = [json.loads(p.read_text(encoding="utf-8")) for p in state_files]
        worker_peak = max((s.get("worker_peak_mb", 0) for s in states), default=0)
        kernel_peak = max((s.get("kernel_peak_mb", 0) for s in states), default=0)
        template_peak = max((s.get("template_peak_mb", 0) for s in states), default=0)
        print(f"toppminne: arbetsprocess {worker_peak:.0f} MB, kärna {kernel_peak:.0f} MB, "
              f"mallprocess för kärnor {template_peak:.0f} MB ({len(records)} körningar)")
        if args.against:
            before = earlier_build(args.against, codes, work / "before")
            print(f"samma bygge med {args.against}: {before:5.1f} s; kvot (nu / då): "
                  f"{fast / before:.2f}  (mål: högst 1,25)")
            size_then, size_now = tree_size(work / "before"), tree_size(work / "run")
            print(f"storlek med {args.against}: {size_then / 1e6:.1f} MB; nu "
                  f"{size_now / 1e6:.1f} MB; kvot {size_then / size_now:.1f}×  (mål: minst 10×)")
        if not args.skip_plain:
            plain = plain_loop(notebooks, codes, work / "plain")
            print(f"papermill i en slinga: {plain:5.1f} s  ({n / plain * 60:.1f} "
                  "anteckningsböcker/min)")
            print(f"kvot (slinga / kompetens run): {plain / fast:.2f}×  (mål: minst 3×)")
        print(f"mål: omkörning under 5 s: {'ja' if warm < 5 else 'NEJ'}; "
              f"arbetsprocess under 500 MB: {'ja' if worker_peak < 500 else 'NEJ'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
