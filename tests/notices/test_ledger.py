"""The ledger of sent notices: every message once, failed runs caught up, concurrent runs apart.

Each test works in a git checkout whose remote ``origin`` is a bare repository on disk and
sends through a local SMTP server on 127.0.0.1.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.cli import main
from legalgen.notices.ledger import Ledger

from .test_notices import _commit, _merged, _release, _summary, released, smtp_server  # noqa: F401 - fixtures

RECIPIENTS = "email,locale\nanna@example.org,de\nben@example.org,en\n"


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@t.example", "-c", "user.name=T", *args], cwd=cwd, check=True,
                          capture_output=True, text=True).stdout.strip()


def _tags(remote: Path) -> list[str]:
    return sorted(_git(remote, "for-each-ref", "--format=%(refname:strip=2)", "refs/tags/legalgen-notices/")
                  .splitlines())


def _record(source: Path, number: int, reason: str) -> str:
    """The ledger's tag for a message about privacy version ``number`` of ``source``."""
    import yaml

    changelog = yaml.safe_load((source / "versions" / "privacy" / "changelog.yaml").read_text(encoding="utf-8"))
    [digest] = [entry["sha256"] for entry in changelog["versions"] if entry["version"] == number]
    return f"legalgen-notices/site/privacy/v{number}-{digest[:16]}/{reason}"


@pytest.fixture
def checkout(released: Path, tmp_path: Path,  # noqa: F811
             tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Version 2 (material, published 1 February 2026, in effect 5 March) merged on its
    publication day and pushed to ``origin``; the source and the bare remote."""
    _merged(released, tmp_path, "2026-02-01T12:00:00+01:00")
    remote = tmp_path_factory.mktemp("remote") / "legal.git"
    _git(tmp_path_factory.getbasetemp(), "init", "-q", "--bare", "-b", "main", str(remote))
    _git(tmp_path, "remote", "add", "origin", str(remote))
    _git(tmp_path, "push", "-q", "origin", "main")
    return released, remote


@pytest.fixture
def sending(smtp_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]  # noqa: F811
    """The local SMTP server's handler; the LEGALGEN_SMTP_* variables point at it."""
    handler, port = smtp_server
    monkeypatch.setenv("LEGALGEN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEGALGEN_SMTP_PORT", str(port))
    monkeypatch.setenv("LEGALGEN_SMTP_STARTTLS", "no")
    (tmp_path / "recipients.csv").write_text(RECIPIENTS, encoding="utf-8")
    handler.port = port
    return handler


def _run(source: Path, as_of: str, *options: str, send: bool = True):  # type: ignore[no-untyped-def]
    recipients = ["--send", "--recipients", str(source.parent / "recipients.csv")] if send else []
    return CliRunner().invoke(main, ["notices", "--source", str(source), "--as-of", as_of, "--ledger", "origin",
                                     "--output", str(source.parent / "out" / as_of), *recipients, *options])


def test_each_message_goes_out_once(checkout: tuple[Path, Path], sending) -> None:  # type: ignore[no-untyped-def]
    source, remote = checkout
    first = _run(source, "2026-02-01")
    assert first.exit_code == 0, first.output
    announcement = _record(source, 2, "announcement")
    assert ("sent 2 message(s) through 127.0.0.1:" in first.output
            and f"privacy version 2 (announcement), recorded as {announcement} on origin" in first.output)
    assert _tags(remote) == [announcement, "legalgen-notices/site/started/2026-02-01"]
    again = _run(source, "2026-02-01")  # the push's run and the daily run on the same day
    assert again.exit_code == 0 and "no notices due on 2026-02-01" in again.output
    assert len(sending.received) == 2
    for day, reason in (("2026-02-26", "reminder"), ("2026-03-05", "in_effect")):
        assert f"privacy version 2 ({reason}), recorded as" in _run(source, day).output
        assert "no notices due" in _run(source, day).output
    assert len(sending.received) == 6
    assert "no notices due on 2026-03-06" in _run(source, "2026-03-06").output
    assert len(_tags(remote)) == 4


def test_a_failed_run_is_caught_up_by_the_next(checkout: tuple[Path, Path], sending,  # type: ignore[no-untyped-def]
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    source, remote = checkout
    monkeypatch.setenv("LEGALGEN_SMTP_PORT", "1")  # nobody listens
    failed = _run(source, "2026-02-01")
    assert failed.exit_code == 1 and "Traceback" not in failed.output
    assert ("0 of 2 message(s) were sent; privacy version 2 (announcement) is not recorded, so the next run sends it "
            "again") in failed.output
    assert _tags(remote) == ["legalgen-notices/site/started/2026-02-01"]
    monkeypatch.setenv("LEGALGEN_SMTP_PORT", str(sending.port))
    later = _run(source, "2026-02-03")
    assert later.exit_code == 0 and "privacy version 2 (announcement), recorded as" in later.output
    assert ("warning: privacy version 2 is announced on 2026-02-03, after its recorded publication date 2026-02-01: "
            "its notice runs 30 day(s), not the 32 the release records") in later.output
    assert len(sending.received) == 2


def test_an_announcement_sent_on_the_reminder_day_stands_for_the_reminder(  # type: ignore[no-untyped-def]
        checkout: tuple[Path, Path], sending) -> None:
    source, remote = checkout
    _git(remote, "tag", "legalgen-notices/site/started/2026-01-15", "main")  # a ledger kept since January
    late = _run(source, "2026-02-27")
    assert late.exit_code == 0, late.output
    assert "due on 2026-02-27: privacy version 2 (announcement)" in late.output
    assert "recorded privacy version 2 (reminder) without sending it: the announcement went out" in late.output
    assert _record(source, 2, "reminder") in _tags(remote) and len(sending.received) == 2
    assert "no notices due on 2026-02-28" in _run(source, "2026-02-28").output


def test_what_was_due_before_the_ledger_began_counts_as_sent(checkout: tuple[Path, Path], sending) -> None:  # type: ignore[no-untyped-def]
    """Adopting the ledger sends nothing the notices sent before it have sent: the first
    run's day is its first day."""
    source, remote = checkout
    first = _run(source, "2026-02-10")
    assert first.exit_code == 0 and "no notices due on 2026-02-10" in first.output
    assert _tags(remote) == ["legalgen-notices/site/started/2026-02-10"] and not sending.received
    # the first run names what it counts as sent, in case nothing sent it (a first run that failed)
    assert ("note: privacy version 2 (announcement), due since 2026-02-01, counts as sent: its day came before the "
            "ledger's first day, 2026-02-10; if nothing sent it before the ledger, send it by hand") in first.output
    reminder = _run(source, "2026-02-26")
    assert "privacy version 2 (reminder), recorded as" in reminder.output and "note:" not in reminder.output


def test_a_version_never_announced_gets_its_in_effect_notice_with_a_warning(  # type: ignore[no-untyped-def]
        checkout: tuple[Path, Path], sending) -> None:
    source, remote = checkout
    _git(remote, "tag", "legalgen-notices/site/started/2026-01-15", "main")
    result = _run(source, "2026-03-07")
    assert result.exit_code == 0 and "due on 2026-03-07: privacy version 2 (in_effect)" in result.output
    assert ("warning: privacy version 2 has been in effect since 2026-03-05 and was never announced: nobody was given "
            "notice of it before it took effect") in result.output


def test_a_message_another_run_recorded_meanwhile_is_skipped(checkout: tuple[Path, Path]) -> None:
    source, remote = checkout
    ledger = Ledger.open(source, "origin")
    name, reminder = _record(source, 2, "announcement"), _record(source, 2, "reminder")
    _git(remote, "tag", name, "main")  # another run claims it after this one read the ledger
    assert ledger.claim(name, "a test") is False and ledger.created == {}
    assert ledger.claim(reminder, "a test") is True
    ledger.unclaim(reminder)
    assert _tags(remote) == [name]
    with pytest.raises(ValueError, match="not created by this run"):
        ledger.unclaim(name)  # never what another run created


def test_a_claim_reported_as_failed_that_reached_the_remote_is_this_run_s(checkout: tuple[Path, Path],
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A push whose answer was lost (a dropped connection, a timeout) may have landed: the tag
    on the remote is this run's own object, so the run sends the message."""
    from legalgen.notices import ledger as module

    source, remote = checkout
    real = module.git

    def lost_answer(cwd: Path, *args: str, **options: object) -> subprocess.CompletedProcess[str]:
        result = real(cwd, *args, **options)  # type: ignore[arg-type]
        if args[0] == "push":
            raise module.LegalgenError("git push did not finish within 60 s")
        return result

    ledger = Ledger.open(source, "origin")
    monkeypatch.setattr(module, "git", lost_answer)
    name = _record(source, 2, "announcement")
    assert ledger.claim(name, "a test") is True and name in ledger.created and _tags(remote) == [name]


def test_a_refused_recipient_does_not_resend_to_the_others(checkout: tuple[Path, Path], sending) -> None:  # type: ignore[no-untyped-def]
    source, remote = checkout
    sending.refuse.add("ben@example.org")
    refused = _run(source, "2026-02-01")
    assert refused.exit_code == 1 and "the server refused 1 recipient(s): ben@example.org (550" in refused.output
    assert _record(source, 2, "announcement") in _tags(remote) and len(sending.received) == 1
    assert "no notices due on 2026-02-01" in _run(source, "2026-02-01").output


def test_without_send_the_ledger_is_read_not_written(checkout: tuple[Path, Path]) -> None:
    source, remote = checkout
    preview = _run(source, "2026-02-01", send=False)
    assert preview.exit_code == 0 and "due on 2026-02-01: privacy version 2 (announcement)" in preview.output
    assert _tags(remote) == []


def test_ledger_problems_are_one_clean_error(checkout: tuple[Path, Path], sending, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source, remote = checkout
    unknown = CliRunner().invoke(main, ["notices", "--source", str(source), "--ledger", "upstream"])
    assert unknown.exit_code == 1 and "has no remote named 'upstream' for the notices ledger (its remotes: origin)" \
        in unknown.output
    both = _run(source, "2026-02-01", "--pushes-announced")
    assert both.exit_code == 2 and "it replaces --since and --pushes-announced" in both.output
    (source / "note.txt").write_text("local\n", encoding="utf-8")
    uncommitted = _run(source, "2026-02-01")
    assert uncommitted.exit_code == 1 and "the sources have changes that are not committed (src/note.txt" \
        in uncommitted.output
    _commit(tmp_path, "not pushed", "2026-02-01T13:00:00+01:00")
    unpushed = _run(source, "2026-02-01")
    assert unpushed.exit_code == 1 and "is not on origin's main" in unpushed.output
    _git(tmp_path, "push", "-q", "origin", "HEAD:refs/heads/draft")  # on the remote, but not what main publishes
    draft = _run(source, "2026-02-01")
    assert draft.exit_code == 1 and "is not on origin's main" in draft.output and not sending.received
    assert "due on" in _run(source, "2026-02-01", send=False).output  # a preview needs no published commit
    assert _tags(remote) == []
    for result in (unknown, both, uncommitted, unpushed, draft):
        assert "Traceback" not in result.output


def test_another_text_under_the_same_number_is_another_message(checkout: tuple[Path, Path], sending) -> None:  # type: ignore[no-untyped-def]
    """A version 2 announced from elsewhere (say a draft branch) does not stand for main's."""
    source, remote = checkout
    _git(remote, "tag", "legalgen-notices/site/privacy/v2-0123456789abcdef/announcement", "main")
    _git(remote, "tag", "legalgen-notices/site/privacy/v²-0123456789abcdef/announcement", "main")  # not ours
    result = _run(source, "2026-02-01")
    assert result.exit_code == 0 and "privacy version 2 (announcement), recorded as" in result.output
    assert "Traceback" not in result.output and len(sending.received) == 2


def test_the_ledger_reads_and_writes_where_git_pushes(checkout: tuple[Path, Path], sending, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """remote.origin.pushurl: the records are read from where they are written; a push
    configured to follow tags pushes the ledger's tag alone."""
    source, remote = checkout
    _git(tmp_path, "remote", "set-url", "origin", str(tmp_path / "nowhere.git"))
    _git(tmp_path, "remote", "set-url", "--push", "origin", str(remote))
    _git(tmp_path, "config", "push.followTags", "true")
    _git(tmp_path, "tag", "-a", "-m", "draft", "internal-draft", "HEAD")
    assert _run(source, "2026-02-01").exit_code == 0
    again = _run(source, "2026-02-01")
    assert again.exit_code == 0 and "no notices due on 2026-02-01" in again.output
    assert "internal-draft" not in _git(remote, "tag", "-l") and len(sending.received) == 2


def test_outside_git_the_ledger_is_a_clean_error(released: Path, tmp_path: Path) -> None:  # noqa: F811
    assert _release(released, _summary(tmp_path), "2026-02-01", "2026-03-05").exit_code == 0
    result = _run(released, "2026-02-01", send=False)
    assert result.exit_code == 1 and "is not inside a git checkout" in result.output


def test_the_in_effect_notice_outlives_a_later_editorial_version(checkout: tuple[Path, Path], sending,  # type: ignore[no-untyped-def]
                                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Version 2 takes effect on 5 March and an editorial version 3 on 6 March; the run of
    5 March failed, so the run of 6 March still says that version 2 is in effect."""
    from .test_notices import NEW_PURPOSE

    source, _ = checkout
    assert _run(source, "2026-02-01").exit_code == 0
    (source / "privacy.yaml").write_text(NEW_PURPOSE.replace("de: kein Konto}", "de: kein Konto möglich}"),
                                         encoding="utf-8")
    assert _release(source, _summary(tmp_path), "2026-03-05", "2026-03-06").exit_code == 0
    _commit(tmp_path, "version 3", "2026-03-05T12:00:00+01:00")
    _git(tmp_path, "push", "-q", "origin", "main")
    monkeypatch.setenv("LEGALGEN_SMTP_PORT", "1")  # nobody listens on 5 March
    assert _run(source, "2026-03-05").exit_code == 1
    monkeypatch.setenv("LEGALGEN_SMTP_PORT", str(sending.port))
    caught_up = _run(source, "2026-03-06")
    assert caught_up.exit_code == 0 and "due on 2026-03-06: privacy version 2 (in_effect)" in caught_up.output
    assert "version 3" not in caught_up.output  # editorial: no message of its own


def test_a_recipient_greylisted_is_named_and_the_record_stays(checkout: tuple[Path, Path], sending) -> None:  # type: ignore[no-untyped-def]
    """451 is not a refusal: the run fails naming anna, whom the message did not reach; ben has
    it, so the record stays and nobody gets it twice."""
    source, remote = checkout
    sending.busy.add("anna@example.org")
    result = _run(source, "2026-02-01")
    assert result.exit_code == 1 and "451 try again later for anna@example.org" in result.output
    assert "not confirmed for: anna@example.org" in result.output and "refused" not in result.output
    assert _record(source, 2, "announcement") in _tags(remote) and len(sending.received) == 1


def test_a_run_cancelled_while_sending_keeps_what_went_out(checkout: tuple[Path, Path], sending) -> None:  # type: ignore[no-untyped-def]
    """A cancelled CI job gets SIGTERM: sending stops, the record of what went out to some stays."""
    import os
    import signal

    source, remote = checkout
    sending.on_message = lambda count: os.kill(os.getpid(), signal.SIGTERM) if count == 2 else None
    result = _run(source, "2026-02-01")
    assert result.exit_code == 1 and "the run was cancelled" in result.output
    assert _record(source, 2, "announcement") in _tags(remote) and "not confirmed for: anna@" in result.output
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is gone again


def test_two_projects_of_one_repository_keep_their_records_apart(checkout: tuple[Path, Path],
                                                                 tmp_path: Path) -> None:
    source, _ = checkout
    ledger = Ledger.open(source, "origin")
    assert ledger.book(source, None).prefix == "legalgen-notices/site/"
    assert ledger.book(source, "acme").prefix == "legalgen-notices/brands/acme/"
    assert ledger.book(tmp_path / "legal" / "policy", None).prefix == "legalgen-notices/legal/site/"
