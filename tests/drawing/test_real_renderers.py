"""Each format through the real renderer: Graphviz's dot, Mermaid, and Chromium.

A renderer that is not installed skips its tests with the reason;
.ci/install-renderers installs them all.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.drawing.renderers import Browser, require_chromium, require_dot, require_mermaid
from tests.drawing.specs import (
    HOSTILE,
    HOSTILE_INPUT,
    SHIPPED,
    drawing,
    layer_names,
    reference_count,
    shapes,
)

SVG = "{http://www.w3.org/2000/svg}"


def _groups(svg: str, kind: str) -> list[ElementTree.Element]:
    root = ElementTree.fromstring(svg)
    return [g for g in root.iter(f"{SVG}g") if kind in (g.get("class") or "").split()]


def _layer_nodes(svg: str) -> list[str]:
    return [
        g.get("id") or "" for g in _groups(svg, "node") if (g.get("id") or "").startswith("layer-")
    ]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    return path


@pytest.mark.parametrize("spec", SHIPPED, ids=lambda path: path.stem)
def test_dot_renders_every_shipped_spec(spec: Path) -> None:
    dot = require_dot()
    done = subprocess.run(
        [dot, "-Tsvg"], input=drawing(spec, "dot"), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert len(_layer_nodes(done.stdout)) == len(layer_names(spec))
    assert len(_groups(done.stdout, "edge")) == reference_count(spec)


def test_dot_draws_hostile_text_as_text(hostile: Path) -> None:
    dot = require_dot()
    done = subprocess.run(
        [dot, "-Tsvg"], input=drawing(hostile, "dot"), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    texts = "".join(ElementTree.fromstring(done.stdout).itertext())
    assert HOSTILE_INPUT in texts
    assert "</text><script>alert(1)</script>" in texts


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(require_chromium()) as opened:
        yield opened


_RENDER = """
(async () => {
  const results = [];
  for (const [index, text] of %s.entries()) {
    try {
      await mermaid.parse(text);
      const { svg } = await mermaid.render('drawing' + index, text);
      const root = document.createElement('div');
      root.innerHTML = svg;  // as a page shows it
      document.body.append(root);
      results.push({
        nodes: [...root.querySelectorAll('g.node')].map(node => node.id),
        edges: root.querySelectorAll('path.flowchart-link').length,
        text: root.innerText,
      });
    } catch (error) {
      results.push({ error: String(error && error.message || error) });
    }
  }
  return results;
})()
"""


def _render_mermaid(browser: Browser, tmp_path: Path, texts: list[str]) -> list[dict[str, object]]:
    page = tmp_path / "mermaid.html"
    page.write_text(
        # the bundle is UTF-8: read as Latin-1, Mermaid's entity codes would not decode
        f'<!DOCTYPE html><meta charset="utf-8"><script src="{require_mermaid().as_uri()}"></script>'
        "<script>mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});</script>",
        encoding="utf-8",
    )
    browser.open(page)
    results: list[dict[str, object]] = browser.evaluate(_RENDER % json.dumps(texts))
    return results


def test_real_mermaid_renders_every_shipped_spec(browser: Browser, tmp_path: Path) -> None:
    texts = [drawing(spec, "mermaid") for spec in SHIPPED]
    for spec, result in zip(SHIPPED, _render_mermaid(browser, tmp_path, texts), strict=True):
        assert "error" not in result, (spec.name, result)
        layers = [node for node in result["nodes"] if "-layer_" in str(node)]  # type: ignore[attr-defined]
        assert len(layers) == len(layer_names(spec)), spec.name
        assert result["edges"] == reference_count(spec), spec.name


def test_real_mermaid_reports_a_parse_error(browser: Browser, tmp_path: Path) -> None:
    # the check above can fail: a label that is not closed is an error
    (result,) = _render_mermaid(browser, tmp_path, ['flowchart LR\n    a["x] --> b\n'])
    assert "error" in result


def test_real_mermaid_shows_hostile_text_as_text(
    browser: Browser, tmp_path: Path, hostile: Path
) -> None:
    (result,) = _render_mermaid(browser, tmp_path, [drawing(hostile, "mermaid")])
    assert "error" not in result, result
    assert HOSTILE_INPUT in str(result["text"])
    assert "</text><script>alert(1)</script>" in str(result["text"])


_PAGE_FACTS = """
(() => {
  const svg = document.querySelector('figure svg');
  const frame = svg.getBoundingClientRect();
  const visible = [...svg.querySelectorAll('text')].filter(text => {
    const box = text.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.left >= frame.left - 1
      && box.right <= frame.right + 1 && box.top >= frame.top - 1
      && box.bottom <= frame.bottom + 1;
  });
  return {
    text: document.body.innerText,
    svgText: visible.map(text => text.textContent).join('\\n'),
    layers: [...svg.querySelectorAll('g.node')].map(node => node.id)
      .filter(id => id.startsWith('layer-')),
    edges: svg.querySelectorAll('g.edge').length,
    active: document.querySelectorAll('script, img, iframe, object, embed, link').length,
    links: [...document.querySelectorAll('*')].filter(element => ['href', 'src', 'xlink:href']
      .some(name => element.hasAttribute(name))).length,
    title: document.title,
  };
})()
"""


@pytest.mark.parametrize("layout", ["auto", "builtin"])
@pytest.mark.parametrize("spec", SHIPPED, ids=lambda path: path.stem)
def test_html_page_in_a_real_browser(
    browser: Browser, tmp_path: Path, spec: Path, layout: str
) -> None:
    page = tmp_path / f"{spec.stem}.html"
    page.write_text(drawing(spec, "html", layout), encoding="utf-8")
    browser.open(page)
    facts = browser.evaluate(_PAGE_FACTS)
    names = layer_names(spec)
    for name in names:
        assert name in facts["text"], name
        assert name in facts["svgText"], name
    for shape in shapes(spec):
        assert shape in facts["text"], shape
    assert len(facts["layers"]) == len(names)
    assert facts["edges"] == reference_count(spec)
    assert facts["active"] == 0
    assert facts["links"] == 0  # nothing for the page to fetch: it works offline
    width, height, ink = browser.ink(browser.screenshot())
    assert width >= 800 and height >= 400
    assert ink > 0.01  # the drawing and the tables are on the screenshot, not a blank page


def test_html_page_shows_hostile_text_without_running_it(
    browser: Browser, tmp_path: Path, hostile: Path
) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(drawing(hostile, "html", "builtin"), encoding="utf-8")
    browser.open(page)
    facts = browser.evaluate(_PAGE_FACTS)
    assert facts["active"] == 0  # no script, image or frame came out of the spec
    assert facts["links"] == 0
    assert facts["title"] != "pwned" and facts["title"] != "1"
    assert HOSTILE_INPUT in facts["text"]
    assert "<script>document.title" in facts["text"]
