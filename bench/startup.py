"""Times several skillforge binaries side by side on what start-up costs: `new` of bench/run's
small case (10 files, render only) and `check` of a tiny project, with `cp -r` of the same
10 files as the floor, interleaved in shuffled rounds as bench/compare.py does.

Used to show that start-up does not grow with the library: build the same commit with and
without the synthetic library of bench/make_library.py in blueprints/ (a scratch copy,
never committed), then pass both binaries here.

Besides wall-clock time it reports CPU time (user + system, of the command and the processes
it waited for, from getrusage): on a shared machine other jobs stretch the wall clock, and
CPU time shows the command's own work with much less noise.

`check` needs pytest: the tiny project gets a .venv with pytest made by uv (UV names the uv
binary; default `uv`).

Usage: startup.py WORK_DIR ROUNDS LABEL=BINARY [LABEL=BINARY ...]"""

from __future__ import annotations

import os
import random
import resource
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
    cpu: dict[tuple[str, str], list[float]] = {key: [] for key in order}
    for key in order:
        runner.time(found[key])
    for done in range(rounds):
        print(f"round {done + 1} of {rounds}", file=sys.stderr)
        random.shuffle(order)
        for key in order:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            times[key].append(runner.time(found[key]))
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            cpu[key].append(used * 1000)
    print(f"Medians of {rounds} interleaved rounds, p25-p75 in brackets.\n")
    print("| case | binary | wall ms (p25-p75) | CPU ms (p25-p75) |")
    print("| --- | --- | ---: | ---: |")
    for key in sorted(times):
        q1, med, q3 = quartiles(times[key])
        c1, cmed, c3 = quartiles(cpu[key])
        print(f"| {key[0]} | {key[1]} | {med:.2f} ({q1:.2f}-{q3:.2f}) | {cmed:.2f} ({c1:.2f}-{c3:.2f}) |")


if __name__ == "__main__":
    main()
