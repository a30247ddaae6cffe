"""The engine's theme: the project's overrides first, then legalgen's, then Material's."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import load_config

from legalgen.scaffold import skeleton
from legalgen.site.build import _share_theme_work


def _templates(root: Path, custom_dir: str | None) -> dict[str, str]:
    """Which file each of three templates comes from, for a project whose mkdocs.yml names
    ``custom_dir`` (holding only main.html)."""
    (root / "docs").mkdir()
    theme = f"theme:\n  name: material\n  custom_dir: {custom_dir}\n" if custom_dir else "theme:\n  name: material\n"
    (root / "mkdocs.yml").write_text(f"site_name: Test\n{theme}", encoding="utf-8")
    if custom_dir:
        (root / custom_dir).mkdir()
        (root / custom_dir / "main.html").write_text('{% extends "base.html" %}\n', encoding="utf-8")
    config = load_config(config_file=str(root / "mkdocs.yml"))
    _share_theme_work(config)
    env = config.theme.get_env()
    return {name: str(env.get_template(name).filename)
            for name in ("main.html", "partials/footer.html", "partials/alternate.html")}


def test_a_template_the_projects_overrides_lack_is_legalgens(tmp_path: Path) -> None:
    """A project started by an older legalgen has no footer.html or alternate.html: the fixed
    footer labels and the switcher's fallback still come from legalgen, never from Material."""
    ours = skeleton() / "overrides"
    found = _templates(tmp_path, "overrides")
    assert found["main.html"] == str(tmp_path / "overrides" / "main.html")
    assert found["partials/footer.html"] == str(ours / "partials" / "footer.html")
    assert found["partials/alternate.html"] == str(ours / "partials" / "alternate.html")


def test_without_a_custom_dir_legalgens_overrides_come_first(tmp_path: Path) -> None:
    found = _templates(tmp_path, None)
    assert found["main.html"] == str(skeleton() / "overrides" / "main.html")
