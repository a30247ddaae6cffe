"""Builds skip what did not change: a no-op rebuild writes nothing, one changed locale is built alone."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from legalgen.site.build import build_site
from legalgen.site.manifest import FILE
from legalgen.source.load import load_policy
from legalgen.versions.history import load_history

from ..conftest import copy_project

pytestmark = pytest.mark.slow
AS_OF = dt.date(2026, 11, 22)


def _state(site: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in site.rglob("*") if p.is_file()}


def _build(root: Path, as_of: dt.date = AS_OF) -> tuple[list[str], list[str]]:
    from legalgen.project import Project

    project = Project.at(root)
    loaded = load_policy(project.source)
    said: list[str] = []
    report = build_site(project, loaded, load_history(loaded), as_of, progress=said.append)
    return report.locales, said


def test_a_no_op_rebuild_writes_nothing(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    assert _build(project.root)[0] == ["en", "de", "fr"]
    before, docs_before = _state(project.site), _state(project.docs)
    built, said = _build(project.root)
    assert built == [] and "nothing changed since the last build: site/ is left as it is" in said
    assert _state(project.site) == before and _state(project.docs) == docs_before
    assert (project.site / FILE).is_file()


def test_only_the_changed_locale_is_built_again(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    _build(project.root)
    site = project.source / "site.yaml"  # the German site name: only German pages show it
    text = site.read_text(encoding="utf-8")
    assert "de: Lumenstream – Rechtliches," in text
    site.write_text(text.replace("de: Lumenstream – Rechtliches,", "de: Lumenstream – Rechtliche Hinweise,"),
                    encoding="utf-8")
    built, said = _build(project.root)
    assert built == ["de"]
    assert "en unchanged: kept from the current site" in said and "fr unchanged: kept from the current site" in said
    assert "Lumenstream – Rechtliche Hinweise" in (project.site / "de" / "refund" / "index.html").read_text(encoding="utf-8")


def test_a_new_day_rebuilds_what_the_date_changes(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    _build(project.root)
    built, _ = _build(project.root, dt.date(2026, 12, 15))  # privacy version 3 takes effect
    assert built == ["en", "de", "fr"]


def test_a_changed_override_rebuilds_every_locale(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    _build(project.root)
    main = project.root / "overrides" / "main.html"
    main.write_text(main.read_text(encoding="utf-8") + "\n{# a comment #}\n", encoding="utf-8")
    assert _build(project.root)[0] == ["en", "de", "fr"]


def test_a_theme_folder_named_in_mkdocs_yml_counts_like_overrides(tmp_path: Path) -> None:
    """A project whose mkdocs.yml names another custom_dir: an edit there is a change too, both
    for the check before the source is read and for the build of each locale."""
    from click.testing import CliRunner

    from legalgen.cli import main

    project = copy_project(tmp_path)
    (project.root / "overrides").rename(project.root / "theme")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("custom_dir: overrides", "custom_dir: theme"),
                      encoding="utf-8")
    args = ["build", "--root", str(project.root), "--as-of", AS_OF.isoformat()]
    assert CliRunner().invoke(main, args).exit_code == 0
    main_html = project.root / "theme" / "main.html"
    main_html.write_text(main_html.read_text(encoding="utf-8").replace(
        "{% block site_meta %}", "{% block site_meta %}<meta name=\"x-theme-edit\" content=\"1\">", 1),
        encoding="utf-8")
    again = CliRunner().invoke(main, args)
    assert "built from these very sources" not in again.output and "built en, de, fr" in again.output
    assert 'name="x-theme-edit"' in (project.site / "de" / "privacy" / "index.html").read_text(encoding="utf-8")
    # a manifest that names a folder outside the project is not followed: the source is read
    manifest = project.site / FILE
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"<theme>": "theme"', '"<theme>": "/"'),
                        encoding="utf-8")
    assert "building as of" in CliRunner().invoke(main, args).output


def test_the_command_skips_a_build_whose_sources_did_not_change(tmp_path: Path) -> None:
    """`legalgen build` compares a hash of its inputs before it reads the source at all."""
    from click.testing import CliRunner

    from legalgen.cli import main

    project = copy_project(tmp_path)
    runner = CliRunner()
    args = ["build", "--root", str(project.root), "--as-of", AS_OF.isoformat()]
    assert runner.invoke(main, args).exit_code == 0
    before, docs_before = _state(project.site), _state(project.docs)
    again = runner.invoke(main, args)
    assert again.exit_code == 0 and "is up to date: built from these very sources" in again.output
    assert _state(project.site) == before and _state(project.docs) == docs_before
    # without --as-of: today in the time zone the site was built for, which differs from AS_OF
    assert "built from these very sources" not in runner.invoke(main, args[:3]).output
    assert "building as of" in runner.invoke(main, args).output  # back to AS_OF
    # a changed source file, a corrupt manifest: the source is read again
    imprint = project.source / "imprint.yaml"
    imprint.write_text(imprint.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    changed = runner.invoke(main, args)
    assert "building as of" in changed.output and "nothing changed since the last build" in changed.output
    assert "built from these very sources" in runner.invoke(main, args).output
    (project.site / FILE).write_text("{not json", encoding="utf-8")
    assert "building as of" in runner.invoke(main, args).output
    assert "built from these very sources" not in runner.invoke(main, [*args, "--force"]).output


def test_a_site_changed_since_its_build_is_built_again(tmp_path: Path) -> None:
    """The check before the source is read, and the build after it, look at what the build left
    in site/ as well as at its inputs: a locale deleted, edited or given a link is built again
    (never copied with the link), and the others are kept."""
    from click.testing import CliRunner

    from legalgen.cli import main

    project = copy_project(tmp_path)
    runner = CliRunner()
    args = ["build", "--root", str(project.root), "--as-of", AS_OF.isoformat()]
    assert runner.invoke(main, args).exit_code == 0
    assert "built from these very sources" in runner.invoke(main, args).output
    shutil.rmtree(project.site / "de")
    rebuilt = runner.invoke(main, args)
    assert rebuilt.exit_code == 0 and "built de into" in rebuilt.output, rebuilt.output
    assert (project.site / "de" / "privacy" / "index.html").is_file()
    page = project.site / "en" / "privacy" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<script>alert(1)</script>", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the site", encoding="utf-8")
    (project.site / "fr" / "leak.txt").symlink_to(secret)
    rebuilt = runner.invoke(main, args)
    assert "built en, fr into" in rebuilt.output, rebuilt.output
    assert "<script>alert(1)</script>" not in page.read_text(encoding="utf-8")
    assert not (project.site / "fr" / "leak.txt").exists() and not (project.site / "fr" / "leak.txt").is_symlink()
    (project.site / "robots.txt").unlink()  # a file at the root: the root files are written again
    assert "building as of" in runner.invoke(main, args).output
    assert (project.site / "robots.txt").is_file()
    assert "built from these very sources" in runner.invoke(main, args).output


def test_an_interrupted_build_is_cleared_by_the_next_one(tmp_path: Path) -> None:
    """A staging folder left by a killed build makes the next build read the source, which
    removes it, even when nothing else changed."""
    from click.testing import CliRunner

    from legalgen.cli import main
    from legalgen.writer import mark_output

    project = copy_project(tmp_path)
    args = ["build", "--root", str(project.root), "--as-of", AS_OF.isoformat()]
    assert CliRunner().invoke(main, args).exit_code == 0
    stale = project.site.parent / f".{project.site.name}.staging-killed"
    stale.mkdir()
    mark_output(stale)
    again = CliRunner().invoke(main, args, catch_exceptions=False)
    assert "building as of" in again.output and not stale.exists()


def test_a_config_mkdocs_yml_inherits_from_is_an_input(tmp_path: Path) -> None:
    """mkdocs.yml may INHERIT settings from another config: an edit there is a change, both
    for the check before the source is read and for the build of each locale."""
    from click.testing import CliRunner

    from legalgen.cli import main

    project = copy_project(tmp_path)
    (project.root / "shared.yml").write_text("copyright: Shared one\n", encoding="utf-8")
    config = project.base_config
    config.write_text("INHERIT: shared.yml\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    args = ["build", "--root", str(project.root), "--as-of", AS_OF.isoformat()]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert "built from these very sources" in CliRunner().invoke(main, args).output
    (project.root / "shared.yml").write_text("copyright: Shared two\n", encoding="utf-8")
    again = CliRunner().invoke(main, args)
    assert "built en, de, fr" in again.output, again.output
    assert "Shared two" in (project.site / "fr" / "privacy" / "index.html").read_text(encoding="utf-8")


def test_an_edit_during_a_build_is_built_by_the_next_one(tmp_path: Path) -> None:
    """The sources are hashed before they are read and again after the build: when they differ
    (an edit saved meanwhile), the manifest records no source key and the next build reads
    the source again, instead of saying it is up to date."""
    from click.testing import CliRunner

    from legalgen.cli import main
    from legalgen.project import Project
    from legalgen.site.manifest import SOURCE, stored

    project = copy_project(tmp_path)
    loaded = load_policy(project.source)
    build_site(Project.at(project.root), loaded, load_history(loaded), AS_OF, digest_before="read before an edit")
    assert SOURCE not in stored(project.site)
    args = ["build", "--root", str(project.root), "--as-of", AS_OF.isoformat()]
    assert "building as of" in CliRunner().invoke(main, args).output
    assert "built from these very sources" in CliRunner().invoke(main, args).output


def test_a_config_that_reads_the_environment_is_never_taken_as_up_to_date(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from legalgen.cli import main

    project = copy_project(tmp_path)
    config = project.base_config
    config.write_text(config.read_text(encoding="utf-8") + "copyright: !ENV [LG_COPY, Default]\n", encoding="utf-8")
    args = ["build", "--root", str(project.root), "--as-of", AS_OF.isoformat()]
    assert CliRunner().invoke(main, args, env={"LG_COPY": "Copy AAA"}).exit_code == 0
    again = CliRunner().invoke(main, args, env={"LG_COPY": "Copy BBB"})
    assert "built en, de, fr" in again.output, again.output
    assert "Copy BBB" in (project.site / "en" / "privacy" / "index.html").read_text(encoding="utf-8")
