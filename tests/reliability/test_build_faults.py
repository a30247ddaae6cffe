"""Safety first: output guards, atomic swap and recovery, the project lock, cleanup on every
exit path, Zensical through staging, file modes, and generated configs that stay valid YAML.

Most tests replace MkDocs with :func:`fake_mkdocs` (the worker processes are forked, so the
patched function reaches them); those marked slow build the real site.
"""

from __future__ import annotations

import errno
import fcntl
import html
import multiprocessing
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from legalgen import writer
from legalgen.cli import main
from legalgen.diagnostics import BuildError
from legalgen.project import MARKER, Project, is_legacy_docs, is_legacy_site
from legalgen.site.build import _dump_yaml, build_site, render_sources
from legalgen.source.load import LoadedPolicy
from legalgen.versions.history import History

from ..conftest import AS_OF, SITE_NAME_LINE, copy_project

LOCALES = ("en", "de", "fr")
SITE_HINT = "choose another --site-dir, or move or delete that folder yourself"
WAITING = "waiting for another legalgen build or render of this project"


# --------------------------------------------------------------------------- helpers


def fake_mkdocs(config_file: str, site_dir: str) -> str:
    """Stands in for MkDocs in the worker processes: one page per locale, which names its
    config and, like legalgen's theme, shows the open notices (the build checks it does)."""
    import yaml

    notices = yaml.safe_load(Path(config_file).read_text(encoding="utf-8"))["extra"]["legalgen"]["notices"]
    banner = "".join(f'<p data-notice="{notice["id"]}"></p>' for notice in notices)
    Path(site_dir).mkdir(parents=True)
    (Path(site_dir) / "index.html").write_text(f"<p>{Path(config_file).name}</p>{banner}", encoding="utf-8")
    return ""


def fake_mkdocs_de_fails(config_file: str, site_dir: str) -> str:
    """German fails at once; the other locales would take 30 s."""
    if config_file.endswith("mkdocs.de.yml"):
        raise BuildError("mkdocs.de.yml: the German build broke")
    time.sleep(30)
    return ""


def fake_mkdocs_en_only(config_file: str, site_dir: str) -> str:
    """English is built at once; the other locales would take 30 s."""
    if not config_file.endswith("mkdocs.en.yml"):
        time.sleep(30)
    return fake_mkdocs(config_file, site_dir)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("legalgen.site.build._build_with_mkdocs", fake_mkdocs)


def _build(project: Project, loaded: LoadedPolicy, history: History, **options: Any) -> list[str]:
    """Build and return the progress messages."""
    messages: list[str] = []
    build_site(project, loaded, history, AS_OF, progress=messages.append, **options)
    return messages


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Every path below ``folder`` with its bytes (None for a folder)."""
    return {path.relative_to(folder).as_posix(): None if path.is_dir() else path.read_bytes()
            for path in sorted(folder.rglob("*"))}


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.glob(".site.*"))


def _cli(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def _assert_complete(site: Path) -> None:
    for name in ("notices.json", "index.html", MARKER, *(f"{locale}/index.html" for locale in LOCALES)):
        assert (site / name).is_file(), name


@contextmanager
def _holding_lock(project: Project) -> Iterator[int]:
    """Hold the project's lock like another legalgen process would."""
    handle = os.open(project.lock_file, os.O_RDWR | os.O_CREAT, 0o666)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        yield handle
    finally:
        os.close(handle)


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid``, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie does not)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# --------------------------------------------------------------------------- 1. output guards


@pytest.mark.parametrize(("site_dir", "reason"), [
    (".", "it is the project root"),
    ("..", "it contains the project root {root}"),
    ("policy", "it is the policy source folder"),
    ("policy/public", "it is inside the policy source folder {root}/policy"),
    ("policy/versions", "it is the released versions folder"),
    ("overrides", "it is the Material overrides folder"),
    (".git/site", "it is inside the git repository {root}/.git"),
    ("docs/site", "it is inside the docs folder {root}/docs"),
])
def test_build_refuses_a_site_dir_that_holds_the_project(tmp_path: Path, site_dir: str, reason: str) -> None:
    copy_project(tmp_path)
    (tmp_path / ".git").mkdir()
    before = _tree(tmp_path)
    target = (tmp_path / site_dir).resolve()
    result = _cli("build", "--root", str(tmp_path), "--site-dir", str(tmp_path / site_dir))
    assert result.exit_code == 2, result.output
    message = f"refusing to write the site folder {target}: {reason.format(root=tmp_path)}; {SITE_HINT}"
    assert result.stderr.splitlines()[-1] == f"error: {message}"
    assert _tree(tmp_path) == before  # not even the lock file or docs/


def test_build_refuses_a_site_dir_that_is_a_file(tmp_path: Path) -> None:
    copy_project(tmp_path)
    (tmp_path / "site").write_text("my notes", encoding="utf-8")
    result = _cli("build", "--root", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"error: refusing to write the site folder {tmp_path}/site: it is a file, not a folder; {SITE_HINT}"
    )
    assert (tmp_path / "site").read_text(encoding="utf-8") == "my notes"
    assert not (tmp_path / "docs").exists() and not (tmp_path / ".legalgen.lock").exists()


@pytest.mark.parametrize("files", [
    {"notes.txt": "mine"},
    {"notices.json": "{}", "index.html": "<p>", "en/index.html": "<p>", "backup.zip": "zip"},
    {"notices.json": "{}", "index.html": "<p>", "photos/cat.jpg": "jpg"},
])
def test_build_refuses_a_folder_legalgen_did_not_write(tmp_path: Path, files: dict[str, str]) -> None:
    copy_project(tmp_path)
    public = tmp_path / "public"
    for name, text in files.items():
        (public / name).parent.mkdir(parents=True, exist_ok=True)
        (public / name).write_text(text, encoding="utf-8")
    before = _tree(tmp_path)
    result = _cli("build", "--root", str(tmp_path), "--site-dir", str(public))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"error: refusing to write the site folder {public}: it already holds files that legalgen did not "
        f"write (there is no {MARKER} marker in it); {SITE_HINT}"
    )
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("files", [
    {"index.md": "# My own docs", "img/logo.png": "png"},
    {"en/index.md": "# Mine", "en/notes.txt": "mine"},
    # a hand-written MkDocs project in two languages: its layout is the one legalgen writes
    {"en/index.md": "# My home", "de/index.md": "# Mein", "en/about.md": "# About us", "en/blog.md": "# Blog"},
])
def test_render_refuses_a_docs_folder_legalgen_did_not_write(tmp_path: Path, files: dict[str, str]) -> None:
    copy_project(tmp_path)
    for name, text in files.items():
        (tmp_path / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    before = _tree(tmp_path)
    result = _cli("render", "--root", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"error: refusing to write the docs folder {tmp_path}/docs: it already holds files that legalgen did "
        f"not write (there is no {MARKER} marker in it); legalgen writes its Markdown tree there; "
        f"move or delete that folder yourself"
    )
    assert _tree(tmp_path) == before


def test_render_does_not_overwrite_a_handwritten_locale_config(tmp_path: Path) -> None:
    copy_project(tmp_path)
    (tmp_path / "mkdocs.de.yml").write_text("site_name: Meine Seite\n", encoding="utf-8")
    result = _cli("render", "--root", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"error: refusing to overwrite {tmp_path}/mkdocs.de.yml: its first line is not legalgen's header "
        f"'# Generated by legalgen render; edit mkdocs.yml or the policy source instead.'; "
        f"rename or delete it yourself if legalgen may generate it"
    )
    assert (tmp_path / "mkdocs.de.yml").read_text(encoding="utf-8") == "site_name: Meine Seite\n"
    assert not (tmp_path / "docs").exists() and not (tmp_path / "mkdocs.en.yml").exists()


def test_outputs_of_an_earlier_legalgen_are_adopted_and_marked(
    tmp_path: Path, fake: None, example: LoadedPolicy, example_history: History
) -> None:
    project = copy_project(tmp_path)
    legacy_site = {"notices.json": "{}", "index.html": "<p>", **{f"{loc}/index.html": "old" for loc in LOCALES}}
    legacy_docs = {"en/index.md": "# Old", "en/gone.md": "# Gone", "en/feed.xml": "<feed/>",
                   "en/assets/legalgen.css": "p {}", "de/index.md": "# Alt", "de/assets/legalgen.css": "p {}"}
    for folder, files in ((project.site, legacy_site), (project.docs, legacy_docs)):
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
    assert is_legacy_site(project.site) and is_legacy_docs(project.docs)
    _build(project, example, example_history)
    _assert_complete(project.site)
    assert (project.site / "en" / "index.html").read_text(encoding="utf-8").startswith("<p>mkdocs.en.yml</p>")
    assert (project.docs / MARKER).is_file() and not (project.docs / "en" / "gone.md").exists()
    # an existing empty folder is fine as well
    empty = Project.at(tmp_path, site=tmp_path / "public")
    empty.site.mkdir()
    _build(empty, example, example_history)
    _assert_complete(empty.site)


# --------------------------------------------------------------------------- 2. swap and recovery


def _site_with(folder: Path, name: str) -> Path:
    folder.mkdir()
    (folder / MARKER).write_text("legalgen\n", encoding="utf-8")
    (folder / name).write_text(name, encoding="utf-8")
    return folder


@pytest.mark.parametrize("exchange", [True, False])
def test_swap_replaces_the_site_in_one_step_or_two_renames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool
) -> None:
    site = _site_with(tmp_path / "site", "old.html")
    staging = _site_with(tmp_path / ".site.staging-1", "new.html")
    with monkeypatch.context() as patch:
        if exchange:  # one renameat2 call: no rename at all
            patch.setattr(os, "rename", lambda *args: pytest.fail("renamed instead of exchanging"))
        else:
            patch.setattr(writer, "_renameat2", lambda: None)
        writer.swap_in(staging, site)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]
    assert (site / "new.html").is_file() and not (site / "old.html").exists()
    writer.swap_in(_site_with(tmp_path / ".site.staging-2", "newer.html"), tmp_path / "fresh")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fresh", "site"]


def _read_only(*args: Any) -> int:
    """A rename or renameat2 on a read-only file system (the target is the last path)."""
    raise OSError(errno.EROFS, "Read-only file system", os.fsdecode(args[-2]))


@pytest.mark.parametrize("exchange", [True, False])
def test_a_failing_swap_keeps_the_old_site_and_later_builds_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: None, example: LoadedPolicy, example_history: History,
    exchange: bool
) -> None:
    project = copy_project(tmp_path)
    _build(project, example, example_history)
    before = _tree(project.site)
    with monkeypatch.context() as patch:
        if exchange:
            patch.setattr(writer, "_renameat2", lambda: _read_only)
        else:  # the old site goes aside, then staging cannot take its name: the old site comes back
            rename = os.rename
            patch.setattr(writer, "_renameat2", lambda: None)
            patch.setattr(os, "rename", lambda old, new: _read_only(new, 0) if ".site.staging-" in str(old)
                          else rename(old, new))
        with pytest.raises(BuildError) as raised:
            _build(project, example, example_history, force=True)
    assert str(raised.value) == (f"cannot install the new site in {project.site}: Read-only file system: "
                                 f"'{project.site}'; the previous site is unchanged")
    assert _tree(project.site) == before
    assert _leftovers(tmp_path) == []
    _build(project, example, example_history, force=True)
    _assert_complete(project.site)


def test_a_build_killed_between_two_renames_is_recovered(
    tmp_path: Path, fake: None, example: LoadedPolicy, example_history: History
) -> None:
    project = copy_project(tmp_path)
    _build(project, example, example_history)
    before = _tree(project.site)
    # what a kill between the two renames of the fallback leaves behind, and other debris
    os.rename(project.site, tmp_path / ".site.previous")
    _site_with(tmp_path / ".site.staging-dead", "half.html")
    (tmp_path / ".site.staging-empty").mkdir()
    _site_with(tmp_path / ".site.staging-mine", "notes.txt").joinpath(MARKER).unlink()
    assert writer.recover_site(project.site) == [
        f"restored {project.site} from .site.previous, left by an interrupted build",
        "removed .site.staging-dead, left by an interrupted build",
        "removed .site.staging-empty, left by an interrupted build",
    ]
    assert _tree(project.site) == before
    assert _leftovers(tmp_path) == [".site.staging-mine"]  # not legalgen's: kept
    os.rename(project.site, tmp_path / ".site.previous")
    messages = _build(project, example, example_history)
    assert messages[0] == f"restored {project.site} from .site.previous, left by an interrupted build"
    _assert_complete(project.site)
    assert _leftovers(tmp_path) == [".site.staging-mine"]


# --------------------------------------------------------------------------- 3. the lock


def test_a_held_lock_ends_in_a_clean_error_after_the_timeout(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    with _holding_lock(project):
        result = _cli("build", "--root", str(tmp_path), env={"LEGALGEN_LOCK_TIMEOUT": "0.5"})
        invalid = _cli("build", "--root", str(tmp_path), env={"LEGALGEN_LOCK_TIMEOUT": "soon"})
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2:] == [
        f"{WAITING} ({project.lock_file})",
        (f"error: another legalgen build, render or release of this project holds the lock {project.lock_file} "
         f"(waited 0.5 s); run again once it has finished, or set LEGALGEN_LOCK_TIMEOUT to wait longer"),
    ]
    assert not project.docs.exists() and not project.site.exists()
    assert invalid.exit_code == 1
    assert invalid.stderr.splitlines()[-1] == "error: LEGALGEN_LOCK_TIMEOUT='soon' is not a number of seconds"


def test_render_waits_for_the_lock(tmp_path: Path, example: LoadedPolicy, example_history: History) -> None:
    project = copy_project(tmp_path)
    with _holding_lock(project) as handle:
        threading.Timer(0.5, fcntl.flock, (handle, fcntl.LOCK_UN)).start()
        start = time.monotonic()
        report = render_sources(project, example, example_history, AS_OF, lock_timeout=30)
    assert time.monotonic() - start >= 0.5
    assert report.written and (project.docs / MARKER).is_file()


@pytest.mark.slow
def test_concurrent_builds_and_render_of_one_project_all_succeed(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    commands = [["build"], ["build"], ["render"]]
    logs = [tmp_path / f"{command[0]}-{number}.log" for number, command in enumerate(commands)]
    with ExitStack() as streams, _holding_lock(project):  # all three start, then contend for the lock
        processes = [
            subprocess.Popen([sys.executable, "-m", "legalgen", *command, "--as-of", AS_OF.isoformat()],
                             cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=streams.enter_context(log.open("w")))
            for command, log in zip(commands, logs, strict=True)
        ]
        def waiting() -> bool:
            exited = [log.read_text() for log, process in zip(logs, processes, strict=True) if process.poll() is not None]
            assert not exited, exited
            return all(WAITING in log.read_text() for log in logs[:2])

        _wait_for(waiting, "both builds to wait for the lock")
    codes = [process.wait(timeout=120) for process in processes]
    assert codes == [0, 0, 0], [log.read_text() for log in logs]
    _assert_complete(project.site)
    assert (project.site / "de" / "privacy" / "index.html").is_file() and (project.docs / MARKER).is_file()
    assert _leftovers(tmp_path) == []


# --------------------------------------------------------------------------- 4. cleanup on every exit path


def test_a_failing_locale_stops_the_build_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: None, example: LoadedPolicy, example_history: History
) -> None:
    project = copy_project(tmp_path)
    _build(project, example, example_history)
    before = _tree(project.site)
    monkeypatch.setattr("legalgen.site.build._build_with_mkdocs", fake_mkdocs_de_fails)
    start = time.monotonic()
    with pytest.raises(BuildError, match=r"^mkdocs\.de\.yml: the German build broke$"):
        _build(project, example, example_history, jobs=3, force=True)
    assert time.monotonic() - start < 10  # the other workers were killed, not waited for
    assert multiprocessing.active_children() == []
    assert _leftovers(tmp_path) == [] and _tree(project.site) == before


def test_ctrl_c_leaves_nothing_behind_and_restores_the_sigterm_handler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example: LoadedPolicy, example_history: History
) -> None:
    project = copy_project(tmp_path)
    monkeypatch.setattr("legalgen.site.build._build_with_mkdocs", fake_mkdocs_en_only)
    handler = signal.getsignal(signal.SIGTERM)

    def interrupt(message: str) -> None:
        if message.startswith("built "):
            raise KeyboardInterrupt

    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        build_site(project, example, example_history, AS_OF, progress=interrupt, jobs=3)
    assert time.monotonic() - start < 10
    assert multiprocessing.active_children() == []
    assert _leftovers(tmp_path) == [] and not project.site.exists()
    assert signal.getsignal(signal.SIGTERM) is handler


@pytest.mark.slow
def test_sigterm_during_a_build_keeps_the_previous_site(tmp_path: Path, built_site: Project) -> None:
    project = copy_project(tmp_path)
    shutil.copytree(built_site.site, project.site)
    before = _tree(project.site)
    # a later day, so that the build has work to do (the same day would leave the site as it is)
    process = subprocess.Popen([sys.executable, "-m", "legalgen", "build", "--as-of", "2026-12-15"],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: bool(list(tmp_path.glob(".site.staging-*")) and _children(process.pid)),
                  "the staging folder and the worker processes")
        workers = _children(process.pid)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr and "Error" not in stderr
    assert _leftovers(tmp_path) == []
    assert [pid for pid in workers if _alive(pid)] == []
    assert _tree(project.site) == before
    _assert_complete(project.site)


def test_a_sigterm_whose_exit_was_swallowed_still_stops_the_build() -> None:
    """Python drops an exception raised in a fork hook; the build asks again before it swaps."""
    from legalgen.site.build import _sigterm_exits

    with _sigterm_exits() as stop_if_terminated:
        stop_if_terminated()  # nothing received yet
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)  # the handler raises here
        except SystemExit:
            pass  # lost, as in a fork hook
        with pytest.raises(SystemExit) as stopped:
            stop_if_terminated()
        assert stopped.value.code == 128 + signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


@pytest.mark.slow
def test_a_killed_build_takes_its_workers_and_lock_along(
    tmp_path: Path, example: LoadedPolicy, example_history: History
) -> None:
    project = copy_project(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "legalgen", "build", "--as-of", AS_OF.isoformat()],
                               cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: bool(list(tmp_path.glob(".site.staging-*")) and _children(process.pid)),
                  "the staging folder and the worker processes")
        workers = _children(process.pid)
    finally:
        process.kill()
        process.wait()
    _wait_for(lambda: not any(_alive(pid) for pid in workers), "the workers to die with the build", timeout=10)
    [stale] = _leftovers(tmp_path)
    messages = _build(project, example, example_history, lock_timeout=5)  # the lock is free at once
    assert messages[0] == f"removed {stale}, left by an interrupted build"
    _assert_complete(project.site)
    assert _leftovers(tmp_path) == []


# --------------------------------------------------------------------------- 5. zensical


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("zensical") is None and not os.environ.get("CI"), reason="zensical not installed")
def test_zensical_builds_through_staging_and_swap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example: LoadedPolicy, example_history: History
) -> None:
    project = copy_project(tmp_path)
    _site_with(project.site, "stale.html")
    swaps: list[tuple[str, bool]] = []
    swap_in = writer.swap_in

    def recording_swap(staging: Path, target: Path) -> None:
        swaps.append((staging.name, (target / "stale.html").is_file()))
        _assert_complete(staging)
        swap_in(staging, target)

    monkeypatch.setattr("legalgen.site.build.swap_in", recording_swap)
    _build(project, example, example_history, engine="zensical")
    assert len(swaps) == 1 and swaps[0][0].startswith(".site.staging-") and swaps[0][1]
    _assert_complete(project.site)
    html = (project.site / "fr" / "privacy" / "index.html").read_text(encoding="utf-8")
    assert 'hreflang="fr" href="https://legal.lumenstream.example/fr/privacy/"' in html
    assert not (project.site / "stale.html").exists()
    assert sorted(path.name for path in tmp_path.glob(".mkdocs.*")) == [] and _leftovers(tmp_path) == []
    # a failing Zensical build leaves the site as it was and no temporary config
    before = _tree(project.site)
    config = project.base_config.read_text(encoding="utf-8")
    assert "  md_in_html: {}\n" in config
    project.base_config.write_text(config.replace("  md_in_html: {}\n", "  md_in_html: {}\n  no_such_extension: {}\n"),
                                   encoding="utf-8")
    with pytest.raises(BuildError, match=r"^zensical build of mkdocs\.en\.yml failed:"):
        _build(project, example, example_history, engine="zensical")
    assert _tree(project.site) == before
    assert sorted(path.name for path in tmp_path.glob(".mkdocs.*")) == [] and _leftovers(tmp_path) == []


def test_zensical_cannot_build_outside_the_project_root(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    copy_project(tmp_path / "project")
    result = _cli("build", "--root", str(tmp_path / "project"), "--engine", "zensical",
                  "--site-dir", str(tmp_path / "public"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"error: zensical builds only into a folder below the project root {tmp_path}/project; "
        f"choose a --site-dir below it or build with --engine mkdocs"
    )
    assert not (tmp_path / "public").exists() and not (tmp_path / "project" / "docs").exists()


# --------------------------------------------------------------------------- 6. permissions


def _modes(*roots: Path) -> set[tuple[str, str]]:
    """("dir" or "file", octal mode) of every path below and including ``roots``."""
    paths = [path for root in roots for path in ([root, *root.rglob("*")] if root.is_dir() else [root])]
    return {("dir" if path.is_dir() else "file", oct(stat.S_IMODE(path.stat().st_mode))) for path in paths}


@pytest.mark.parametrize(("umask", "file_mode", "dir_mode"), [(0o022, "0o644", "0o755"), (0o027, "0o640", "0o750")])
def test_outputs_follow_the_umask(
    tmp_path: Path, fake: None, example: LoadedPolicy, example_history: History,
    umask: int, file_mode: str, dir_mode: str
) -> None:
    project = copy_project(tmp_path)
    previous = os.umask(umask)
    try:
        _build(project, example, example_history)
    finally:
        os.umask(previous)
    configs = [project.locale_config(locale) for locale in LOCALES]
    assert _modes(project.site, project.docs, project.lock_file, *configs) == {("dir", dir_mode), ("file", file_mode)}


@pytest.mark.slow
def test_a_real_build_is_readable_by_the_group_only_with_umask_027(
    tmp_path: Path, example: LoadedPolicy, example_history: History
) -> None:
    project = copy_project(tmp_path)
    previous = os.umask(0o027)
    try:
        _build(project, example, example_history)
    finally:
        os.umask(previous)
    assert _modes(project.site, project.docs) == {("dir", "0o750"), ("file", "0o640")}
    assert len(list(project.site.rglob("*.html"))) > 50


# --------------------------------------------------------------------------- 7. generated YAML

AWKWARD = [
    "Lumenstream: the privacy centre # for people who read the small print, and all of it, twice " * 2,
    "\"Quoted\" 'names' with !ENV SECRET, &anchor, *alias, {braces} and [brackets]: all text",
    "!ENV SITE_NAME",
    "yes", "No", "on", "off", "~", "null", "1:20", "0o17", "010", "1e3", ".inf",
    "- a dash", "? a question", "%percent", "@at", "`tick", "|pipe", ">fold", "  leading and trailing  ",
    "Ünïcödé ∑ 漢字 😀 Confidentialité — « guillemets » " * 3,
    "x" * 300,
]


@pytest.mark.parametrize("text", AWKWARD)
def test_generated_yaml_reads_back_the_same(text: str) -> None:
    data = {"site_name": text, "nav": [{text: "index.md"}, {"Imprint": "imprint/index.md"}],
            "extra": {"legalgen": {"feed": {"title": f"{text}: changes"}, "notices": [{"text": text}]}}}
    generated = _dump_yaml(data)
    assert generated.startswith("# Generated by legalgen render;")
    assert yaml.safe_load(generated) == data


def test_a_long_awkward_site_name_gives_configs_mkdocs_loads(
    tmp_path: Path, example_history: History
) -> None:
    from mkdocs.config import load_config

    from legalgen.source.load import load_policy

    project = copy_project(tmp_path)
    name = AWKWARD[0] + AWKWARD[1].replace("&anchor", "& anchor") + " !ENV X — Ünïcödé"
    site_yaml = project.source / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace(
        SITE_NAME_LINE, "  name: " + yaml.safe_dump(name, width=10_000, allow_unicode=True).split("\n")[0],
    ), encoding="utf-8")
    loaded = load_policy(project.source)
    assert loaded.policy.site.name_in("en") == name
    render_sources(project, loaded, example_history, AS_OF)
    for locale in LOCALES:  # the theme prints the name as HTML, so it may come HTML-escaped
        path = project.locale_config(locale)
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert html.unescape(data["site_name"]) == name and data["nav"][0] == {data["site_name"]: "index.md"}
        config = load_config(config_file=str(path))
        assert config["site_name"] == data["site_name"]
        assert config["nav"][0] == {data["site_name"]: "index.md"}
        assert config["extra"] == data["extra"] and config["extra"]["legalgen"]["locale"] == locale


def test_an_incomplete_catalog_leaves_the_markdown_tree_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   example: LoadedPolicy,
                                                                   example_history: History) -> None:
    """Every locale's catalog is loaded before the first locale is written."""
    from legalgen.diagnostics import TranslationError
    from legalgen.render import i18n
    from legalgen.source.load import load_policy

    project = copy_project(tmp_path)
    render_sources(project, example, example_history, AS_OF)
    before = _tree(project.docs)
    site_yaml = project.source / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("Lumenstream GmbH", "Lumenstream AG"),
                         encoding="utf-8")
    changed = load_policy(project.source)
    real = i18n.load_translations

    def incomplete(locale: str) -> Any:
        if locale == "fr":
            raise TranslationError("incomplete catalog: fuzzy entry")
        return real(locale)

    monkeypatch.setattr(i18n, "load_translations", incomplete)
    with pytest.raises(TranslationError):
        render_sources(project, changed, example_history, AS_OF)
    assert _tree(project.docs) == before


@pytest.mark.parametrize(("config", "error"), [
    ("- a\n- b\n", "the MkDocs configuration must be a mapping"),  # found before anything is written
    ("site_name: x\ntheme:\n  name: material\n  custom_dir: 5\n", "MkDocs cannot build it"),
    ("site_name: x\nuse_directory_urls: false\n", "use_directory_urls: false is not supported"),
    ("site_name: x\nuse_directory_urls: !ENV [URLS, false]\n", "use_directory_urls: .* is not supported"),
    # what the base config inherits is checked like what it says itself
    ("INHERIT: parent.yml\nsite_name: x\n", "use_directory_urls: false is not supported"),
    ("INHERIT: parent.yml\nsite_name: x\ntheme:\n  name: material\n", "custom_dir '.' holds the project"),
    ("site_name: x\ntheme:\n  name: material\n  custom_dir: !ENV [THEME_DIR, overrides]\n",
     "write theme.custom_dir as a plain path"),
    ("INHERIT: ../outside.yml\nsite_name: x\n", "outside the project"),
    ("INHERIT: mkdocs.yml\nsite_name: x\n", "loops"),
    ("INHERIT: missing.yml\nsite_name: x\n", "which does not exist"),
    ('site_name: x\ntheme:\n  name: material\n  custom_dir: "a\\0b"\n', "cannot be followed"),
])
def test_a_config_mkdocs_fails_on_is_one_clean_error(tmp_path: Path, config: str, error: str, example: LoadedPolicy,
                                                     example_history: History) -> None:
    project = copy_project(tmp_path)
    parent = ("use_directory_urls: false\n" if "custom_dir" not in error
              else "theme:\n  name: material\n  custom_dir: .\n")
    (project.root / "parent.yml").write_text(parent, encoding="utf-8")
    project.base_config.write_text(config, encoding="utf-8")
    with pytest.raises(BuildError, match=error):
        build_site(project, example, example_history, AS_OF, jobs=1)
    assert not project.site.exists()


def test_an_edited_catalog_beside_the_package_is_an_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a checkout the catalogs live beside the package: a build made before an edit is not up to date."""
    from legalgen.site import manifest

    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    catalogs = tmp_path / "locales" / "de" / "LC_MESSAGES"
    catalogs.mkdir(parents=True)
    (catalogs / "messages.po").write_text('msgid "a"\nmsgstr "b"\n', encoding="utf-8")
    monkeypatch.setattr(manifest, "catalog_dir", lambda: tmp_path / "locales")
    before = manifest.source_key(project, "mkdocs", AS_OF, project.root / "overrides")
    (catalogs / "messages.po").write_text('#, fuzzy\nmsgid "a"\nmsgstr "b"\n', encoding="utf-8")
    assert manifest.source_key(project, "mkdocs", AS_OF, project.root / "overrides") != before


def test_the_no_op_check_reads_a_bounded_amount_and_follows_no_link(tmp_path: Path) -> None:
    """The hash of the sources reads a large file by its status only (a sparse 2 GB file costs
    nothing), and a link or a pipe among the sources means no shortcut: the source is read."""
    from legalgen.site import manifest

    project = copy_project(tmp_path)
    theme = project.root / "overrides"
    before = manifest.source_key(project, "mkdocs", AS_OF, theme)
    assert before is not None
    big = project.source / "archive.bin"
    with big.open("wb") as stream:
        stream.truncate(2 << 30)
    with_big = manifest.source_key(project, "mkdocs", AS_OF, theme)
    assert with_big not in (None, before)
    os.utime(big, ns=(1, 1))  # its status changed: so did the key
    assert manifest.source_key(project, "mkdocs", AS_OF, theme) not in (None, with_big)
    big.unlink()
    outside = tmp_path / "outside.yaml"
    outside.write_text("a: 1\n", encoding="utf-8")
    for make in (lambda path: path.symlink_to(outside), lambda path: os.mkfifo(path)):
        odd = project.source / "odd.yaml"
        make(odd)
        assert manifest.source_key(project, "mkdocs", AS_OF, theme) is None
        odd.unlink()
    (theme / "linked").symlink_to(project.root / "policy")
    assert manifest.source_key(project, "mkdocs", AS_OF, theme) is None
    assert manifest.shared_inputs(project, "mkdocs", theme).hexdigest() != \
        manifest.shared_inputs(project, "mkdocs", theme).hexdigest()  # built every time


def test_a_removed_locale_takes_its_generated_config_along(tmp_path: Path, example: LoadedPolicy,
                                                           example_history: History) -> None:
    from legalgen.source.load import load_policy

    project = copy_project(tmp_path)
    render_sources(project, example, example_history, AS_OF)
    own = project.configs / "mkdocs.it.yml"  # the project's own file, not generated: kept
    own.write_text("INHERIT: mkdocs.yml\n", encoding="utf-8")
    site_yaml = project.source / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    assert "locales: [en, de, fr]" in text
    site_yaml.write_text(text.replace("locales: [en, de, fr]", "locales: [en, de]"), encoding="utf-8")
    loaded = load_policy(project.source)  # French texts may stay in the source
    report = render_sources(project, loaded, example_history, AS_OF)
    assert not project.locale_config("fr").exists() and "mkdocs.fr.yml" in report.removed
    assert not (project.docs / "fr").exists()
    assert own.is_file() and project.locale_config("de").is_file()


def test_the_hashes_frame_every_file_and_walk_any_depth(tmp_path: Path) -> None:
    """Two different theme folders never hash alike (each name and content is framed by its
    length); a __pycache__ folder of the theme is hashed (the engine publishes it); a site
    folder of any depth is hashed without recursion."""
    import hashlib

    from legalgen.site import manifest

    def tree(files: dict[str, str]) -> str:
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        digest = hashlib.sha256()
        assert manifest._hash_tree(digest, folder)
        return digest.hexdigest()

    assert tree({"x.txt": "A", "y.txt": "B"}) != tree({"x.txt": "A\0y.txt\0B"})
    assert tree({"__pycache__/note.txt": "v1"}) != tree({"__pycache__/note.txt": "v2"})
    deep = tmp_path / "site" / "en" / "/".join(["d"] * 400)
    deep.mkdir(parents=True)
    (deep / "page.html").write_text("x", encoding="utf-8")
    entries = manifest.outputs(tmp_path / "site", ["en"])
    assert f"{manifest.OUTPUT}/en" in entries


def test_a_manifest_edited_by_hand_is_not_followed_out_of_the_site(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from legalgen.site import manifest

    project = copy_project(tmp_path)
    project.site.mkdir()
    (project.site / manifest.FILE).write_text(json.dumps({
        manifest.SOURCE: "x", manifest.THEME: "overrides", manifest.TIMEZONE: "Europe/Berlin",
        f"{manifest.OUTPUT}/": "x", f"{manifest.OUTPUT}/../../outside": "x"}), encoding="utf-8")

    def walked(*args: Any) -> dict[str, str]:
        raise AssertionError("the site was walked")

    monkeypatch.setattr(manifest, "outputs", walked)
    assert manifest.up_to_date(project, "mkdocs", AS_OF) is False


def test_a_site_name_with_glob_characters_finds_only_its_own_staging_folders(tmp_path: Path) -> None:
    from legalgen.site.manifest import _interrupted
    from legalgen.writer import mark_output, recover_site

    other = tmp_path / ".site.staging-killed"
    other.mkdir()
    mark_output(other)
    (tmp_path / "s*").mkdir()
    assert recover_site(tmp_path / "s*") == [] and other.is_dir()
    own = tmp_path / ".out[1].staging-killed"
    own.mkdir()
    mark_output(own)
    assert _interrupted(tmp_path / "out[1]")
    assert recover_site(tmp_path / "out[1]") == ["removed .out[1].staging-killed, left by an interrupted build"]


def test_inherited_configs_that_cannot_be_followed_are_one_clean_error(tmp_path: Path) -> None:
    from legalgen.site.config import MAX_CONFIG_BYTES, config_chain, read_base_config

    project = copy_project(tmp_path)
    (project.root / "conf").mkdir()
    (project.root / "conf" / "base.yml").symlink_to("base.yml")  # a link to itself
    project.base_config.write_text("INHERIT: conf/base.yml\nsite_name: x\n", encoding="utf-8")
    with pytest.raises(BuildError, match="cannot be followed"):
        config_chain(project.base_config, project.root)
    project.base_config.write_text('INHERIT: "conf\\0base.yml"\nsite_name: x\n', encoding="utf-8")
    with pytest.raises(BuildError, match="INHERIT must name a config file by a plain path"):
        config_chain(project.base_config, project.root)
    huge = project.root / "huge.yml"
    with huge.open("wb") as stream:
        stream.truncate(MAX_CONFIG_BYTES + 1)
    with pytest.raises(BuildError, match="larger than 4 MB"):
        read_base_config(huge)


def test_inherited_settings_are_merged_as_the_engine_merges_them(tmp_path: Path) -> None:
    """Markdown extensions written as a list in an inherited config are kept (the generated
    config repeats them); a tag or hooks anywhere in the chain means the build cannot vouch
    for its inputs; a refused setting names the config that sets it."""
    from legalgen.render.markdown_safety import EXTENSION
    from legalgen.site.build import _refuse_file_urls, _volatile
    from legalgen.site.config import config_chain, locale_markdown_extensions

    project = copy_project(tmp_path)
    (project.root / "conf").mkdir()
    (project.root / "conf" / "base.yml").write_text(
        "markdown_extensions:\n  - toc:\n      permalink: true\n  - attr_list\n  - tables\n", encoding="utf-8")
    project.base_config.write_text("INHERIT: conf/base.yml\nsite_name: x\n", encoding="utf-8")
    extensions = locale_markdown_extensions(project.base_config, root=project.root)
    assert isinstance(extensions, list) and "attr_list" in extensions and EXTENSION in extensions
    assert not _volatile(config_chain(project.base_config, project.root))
    for parent in ("extra: {copy: !ENV [LG_COPY, x]}\n", "hooks: [hooks.py]\n", "plugins: [macros]\n",
                   "markdown_extensions:\n  - pymdownx.snippets\n"):
        (project.root / "conf" / "base.yml").write_text(parent, encoding="utf-8")
        assert _volatile(config_chain(project.base_config, project.root))
    (project.root / "conf" / "base.yml").write_text("use_directory_urls: !ENV [URLS, false]\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"conf/base\.yml: use_directory_urls: !ENV is not supported"):
        _refuse_file_urls(project)


def test_a_theme_link_that_loops_is_one_clean_error(tmp_path: Path, example: LoadedPolicy,
                                                    example_history: History) -> None:
    project = copy_project(tmp_path)
    (project.root / "overrides" / "loop").symlink_to("loop")
    with pytest.raises(BuildError, match="cannot be followed"):
        build_site(project, example, example_history, AS_OF, jobs=1)
    assert not project.site.exists()
