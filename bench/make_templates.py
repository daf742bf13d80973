"""Writes the same synthetic project template in the formats of skillforge, cookiecutter and
copier, plus the rendered tree, for the speed comparison in bench/run.

Each template has N files of about 60 lines with 5 substituted variables each, spread over a
few folders, some with the project slug in their names."""

from __future__ import annotations

import json
import sys
from pathlib import Path

VARIABLES = {
    "slug": "bench_project",
    "title": "Bench Project",
    "owner": "Ada Lovelace",
    "contact": "ada@example.com",
    "release": "0.1.0",
}


def body(index: int, ref: dict[str, str]) -> str:
    """About 60 lines of Python-like text using each variable once."""
    lines = [
        f'"""Module {index} of {ref["title"]}."""',
        "",
        f'AUTHOR = "{ref["owner"]}"',
        f'EMAIL = "{ref["contact"]}"',
        f'VERSION = "{ref["release"]}"',
        f'PACKAGE = "{ref["slug"]}"',
        "",
    ]
    for n in range(26):
        lines += [f"def function_{n}(value: int) -> int:", f"    return value * {n} + {index}"]
    lines.append("")
    return "\n".join(lines)


def path_of(index: int, slug: str) -> str:
    folder = f"pkg{index % 5}"
    name = f"{slug}_mod{index}.py" if index % 10 == 0 else f"mod{index}.py"
    return f"src/{slug}/{folder}/{name}"


def main(out: Path, count: int) -> None:
    # skillforge: a base blueprint with no tasks; the variables come from its answers.
    sf = out / "skillforge"
    (sf / "template").mkdir(parents=True)
    questions = "".join(
        f'\n[[questions]]\nid = "{k}"\nprompt = "{k}"\ntype = "string"\ndefault = "{v}"\n'
        for k, v in VARIABLES.items()
        if k != "slug"
    )
    (sf / "blueprint.toml").write_text(
        'schema = 1\nid = "bench"\nkind = "base"\nversion = "1.0.0"\ntitle = "Bench"\n'
        'summary = "Synthetic"\ndifficulty = "beginner"\nhours = 1\nskills = []\n' + questions
    )
    sf_ref = {k: "{{answers." + k + "}}" for k in VARIABLES}
    sf_ref["slug"] = "{{project.package}}"
    # cookiecutter
    cc = out / "cookiecutter"
    cc.mkdir()
    (cc / "cookiecutter.json").write_text(json.dumps({"project_slug": VARIABLES["slug"], **VARIABLES}))
    cc_ref = {k: "{{cookiecutter." + k + "}}" for k in VARIABLES}
    cc_ref["slug"] = "{{cookiecutter.project_slug}}"
    # copier
    cp = out / "copier"
    (cp / "template").mkdir(parents=True)
    (cp / "copier.yml").write_text(
        "_subdirectory: template\n" + "".join(f"{k}:\n  type: str\n  default: {v}\n" for k, v in VARIABLES.items())
    )
    cp_ref = {k: "{{ " + k + " }}" for k in VARIABLES}
    # the rendered tree, the floor for cp -r
    rendered = out / "rendered"
    for i in range(count):
        (target := sf / "template" / (path_of(i, sf_ref["slug"]) + ".hbs")).parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body(i, sf_ref))
        (target := cc / "{{cookiecutter.project_slug}}" / path_of(i, cc_ref["slug"])).parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body(i, cc_ref))
        (target := cp / "template" / (path_of(i, cp_ref["slug"]) + ".jinja")).parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body(i, cp_ref))
        (target := rendered / path_of(i, VARIABLES["slug"])).parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body(i, VARIABLES))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
