"""Times several skillforge binaries side by side on what start-up costs: `new` of bench/run's
small case (10 files, render only) and `check` of a tiny project, with `cp -r` of the same
10 files as the floor, interleaved in shuffled rounds as bench/compare.py does.

Used to show that start-up does not grow with the library: build the same commit with and
without the synthetic library of bench/make_library.py in blueprints/ (a scratch copy,
never committed), then pass both binaries here.

`check` needs pytest: the tiny project gets a .venv with pytest made by uv (UV names the uv
binary; default `uv`).

Usage: startup.py WORK_DIR ROUNDS LABEL=BINARY [LABEL=BINARY ...]"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from compare import Runner, quartiles  # noqa: E402


def tiny_project(binary: str, templates: Path, work: Path, label: str) -> Path:
    """A project made by `binary` from the 10-file template, with pytest in its .venv."""
    root = work / f"check-{label}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    sf = [binary, "new", "tiny", "--from", str(templates / "skillforge"), "-y", "-o", str(root), "--no-git"]
    subprocess.run(sf, check=True, stdout=subprocess.DEVNULL)
    project = root / "tiny"
    uv = os.environ.get("UV", "uv")
    subprocess.run([uv, "venv", "-q", ".venv"], cwd=project, check=True)
    subprocess.run([uv, "pip", "install", "-q", "--python", ".venv/bin/python", "pytest"], cwd=project, check=True)
    return project


def main() -> None:
    work, rounds = Path(sys.argv[1]).resolve(), int(sys.argv[2])
    binaries = dict(arg.split("=", 1) for arg in sys.argv[3:])
    templates = work / "templates-10"
    if not templates.exists():
        subprocess.run([sys.executable, str(HERE / "make_templates.py"), str(templates), "10"], check=True)
    found = {("new, 10 files", "cp -r"): ["cp", "-r", str(templates / "rendered"), "DEST/bench-project"]}
    for label, binary in binaries.items():
        found[("new, 10 files", label)] = [
            binary, "new", "bench-project", "--from", str(templates / "skillforge"), "-y", "-o", "DEST", "--no-git",
        ]
        project = tiny_project(binary, templates, work, label)
        found[("check, tiny project", label)] = [binary, "check", "--path", str(project)]
    runner = Runner(work, None)
    order = list(found)
    times: dict[tuple[str, str], list[float]] = {key: [] for key in order}
    for key in order:
        runner.time(found[key])
    for done in range(rounds):
        print(f"round {done + 1} of {rounds}", file=sys.stderr)
        random.shuffle(order)
        for key in order:
            times[key].append(runner.time(found[key]))
    print(f"Medians of {rounds} interleaved rounds, p25-p75 in brackets.\n")
    print("| case | binary | median ms (p25-p75) |")
    print("| --- | --- | ---: |")
    for key in sorted(times):
        q1, med, q3 = quartiles(times[key])
        print(f"| {key[0]} | {key[1]} | {med:.2f} ({q1:.2f}-{q3:.2f}) |")
    print()
    for case in sorted({k[0] for k in times}):
        meds = {k[1]: statistics.median(v) for k, v in times.items() if k[0] == case}
        print(case + ": " + ", ".join(f"{label} {ms:.2f} ms" for label, ms in meds.items()))


if __name__ == "__main__":
    main()
