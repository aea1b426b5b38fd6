"""The README's layer tables, generated from the layer types' declarations.

The tables sit between ``<!-- layer types: FRAMEWORK -->`` and
``<!-- end of layer types -->``; ``tests/test_readme.py`` fails when they
differ from the declarations.  After adding or changing a layer type, run
``python -m tests.readme_tables`` to rewrite them.
"""

from __future__ import annotations

import re
from pathlib import Path

from lstmshape.frameworks import FRAMEWORKS
from lstmshape.frameworks.docs import table

README = Path(__file__).resolve().parents[1] / "README.md"
SECTION = re.compile(r"(<!-- layer types: (\w+) -->\n)(.*?)(<!-- end of layer types -->)", re.S)


def generated(text: str) -> str:
    """``text`` with every marked table replaced by the one the declarations make."""
    return SECTION.sub(
        lambda match: match.group(1) + table(FRAMEWORKS[match.group(2)]) + match.group(4), text
    )


def sections(text: str) -> list[str]:
    return [match.group(2) for match in SECTION.finditer(text)]


if __name__ == "__main__":
    README.write_text(generated(README.read_text(encoding="utf-8")), encoding="utf-8")
