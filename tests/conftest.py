"""Shared fixtures: the example project, a built copy of its site, a golden-file helper."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from legalgen.project import Project
from legalgen.site.build import build_site
from legalgen.source.load import LoadedPolicy, load_policy
from legalgen.versions.history import History, load_history

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
#: The example's privacy policy has version 2 in force and version 3 announced on this date.
AS_OF = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True, scope="session")
def _cache_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The tests (and the commands they start) cache frozen versions in a folder of their own."""
    import os

    previous = os.environ.get("LEGALGEN_CACHE")
    os.environ["LEGALGEN_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("LEGALGEN_CACHE", None)
    else:
        os.environ["LEGALGEN_CACHE"] = previous


@pytest.fixture(autouse=True)
def _acts_on_the_environments_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """In the tests (in this process), the day of an act, a release or a sending, follows
    ``SOURCE_DATE_EPOCH`` like the as-of date, so a test releases on the day it names
    (:func:`released_on`). legalgen itself dates acts by the machine's clock alone
    (tests/test_clock.py); a command a test starts in a process of its own does too."""
    from legalgen import clock

    monkeypatch.setattr(clock, "wall_now", clock.now)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from the current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Compare text with a golden file under tests/golden/, or rewrite it with --update-golden."""
    update = request.config.getoption("--update-golden")

    def compare(relative: str, actual: str) -> None:
        path = GOLDEN / relative
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(actual.encode("utf-8"))
            return
        assert path.is_file(), f"no golden file {path}; run pytest --update-golden"
        assert actual == path.read_bytes().decode("utf-8"), f"{relative} differs from its golden file"

    return compare


@pytest.fixture(scope="session")
def example() -> LoadedPolicy:
    """The example site's policy under policy/."""
    return load_policy(REPO / "policy")


@pytest.fixture(scope="session")
def example_history(example: LoadedPolicy) -> History:
    """The released versions of the example."""
    return load_history(example)


#: The line of the example's site.yaml that names the site (in each language).
SITE_NAME_LINE = "  name: {en: Lumenstream Legal, de: Lumenstream – Rechtliches, fr: Lumenstream – Informations juridiques}"


def copy_project(target: Path) -> Project:
    """A copy of the example project (base config, overrides, source) in ``target``."""
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", target / "overrides")
    shutil.copytree(REPO / "policy", target / "policy")
    return Project.at(target)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """The example site built once per session into a temporary project."""
    project = copy_project(tmp_path_factory.mktemp("project"))
    loaded = load_policy(project.source)
    build_site(project, loaded, load_history(loaded), AS_OF)
    yield project


@pytest.fixture(scope="session")
def built_site_zensical(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """The example site built once per session with Zensical, as of 2026-11-22."""
    project = copy_project(tmp_path_factory.mktemp("zensical"))
    loaded = load_policy(project.source)
    build_site(project, loaded, load_history(loaded), AS_OF, engine="zensical")
    yield project


@pytest.fixture(scope="session")
def built_site_after_zensical(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """The example site built with Zensical as of 2026-12-15."""
    project = copy_project(tmp_path_factory.mktemp("zensical-after"))
    loaded = load_policy(project.source)
    build_site(project, loaded, load_history(loaded), dt.date(2026, 12, 15), engine="zensical")
    yield project


@pytest.fixture(scope="session")
def built_site_after(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """The example site built as of 2026-12-15, when version 3 of the privacy policy takes effect."""
    project = copy_project(tmp_path_factory.mktemp("after"))
    loaded = load_policy(project.source)
    build_site(project, loaded, load_history(loaded), dt.date(2026, 12, 15))
    yield project


def released_on(date: str) -> dict[str, str]:
    """The environment of a release made on ``date`` (YYYY-MM-DD): SOURCE_DATE_EPOCH at noon UTC."""
    moment = dt.datetime.combine(dt.date.fromisoformat(date), dt.time(12), dt.UTC)
    return {"SOURCE_DATE_EPOCH": str(int(moment.timestamp()))}


@pytest.fixture
def release_day(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Sets the environment of a release made on a day (:func:`released_on`) for the test."""
    def on(date: str) -> None:
        for key, value in released_on(date).items():
            monkeypatch.setenv(key, value)
    return on


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's chromium through Playwright, one for the whole run (never a downloaded browser)."""
    from .browsing import ARGS, CHROMIUM

    if not CHROMIUM.exists():
        if in_ci():
            pytest.fail("/usr/bin/chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("Debian chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def in_ci() -> bool:
    """Whether the tests run in CI, where nothing may be skipped for a missing tool."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}
