"""Where a legalgen project keeps its files; every default path is decided here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    """The folders of a project, all below ``root``.

    ``source`` holds the YAML policy, ``docs`` the generated Markdown tree (one folder per
    locale), ``site`` the built static site; ``mkdocs.yml`` at the root is the shared base
    config that the generated ``mkdocs.<locale>.yml`` files inherit.
    """

    root: Path
    source: Path
    docs: Path
    site: Path

    @classmethod
    def at(cls, root: Path, source: Path | None = None, site: Path | None = None) -> Project:
        """The project rooted at ``root`` with the default layout, optionally overridden."""
        root = root.resolve()
        return cls(
            root=root,
            source=(source or root / "policy").resolve(),
            docs=root / "docs",
            site=(site or root / "site").resolve(),
        )

    @property
    def base_config(self) -> Path:
        """The shared MkDocs config every per-locale config inherits."""
        return self.root / "mkdocs.yml"

    def locale_config(self, locale: str) -> Path:
        """The generated MkDocs config of one locale."""
        return self.root / f"mkdocs.{locale}.yml"
