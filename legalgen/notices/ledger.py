"""The ledger of sent notices: a git tag on the repository's remote for every message sent.

With ``legalgen notices --send --ledger REMOTE`` a run sends what is due and not yet recorded
(:func:`~legalgen.notices.announcements.unrecorded_messages`), so the next run catches up a
failed one and no two runs send the same message, whichever workflow runs them and however
their pushes interleave.

A record is the tag ``legalgen-notices/<site>/<document>/v<N>-<hash>/<reason>``: ``<site>`` is
``site`` for the project's source and ``brands/<name>`` for a brand, so each keeps its own
records whatever its folder is called; ``<hash>`` is the start of the release's SHA-256, so a
version of the same number with another text is another message. The tag is an annotated tag
of its own on the commit the message was composed from, which must be on the remote's default
branch (the published one) with no uncommitted change to the sources. A run claims a message
by creating its tag on the remote *before* sending it: the remote creates a tag once, so of
two runs at the same time one sends and the other skips. A message that went out to nobody
loses its claim again (the run deletes the tag it created), so the next run sends it; one
that went out to some keeps it. ``legalgen-notices/<site>/started/<date>`` records the
ledger's first day: what was due before it was the business of whatever sent notices
before, and counts as sent.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from legalgen.diagnostics import LegalgenError, display_path
from legalgen.notices.announcements import DueMessage, NoticeKind, Record, record
from legalgen.versions.vcs import git, git_bytes, repository

#: The namespace of the ledger's tags.
ROOT = "legalgen-notices"
_STARTED = "started"
_VERSION = re.compile(r"v([1-9][0-9]{0,8})-([0-9a-f]{16})", re.ASCII)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_REASONS = {kind.value for kind in NoticeKind}
_TAGGER = "legalgen notices <noreply@legalgen.invalid>"
#: Pushes of the ledger push the one tag they name, nothing else a configuration would add.
_PUSH = ("push", "--quiet", "--no-verify", "--no-follow-tags", "--recurse-submodules=no")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "failed"


@dataclass
class Ledger:
    """The ledger's tags on ``remote`` (at its push address ``url``), read once per run;
    ``commit`` is what new records point at."""

    top: Path
    remote: str
    url: str
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
        url = git(top, "remote", "get-url", "--push", remote).stdout.strip()
        commit = git(top, "rev-parse", "--verify", "HEAD^{commit}").stdout.strip()
        listing = git(top, "ls-remote", "--refs", url, f"refs/tags/{ROOT}/*", check=False, remote=True)
        if listing.returncode != 0:
            raise LegalgenError(f"cannot read the notices ledger on {remote}: {_last_line(listing.stderr)}")
        names = set()
        for line in listing.stdout.splitlines():
            ref = line.partition("\t")[2].strip()
            if ref.startswith(f"refs/tags/{ROOT}/"):
                names.add(ref.removeprefix("refs/tags/"))
        return cls(top, remote, url, commit, names)

    def require_published(self, sources: Iterable[Path]) -> None:
        """Raise unless the checked-out commit is on the remote's default branch and the
        ``sources`` have no change git does not have: the records point at the commit the
        notices come from, which must be what the site publishes (a tag on any other commit
        would also publish that commit)."""
        paths = [str(path) for path in sources if path.exists()]
        changed = git(self.top, "status", "--porcelain", "--untracked-files=all", "--", *paths).stdout if paths \
            else ""
        if changed.strip():
            first = changed.splitlines()[0][3:]
            raise LegalgenError(f"the sources have changes that are not committed ({first} and maybe more): the "
                                "ledger records what the published commit says; commit and push them first")
        head = git(self.top, "ls-remote", "--symref", self.url, "HEAD", check=False, remote=True)
        values = [value for value, _, ref in (line.partition("\t") for line in head.stdout.splitlines())
                  if ref == "HEAD"]  # not refs/remotes/origin/HEAD, which a remote with a work tree may list
        branch = next((value.removeprefix("ref: ") for value in values if value.startswith("ref: ")), None)
        tip = next((value for value in values if not value.startswith("ref: ")), None)
        if head.returncode != 0 or branch is None or tip is None:
            raise LegalgenError(f"cannot tell the default branch of {self.remote}: "
                                f"{_last_line(head.stderr) if head.returncode else 'it names none'}")
        name = branch.removeprefix("refs/heads/")
        if git(self.top, "cat-file", "-e", f"{tip}^{{commit}}", check=False).returncode != 0:
            fetched = git(self.top, "fetch", "--quiet", "--no-tags", "--no-recurse-submodules", self.url, branch,
                          check=False, remote=True)
            if fetched.returncode != 0:
                raise LegalgenError(f"cannot fetch {name} from {self.remote}: {_last_line(fetched.stderr)}")
        if git(self.top, "merge-base", "--is-ancestor", self.commit, tip, check=False).returncode != 0:
            raise LegalgenError(f"the checked-out commit {self.commit[:12]} is not on {self.remote}'s {name}: notices "
                                f"go out for what {name} publishes; run them from {name} once it is pushed")

    def book(self, source: Path, brand: str | None) -> Book:
        """The records of the project whose (base) source folder is ``source``: its own
        (``brand`` None) or a brand's. A project whose source lies at the top of the repository
        (``policy/``) keeps them under ``legalgen-notices/site/`` (or ``brands/<name>/``), one
        whose source lies in a folder under ``legalgen-notices/<folder>/site/``, so two projects
        of one repository keep theirs apart and renaming the source folder keeps them."""
        try:
            inside = source.resolve().parent.relative_to(self.top).as_posix()
        except ValueError:
            raise LegalgenError(f"{display_path(source)} is not inside the git checkout at "
                                f"{display_path(self.top)}") from None
        project = "" if inside == "." else f"{inside}/"
        prefix = f"{ROOT}/{project}site/" if brand is None else f"{ROOT}/{project}brands/{brand}/"
        if git(self.top, "check-ref-format", f"refs/tags/{prefix}{_STARTED}/x", check=False).returncode != 0:
            raise LegalgenError(f"{prefix} cannot be part of a git tag's name, which the notices ledger needs; "
                                "rename the folder")
        records: set[Record] = set()
        starts: list[dt.date] = []
        for name in self.names:
            if not name.startswith(prefix):
                continue
            parts = name.removeprefix(prefix).split("/")
            if len(parts) == 2 and parts[0] == _STARTED and _DAY.fullmatch(parts[1]):
                try:
                    starts.append(dt.date.fromisoformat(parts[1]))
                except ValueError:
                    continue
            elif len(parts) == 3 and parts[2] in _REASONS and (found := _VERSION.fullmatch(parts[1])):
                records.add((parts[0], int(found[1]), found[2], NoticeKind(parts[2])))
        return Book(self, prefix, frozenset(records), min(starts) if starts else None)

    def claim(self, name: str, what: str) -> bool:
        """Create the tag ``name`` on the remote, saying ``what`` it records; False when the
        remote has it already (another run's). Raises LegalgenError when the remote refuses it
        for another reason, or when it cannot tell.

        The tag is an annotated one of its own (a tag object with this run's time and a random
        token), never the bare commit: pushing a tag the remote has with the same value
        succeeds, so two runs that both pointed their tag at the commit would both "create" it;
        and a push reported as failed is this run's claim after all when the remote has this
        very object.
        """
        now = time.time()
        body = (f"object {self.commit}\ntype commit\ntag {name}\ntagger {_TAGGER} {int(now)} +0000\n\n"
                f"{what}\n\nclaimed by legalgen notices at "
                f"{dt.datetime.fromtimestamp(now, dt.UTC).isoformat(timespec='seconds')} ({secrets.token_hex(8)})\n")
        tag = git_bytes(self.top, "mktag", stdin=body.encode("utf-8")).decode("ascii").strip()
        try:
            pushed = git(self.top, *_PUSH, "--porcelain", self.remote, f"{tag}:refs/tags/{name}", check=False,
                         remote=True)
            created = any(line.startswith(f"*\t{tag}:refs/tags/{name}\t") for line in pushed.stdout.splitlines())
            # a new tag, at that very name: a push may update a ref named alike instead
            failure = None if pushed.returncode == 0 and created else _last_line(pushed.stderr or pushed.stdout)
        except LegalgenError as error:  # the push timed out: it may have landed
            failure = str(error)
        if failure is not None:
            there = git(self.top, "ls-remote", "--refs", self.url, f"refs/tags/{name}", check=False, remote=True)
            if there.returncode != 0:
                raise LegalgenError(f"cannot tell whether {name} was recorded on {self.remote} ({failure}; then "
                                    f"{_last_line(there.stderr)}): nothing of it was sent; if the tag is there, "
                                    "delete it so that the next run sends the message")
            value = next((line.split()[0] for line in there.stdout.splitlines() if line.endswith(f"\trefs/tags/{name}")),
                         None)
            if value is None:
                raise LegalgenError(f"cannot record {name} on {self.remote}: {failure} (the job needs permission "
                                    "to push tags: `permissions: contents: write`)")
            if value != tag:
                self.names.add(name)
                return False
        self.created[name] = tag
        self.names.add(name)
        return True

    def unclaim(self, name: str) -> None:
        """Delete the tag ``name`` that this run created on the remote (and only if it is still that tag)."""
        if name not in self.created:
            raise ValueError(f"{name} was not created by this run")
        deleted = git(self.top, *_PUSH, f"--force-with-lease=refs/tags/{name}:{self.created[name]}", self.remote,
                      f":refs/tags/{name}", check=False, remote=True)
        if deleted.returncode != 0:
            raise LegalgenError(f"cannot remove {name} from {self.remote} ({_last_line(deleted.stderr)}): delete it "
                                f"by hand (`git push {self.remote} :refs/tags/{name}`) so that the next run sends "
                                "the message")
        del self.created[name]
        self.names.discard(name)


@dataclass(frozen=True)
class Book:
    """The records of one site: what was sent, and the ledger's first day (None: no run yet)."""

    ledger: Ledger
    prefix: str
    records: frozenset[Record]
    start: dt.date | None

    def name(self, message: DueMessage) -> str:
        """The tag that records ``message``."""
        kind, number, digest, reason = record(message.notice, message.reason)
        return f"{self.prefix}{kind}/v{number}-{digest}/{reason.value}"

    def begin(self, day: dt.date) -> dt.date:
        """The ledger's first day, recording ``day`` as that day when no run recorded one yet."""
        if self.start is not None:
            return self.start
        self.ledger.claim(f"{self.prefix}{_STARTED}/{day.isoformat()}", "the first day of this ledger: what was "
                          "due before it counts as sent")
        return day
