"""`legalgen serve`: build, serve on 127.0.0.1, rebuild on changes, keep the last good site."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.cli import main
from legalgen.site.serve import BUILD_PATH

from ..browsing import free_port

pytestmark = pytest.mark.slow

OPTIONS = ["--company", "Preview GmbH", "--country", "AT", "--email", "hello@preview.example", "--service",
           "Preview", "--url", "https://legal.preview.example/", "--locales", "en", "--documents", "privacy,imprint"]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # 127.0.0.1 only
        return str(response.read().decode("utf-8"))


def _until(condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Path, str, Path]]:
    project = tmp_path / "project"
    assert CliRunner().invoke(main, ["init", str(project), *OPTIONS]).exit_code == 0
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "legalgen", "serve", "--port", str(port), "--root",
                                    str(project)], stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env={**os.environ, "SOURCE_DATE_EPOCH": "1795521600"})
        try:
            _until(lambda: "serving on" in log.read_text(), "the server")
            yield project, f"http://127.0.0.1:{port}", log
        finally:
            process.send_signal(signal.SIGTERM)  # CI runs tests as background jobs, which ignore SIGINT
            assert process.wait(timeout=30) == 0
    assert not list(project.glob(".legalgen-serve-*"))  # the temporary build folder is gone


def test_serves_rebuilds_and_keeps_the_last_good_site(preview: tuple[Path, str, Path]) -> None:
    project, url, log = preview
    page = _get(f"{url}/en/privacy/")
    assert "Privacy policy" in page and BUILD_PATH in page
    assert _get(url + BUILD_PATH) == "1"
    privacy = project / "policy" / "privacy.yaml"
    privacy.write_text(privacy.read_text(encoding="utf-8") + "intro: {en: A sentence written for the preview.}\n",
                       encoding="utf-8")
    _until(lambda: _get(url + BUILD_PATH) == "2", "the rebuild")
    assert "A sentence written for the preview." in _get(f"{url}/en/privacy/")
    privacy.write_text(privacy.read_text(encoding="utf-8") + "purposes: [\n", encoding="utf-8")
    _until(lambda: "still serving the last good site" in log.read_text(), "the error")
    assert "policy/privacy.yaml:" in log.read_text() and " error S001 " in log.read_text()
    assert _get(url + BUILD_PATH) == "2"
    assert "A sentence written for the preview." in _get(f"{url}/en/privacy/")  # the last good site
    privacy.write_text(privacy.read_text(encoding="utf-8").replace("purposes: [\n", ""), encoding="utf-8")
    _until(lambda: _get(url + BUILD_PATH) == "3", "the rebuild after the fix")


@pytest.mark.browser
def test_open_pages_reload_themselves(preview: tuple[Path, str, Path], browser) -> None:  # type: ignore[no-untyped-def]
    project, url, _ = preview
    page = browser.new_page()
    page.goto(f"{url}/en/imprint/")
    site = project / "policy" / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("Preview GmbH", "Preview Renamed GmbH"), encoding="utf-8")
    page.wait_for_function("document.body.innerText.includes('Preview Renamed GmbH')", timeout=90_000)
    page.close()


def test_serve_needs_a_project(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--root", str(tmp_path)])
    assert result.exit_code == 2 and "run `legalgen init` first" in result.output


def test_an_edit_made_during_a_build_is_built_afterwards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview remembers the files as they were when a build started, so an edit saved
    while the build runs starts another build instead of being taken as already built."""
    import threading

    from legalgen.site import serve as serve_module

    from ..conftest import copy_project

    project = copy_project(tmp_path)
    builds: list[float] = []
    stop = threading.Event()

    def rebuild(self: serve_module.Preview) -> bool:
        builds.append(time.monotonic())
        if len(builds) == 1:  # an editor saves while the first build runs
            site = project.source / "site.yaml"
            site.write_text(site.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
        elif len(builds) == 2:
            stop.set()
        return True

    monkeypatch.setattr(serve_module.Preview, "rebuild", rebuild)
    runner = threading.Thread(target=serve_module.serve, args=(project.root, None),
                              kwargs={"port": free_port(), "as_of": None, "engine": "mkdocs",
                                      "say": lambda message: None, "stop": stop, "interval": 0.05})
    runner.start()
    runner.join(timeout=20)
    stop.set()
    runner.join(timeout=10)
    assert len(builds) == 2


@pytest.mark.parametrize("path", ["/en/%00", "/%00/index.html", "/en/privacy%00.html", "/en/%00/"])
def test_a_path_with_a_nul_byte_is_not_found(tmp_path: Path, path: str) -> None:
    """The handler answers every request; a NUL byte, which no file name holds, is a 404, not a
    dropped connection."""
    import http.client
    import threading

    from legalgen.site.serve import Preview, _handler, _Server

    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "index.html").write_text("<body>home</body>", encoding="utf-8")
    server = _Server(("127.0.0.1", 0), _handler(Preview.__new__(Preview), tmp_path))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        connection.request("GET", path)
        assert connection.getresponse().status == 404
        connection.request("GET", "/en/")  # the same connection still serves
        response = connection.getresponse()
        assert response.status == 200 and b"home" in response.read()
        connection.close()
    finally:
        server.shutdown()
        server.server_close()
