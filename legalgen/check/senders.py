"""The workflows that send change notices, read for rule C11 (each message goes out once).

A sender is a step of a workflow that starts by itself (on anything but ``workflow_dispatch``,
and not behind an ``if:`` for a run by hand) and whose script runs ``legalgen notices
--send``. Senders with ``--ledger`` on one remote share the record of what was sent, so any
number of them sends each message once; a sender without one knows nothing of the others, nor
of its own earlier runs. Without a ledger the one safe arrangement is the one ``legalgen
init`` wrote before the ledger: a run on each push with ``--since`` (the announcements of what
the push brought) and one daily run with ``--pushes-announced`` (everything else).
:func:`overlaps` reports every other arrangement of senders for the same site: messages sent
twice, or announcements nobody sends. Two senders are for the same site when they read the
same source (``working-directory``, ``cd``, ``--root`` and ``--source`` resolved; the source
defaults to ``policy/`` under the root) and name a common site: the project's own (no brand
option), a brand (``--brand NAME``) or every brand (``--brands``). A reusable workflow
(``workflow_call``) starts on what starts the workflows of the folder that call it, and a
job's matrix runs a command without a variable the same way once per entry.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from legalgen.check import Finding
from legalgen.check.workflows import MATRIX_JOBS, Step, Workflow, workflows
from legalgen.diagnostics import Location

#: The characters of the shell tokens that end a command: a word of them alone (``;``, ``&&``, ``)&&``) does.
_PUNCTUATION = "();&|"
#: The options of `legalgen notices` that take a value (cli.notices; an option added there belongs here).
_VALUED = {"--root", "--source", "-s", "--as-of", "--output", "-o", "--recipients", "--since", "--ledger", "--brand",
           "--shard"}
#: The site a sender without a brand option sends for (the project's own), and every brand.
OWN, EVERY_BRAND = "", "*"
#: The most senders compared: a real project has a handful; the comparison grows as their square.
MAX_SENDERS = 100
#: How a script names the checkout's top.
_WORKSPACE = ("${{github.workspace}}", "$GITHUB_WORKSPACE", "${GITHUB_WORKSPACE}")
#: An expression GitHub puts in a script before the shell reads it; read as one word.
_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")


@dataclass(frozen=True)
class Sender:
    """A step that sends notices: where, for which source and sites, how, and on what events."""

    workflow: str
    location: Location
    project: str  # the source folder, relative to the checkout's top
    sites: frozenset[str]  # OWN, brand names, EVERY_BRAND
    ledger: str | None  # the remote of --ledger
    since: bool
    pushes_announced: bool
    events: frozenset[str]  # what starts it (workflow_dispatch left out)
    copies: int | None = 1  # how often each run sends (the entries of a matrix that runs it alike), None: not known

    @property
    def described(self) -> str:
        how = (f"with the ledger on {self.ledger} (--ledger)" if self.ledger
               else "without a ledger, announcing the versions each push brings (--since)" if self.since
               else "without a ledger, leaving out what pushes announced (--pushes-announced)"
               if self.pushes_announced else "without a ledger")
        return f"{self.workflow} (line {self.location.line}) sends change notices {how}, on {_listed(self.events)}"

    def shares_a_site(self, other: Sender) -> bool:
        if self.project != other.project:
            return False
        if self.sites & other.sites:
            return True
        brands = (self.sites | other.sites) - {OWN, EVERY_BRAND}
        return bool(brands) and (EVERY_BRAND in self.sites or EVERY_BRAND in other.sites)


def _listed(events: frozenset[str]) -> str:
    names = sorted("its schedule" if event == "schedule" else event for event in events)
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def _path(folder: str, value: str) -> str:
    """``value`` (a path a script gives) relative to the checkout's top, for a step run in ``folder``."""
    for top in _WORKSPACE:
        if value == top or value.startswith(f"{top}/"):
            return posixpath.normpath("." + value.removeprefix(top))
    return posixpath.normpath(posixpath.join(folder or ".", value))


def _commands(script: str, folder: str = "") -> Iterator[tuple[int, list[str], str]]:
    """The commands of a shell script run in ``folder``, as word lists with the line (from 0)
    each starts on and the folder it runs in: a ``cd`` moves the commands after it, to the end
    of its subshell ``( )``. A line shlex cannot split is split at blanks."""
    number = 0
    outer: list[str] = []  # the folders of the enclosing shells
    for line in script.replace("\\\n", "\x00").splitlines():  # continued lines stay one
        start, number = number, number + 1 + line.count("\x00")
        line = _EXPRESSION.sub(lambda found: "${{" + "".join(found[1].split()) + "}}", line.replace("\x00", " "))
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        try:
            words = list(lexer)
        except ValueError:
            words = line.split()
        command: list[str] = []
        for word in [*words, ";"]:
            if not word.strip(_PUNCTUATION):  # `;`, `&&`, `)&&`, `((`
                if command:
                    yield start, command, folder
                    if command[0] == "cd":
                        folder = _moved(folder, command[1:])
                command = []
                for mark in word:
                    if mark == "(":
                        outer.append(folder)
                    elif mark == ")" and outer:
                        folder = outer.pop()
            else:
                command.append(word)


def _moved(folder: str, words: list[str]) -> str:
    """Where ``cd`` with ``words`` goes from ``folder`` (a path of its own for ``cd``, ``cd -``
    or ``cd ~``: a folder no other step is known to share)."""
    target = next((word for word in words if not word.startswith("-") or word == "-"), "~")
    if target == "-" or target.startswith("~"):
        return f"{target} (cd)"
    return _path(folder, target)


def _notices_options(command: list[str]) -> list[str] | None:
    """The words after ``legalgen notices`` (or ``python -m legalgen notices``), None for another command."""
    for index, word in enumerate(command[:-1]):
        if Path(word).name == "legalgen" and command[index + 1] == "notices":
            return command[index + 2:]
    return None


def _sender(workflow: str, events: frozenset[str], step: Step, line: int, folder: str,
            words: list[str]) -> Sender | None:
    options: dict[str, str] = {}
    flags: set[str] = set()
    brands: set[str] = set()
    index = 0
    while index < len(words):
        word = words[index]
        name, equals, value = word.partition("=")
        if name in _VALUED:
            if not equals:
                index += 1
                value = words[index] if index < len(words) else ""
            if name == "--brand":
                brands.add(EVERY_BRAND if "$" in value else value)  # a variable or expression: any brand
            else:
                options[{"-s": "--source", "-o": "--output"}.get(name, name)] = value
        elif word.startswith("--"):
            flags.add(word)
        index += 1
    if "--send" not in flags:
        return None
    sites = frozenset({EVERY_BRAND} if "--brands" in flags or "--shard" in options else brands or {OWN})
    source = options.get("--source")
    project = _path(folder, source) if source else posixpath.join(_path(folder, options.get("--root", ".")), "policy")
    alike = not any("$" in word for word in [*words, folder])  # the same command in each entry of the job's matrix
    return Sender(workflow, step.at(line), posixpath.normpath(project), sites, options.get("--ledger"),
                  "--since" in options, "--pushes-announced" in flags, events, step.runs if alike else 1)


def _by_hand(condition: str) -> bool:
    """Whether an ``if:`` lets a step run only when started by hand."""
    spaced = " ".join(condition.replace("==", " == ").split())
    return any(f"github.event_name == {quote}workflow_dispatch{quote}" in spaced for quote in "'\"")


def _started_by(every: list[Workflow]) -> dict[str, frozenset[str]]:
    """The events that start each workflow, ``workflow_dispatch`` left out: its own, and for a
    reusable workflow that others in the folder call (``workflow_call``), theirs (a call from a
    job for runs by hand adds none). Computed to a fixed point, one round per workflow at
    most, so that neither a cycle of calls nor many paths through them lengthen it."""
    callers: dict[str, set[str]] = {}
    for workflow in every:
        for callee, condition in workflow.calls():
            callers.setdefault(callee, set()).update(() if _by_hand(condition) else (workflow.name,))
    started: dict[str, frozenset[str]] = {}
    reusable = []  # called here: started by what starts its callers
    for workflow in every:
        own = workflow.events - {"workflow_dispatch"}
        if "workflow_call" in own and workflow.name in callers:
            own -= {"workflow_call"}
            reusable.append(workflow.name)
        started[workflow.name] = own
    for _ in every:
        grown = False
        for name in reusable:
            events = started[name].union(*(started[caller] for caller in callers[name]))
            grown |= events != started[name]
            started[name] = events
        if not grown:
            break
    return started


def senders(folder: Path) -> list[Sender]:
    """Every step of the workflows in ``folder`` that sends notices when it starts by itself."""
    found = []
    every = workflows(folder)
    started = _started_by(every)
    for workflow in every:
        events = started[workflow.name]
        if not events:
            continue  # run by hand: a deliberate resend
        for step in workflow.steps():
            if _by_hand(step.condition):
                continue
            for line, command, where in _commands(step.script, step.folder):
                words = _notices_options(command)
                sender = None if words is None else _sender(workflow.name, events, step, line, where, words)
                if sender is not None:
                    found.append(sender)
                    if len(found) > MAX_SENDERS:  # one more than compared: there are too many
                        return found
    return found


def _twice(one: Sender, other: Sender) -> str | None:
    """What both of two senders without a ledger send, None if nothing."""
    if one.since and other.since:
        return "the announcement of each version a push brings"
    if one.since or other.since:
        daily = other if one.since else one
        return None if daily.pushes_announced else "the announcement of a version pushed on or after its publication date"
    return "each message due that day"


def overlaps(folder: Path) -> list[Finding]:
    """Every sender in ``folder`` whose messages another sender for the same site also sends,
    or whose arrangement leaves announcements unsent; a pair is reported once, at the later step."""
    found = []
    every = senders(folder)
    if len(every) > MAX_SENDERS:
        extra = every[MAX_SENDERS]
        found.append(Finding(
            f"{extra.described}: more than {MAX_SENDERS} steps send change notices; the steps after the first "
            f"{MAX_SENDERS} are not compared", extra.location,
            "send from one step, with a ledger: `legalgen notices --send --ledger origin` after each deployment"))
        every = every[:MAX_SENDERS]
    for index, sender in enumerate(every):
        if sender.ledger:  # the senders of one ledger send each message once among themselves
            apart = next((other for other in every[:index] if other.ledger and other.ledger != sender.ledger
                          and "$" not in other.ledger + sender.ledger and sender.shares_a_site(other)), None)
            if apart is not None:
                found.append(Finding(
                    f"{sender.described}, and {apart.described}: two ledgers know nothing of each other, so each "
                    "message goes out twice", sender.location, f"record in one remote: `--ledger {apart.ledger}`"))
            continue
        others = [other for other in every if other is not sender and sender.shares_a_site(other)]
        sharing = {id(other) for other in others}
        with_ledger = next((other for other in others if other.ledger), None)
        if with_ledger is not None:
            what = "each announcement" if sender.since else "each message"
            found.append(Finding(
                f"{sender.described}, and {with_ledger.described}: the ledger does not know what the other sends, so "
                f"{what} goes out twice", sender.location,
                "remove this step (or its workflow): the senders with --ledger send every message once and catch up "
                "a failed run"))
            continue
        hint = ("send with a ledger instead, from one workflow: `legalgen notices --send --ledger origin` after each "
                "deployment")
        if sender.copies != 1:
            times = ("once for each entry" if sender.copies is None else
                     f"{sender.copies} times" if sender.copies <= MATRIX_JOBS else
                     f"more than {MATRIX_JOBS} times")  # counted no further: GitHub runs at most that many
            found.append(Finding(
                f"{sender.described}, in a job whose matrix runs the same command {times}: each message it sends "
                f"goes out {times}", sender.location,
                "take the step out of the matrix job, or send with a ledger (`--ledger origin`): the ledger sends "
                "each message once, however many jobs run it"))
        if not sender.since and sender.events - {"schedule"}:
            found.append(Finding(
                f"{sender.described}: each run on {_listed(sender.events - {'schedule'})} sends the messages due "
                "that day again", sender.location, hint))
        for other in every[:index]:  # the first earlier sender it repeats (one finding per sender)
            twice = _twice(sender, other) if id(other) in sharing else None
            if twice is not None:
                found.append(Finding(f"{sender.described}, and {other.described}: {twice} goes out twice",
                                     sender.location, hint))
                break
        if sender.pushes_announced and not any(other.since for other in others):
            found.append(Finding(
                f"{sender.described}, but no workflow announces the versions each push brings (--since): a version "
                "pushed on or after its publication date is never announced", sender.location, hint))
    return found
