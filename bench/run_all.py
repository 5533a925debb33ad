"""Benchmark: build every notebook for every county with `kompetens run`, against the plain
loop a first-time user would write (one `papermill` command per notebook, in sequence).

Both are measured in the same run on the same machine. Prints both wall times, their ratio,
notebooks per minute, the time of a warm rebuild with nothing changed, and peak memory of a
worker, of a kernel and of a worker's kernel template (a kernel forked from the template
shares most of its memory until it writes to it, so the peaks do not add up). Targets:
`kompetens run` at least 3× faster than the plain loop on a 2-core machine, a warm rebuild
under 5 s, a worker's peak memory under 500 MB.

    python bench/run_all.py                 # all notebooks × all 21 counties (~20 min)
    python bench/run_all.py --counties 4    # a quicker sample: the first N counties
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=21, help="how many counties (1–21)")
    parser.add_argument("--skip-plain", action="store_true", help="measure only kompetens run")
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
