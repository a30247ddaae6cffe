"""C11: each change notice goes out once, whatever the workflows that send them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.check.senders import OWN, overlaps, senders
from legalgen.cli import main
from legalgen.scaffold import Answers, plan, write

WORKFLOW = """\
name: {name}
on:
  {trigger}
jobs:
  send:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Send
        run: |
          umask 077
          {command}
"""
LEDGER = 'legalgen notices --send --recipients "$RUNNER_TEMP/r.csv" --output "$RUNNER_TEMP/n" \\\n            --ledger origin'
#: The daily workflow `legalgen init` wrote before the ledger, and its publishing workflow's step.
OLD_DAILY = 'legalgen notices --send --recipients "$RUNNER_TEMP/r.csv" --pushes-announced'
OLD_PUSH = 'legalgen notices --send --recipients r.csv --since "${{ github.event.before }}"'
DAILY = 'schedule:\n    - cron: "30 6 * * *"'


def _folder(tmp_path: Path, **files: tuple[str, str]) -> Path:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True, exist_ok=True)
    for name, (trigger, command) in files.items():
        (folder / f"{name}.yml").write_text(WORKFLOW.format(name=name, trigger=trigger, command=command),
                                            encoding="utf-8")
    return folder


def test_a_step_is_read_as_the_command_runs() -> None:
    """Continued lines, `&&`, `python -m`, `--opt=value`, a brand from an expression."""
    from legalgen.check.senders import _commands, _notices_options

    script = ("set -e\nlegalgen build && python -m legalgen notices --send --ledger=origin \\\n  --brand a\n"
              "echo 'legalgen notices --send' # quoted: not a command\n")
    commands = [(line, words) for line, words, _ in _commands(script) if _notices_options(words) is not None]
    assert commands == [(1, ["python", "-m", "legalgen", "notices", "--send", "--ledger=origin", "--brand", "a"])]
    assert [line for line, _, _ in _commands(script)] == [0, 1, 1, 3]  # set, build, notices, echo


def test_a_command_runs_where_cd_took_the_script() -> None:
    """`cd` moves the commands after it, to the end of its subshell; an expression is one word."""
    from legalgen.check.senders import _commands

    script = ("(cd a && legalgen build)&& legalgen notices --send\ncd -P ${{ github.workspace }}/b\n"
              "legalgen notices --send --root ../c\ncd\nlegalgen notices --send\n")
    folders = [(words[0], folder) for _, words, folder in _commands(script, "site")]
    assert folders == [("cd", "site"), ("legalgen", "site/a"), ("legalgen", "site"), ("cd", "site"),
                       ("legalgen", "b"), ("cd", "b"), ("legalgen", "~ (cd)")]


def test_senders_read_the_folder_cd_went_to(tmp_path: Path) -> None:
    folder = _folder(tmp_path, a=(DAILY, "cd site && legalgen notices --send"),
                     b=(DAILY, "legalgen notices --send --root site"), c=(DAILY, "legalgen notices --send"))
    assert [sender.project for sender in senders(folder)] == ["site/policy", "site/policy", "policy"]
    [overlap] = overlaps(folder)
    assert overlap.message.startswith("b.yml (line 13)") and "and a.yml (line 13)" in overlap.message


MATRIX = WORKFLOW.replace("    runs-on: ubuntu-latest\n", "    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n{matrix}\n")


@pytest.mark.parametrize(("matrix", "command", "expected"), [
    ("        os: [a, b]\n        py: ['3.11', '3.12', '3.13']", "legalgen notices --send --recipients r.csv",
     "in a job whose matrix runs the same command 6 times: each message it sends goes out 6 times"),
    ("        include: [{a: 1}, {a: 2}]", "legalgen notices --send",
     "in a job whose matrix runs the same command 2 times: each message it sends goes out 2 times"),
    ("        ${{ fromJSON(needs.list.outputs.entries) }}", "legalgen notices --send",
     ("in a job whose matrix runs the same command once for each entry: each message it sends goes out once for "
     "each entry")),
    ("        brand: [a, b]", "legalgen notices --send --brand ${{ matrix.brand }}", None),  # one brand each
    ("        os: [a, b]", LEDGER, None),  # the ledger sends each once
    ("        os: [a]", "legalgen notices --send", None),
    # 10 ** 3000 entries: counted no further than GitHub runs (never a number too long to print)
    ("        k0: &l [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n" + "\n".join(f"        k{i}: *l" for i in range(1, 3000)),
     "legalgen notices --send",
     ("in a job whose matrix runs the same command more than 256 times: each message it sends goes out more than "
      "256 times")),
], ids=["lists", "include", "expression", "brand", "ledger", "one", "huge"])
def test_a_matrix_job_sends_once_per_entry(tmp_path: Path, matrix: str, command: str, expected: str | None) -> None:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "m.yml").write_text(MATRIX.format(name="m", trigger=DAILY, command=command, matrix=matrix),
                                  encoding="utf-8")
    found = [overlap.message for overlap in overlaps(folder)]
    line = 15 + len(matrix.splitlines())
    assert found == ([] if expected is None else
                     [f"m.yml (line {line}) sends change notices without a ledger, on its schedule, {expected}"])


CALLER = "name: {name}\non:\n  {trigger}\njobs:\n  call:\n{guard}    uses: ./.github/workflows/send.yml\n"


@pytest.mark.parametrize(("callers", "expected"), [
    # started by its caller's schedule: once a day, as a daily sender should
    ({"daily": (DAILY, "")}, []),
    ({"publish": ("push:", "")},
     [("send.yml (line 12) sends change notices without a ledger, on push: each run on push sends the messages due "
      "that day again")]),
    ({"manual": ("workflow_dispatch:", "")}, []),
    ({"daily": ("push:\n  workflow_dispatch:", "    if: github.event_name == 'workflow_dispatch'\n")}, []),
    # called from elsewhere: what starts it is not known here
    ({}, [("send.yml (line 12) sends change notices without a ledger, on workflow_call: each run on workflow_call "
          "sends the messages due that day again")]),
])
def test_a_reusable_workflow_is_started_by_what_starts_its_callers(
        tmp_path: Path, callers: dict[str, tuple[str, str]], expected: list[str]) -> None:
    folder = _folder(tmp_path, send=("workflow_call:", "legalgen notices --send"))
    for name, (trigger, guard) in callers.items():
        (folder / f"{name}.yml").write_text(CALLER.format(name=name, trigger=trigger, guard=guard), encoding="utf-8")
    assert [overlap.message for overlap in overlaps(folder)] == expected


def test_the_ledger_and_a_workflow_kept_from_before_it_send_twice(tmp_path: Path) -> None:
    folder = _folder(tmp_path, publish=("push:", LEDGER), notices=(DAILY, OLD_DAILY))
    [overlap] = overlaps(folder)
    assert overlap.message == (
        "notices.yml (line 13) sends change notices without a ledger, leaving out what pushes announced "
        "(--pushes-announced), on its schedule, and publish.yml (line 12) sends change notices with the ledger on origin "
        "(--ledger), on push: the ledger does not know what the other sends, so each message goes out twice")
    assert overlap.location.file.endswith("notices.yml") and (overlap.location.line, overlap.location.col) == (13, 11)
    assert overlap.hint.startswith("remove this step")


def test_what_init_writes_sends_once(tmp_path: Path) -> None:
    answers = Answers("A GmbH", "DE", "a@a.example", "A", "https://a.example/", timezone="Europe/Berlin")
    written = {path.name: content for path, content in plan(tmp_path, answers).items()
               if ".github" in path.parts and isinstance(content, str)}
    folder = _folder(tmp_path)
    for name, content in written.items():
        (folder / name).write_text(content, encoding="utf-8")
    [sender] = senders(folder)  # the publishing workflow's job notices
    assert sender.ledger and sender.sites == {OWN}
    assert overlaps(folder) == []


@pytest.mark.parametrize(("files", "expected"), [
    # the arrangement before the ledger: each push announces what it brought, the daily run the rest
    ({"publish": ("push:", OLD_PUSH), "notices": (DAILY, OLD_DAILY)}, []),
    # any number of senders with the ledger
    ({"publish": ("push:", LEDGER), "notices": (DAILY, LEDGER)}, []),
    # run by hand only: a deliberate resend
    ({"publish": ("push:", LEDGER), "resend": ("workflow_dispatch:", OLD_DAILY)}, []),
    # writes the messages, sends none
    ({"publish": ("push:", LEDGER), "preview": (DAILY, "legalgen notices --output out")}, []),
    # another project, or other brands
    ({"publish": ("push:", LEDGER), "other": (DAILY, "legalgen notices --root other --send")}, []),
    ({"a": (DAILY, "legalgen notices --send --brand a"), "b": (DAILY, "legalgen notices --send --brand b")}, []),
    ({"a": (DAILY, "legalgen notices --send --brand a"), "own": (DAILY, "legalgen notices --send")}, []),
    # twice
    ({"a": (DAILY, "legalgen notices --send"), "b": (DAILY, "legalgen notices --send")},
     [("b.yml (line 13) sends change notices without a ledger, on its schedule, and a.yml (line 13) sends change"
       " notices without a ledger, on its schedule: each message due that day goes out twice")]),
    ({"publish": ("push:", OLD_PUSH), "notices": (DAILY, "legalgen notices --send")},
     [("publish.yml (line 12) sends change notices without a ledger, announcing the versions each push brings "
       "(--since), on push, and notices.yml (line 13) sends change notices without a ledger, on its schedule: "
       "the announcement of a version pushed on or after its publication date goes out twice")]),
    ({"a": ("push:", OLD_PUSH), "b": ("push:", OLD_PUSH), "notices": (DAILY, OLD_DAILY)},
     [("b.yml (line 12) sends change notices without a ledger, announcing the versions each push brings (--since), "
       "on push, and a.yml (line 12) sends change notices without a ledger, announcing the versions each push brings "
       "(--since), on push: the announcement of each version a push brings goes out twice")]),
    ({"brands": (DAILY, "legalgen notices --send --brands --shard 1/4 --ledger origin"),
      "one": (DAILY, "legalgen notices --send --brand a")},
     [("one.yml (line 13) sends change notices without a ledger, on its schedule, and brands.yml (line 13) sends"
       " change notices with the ledger on origin (--ledger), on its schedule: the ledger does not know what the"
       " other sends, so each message goes out twice")]),
    ({"a": (DAILY, LEDGER), "b": ("push:", LEDGER.replace("origin", "upstream"))},
     [("b.yml (line 12) sends change notices with the ledger on upstream (--ledger), on push, and a.yml (line 13) "
       "sends change notices with the ledger on origin (--ledger), on its schedule: two ledgers know nothing of each "
       "other, so each message goes out twice")]),
    ({"a": (DAILY, LEDGER), "b": ("push:", LEDGER.replace("origin", '"$REMOTE"'))}, []),  # not known: not compared
    # one sender, more than once a day
    ({"notices": ("push:\n  schedule:\n    - cron: \"5 0 * * *\"", "legalgen notices --send --recipients r.csv")},
     [("notices.yml (line 14) sends change notices without a ledger, on its schedule and push: each run on push "
       "sends the messages due that day again")]),
    ({"notices": ("workflow_run:\n    workflows: [Publish]", "legalgen notices --send --recipients r.csv")},
     [("notices.yml (line 13) sends change notices without a ledger, on workflow_run: each run on workflow_run sends "
       "the messages due that day again")]),
    # the same source, however it is named
    ({"a": (DAILY, "legalgen notices --send --source policy"),
      "b": (DAILY, 'legalgen notices --send --root "$GITHUB_WORKSPACE"')},
     [("b.yml (line 13) sends change notices without a ledger, on its schedule, and a.yml (line 13) sends change "
       "notices without a ledger, on its schedule: each message due that day goes out twice")]),
    # never sent
    ({"notices": (DAILY, OLD_DAILY)},
     [("notices.yml (line 13) sends change notices without a ledger, leaving out what pushes announced "
       "(--pushes-announced), on its schedule, but no workflow announces the versions each push brings "
       "(--since): a version pushed on or after its publication date is never announced")]),
])
def test_arrangements(tmp_path: Path, files: dict[str, tuple[str, str]], expected: list[str]) -> None:
    assert [overlap.message for overlap in overlaps(_folder(tmp_path, **files))] == expected


def test_a_step_for_runs_by_hand_sends_nothing_by_itself(tmp_path: Path) -> None:
    """A resend step behind `if: github.event_name == 'workflow_dispatch'` in a workflow that
    also runs on push is not a sender; without the guard it is."""
    folder = _folder(tmp_path, publish=("push:\n  workflow_dispatch:", LEDGER),
                     manual=("push:\n  workflow_dispatch:", "legalgen notices --send --as-of 2026-11-01"))
    assert [overlap.location.file.rsplit("/", 1)[-1] for overlap in overlaps(folder)] == ["manual.yml"]
    text = (folder / "manual.yml").read_text(encoding="utf-8")
    guarded = text.replace("      - name: Send\n", "      - name: Send\n        if: github.event_name == 'workflow_dispatch'\n")
    (folder / "manual.yml").write_text(guarded, encoding="utf-8")
    assert overlaps(folder) == []


def test_check_reports_c11_for_the_project(tmp_path: Path) -> None:
    answers = Answers("A GmbH", "DE", "a@a.example", "A", "https://a.example/", timezone="Europe/Berlin")
    write(tmp_path, answers)  # what init writes
    runner = CliRunner()
    assert "C11" not in runner.invoke(main, ["check", "--root", str(tmp_path)]).output
    _folder(tmp_path, **{"legal-notices": (DAILY, OLD_DAILY)})
    kept = runner.invoke(main, ["check", "--root", str(tmp_path)])
    assert ".github/workflows/legal-notices.yml:13:11: warning C11 legal-notices.yml (line 13) sends change " \
        "notices without a ledger" in kept.output, kept.output
    assert "each message goes out twice" in kept.output and "remove this step" in kept.output


def test_many_senders_are_compared_up_to_a_bound(tmp_path: Path) -> None:
    """A workflow with thousands of send commands (a pull request can add one) gives one
    finding per sender compared, and one saying the rest are not, in bounded time."""
    from legalgen.check.senders import MAX_SENDERS

    folder = _folder(tmp_path, many=("push:", "\n          ".join(["legalgen notices --send"] * 2000)))
    found = overlaps(folder)
    assert len(found) <= 2 * MAX_SENDERS + 1
    assert sum(f"more than {MAX_SENDERS} steps send change notices" in overlap.message for overlap in found) == 1


def test_aliases_do_not_repeat_the_walk_of_the_steps(tmp_path: Path) -> None:
    """Jobs whose steps are one aliased list are walked once: the walk is as long as the file."""
    from legalgen.check.workflows import workflows

    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    lines = ["on: push", "x:", "  - &s", "    run: legalgen notices --send", "  - &steps", *["    - *s"] * 3000, "jobs:",
             *[f"  j{index}: {{steps: *steps}}" for index in range(3000)]]
    (folder / "bomb.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    [workflow] = workflows(folder)
    assert len(list(workflow.steps())) == 1
    assert len(senders(folder)) == 1


def test_calls_in_a_cycle_or_a_lattice_are_followed_once(tmp_path: Path) -> None:
    """Each workflow calls the next two and the last calls the first: what starts the first
    starts them all, found in a bounded number of rounds (paths through them are 2**40)."""
    from legalgen.check.senders import _started_by
    from legalgen.check.workflows import workflows

    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    count = 40
    for index in range(count):
        calls = "".join(f"  c{step}:\n    uses: ./.github/workflows/w{(index + step) % count}.yml\n" for step in (1, 2))
        trigger = "push" if index == 0 else "workflow_call"
        (folder / f"w{index}.yml").write_text(f"on: {trigger}\njobs:\n{calls}", encoding="utf-8")
    started = _started_by(workflows(folder))
    assert set(started.values()) == {frozenset({"push"})}
