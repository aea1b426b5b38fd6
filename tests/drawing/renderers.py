"""The real renderers the drawing tests use, found where .ci/install-renderers puts them.

Each finder returns the tool or the reason it is missing, for ``pytest.skip``.
Chromium is driven over the DevTools protocol on a pipe (no network port, no
driver to download): it loads the page as a person's browser would, then the
test reads the page's rendered text and takes a screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

INSTALL = "run .ci/install-renderers"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # the tests may run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def renderers_dir() -> Path:
    configured = os.environ.get("LSTMSHAPE_RENDERERS")
    if configured:
        return Path(configured)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "lstmshape" / "renderers"


def require_dot() -> str:
    dot = shutil.which("dot")
    if dot is None:
        pytest.skip(f"Graphviz's dot is not installed ({INSTALL})")
    return dot


def require_chromium() -> str:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip(f"Chromium is not installed ({INSTALL})")
    return chromium


def require_mermaid() -> Path:
    bundle = renderers_dir() / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    if not bundle.is_file():
        pytest.skip(f"the mermaid npm package is not in {renderers_dir()} ({INSTALL})")
    return bundle


def _above_nine(fd: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


class Browser:
    """One headless Chromium with one page, driven over --remote-debugging-pipe."""

    def __init__(self, chromium: str, width: int = 1400, height: int = 1000) -> None:
        self._profile = tempfile.TemporaryDirectory()
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()
        # Chromium reads the protocol on fd 3 and writes on fd 4; the child's
        # ends move above 9 first, so that moving them onto 3 and 4 cannot
        # overwrite one with the other
        commands_read, replies_write = (_above_nine(fd) for fd in (commands_read, replies_write))
        self._process = subprocess.Popen(
            [
                "bash",  # sh (dash) takes no file descriptor above 9
                "-c",
                f'exec "$0" "$@" 3<&{commands_read} 4>&{replies_write}',
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={self._profile.name}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            pass_fds=(commands_read, replies_write),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands_read)
        os.close(replies_write)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})
        self._session = attached["sessionId"]
        self.send("Page.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

    def __enter__(self) -> Browser:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        with contextlib.suppress(OSError, EOFError, RuntimeError):
            self._send("Browser.close")
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._commands)
        os.close(self._replies)
        self._profile.cleanup()

    def _message(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._replies, 1 << 16)
            if not chunk:
                raise EOFError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        found: dict[str, Any] = json.loads(message)
        return found

    def _send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._message()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply["result"]
                return result
            self._events.append(reply)

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._send(method, params, self._session)

    def _wait_for(self, event: str) -> None:
        for index, seen in enumerate(self._events):
            if seen.get("method") == event:
                del self._events[index]
                return
        while self._message().get("method") != event:
            pass

    def open(self, page: Path) -> None:
        self._events.clear()
        self.send("Page.navigate", {"url": page.resolve().as_uri()})
        self._wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (awaited if a promise)."""
        reply = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in reply:
            raise RuntimeError(f"{expression[:60]}...: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self) -> bytes:
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        return base64.b64decode(data["data"])

    def ink(self, png: bytes) -> tuple[int, int, float]:
        """Width, height and the share of pixels that are not white, of a PNG.

        Decoded by the browser itself on a blank page, which needs no image
        library in the tests.
        """
        self.send("Page.navigate", {"url": "about:blank"})
        self._wait_for("Page.loadEventFired")
        data = base64.b64encode(png).decode()
        found = self.evaluate(
            "new Promise((resolve, reject) => { const image = new Image();"
            "image.onerror = () => reject(new Error('not an image'));"
            "image.onload = () => { const canvas = document.createElement('canvas');"
            "canvas.width = image.width; canvas.height = image.height;"
            "const context = canvas.getContext('2d'); context.drawImage(image, 0, 0);"
            "const pixels = context.getImageData(0, 0, image.width, image.height).data;"
            "let ink = 0; for (let i = 0; i < pixels.length; i += 4) {"
            "if (pixels[i] < 240 || pixels[i + 1] < 240 || pixels[i + 2] < 240) ink++; }"
            "resolve([image.width, image.height, ink / (image.width * image.height)]); };"
            f"image.src = 'data:image/png;base64,{data}'; }})"
        )
        return int(found[0]), int(found[1]), float(found[2])
