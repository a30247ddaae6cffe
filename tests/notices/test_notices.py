"""The 30-day notice: periods enforced, open notices, feeds, notices.json, e-mails and SMTP."""

from __future__ import annotations

import datetime as dt
import json
import socket
from email import message_from_bytes
from email.policy import default
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from legalgen.cli import main
from legalgen.notices.announcements import NoticeKind, due_messages, notices_json
from legalgen.notices.mail import compose_all, message_files
from legalgen.notices.recipients import read_recipients
from legalgen.notices.smtp import SmtpSettings
from legalgen.render.pages import feeds
from legalgen.render.renderer import LocaleRenderer
from legalgen.source.load import LoadedPolicy
from legalgen.versions.history import History
from legalgen.versions.snapshot import take_snapshot

from ..check.helpers import PRIVACY, SITE
from ..conftest import released_on

D = dt.date
NEW_PURPOSE = PRIVACY.replace(
    "recipients:\n  - id: host", "  - id: newsletter\n    type: direct_marketing\n"
    "    description: {en: Monthly news, de: Monatliche Neuigkeiten}\n    legal_basis: consent\n"
    "    data: [contact]\n    retention: {period: P1Y}\n    requirement: {provision: voluntary}\n"
    "recipients:\n  - id: host").replace("complaint]", "complaint, withdraw_consent]") + "children: {minimum_age: 16}\n"


def write_source(root: Path, privacy: str) -> Path:
    (root / "site.yaml").write_text(SITE, encoding="utf-8")
    (root / "privacy.yaml").write_text(privacy, encoding="utf-8")
    return root


def _summary(tmp_path: Path) -> Path:
    path = tmp_path / "summary.yaml"
    path.write_text("en: A change.\nde: Eine Änderung.\n", encoding="utf-8")
    return path


def _release(root: Path, summary: Path, published: str, effective: str, *extra: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["release", "privacy", "--source", str(root), "--summary-file", str(summary),
                                     "--published", published, "--effective", effective, *extra],
                              env=released_on(published))


@pytest.fixture
def released(tmp_path: Path) -> Path:
    """A source with version 1 of its privacy policy released."""
    (tmp_path / "src").mkdir()
    root = write_source(tmp_path / "src", privacy=PRIVACY)
    assert _release(root, _summary(tmp_path), "2026-01-01", "2026-01-01").exit_code == 0
    (root / "privacy.yaml").write_text(NEW_PURPOSE, encoding="utf-8")
    return root


def test_material_release_with_29_days_notice_is_refused(released: Path, tmp_path: Path) -> None:
    result = _release(released, _summary(tmp_path), "2026-02-01", "2026-03-02")
    assert result.exit_code == 1
    assert "error C03 privacy: a material change needs P30D of notice; 2026-03-02 is 29 day(s) after 2026-02-01" \
        in result.output
    assert "hint: set the effective date at least P30D after 2026-02-01" in result.output
    assert not (released / "versions" / "privacy" / "2").exists()
    ok = _release(released, _summary(tmp_path), "2026-02-01", "2026-03-03")
    assert ok.exit_code == 0 and "the change is material" in ok.output and "purposes[newsletter]: new purpose" in ok.output


def test_material_change_cannot_be_declared_editorial(released: Path, tmp_path: Path) -> None:
    result = _release(released, _summary(tmp_path), "2026-02-01", "2026-04-01", "--editorial")
    assert result.exit_code == 1 and "C02 privacy: the change is material" in result.output


def test_check_reports_a_29_day_material_version(tmp_path: Path) -> None:
    """A version released under a shorter notice period (both the site's and what the page
    promised) falls short once the period is 30 days again: an error while announced, a
    warning once in force."""
    (tmp_path / "src").mkdir()
    shorter = "  default_locale: en\n  notices:\n    period: P20D\n    shorter_period_reason: emergency fix ordered by the DPA\n"
    root = write_source(tmp_path / "src", privacy=PRIVACY.replace("advance_notice: P30D", "advance_notice: P20D"))
    site = root / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("  default_locale: en\n", shorter), encoding="utf-8")
    assert _release(root, _summary(tmp_path), "2026-01-01", "2026-01-01").exit_code == 0
    (root / "privacy.yaml").write_text(NEW_PURPOSE.replace("advance_notice: P30D", "advance_notice: P20D"),
                                       encoding="utf-8")
    assert _release(root, _summary(tmp_path), "2026-02-01", "2026-03-02").exit_code == 0
    warned = CliRunner().invoke(main, ["check", "--source", str(root)])
    line = site.read_text(encoding="utf-8").splitlines().index("    period: P20D") + 1
    assert f"site.yaml:{line}:5: warning C03 notice period P20D is shorter than 30 days: emergency fix ordered by " \
        "the DPA" in warned.output
    site.write_text(site.read_text(encoding="utf-8").replace(shorter, "  default_locale: en\n"), encoding="utf-8")
    (root / "privacy.yaml").write_text(NEW_PURPOSE, encoding="utf-8")
    failed = CliRunner().invoke(main, ["check", "--source", str(root), "--as-of", "2026-02-10"])
    assert failed.exit_code == 1
    changelog = root / "versions" / "privacy" / "changelog.yaml"
    line = changelog.read_text(encoding="utf-8").splitlines().index("  effective: '2026-03-02'") + 1
    assert (f"changelog.yaml:{line}:3: error C03 privacy version 2 is material but takes effect 29 day(s) after "
            "publication; the notice owed is P30D") in failed.output
    # in force, nothing can change it any more: a warning
    kept = CliRunner().invoke(main, ["check", "--source", str(root), "--as-of", "2026-03-02"])
    assert (f"changelog.yaml:{line}:3: warning C03 privacy version 2 is material but took effect 29 day(s) after "
            "publication (the notice owed is P30D); it stays as released") in kept.output


def test_a_release_keeps_the_notice_the_page_promises(released: Path, tmp_path: Path) -> None:
    """A page that promises 60 days' notice is owed 60 days, though the site's period is 30."""
    (released / "privacy.yaml").write_text(NEW_PURPOSE.replace("advance_notice: P30D", "advance_notice: P60D"),
                                           encoding="utf-8")
    refused = _release(released, _summary(tmp_path), "2026-02-01", "2026-03-15")
    assert refused.exit_code == 1 and "a material change needs P60D of notice" in refused.output
    assert _release(released, _summary(tmp_path), "2026-02-01", "2026-04-02").exit_code == 0


def test_shorter_period_needs_a_reason(released: Path) -> None:
    site = released / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace(
        "  default_locale: en\n", "  default_locale: en\n  notices: {period: P14D}\n"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--source", str(released)])
    assert result.exit_code == 1 and "error C03 notice period P14D is shorter than 30 days" in result.output


# --------------------------------------------------------------------------- each version announced once


def _commit(root: Path, message: str, when: str) -> str:
    import os
    import subprocess

    env = {**os.environ, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when}
    for args in (["add", "-A"], ["-c", "user.email=t@t.example", "-c", "user.name=T", "commit", "-qm", message]):
        subprocess.run(["git", *args], cwd=root, check=True, env=env, capture_output=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, check=True, capture_output=True,
                          text=True).stdout.strip()


def _merged(released: Path, tmp_path: Path, when: str) -> str:
    """A git checkout of ``released`` whose base commit has privacy version 1 and whose next
    commit, made at ``when``, brings the material version 2, published on 1 February 2026 and
    in effect on 5 March; returns the base commit."""
    import subprocess

    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tmp_path, check=True)
    base = _commit(tmp_path, "version 1", "2026-01-01T12:00:00+01:00")
    assert _release(released, _summary(tmp_path), "2026-02-01", "2026-03-05").exit_code == 0
    _commit(tmp_path, "version 2", when)
    return base


@pytest.fixture
def pushed(released: Path, tmp_path: Path) -> tuple[Path, str]:
    """Version 2 merged at noon on its publication day (Berlin); the source and the base commit."""
    return released, _merged(released, tmp_path, "2026-02-01T12:00:00+01:00")


def _notices(source: Path, as_of: str, *options: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["notices", "--source", str(source), "--as-of", as_of, "--output",
                                     str(source.parent / "out" / as_of), *options])


def test_a_push_announces_the_versions_it_brings(pushed: tuple[Path, str]) -> None:
    source, base = pushed
    result = _notices(source, "2026-02-01", "--since", base)
    assert result.exit_code == 0 and "due on 2026-02-01: privacy version 2 (announcement)" in result.output
    assert "warning" not in result.output
    assert sorted(p.name for p in (source.parent / "out" / "2026-02-01").glob("*.eml")) == [
        "privacy-v2-announcement-de.eml", "privacy-v2-announcement-en.eml"]
    again = _notices(source, "2026-02-01", "--since", "HEAD")
    assert again.exit_code == 0 and "no notices due on 2026-02-01" in again.output


def test_a_push_after_the_publication_date_says_the_notice_is_shorter(pushed: tuple[Path, str]) -> None:
    source, base = pushed
    late = _notices(source, "2026-02-10", "--since", base)
    assert late.exit_code == 0 and "due on 2026-02-10: privacy version 2 (announcement)" in late.output
    assert ("warning: privacy version 2 reaches the site on 2026-02-10, after its recorded publication date "
            "2026-02-01: its notice runs 23 day(s), not the 32 the release records") in late.output
    after = _notices(source, "2026-03-06", "--since", base)
    assert after.exit_code == 0 and "no notices due on 2026-03-06" in after.output
    assert ("privacy version 2 reaches the site on 2026-03-06, when it has been in effect since 2026-03-05: "
            "nobody was given notice of it") in after.output


def test_the_daily_run_leaves_out_what_a_push_announced(pushed: tuple[Path, str]) -> None:
    source, _ = pushed
    daily = _notices(source, "2026-02-01", "--pushes-announced")
    assert daily.exit_code == 0 and "no notices due on 2026-02-01" in daily.output
    assert ("left out: privacy version 2 (announcement), which the branch did not have when 2026-02-01 began: its "
            "push announces it") in daily.output
    reminder = _notices(source, "2026-02-26", "--pushes-announced")  # P7D before the effective date, nothing left out
    assert "due on 2026-02-26: privacy version 2 (reminder)" in reminder.output and "left out" not in reminder.output


def test_the_daily_run_announces_a_version_merged_before_its_publication_date(released: Path, tmp_path: Path) -> None:
    _merged(released, tmp_path, "2026-01-31T18:00:00+01:00")  # the day before
    daily = _notices(released, "2026-02-01", "--pushes-announced")
    assert daily.exit_code == 0 and "due on 2026-02-01: privacy version 2 (announcement)" in daily.output
    assert "left out" not in daily.output


def test_the_daily_run_sends_the_in_effect_notice_of_a_version_that_arrived_today(released: Path,
                                                                                   tmp_path: Path) -> None:
    """A push sends only announcements, so the daily run leaves out nothing else."""
    _merged(released, tmp_path, "2026-03-05T06:00:00+01:00")  # on its effective date
    daily = _notices(released, "2026-03-05", "--pushes-announced")
    assert daily.exit_code == 0 and "due on 2026-03-05: privacy version 2 (in_effect)" in daily.output
    assert "left out" not in daily.output


def test_a_changelog_git_cannot_parse_at_the_revision_is_one_clean_error(pushed: tuple[Path, str]) -> None:
    source, _ = pushed
    changelog = source / "versions" / "privacy" / "changelog.yaml"
    good = changelog.read_text(encoding="utf-8")
    changelog.write_text("versions: [\n", encoding="utf-8")
    broken = _commit(source.parent, "broken", "2026-02-02T12:00:00+01:00")
    changelog.write_text(good, encoding="utf-8")
    _commit(source.parent, "fixed", "2026-02-02T13:00:00+01:00")
    for result in (_notices(source, "2026-02-02", "--since", broken),
                   CliRunner().invoke(main, ["check", "--source", str(source), "--against", broken])):
        assert result.exit_code == 1 and f"{broken}:src/versions/privacy/changelog.yaml: not a changelog legalgen " \
            "can read" in result.output and "Traceback" not in result.output


def test_without_git_history_the_daily_run_sends_everything_due(released: Path, tmp_path: Path) -> None:
    """Better a message twice than never: a source outside git (or a shallow checkout) cannot
    tell what arrived today."""
    assert _release(released, _summary(tmp_path), "2026-02-01", "2026-03-05").exit_code == 0
    daily = _notices(released, "2026-02-01", "--pushes-announced")
    assert daily.exit_code == 0 and "due on 2026-02-01: privacy version 2 (announcement)" in daily.output
    assert "is not inside a git checkout; every message due today is sent" in daily.output


def test_push_options_are_checked(pushed: tuple[Path, str]) -> None:
    source, base = pushed
    both = _notices(source, "2026-02-01", "--since", base, "--pushes-announced")
    assert both.exit_code == 2 and "give one" in both.output
    unknown = _notices(source, "2026-02-01", "--since", "f" * 40)
    assert unknown.exit_code == 1 and f"unknown git revision '{'f' * 40}'" in unknown.output
    assert "Traceback" not in unknown.output
    new_branch = _notices(source, "2026-02-01", "--since", "0" * 40)
    assert new_branch.exit_code == 0 and "privacy version 2 (announcement)" in new_branch.output


def test_a_pull_request_past_its_publication_date_is_warned(pushed: tuple[Path, str]) -> None:
    source, base = pushed
    runner = CliRunner()
    late = runner.invoke(main, ["check", "--source", str(source), "--against", base, "--as-of", "2026-02-10"])
    changelog = (source / "versions" / "privacy" / "changelog.yaml").read_text(encoding="utf-8")
    line = next(n for n, text in enumerate(changelog.splitlines(), 1) if "published: '2026-02-01'" in text)
    assert (f"changelog.yaml:{line}:3: warning V013 privacy version 2 is recorded as published on 2026-02-01, but "
            f"{base} does not have it: merged today, it reaches the site 9 day(s) later; its notice would run 23 "
            "day(s), not the 32 the release records") in late.output, late.output
    on_time = runner.invoke(main, ["check", "--source", str(source), "--against", base, "--as-of", "2026-02-01"])
    merged = runner.invoke(main, ["check", "--source", str(source), "--against", "HEAD", "--as-of", "2026-02-10"])
    assert "V013" not in on_time.output + merged.output


# --------------------------------------------------------------------------- the example's notices


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(D(2026, 11, 9), []), (D(2026, 11, 10), [3]), (D(2026, 11, 22), [3]), (D(2026, 11, 23), [3, 3, 3, 3, 4, 5]),
     (D(2026, 11, 24), [4, 4, 4, 5, 5, 5, 6, 6, 3, 4, 5, 6, 7, 8, 9, 10]),
     (D(2026, 11, 25), [5, 5, 5, 6, 6, 3, 4, 5, 6, 7, 8, 9, 10]), (D(2026, 11, 26), [6, 6, 3, 4, 5, 6, 7, 8, 9, 10]),
     (D(2026, 11, 27), [3, 4, 5, 6, 7, 8, 9, 10]), (D(2026, 12, 14), [3, 4, 5, 6, 7, 8, 9, 10]),
     (D(2026, 12, 15), [4, 5, 6, 7, 8, 9, 10]), (D(2026, 12, 16), [5, 6, 7, 8, 9, 10]),
     (D(2026, 12, 17), [6, 7, 8, 9, 10]), (D(2026, 12, 18), [7, 8, 9, 10]), (D(2026, 12, 19), [8, 9, 10]),
     (D(2026, 12, 20), [9, 10]), (D(2026, 12, 21), [10]), (D(2026, 12, 22), [])],
)
def test_notice_window(example: LoadedPolicy, example_history: History, as_of: dt.date, expected: list[int]) -> None:
    assert [n.version.number for n in take_snapshot(example, example_history, as_of).notices] == expected


@pytest.mark.parametrize(
    ("as_of", "reason"),
    [(D(2026, 11, 10), NoticeKind.ANNOUNCEMENT), (D(2026, 12, 8), NoticeKind.REMINDER),
     (D(2026, 12, 15), NoticeKind.IN_EFFECT), (D(2026, 12, 1), None), (D(2025, 5, 1), None)],
)
def test_due_messages(example: LoadedPolicy, example_history: History, as_of: dt.date,
                      reason: NoticeKind | None) -> None:
    due = due_messages(example, example_history, as_of)
    assert [d.reason for d in due] == ([reason] if reason else [])


def test_notices_json(example: LoadedPolicy, example_history: History) -> None:
    data = json.loads(notices_json(take_snapshot(example, example_history, D(2026, 11, 22))))
    assert data["as_of"] == "2026-11-22"
    [notice] = data["notices"]
    assert notice["document"] == "privacy" and notice["version"] == 3 and notice["material"] is True
    assert (notice["published"], notice["effective"]) == ("2026-11-10", "2026-12-15")
    assert set(notice["summary"]) == {"en", "de", "fr"}
    assert notice["urls"]["upcoming"]["fr"] == "https://legal.lumenstream.example/fr/privacy/upcoming/"
    editorial = json.loads(notices_json(take_snapshot(example, example_history, D(2026, 12, 15))))["notices"]
    assert [(n["version"], n["material"], n["effective"]) for n in editorial] == [
        (4, False, "2026-12-16"), (5, False, "2026-12-17"), (6, False, "2026-12-18"), (7, False, "2026-12-19"),
        (8, False, "2026-12-20"), (9, False, "2026-12-21"), (10, False, "2026-12-22")]
    assert json.loads(notices_json(take_snapshot(example, example_history, D(2026, 12, 22))))["notices"] == []


def _feeds(loaded: LoadedPolicy, history: History, as_of: dt.date) -> dict[PurePosixPath, bytes]:
    """The Atom and JSON feeds of every locale, by path."""
    snapshot = take_snapshot(loaded, history, as_of)
    return {path: data for locale in loaded.policy.site.locales
            for path, data in feeds(snapshot, LocaleRenderer(loaded, locale)).items()}


def test_golden_feeds(example: LoadedPolicy, example_history: History, golden) -> None:  # type: ignore[no-untyped-def]
    files = _feeds(example, example_history, D(2026, 11, 22))
    assert sorted(str(p) for p in files) == [f"{locale}/feed.{ext}" for locale in ("de", "en", "fr")
                                             for ext in ("json", "xml")]
    for path, data in files.items():
        golden(f"feeds/{path}", data.decode("utf-8"))


def test_json_feed_has_the_atom_feeds_entries(example: LoadedPolicy, example_history: History) -> None:
    from xml.etree import ElementTree

    atom = "{http://www.w3.org/2005/Atom}"
    files = _feeds(example, example_history, D(2026, 11, 22))
    for locale in ("en", "de", "fr"):
        feed = json.loads(files[PurePosixPath(f"{locale}/feed.json")])
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["feed_url"] == f"https://legal.lumenstream.example/{locale}/feed.json"
        assert feed["language"] == locale
        entries = ElementTree.fromstring(files[PurePosixPath(f"{locale}/feed.xml")]).findall(f"{atom}entry")
        assert [(item["id"], item["title"], item["content_text"], item["date_published"]) for item in feed["items"]] \
            == [(entry.findtext(f"{atom}id"), entry.findtext(f"{atom}title"), entry.findtext(f"{atom}summary"),
                 entry.findtext(f"{atom}published")) for entry in entries]
        assert len(feed["items"]) > 3


def test_an_unchanged_feed_is_written_from_the_cache(example: LoadedPolicy, example_history: History,
                                                    monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The Atom feed is kept under its content: the second run writes the same bytes without
    making the feed again (nor importing feedgen), a feed with other content is made anew."""
    from legalgen.notices import announcements as notices

    monkeypatch.setenv("LEGALGEN_CACHE", str(tmp_path / "cache"))
    made: list[str] = []
    real = notices._atom_feed
    monkeypatch.setattr(notices, "_atom_feed", lambda content: made.append(content.locale) or real(content))
    first = _feeds(example, example_history, D(2026, 11, 22))
    assert sorted(made) == ["de", "en", "fr"]
    assert _feeds(example, example_history, D(2026, 11, 22)) == first and len(made) == 3
    later = _feeds(example, example_history, D(2026, 12, 20))  # a version published since: new content
    assert len(made) == 6 and later[PurePosixPath("en/feed.xml")] != first[PurePosixPath("en/feed.xml")]
    monkeypatch.setenv("LEGALGEN_CACHE", "off")
    assert _feeds(example, example_history, D(2026, 11, 22)) == first and len(made) == 9


def test_feed_is_valid_atom(example: LoadedPolicy, example_history: History) -> None:
    from xml.etree import ElementTree

    atom = "{http://www.w3.org/2005/Atom}"
    root = ElementTree.fromstring(_feeds(example, example_history, D(2026, 11, 22))[PurePosixPath("fr/feed.xml")])
    assert root.tag == f"{atom}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{atom}{required}") is not None
    entries = root.findall(f"{atom}entry")
    assert len(entries) == 6
    for entry in entries:
        for required in ("id", "title", "updated", "summary", "link"):
            assert entry.find(f"{atom}{required}") is not None
    assert entries[0].findtext(f"{atom}title") == "Politique de confidentialité, version 3"


def test_golden_emails(example: LoadedPolicy, example_history: History, golden) -> None:  # type: ignore[no-untyped-def]
    for as_of in (D(2026, 11, 10), D(2026, 12, 8), D(2026, 12, 15)):
        messages = compose_all(example, due_messages(example, example_history, as_of), as_of)
        assert len(messages) == 3
        for path, data in message_files(messages).items():
            golden(f"emails/{path}", data.decode("utf-8"))


def test_email_structure(example: LoadedPolicy, example_history: History) -> None:
    as_of = D(2026, 11, 10)
    messages = compose_all(example, due_messages(example, example_history, as_of), as_of)
    german = next(m for m in messages if m.locale == "de")
    parsed = message_from_bytes(german.message.as_bytes(), policy=default)
    assert parsed["Subject"] == "Lumenstream – Rechtliches: Datenschutzerklärung: Änderungen ab dem 15. Dezember 2026"
    assert parsed["List-Unsubscribe"] == "<mailto:hello@lumenstream.example?subject=unsubscribe>"
    assert parsed["Content-Language"] == "de"
    assert parsed.get_content_type() == "multipart/alternative"
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "Sie tritt am 15. Dezember 2026 in Kraft." in text and "Diese Mitteilung informiert Sie über eine Änderung unserer rechtlichen Dokumente für Lumenstream." in text \
        and "Werbung" not in text
    assert '<a href="https://legal.lumenstream.example/de/privacy/upcoming/"' in html


def test_recipients_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "recipients.csv"
    path.write_text("email,locale\na@example.org,de\nnot-an-address,en\nb@example.org,es\n", encoding="utf-8")
    from legalgen.diagnostics import SourceError

    with pytest.raises(SourceError) as caught:
        read_recipients(path, ["en", "de", "fr"])
    assert [(d.code, d.location.line) for d in caught.value.diagnostics] == [("S003", 3), ("S003", 4)]


def test_smtp_settings_from_environment() -> None:
    settings = SmtpSettings.from_environment({"LEGALGEN_SMTP_HOST": "mail.test", "LEGALGEN_SMTP_STARTTLS": "no"})
    assert (settings.host, settings.port, settings.starttls, settings.user) == ("mail.test", 25, False, None)
    assert SmtpSettings.from_environment({"LEGALGEN_SMTP_HOST": "m"}).port == 587
    from legalgen.diagnostics import LegalgenError

    with pytest.raises(LegalgenError, match="LEGALGEN_SMTP_HOST is not set"):
        SmtpSettings.from_environment({})


@pytest.fixture
def smtp_server():  # type: ignore[no-untyped-def]
    """A local SMTP server on 127.0.0.1 that keeps what it receives."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message as MessageHandler

    class Collect(MessageHandler):
        def __init__(self) -> None:
            super().__init__()
            self.received: list = []  # type: ignore[type-arg]
            self.refuse: set[str] = set()  # addresses answered 550
            self.busy: set[str] = set()  # addresses answered 451 (greylisting)
            self.on_message = lambda count: None  # called with the count of messages received

        async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
            if address in self.refuse:
                return "550 no such mailbox"
            if address in self.busy:
                return "451 try again later"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        def handle_message(self, message) -> None:  # type: ignore[no-untyped-def]
            self.received.append(message)
            self.on_message(len(self.received))

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def test_send_through_local_smtp(example: LoadedPolicy, example_history: History, smtp_server,  # type: ignore[no-untyped-def]
                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    handler, port = smtp_server
    recipients = tmp_path / "recipients.csv"
    recipients.write_text("email,locale\nanna@example.org,de\nben@example.org,en\nchloe@example.org,fr\n"
                          "dora@example.org,de\n", encoding="utf-8")
    monkeypatch.setenv("LEGALGEN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEGALGEN_SMTP_PORT", str(port))
    monkeypatch.setenv("LEGALGEN_SMTP_STARTTLS", "no")
    from ..conftest import REPO

    result = CliRunner().invoke(main, [
        "notices", "--root", str(REPO), "--as-of", "2026-11-10", "--output", str(tmp_path / "out"),
        "--send", "--recipients", str(recipients)])
    assert result.exit_code == 0, result.output
    assert f"sent 4 message(s) through 127.0.0.1:{port}" in result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.eml")) == [
        "privacy-v3-announcement-de.eml", "privacy-v3-announcement-en.eml", "privacy-v3-announcement-fr.eml"]
    by_recipient = {m["To"]: m for m in handler.received}
    assert set(by_recipient) == {"anna@example.org", "ben@example.org", "chloe@example.org", "dora@example.org"}
    assert "Datenschutzerklärung" in str(message_from_bytes(by_recipient["anna@example.org"].as_bytes(),
                                                            policy=default)["Subject"])
    assert by_recipient["chloe@example.org"]["Content-Language"] == "fr"


def test_send_needs_recipients() -> None:
    result = CliRunner().invoke(main, ["notices", "--as-of", "2026-11-10", "--send"])
    assert result.exit_code == 2 and "--send needs --recipients" in result.output


def test_send_refuses_a_day_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages of a day to come would announce as in effect what is not yet, and a ledger
    would take that day as its first: --send sends as of today or before; a preview may look ahead."""
    from ..conftest import REPO

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC).timestamp())))
    recipients = tmp_path / "recipients.csv"
    recipients.write_text("email,locale\nanna@example.org,de\n", encoding="utf-8")
    ahead = ["notices", "--root", str(REPO), "--as-of", "2026-12-02", "--output", str(tmp_path / "out")]
    result = CliRunner().invoke(main, [*ahead, "--send", "--recipients", str(recipients)])
    assert result.exit_code == 1 and "--as-of 2026-12-02 lies ahead" in result.output.replace("\n", " "), result.output
    assert "2026-12-01 in Europe/Berlin" in result.output and not (tmp_path / "out").exists()
    assert CliRunner().invoke(main, ahead).exit_code == 0


def test_notices_replace_only_messages_legalgen_wrote(tmp_path: Path) -> None:
    """-o into a folder of someone else's files is refused before anything is written; a
    folder legalgen wrote (its marker, or only messages an earlier legalgen wrote there) takes
    the messages again."""
    from ..conftest import REPO

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "privacy-v3-announcement-en.eml").write_text("my own draft", encoding="utf-8")
    command = ["notices", "--root", str(REPO), "--as-of", "2026-11-10", "--output"]
    refused = CliRunner().invoke(main, [*command, str(mine)])
    assert refused.exit_code == 2 and "holds files that legalgen did not write" in refused.output, refused.output
    assert [p.name for p in mine.iterdir()] == ["privacy-v3-announcement-en.eml"]
    assert (mine / "privacy-v3-announcement-en.eml").read_text(encoding="utf-8") == "my own draft"
    ours = tmp_path / "ours"
    for _ in range(2):  # the second run replaces the messages of the first
        result = CliRunner().invoke(main, [*command, str(ours)])
        assert result.exit_code == 0 and "wrote 3 message(s)" in result.output, result.output
    assert (ours / ".legalgen-output").is_file()
    (ours / ".legalgen-output").unlink()  # as an earlier legalgen left it: its messages alone
    assert CliRunner().invoke(main, [*command, str(ours)]).exit_code == 0
