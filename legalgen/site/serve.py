"""`legalgen serve`: a live preview on 127.0.0.1 that rebuilds when the source changes.

The site is built into a temporary folder and served from there. Every half second the
preview looks at the source (policy files and released versions), mkdocs.yml, overrides/,
legalgen's templates and the catalogs; when one changed, it rebuilds. A build that fails
prints its diagnostics (``file:line:col: error CODE ...``) and leaves the last good site
in place. Open pages reload themselves after a successful rebuild: the preview server (and
only it) adds a small script to every HTML page it serves that asks ``/__legalgen__/build``
which build is current.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http
import http.server
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from legalgen.diagnostics import LegalgenError, SourceError
from legalgen.project import Project

BUILD_PATH = "/__legalgen__/build"
RELOAD_SCRIPT = f"""<script>
(function () {{
  var current = null;
  function poll() {{
    fetch("{BUILD_PATH}", {{cache: "no-store"}}).then(function (r) {{ return r.text(); }}).then(function (build) {{
      if (current !== null && build !== current) {{ location.reload(); }}
      current = build;
    }}).catch(function () {{}}).finally(function () {{ setTimeout(poll, 1000); }});
  }}
  poll();
}})();
</script>
"""
Printer = Callable[[str], None]


def watched_files(project: Project) -> Iterator[Path]:
    """Every file whose change changes the site."""
    from legalgen import catalog_dir

    templates = Path(__file__).parent.parent / "render" / "templates"
    yield project.base_config
    shared = [(project.base, "*")] if project.base is not None else []  # a brand's base source
    for folder, pattern in ((project.source, "*"), *shared, (project.root / "overrides", "*"),
                            (templates, "*"), (catalog_dir(), "*.po")):
        if folder.is_dir():
            yield from (path for path in folder.rglob(pattern) if path.is_file())


def snapshot(project: Project) -> dict[Path, tuple[int, int]]:
    """Modification time and size of every watched file."""
    state = {}
    for path in watched_files(project):
        with contextlib.suppress(OSError):
            stat = path.stat()
            state[path] = (stat.st_mtime_ns, stat.st_size)
    return state


@dataclass
class Preview:
    """The preview's state: the project, where its site is built, and the current build number."""

    project: Project
    as_of: dt.date | None
    engine: str
    say: Printer
    build: int = 0  # raised by the watching thread only; the server's threads read it

    def rebuild(self) -> bool:
        """Load, check the load, and build; on any error print it and keep the last good site."""
        from legalgen.clock import today
        from legalgen.render.i18n import load_translations
        from legalgen.render.renderer import forget_environments
        from legalgen.site.build import build_site
        from legalgen.source.load import load_policy
        from legalgen.versions.history import load_history

        load_translations.cache_clear()  # a catalog may have changed: new translations, new environments
        forget_environments()
        started = time.monotonic()
        try:
            loaded = load_policy(self.project.source, base=self.project.base)
            history = load_history(loaded)
            date = self.as_of or today(loaded.policy.site.timezone)
            build_site(self.project, loaded, history, date, engine=self.engine)  # type: ignore[arg-type]
        except SourceError as error:
            for diagnostic in error.diagnostics:
                self.say(diagnostic.format())
            self.say(f"{len(error.diagnostics)} problem(s); still serving the last good site")
            return False
        except LegalgenError as error:
            self.say(f"error: {error}; still serving the last good site")
            return False
        self.build += 1
        self.say(f"built as of {date.isoformat()} in {time.monotonic() - started:.1f} s")
        return True


def _handler(preview: Preview, directory: Path) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def send(self, body: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == BUILD_PATH:
                self.send(str(preview.build).encode(), "text/plain")
                return
            requested = self.path.split("?", 1)[0]
            translated = self.translate_path(self.path)
            if "\0" in translated:  # %00: no file has such a name, and the file system refuses to look
                self.send_error(http.HTTPStatus.NOT_FOUND, "File not found")
                return
            path = Path(translated)
            if path.is_dir() and requested.endswith("/"):
                path = path / "index.html"
            if path.suffix == ".html" and path.is_file() and requested.endswith(("/", ".html")):
                html = path.read_text(encoding="utf-8", errors="replace")
                at = html.rfind("</body>")
                page = html[:at] + RELOAD_SCRIPT + html[at:] if at >= 0 else html + RELOAD_SCRIPT
                self.send(page.encode(), "text/html; charset=utf-8")
                return
            super().do_GET()

    return functools.partial(Handler, directory=str(directory))  # type: ignore[return-value]


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a browser that drops a request it no longer needs


def serve(root: Path, source: Path | None, *, port: int, as_of: dt.date | None, engine: str, say: Printer,
          interval: float = 0.5, stop: threading.Event | None = None, brand: str | None = None) -> None:
    """Build, serve on 127.0.0.1:``port`` and rebuild on changes until ``stop`` is set (or
    Ctrl-C); with ``brand``, that brand's site over the base source."""
    stop = stop or threading.Event()
    with tempfile.TemporaryDirectory(prefix=".legalgen-serve-", dir=root) as scratch:
        project = Project.at(root, source=source, site=Path(scratch) / "site")
        if brand is not None:
            project = project.brand(brand, Path(scratch) / "sites")
        preview = Preview(project, as_of, engine, say)
        server = _Server(("127.0.0.1", port), _handler(preview, project.site))  # a port in use fails before the build
        # what the build read is at least this new: an edit made while it runs is seen afterwards
        seen = snapshot(project)
        preview.rebuild()
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        say(f"serving on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)")
        # SIGTERM (a process manager, CI) stops as Ctrl-C does; a background job may ignore SIGINT.
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set()) \
            if threading.current_thread() is threading.main_thread() else None
        try:
            while not stop.wait(interval):
                now = snapshot(project)
                if now != seen:
                    changed = sorted({p for p in now.keys() | seen.keys() if now.get(p) != seen.get(p)})
                    say(f"changed: {', '.join(_shown(p, root) for p in changed[:3])}"
                        + (f" and {len(changed) - 3} more" if len(changed) > 3 else ""))
                    seen = now
                    preview.rebuild()
        except KeyboardInterrupt:
            pass
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
            server.shutdown()
            server.server_close()
            say("stopped")


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


__all__ = ["Preview", "serve", "snapshot", "watched_files"]
