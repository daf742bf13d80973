"""The Python package of the skillforge command-line tool.

The tool is a Rust binary, which this wheel installs as the ``skillforge`` script (and
``skillforge-py``, which runs it). This package only finds that binary, for
``python -m skillforge_py``, so the binary is shipped once.
"""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

__all__ = ["find_skillforge_bin"]

_EXE = "skillforge" + (sysconfig.get_config_var("EXE") or "")


def _candidates() -> list[Path]:
    """List the folders an installer may have put the binary in, most likely first."""
    folders = [Path(sysconfig.get_path("scripts"))]
    user_scheme = f"{os.name}_user"
    if user_scheme in sysconfig.get_scheme_names():
        folders.append(Path(sysconfig.get_path("scripts", scheme=user_scheme)))
    # ``pip install --target DIR`` puts packages in DIR and scripts in DIR/bin.
    folders.append(Path(__file__).resolve().parent.parent / "bin")
    return folders


def find_skillforge_bin() -> Path:
    """Return the path of the installed ``skillforge`` binary.

    Raises FileNotFoundError, naming the folders searched, when it is not installed.
    """
    folders = _candidates()
    for folder in folders:
        if (folder / _EXE).is_file():
            return folder / _EXE
    searched = ", ".join(str(folder) for folder in folders)
    message = f"skillforge is not in any of: {searched}; reinstall skillforge-py"
    raise FileNotFoundError(message)
