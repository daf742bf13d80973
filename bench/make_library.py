"""Writes a synthetic blueprint library: BASES bases and ADDONS add-ons, each a folder with a
manifest of about 20 KB (the size of the real ones), a small template and one step per task.

Used by `cargo bench --bench internals` (the planner over a library of that size) and, by
hand, to measure start-up with a big embedded library: write the folders into `blueprints/`
of a scratch copy of the repository and build it there (never commit them).

Skills come from the real catalog (blueprints/skills.toml); add-ons apply to a few bases or
to all, and some require or conflict with an earlier add-on, as the real ones can. The
output is the same for the same arguments.

Usage: python3 bench/make_library.py OUT [BASES [ADDONS]]   (default 30 and 20)"""

from __future__ import annotations

import random
import sys
import tomllib
from pathlib import Path

CATALOG = Path(__file__).resolve().parent.parent / "blueprints" / "skills.toml"
TASKS = 8
PROSE = (
    "The starter works but takes the shortest path; this task asks for the version a "
    "reviewer would accept: the edge cases named, the errors plain, the behaviour pinned "
    "down by a test that fails today and passes once the change is made. "
)


def practicable_skills() -> list[str]:
    catalog = tomllib.loads(CATALOG.read_text())
    return [s["id"] for s in catalog["skills"] if s.get("practicable", True)]


def quoted(items: list[str]) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def paragraph(words: int, rng: random.Random) -> str:
    text = (PROSE * (words // 40 + 1)).split()
    start = rng.randrange(0, 20)
    lines, line = [], []
    for word in text[start : start + words]:
        line.append(word)
        if len(" ".join(line)) > 80:
            lines.append(" ".join(line))
            line = []
    return "\n".join(lines + [" ".join(line)])


def task(bp: str, index: int, skills: list[str], rng: random.Random) -> str:
    requires = f'requires = ["{bp}-t{index - 1}"]\n' if index and rng.random() < 0.4 else ""
    hints = ", ".join(f"'''{paragraph(30, rng)}'''" for _ in range(3))
    return (
        f'\n[[tasks]]\nid = "{bp}-t{index}"\ntitle = "Task {index} of {bp}"\n'
        f'summary = "{paragraph(14, rng).replace(chr(10), " ")}"\n'
        f"description = '''\n{paragraph(220, rng)}\n'''\n"
        f"skills = {quoted(skills)}\n{requires}hints = [{hints}]\n"
        f'tests = ["tests/test_{bp.replace("-", "_")}.py::test_t{index}"]\n'
    )


def manifest(bp: str, kind: str, rules: str, skills: list[str], rng: random.Random) -> str:
    head = (
        f'schema = 2\nid = "{bp}"\nkind = "{kind}"\nversion = "1.0.0"\n'
        f'title = "Synthetic {kind} {bp}"\nsummary = "{paragraph(16, rng).replace(chr(10), " ")}"\n'
        f"description = '''\n{paragraph(300, rng)}\n'''\n"
        f'difficulty = "{rng.choice(["beginner", "intermediate", "advanced"])}"\n'
        f"hours = {rng.randint(2, 12)}\nskills = {quoted(skills[:3])}\n{rules}"
        f'\n[[readme]]\nheading = "About {bp}"\nbody = \'\'\'\n{paragraph(200, rng)}\n\'\'\'\n'
    )
    tasks = [task(bp, i, rng.sample(skills, rng.randint(1, 2)), rng) for i in range(TASKS)]
    return head + "".join(tasks)


def write(folder: Path, bp: str, text: str) -> None:
    module = bp.replace("-", "_")
    (folder / "template" / "tests").mkdir(parents=True, exist_ok=True)
    (folder / "steps").mkdir(exist_ok=True)
    (folder / "blueprint.toml").write_text(text)
    (folder / "template" / f"{module}.py").write_text(f'"""{bp}."""\n\nVALUE = 0\n')
    tests = "".join(f"\n\ndef test_t{i}():\n    assert True\n" for i in range(TASKS))
    (folder / "template" / "tests" / f"test_{module}.py").write_text(f'"""{bp}."""\n{tests}')
    for i in range(TASKS):
        (folder / "steps" / f"{bp}-t{i}.patch").write_text(
            f"--- a/{module}.py\n+++ b/{module}.py\n@@ -1,3 +1,3 @@\n"
            f' """{bp}."""\n \n-VALUE = {i}\n+VALUE = {i + 1}\n'
        )


def main() -> None:
    out = Path(sys.argv[1])
    bases = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    addons = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    rng = random.Random(13)
    skills = practicable_skills()
    base_ids = [f"syn-base-{i:02}" for i in range(bases)]
    addon_ids = [f"syn-addon-{i:02}" for i in range(addons)]
    for bp in base_ids:
        own = rng.sample(skills, 6)
        write(out / bp, bp, manifest(bp, "base", "", own, rng))
    for i, bp in enumerate(addon_ids):
        own = rng.sample(skills, 4)
        applies = ["*"] if rng.random() < 0.5 else rng.sample(base_ids, min(bases, 8))
        rules = f"applies-to = {quoted(applies)}\n"
        if i and rng.random() < 0.2:
            rules += f"requires = {quoted([rng.choice(addon_ids[:i])])}\n"
        elif i and rng.random() < 0.2:
            rules += f"conflicts = {quoted([rng.choice(addon_ids[:i])])}\n"
        write(out / bp, bp, manifest(bp, "addon", rules, own, rng))


if __name__ == "__main__":
    main()
