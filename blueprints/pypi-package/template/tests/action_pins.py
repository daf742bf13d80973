"""The releases of GitHub Actions that the workflow tests accept, by commit SHA.

A tag such as ``v7`` can be moved to other code by whoever controls the action;
a commit cannot. So a workflow pins ``owner/repo@<40 hex digits>`` and names the
release in a comment. Forty hex digits are easy to make up, though, and GitHub
fails such a workflow at its first step: the tests check each pin against this
table of real releases, each SHA the commit its tag names in the action's own
repository (``git ls-remote --tags https://github.com/actions/checkout``).

On a real project, let Dependabot (``.github/dependabot.yml``) move the pins
and their comments to new releases.
"""

# action -> {commit SHA: the release tag it is}
PINS: dict[str, dict[str, str]] = {
    "actions/checkout": {
        "3d3c42e5aac5ba805825da76410c181273ba90b1": "v7.0.1",
        "9c091bb21b7c1c1d1991bb908d89e4e9dddfe3e0": "v7.0.0",
        "de0fac2e4500dabe0009e67214ff5f5447ce83dd": "v6.0.2",
    },
    "actions/setup-python": {
        "5fda3b95a4ea91299a34e894583c3862153e4b97": "v7.0.0",
        "ece7cb06caefa5fff74198d8649806c4678c61a1": "v6.3.0",
    },
    "astral-sh/setup-uv": {
        "20cfd1bf945f4377ade1205e4dbc17946fc9a30d": "v10.0.1",
        "c771a70e6277c0a99b617c7a806ffedaca235ff9": "v9.0.0",
    },
    "actions/upload-artifact": {
        "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f": "v7.0.0",
        "b7c566a772e6b6bfb58ed0dc250532a479d7789f": "v6.0.0",
    },
    "actions/download-artifact": {
        "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c": "v8.0.1",
        "70fc10c6e5e1ce46ad2ea6f2b72d43f7d47b13c3": "v8.0.0",
    },
    "pypa/gh-action-pypi-publish": {
        "ba38be9e461d3875417946c167d0b5f3d385a247": "v1.14.1",
    },
}
