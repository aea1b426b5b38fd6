"""The negative examples of verify's codes: specs that check clean but differ from a model.

Each file in tests/verify/negative/ starts with its ``# expect: CODE LINE:COLUMN`` lines,
as tests/examples/negative/ does, then one ``# verify: ARGS`` line with the arguments of
``lstmshape verify`` (the model to hold it to); verify must report exactly that set and
exit 1.  tests/test_examples.py counts them among the codes' negative examples.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.test_examples import expectations
from tests.verify.running import ROOT, codes, needs, verify

NEGATIVE = sorted((Path(__file__).resolve().parent / "negative").glob("*.yaml"))


def verify_arguments(path: Path) -> list[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# verify: "):
            return shlex.split(line.removeprefix("# verify: "))
    raise AssertionError(f"{path.name} has no '# verify: ARGS' line")


@pytest.mark.parametrize("path", NEGATIVE, ids=lambda path: path.stem)
def test_verify_reports_exactly_the_expectations(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs("torch")
    monkeypatch.chdir(ROOT)
    expected = expectations(path)
    assert expected, f"{path.name} has no '# expect: CODE LINE:COL' first line"
    code, document, stderr = verify(path, *verify_arguments(path))
    assert stderr == ""
    assert set(codes(document)) == expected
    assert code == 1
