"""The project's GitHub workflows (``.github/workflows/*.yml``), read for the rules about how
the site is published and its notices sent (C10, C11).

A workflow is composed into YAML nodes, so each finding can point at its line; each file is
read once per state (``check --brands`` asks for every brand), never beyond a bound, and a
file that cannot be read counts as no workflow (GitHub reports a broken one; it runs nothing).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from legalgen.diagnostics import Location, display_path
from legalgen.files import read_within

#: A workflow file larger than this is not read (the check never reads without bound).
_MAX_BYTES = 1_000_000
#: The most characters of step scripts read from one workflow (YAML aliases can repeat a script).
_MAX_SCRIPTS = 2 * _MAX_BYTES
#: How a job names a reusable workflow of the same repository.
_LOCAL = "./.github/workflows/"


def get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value of ``key`` in a mapping node, None when it is absent or ``node`` is no mapping."""
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((value for name, value in node.value if isinstance(name, yaml.ScalarNode) and name.value == key),
                None)


def items(node: yaml.Node | None) -> list[yaml.Node]:
    """The entries of a sequence node; none for anything else."""
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def text(node: yaml.Node | None) -> str | None:
    """A scalar node's text."""
    return node.value if isinstance(node, yaml.ScalarNode) else None


@dataclass(frozen=True)
class Step:
    """A step that runs a script: the script, where it is, and the folder it runs in (the
    step's, job's or workflow's ``working-directory``, "" for the checkout's top). ``lines``
    are where each line of a literal block (``run: |``) is, else empty."""

    script: str
    location: Location
    folder: str
    lines: tuple[Location, ...] = ()
    condition: str = ""  # the job's and the step's ``if:``
    runs: int | None = 1  # how often the job runs each time it starts: its matrix's entries, None if not known

    def at(self, line: int) -> Location:
        """Where line ``line`` (from 0) of the script is: itself in a literal block, else the script's start."""
        return self.lines[line] if line < len(self.lines) else self.location


@dataclass(frozen=True)
class Workflow:
    """A workflow file: its name, root node, the events that start it, and where its ``on:`` is."""

    name: str
    root: yaml.MappingNode
    events: frozenset[str]
    triggers: yaml.Node
    on: Location
    source_lines: tuple[str, ...]

    def steps(self) -> Iterator[Step]:
        """Every step with a ``run:`` script, in order: each job and step list walked once and
        each script yielded once, however often YAML aliases repeat them, and no more than
        :data:`_MAX_SCRIPTS` characters of scripts in all (so the walk is as long as the file,
        at most)."""
        default = _folder(self.root)
        jobs = get(self.root, "jobs")
        seen: set[int] = set()
        budget = _MAX_SCRIPTS
        for _, job in jobs.value if isinstance(jobs, yaml.MappingNode) else ():
            steps = get(job, "steps")
            if id(job) in seen or id(steps) in seen:
                continue
            seen.update((id(job), id(steps)))
            folder = _folder(job) or default
            guard = text(get(job, "if")) or ""
            runs = _entries(get(get(job, "strategy"), "matrix"))
            for step in items(steps):
                run = get(step, "run")
                if isinstance(run, yaml.ScalarNode) and id(run) not in seen:
                    seen.add(id(run))
                    budget -= len(run.value)
                    if budget < 0:
                        return
                    mark = run.start_mark
                    yield Step(run.value, Location(self.on.file, mark.line + 1, mark.column + 1),
                               text(get(step, "working-directory")) or folder, self._block(run),
                               f"{guard} {text(get(step, 'if')) or ''}".strip(), runs)

    def calls(self) -> Iterator[tuple[str, str]]:
        """The workflows of the same folder its jobs call (``uses: ./.github/workflows/x.yml``),
        by file name, each with the calling job's ``if:``."""
        jobs = get(self.root, "jobs")
        for _, job in jobs.value if isinstance(jobs, yaml.MappingNode) else ():
            uses = text(get(job, "uses")) or ""
            if uses.startswith(_LOCAL) and "/" not in uses.removeprefix(_LOCAL):
                yield uses.removeprefix(_LOCAL), text(get(job, "if")) or ""

    def _block(self, run: yaml.ScalarNode) -> tuple[Location, ...]:
        """Where each line of a literal block scalar is (its first line follows the ``|``)."""
        if run.style != "|":
            return ()
        first = run.start_mark.line + 1
        lines = self.source_lines[first:first + len(run.value.splitlines())]
        return tuple(Location(self.on.file, first + number + 1, len(line) - len(line.lstrip(" ")) + 1)
                     for number, line in enumerate(lines))

    @property
    def automatic(self) -> bool:
        """Whether it runs without anyone starting it: on a push or a schedule."""
        return bool(self.events & {"push", "schedule"})


#: The most jobs GitHub runs for one matrix; a larger count is kept as MATRIX_JOBS + 1.
MATRIX_JOBS = 256


def _entries(matrix: yaml.Node | None) -> int | None:
    """How many jobs a ``strategy.matrix`` makes (1 without one): the product of its lists'
    lengths, ``include`` alone counting its entries; None for one not known before the run
    (an expression). ``exclude`` and ``include`` beside lists are not counted."""
    if matrix is None:
        return 1
    if not isinstance(matrix, yaml.MappingNode):
        return None
    lists = [value for name, value in matrix.value if text(name) not in ("include", "exclude")]
    if not lists:
        return min(len(items(get(matrix, "include"))), MATRIX_JOBS + 1) or 1
    count = 1
    for value in lists:
        if not isinstance(value, yaml.SequenceNode):
            return None
        count = min(count * len(value.value), MATRIX_JOBS + 1)  # no unbounded product of many lists
    return count


def _folder(node: yaml.Node | None) -> str:
    return text(get(get(get(node, "defaults"), "run"), "working-directory")) or ""


def workflows(folder: Path) -> list[Workflow]:
    """The readable workflows in ``folder``, by file name."""
    found = []
    for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
        try:
            status = path.stat()
        except OSError:
            continue
        workflow = _read(path, status.st_mtime_ns, status.st_size)
        if workflow is not None:
            found.append(workflow)
    return found


@functools.lru_cache(maxsize=64)
def _read(path: Path, _mtime: int, _size: int) -> Workflow | None:
    try:
        raw = read_within(path, _MAX_BYTES)  # a regular file within the bound, never a device or a pipe
        if raw is None:
            return None
        source = raw.decode("utf-8")
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):  # RecursionError: nested too deep
        return None
    triggers = get(root, "on")
    if not isinstance(root, yaml.MappingNode) or triggers is None:
        return None
    names = [triggers] if isinstance(triggers, yaml.ScalarNode) else items(triggers) \
        if isinstance(triggers, yaml.SequenceNode) else [name for name, _ in triggers.value] \
        if isinstance(triggers, yaml.MappingNode) else []
    events = {name.value for name in names if isinstance(name, yaml.ScalarNode)}
    mark = next(name for name, value in root.value if value is triggers).start_mark  # the key `on:`
    return Workflow(path.name, root, frozenset(events), triggers,
                    Location(display_path(path), mark.line + 1, mark.column + 1), tuple(source.splitlines()))
