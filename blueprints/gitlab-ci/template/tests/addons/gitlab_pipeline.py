"""The pipeline as GitLab reads it, and its job scripts as the runner's bash runs them.

``tests/addons/test_gitlab_ci.py`` checks ``.gitlab-ci.yml`` with these helpers.
GitLab's own rules, in the order it applies them:

- the file is YAML where a key given twice is an error, and ``!reference [job,
  key]`` copies another job's value (a list inside a script list is spliced in);
- a job is a top-level mapping whose name is not a keyword and does not start
  with a dot (a hidden job, only there to be extended);
- ``extends`` merges the jobs it names under the job, mappings key by key and
  anything else replaced; then every ``default:`` key the job does not set (and
  ``inherit: default:`` does not refuse) is added;
- ``workflow: rules:`` decides whether a pipeline is made at all: the first rule
  whose ``if:`` holds decides, and none holding means no pipeline;
- the runner runs ``before_script`` and ``script`` as one bash script under
  ``set -eo pipefail``; ``after_script`` runs in another shell whose failure is
  ignored.

Each script line is parsed with bashlex, and a command counts only when bash
stops the job at its failure.
"""

import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bashlex
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / ".gitlab-ci.yml"
# Top-level keys that are not jobs (GitLab's CI/CD YAML syntax reference).
KEYWORDS = {
    "default", "include", "stages", "variables", "workflow", "spec", "image",
    "services", "cache", "before_script", "after_script",
}  # fmt: skip
# Keys `default:` may give every job.
DEFAULT_KEYS = {
    "after_script", "artifacts", "before_script", "cache", "hooks", "id_tokens",
    "image", "interruptible", "retry", "services", "tags", "timeout",
}  # fmt: skip
# Variables that change what pytest, mypy, ruff or pip check or install, or which
# programs run; and the few of those families that only change how output looks
# or where a cache lives.
TAMPERING_VARIABLE = re.compile(
    r"PYTEST_\w+|MYPY\w*|RUFF_\w+|PATH|PYTHON[A-Z]\w*|PIP_\w+|UV_\w+|VIRTUAL_ENV"
    r"|GIT_STRATEGY|GIT_CHECKOUT|GIT_CLONE_PATH|CI_BUILDS_DIR|CI_PROJECT_DIR"
    r"|BASH_ENV|ENV|SHELLOPTS|BASHOPTS|IFS|CDPATH|GLOBIGNORE|PROMPT_COMMAND"
)
HARMLESS_VARIABLES = {
    "MYPY_FORCE_COLOR", "RUFF_OUTPUT_FORMAT", "RUFF_NO_CACHE", "PIP_CACHE_DIR",
    "PIP_DISABLE_PIP_VERSION_CHECK", "PIP_NO_COLOR", "PIP_PROGRESS_BAR",
    "PIP_ROOT_USER_ACTION", "UV_CACHE_DIR", "UV_NO_PROGRESS", "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
}  # fmt: skip


# The file, read as GitLab reads it.


@dataclass(frozen=True)
class Reference:
    """A ``!reference [job, key, ...]`` tag, resolved once the file is read."""

    path: tuple[str, ...]


class PipelineLoader(yaml.SafeLoader):
    """PyYAML's safe loader, knowing GitLab's ``!reference`` tag."""


def construct_reference(loader: PipelineLoader, node: yaml.Node) -> Reference:
    if not isinstance(node, yaml.SequenceNode):
        raise yaml.constructor.ConstructorError(
            None, None, "!reference takes a list: [job, key]", node.start_mark
        )
    return Reference(tuple(str(item.value) for item in node.value))


PipelineLoader.add_constructor("!reference", construct_reference)


def repeated_keys(node: yaml.Node) -> Iterator[str]:
    """Each key given twice in one mapping of the composed document, with its line."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                if key.value in seen:
                    yield f"{key.value} (line {key.start_mark.line + 1})"
                seen.add(key.value)
            yield from repeated_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from repeated_keys(item)


def resolve(value: Any, document: dict[str, Any], depth: int = 0) -> Any:
    """``value`` with every ``!reference`` replaced by what it names."""
    if depth > 10:
        pytest.fail(".gitlab-ci.yml: !reference nested more than 10 deep")
    if isinstance(value, Reference):
        found: Any = document
        for key in value.path:
            if not isinstance(found, dict) or key not in found:
                pytest.fail(
                    f".gitlab-ci.yml: !reference {list(value.path)} names nothing"
                )
            found = found[key]
        return resolve(found, document, depth + 1)
    if isinstance(value, dict):
        return {key: resolve(item, document, depth) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, document, depth) for item in value]
    return value


def load(path: Path = PIPELINE) -> dict[str, Any]:
    """The file's mapping, ``!reference`` tags resolved."""
    if not path.is_file():
        pytest.fail(f"{path.name} is missing: GitLab runs no pipeline without it")
    text = path.read_text(encoding="utf-8")
    try:
        composed = yaml.compose(text, Loader=PipelineLoader)
        twice = list(repeated_keys(composed)) if composed is not None else []
        document = yaml.load(text, Loader=PipelineLoader)
    except yaml.YAMLError as error:
        pytest.fail(f"{path.name} is not valid YAML: {error}")
    assert not twice, f"{path.name} gives a key twice: {', '.join(twice)}"
    assert isinstance(document, dict), f"{path.name} is not a mapping"
    assert "include" not in document, (
        f"{path.name} includes other files, which these tests cannot read (a template "
        "or a project elsewhere may change any job): keep the pipeline in this file"
    )
    resolved = resolve(document, document)
    assert isinstance(resolved, dict)
    return resolved


_SCHEMA_PROBLEMS: dict[tuple[Path, bytes], str] = {}
"""``schema_problem``'s answers by the file and its bytes: every test reads the file through
it, and one run of the checker costs more than most tests."""


def schema_problem(path: Path = PIPELINE) -> str:
    """What GitLab's published JSON schema of ``.gitlab-ci.yml`` (shipped with
    check-jsonschema) finds wrong in the file, or ""."""
    before = path.read_bytes() if path.is_file() else b""
    if (path, before) in _SCHEMA_PROBLEMS:
        return _SCHEMA_PROBLEMS[path, before]
    result = subprocess.run(
        [
            sys.executable, "-m", "check_jsonschema", "--builtin-schema",
            "vendor.gitlab-ci", "--data-transform", "gitlab-ci", str(path),
        ],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    problem = "" if result.returncode == 0 else (result.stdout + result.stderr).strip()
    # Kept only for the bytes the checker read: a file changed meanwhile is read again.
    if path.is_file() and path.read_bytes() == before:
        _SCHEMA_PROBLEMS[path, before] = problem
    return problem


def merged(under: Any, over: Any) -> Any:
    """``over`` merged onto ``under`` as ``extends`` merges: mappings key by key."""
    if isinstance(under, dict) and isinstance(over, dict):
        result = dict(under)
        for key, value in over.items():
            result[key] = merged(under.get(key), value)
        return result
    return over


def extended(name: str, document: dict[str, Any], chain: tuple[str, ...] = ()) -> Any:
    """The job ``name`` with what it ``extends`` merged under it."""
    if name in chain or len(chain) > 10:
        pytest.fail(f".gitlab-ci.yml: {name} extends itself, or more than 11 levels")
    job = document.get(name)
    if not isinstance(job, dict):
        pytest.fail(
            f".gitlab-ci.yml: {chain[-1] if chain else name} extends {name}, "
            "which is not a job"
        )
    parents = job.get("extends", [])
    parents = [parents] if isinstance(parents, str) else list(parents)
    base: dict[str, Any] = {}
    for parent in parents:
        base = merged(base, extended(parent, document, (*chain, name)))
    own = {key: value for key, value in job.items() if key != "extends"}
    return merged(base, own)


def defaults(document: dict[str, Any]) -> dict[str, Any]:
    """What ``default:`` (and the old top-level keys it replaced) gives each job."""
    found = {key: document[key] for key in DEFAULT_KEYS & KEYWORDS if key in document}
    return {**found, **(document.get("default") or {})}


def jobs(document: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Every job that runs, as GitLab sees it: extends merged, defaults added."""
    document = load() if document is None else document
    given = defaults(document)
    found = {}
    for name, value in document.items():
        if name in KEYWORDS or str(name).startswith(".") or not isinstance(value, dict):
            continue
        job = extended(str(name), document)
        inherit = (job.get("inherit") or {}).get("default", True)
        taken = set(given) if inherit is True else set(inherit or [])
        found[str(name)] = {**{k: v for k, v in given.items() if k in taken}, **job}
    return found


def job(name: str, document: dict[str, Any] | None = None) -> dict[str, Any]:
    found = jobs(document)
    assert name in found, (
        f"no job named `{name}` in .gitlab-ci.yml (jobs: {sorted(found) or 'none'}); "
        "a name starting with a dot is a hidden job, which never runs"
    )
    return found[name]


def stage_of(of: dict[str, Any]) -> str:
    """The job's stage: ``test`` when it names none, as GitLab says."""
    return str(of.get("stage", "test"))


def stages(document: dict[str, Any]) -> list[str]:
    """The pipeline's stages in order, with GitLab's ``.pre`` and ``.post``."""
    named = document.get("stages") or ["build", "test", "deploy"]
    return [".pre", *[str(stage) for stage in named], ".post"]


# workflow: rules, evaluated as GitLab evaluates `if:` expressions.

EXPRESSION_TOKEN = re.compile(
    r"\s*(?:(?P<var>\$\w+)|(?P<string>\"[^\"]*\"|'[^']*')"
    r"|(?P<regex>/(?:\\.|[^/])*/[a-z]*)|(?P<null>null)"
    r"|(?P<op>==|!=|=~|!~|&&|\|\||\(|\)))"
)


class Expression:
    """One ``if:`` of a rule, evaluated against a pipeline's variables."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str]] = []
        position = 0
        while position < len(text.rstrip()):
            match = EXPRESSION_TOKEN.match(text, position)
            if text.startswith("${", position):
                pytest.fail(
                    f"workflow rule `if: {text}`: GitLab's rules name a variable "
                    "`$NAME`, without braces"
                )
            if not match or match.end() == position:
                pytest.fail(
                    f"workflow rule `if: {text}`: cannot read it at {text[position:]!r}"
                )
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            position = match.end()

    def holds(self, variables: dict[str, str]) -> bool:
        self.variables, self.position = variables, 0
        value = self.either()
        if self.position != len(self.tokens):
            pytest.fail(f"workflow rule `if: {self.text}`: cannot read it")
        return bool(value)

    def peek(self) -> tuple[str, str]:
        return (
            self.tokens[self.position] if self.position < len(self.tokens) else ("", "")
        )

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.position += 1
        return token

    def joined(self, op: str, part: Callable[[], Any]) -> Any:
        """Parts joined by ``op`` (``||`` or ``&&``), each read in full, so that
        every operand is parsed whatever the value before it."""
        value = part()
        while self.peek() == ("op", op):
            self.take()
            other = part()
            value = (value or other) if op == "||" else (value and other)
        return value

    def either(self) -> Any:
        return self.joined("||", self.both)

    def both(self) -> Any:
        return self.joined("&&", self.comparison)

    def comparison(self) -> Any:
        left = self.operand()
        kind, op = self.peek()
        if kind == "op" and op in {"==", "!=", "=~", "!~"}:
            self.take()
            right = self.operand()
            if op in {"==", "!="}:
                return (left == right) == (op == "==")
            if not isinstance(right, re.Pattern):
                pytest.fail(
                    f"workflow rule `if: {self.text}`: the right of {op} is a pattern "
                    "between slashes, `/^feature\\//`"
                )
            # GitLab matches an undefined variable as an empty string.
            found = right.search("" if left is None else str(left)) is not None
            return found == (op == "=~")
        return left not in (None, "")

    def operand(self) -> Any:
        kind, text = self.take()
        if kind == "op" and text == "(":
            value = self.either()
            if self.take() != ("op", ")"):
                pytest.fail(f"workflow rule `if: {self.text}`: a `(` is not closed")
            return value
        if kind == "var":
            return self.variables.get(text.strip("${}"))
        if kind == "string":
            return text[1:-1]
        if kind == "regex":
            body, _, flags = text[1:].rpartition("/")
            if re.search(r"\(\?<?[=!]|\\[1-9]", body):
                pytest.fail(
                    f"workflow rule `if: {self.text}`: GitLab's patterns are RE2, "
                    "which has no lookaround and no backreference"
                )
            return re.compile(body, re.IGNORECASE if "i" in flags else 0)
        if kind == "null":
            return None
        pytest.fail(f"workflow rule `if: {self.text}`: unexpected {text!r}")


# The pipelines a project on GitLab sees most, with the variables GitLab sets.
PUSH_TO_MAIN = {
    "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main",
    "CI_COMMIT_REF_NAME": "main", "CI_DEFAULT_BRANCH": "main",
}  # fmt: skip
MERGE_REQUEST = {
    "CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "7",
    "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature/search",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
    "CI_COMMIT_REF_NAME": "feature/search", "CI_DEFAULT_BRANCH": "main",
}  # fmt: skip
PUSH_WITH_OPEN_MERGE_REQUEST = {
    "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "feature/search",
    "CI_COMMIT_REF_NAME": "feature/search", "CI_DEFAULT_BRANCH": "main",
    "CI_OPEN_MERGE_REQUESTS": "learner/project!7",
}  # fmt: skip


def makes_pipeline(document: dict[str, Any], variables: dict[str, str]) -> bool:
    """Whether ``workflow: rules:`` make a pipeline for a push or event with these
    variables. A file without workflow rules makes one for every push."""
    rules = (document.get("workflow") or {}).get("rules")
    # The file's own variables are read by the rules too, and win over GitLab's.
    given = document.get("variables") or {}
    variables = {**variables, **{str(k): value_of(v) for k, v in given.items()}}
    if rules is None:
        return variables["CI_PIPELINE_SOURCE"] != "merge_request_event"
    for rule in rules:
        unknown = set(rule) - {"if", "when", "variables", "auto_cancel"}
        assert not unknown, (
            f"workflow rule {rule}: keep the workflow's rules to `if:` and `when:` "
            f"({sorted(unknown)} depend on what a push changes, which these tests "
            "cannot know)"
        )
        if "if" not in rule or Expression(str(rule["if"])).holds(variables):
            return rule.get("when", "always") not in {"never"}
    return False


# Scripts, as the runner's bash runs them: `set -eo pipefail`, before_script and
# script as one script, each entry a line.

# Commands after which a later command may run elsewhere, be another program, or
# not run at all.
TAMPERERS = {
    "trap", "alias", "shopt", "enable", "cd", "pushd", "popd", "source", ".",
    "eval", "exit", "exec", "return", "unset", "hash", "builtin", "command",
    "declare", "typeset", "readonly", "local", "let", "ln", "mv", "cp", "rm",
}  # fmt: skip
# Redirections that write a file.
WRITING = {">", ">>", ">|", "&>", "&>>"}


@dataclass(frozen=True)
class Command:
    """One simple command of a job's script."""

    words: list[str]
    why_not: str
    """Why a failure of this command would not fail the job; "" when it would."""
    line: str
    writes: tuple[str, ...] = ()
    """The files its output goes to (``> file``)."""


@dataclass
class Script:
    """A walk over a script's lines, keeping what earlier commands changed."""

    errexit: bool = True
    pipefail: bool = True
    changed: str = ""
    found: list[Command] = field(default_factory=list)


def script_lines(of: dict[str, Any]) -> list[str]:
    """The job's ``before_script`` and ``script`` as the lines bash runs."""
    lines: list[str] = []

    def add(entries: Any) -> None:
        if isinstance(entries, str):
            entries = [entries]
        for entry in entries or []:
            if isinstance(entry, list):
                add(entry)
            else:
                lines.extend(str(entry).split("\n"))

    add(of.get("before_script"))
    add(of.get("script"))
    for line in lines:
        odd = [
            f"U+{ord(c):04X}" for c in line
            if c != "\t" and unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"}
        ]  # fmt: skip
        if odd:
            pytest.fail(
                f"the script line {line!r} holds {', '.join(odd)}: bash and these "
                "tests would not split it alike; keep to printable characters"
            )
    return [line for line in lines if line.strip() and not line.strip().startswith("#")]


# `set` options that change only what bash prints or how it treats unset names.
HARMLESS_OPTIONS = {"nounset", "xtrace", "verbose"}


def set_options(words: list[str], script: Script) -> None:
    """Follows ``set``: errexit and pipefail tracked, any other option but the
    harmless ones (``-n`` runs nothing more) taken as changing the script."""
    for position, word in enumerate(words[1:], start=1):
        following = words[position + 1] if position + 1 < len(words) else ""
        if word in {"-o", "+o"}:
            if following in {"errexit", "pipefail"}:
                setattr(script, following, word == "-o")
            elif following not in HARMLESS_OPTIONS:
                script.changed = f"`{' '.join(words)}` before it changes how bash runs"
        elif re.fullmatch(r"[-+][a-zA-Z]+", word):
            if "e" in word:
                script.errexit = word.startswith("-")
            if set(word[1:]) - {"e", "u", "x", "v", "o"}:
                script.changed = f"`{' '.join(words)}` before it changes how bash runs"


def words_of(node: Any) -> list[str]:
    return [part.word for part in node.parts if part.kind == "word"]


def assignments_of(node: Any) -> list[str]:
    return [part.word for part in node.parts if part.kind == "assignment"]


def writes_of(node: Any) -> tuple[str, ...]:
    return tuple(
        str(getattr(part.output, "word", part.output))
        for part in node.parts
        if part.kind == "redirect" and part.type in WRITING
    )


def judge(node: Any, line: str, script: Script, why: str) -> None:
    """Records the commands of ``node`` with why a failure of each would not fail
    the job (``why`` when an enclosing construct already says)."""
    kind = node.kind
    if kind == "command":
        words = words_of(node)
        tampering = [
            a for a in assignments_of(node)
            if variable_problem(a.partition("=")[0])
        ]  # fmt: skip
        own = f"`{tampering[0]}` changes what it checks" if tampering else ""
        if not script.errexit:
            own = own or "after `set +e` a failure does not stop the script"
        script.found.append(
            Command(words, script.changed or why or own, line, writes_of(node))
        )
        name = words[0] if words else ""
        if re.search(r"[$`]", name):
            script.changed = (
                f"`{line.strip()}` before it runs a command named by an expansion, "
                "which could be anything"
            )
        elif name == "set":
            set_options(words, script)
        elif name in {"printf", "read", "mapfile", "readarray"} and (
            name != "printf" or any(w.startswith("-v") for w in words[1:2])
        ):
            script.changed = f"`{line.strip()}` before it sets a variable"
        elif name == "export" and any(
            variable_problem(w.partition("=")[0]) for w in words[1:]
        ):
            script.changed = f"`{' '.join(words)}` before it changes what the tools do"
        elif (name in TAMPERERS and not activates(words)) or (tampering and not words):
            script.changed = (
                f"`{line.strip()}` before it changes what a command name runs, or "
                "where, or ends the script"
            )
        return
    if kind == "pipeline":
        parts = [part for part in node.parts if part.kind != "pipe"]
        if any(part.kind == "reservedword" and part.word == "!" for part in node.parts):
            why = why or "`!` turns its failure into a success"
        for part in parts:
            if part.kind == "reservedword":
                continue
            last = part is parts[-1]
            judge(
                part,
                line,
                script,
                why
                or (
                    ""
                    if last or script.pipefail
                    else "it is piped into another command, and `set +o pipefail` hides its failure"
                ),
            )
        return
    if kind == "list":
        parts = [part for part in node.parts if part.kind != "operator"]
        operators = [part.op for part in node.parts if part.kind == "operator"]
        for index, part in enumerate(parts):
            after = operators[index] if index < len(operators) else ""
            reason = why
            if not reason and "||" in operators:
                reason = (
                    "`||` joins it to another command, which runs instead of a failure"
                )
            elif not reason and after == "&":
                reason = "it runs in the background (`&`): nothing waits for it"
            elif not reason and after == "&&":
                reason = (
                    "bash -e does not stop at a failure before `&&`: put it on a "
                    "line of its own"
                )
            judge(part, line, script, reason)
        return
    if kind == "compound" or kind in {"if", "for", "while", "until", "function"}:
        for part in getattr(node, "list", None) or getattr(node, "parts", []):
            if hasattr(part, "kind") and part.kind not in {"reservedword", "operator"}:
                judge(
                    part,
                    line,
                    script,
                    why
                    or (
                        "it is inside a compound command (if, for, a subshell or braces): "
                        "put it on a line of its own"
                    ),
                )
        if kind == "function":
            script.changed = f"`{line.strip()}` before it defines a function"
        return
    # Redirections, words and the rest run nothing of their own.


def activates(words: list[str]) -> bool:
    """Whether the command is ``source .venv/bin/activate``, which only puts that
    environment first on PATH."""
    return (
        len(words) == 2
        and words[0] in {"source", "."}
        and words[1].endswith("/bin/activate")
    )


def commands(of: dict[str, Any]) -> list[Command]:
    """Every command of the job's script, in order, each with its verdict."""
    script = Script()
    for line in script_lines(of):
        try:
            nodes = bashlex.parse(line)
        except (bashlex.errors.ParsingError, NotImplementedError) as error:
            pytest.fail(f"bash cannot read the script line `{line.strip()}`: {error}")
        for node in nodes:
            judge(node, line, script, "")
    return script.found


def variable_problem(name: str) -> str:
    if TAMPERING_VARIABLE.fullmatch(name) and name not in HARMLESS_VARIABLES:
        return (
            f"the variable {name} changes what the checks check or which programs "
            "run: remove it"
        )
    return ""


def value_of(value: Any) -> str:
    """A variable's value, given plainly or as ``{value: ..., description: ...}``."""
    return str(value.get("value", "") if isinstance(value, dict) else value)


def variable_sources(
    of: dict[str, Any], document: dict[str, Any]
) -> list[dict[str, str]]:
    """Every mapping of variables that may apply to the job, weakest first: the
    pipeline's (as far as ``inherit: variables:`` takes them), each workflow rule's,
    the job's own, and each combination of its matrix."""
    inherit = (of.get("inherit") or {}).get("variables", True)
    top = document.get("variables") or {}
    taken = (
        top
        if inherit is True
        else {k: v for k, v in top.items() if k in (inherit or [])}
    )
    sources = [taken]
    sources += [
        r.get("variables") or {}
        for r in (document.get("workflow") or {}).get("rules") or []
    ]
    sources.append(of.get("variables") or {})
    parallel = of.get("parallel")
    for entry in (parallel.get("matrix") or []) if isinstance(parallel, dict) else []:
        sources.append(dict(entry))
    return [{str(k): value_of(v) for k, v in source.items()} for source in sources]


def variables_problem(of: dict[str, Any], document: dict[str, Any]) -> str:
    """Why the variables the job runs with (the pipeline's, the workflow rules', the
    job's own and its matrix's) would change what it checks, or ""."""
    given = [name for source in variable_sources(of, document) for name in source]
    for name in given:
        problem = variable_problem(str(name))
        if problem:
            return problem
    return ""


def job_problem(name: str, of: dict[str, Any]) -> str:
    """Why a failure in job ``name`` would not fail the pipeline, or ""."""
    if of.get("allow_failure") not in (None, False):
        return f"{name} has allow_failure: its failure leaves the pipeline green"
    if of.get("when", "on_success") not in {"on_success", "always"}:
        return f"{name} runs only `when: {of['when']}`: it must run in every pipeline"
    if of.get("tags"):
        return (
            f"{name} asks for runners tagged {of['tags']}: these tests cannot know your "
            "runners, and a tag no runner has leaves the job waiting; leave `tags:` out"
        )
    for key in ("rules", "only", "except", "trigger"):
        if key in of:
            return (
                f"{name} has `{key}:`: a check job runs in every pipeline the workflow "
                "makes; say which pipelines run in `workflow: rules:`"
            )
    return ""


# Programs, as a script line names them.

PYTHON = re.compile(r"python(?:3(?:\.\d+)?)?")
# Programs that run another one: the options each may take before it, and whether
# the option takes a value. Any other option (`uv run --directory`) may change what
# runs, or where: such a line does not count as the check.
WRAPPERS: dict[tuple[str, ...], dict[str, bool]] = {
    ("uv", "run"): {
        **dict.fromkeys(["--frozen", "--locked", "--no-sync", "--all-groups"], False),
        **dict.fromkeys(["--group", "--with", "--extra"], True),
    },
    ("uvx",): dict.fromkeys(["--from", "--with"], True),
    ("pipx", "run"): dict.fromkeys(["--spec"], True),
}
# What an install may name: a distribution from the index, perhaps with a version,
# never a path or a URL (a local package could put its own `ruff` on PATH).
REQUIREMENT = re.compile(
    r"[A-Za-z0-9][\w.-]*(?:\[[\w,-]+\])?(?:[=<>!~]=?[\w.*+!-]+,?)*"
)


def program(words: list[str]) -> list[str]:
    """The command a line runs, past ``python -m``, ``uv run`` and the like."""
    if len(words) >= 3 and PYTHON.fullmatch(words[0]) and words[1] == "-m":
        return program(words[2:])
    for wrapper, options in WRAPPERS.items():
        if tuple(words[: len(wrapper)]) == wrapper:
            rest = words[len(wrapper) :]
            while rest and rest[0].startswith("-"):
                option, equals, value = rest.pop(0).partition("=")
                if option not in options:
                    return words
                if options[option] and not equals and rest:
                    value = rest.pop(0)
                if options[option] and not REQUIREMENT.fullmatch(value):
                    return words
            return program(rest)
    return words


@dataclass(frozen=True)
class Tool:
    """A check a job runs: its program words and the options that keep it whole."""

    title: str
    words: tuple[str, ...]
    flags: str = r"(?!)"
    """Options that take no value."""
    valued: str = r"(?!)"
    """Options that take one, as ``--opt value`` or ``--opt=value``."""
    paths: str = r"\.|(?:\./)?(?:src|tests)/?"
    """Paths it may be given (none means the configured ones)."""
    covers: tuple[str, ...] = ("src", "tests")
    """Paths that, given together (or ``.``), check the whole project."""
    needs: str = r""
    """An option it must be given."""

    def problem(self, words: list[str]) -> str:
        """Why this command line does not run the whole check, or ""."""
        rest = words[len(self.words) :]
        paths, given = [], []
        while rest:
            word = rest.pop(0)
            option = word.partition("=")[0]
            if re.fullmatch(self.flags, word):
                given.append(word)
            elif re.fullmatch(self.valued, option):
                given.append(option)
                if "=" not in word and rest:
                    rest.pop(0)
            elif word.startswith("-"):
                return f"`{word}` changes what {self.title} checks"
            else:
                paths.append(word)
        outside = [path for path in paths if not re.fullmatch(self.paths, path)]
        if outside:
            return f"{self.title} is given {outside}: let it check the whole project"
        given_paths = {os.path.normpath(path) for path in paths}
        if paths and "." not in given_paths and not set(self.covers) <= given_paths:
            return (
                f"{self.title} is given only {paths}: let it check the whole project "
                "(no path, or `.`)"
            )
        if self.needs and not any(re.fullmatch(self.needs, word) for word in given):
            return f"{self.title} must be given {self.needs.replace('|', ' or ')}"
        return ""


def runs(of: dict[str, Any], tool: Tool) -> list[Command]:
    """The job's commands that run ``tool``."""
    return [
        command
        for command in commands(of)
        if tuple(program(command.words)[: len(tool.words)]) == tool.words
    ]


def assert_runs(
    name: str, tool: Tool, document: dict[str, Any] | None = None
) -> Command:
    """The command of job ``name`` that runs ``tool`` whole, where its failure fails
    the job; a clear failure otherwise."""
    document = load() if document is None else document
    of = job(name, document)
    problem = job_problem(name, of) or variables_problem(of, document)
    assert not problem, problem
    found = runs(of, tool)
    assert found, f"the {name} job does not run {tool.title}"
    reasons = []
    for command in found:
        why = command.why_not or tool.problem(program(command.words))
        if not why:
            return command
        reasons.append(f"`{command.line.strip()}`: {why}")
    pytest.fail(
        f"the {name} job runs {tool.title}, but not so that it counts:\n"
        + "\n".join(reasons)
    )


# Images, as `image:` names them.

IMAGE = re.compile(
    r"(?:(?:docker\.io/)?(?:library/)?)python:(?P<tag>[\w.${}-]+)"
    r"(?:@(?P<digest>sha256:[0-9a-f]{64}))?"
)


def image_of(of: dict[str, Any]) -> str:
    image = of.get("image")
    if isinstance(image, dict):
        assert "entrypoint" not in image, (
            f"image {image.get('name')} has its entrypoint replaced: the runner might "
            "run that instead of the script; keep the image's own"
        )
        image = image.get("name")
    return str(image or "")


# Installs, as pip and uv read them.

INSTALLERS = [("pip", "install"), ("pip3", "install"), ("uv", "pip", "install")]


def install_of(words: list[str]) -> tuple[bool, set[str]] | None:
    """Whether a command installs the project itself, and the dependency groups it
    installs; None when it installs nothing."""
    words = program(words)
    if tuple(words[:2]) == ("uv", "sync"):
        groups = {w.partition("=")[2] for w in words if w.startswith("--group=")}
        return "--no-install-project" not in words, groups | {"dev"}
    installer = next((i for i in INSTALLERS if tuple(words[: len(i)]) == i), None)
    if installer is None:
        return None
    rest = words[len(installer) :]
    project, groups = False, set()
    for index, word in enumerate(rest):
        following = rest[index + 1] if index + 1 < len(rest) else ""
        if (
            word in {".", "./"}
            or (word in {"-e", "--editable"} and following in {".", "./"})
            or word.startswith(("-e.", "--editable=."))
        ):
            project = True
        elif word == "--group" and following:
            groups.add(following)
        elif word.startswith("--group="):
            groups.add(word.partition("=")[2])
    return project, groups


# Options of an install that change only how it reports, or what it upgrades; and
# those that take a value. Any other (`--target`, `-r file`, `--index-url`) could
# install something other than what the project names.
INSTALL_FLAGS = {
    "-U", "--upgrade", "-q", "--quiet", "-v", "--verbose", "--no-cache-dir",
    "--disable-pip-version-check", "--no-input", "--all-groups", "--frozen",
    "--locked", "--no-progress",
}  # fmt: skip
INSTALL_VALUED = {
    "-e", "--editable", "--group", "--progress-bar", "--root-user-action",
    "--upgrade-strategy", "--python", "-p",
}  # fmt: skip


def install_problem(words: list[str]) -> str:
    """Why an install command could install something the project does not name
    (a path, a URL, a file of requirements, another index), or ""."""
    words = program(words)
    start = 2 if tuple(words[:2]) == ("uv", "sync") else next(
        (len(i) for i in INSTALLERS if tuple(words[: len(i)]) == i), 0
    )  # fmt: skip
    rest = words[start:]
    while rest:
        word = rest.pop(0)
        option, equals, value = word.partition("=")
        if option in INSTALL_VALUED:
            value = value if equals else (rest.pop(0) if rest else "")
            if option in {"-e", "--editable"} and value not in {".", "./"}:
                return f"`{' '.join(words)}` installs {value} in editable mode"
        elif word.startswith("-"):
            if word not in INSTALL_FLAGS:
                return f"`{' '.join(words)}`: {word} may install from elsewhere"
        elif word not in {".", "./"} and not REQUIREMENT.fullmatch(word):
            return (
                f"`{' '.join(words)}` installs {word}, which is not a distribution "
                "from the index: a local package could replace a check's command"
            )
    return ""


# What a job that checks may run besides its checks: installs, and commands that
# only print. Anything else (a link, a file written, a folder changed) could make a
# check check something else.
REPORTS = re.compile(
    r"echo\b.*|printf (?!-v).*"
    r"|(?:python3?(?:\.\d+)?|pip3?|uv|ruff|mypy|pytest) (?:--version|-V)"
    r"|(?:python3?(?:\.\d+)? -m )?pip3? (?:list|freeze|--version)"
)
# Files a check's output may be written to: its reports.
REPORT_FILE = re.compile(r"[\w./-]+\.(?:json|xml|txt|log)")


def assert_runs_only(name: str, *tools: Tool, document: dict[str, Any]) -> None:
    """Job ``name`` runs nothing but installs, ``tools`` and commands that print,
    and writes no file but its reports."""
    for command in commands(job(name, document)):
        words = program(command.words)
        text = command.line.strip()
        expanded = [w for w in command.words if re.search(r"\$\(|`", w)]
        assert not expanded, (
            f"the {name} job runs `{text}`, with a command inside a word: keep its "
            "lines to plain commands"
        )
        is_tool = any(tuple(words[: len(t.words)]) == t.words for t in tools)
        if install_of(command.words) is not None:
            problem = install_problem(command.words)
            assert not problem, f"the {name} job: {problem}"
        allowed = (
            install_of(command.words) is not None
            or is_tool
            or REPORTS.fullmatch(" ".join(command.words)) is not None
            or command.words[:1] in (["set"], ["true"])
        )
        assert allowed, (
            f"the {name} job runs `{text}`, which is neither an install nor one of its "
            "checks: a job that checks runs its checks, the installs they need, and "
            "commands that print"
        )
        wrong = [
            f for f in command.writes if not (is_tool and REPORT_FILE.fullmatch(f))
        ]
        assert not wrong, (
            f"the {name} job's `{text}` writes {wrong}: a file written before a check "
            "can change what it checks (a ruff.toml, a mypy.ini, a build.py)"
        )
    after = commands({"script": job(name, document).get("after_script")})
    for command in after:
        prints = REPORTS.fullmatch(" ".join(command.words)) is not None
        only_prints = prints and not command.writes
        assert only_prints, (
            f"the {name} job's after_script runs `{command.line.strip()}`: it runs after "
            "the checks and before the artifacts are kept, so it may only print"
        )


# Durations, as GitLab reads `timeout:` and `expire_in:` (ChronicDuration): a
# number of seconds, `h:mm:ss`, or numbers with units.

DURATION_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "wk": 604800, "wks": 604800, "week": 604800, "weeks": 604800,
    "mo": 2592000, "mos": 2592000, "month": 2592000, "months": 2592000,
    "y": 31557600, "yr": 31557600, "yrs": 31557600, "year": 31557600,
    "years": 31557600,
}  # fmt: skip


def seconds(duration: Any) -> float | None:
    """The duration in seconds, or None when GitLab would not read it as one."""
    if isinstance(duration, bool):
        return None
    if isinstance(duration, int | float):
        return float(duration)
    text = str(duration).strip().lower()
    if re.fullmatch(r"\d+", text):
        return float(text)
    clock = re.fullmatch(r"(?:(\d+):)?(\d+):(\d{2})", text)
    if clock:
        hours, minutes, secs = (int(part or 0) for part in clock.groups())
        return float(hours * 3600 + minutes * 60 + secs)
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]+)", text)
    rest = re.sub(r"\d+(?:\.\d+)?\s*[a-z]+|\band\b|[\s,]", "", text)
    if not parts or rest or any(unit not in DURATION_UNITS for _, unit in parts):
        return None
    return sum(float(number) * DURATION_UNITS[unit] for number, unit in parts)


# What GitLab refuses beyond its schema.


def structure_problem(document: dict[str, Any]) -> str:
    """What GitLab would refuse in the pipeline that its schema lets through, or ""."""
    found = jobs(document)
    order = stages(document)
    for name, of in found.items():
        stage = stage_of(of)
        if stage not in order:
            return (
                f"the {name} job is in stage {stage}, which `stages:` does not list "
                "(a job without `stage:` is in `test`): GitLab refuses the file"
            )
        image = of.get("image")
        if isinstance(image, dict) and "entrypoint" in image:
            return (
                f"the {name} job's image has its entrypoint replaced: the runner might "
                "run that instead of the script; keep the image's own"
            )
        if "script" not in of and "trigger" not in of:
            return f"the {name} job has no `script:`: GitLab refuses the file"
        for key in ("needs", "dependencies"):
            for needed in of.get(key) or []:
                other = needed.get("job") if isinstance(needed, dict) else needed
                if other not in found:
                    return (
                        f"the {name} job's {key} names {other}, which is not a job: "
                        "GitLab refuses the file"
                    )
                if order.index(stage_of(found[other])) > order.index(stage):
                    return (
                        f"the {name} job's {key} names {other}, of a later stage: "
                        "GitLab refuses the file"
                    )
    return ""
