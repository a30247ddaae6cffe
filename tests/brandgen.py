"""Generated brands over the example source, for the tests and bench/brands.py."""

from __future__ import annotations

import shutil
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
