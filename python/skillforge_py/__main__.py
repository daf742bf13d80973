"""Runs the installed ``skillforge`` binary with this process's arguments."""

from __future__ import annotations

import os
import subprocess
import sys

from skillforge_py import find_skillforge_bin


def main() -> None:
    """Replace this process with ``skillforge`` where the system allows it."""
    try:
        binary = find_skillforge_bin()
    except FileNotFoundError as error:
        sys.exit(f"skillforge-py: {error}")
    args = [str(binary), *sys.argv[1:]]
    if sys.platform == "win32":
        # Windows has no exec that keeps the console and exit code: wait, pass it on.
        sys.exit(subprocess.call(args))  # noqa: S603 (the installed binary, not input)
    os.execv(binary, args)  # noqa: S606 (exec replaces this process; no shell involved)


if __name__ == "__main__":
    main()
