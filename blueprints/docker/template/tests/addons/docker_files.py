"""The Dockerfile, read as ``docker build`` reads it, and ``.dockerignore``.

``tests/addons/test_docker.py`` checks the image with these helpers, without a
Docker engine. The parser follows the Dockerfile reference: parser directives
(``# escape=``), comments (also inside a continuation), continuation lines,
heredocs (``RUN <<EOF``), the JSON (exec) form of an instruction and global
``ARG`` values in ``FROM``. A stage built ``FROM`` another one inherits its
environment, user, command and health check, as in Docker. ``RUN`` scripts are
split into commands with ``shlex``: ``echo pip install`` runs ``echo``.
"""

import itertools
import json
import posixpath
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"


@dataclass(frozen=True)
class Instruction:
    """One instruction of a Dockerfile, such as ``COPY --from=builder /a /b``."""

    keyword: str
    """Upper-cased: ``FROM``, ``RUN``, ``COPY``, ..."""
    arguments: str
    """Everything after the keyword, continuation lines joined."""
    line: int
    """The line the instruction starts on, from 1."""
    heredocs: tuple[str, ...] = ()
    """The bodies of its heredocs (``RUN <<EOF``), in order."""

    @property
    def flags(self) -> dict[str, str]:
        """The ``--name=value`` options that come first, as ``{"name": "value"}``."""
        return split_flags(self.arguments)[0]

    @property
    def rest(self) -> str:
        """The arguments after the flags."""
        return split_flags(self.arguments)[1]

    def __str__(self) -> str:
        return f"line {self.line}: {self.keyword} {self.arguments}"


@dataclass
class Stage:
    """A build stage: a ``FROM`` and the instructions up to the next one."""

    image: str
    """What it is built from: an image, or the name or number of an earlier stage."""
    name: str | None
    index: int
    instructions: list[Instruction] = field(default_factory=list)
    parent: "Stage | None" = None
    """The earlier stage it is built from, if any."""

    def all(self, keyword: str) -> list[Instruction]:
        """The stage's own instructions with that keyword, in order."""
        return [i for i in self.instructions if i.keyword == keyword]

    def lineage(self) -> list["Stage"]:
        """This stage and those it is built from, the first ``FROM`` image's first."""
        stages = [self]
        parent = self.parent
        while parent is not None:
            stages.append(parent)
            parent = parent.parent
        return stages[::-1]

    @property
    def base_image(self) -> str:
        """The image the stage's lineage starts from."""
        return self.lineage()[0].image

    def inherited(self, keyword: str) -> list[Instruction]:
        """The instructions with that keyword of this stage and its lineage."""
        return [i for stage in self.lineage() for i in stage.all(keyword)]

    def env(self) -> dict[str, str]:
        """The variables that ``ENV`` sets in this stage, inherited ones included."""
        values: dict[str, str] = {}
        for instruction in self.inherited("ENV"):
            words = shlex.split(instruction.arguments)
            if words and "=" not in words[0]:  # the old form: ENV NAME value
                values[words[0]] = " ".join(words[1:])
                continue
            for word in words:
                name, _, value = word.partition("=")
                values[name] = value
        return values

    def last(self, keyword: str) -> Instruction | None:
        """The instruction with that keyword in effect at the end of the stage."""
        found = self.inherited(keyword)
        return found[-1] if found else None

    def command(self) -> tuple[Instruction | None, Instruction | None]:
        """The ``ENTRYPOINT`` and ``CMD`` in effect. Setting an ``ENTRYPOINT`` in
        a stage clears a ``CMD`` inherited from the stages before."""
        entrypoint = cmd = None
        for stage in self.lineage():
            for instruction in stage.instructions:
                if instruction.keyword == "ENTRYPOINT":
                    entrypoint = instruction
                    cmd = (
                        None if cmd is not None and cmd not in stage.all("CMD") else cmd
                    )
                elif instruction.keyword == "CMD":
                    cmd = instruction
        return entrypoint, cmd


def split_flags(arguments: str) -> tuple[dict[str, str], str]:
    """Separate the leading ``--flag=value`` options from the other arguments."""
    flags: dict[str, str] = {}
    rest = arguments.strip()
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        name, _, value = flag[2:].partition("=")
        flags[name] = value
        rest = rest.lstrip()
    return flags, rest


DIRECTIVE = re.compile(r"#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$")
HEREDOC = re.compile(r"(?<!<)<<(-?)([\"']?)([A-Za-z_]\w*)\2")


def parse(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile, in order."""
    lines = text.splitlines()
    escape = "\\"
    for line in lines:  # parser directives come first, before any other line
        directive = DIRECTIVE.match(line)
        if not directive:
            break
        if directive.group(1).lower() == "escape":
            escape = directive.group(2)
    instructions: list[Instruction] = []
    index = 0
    while index < len(lines):
        start, index = index, index + 1
        line = lines[start].strip()
        if not line or line.startswith("#"):
            continue
        parts = [line]
        while parts[-1].endswith(escape) and index < len(lines):
            parts[-1] = parts[-1][: -len(escape)].strip()
            while index < len(lines):  # comments and empty lines do not end it
                following, index = lines[index].strip(), index + 1
                if following and not following.startswith("#"):
                    parts.append(following)
                    break
        keyword, _, arguments = " ".join(parts).partition(" ")
        bodies: list[str] = []
        with_heredocs = keyword.upper() in {"RUN", "COPY", "ADD"}
        for heredoc in HEREDOC.finditer(arguments if with_heredocs else ""):
            body: list[str] = []
            while index < len(lines):
                row, index = lines[index], index + 1
                row = row.lstrip("\t") if heredoc.group(1) else row
                if row == heredoc.group(3):
                    break
                body.append(row)
            bodies.append("\n".join(body))
        instructions.append(
            Instruction(keyword.upper(), arguments.strip(), start + 1, tuple(bodies))
        )
    return instructions


def expand(text: str, values: dict[str, str]) -> str:
    """``$NAME`` and ``${NAME}`` (also ``${NAME:-default}``) replaced by ``values``."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        default = match.group(2) or ""
        return values.get(name) or default

    return re.sub(r"\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)", value, text)


def stages(text: str | None = None) -> list[Stage]:
    """The stages of the Dockerfile (or of ``text``), each linked to its parent."""
    if text is None:
        text = DOCKERFILE.read_text(encoding="utf-8")
    found: list[Stage] = []
    arguments: dict[str, str] = {}
    for instruction in parse(text):
        if instruction.keyword == "FROM":
            words = expand(instruction.rest, arguments).split()
            named = len(words) == 3 and words[1].upper() == "AS"
            stage = Stage(
                words[0] if words else "", words[2] if named else None, len(found)
            )
            stage.parent = next(
                (s for s in found if stage.image in {s.name, str(s.index)}), None
            )
            found.append(stage)
        elif found:
            found[-1].instructions.append(instruction)
        elif instruction.keyword == "ARG":  # a global ARG: usable in FROM lines
            name, _, default = instruction.arguments.partition("=")
            arguments[name.strip()] = default.strip().strip("\"'")
    return found


def stage_named(all_stages: list[Stage], reference: str) -> Stage | None:
    """The stage a ``--from=`` names, by name or number."""
    return next((s for s in all_stages if reference in {s.name, str(s.index)}), None)


def exec_form(arguments: str) -> list[str] | None:
    """The JSON array of an exec-form instruction, or None for the shell form."""
    try:
        value = json.loads(arguments)
    except json.JSONDecodeError:
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    return None


def copy_sources(instruction: Instruction) -> tuple[list[str], str]:
    """The sources and the destination of a COPY or ADD."""
    words = exec_form(instruction.rest) or shlex.split(instruction.rest)
    sources = [word.removeprefix("./").rstrip("/") or "." for word in words[:-1]]
    return sources, words[-1] if words else ""


def python_version(image: str) -> str | None:
    """``3.13`` for ``python:3.13-slim`` (or ``python:3.13.1``), None otherwise."""
    found = re.fullmatch(
        r"(?:docker\.io/)?(?:library/)?python:(\d+\.\d+)(?:\.\d+)?(?:-[\w.-]+)?"
        r"(?:@sha256:[0-9a-f]{64})?",
        image,
    )
    return found.group(1) if found else None


# RUN scripts, split into commands. Docker runs a shell-form RUN with `/bin/sh -c`.

SEPARATORS = {";", "&&", "||", "|", "&", "\n", "(", ")"}
REDIRECTS = {">", ">>", "<", ">&", "&>", "<&", ">|", "&>>", "<<", "<<-", "<<<"}


@dataclass(frozen=True)
class Command:
    """One command of a RUN instruction."""

    words: list[str]
    """The program and its arguments, leading ``NAME=value`` assignments left out."""
    writes: list[str]
    """The files its output is redirected to."""


def run_commands(instruction: Instruction) -> list[Command]:
    """The commands a RUN instruction runs, in order."""
    form = exec_form(instruction.rest)
    if form is not None:
        return [Command(form, [])]
    script = instruction.rest
    if instruction.heredocs and HEREDOC.fullmatch(script.strip()):
        script = instruction.heredocs[0]  # RUN <<EOF: the heredoc is the script
    found: list[Command] = []
    for line in script.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|<>()")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words: list[str] = []
        writes: list[str] = []
        tokens = [*lexer, "\n"]
        position = 0
        while position < len(tokens):
            token = tokens[position]
            if token in REDIRECTS:
                target = tokens[position + 1] if position + 1 < len(tokens) else ""
                if token in {">", ">>", ">|", "&>", "&>>"}:
                    writes.append(target)
                position += 2
                continue
            if token in SEPARATORS:
                while words and re.match(r"[A-Za-z_]\w*=", words[0]):
                    words.pop(0)
                if words:
                    found.append(Command(words, writes))
                words, writes = [], []
            elif not (token.isdigit() and tokens[position + 1] in REDIRECTS):
                words.append(token)
            position += 1
    return found


def pip_install(words: list[str]) -> list[str] | None:
    """The arguments of a ``pip install`` (``python -m pip``, ``uv pip``, a venv's
    ``pip``) after ``install``; None for any other command."""
    program = Path(words[0]).name if words else ""
    if re.fullmatch(r"python(?:3(?:\.\d+)?)?", program) and words[1:3] == ["-m", "pip"]:
        rest = words[3:]
    elif program == "uv" and words[1:2] == ["pip"]:
        rest = words[2:]
    elif re.fullmatch(r"pip3?(?:\.\d+)?", program):
        rest = words[1:]
    else:
        return None
    index = next((i for i, w in enumerate(rest) if not w.startswith("-")), len(rest))
    if rest[index : index + 1] != ["install"]:
        return None
    return rest[:index] + rest[index + 1 :]


# .dockerignore, matched like Docker does: a pattern matches a path or any folder
# above it, `**` spans folders, and the last matching line wins (`!` re-includes).


def dockerignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    """``(excludes, pattern)`` for every rule of ``.dockerignore``, in order."""
    rules: list[tuple[bool, re.Pattern[str]]] = []
    for raw in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        excludes = not line.startswith("!")
        pattern = line.removeprefix("!").strip().strip("/").removeprefix("./")
        rules.append((excludes, glob_to_regex(pattern)))
    return rules


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Translate a Docker path pattern (`*`, `?`, `[...]`, `**`) into a regex."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[" and "]" in pattern[i + 1 :]:
            end = pattern.index("]", i + 1)
            body = pattern[i + 1 : end]
            out += "[" + ("^" + body[1:] if body.startswith("!") else body) + "]"
            i = end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def is_left_out(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Whether ``docker build`` leaves ``path`` out of the build context."""
    parts = path.split("/")
    candidates = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
    left_out = False
    for excludes, regex in rules:
        if any(regex.fullmatch(candidate) for candidate in candidates):
            left_out = excludes
    return left_out


# Where a RUN's commands really act: the separators between them, the
# environment they see, and the pip that runs.


def run_chain(instruction: Instruction) -> list[tuple[Command, str]]:
    """The commands of a RUN, each with the separator that follows it (``&&``,
    ``||``, ``;``, ``|``, ``&``, a new line, or "" after the last one)."""
    form = exec_form(instruction.rest)
    if form is not None:
        return [(Command(form, []), "")]
    script = instruction.rest
    if instruction.heredocs and HEREDOC.fullmatch(script.strip()):
        script = instruction.heredocs[0]
    tokens: list[str] = []
    for line in script.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|<>()")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens += [*lexer, "\n"]
    found: list[tuple[Command, str]] = []
    words: list[str] = []
    writes: list[str] = []
    position = 0
    while position < len(tokens):
        token = tokens[position]
        if token in REDIRECTS:
            target = tokens[position + 1] if position + 1 < len(tokens) else ""
            if token in {">", ">>", ">|", "&>", "&>>"}:
                writes.append(target)
            position += 2
            continue
        if token in SEPARATORS:
            while words and re.match(r"[A-Za-z_]\w*=", words[0]):
                words.pop(0)
            if words:
                found.append((Command(words, writes), token))
            elif token not in {"\n", "(", ")"} and found:
                found[-1] = (found[-1][0], token)
            words, writes = [], []
        elif not (
            token.isdigit()
            and position + 1 < len(tokens)
            and tokens[position + 1] in REDIRECTS
        ):
            words.append(token)
        position += 1
    if found:  # what follows the last command is the end of the script
        found[-1] = (found[-1][0], "")
    return found


def failure_hidden(chain: list[tuple[Command, str]], index: int) -> bool:
    """Whether the failure of command ``index`` would not fail the RUN: ``sh -c``
    stops at a failing command only when ``&&`` (or nothing) follows it."""
    return any(separator not in {"&&", ""} for _, separator in chain[index:])


def env_before(stage: Stage, instruction: Instruction) -> dict[str, str]:
    """The variables ``ENV`` sets before ``instruction`` runs, inherited ones too."""
    values: dict[str, str] = {}
    for earlier in (i for s in stage.lineage() for i in s.instructions):
        if earlier is instruction:
            break
        if earlier.keyword != "ENV":
            continue
        words = shlex.split(earlier.arguments)
        if words and "=" not in words[0]:
            values[words[0]] = " ".join(words[1:])
            continue
        for word in words:
            name, _, value = word.partition("=")
            values[name] = expand(value, values)
    return values


# The options that send pip's installs somewhere else than the environment that
# runs it, or nowhere; pip also reads each from a PIP_<NAME> variable.
PIP_ELSEWHERE = {
    "--target": "installs the packages into a folder of its own",
    "-t": "installs the packages into a folder of its own",
    "--prefix": "installs the packages under another prefix",
    "--root": "installs the packages under another root folder",
    "--user": "installs the packages into the user's home",
    "--dry-run": "installs nothing: it only says what it would install",
    "--download": "downloads the packages instead of installing them",
    "-d": "downloads the packages instead of installing them",
}


def pip_problem(
    stage: Stage, instruction: Instruction, chain_index: int, venv: str
) -> str:
    """Why a ``pip install`` (command ``chain_index`` of ``instruction``) does not
    install into the virtual environment at ``venv``, or ""."""
    chain = run_chain(instruction)
    words = chain[chain_index][0].words
    arguments = pip_install(words) or []
    env = env_before(stage, instruction)
    for option, why in PIP_ELSEWHERE.items():
        variable = "PIP_" + option.lstrip("-").replace("-", "_").upper()
        given = any(a == option or a.startswith(option + "=") for a in arguments)
        if len(option) == 2:  # -t DIR, -tDIR
            given = any(a.startswith(option) for a in arguments)
        set_by_env = len(option) > 2 and env.get(variable, "").lower() not in {
            "",
            "0",
            "false",
            "no",
            "off",
        }
        if given or set_by_env:
            how = option if given else f"ENV {variable}"
            return f"pip install with {how} {why}, not into {venv}"
    if not venv:
        return ""
    activated = any(
        c.words[:1] in (["."], ["source"]) and c.words[1:2] == [f"{venv}/bin/activate"]
        for c, _ in chain[:chain_index]
    )
    path = env.get("PATH", "")
    on_path = activated or path.split(":")[0].rstrip("/") == f"{venv}/bin"
    program = words[0]
    if Path(program).name == "uv":
        python = next(
            (
                following
                for option, following in itertools.pairwise(words)
                if option in {"--python", "-p"}
            ),
            "",
        )
        if python.startswith(f"{venv}/") or python.rstrip("/") == venv:
            return ""
        if env.get("VIRTUAL_ENV", "").rstrip("/") == venv or on_path or activated:
            return ""
        return f"uv pip install does not know {venv}: ENV VIRTUAL_ENV={venv}"
    if "/" in program:
        if program.startswith(f"{venv}/bin/"):
            return ""
        return f"{program} is not the Python or pip of {venv}"
    if not on_path:
        return (
            f"the {program} that runs is the system's, not {venv}'s: "
            f'ENV PATH="{venv}/bin:$PATH" before the install, so that pip installs '
            "into the virtual environment (VIRTUAL_ENV alone changes nothing for pip)"
        )
    if Path(program).name.startswith("pip") and made_without_pip(stage, venv):
        return (
            f"{venv} is made --without-pip, so the pip on PATH is the system's and "
            f"installs there: make the venv with its own pip"
        )
    return ""


def made_without_pip(stage: Stage, venv: str) -> bool:
    """Whether the RUN that makes ``venv`` leaves pip out of it."""
    for instruction in stage.inherited("RUN"):
        for command in run_commands(instruction):
            words = command.words
            if "venv" in words[1:3] or Path(words[0]).name == "virtualenv":
                uv = Path(words[0]).name == "uv"
                if any(w.rstrip("/") == venv for w in words) and (
                    "--without-pip" in words
                    or "--no-pip" in words
                    or (uv and "--seed" not in words)
                ):
                    return True
    return False


def context_source(source: str) -> str:
    """A COPY source as a path of the build context: COPY reads ``/src``,
    ``./src/`` and ``src/../src`` all as ``src``."""
    path = posixpath.normpath("/" + source.strip()).lstrip("/")
    return path or "."


def cache_mounts(instruction: Instruction) -> list[dict[str, str]]:
    """The ``--mount=type=cache,...`` options of a RUN, each as a dict."""
    found = []
    rest = instruction.arguments.strip()
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        rest = rest.lstrip()
        name, _, value = flag[2:].partition("=")
        if name != "mount":
            continue
        settings = {
            part.partition("=")[0]: part.partition("=")[2] for part in value.split(",")
        }
        if settings.get("type") == "cache":
            found.append(settings)
    return found


def cache_folder(stage: Stage, instruction: Instruction, words: list[str]) -> str:
    """The folder the pip (or uv) of ``words`` keeps its cache in."""
    env = env_before(stage, instruction)
    given = [
        following
        for option, following in itertools.pairwise(words)
        if option == "--cache-dir"
    ] + [w.removeprefix("--cache-dir=") for w in words if w.startswith("--cache-dir=")]
    uv = Path(words[0]).name == "uv" if words else False
    if given:
        return given[-1].rstrip("/")
    variable = "UV_CACHE_DIR" if uv else "PIP_CACHE_DIR"
    if env.get(variable):
        return env[variable].rstrip("/")
    users = [i for i in stage.inherited("USER") if stage_of(stage, i, instruction)]
    home = env.get("HOME") or ("/root" if not users else "")
    cache = env.get("XDG_CACHE_HOME") or f"{home}/.cache"
    return f"{cache.rstrip('/')}/{'uv' if uv else 'pip'}"


def stage_of(stage: Stage, earlier: Instruction, instruction: Instruction) -> bool:
    """Whether ``earlier`` comes before ``instruction`` in the stage's lineage."""
    order = [i for s in stage.lineage() for i in s.instructions]
    return (
        earlier in order
        and instruction in order
        and order.index(earlier) < order.index(instruction)
    )
