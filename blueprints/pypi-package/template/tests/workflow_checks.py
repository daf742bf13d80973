"""Reading a GitHub Actions workflow as a runner does: YAML first, then shell commands.

The workflow tests use these helpers to see what a job would really do on GitHub:
which commands its ``run:`` scripts run (``ruff check`` as a command of its own,
not inside ``echo`` or before ``|| true``), in which order its steps come, and
whether every ``uses:`` names a real release of its action.

Scripts are read with ``shlex``, line by line, the way ``bash -e`` (the runner's
default shell) would run them. A command that cannot fail its step (after
``||``, inside an ``if``, piped, backgrounded, after ``exit`` or ``set +e``) is
kept, with the reason, so that a test can say why it does not count.
"""

import re
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from action_pins import PINS

Workflow = dict[Any, Any]
Job = dict[str, Any]
Step = dict[str, Any]

_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=.*", re.DOTALL)
_PYTHON = re.compile(r"python(3(\.[0-9]+)?)?")
_SEPARATORS = {";", "&&", "||", "|", "|&", "&", ";;", "(", ")", "()"}
_OPENERS = {"if", "while", "until", "for", "case", "select", "{"}
_CLOSERS = {"fi", "done", "esac", "}"}
_CONTINUERS = {"then", "do", "else", "elif"}
# Options of `uv run`, `uvx` and `uv tool run` that take a value as the next word.
_UV_VALUE_OPTIONS = {
    "--group",
    "--only-group",
    "--extra",
    "--python",
    "-p",
    "--with",
    "--with-editable",
    "--with-requirements",
    "--from",
    "--project",
    "--directory",
    "--package",
    "--env-file",
    "--index",
    "--default-index",
    "--index-url",
    "--extra-index-url",
    "--find-links",
    "-f",
    "--config-file",
    "--cache-dir",
}
# Variables that change what ruff, mypy or pytest check without showing it in the command.
_TOOL_VARIABLES = re.compile(r"(PYTEST_|RUFF_|MYPY|BASH_ENV$|ENV$|BASH_FUNC)")
# The commands a tool or install step may run, one plain command a line: nothing
# else in such a step (`set`, `trap`, `cd`, a function, a subshell) can change them.
_PLAIN_HEADS = {"pip", "pip3", "uv", "uvx", "ruff", "mypy", "pytest", "twine"}
_PLAIN_HEADS |= {"zizmor", "pyproject-build", "echo"}
_SHELLS = {None, "bash", "sh"}


def triggers(workflow: Workflow) -> Any:
    """The ``on:`` of a workflow: YAML 1.1 reads an unquoted ``on`` as ``True``."""
    return workflow.get(True, workflow.get("on"))


def jobs(workflow: Workflow) -> dict[str, Job]:
    found = workflow.get("jobs")
    assert isinstance(found, dict), "the workflow has no jobs"
    return found


def job_named(workflow: Workflow, name: str) -> Job:
    assert name in jobs(workflow), f"no job called {name}"
    job = jobs(workflow)[name]
    assert isinstance(job, dict), f"job {name} is not a mapping"
    return job


def steps(job: Job) -> list[Step]:
    found = job.get("steps", [])
    assert isinstance(found, list), "`steps:` is not a list"
    return [step for step in found if isinstance(step, dict)]


def action_of(step: Step) -> str | None:
    """``actions/checkout`` for ``uses: actions/checkout@...``, else None."""
    uses = step.get("uses")
    return uses.partition("@")[0] if isinstance(uses, str) else None


def steps_using(job: Job, action: str) -> list[Step]:
    return [step for step in steps(job) if action_of(step) == action]


def first_step_using(job: Job, *actions: str) -> int | None:
    """The index of the first step that uses one of ``actions``."""
    for index, step in enumerate(steps(job)):
        if action_of(step) in actions:
            return index
    return None


def with_of(step: Step) -> dict[str, Any]:
    options = step.get("with") or {}
    assert isinstance(options, dict), f"{step.get('uses')}: `with:` is not a mapping"
    return options


# ---------------------------------------------------------------- action pins


def pin_problems(workflow: Workflow, text: str) -> list[str]:
    """What is wrong with each ``uses:`` of the workflow, checked against PINS."""
    problems: list[str] = []
    for name, job in jobs(workflow).items():
        uses = [job["uses"]] if isinstance(job.get("uses"), str) else []
        uses += [
            step["uses"] for step in steps(job) if isinstance(step.get("uses"), str)
        ]
        for value in uses:
            problem = _pin_problem(value, text)
            if problem:
                problems.append(f"job {name}: `uses: {value}`: {problem}")
    return problems


def _pin_problem(value: str, text: str) -> str | None:
    action, _, ref = value.partition("@")
    releases = PINS.get(action)
    if releases is None:
        known = ", ".join(sorted(PINS))
        return f"the tests know the releases of {known}: use those actions"
    choices = "; ".join(f"`{action}@{sha} # {tag}`" for sha, tag in releases.items())
    if ref not in releases:
        what = (
            "a tag, which can move" if not re.fullmatch(r"[0-9a-f]{40}", ref) else None
        )
        what = what or "not the commit of a release of the action that the tests know"
        return f"{ref!r} is {what}; pin one of {choices}"
    tag = releases[ref]
    comments = re.findall(
        rf"uses:\s*['\"]?{re.escape(value)}['\"]?[ \t]*#[ \t]*(\S+)", text
    )
    if not comments:
        return f"name the release in a comment after the SHA: `# {tag}`"
    for comment in comments:
        if comment != tag and not tag.startswith(comment + "."):
            return f"the comment says {comment}, but {ref} is {tag}"
    return None


# ---------------------------------------------------------------- shell commands


@dataclass(frozen=True)
class Command:
    """One simple command of a step's ``run:`` script."""

    order: int
    """Its position among the commands of the job."""
    step: int
    """The index of its step in the job."""
    line: str
    """The line of the script it is on."""
    argv: tuple[str, ...]
    """The tool and its arguments: launchers (``python -m``, ``uv run``, ``uvx``,
    ``.venv/bin/``) and variable assignments removed."""
    via_uv: bool
    """Whether ``uv run`` or ``uvx`` runs it, installing what it needs."""
    ignored: str | None
    """Why a failure of this command would not fail its step, or None."""
    unplain: str | None = None
    """Why its step's script is more than plain commands, one a line, or None."""

    def runs(self, *prefix: str) -> bool:
        return self.argv[: len(prefix)] == prefix


def commands(workflow: Workflow, job_name: str) -> list[Command]:
    """Every simple command the ``run:`` steps of a job run, in order."""
    job = job_named(workflow, job_name)
    found: list[Command] = []
    for index, step in enumerate(steps(job)):
        script = step.get("run")
        if not isinstance(script, str):
            continue
        setting = _setting_problem(workflow, job, step)
        unplain = _unplain(script)
        for line, words, reason in _script_commands(script):
            launched = _tool_argv(words)
            if launched is None:
                continue
            argv, via_uv = launched
            found.append(
                Command(
                    len(found), index, line, argv, via_uv, setting or reason, unplain
                )
            )
    return found


def _setting_problem(workflow: Workflow, job: Job, step: Step) -> str | None:
    """Why no command of ``step`` can fail it, whatever the script says."""
    for where, holder in (("the step", step), ("the job", job)):
        value = holder.get("continue-on-error")
        if value not in (None, False):
            return f"{where} has `continue-on-error: {value}`, so a failure passes"
        if "if" in holder:
            return f"{where} runs only `if: {holder['if']}`; remove the condition"
    for where, holder in (
        ("the workflow", workflow),
        ("the job", job),
        ("the step", step),
    ):
        variables = holder.get("env") or {}
        noisy = [name for name in variables if _TOOL_VARIABLES.match(str(name))]
        startup = [name for name in noisy if "ENV" in str(name) or "FUNC" in str(name)]
        if startup:
            return (
                f"{where} sets {', '.join(startup)}, which makes the shell run "
                "other code before every script; remove it"
            )
        if noisy:
            return (
                f"{where} sets {', '.join(noisy)}, which changes what the tools check"
            )
    run_defaults = [
        (holder.get("defaults") or {}).get("run") or {} for holder in (workflow, job)
    ]
    shells = [step.get("shell"), *(defaults.get("shell") for defaults in run_defaults)]
    for shell in shells:
        if shell not in _SHELLS:
            return f"`shell: {shell}` is not the runner's `bash -e`; remove it"
    folders = [step.get("working-directory")]
    folders += [defaults.get("working-directory") for defaults in run_defaults]
    for folder in folders:
        if folder not in (None, ".", "./"):
            return f"it runs in `{folder}`, not at the root of the repository"
    return None


def _unplain(script: str) -> str | None:
    """Why ``script`` is not just plain commands, one a line, or None.

    A step that runs a tool (or installs one) must be nothing but such
    commands: then no other word of the script can undo what they do.
    """
    for line in script.replace("\\\n", " ").splitlines():
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            words = list(lexer)
        except ValueError:
            return f"`{text}` leaves a quote open"
        for word in words:
            if set(word) <= set("();<>|&"):
                return (
                    f"`{text}`: `{word}` makes it more than one plain command; "
                    "write one command a line, without `&&`, `||`, `;`, pipes, "
                    "redirections or subshells"
                )
        if "$" in text or "`" in text:
            return f"`{text}`: no variables or substitutions in a tool's step"
        head = words[0].rsplit("/", 1)[-1] if words else ""
        if not (_PYTHON.fullmatch(head) or head in _PLAIN_HEADS):
            return (
                f"`{text}`: a step that runs or installs a tool runs only "
                "the tool (python -m ..., pip, uv, ruff, mypy, pytest, twine), "
                f"not `{head}`"
            )
        if head in ("uv", "uvx") and any(
            word in ("--python", "-p") or word.startswith("--python=") for word in words
        ):
            return f"`{text}`: `--python` overrides the Python that the step set up"
    return None


def _script_commands(script: str) -> Iterator[tuple[str, list[str], str | None]]:
    """Each simple command of ``script``: its line, its words, why it cannot fail."""
    depth = 0
    stopped: str | None = None
    heredoc: str | None = None
    for line in script.replace("\\\n", " ").splitlines():
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        try:
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            tokens = list(lexer)
        except ValueError:
            continue  # an unfinished quote: nothing on this line counts
        for words, before, after, heredoc_word in _simple_commands(tokens):
            heredoc = heredoc_word or heredoc
            if not words:
                continue
            head = words[0]
            conditional = depth > 0
            if head in _OPENERS:
                depth += 1
                conditional = True
            elif head in _CLOSERS:
                depth = max(0, depth - 1)
                continue
            elif head in _CONTINUERS:
                conditional = True
            while words and words[0] in _OPENERS | _CONTINUERS:
                words = words[1:]
            if not words:
                continue
            reason = stopped or _ignored(words, before, after, conditional)
            yield line.strip(), words, reason
            if words[0] in ("exit", "return", "exec"):
                stopped = f"it comes after `{' '.join(words)}`, so it never runs"
            if words[0] == "set" and any(
                word.startswith("+") and ("e" in word or word == "+o")
                for word in words[1:]
            ):
                stopped = "after `set +e`, a failure no longer stops the script"


def _simple_commands(
    tokens: list[str],
) -> Iterator[tuple[list[str], str | None, str | None, str | None]]:
    """Split one line's tokens into simple commands.

    Yields the words of each, the operators before and after it, and the
    delimiter of a here-document it starts, if any.
    """
    words: list[str] = []
    before: str | None = None
    heredoc: str | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token == "(" and words and words[-1].endswith(("$", "<", ">")):
            index = _skip_group(tokens, index)  # $( ... ): an argument, not a command
            words[-1] += "(...)"
            continue
        if token in _SEPARATORS:
            yield words, before, token, heredoc
            words, before, heredoc = [], token, None
        elif set(token) <= set("<>&") and ("<" in token or ">" in token):
            if words and words[-1].isdigit():
                words.pop()  # the file descriptor of `2>&1`
            if token in ("<<", "<<-") and index + 1 < len(tokens):
                heredoc = tokens[index + 1].strip("'\"")
            index += 1  # the target of the redirection
        else:
            words.append(token)
        index += 1
    yield words, before, None, heredoc


def _skip_group(tokens: list[str], index: int) -> int:
    depth = 0
    while index < len(tokens):
        depth += tokens[index].count("(") - tokens[index].count(")")
        index += 1
        if depth <= 0:
            break
    return index


def _ignored(
    words: list[str], before: str | None, after: str | None, conditional: bool
) -> str | None:
    if conditional:
        return "it runs inside an `if`, a loop or a function, not for sure"
    if words[0] == "!":
        return "`!` turns its failure into a success"
    if after == "||":
        return "`||` after it turns its failure into a success"
    if after in ("|", "|&"):
        return "it is piped: the step sees the status of the last command of the pipe"
    if after == "&":
        return "`&` runs it in the background"
    if before == "||":
        return "after `||`, it runs only when the command before it fails"
    return None


def _tool_argv(words: list[str]) -> tuple[tuple[str, ...], bool] | None:
    """The command that ``words`` runs, without its launcher, and whether uv runs it."""
    index = 0
    while index < len(words) and _ASSIGNMENT.fullmatch(words[index]):
        index += 1
    if words[index : index + 1] == ["env"]:
        return _tool_argv(words[index + 1 :])
    rest = words[index:]
    if not rest:
        return None
    head = rest[0].rsplit("/", 1)[-1]
    if _PYTHON.fullmatch(head):
        if len(rest) >= 3 and rest[1] == "-m":
            return _tool_argv(rest[2:])
        return ("python", *rest[1:]), False
    if head == "uv" and rest[1:2] == ["run"]:
        launched = _tool_argv(_after_options(rest[2:]))
        return (launched[0], True) if launched else None
    if head == "uvx" or (head == "uv" and rest[1:3] == ["tool", "run"]):
        tool = _after_options(rest[1:] if head == "uvx" else rest[3:])
        return ((tool[0].partition("@")[0], *tool[1:]), True) if tool else None
    if head == "uv" and rest[1:2] == ["pip"]:
        return ("pip", *rest[2:]), False
    if head == "pip3":
        head = "pip"
    return (head, *rest[1:]), False


def _after_options(words: list[str]) -> list[str]:
    index = 0
    while index < len(words) and words[index].startswith("-"):
        if words[index] == "--":
            return words[index + 1 :]
        index += 2 if words[index] in _UV_VALUE_OPTIONS else 1
    return words[index:]


# ---------------------------------------------------------------- checking a tool


@dataclass(frozen=True)
class Tool:
    """A command a job must run, and the arguments that keep it honest."""

    name: str
    """How messages name it: ``ruff check``."""
    prefix: tuple[str, ...]
    """What the command's ``argv`` starts with: ``("ruff", "check")``."""
    packages: frozenset[str]
    """The distributions it needs installed (by name or through a group)."""
    options: str = ""
    """A regular expression of the options it may take (``--opt=value`` is matched
    as ``--opt``); any other option changes what it checks."""
    valued: frozenset[str] = frozenset()
    """Options whose value is the next word."""
    required: tuple[frozenset[str], ...] = ()
    """Sets of options of which at least one must be given (``--check``)."""
    paths: frozenset[str] | None = None
    """The positional arguments it may take; None: any."""
    needs_project: bool = False
    """Whether the project itself must be installed first (to import it)."""

    def problem(self, argv: tuple[str, ...]) -> str | None:
        """Why ``argv`` would not run the tool as the task asks, or None."""
        given: set[str] = set()
        args = list(argv[len(self.prefix) :])
        while args:
            arg = args.pop(0)
            if arg.startswith("-") and arg != "-":
                option = arg.partition("=")[0]
                if not re.fullmatch(self.options, option):
                    return f"`{arg}` changes what it does: drop it"
                given.add(option)
                if option in self.valued and "=" not in arg and args:
                    args.pop(0)
            elif self.paths is not None and arg.rstrip("/") not in self.paths:
                allowed = ", ".join(f"`{path}`" for path in sorted(self.paths))
                return f"`{arg}` limits what it checks: give {allowed} or no path"
        for choice in self.required:
            if not given & choice:
                return f"it needs `{'` or `'.join(sorted(choice))}`"
        return None


def assert_runs(
    workflow: Workflow,
    job_name: str,
    tool: Tool,
    pyproject: dict[str, Any],
) -> Command:
    """The command of the job that runs ``tool`` for real, after what it needs.

    Fails, saying why, unless a ``run:`` step runs it as a command whose
    failure fails the job, after a checkout of the code and an install of the
    tool (by ``uv run``/``uvx``, or an earlier ``pip install`` / ``uv sync``).
    """
    job = job_named(workflow, job_name)
    found = commands(workflow, job_name)
    reasons: list[str] = []
    for command in found:
        if not command.runs(*tool.prefix):
            continue
        problem = command.ignored or command.unplain or tool.problem(command.argv)
        if problem is None:
            break
        reasons.append(f"`{command.line}`: {problem}")
    else:
        if reasons:
            raise AssertionError(
                f"job {job_name} runs no `{tool.name}` that can fail it: "
                + "; ".join(reasons)
            )
        raise AssertionError(
            f"job {job_name} runs no `{tool.name}` command in a `run:` step "
            "(words inside `echo` or a quoted string are not a command)"
        )
    for index, step in enumerate(steps(job)):
        script = str(step.get("run", ""))
        for variable in ("GITHUB_ENV", "GITHUB_PATH"):
            assert variable not in script, (
                f"job {job_name}, step {index + 1}: writing to ${variable} changes "
                "what later steps run; set nothing there"
            )
    checkout = first_step_using(job, "actions/checkout")
    no_checkout = (
        f"job {job_name} never checks out the code before `{command.line}`: a job "
        "starts on an empty machine; add an `actions/checkout` step before it"
    )
    assert checkout is not None, no_checkout
    assert checkout < command.step, no_checkout
    setup = first_step_using(job, "actions/setup-python", "astral-sh/setup-uv")
    no_python = (
        f"job {job_name} never sets up Python before `{command.line}`: add an "
        "`actions/setup-python` (or `astral-sh/setup-uv`) step before it"
    )
    assert setup is not None, no_python
    assert setup < command.step, no_python
    if command.via_uv:
        return command
    earlier = [
        other
        for other in installers(workflow, job_name)
        if other.order < command.order and other.step > setup
    ]
    provided: set[str] = set()
    for other in earlier:
        assert other.unplain is None, (
            f"job {job_name}: the install step `{other.line}`: {other.unplain}"
        )
        provided |= named_packages(other)
        if installs_project(other):
            provided |= group_members(pyproject, installed_groups(other))
    missing = sorted(tool.packages - provided)
    assert not missing, (
        f"job {job_name}: nothing installs {', '.join(missing)} before "
        f"`{command.line}` (after setting up Python): install the project with the "
        "dependency group that holds it (`python -m pip install -e . --group ...`)"
    )
    if tool.needs_project:
        assert any(installs_project(other) for other in earlier), (
            f"job {job_name}: install the project itself (`-e .`) before "
            f"`{command.line}`, so that the tests can import it"
        )
    return command


def installers(workflow: Workflow, job_name: str) -> list[Command]:
    """The commands of a job that install packages: ``pip install``, ``uv sync``."""
    return [
        command
        for command in commands(workflow, job_name)
        if command.ignored is None
        and (command.runs("pip", "install") or command.runs("uv", "sync"))
    ]


def installed_groups(command: Command) -> set[str]:
    """The dependency groups an install command installs, ``*`` for all."""
    args = list(command.argv[2:])
    groups: set[str] = set()
    if command.runs("uv", "sync") and not {"--no-dev", "--no-default-groups"} & set(
        args
    ):
        groups.add("dev")
    for index, arg in enumerate(args):
        if arg in ("--group", "--only-group") and index + 1 < len(args):
            groups.add(args[index + 1].rpartition(":")[2])
        elif arg.startswith(("--group=", "--only-group=")):
            groups.add(arg.partition("=")[2].rpartition(":")[2])
        elif arg == "--all-groups":
            groups.add("*")
    return groups


def installs_project(command: Command) -> bool:
    args = command.argv[2:]
    if command.runs("uv", "sync"):
        return "--no-install-project" not in args
    return any(arg in (".", "./", "-e.", "--editable=.") for arg in args)


def named_packages(command: Command) -> set[str]:
    """The packages an install command names: ``build`` for ``pip install -U build``."""
    return {
        _distribution(arg)
        for arg in command.argv[2:]
        if re.match(r"[A-Za-z]", arg) and arg != "install"
    }


def group_members(pyproject: dict[str, Any], groups: Iterable[str]) -> set[str]:
    """The packages that ``groups`` of ``[dependency-groups]`` hold, includes expanded."""
    table: dict[str, list[Any]] = pyproject.get("dependency-groups", {})
    todo = list(table) if "*" in groups else list(groups)
    seen: set[str] = set()
    members: set[str] = set()
    while todo:
        group = todo.pop()
        if group in seen:
            continue
        seen.add(group)
        for entry in table.get(group, []):
            if isinstance(entry, dict):
                todo.append(str(entry.get("include-group")))
            else:
                members.add(_distribution(str(entry)))
    return members


def _distribution(requirement: str) -> str:
    name = re.split(r"[<>=!~\[; @]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()
