"""Turn rendered pages into a site-engine project and build it, one locale per process.

``render`` writes ``docs/<locale>/*.md`` and ``mkdocs.<locale>.yml`` (each INHERITs the
root ``mkdocs.yml``); ``build`` runs one MkDocs build per locale in parallel into a staging
folder, adds the root language page and swaps the result into ``site/``. The same files
build with Zensical, which reads ``mkdocs.yml`` and its INHERIT.

Both refuse unsafe output folders before writing anything (:meth:`Project.check_outputs`),
hold the project's lock while they run, and a build never leaves a half-built or missing
site: see :func:`build_site`.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import functools
import gc
import importlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import FrameType
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import jinja2

from legalgen.diagnostics import BuildError
from legalgen.notices.announcements import notices_json
from legalgen.project import GENERATED_HEADER, Project, is_legalgen_output
from legalgen.render.i18n import Formatter, language_name
from legalgen.render.pages import (
    banner_id,
    feeds,
    locale_pages,
    not_found_texts,
    theme_extras,
    version_files,
)
from legalgen.render.renderer import (
    BYTECODE,
    TEMPLATES,
    LocaleRenderer,
    Page,
    disk_bytecode_cache,
    escape_theme_text,
)
from legalgen.scaffold import skeleton
from legalgen.site import manifest
from legalgen.site.config import (
    Tagged,
    config_chain,
    holds_tag,
    locale_markdown_extensions,
    merged_setting,
)
from legalgen.site.overrides import superseded_notes
from legalgen.source.load import LoadedPolicy
from legalgen.source.model import Channel
from legalgen.versions.history import History
from legalgen.versions.snapshot import Snapshot, take_snapshot
from legalgen.writer import (
    WriteReport,
    create_staging,
    exclusive_lock,
    lock_wait,
    mark_output,
    prune_tree,
    recover_site,
    remove_file,
    remove_staging,
    swap_in,
    write_file,
    write_tree,
)

if TYPE_CHECKING:  # the pool's module, with multiprocessing, is imported only when locales build in parallel
    from concurrent.futures import Future, ProcessPoolExecutor

Engine = Literal["mkdocs", "zensical"]
STYLESHEET = PurePosixPath("assets", "legalgen.css")
Progress = Callable[[str], None]
#: prctl(2): deliver a signal to this process when its parent dies.
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class BuildReport:
    """What a build did: the Markdown tree report and the locales built by the engine (the
    others were unchanged and kept; none when nothing changed and site/ was left as it was,
    or when only the files at its root were written again)."""

    sources: WriteReport
    locales: list[str]
    site: Path
    #: Whether site/ was replaced (with the root files written again), even with no locale built.
    replaced: bool = True


def locale_config(project: Project, loaded: LoadedPolicy, locale: str, pages: list[Page],
                  extras: dict[str, Any]) -> dict[str, Any]:
    """The MkDocs config of one locale; everything shared stays in the root mkdocs.yml.

    The site name and nav titles go through ``escape_theme_text``: the theme prints them
    as HTML. ``extras`` (``extra.legalgen``) stay plain text; the overrides escape them.
    The Markdown safety extension is added to the inherited ``markdown_extensions``.
    """
    site = loaded.policy.site
    configs = project.configs
    home = next(page for page in pages if page.path.as_posix() == "index.md")
    nav: list[Any] = [{escape_theme_text(home.title): "index.md"}]
    nav += [{escape_theme_text(page.title): page.path.as_posix()} for page in pages
            if len(page.path.parts) == 2 and page.path.name == "index.md"]
    return {
        "INHERIT": os.path.relpath(project.base_config, configs),
        "site_name": escape_theme_text(site.name_in(locale)),
        "site_url": f"{site.base_url}{locale}/",
        "docs_dir": os.path.relpath(project.docs / locale, configs),
        "site_dir": _relative(project.site / locale, project),
        # No web fonts: Material would load them from a third-party service, which sees
        # every visitor's IP address; the theme falls back to the system fonts.
        "theme": {"language": locale, "font": False, **_theme_paths(project)},
        "plugins": [{"search": {"lang": locale}}],
        "markdown_extensions": locale_markdown_extensions(
            project.base_config, permalink_title=Formatter.for_locale(locale).gettext("Permanent link"),
            root=project.root),
        "extra_css": [STYLESHEET.as_posix()],
        "nav": nav,
        "extra": {
            "generator": False,
            "alternate": [
                {"name": language_name(other), "link": f"../{other}/", "lang": other} for other in site.locales
            ],
            "legalgen": {
                "locale": locale,
                "base_url": site.base_url,
                "default_locale": site.default_locale,
                **extras,
            },
        },
    }


def _theme_paths(project: Project) -> dict[str, str]:
    """The base config's ``theme.custom_dir`` seen from a config outside the project root (a
    brand's): the engines read a relative path from the inheriting config's folder."""
    if project.configs == project.root or not project.base_config.is_file():
        return {}
    try:
        custom = _custom_dir(project)
    except FileNotFoundError:
        return {}
    if custom is None or Path(custom).is_absolute():
        return {}
    return {"custom_dir": os.path.relpath(project.root / custom, project.configs)}


#: The base config and the configs it inherits from, nearest first, each with its settings.
Chain = list[tuple[Path, dict[str, Any]]]


def _configs(project: Project) -> Chain:
    """The base config and the configs it inherits from, nearest first (see
    :func:`~legalgen.site.config.config_chain`)."""
    return config_chain(project.base_config, project.root)


def _custom_dir(project: Project, chain: Chain | None = None) -> str | None:
    """``theme.custom_dir`` as the base config, or a config it inherits from (``chain``, read
    when not given), writes it, if one names it. :class:`BuildError` when it is written with a
    tag (``!ENV``): legalgen checks the theme folder before the engine runs, and cannot know
    what the engine will read."""
    where, theme = merged_setting(chain or _configs(project), "theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    if isinstance(theme, Tagged) or isinstance(custom, Tagged):
        raise BuildError(f"{where}: write theme.custom_dir as a plain path: legalgen checks what the theme folder "
                         "holds before the site is built, and cannot resolve a tag such as !ENV")
    return custom if isinstance(custom, str) else None  # anything else: MkDocs reports it


def _refuse_file_urls(project: Project) -> None:
    """Refuse a base config (or one it inherits from) that turns ``use_directory_urls`` off:
    every link legalgen writes (language switcher, history and permalinks, feeds, sitemap,
    notices.json, e-mails) names a page by its folder, ``privacy/v2/``, and would lead nowhere
    on such a site."""
    try:
        where, value = merged_setting(_configs(project), "use_directory_urls")
    except FileNotFoundError:
        return
    if where is not None and value is not True:
        shown = str(value).lower() if isinstance(value, bool) or value is None else str(value)
        raise BuildError(f"{where}: use_directory_urls: {shown} is not supported: every link legalgen "
                         "writes (language switcher, versions, feeds, sitemap, notices.json, e-mails) names a page "
                         "by its folder (privacy/v2/); remove the setting or set it to true")


def sources_digest(project: Project, engine: str) -> str | None:
    """:func:`~legalgen.site.manifest.inputs_digest` of the project as it is now; None without a
    base config, or with one the build refuses (the build reports why, after the site folder
    itself is checked)."""
    if not project.base_config.is_file():
        return None
    try:
        chain = _configs(project)
        return manifest.inputs_digest(project, engine, _theme_folder(project, chain), [path for path, _ in chain[1:]])
    except (BuildError, OSError, RuntimeError, ValueError):
        return None  # the build says why


def _volatile(chain: Chain, engine: str = "mkdocs") -> bool:
    """Whether the configs name what a hash of their bytes cannot vouch for: a value written
    with a tag (``!ENV`` reads the environment), ``hooks`` or ``plugins`` (Python code the
    engine runs, which may read any file), or a Markdown extension not known to depend on the
    page's text alone (``pymdownx.snippets`` reads other files)."""
    from legalgen.site.converted import PURE_EXTENSIONS

    if any("hooks" in data or "plugins" in data or holds_tag(data) for _, data in chain):
        return True
    if engine == "mkdocs":
        _, merged = merged_setting(chain, "markdown_extensions")
        every = [merged]
    else:  # Zensical appends inherited lists: every config's extensions count
        every = [data.get("markdown_extensions") for _, data in chain]
    items = [item for extensions in every for item in (
        extensions if isinstance(extensions, list) else list(extensions) if isinstance(extensions, dict) else [])]
    names = [next(iter(item), None) if isinstance(item, dict) else item for item in items]
    return any(not isinstance(name, str) or name.removeprefix("markdown.extensions.") not in PURE_EXTENSIONS
               for name in names)


def _relative(path: Path, project: Project) -> str:
    """``path`` relative to the folder of the generated configs when it lies below the project
    root, else absolute."""
    return os.path.relpath(path, project.configs) if path.is_relative_to(project.root) else path.as_posix()


def _dump_yaml(data: dict[str, Any]) -> str:
    """The generated config as YAML that MkDocs reads back to ``data``: written by PyYAML,
    the parser MkDocs reads it with (YAML 1.1), so that titles like ``yes`` or ``1:20`` stay
    strings and every character, line separators included, comes back as it was.

    Lines are never folded (a folded long key is invalid YAML).
    """
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(data, Dumper=dumper, allow_unicode=True, default_flow_style=False, sort_keys=False,
                     width=2**31 - 1, version=(1, 1), explicit_start=True)
    return GENERATED_HEADER + text


def render_sources(project: Project, loaded: LoadedPolicy, history: History, as_of: dt.date, *,
                   lock_timeout: float | None = None) -> WriteReport:
    """Write the Markdown tree and one MkDocs config per locale; only changed files are written.

    Unsafe output folders are refused before anything is written
    (:class:`~legalgen.diagnostics.UnsafeOutputError`, see :meth:`Project.check_outputs`),
    and the project's lock is held while writing (see :func:`build_site`).
    """
    locales = [str(locale) for locale in loaded.policy.site.locales]
    with _exclusive(project, locales, site=False, lock_timeout=lock_timeout, progress=lambda message: None):
        return _render_sources(project, take_snapshot(loaded, history, as_of))


def _render_sources(project: Project, snapshot: Snapshot,
                    written: Callable[[str, Mapping[PurePosixPath, str | bytes], str], None] | None = None,
                    progress: Progress = lambda message: None) -> WriteReport:
    """:func:`render_sources` once the outputs are checked and the lock is held.

    Locales are written one after another; ``written(locale, tree, config)`` is called as
    soon as a locale's Markdown tree (only what changed, without files of removed pages) and
    its config are on disk, so that its build can start while the next locale renders. At
    the end, what belongs to no locale is removed. Every locale's catalog is loaded before
    anything is written, so that an incomplete catalog
    (:class:`~legalgen.diagnostics.TranslationError`) leaves the tree as it was.
    """
    loaded = snapshot.loaded
    _refuse_file_urls(project)
    renderers = [LocaleRenderer(loaded, locale) for locale in map(str, loaded.policy.site.locales)]
    stylesheet = (Path(__file__).parent.parent / "assets" / STYLESHEET.name).read_bytes()
    report = WriteReport()
    with _os_errors("cannot write the Markdown tree"):
        mark_output(project.docs)
    kept: list[PurePosixPath] = []
    for renderer in renderers:
        locale = renderer.locale
        shown = snapshot.in_locale(locale)
        pages = locale_pages(shown, renderer)
        tree: dict[PurePosixPath, str | bytes] = {page.path: page.text for page in pages}
        tree[STYLESHEET] = stylesheet
        for path, data in {**feeds(shown, renderer), **version_files(shown, renderer, progress)}.items():
            tree[path.relative_to(locale)] = data
        config = _dump_yaml(locale_config(project, loaded, locale, pages, theme_extras(shown, renderer)))
        with _os_errors("cannot write the Markdown tree"):
            locale_report = write_tree(project.docs / locale, tree)
            config_written = write_file(project.locale_config(locale), config)
        report.written += [f"{locale}/{name}" for name in locale_report.written]
        report.unchanged += [f"{locale}/{name}" for name in locale_report.unchanged]
        report.removed += [f"{locale}/{name}" for name in locale_report.removed]
        (report.written if config_written else report.unchanged).append(project.locale_config(locale).name)
        kept += [PurePosixPath(locale) / relative for relative in tree]
        if written is not None:
            written(locale, tree, config)
    with _os_errors("cannot write the Markdown tree"):
        report.removed += prune_tree(project.docs, kept)
        for stale in project.stale_configs([renderer.locale for renderer in renderers]):
            remove_file(stale)
            report.removed.append(stale.name)
    return report


def _build_with_mkdocs(config_file: str, site_dir: str) -> str:
    """Build one locale with MkDocs in this process; return the warnings it logged."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from legalgen.site.converted import kept_conversions

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        config = load_config(config_file=config_file, site_dir=site_dir, strict=True)
        _share_theme_work(config)
        with kept_conversions(config):
            build(config)
    except (MkDocsException, SystemExit) as error:
        raise BuildError(f"{config_file}: {error}\n{stream.getvalue()}".strip()) from None
    except Exception as error:  # noqa: BLE001 - MkDocs fails on some configs with plain Python errors
        raise BuildError(f"{config_file}: MkDocs cannot build it ({type(error).__name__}: {error}); check "
                         f"mkdocs.yml\n{stream.getvalue()}".strip()) from None
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def _share_theme_work(config: Any) -> None:
    """Let MkDocs reuse, across the locales and brands this process builds, what does not change.

    - The theme's compiled templates go to a bytecode cache (the legalgen cache folder when
      there is one, else this process's memory); Jinja keys each by the template's source,
      so an edited override is compiled again.
    - The theme's files are listed without hidden folders, which MkDocs would skip one file
      at a time (Material keeps thousands of icons in ``.icons``), and an installed theme's
      listing is read once per process; folders of the project, like overrides/, are listed
      on every build.

    And legalgen's own overrides (those ``legalgen init`` writes) come right after the
    project's: a template the project's overrides/ lacks, say one that a later legalgen
    added, is legalgen's rather than the theme's.
    """
    theme = config.theme
    ours = str(skeleton() / "overrides")
    if ours not in theme.dirs:
        theme.dirs.insert(1 if theme.custom_dir else 0, ours)
    make_environment = theme.get_env

    def get_env() -> jinja2.Environment:
        env: jinja2.Environment = make_environment()
        env.bytecode_cache = _theme_bytecode()
        loader = env.loader
        if isinstance(loader, jinja2.FileSystemLoader):
            searchpath, followlinks = list(loader.searchpath), loader.followlinks
            loader.list_templates = lambda: _list_templates(searchpath, followlinks)  # type: ignore[method-assign]
        return env

    theme.get_env = get_env


@functools.cache
def _theme_bytecode() -> jinja2.BytecodeCache:
    return disk_bytecode_cache() or BYTECODE


def _list_templates(searchpath: list[str], followlinks: bool) -> list[str]:
    """What ``FileSystemLoader.list_templates`` returns, with installed theme folders listed once."""
    found: set[str] = set()
    for folder in searchpath:
        found.update(_installed_listing(folder, followlinks) if _is_installed(folder)
                     else _listing(folder, followlinks))
    return sorted(found)


def _is_installed(folder: str) -> bool:
    """Whether ``folder`` belongs to an installed package (a theme), not to a project."""
    return any(Path(folder).is_relative_to(path) for path in sys.path if path.endswith("-packages"))


@functools.cache
def _installed_listing(folder: str, followlinks: bool) -> frozenset[str]:
    return frozenset(_listing(folder, followlinks))


def _listing(folder: str, followlinks: bool) -> list[str]:
    """The files below ``folder``, without hidden folders: MkDocs copies nothing from them (it
    skips ``.*`` and ``*/.*``), and Material keeps its thousands of icons in one."""
    found = []
    for directory, folders, names in os.walk(folder, followlinks=followlinks):
        folders[:] = [name for name in folders if not name.startswith(".")]
        relative = os.path.relpath(directory, folder)
        prefix = "" if relative == "." else relative.replace(os.path.sep, "/") + "/"
        found += [prefix + name for name in names]
    return found


def _build_with_zensical(project: Project, locale: str, site_dir: Path) -> None:
    """Build one locale with Zensical into ``site_dir``, which must lie below the project root.

    Zensical has no --site-dir option and builds into the ``site_dir`` of its config, so a
    temporary config next to the generated one INHERITs it and sets ``site_dir`` (Zensical
    merges an INHERITed config like MkDocs does); it is removed afterwards.
    """
    config = project.staging_config(locale)
    generated = project.locale_config(locale)
    write_file(config, _dump_yaml({"INHERIT": generated.name, "site_dir": os.path.relpath(site_dir, config.parent)}))
    try:
        command = [sys.executable, "-m", "zensical", "build", "-f", str(config)]
        result = subprocess.run(command, cwd=project.root, capture_output=True, text=True, check=False)
    finally:
        remove_file(config)
    if result.returncode != 0:
        raise BuildError(f"zensical build of {generated.name} failed:\n{result.stdout}{result.stderr}")


class _Builds:
    """The engine's builds of the locales of one site build, each into ``staging/<locale>``.

    A locale is handed over (:meth:`start`) as soon as its pages are written. With MkDocs,
    worker processes build locales in parallel while the next locale renders; by default
    every locale gets its own process, up to twice the number of CPUs: the locales take
    about the same time, so three locales on two cores finish together instead of the third
    starting after the first two. With one worker, or with Zensical, a locale is built at
    once in this process (whose imports and theme caches then serve every locale).

    The first failing locale stops the build; :meth:`stop` kills the worker processes at
    once (on any error, Ctrl-C or SIGTERM), :meth:`close` removes the staging folder. ``lock``
    is the project lock's descriptor, which the forked workers close (see :func:`worker_init`).
    """

    def __init__(self, project: Project, engine: Engine, jobs: int | None, locales: int, progress: Progress,
                 lock: int) -> None:
        self.project, self.engine, self.progress, self.lock = project, engine, progress, lock
        self.workers = 1 if engine == "zensical" else max(1, min(jobs or 2 * (os.cpu_count() or 1), locales))
        self.started: list[str] = []
        self._staging: Path | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[Future[str], str] = {}

    def staging(self) -> Path:
        """The staging folder next to ``site/``, created on first use."""
        if self._staging is None:
            self._staging = create_staging(self.project.site)
        return self._staging

    def start(self, locale: str) -> None:
        """Build ``locale`` (in a worker process when there are several)."""
        self.started.append(locale)
        target = self.staging() / locale
        config = str(self.project.locale_config(locale))
        if self.engine == "zensical":
            self.progress(f"building {locale} with zensical")
            _build_with_zensical(self.project, locale, target)
        elif self.workers == 1:
            self._built(locale, _build_with_mkdocs(config, str(target)))
        else:
            if self._pool is None:
                from concurrent.futures import ProcessPoolExecutor

                preload_engine()
                self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=worker_init,
                                                 initargs=(os.getpid(), self.lock))
            with _signals_held():  # a SIGTERM is handled after the fork, not inside it
                self._futures[self._pool.submit(_build_with_mkdocs, config, str(target))] = locale

    def wait(self) -> None:
        """Wait for every locale handed to a worker; raise the first failure."""
        from concurrent.futures import as_completed

        for future in as_completed(self._futures):
            self._built(self._futures[future], future.result())

    def _built(self, locale: str, warnings: str) -> None:
        self.progress(f"built {locale}" + (f" with warnings:\n{warnings}" if warnings else ""))

    def stop(self) -> None:
        """Kill the worker processes now (see :func:`stop_workers`)."""
        if self._pool is not None:
            stop_workers(self._pool)

    def close(self) -> None:
        """Shut the worker processes down and remove the staging folder."""
        if self._pool is not None:
            try:
                self._pool.shutdown(wait=True, cancel_futures=True)
            except RuntimeError:  # interrupted while the pool was starting its manager thread
                stop_workers(self._pool)
        if self._staging is not None:
            remove_staging(self._staging)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGTERM and SIGINT back while the body runs (where the platform can): a worker
    process forked meanwhile starts with them held, and :func:`worker_init` lets them in."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def preload_engine() -> None:
    """Import MkDocs and Material before worker processes are forked, so that each starts with them."""
    for name in ("mkdocs.commands.build", "mkdocs.config", "material.plugins.search.plugin",
                 "legalgen.site.converted"):
        importlib.import_module(name)


def worker_init(builder: int, lock: int | None) -> None:
    """Set up a forked worker process so that it never outlives or blocks the build.

    SIGTERM ends it (not the builder's handler) and Ctrl-C is the builder's business; it
    closes its copy of the project lock, so that the lock is released when the builder
    dies; on Linux it is killed when the builder dies, even by SIGKILL.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # forked while the builder held them (see _signals_held)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    if lock is not None:
        os.close(lock)
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != builder:  # the builder died before the line above
        os._exit(1)
    gc.freeze()  # what the builder had made is never garbage here: the collector leaves it alone


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the worker processes of ``pool`` now instead of waiting for their builds (they
    only write into the staging folder, which is removed anyway)."""
    processes = list((pool._processes or {}).values())
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=10)


@contextmanager
def _sigterm_exits() -> Iterator[Callable[[], None]]:
    """While the body runs in the main thread, SIGTERM raises ``SystemExit(143)``.

    The build then unwinds like on Ctrl-C, so its cleanup runs (staging folder, worker
    processes, lock). A second SIGTERM is ignored during that cleanup; the previous handler
    is restored afterwards. A SIGTERM the process ignores stays ignored. A worker process
    forked meanwhile dies of SIGTERM as usual.

    Python drops an exception raised where it cannot propagate (a SIGTERM that arrives while
    the process forks a worker lands in a fork hook), so the body gets a function that raises
    ``SystemExit`` again if a SIGTERM was received: the build calls it before it replaces
    ``site/``, so that an interrupted build never installs its result.
    """
    received: list[int] = []

    def stop_if_terminated() -> None:
        if received:
            raise SystemExit(128 + received[0])

    if threading.current_thread() is not threading.main_thread():
        yield stop_if_terminated
        return
    builder = os.getpid()

    def terminate(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != builder:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        received.append(signum)
        raise SystemExit(128 + signum)

    previous = signal.getsignal(signal.SIGTERM)
    if previous == signal.SIG_IGN:
        yield stop_if_terminated
        return
    signal.signal(signal.SIGTERM, terminate)
    try:
        yield stop_if_terminated
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


@contextmanager
def _exclusive(project: Project, locales: list[str], *, site: bool, lock_timeout: float | None,
               progress: Progress) -> Iterator[int]:
    """Check the outputs, then hold the project's lock (yield its descriptor); check again
    once it is held, since another build may have changed the folders while this one waited."""
    project.check_outputs(locales, site=site)
    with _os_errors("cannot create the folder of the generated configs"):
        project.configs.mkdir(parents=True, exist_ok=True)  # a brand's, below .legalgen/

    def waiting() -> None:
        progress(f"waiting for another legalgen build or render of this project ({project.lock_file})")

    with exclusive_lock(project.lock_file, lock_wait(lock_timeout), waiting) as lock:
        project.check_outputs(locales, site=site)
        yield lock


@contextmanager
def _os_errors(action: str) -> Iterator[None]:
    """Turn a file-system error into a :class:`BuildError` a user can act on."""
    try:
        yield
    except OSError as error:
        where = f": {error.filename}" if error.filename else ""
        raise BuildError(f"{action}: {error.strerror or error}{where}") from None


def build_site(
    project: Project,
    loaded: LoadedPolicy,
    history: History,
    as_of: dt.date,
    *,
    engine: Engine = "mkdocs",
    jobs: int | None = None,
    progress: Progress = lambda message: None,
    lock_timeout: float | None = None,
    force: bool = False,
    digest_before: str | None = None,
) -> BuildReport:
    """Render the sources, build every locale in parallel and install the result in ``site/``.

    - Unsafe output folders are refused before anything is written
      (:class:`~legalgen.diagnostics.UnsafeOutputError`, see :meth:`Project.check_outputs`).
    - One build or render of a project runs at a time: each holds an exclusive lock on
      ``<root>/.legalgen.lock`` and waits up to ``lock_timeout`` seconds (default
      ``LEGALGEN_LOCK_TIMEOUT``, else 300) for another, then raises :class:`BuildError`.
    - What an interrupted build left next to ``site/`` is recovered first
      (:func:`~legalgen.writer.recover_site`).
    - Every locale is built into a marked staging folder next to ``site/``, which then
      replaces ``site/`` in one step (:func:`~legalgen.writer.swap_in`); on any error,
      Ctrl-C or SIGTERM the staging folder and the worker processes are removed and the
      previous site stays as it was.
    - A locale whose inputs did not change since the last build (see :mod:`legalgen.site.manifest`)
      is kept from the current site instead of built again; when nothing changed, ``site/``
      is left as it is (only its manifest is updated when the sources changed in a way that
      changes no page, e.g. a new as-of date). ``force`` builds everything.
    - The manifest records the hash of the sources (so that the next build can stop before
      reading them) only when they hash the same before and after the build: ``digest_before``
      is :func:`~legalgen.site.manifest.inputs_digest` as the caller took it before reading
      the source (else it is taken when the build starts). An edit saved during a build is
      built by the next one.
    """
    if not project.base_config.is_file():
        raise BuildError(f"no base config at {project.base_config}; see the README to start a project")
    if engine == "zensical" and not project.site.is_relative_to(project.root):
        raise BuildError(f"zensical builds only into a folder below the project root {project.root}; "
                         f"choose a --site-dir below it or build with --engine mkdocs")
    locales = [str(locale) for locale in loaded.policy.site.locales]
    project.check_outputs(locales, site=True)  # an unsafe --site-dir is named as such, before the theme is looked at
    chain = _configs(project)
    theme = _theme_folder(project, chain)
    _refuse_links_out(theme, project.root)
    for note in superseded_notes(theme, engine):
        progress(f"note: {note}")
    inherited = [path for path, _ in chain[1:]]
    volatile = _volatile(chain, engine)
    if digest_before is None:
        digest_before = manifest.inputs_digest(project, engine, theme, inherited)
    with _sigterm_exits() as stop_if_terminated, _exclusive(project, locales, site=True, lock_timeout=lock_timeout,
                                                            progress=progress) as lock:
        for line in recover_site(project.site):
            progress(line)
        snapshot = take_snapshot(loaded, history, as_of)
        previous = manifest.stored(project.site) if is_legalgen_output(project.site) and not force else {}
        built = manifest.outputs(project.site, locales) if previous else {}  # as the site is now
        shared = manifest.shared_inputs(project, engine, theme, inherited)
        if volatile:  # !ENV values and hooks: what they give is not in any file legalgen hashes
            shared.update(os.urandom(16))
        inputs: dict[str, str] = {}
        pages: dict[str, list[PurePosixPath]] = {}
        builds = _Builds(project, engine, jobs, len(locales), progress, lock)

        def unchanged(key: str) -> bool:
            return key in built and previous.get(key) == built[key]

        def written(locale: str, tree: Mapping[PurePosixPath, str | bytes], config: str) -> None:
            inputs[locale] = manifest.locale_input(shared, tree, config)
            pages[locale] = [path for path in tree if path.suffix == ".md"]
            if previous.get(locale) != inputs[locale] or not unchanged(f"{manifest.OUTPUT}/{locale}"):
                builds.start(locale)
                stop_if_terminated()

        try:
            report = _render_sources(project, snapshot, written, progress)
            progress(f"rendered {len(report.written)} changed file(s), {len(report.unchanged)} unchanged")
            root_files = _root_files(snapshot)
            inputs[manifest.ROOT] = manifest.root_input(root_files)

            def recorded() -> dict[str, str]:
                """What the manifest says the build was made from, the source key only when the
                sources hash now (every engine build done) as they did before they were read."""
                after = manifest.inputs_digest(project, engine, theme, inherited)
                key = manifest.dated(after, as_of) if after == digest_before and not volatile else None
                return {**({manifest.SOURCE: key} if key else {}), manifest.TIMEZONE: loaded.policy.site.timezone,
                        manifest.THEME: os.path.relpath(theme, project.root),
                        manifest.CONFIGS: "\n".join(os.path.relpath(path, project.root) for path in inherited)}

            meta = (manifest.SOURCE, manifest.TIMEZONE, manifest.THEME, manifest.CONFIGS)
            kept = {k: v for k, v in previous.items() if k not in meta and not k.startswith(manifest.OUTPUT)}
            if not builds.started and kept == inputs and unchanged(f"{manifest.OUTPUT}/"):
                progress("nothing changed since the last build: site/ is left as it is")
                sources = recorded()
                if {k: v for k, v in previous.items() if k in meta} != sources:  # e.g. a new day, same pages
                    with _os_errors("cannot update the build manifest"):
                        write_file(project.site / manifest.FILE, manifest.text({**inputs, **sources, **built}))
                return BuildReport(report, [], project.site, replaced=False)
            with _os_errors("cannot build the site"):
                staging = builds.staging()
                for locale in locales:
                    if locale not in builds.started:
                        progress(f"{locale} unchanged: kept from the current site")
                        shutil.copytree(project.site / locale, staging / locale, symlinks=True)
                builds.wait()
                for locale in builds.started:
                    _refuse_missing_banners(staging / locale, pages[locale], _promised_banners(snapshot, locale),
                                            project, theme)
                for name, data in root_files.items():
                    write_file(staging / name, data)
                _write_hosting(staging, loaded)
                write_file(staging / manifest.FILE,
                           manifest.text({**inputs, **recorded(), **manifest.outputs(staging, locales)}))
            stop_if_terminated()
            swap_in(staging, project.site)
        except BaseException:
            builds.stop()
            raise
        finally:
            builds.close()
    return BuildReport(report, builds.started, project.site)


def _theme_folder(project: Project, chain: Chain | None = None) -> Path:
    """The base config's ``theme.custom_dir`` (``overrides/`` when it names none), which the
    engine publishes file by file; a :class:`BuildError` when it lies outside the project."""
    custom = _custom_dir(project, chain)
    if custom is None:
        return project.root / "overrides"
    folder = project.base_config.parent / custom
    try:
        resolved = folder.resolve()
    except (OSError, RuntimeError, ValueError) as error:  # a link loop, a name the system refuses
        raise BuildError(f"{project.base_config}: theme.custom_dir {custom!r} cannot be followed: "
                         f"{getattr(error, 'strerror', None) or error}") from None
    if not resolved.is_relative_to(project.root.resolve()):
        raise BuildError(f"{project.base_config}: theme.custom_dir {custom!r} lies outside the project "
                         f"{project.root.resolve()}, and the site would publish what it holds; keep the theme's "
                         "overrides in a folder of the project")
    holds = [name for name, path in (("the project", project.root), ("the source", project.source),
                                     ("site/", project.site), ("docs/", project.docs), ("mkdocs.yml", project.base_config))
             if path.resolve().is_relative_to(resolved)]
    if holds:
        raise BuildError(f"{project.base_config}: theme.custom_dir {custom!r} holds {holds[0]}, and the site would "
                         "publish it with every file the theme folder has; keep the theme's overrides in a folder of "
                         "their own, such as overrides/")
    return folder


def _refuse_links_out(folder: Path, root: Path) -> None:
    """Refuse a link in ``folder`` (overrides/) that leads out of the project: the engine would
    publish what it points at (``overrides/x.txt -> /etc/passwd`` would become a page)."""
    inside = root.resolve()
    for directory, folders, names in os.walk(folder):  # links to folders are listed, not entered
        for name in (*folders, *names):
            path = Path(directory, name)
            if not path.is_symlink():
                continue
            try:
                target = path.resolve()
            except (OSError, RuntimeError, ValueError):
                raise BuildError(f"{path} is a link that cannot be followed (a loop?); remove it") from None
            if not target.is_relative_to(inside):
                raise BuildError(f"{path} links to {target}, outside the project {inside}: the site would "
                                 "publish it; copy what it should show into the project instead")


def _promised_banners(snapshot: Snapshot, locale: str) -> dict[str, str]:
    """The banner id of each open material notice in ``locale`` whose document, as its page
    shows it, says that changes are announced on a banner, with the document's key."""
    shown = snapshot.in_locale(locale)
    promised = {}
    for notice in shown.notices:
        changes = shown.state(notice.kind).shown.changes
        if notice.material and changes is not None and Channel.BANNER in changes.channels:
            promised[banner_id(notice)] = notice.kind
    return promised


def _refuse_missing_banners(folder: Path, pages: list[PurePosixPath], promised: Mapping[str, str],
                            project: Project, theme: Path) -> None:
    """:class:`BuildError` when a built page of ``folder`` (one locale) lacks the banner of a
    notice its document promises (see :func:`_promised_banners`): a theme whose templates
    leave the notices out of the ``announce`` block would publish a site that announces
    nothing while its texts say it does.

    The banner is found by its mark, the ``data-notice`` attribute legalgen's ``main.html``
    writes (in any quoting, as a minifier may leave it); the check cannot tell whether a
    stylesheet or script of the project hides it."""
    if not promised:
        return
    marks = {notice: re.compile(rb"""data-notice\s*=\s*["']?""" + re.escape(notice.encode()) + rb"""(?=["'\s>])""")
             for notice in promised}
    for page in pages:
        built = folder / (page.parent if page.name == "index.md" else page.with_suffix("")) / "index.html"
        try:
            text = built.read_bytes()
        except FileNotFoundError:
            continue  # a page the engine did not build (its own report names it)
        for notice, mark in marks.items():
            if not mark.search(text):
                main = os.path.relpath(theme / "main.html", project.root)
                raise BuildError(f"{folder.name}/{built.relative_to(folder).as_posix()} does not show the banner "
                                 f"of the notice {notice}, which the {promised[notice]} text promises "
                                 f"(changes.channels: banner): the theme ({main} and the templates it extends) "
                                 "does not print config.extra.legalgen.notices in its announce block; take that "
                                 "block from the main.html `legalgen init` writes in an empty folder, or, if the "
                                 "site does not announce changes on a banner, remove banner from changes.channels")


def _write_hosting(site_dir: Path, loaded: LoadedPolicy) -> None:
    """sitemap.xml with every page's alternates in the other locales, and robots.txt."""
    from legalgen.site.hosting import robots_txt, sitemap_xml

    site = loaded.policy.site
    write_file(site_dir / "sitemap.xml", sitemap_xml(site_dir, site.base_url, list(site.locales), site.default_locale))
    write_file(site_dir / "robots.txt", robots_txt(site.base_url))


def _root_files(snapshot: Snapshot) -> dict[str, bytes]:
    """The root page that links every language (and, like every page, the site's policies and
    policy.json in its head), the root 404 page, for apps notices.json and
    policy.json, the well-known URLs of the policies, and the embeddable current texts."""
    from legalgen.export import index
    from legalgen.export.discovery import head_links, well_known_files
    from legalgen.export.embed import embed_files

    files: dict[str, bytes] = {"notices.json": notices_json(snapshot).encode("utf-8"),
                               index.FILE: index.policy_json(snapshot), **well_known_files(snapshot),
                               **embed_files(snapshot)}
    site = snapshot.loaded.policy.site
    env = jinja2.Environment(loader=TEMPLATES, autoescape=True, undefined=jinja2.StrictUndefined)
    html = env.get_template("root.html.j2").render(
        site=site,
        languages=[(locale, language_name(locale)) for locale in site.locales],
        links=head_links(snapshot, str(site.default_locale)),
    )
    files["index.html"] = html.encode("utf-8")
    languages = [{"locale": locale, **not_found_texts(Formatter.for_locale(locale))}
                 for locale in [site.default_locale, *(other for other in site.locales if other != site.default_locale)]]
    not_found = env.get_template("not_found.html.j2").render(
        site=site, languages=languages, root=urlsplit(site.base_url).path)
    files["404.html"] = not_found.encode("utf-8")
    return files
