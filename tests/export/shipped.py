"""The specs the repository ships, and where each one's exported module is committed."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "specs").glob("*.yaml"))


def exported_path(spec: Path) -> Path:
    """``specs/torch-tutorial.yaml`` is exported to ``specs/torch_tutorial.py`` (a name
    Python can import)."""
    return spec.with_name(spec.stem.replace("-", "_") + ".py")


def framework_of(spec: Path) -> str:
    return spec.name.split("-", 1)[0]
