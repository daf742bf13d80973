"""The Python package of the skillforge command-line tool.

The tool is a Rust binary, installed by this wheel as the ``skillforge`` script. This
package only finds it, for ``python -m skillforge_py`` and the ``skillforge-py`` command
(the name ``uvx skillforge-py`` runs), so the binary is shipped once.
"""

from __future__ import annotations

import os
import sys
import sysconfig

__all__ = ["find_skillforge_bin"]

_EXE = "skillforge" + (sysconfig.get_config_var("EXE") or "")


def _candidates() -> list[str]:
    """The folders an installer may have put the binary in, most likely first."""
    folders = []
    # The script that started us (``skillforge-py``) sits beside the binary.
    if sys.argv and sys.argv[0]:
        folders.append(os.path.dirname(os.path.abspath(sys.argv[0])))
    folders.append(sysconfig.get_path("scripts"))
    user_scheme = f"{os.name}_user"
    if user_scheme in sysconfig.get_scheme_names():
        folders.append(sysconfig.get_path("scripts", scheme=user_scheme))
    # ``pip install --target DIR`` puts packages in DIR and scripts in DIR/bin.
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    folders.append(os.path.join(package_root, "bin"))
    return folders


def find_skillforge_bin() -> str:
    """The path of the installed ``skillforge`` binary.

    Raises FileNotFoundError, naming the folders searched, when it is not installed.
    """
    searched = []
    for folder in _candidates():
        path = os.path.join(folder, _EXE)
        if os.path.isfile(path):
            return path
        searched.append(folder)
    raise FileNotFoundError(
        f"the skillforge binary is not installed in any of: {', '.join(searched)}; "
        "reinstall the skillforge-py package"
    )
