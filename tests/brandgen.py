"""Generated brands over the example source, for the tests and bench/brands.py."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def base_project(root: Path) -> Path:
    """The example project without its released versions in ``root``: mkdocs.yml, overrides/, policy/."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    shutil.copytree(REPO / "policy", root / "policy", ignore=shutil.ignore_patterns("versions"))
    return root


def brand_name(index: int) -> str:
    return f"brand{index:04d}"


def write_brand(root: Path, index: int) -> Path:
    """Brand ``index``: its own site name, service, address and company e-mail over the base."""
    name = brand_name(index)
    title = f"Brand {index:04d}"
    folder = root / "brands" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.yaml").write_text(
        "site:\n"
        f"  name: {{en: {title} Legal, de: {title} – Rechtliches, fr: {title} – Informations juridiques}}\n"
        f"  service: {title}\n"
        f"  base_url: https://legal.{name}.example/\n"
        "company:\n"
        f"  email: hello@{name}.example\n"
        f"  website: https://www.{name}.example/\n",
        encoding="utf-8")
    return folder


def write_brands(root: Path, count: int) -> list[str]:
    """``count`` brands below ``root``; their names."""
    return [write_brand(root, index).name for index in range(1, count + 1)]


def announce_in_every_brand(root: Path, count: int, release_day: Callable[[str], None]) -> None:
    """Brands 1..``count`` release privacy v1 on 2026-10-01, then a material v2 (data kept
    longer) announced on 2026-11-02 and in force on 2026-12-15. ``release_day`` makes the
    releases happen on a day (the ``release_day`` fixture)."""
    from click.testing import CliRunner

    from legalgen.cli import main

    summary = root / "summary.yaml"
    summary.write_text("{en: We keep data longer., de: Wir speichern länger., fr: Nous conservons plus longtemps.}\n",
                       encoding="utf-8")

    def release(day: str, effective: str) -> None:
        release_day(day)
        result = CliRunner().invoke(main, ["release", "privacy", "--root", str(root), "--brands", "--effective",
                                           effective, "--summary-file", str(summary)])
        assert result.exit_code == 0, result.output

    release("2026-10-01", "2026-10-01")
    for index in range(1, count + 1):
        (root / "brands" / brand_name(index) / "privacy.yaml").write_text(
            "purposes:\n  - id: service\n    retention:\n      period: P90D\n", encoding="utf-8")
    release("2026-11-02", "2026-12-15")
