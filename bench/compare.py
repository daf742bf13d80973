"""Times skillforge against cp -r, cp -r + git, cookiecutter and copier on the same synthetic
template, interleaved in one run (each round runs every command once, in a shuffled order),
and prints medians, ratios and peak memory as a Markdown table.

Usage: compare.py SKILLFORGE_BIN TOOLS_BIN_DIR WORK_DIR [ROUNDS]"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = (10, 100, 1000)


def run(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall time in ms and peak RSS in MiB of one run (fails loudly on a non-zero exit)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = (time.perf_counter() - start) * 1000
    if status != 0:
        raise SystemExit(f"{argv} failed: {proc.stderr.read().decode() if proc.stderr else status}")
    return elapsed, usage.ru_maxrss / 1024


def commands(sf: str, tools: Path, templates: Path, dest: Path) -> dict[str, list[str]]:
    git = "git init -q -b main && git add -A && git commit -qm 'first commit'"
    out = str(dest)
    project = str(dest / "bench-project")
    return {
        "cp -r": ["cp", "-r", str(templates / "rendered"), project],
        "cp -r + git": ["sh", "-c", f'cp -r "{templates / "rendered"}" "{project}" && cd "{project}" && {git}'],
        "skillforge": [sf, "new", "bench-project", "--from", str(templates / "skillforge"), "-y", "--no-git", "-o", out],
        "skillforge + commit": [sf, "new", "bench-project", "--from", str(templates / "skillforge"), "-y", "-o", out],
        "cookiecutter": [str(tools / "cookiecutter"), "--no-input", "-o", out, str(templates / "cookiecutter")],
        "cookiecutter + git": [
            "sh", "-c",
            f'"{tools / "cookiecutter"}" --no-input -o "{out}" "{templates / "cookiecutter"}" && cd "{dest / "bench_project"}" && {git}',
        ],
        "copier": [str(tools / "copier"), "copy", "-q", "--defaults", str(templates / "copier"), project],
        "copier + git": [
            "sh", "-c",
            f'"{tools / "copier"}" copy -q --defaults "{templates / "copier"}" "{project}" && cd "{project}" && {git}',
        ],
    }


def main() -> None:
    sf, tools, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 7
    home = work / "home"
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text("[user]\n\tname = Bench\n\temail = bench@example.com\n")
    env = {**os.environ, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1"}
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    jobs: list[tuple[str, str, list[str], Path]] = []
    for size in SIZES:
        templates = work / f"templates-{size}"
        if not templates.exists():
            subprocess.run([sys.executable, str(HERE / "make_templates.py"), str(templates), str(size)], check=True)
        dest = work / f"out-{size}"
        for name, argv in commands(sf, tools, templates, dest).items():
            jobs.append((str(size), name, argv, dest))
    plan = ["new", "big", "-b", "fastapi-service", "--with", "docker", "--with", "github-ci", "--with", "quality", "-y"]
    jobs.append(("largest plan", "skillforge + commit", [sf, *plan, "-o", str(work / "out-plan")], work / "out-plan"))
    jobs.append(("largest plan", "skillforge", [sf, *plan, "--no-git", "-o", str(work / "out-plan")], work / "out-plan"))
    jobs.append(("start-up", "skillforge --version", [sf, "--version"], work / "out-version"))
    for _ in range(rounds):
        random.shuffle(jobs)
        for size, name, argv, dest in jobs:
            shutil.rmtree(dest, ignore_errors=True)
            dest.mkdir(parents=True)
            results.setdefault((size, name), []).append(run(argv, env, dest))
        for _, _, _, dest in jobs:
            shutil.rmtree(dest, ignore_errors=True)
    print(f"Medians of {rounds} interleaved rounds; ratios are against the cp -r line of the same size")
    print("(plain commands) or the cp -r + git line (commands that make the first commit).\n")
    print("| files | command | median ms | ratio | peak RSS MiB |")
    print("| --- | --- | ---: | ---: | ---: |")
    for (size, name), samples in sorted(results.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        ms = statistics.median(s[0] for s in samples)
        rss = max(s[1] for s in samples)
        floor = results.get((size, "cp -r + git" if ("git" in name or "commit" in name) else "cp -r"))
        ratio = f"{ms / statistics.median(s[0] for s in floor):.2f}x" if floor else ""
        print(f"| {size} | {name} | {ms:.1f} | {ratio} | {rss:.1f} |")


if __name__ == "__main__":
    main()
