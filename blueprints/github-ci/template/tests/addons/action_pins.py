"""The releases of the GitHub Actions the workflows may use, by the commit of each.

Every SHA below was read from the action's own repository with
``git rev-parse <tag>^{commit}``: it is the commit that the release's tag names.
A pin such as ``actions/checkout@<sha> # v7.0.1`` is checked against this
table, so a made-up SHA fails here instead of failing on GitHub, where a
workflow that uses a commit that does not exist stops at that step.

The major tags (``v7``, ``v6``) exist in each repository too; they move to every
new release of their major version, which is why a hardened workflow pins a SHA.
A newer release than these is added with a new version of skillforge.
"""

RELEASES: dict[str, dict[str, str]] = {
    "actions/checkout": {
        "3d3c42e5aac5ba805825da76410c181273ba90b1": "v7.0.1",
        "9c091bb21b7c1c1d1991bb908d89e4e9dddfe3e0": "v7.0.0",
        "d23441a48e516b6c34aea4fa41551a30e30af803": "v6.1.0",
    },
    "actions/setup-python": {
        "5fda3b95a4ea91299a34e894583c3862153e4b97": "v7.0.0",
        "ece7cb06caefa5fff74198d8649806c4678c61a1": "v6.3.0",
    },
    "actions/upload-artifact": {
        "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f": "v7.0.0",
        "b7c566a772e6b6bfb58ed0dc250532a479d7789f": "v6.0.0",
    },
    # GitHub Classroom's autograding, in classroom.yml (`skillforge new --classroom`).
    "classroom-resources/autograding-command-grader": {
        "d5b3fa6f50f7f629b7bfae0cc3e4c58852b412d5": "v1",
    },
    "classroom-resources/autograding-grading-reporter": {
        "d13b5912daf5042ac1b71bc38bdb4a6bcd61d8ca": "v1",
    },
}


def tags(action: str) -> set[str]:
    """The tags of ``action`` a workflow may name: each release and its major."""
    releases = set(RELEASES.get(action, {}).values())
    return releases | {release.partition(".")[0] for release in releases}
