"""The engine's configuration as MkDocs reads it: ``mkdocs.yml`` and the configs it inherits.

legalgen reads the base config for what decides its own output (the theme folder,
``use_directory_urls``, the Markdown extensions, whether the build may be skipped) and writes
each locale's config to extend it. MkDocs follows ``INHERIT`` and merges mappings key by key;
:func:`config_chain` and :func:`merged_setting` read the chain the same way, bounded
(:data:`MAX_CONFIG_BYTES`, :data:`MAX_INHERIT`) and inside the project. Values written with a
tag (``!ENV``) are kept as :class:`Tagged`: only the engine can resolve them.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from legalgen.diagnostics import BuildError
from legalgen.files import read_bounded
from legalgen.render.markdown_safety import EXTENSION


def locale_markdown_extensions(base_config: Path, *, permalink_title: str | None = None,
                               root: Path | None = None) -> dict[str, Any] | list[Any]:
    """``markdown_extensions`` of a generated locale config, so that INHERIT keeps the base's
    (as the base config and the configs it inherits from, below ``root``, merge them).

    MkDocs merges an inherited mapping key by key but replaces a list; Zensical appends
    lists and merges mappings. With a mapping in the base config (as in legalgen's
    ``mkdocs.yml``), the extension alone is enough; with a list, the base's extensions are
    repeated before it (Zensical drops the duplicates). ``permalink_title`` is the
    localized title of the heading anchors (the ``toc`` extension's is English).
    """
    try:
        _, extensions = merged_setting(config_chain(base_config, root or base_config.parent), "markdown_extensions")
    except FileNotFoundError:
        extensions = None  # rendering without a base config: the build reports it
    toc = {"permalink_title": permalink_title} if permalink_title else {}
    if not isinstance(extensions, list):
        return {EXTENSION: {}, **({"toc": toc} if toc else {})}
    try:
        items = [_plain(item) for item in extensions]
    except (TypeError, RecursionError):
        raise BuildError(f"{base_config}: markdown_extensions uses YAML tags; write it as a mapping "
                         "(name: options) so the generated configs can extend it") from None
    if toc:
        items = [{"toc": {**(item.get("toc") or {}), **toc}} if isinstance(item, dict) and "toc" in item
                 else {"toc": toc} if item == "toc" else item for item in items]
        if not any(isinstance(item, dict) and "toc" in item for item in items):
            items.append({"toc": toc})
    names = {next(iter(item), None) if isinstance(item, dict) else item for item in items
             if isinstance(item, dict | str)}
    return items if EXTENSION in names else [*items, EXTENSION]


def read_base_config(path: Path) -> Any:
    """The parsed base config, read like MkDocs reads it (PyYAML, YAML 1.1), with each value
    that carries a tag (``!ENV``, ``!!python/name:...``) kept as a :class:`Tagged`; the same
    text is parsed once per process. Callers must not change what it returns.
    :class:`BuildError` when it cannot be read or parsed or is no mapping; FileNotFoundError
    when it is missing."""
    try:
        raw, _ = read_bounded(path, MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as error:
        raise BuildError(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None
    if raw is None or len(raw) > MAX_CONFIG_BYTES:
        raise BuildError(f"cannot read {path}: " + ("not a regular file" if raw is None else
                                                   f"larger than {MAX_CONFIG_BYTES // (1 << 20)} MB"))
    try:
        text = raw.decode("utf-8")
        data = _parse_config(text)
    except UnicodeDecodeError as error:
        raise BuildError(f"cannot read {path}: {error}") from None
    except yaml.YAMLError as error:
        raise BuildError(f"cannot read {path}: {error}") from None
    if data is not None and not isinstance(data, dict):
        raise BuildError(f"{path}: the MkDocs configuration must be a mapping of settings (site_name: ..., "
                         f"theme: ...), not a {type(data).__name__}")
    return data


#: The largest MkDocs config legalgen reads.
MAX_CONFIG_BYTES = 4 << 20
#: How many configs an ``INHERIT`` chain may name (MkDocs follows it without end).
MAX_INHERIT = 8


def config_chain(base_config: Path, root: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The base config and the configs it inherits from (``INHERIT``, each relative to the
    config that names it, as MkDocs reads them), nearest first, each with its settings.
    :class:`BuildError` for an ``INHERIT`` that is not a plain path, leads out of ``root``,
    is missing or loops: the engine would merge settings legalgen checks (the theme folder,
    ``use_directory_urls``, the Markdown extensions) from there. FileNotFoundError when the
    base config is missing."""
    chain: list[tuple[Path, dict[str, Any]]] = []
    path, seen = base_config, set()
    try:
        inside = root.resolve()
        while True:
            data = read_base_config(path)
            chain.append((path, data if isinstance(data, dict) else {}))
            parent = chain[-1][1].get("INHERIT")
            if parent is None:
                return chain
            if not isinstance(parent, str) or not parent or "\0" in parent:
                raise BuildError(f"{path}: INHERIT must name a config file by a plain path")
            path = Path(os.path.normpath(path.parent / parent))
            resolved = path.resolve()
            if not resolved.is_relative_to(inside):
                raise BuildError(f"{chain[-1][0]}: INHERIT names {parent!r}, outside the project {inside}; keep the "
                                 "configs the site is built from in the project")
            if resolved in seen or len(chain) > MAX_INHERIT:
                raise BuildError(f"{base_config}: its INHERIT chain loops or names more than {MAX_INHERIT} configs")
            seen.add(resolved)
            if not path.is_file():
                raise BuildError(f"{chain[-1][0]}: INHERIT names {path}, which does not exist")
    except (RuntimeError, ValueError, OSError) as error:  # a link loop, a name the system refuses
        if isinstance(error, FileNotFoundError) and not chain:
            raise
        raise BuildError(f"{chain[-1][0] if chain else base_config}: its INHERIT chain cannot be followed: "
                         f"{getattr(error, 'strerror', None) or error}") from None


def merged_setting(chain: list[tuple[Path, dict[str, Any]]], key: str) -> tuple[Path | None, Any]:
    """The value of ``key`` as MkDocs merges it along an ``INHERIT`` chain (the farthest config
    first; a mapping is merged key by key into an inherited mapping, anything else replaces
    it), with the nearest config that sets it; ``(None, None)`` when none does."""
    where, value = None, None
    for path, data in reversed(chain):
        if key in data:
            own = data[key]
            value = {**value, **own} if isinstance(value, dict) and isinstance(own, dict) else own
            where = path
    return where, value


def holds_tag(value: Any) -> bool:
    """Whether a config value is, or holds (at any depth), a value written with a tag (``!ENV``,
    ``!!python/name``)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, Tagged):
            return True
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


@dataclass(frozen=True)
class Tagged:
    """A value of the base config written with a tag, which only MkDocs can resolve."""

    tag: str

    def __str__(self) -> str:
        return self.tag


class _ConfigLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader that keeps any tag it does not know as a :class:`Tagged`."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: Tagged(node.tag))


@functools.lru_cache(maxsize=16)
def _parse_config(text: str) -> Any:
    return yaml.load(text, Loader=_ConfigLoader)


def _plain(value: Any) -> Any:
    """``value`` as plain lists, dicts and scalars; TypeError for tagged or unknown values."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    raise TypeError(value)
