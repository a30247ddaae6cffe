"""The ledger of sent notices: a git tag on the repository's remote for every message sent.

With ``legalgen notices --send --ledger REMOTE`` a run sends what is due and not yet recorded
(:func:`~legalgen.notices.announcements.unrecorded_messages`), so the next run catches up a
failed one and no two runs send the same message, whichever workflow runs them and however
their pushes interleave.

A record is the tag ``legalgen-notices/<source>/<document>/v<N>/<reason>`` (``<source>``: the
source folder's path in the repository, so each brand keeps its own records), pointing at the
commit the message was composed from. A run claims a message by creating its tag on the
remote *before* sending it: the remote creates a tag once, so of two runs at the same time one
sends and the other skips. A message that could not be sent loses its claim again (the run
deletes the tag it created), so the next run sends it; a message the server took for some
recipients and refused for others keeps it. ``legalgen-notices/<source>/started/<date>``
records the ledger's first day: what was due before it was the business of whatever sent
notices before, and counts as sent.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from legalgen.diagnostics import LegalgenError, display_path
from legalgen.notices.announcements import DueMessage, NoticeKind, Record
from legalgen.versions.vcs import git, git_bytes, repository

#: The namespace of the ledger's tags.
ROOT = "legalgen-notices"
_STARTED = "started"
_REASONS = {kind.value for kind in NoticeKind}
_TAGGER = "legalgen notices <noreply@legalgen.invalid>"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "failed"


@dataclass
class Ledger:
    """The ledger's tags on ``remote``, read once per run; ``commit`` is what new records point at."""

    top: Path
    remote: str
    commit: str
    names: set[str]
    created: dict[str, str] = field(default_factory=dict)  # name: tag object

    @classmethod
    def open(cls, source: Path, remote: str) -> Ledger:
        """Read the ledger of the git checkout holding ``source`` from ``remote`` (one ``git ls-remote``)."""
        top, _ = repository(source)
        remotes = git(top, "remote").stdout.split()
        if remote not in remotes:
            known = f"its remotes: {', '.join(remotes)}" if remotes else "it has none"
            raise LegalgenError(f"the git checkout at {display_path(top)} has no remote named {remote!r} for the "
                                f"notices ledger ({known})")
        commit = git(top, "rev-parse", "--verify", "HEAD^{commit}").stdout.strip()
        listing = git(top, "ls-remote", "--refs", remote, f"refs/tags/{ROOT}/*", check=False, remote=True)
        if listing.returncode != 0:
            raise LegalgenError(f"cannot read the notices ledger on {remote}: {_last_line(listing.stderr)}")
        names = set()
        for line in listing.stdout.splitlines():
            ref = line.partition("\t")[2].strip()
            if ref.startswith(f"refs/tags/{ROOT}/"):
                names.add(ref.removeprefix("refs/tags/"))
        return cls(top, remote, commit, names)

    def require_pushed(self) -> None:
        """Raise unless the commit the records would point at is on the remote (a tag pushed
        for an unpushed commit would publish it)."""
        on_remote = git(self.top, "for-each-ref", "--contains", self.commit, "--count=1", "--format=%(refname)",
                        f"refs/remotes/{self.remote}/").stdout.strip()
        if not on_remote:
            raise LegalgenError(f"the checked-out commit {self.commit[:12]} is not on {self.remote} (as far as this "
                                f"checkout knows): the ledger's records point at the commit the notices come from; "
                                f"push it (or fetch {self.remote}) first")

    def book(self, source: Path) -> Book:
        """The records of the source folder ``source``."""
        try:
            inside = PurePosixPath(source.resolve().relative_to(self.top).as_posix())
        except ValueError:
            raise LegalgenError(f"{display_path(source)} is not inside the git checkout at "
                                f"{display_path(self.top)}") from None
        prefix = f"{ROOT}/" if str(inside) == "." else f"{ROOT}/{inside.as_posix()}/"
        if git(self.top, "check-ref-format", f"refs/tags/{prefix}{_STARTED}/x", check=False).returncode != 0:
            raise LegalgenError(f"the source folder's path {inside.as_posix()!r} cannot be part of a git tag's "
                                "name, which the notices ledger needs; rename the folder")
        records: set[Record] = set()
        starts: list[dt.date] = []
        for name in self.names:
            if not name.startswith(prefix):
                continue
            parts = name.removeprefix(prefix).split("/")
            if len(parts) == 2 and parts[0] == _STARTED:
                try:
                    starts.append(dt.date.fromisoformat(parts[1]))
                except ValueError:
                    continue
            elif len(parts) == 3 and parts[1][:1] == "v" and parts[1][1:].isdigit() \
                    and parts[2] in _REASONS:
                records.add((parts[0], int(parts[1][1:]), NoticeKind(parts[2])))
        return Book(self, prefix, frozenset(records), min(starts) if starts else None)

    def claim(self, name: str, what: str) -> bool:
        """Create the tag ``name`` on the remote, saying ``what`` it records; False when the
        remote has it already (another run's). Raises LegalgenError when the remote refuses it
        for another reason.

        The tag is an annotated one of its own (a tag object with this run's time and a random
        token), never the bare commit: pushing a tag the remote has with the same value
        succeeds, so two runs that both pointed their tag at the commit would both "create" it.
        """
        now = time.time()
        body = (f"object {self.commit}\ntype commit\ntag {name}\ntagger {_TAGGER} {int(now)} +0000\n\n"
                f"{what}\n\nclaimed by legalgen notices at "
                f"{dt.datetime.fromtimestamp(now, dt.UTC).isoformat(timespec='seconds')} ({secrets.token_hex(8)})\n")
        tag = git_bytes(self.top, "mktag", stdin=body.encode("utf-8")).decode("ascii").strip()
        pushed = git(self.top, "push", "--quiet", "--no-verify", self.remote, f"{tag}:refs/tags/{name}",
                     check=False, remote=True)
        if pushed.returncode == 0:
            self.created[name] = tag
            self.names.add(name)
            return True
        there = git(self.top, "ls-remote", "--refs", self.remote, f"refs/tags/{name}", check=False, remote=True)
        if there.returncode == 0 and f"\trefs/tags/{name}" in there.stdout:
            self.names.add(name)
            return False
        raise LegalgenError(f"cannot record {name} on {self.remote}: {_last_line(pushed.stderr)} (the job needs "
                            "permission to push tags: `permissions: contents: write`)")

    def unclaim(self, name: str) -> None:
        """Delete the tag ``name`` that this run created on the remote."""
        if name not in self.created:
            raise ValueError(f"{name} was not created by this run")
        deleted = git(self.top, "push", "--quiet", "--no-verify", f"--force-with-lease=refs/tags/{name}:"
                      f"{self.created[name]}", self.remote, f":refs/tags/{name}", check=False, remote=True)
        if deleted.returncode != 0:
            raise LegalgenError(f"cannot remove {name} from {self.remote} ({_last_line(deleted.stderr)}): delete it "
                                f"by hand (`git push {self.remote} :refs/tags/{name}`) so that the next run sends "
                                "the message")
        del self.created[name]
        self.names.discard(name)


@dataclass(frozen=True)
class Book:
    """The records of one source folder: what was sent, and the ledger's first day (None: no run yet)."""

    ledger: Ledger
    prefix: str
    records: frozenset[Record]
    start: dt.date | None

    def name(self, message: DueMessage) -> str:
        """The tag that records ``message``."""
        return f"{self.prefix}{message.notice.kind}/v{message.notice.version.number}/{message.reason.value}"

    def begin(self, day: dt.date) -> dt.date:
        """The ledger's first day, recording ``day`` as that day when no run recorded one yet."""
        if self.start is not None:
            return self.start
        self.ledger.claim(f"{self.prefix}{_STARTED}/{day.isoformat()}", "the first day of this ledger: what was "
                          "due before it counts as sent")
        return day
