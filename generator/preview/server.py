"""The loopback HTTP server of the preview: the built site, plus a reload script and an error overlay.

The script and the overlay exist only in responses of this server; the built files on disk
are the ones `nianbao build` would write.
"""

from __future__ import annotations

import html
import json
import os
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from generator.preview.state import BuildState, Status

STATUS_PATH = "/__nianbao/status"
HOST = "127.0.0.1"
POLL_MS = 100  # a status request costs little on the loopback; a save shows at most this long after it is served

_SCRIPT = """<script>
(function () {
  var seen = %(version)d;
  var status = "%(path)s?page=" + encodeURIComponent(location.pathname);
  function poll() {
    fetch(status, {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (s) { if (s.version !== seen) { location.reload(); } })
      .catch(function () {})
      .then(function () { setTimeout(poll, %(ms)d); });
  }
  setTimeout(poll, %(ms)d);
})();
</script>
"""

_OVERLAY = """<div id="nianbao-preview-error" role="alert" style="position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;z-index:2147483647;margin:0;padding:1rem 1.25rem;background:#fff4f4;color:#5c0000;border-top:4px solid #b00020;font-size:18px;line-height:1.5">
<p style="margin:0 0 .5rem;font-weight:bold">生成失败，下面是出错的地方；页面显示的是上一次成功生成的内容。改正并保存后会自动刷新。</p>
<pre style="margin:0;white-space:pre-wrap;font-size:16px">%s</pre>
</div>
"""

_NO_SITE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>预览</title></head>
<body><h1>还没有可预览的站点</h1><p>页面不存在，或者内容还没有成功生成过。</p></body></html>
"""


def decorate(page: bytes, status: Status, version: int | None = None) -> bytes:
    """Add the reload script (and the error overlay, when the last build failed) before </body>.

    `version`: the page's own (`Status.of`), which the script compares with the server's."""
    extra = ""
    if status.errors:
        extra += _OVERLAY % html.escape("\n".join(status.errors))
    extra += _SCRIPT % {"version": status.version if version is None else version, "path": STATUS_PATH, "ms": POLL_MS}
    data = extra.encode("utf-8")
    at = page.lower().rfind(b"</body>")
    return page + data if at < 0 else page[:at] + data + page[at:]


class _Handler(SimpleHTTPRequestHandler):
    state: BuildState

    def __init__(self, *args, state: BuildState, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.state = state
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 - the http.server naming
        path, _, query = self.path.partition("?")
        path = path.split("#", 1)[0]
        if path == STATUS_PATH:  # the status as recorded: not kept waiting by a build
            status = self.state.get()
            shown = parse_qs(query).get("page", [""])[0]
            version = status.of(self._site_file(Path(self.translate_path(shown)))) if shown else status.version
            self._send(HTTPStatus.OK, "application/json", json.dumps({"version": version, "errors": list(status.errors)}, ensure_ascii=False).encode("utf-8"))
            return
        with self.state.lock:
            self._get(path)

    def _get(self, path: str) -> None:
        target = Path(self.translate_path(path))
        if target.is_dir():
            if not path.endswith("/"):
                super().do_GET()  # the standard redirect to the folder's URL with a slash
                return
            target = target / "index.html"
        if target.suffix == ".html" or not target.suffix:
            name = self._site_file(target)
            page = self.state.overlaid(name)  # the fast lane's page, newer than the file
            code = HTTPStatus.OK
            if page is None:
                try:
                    page = target.read_bytes()
                except OSError:
                    page, code = _NO_SITE.encode("utf-8"), HTTPStatus.NOT_FOUND
            status = self.state.get()
            self._send(code, "text/html; charset=utf-8", decorate(page, status, status.of(name)))
            return
        super().do_GET()

    def _site_file(self, target: Path) -> str:
        """The site-relative name of a file under the served folder (a folder stands for its index.html)."""
        if target.is_dir():
            target = target / "index.html"
        return os.path.relpath(target, self.directory).replace(os.sep, "/")

    def _send(self, code: int, ctype: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet: the terminal shows builds
        return


def start(out: Path, port: int, state: BuildState) -> ThreadingHTTPServer:
    """Serve `out` on 127.0.0.1:port in a background thread; raises OSError when the port is taken."""
    handler = partial(_Handler, directory=str(out), state=state)
    server = ThreadingHTTPServer((HOST, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="nianbao-preview", daemon=True).start()
    return server
