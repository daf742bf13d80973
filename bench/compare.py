"""Times skillforge against cp -r, cp -r + git, cookiecutter and copier on the same synthetic
template, interleaved in one run, and prints a Markdown table and the targets of issue 7.

Every round runs every command once, in a new shuffled order, each into a destination no
other run used, on the same file system as the templates; the machine's noise (other jobs,
the page cache, the disk's writeback) then falls on every command alike, and medians of
many rounds with their spread (p25-p75) are compared, never single runs. Peak memory is
measured apart, in untimed runs under /usr/bin/time (or the small launcher bench/peak_rss.c),
since a command forked from Python would count Python's own memory as its own.

Usage: compare.py SKILLFORGE_BIN TOOLS_BIN_DIR WORK_DIR ROUNDS [PEAK_RSS_LAUNCHER]"""

from __future__ import annotations

import itertools
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = ("10", "100", "1000")
GIT = "git init -q -b main && git add -A && git commit -qm 'first commit'"
# cookiecutter and copier take seconds at 1000 files: they run in the first rounds only, which
# is plenty for ratios of 10x and more, and keeps a full run within about a quarter of an hour.
SLOW = ("cookiecutter", "copier")
SLOW_ROUNDS = 5
PLAN = ["-b", "fastapi-service", "--with", "docker", "--with", "github-ci", "--with", "quality"]


def commands(sf: str, tools: Path, templates: Path) -> dict[str, list[str]]:
    """Each command, with DEST standing for its fresh destination folder."""
    rendered, cc, cp = templates / "rendered", tools / "cookiecutter", tools / "copier"
    sf_new = [sf, "new", "bench-project", "--from", str(templates / "skillforge"), "-y", "-o", "DEST"]
    return {
        "cp -r": ["cp", "-r", str(rendered), "DEST/bench-project"],
        "cp -r + git": ["sh", "-c", f'cp -r "{rendered}" DEST/bench-project && cd DEST/bench-project && {GIT}'],
        "skillforge": [*sf_new, "--no-git"],
        "skillforge + commit": sf_new,
        "cookiecutter": [str(cc), "--no-input", "-o", "DEST", str(templates / "cookiecutter")],
        "cookiecutter + git": ["sh", "-c", f'"{cc}" --no-input -o DEST "{templates / "cookiecutter"}" && cd DEST/bench_project && {GIT}'],
        "copier": [str(cp), "copy", "-q", "--defaults", str(templates / "copier"), "DEST/bench-project"],
        "copier + git": ["sh", "-c", f'"{cp}" copy -q --defaults "{templates / "copier"}" DEST/bench-project && cd DEST/bench-project && {GIT}'],
    }


def jobs(sf: str, tools: Path, work: Path) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for size in SIZES:
        templates = work / f"templates-{size}"
        if not templates.exists():
            subprocess.run([sys.executable, str(HERE / "make_templates.py"), str(templates), size], check=True)
        for name, argv in commands(sf, tools, templates).items():
            found[(size, name)] = argv
    plan = [sf, "new", "big", *PLAN, "-y", "-o", "DEST"]
    found[("largest plan", "skillforge")] = [*plan, "--no-git"]
    found[("largest plan", "skillforge + commit")] = plan
    found[("start-up", "skillforge --version")] = [sf, "--version"]
    return found


class Runner:
    """Runs commands in fresh destinations below `work` with a hermetic git configuration."""

    def __init__(self, work: Path, peak_launcher: str | None):
        self.out = work / "out"
        shutil.rmtree(self.out, ignore_errors=True)
        home = work / "home"
        home.mkdir(parents=True, exist_ok=True)
        (home / ".gitconfig").write_text("[user]\n\tname = Bench\n\temail = bench@example.com\n")
        self.env = {**os.environ, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1"}
        self.counter = itertools.count()
        if Path("/usr/bin/time").is_file():
            self.peak_prefix, self.peak_source = ["/usr/bin/time", "-f", "%M"], "/usr/bin/time -f %M"
        elif peak_launcher and Path(peak_launcher).is_file():
            self.peak_prefix, self.peak_source = [peak_launcher], "bench/peak_rss.c (fork + wait4)"
        else:
            self.peak_prefix, self.peak_source = None, "not measured: neither /usr/bin/time nor a C compiler"

    def _run(self, argv: list[str], prefix: list[str]) -> tuple[float, str]:
        dest = self.out / str(next(self.counter))
        dest.mkdir(parents=True)
        argv = [*prefix, *(a.replace("DEST", str(dest)) for a in argv)]
        start = time.perf_counter()
        proc = subprocess.run(argv, cwd=dest, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = (time.perf_counter() - start) * 1000
        if proc.returncode != 0:
            raise SystemExit(f"{argv} failed:\n{proc.stderr}")
        shutil.rmtree(dest)
        # Flush this run's writes and deletes before the next command starts, so no command
        # is timed while the disk is still busy with the one before it (untimed).
        os.sync()
        return elapsed, proc.stderr

    def time(self, argv: list[str]) -> float:
        """Wall-clock milliseconds of one run."""
        return self._run(argv, [])[0]

    def peak_mib(self, argv: list[str]) -> float | None:
        """Peak resident memory of one run in MiB (the largest process of a pipeline)."""
        if self.peak_prefix is None:
            return None
        stderr = self._run(argv, self.peak_prefix)[1]
        return int(stderr.strip().splitlines()[-1]) / 1024


def quartiles(samples: list[float]) -> tuple[float, float, float]:
    if len(samples) < 2:
        return samples[0], samples[0], samples[0]
    q1, median, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    return q1, median, q3


def main() -> None:
    sf, tools, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 15
    runner = Runner(work, sys.argv[5] if len(sys.argv) > 5 else None)
    found = jobs(sf, tools, work)
    order = list(found)
    times: dict[tuple[str, str], list[float]] = {key: [] for key in order}
    for key in order:  # one untimed warm-up each: page cache, Python's bytecode cache
        runner.time(found[key])
    for done in range(rounds):
        print(f"round {done + 1} of {rounds}", file=sys.stderr)
        random.shuffle(order)
        for key in order:
            if done < SLOW_ROUNDS or not key[1].startswith(SLOW):
                times[key].append(runner.time(found[key]))
    peaks = {key: runner.peak_mib(argv) for key, argv in found.items()}
    report(times, peaks, rounds, runner.peak_source)


def floor_of(size: str, name: str) -> str:
    return "cp -r + git" if ("git" in name or "commit" in name) else "cp -r"


def report(times: dict, peaks: dict, rounds: int, peak_source: str) -> None:
    median = {key: statistics.median(samples) for key, samples in times.items()}
    print(f"Medians of {rounds} interleaved rounds ({min(rounds, SLOW_ROUNDS)} for cookiecutter and copier), p25-p75 in")
    print("brackets. Ratios are against the cp -r line of the same size, or cp -r + git for the")
    print("commands that make a first commit.")
    print(f"Peak memory: {peak_source}, the largest process of a pipeline.\n")
    print("| files | command | median ms (p25-p75) | ratio | peak MiB |")
    print("| --- | --- | ---: | ---: | ---: |")
    for key in sorted(times, key=lambda k: (len(k[0]), k[0], k[1])):
        size, name = key
        q1, med, q3 = quartiles(times[key])
        floor = median.get((size, floor_of(size, name)))
        ratio = f"{med / floor:.2f}x" if floor and size in SIZES else ""
        peak = f"{peaks[key]:.1f}" if peaks[key] is not None else "n/a"
        print(f"| {size} | {name} | {med:.1f} ({q1:.1f}-{q3:.1f}) | {ratio} | {peak} |")
    print("\nTargets (issue 7):\n")
    for line in targets(median, peaks):
        print(f"- {line}")


def targets(median: dict, peaks: dict) -> list[str]:
    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    render = [median[(s, "skillforge")] / median[(s, "cp -r")] for s in SIZES]
    commit = [median[(s, "skillforge + commit")] / median[(s, "cp -r + git")] for s in SIZES]
    cookie = [median[(s, "cookiecutter")] / median[(s, "skillforge")] for s in SIZES]
    version = median[("start-up", "skillforge --version")]
    peak = max(peaks[("1000", n)] or 0 for n in ("skillforge", "skillforge + commit"))
    show = lambda values: ", ".join(f"{v:.2f}x" for v in values)  # noqa: E731
    return [
        f"render only within 1.5x of cp -r at 10/100/1000 files: {show(render)}: {verdict(max(render) <= 1.5)}",
        f"render + first commit no slower than cp -r + git: {show(commit)}: {verdict(max(commit) <= 1.0)}",
        f"at least 20x faster than cookiecutter: {show(cookie)}: {verdict(min(cookie) >= 20)}",
        f"--version under 5 ms: {version:.1f} ms: {verdict(version < 5)}",
        f"peak memory under 15 MiB at 1000 files: {peak:.1f} MiB: {verdict(0 < peak < 15)}",
        f"largest embedded plan end to end: {median[('largest plan', 'skillforge')]:.1f} ms, "
        f"{median[('largest plan', 'skillforge + commit')]:.1f} ms with the first commit",
    ]


if __name__ == "__main__":
    main()
