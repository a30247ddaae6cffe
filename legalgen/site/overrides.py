"""The theme overrides ``legalgen init`` writes into ``overrides/``, and the copies earlier
legalgens wrote.

A project keeps the overrides init wrote when it started. With MkDocs, a template its folder
lacks is legalgen's own (read after the project's, before Material's), so deleting an
unchanged copy brings the current one; a copy the project changed stays its own. A build
names each file that is, byte for byte, what an earlier legalgen wrote (:data:`SUPERSEDED`):
such a copy misses what later versions added (head links, the notice banner's marks) and
nothing of the project is lost by replacing it. A copy with any change of the project's is
never named: legalgen cannot tell an edit from an older version.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from legalgen.diagnostics import display_path
from legalgen.files import read_within

#: The sha256 of every earlier version of each override legalgen wrote, by its path in
#: overrides/. A change to a file of the repository's overrides/ adds the hash of the
#: version it replaces here (tests/site/test_overrides.py checks this against git history).
SUPERSEDED: dict[str, frozenset[str]] = {
    "main.html": frozenset({
        "7e90c00d599814126cf6f6423013b7879f33b2d26e3c2239a4f9e37f749e4701",
        "8f3b3106b9b5f14d6b72f4b73117d6e0671dc3b93dba9366f930fdf45789db08",
        "c4f3a179f0c883c8120079eca55cb4193307eab875c5c4d60d1b7a0da9c639e8",
        "bfdbb99c739d18a5de6b2ab6ed3365a3bfa6e14ce5e1d633e868a682606ed533",
        "7e8df322d6661043981d05c349bd28835a535d5de1a4f2ff910fb072f8ec9f2f",
        "4857eba5474b3cc648c5436ad0887375284bef30720571ea21a382c309face3d",
    }),
    "partials/alternate.html": frozenset({
        "c7de2c96f8552d60c00de3c9f45e4cbfd7ab422b194c0672c35c3c06a850e958",
        "4ae96943e32484fbfa8b93a22496baee084d57e0f91a72dfc191a870375637ec",
        "15ca2ce1707385ef1d6b1c2e16c8e118682acea77a47883ccc9b798cf91cab05",
    }),
}
#: No override file is read beyond this size (the ones legalgen writes are a few KB).
_MAX_BYTES = 1_000_000


def superseded_copies(theme: Path) -> list[str]:
    """The files of ``theme`` (the project's overrides folder) that are unchanged copies of an
    earlier legalgen's, by their path in it."""
    found = []
    for name, hashes in SUPERSEDED.items():
        try:
            data = read_within(theme / name, _MAX_BYTES, follow_links=False)
        except OSError:  # none there, or unreadable
            continue
        if data is not None and hashlib.sha256(data).hexdigest() in hashes:
            found.append(name)
    return found


def superseded_notes(theme: Path, engine: str) -> list[str]:
    """What a build says of each superseded copy in ``theme``: how to take the current one."""
    how = ("delete it to use the current one (legalgen's own is read when your folder lacks it), or copy it from "
           "what `legalgen init` writes in an empty folder") if engine == "mkdocs" else \
        "copy the current one from what `legalgen init` writes in an empty folder"
    return [f"{display_path(theme / name)} is, unchanged, what an earlier legalgen wrote, and lacks what later "
            f"versions added; {how}" for name in superseded_copies(theme)]
