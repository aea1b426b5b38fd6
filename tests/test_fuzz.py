"""Property-based fuzzing: mutants of valid specs never crash, hang or trace back.

Valid torch specs are mutated at the YAML-data level (delete, duplicate,
retype and swap nodes) and at the text level (random bytes inserted, slices
deleted or repeated, lines swapped).  Most mutants are checked in process,
where any exception fails the test; a smaller batch goes through the real
command in a subprocess, which must exit 0 or 1, print no traceback and
finish in time.

``LSTMSHAPE_FUZZ_EXAMPLES`` sets the examples per in-process test (default
1,500, so 3,000 mutants in CI); set it higher to fuzz longer locally.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lstmshape.diagnostics import RULES
from lstmshape.report import ModelReport
from lstmshape.runner import check_file, check_text

EXAMPLES = int(os.environ.get("LSTMSHAPE_FUZZ_EXAMPLES", "1500"))
CLI_BATCHES = max(5, EXAMPLES // 150)
DEADLINE = timedelta(seconds=10)
"""Per mutant, in process: a guard against a mutant that blows up (the slowest real one
takes a few milliseconds), not a timing.  2 s failed on a busy 2-core machine, where the
first mutant, which builds the validators, took 2.5 s and its re-run 62 ms."""

SEEDS = [
    """framework: torch
name: tagger
inputs:
  tokens: [B, 40]
layers:
  - {name: embed, type: Embedding, num_embeddings: 1000, embedding_dim: 32, padding_idx: 0}
  - name: enc
    type: LSTM
    input_size: 32
    hidden_size: 64
    num_layers: 2
    dropout: 0.2
    batch_first: true
    bidirectional: true
    expect: {output: [B, 40, 128], h_n: [4, B, 64]}
  - {name: drop, type: Dropout, p: 0.5}
  - {name: head, type: nn.Linear, in_features: 128, out_features: 9}
""",
    """framework: torch
inputs:
  x: [50, B, 8]
  h0: [1, B, 16]
layers:
  - name: gru
    type: GRU
    input: x
    input_size: 8
    hidden_size: 16
    initial_state: h0
  - name: last
    type: cat
    tensors: ['gru.h_n[-1]', 'gru.output[-1]']
    dim: 1
  - {name: out, type: Linear, input: last, in_features: 32, out_features: 4, bias: false}
""",
    """framework: torch
inputs: {x: [B, T, 6]}
layers:
  - &rnn {name: r1, type: RNN, input_size: 6, hidden_size: 12, nonlinearity: relu,
          batch_first: true}
  - <<: *rnn
    name: r2
    input_size: 12
  - {name: proj, type: LSTM, input: 'r2.output[:, -1:, :]', input_size: 12, hidden_size: 8,
     proj_size: 4, batch_first: true}
""",
]
SEED_DATA = [yaml.safe_load(seed) for seed in SEEDS]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-3, max_value=300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["B", "T", "x", "enc.h_n[-1]", "LSTM", "units", "hidden_size", "torch"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


def _containers(node: Any, out: list[Any]) -> list[Any]:
    if isinstance(node, dict | list):
        out.append(node)
        for child in node.values() if isinstance(node, dict) else node:
            _containers(child, out)
    return out


def _slots(container: Any) -> list[Any]:
    return list(container) if isinstance(container, dict) else list(range(len(container)))


@st.composite
def data_mutants(draw: st.DrawFn) -> str:
    """A seed spec with a few nodes deleted, duplicated, retyped or swapped."""
    data = yaml.safe_load(SEEDS[draw(st.integers(0, len(SEEDS) - 1))])
    for _ in range(draw(st.integers(1, 4))):
        containers = _containers(data, [])
        parent = containers[draw(st.integers(0, len(containers) - 1))]
        slots = _slots(parent)
        if not slots:
            continue
        slot = slots[draw(st.integers(0, len(slots) - 1))]
        action = draw(st.sampled_from(["delete", "duplicate", "retype", "swap", "rename"]))
        if action == "delete":
            del parent[slot]
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(slot, parent[slot])
        elif action == "duplicate":
            parent[f"{slot}_copy"] = parent[slot]
        elif action == "retype":
            parent[slot] = draw(values)
        elif action == "swap":
            other = slots[draw(st.integers(0, len(slots) - 1))]
            parent[slot], parent[other] = parent[other], parent[slot]
        elif isinstance(parent, dict):
            parent[draw(scalars)] = parent.pop(slot)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@st.composite
def text_mutants(draw: st.DrawFn) -> bytes:
    """A seed spec's bytes with random bytes inserted, slices deleted or repeated."""
    data = SEEDS[draw(st.integers(0, len(SEEDS) - 1))].encode()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        end = draw(st.integers(at, min(len(data), at + 40)))
        action = draw(st.sampled_from(["insert", "delete", "repeat", "lines"]))
        if action == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif action == "delete":
            data = data[:at] + data[end:]
        elif action == "repeat":
            data = data[:end] + data[at:end] * draw(st.integers(1, 5)) + data[end:]
        else:
            lines = data.split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
    return data


def test_seeds_are_valid_specs() -> None:
    """Mutants start from specs without a single diagnostic."""
    for index, seed in enumerate(SEEDS):
        [report] = check_text(seed, f"seed{index}.yaml")
        assert report.diagnostics == [], report.diagnostics
        assert report.framework == "torch"


def _assert_well_formed(reports: list[ModelReport]) -> None:
    assert reports
    for report in reports:
        for diagnostic in report.diagnostics:
            assert diagnostic.code in RULES
            assert diagnostic.code != "LS009", diagnostic.message
            assert diagnostic.line >= 1 and diagnostic.column >= 1
            assert diagnostic.message


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=DEADLINE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(data_mutants())
def test_data_mutants_never_crash(text: str) -> None:
    _assert_well_formed(check_text(text, "mutant.yaml"))


_SCRATCH = Path(tempfile.mkdtemp(prefix="lstmshape-fuzz-"))


@FUZZ
@given(text_mutants())
def test_text_mutants_never_crash(data: bytes) -> None:
    """Through check_file, so undecodable bytes are part of the test."""
    path = _SCRATCH / "mutant.yaml"
    path.write_bytes(data)
    _assert_well_formed(check_file(path, "mutant.yaml"))


@settings(max_examples=CLI_BATCHES, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(data_mutants(), min_size=5, max_size=10), st.lists(text_mutants(), max_size=10))
def test_cli_exits_0_or_1_without_traceback(texts: list[str], blobs: list[bytes]) -> None:
    """The real command in a subprocess, on a batch of mutants at once."""
    with tempfile.TemporaryDirectory() as directory:
        for index, text in enumerate(texts):
            Path(directory, f"data_{index}.yaml").write_text(text, encoding="utf-8")
        for index, blob in enumerate(blobs):
            Path(directory, f"text_{index}.yaml").write_bytes(blob)
        done = subprocess.run(
            [sys.executable, "-m", "lstmshape", "check", "--no-color", directory],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "LS009" not in done.stdout
