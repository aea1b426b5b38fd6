"""The long explanation of every diagnostic code, with a failing and a fixed spec.

``lstmshape explain LS301`` prints one of these; the SARIF report carries
them as rule help.  The codes themselves live in
:data:`lstmshape.diagnostics.RULES` alone; the tests check that every code
has an explanation here, that each failing example really produces its code
and that each fixed example is a clean spec.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from lstmshape.diagnostics import RULES, Rule


@dataclass(frozen=True)
class Explanation:
    text: str
    """What the code means and why it matters; paragraphs separated by blank lines."""
    failing: str | None
    """A spec that produces the code; None when no spec can (LS009)."""
    fixed: str | None
    """The same spec, corrected."""
    encoding: str = "utf-8"
    """How the failing example is saved (LS004 is about a file that is not UTF-8)."""
    language: str = "yaml"
    """What the examples are written in: a spec, or (the import's codes) Keras's JSON."""
    model: str | None = None
    """For ``lstmshape verify``'s codes: the Python module both specs are verified against
    (``lstmshape verify SPEC --module model:Tagger``); the failing spec checks clean, and
    differs from this model."""

    def help_text(self) -> str:
        parts = [self.text]
        if self.model is not None:
            parts += [f"Verified against {VERIFY_MODEL_FILE}:", _indent(self.model)]
        if self.failing is not None and self.fixed is not None:
            parts += ["Fails:", _indent(self.failing), "Fixed:", _indent(self.fixed)]
        return "\n\n".join(parts)

    def markdown(self) -> str:
        parts = [self.text]
        if self.model is not None:
            parts += [
                f"Verified against {VERIFY_MODEL_FILE}:",
                f"```python\n{self.model.rstrip()}\n```",
            ]
        if self.failing is not None and self.fixed is not None:
            parts += [
                "Fails:",
                f"```{self.language}\n{self.failing.rstrip()}\n```",
                "Fixed:",
                f"```{self.language}\n{self.fixed.rstrip()}\n```",
            ]
        return "\n\n".join(parts)


def _indent(example: str) -> str:
    return textwrap.indent(example.rstrip(), "    ")


def render(rule: Rule, explanation: Explanation) -> str:
    """The page ``lstmshape explain CODE`` prints."""
    heading = f"{rule.code} {rule.name} ({rule.severity.value})"
    body = [f"{heading}\n{'=' * len(heading)}", rule.summary, explanation.text]
    if explanation.model is not None:
        body += [
            f"Verified against {VERIFY_MODEL_FILE} (lstmshape verify SPEC --module "
            f"{VERIFY_MODULE}):",
            _indent(explanation.model),
        ]
    if explanation.failing is not None and explanation.fixed is not None:
        saved = "" if explanation.encoding == "utf-8" else f" (saved as {explanation.encoding})"
        body += [
            f"Example{saved}, which lstmshape reports as {rule.code}:",
            _indent(explanation.failing),
            "Fixed:",
            _indent(explanation.fixed),
        ]
    return "\n\n".join(body) + "\n"


def _spec(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


_HEAD = """\
framework: torch
inputs:
  x: [B, T, 8]
layers:
"""

_ENCODER = """\
  - name: enc
    type: LSTM
    input_size: 8
    hidden_size: 16
    batch_first: true
"""

_BIDIRECTIONAL = _ENCODER + "    bidirectional: true\n"

_JOINED = """\
  - name: last
    type: cat
    tensors: ['enc.h_n[-2]', 'enc.h_n[-1]']
    dim: 1
"""

_UNQUOTED_JOIN = _JOINED.replace("['enc.h_n[-2]', 'enc.h_n[-1]']", "[enc.h_n[-2], enc.h_n[-1]]")

_DEEP = 70
_ATTENTION = (
    "framework: torch\ninputs:\n  q: [T, B, 16]\n  memory: [S, B, 16]\n  pad: [S, B]\nlayers:\n"
    "  - type: MultiheadAttention\n    embed_dim: 16\n    num_heads: 4\n    input: q\n"
    "    key: memory\n    value: memory\n"
)
_OPS = "framework: torch\ninputs:\n  x: [B, T, 8]\nlayers:\n"

EXPLANATIONS: dict[str, Explanation] = {
    "LS001": Explanation(
        "The file is not valid YAML, so nothing in it can be checked. The message is the YAML "
        "parser's, at the line and column where it gave up (which can be after the real "
        "mistake).\n\nA common cause: inside a flow list [ ... ], a plain value cannot hold "
        "[ ] , or :, so a reference with an index must be quoted there.",
        _HEAD + _BIDIRECTIONAL + _UNQUOTED_JOIN,
        _HEAD + _BIDIRECTIONAL + _JOINED,
    ),
    "LS002": Explanation(
        "A mapping has the same key twice. YAML keeps only one of the two values, so one of "
        "them is silently lost; lstmshape reports the second occurrence.",
        _HEAD + _ENCODER + "    hidden_size: 32\n",
        _HEAD + _ENCODER,
    ),
    "LS003": Explanation(
        "A YAML tag (!name or !!type) other than the plain types. A spec holds only mappings, "
        "lists, strings, numbers, booleans and null; tags that build Python objects are never "
        "constructed, so lstmshape refuses the file rather than guess.",
        _HEAD.replace("x: [B, T, 8]", "x: !tensor [B, T, 8]") + _ENCODER,
        _HEAD + _ENCODER,
    ),
    "LS004": Explanation(
        "The file cannot be read, or is not UTF-8 text (or a directory to search cannot be "
        "listed: the specs in it are not checked). lstmshape reads specs as UTF-8 (with "
        "or without a byte order mark); a file saved in another encoding, such as Latin-1 "
        "with an accented letter, stops at the first byte that is not UTF-8.\n\nSave the "
        "spec as UTF-8. The example below is the same text both times: what differs is how "
        "it is saved.",
        "name: modèle\n" + _HEAD + _ENCODER,
        "name: modèle\n" + _HEAD + _ENCODER,
        encoding="latin-1",
    ),
    "LS005": Explanation(
        "The document is empty, or it is not a mapping, or it is a mapping with neither "
        "framework nor layers at its top level (such as a docker-compose.yml or a GitHub "
        "workflow). A spec is a mapping with framework, inputs and layers at the top level; a "
        "list or a bare value is not one. Each document of a multi-document file (separated by "
        "---) is a spec of its own.\n\nTo check a repository's specs among its other YAML "
        "files, pass --skip-non-specs (the pre-commit hook does): files that are not specs are "
        "then skipped and counted instead of reported. A key one typo away from framework or "
        "layers (framwork, layer) still makes a spec, so a misspelt spec is checked, not "
        "skipped.",
        _spec(
            """
            - framework: torch
              inputs:
                x: [B, T, 8]
              layers:
                - type: LSTM
                  input_size: 8
                  hidden_size: 16
                  batch_first: true
            """
        ),
        _HEAD + _ENCODER,
    ),
    "LS006": Explanation(
        "The file exceeds one of lstmshape's input limits: it is larger than 10 MB, it nests "
        "mappings and lists more than 64 levels deep, or its aliases expand to more than two "
        "million values. A real spec is far below all three; the limits keep a hostile file "
        "(a 'billion laughs' of nested aliases) from exhausting memory or the stack.",
        _HEAD.replace("x: [B, T, 8]", "x: [B, T, 8]\n  y: " + "[" * _DEEP + "]" * _DEEP) + _ENCODER,
        _HEAD + _ENCODER,
    ),
    "LS009": Explanation(
        "lstmshape itself failed on this file: this is a bug in lstmshape, not in the spec. "
        "The other files are still checked. Please report it with the spec that triggers it. "
        "No example spec is given, because a spec that triggers it is a bug to fix.",
        None,
        None,
    ),
    "LS101": Explanation(
        "A key that the spec format, or the layer, does not have. A misspelt or foreign "
        "argument would otherwise be silently ignored. When the key is the other framework's "
        "name for an argument (Keras's units for torch's hidden_size), the hint says so.",
        _HEAD + _ENCODER.replace("hidden_size: 16", "units: 16"),
        _HEAD + _ENCODER,
    ),
    "LS102": Explanation(
        "A required key of the spec, or a constructor argument the layer cannot be built "
        "without, is missing: torch.nn.LSTM needs input_size and hidden_size, for instance.",
        _HEAD + _ENCODER.replace("    hidden_size: 16\n", ""),
        _HEAD + _ENCODER,
    ),
    "LS103": Explanation(
        "A value has the wrong type: a string where the framework takes an integer, a number "
        "where it takes true or false. lstmshape does not coerce ('16' is not 16), because the "
        "framework would not either.",
        _HEAD + _ENCODER.replace("hidden_size: 16", "hidden_size: '16'"),
        _HEAD + _ENCODER,
    ),
    "LS104": Explanation(
        "The layer type is not one the spec's framework has. Types may be written with the "
        "framework's prefix (nn.LSTM, torch.nn.LSTM). When it is the other framework's type "
        "(Keras's Dense in a torch spec), the hint names the equivalent.",
        _HEAD
        + _ENCODER
        + "  - type: Dense\n    input: 'enc.output[:, -1]'\n    in_features: 16\n"
        + "    out_features: 4\n",
        _HEAD
        + _ENCODER
        + "  - type: Linear\n    input: 'enc.output[:, -1]'\n    in_features: 16\n"
        + "    out_features: 4\n",
    ),
    "LS105": Explanation(
        "framework: is neither torch nor keras. It decides which layer types and arguments "
        "the spec may use, so nothing else is checked until it is right.",
        _HEAD.replace("framework: torch", "framework: pytorch") + _ENCODER,
        _HEAD + _ENCODER,
    ),
    "LS106": Explanation(
        "Two layers, or a layer and an input, have the same name. References (input: NAME) "
        "must say which one they mean, so names are unique in a spec.",
        _HEAD + _ENCODER + _ENCODER.replace("input_size: 8", "input_size: 16"),
        _HEAD
        + _ENCODER
        + _ENCODER.replace("input_size: 8", "input_size: 16").replace("name: enc", "name: enc2"),
    ),
    "LS107": Explanation(
        "A shape has a dimension that is not a positive integer, a symbol such as B or T, an "
        "expression of symbols and integers with + - * and // by an integer (T - 2, "
        "(T - 2) // 2, B*T), or null (unknown). Symbols stand for sizes known only at run "
        "time, any size each. The message says where an expression goes wrong; one that "
        "cannot be a positive size (0, 3 - 3, 1 - T) is reported too.",
        _HEAD.replace("x: [B, T, 8]", "x: [B, T - * 2, 8]") + _ENCODER,
        _HEAD.replace("x: [B, T, 8]", "x: [B, T - 2, 8]") + _ENCODER,
    ),
    "LS108": Explanation(
        "A constructor argument has a value the framework rejects when the layer is built: "
        "a dropout outside 0 to 1, a proj_size not smaller than hidden_size, a size that is "
        "not positive. The message quotes the framework's own error.",
        _HEAD + _ENCODER + "    num_layers: 2\n    dropout: 1.5\n",
        _HEAD + _ENCODER + "    num_layers: 2\n    dropout: 0.5\n",
    ),
    "LS201": Explanation(
        "A reference is not NAME, NAME.TENSOR, or either followed by an index in Python "
        "subscript syntax (enc.output[:, -1, :]). Indexes are parsed, never evaluated: only "
        "integers, slices, ... and None are allowed.",
        _HEAD
        + _ENCODER
        + "  - type: Linear\n    input: 'enc.output[:, -1'\n    in_features: 16\n"
        + "    out_features: 4\n",
        _HEAD
        + _ENCODER
        + "  - type: Linear\n    input: 'enc.output[:, -1]'\n    in_features: 16\n"
        + "    out_features: 4\n",
    ),
    "LS202": Explanation(
        "A reference names an input, a layer or a tensor that does not exist, or a layer "
        "defined further down. A layer reads the spec's inputs and the layers above it; each "
        "recurrent layer's tensors are output, h_n and, for LSTM, c_n.",
        _HEAD
        + _ENCODER
        + "  - type: Linear\n    input: 'encoder.output[:, -1]'\n    in_features: 16\n"
        + "    out_features: 4\n",
        _HEAD
        + _ENCODER
        + "  - type: Linear\n    input: 'enc.output[:, -1]'\n    in_features: 16\n"
        + "    out_features: 4\n",
    ),
    "LS203": Explanation(
        "An index is out of range for the tensor, or has more entries than the tensor has "
        "dimensions. A one-layer, one-direction LSTM's h_n is (1, batch, hidden): h_n[-1] "
        "or h_n[0] is its only entry.",
        _HEAD
        + _ENCODER
        + "  - type: Linear\n    input: 'enc.h_n[1]'\n    in_features: 16\n"
        + "    out_features: 4\n",
        _HEAD
        + _ENCODER
        + "  - type: Linear\n    input: 'enc.h_n[-1]'\n    in_features: 16\n"
        + "    out_features: 4\n",
    ),
    "LS204": Explanation(
        "The first layer has no input: and the spec has no single input to default to. Later "
        "layers read the layer above by default; the first one reads the spec's only input, "
        "so with several inputs it must name one.",
        _HEAD.replace("x: [B, T, 8]", "x: [B, T, 8]\n  lengths: [B]") + _ENCODER,
        _HEAD.replace("x: [B, T, 8]", "x: [B, T, 8]\n  lengths: [B]") + _ENCODER + "    input: x\n",
    ),
    "LS301": Explanation(
        "A layer's input has a different number of features (its last dimension) than the "
        "layer takes: input_size for recurrent layers, in_features for Linear. The framework "
        "raises when the model runs; the hint gives the size that fits.",
        _HEAD + _ENCODER.replace("input_size: 8", "input_size: 10"),
        _HEAD + _ENCODER,
    ),
    "LS302": Explanation(
        "A layer's input has a number of dimensions the layer does not accept: torch's "
        "recurrent layers take a 3-D batch (or a 2-D single sequence), not a 4-D tensor.",
        _HEAD.replace("x: [B, T, 8]", "x: [B, N, T, 8]") + _ENCODER,
        _HEAD + _ENCODER,
    ),
    "LS303": Explanation(
        "An initial state has a different shape than the layer's state: h_0 (and c_0) are "
        "(num_layers * num_directions, batch, hidden_size), with the batch second even when "
        "batch_first is true.",
        _HEAD.replace("x: [B, T, 8]", "x: [B, T, 8]\n  h0: [2, B, 16]")
        + _ENCODER.replace("LSTM", "GRU")
        + "    input: x\n    initial_state: h0\n",
        _HEAD.replace("x: [B, T, 8]", "x: [B, T, 8]\n  h0: [1, B, 16]")
        + _ENCODER.replace("LSTM", "GRU")
        + "    input: x\n    initial_state: h0\n",
    ),
    "LS304": Explanation(
        "A layer is given the wrong number of initial states: an LSTM takes two, (h_0, c_0); "
        "a GRU or RNN takes one, h_0.",
        _HEAD.replace("x: [B, T, 8]", "x: [B, T, 8]\n  h0: [1, B, 16]\n  c0: [1, B, 16]")
        + _ENCODER
        + "    input: x\n    initial_state: h0\n",
        _HEAD.replace("x: [B, T, 8]", "x: [B, T, 8]\n  h0: [1, B, 16]\n  c0: [1, B, 16]")
        + _ENCODER
        + "    input: x\n    initial_state: [h0, c0]\n",
    ),
    "LS305": Explanation(
        "Tensors to concatenate differ in rank, or in a dimension other than the one they "
        "are joined along; or dim is out of range. torch.cat raises when the model runs.",
        _HEAD.replace("x: [B, T, 8]", "x: [B, 10, 8]\n  extra: [B, 12, 4]")
        + "  - type: cat\n    tensors: [x, extra]\n    dim: -1\n",
        _HEAD.replace("x: [B, T, 8]", "x: [B, 10, 8]\n  extra: [B, 10, 4]")
        + "  - type: cat\n    tensors: [x, extra]\n    dim: -1\n",
    ),
    "LS306": Explanation(
        "A shape declared under a layer's expect: differs from the one lstmshape computes. "
        "expect: states what the rest of the code relies on, so the spec fails when a change "
        "upstream breaks it. A symbol stands for any size, so it matches only the same "
        "symbol (or an expression equal to it for every size): [B, 4, 16] against the "
        "computed [4, B, 16] is reported, since it holds only when B happens to be 4. "
        "Write null for a size not to check.",
        _HEAD + _ENCODER + "    num_layers: 4\n    expect:\n      h_n: [B, 4, 16]\n",
        _HEAD + _ENCODER + "    num_layers: 4\n    expect:\n      h_n: [4, B, 16]\n",
    ),
    "LS320": Explanation(
        "A convolution or pooling slides a window of dilation*(kernel_size - 1) + 1 steps "
        "along each spatial dimension of its padded input. When that window is longer than "
        "the padded input there is no output position, and torch raises (Kernel size can't "
        "be greater than actual input size; Output size is too small). padding_mode reflect "
        "also needs each padding to be less than the length, circular at most the length. "
        "Keras's convolutions, pooling and cropping raise the same way "
        "(Computed output size would be zero or negative). Lengths that are symbols are not "
        "reported: they stand for any size. Use a longer "
        "input, a smaller kernel_size, dilation or stride, or more padding.",
        "framework: torch\ninputs:\n  x: [32, 8, 2]\nlayers:\n"
        "  - type: Conv1d\n    in_channels: 8\n    out_channels: 16\n    kernel_size: 3\n",
        "framework: torch\ninputs:\n  x: [32, 8, 2]\nlayers:\n"
        "  - type: Conv1d\n    in_channels: 8\n    out_channels: 16\n    kernel_size: 3\n"
        "    padding: 1\n",
    ),
    "LS322": Explanation(
        "Dropout2d zeroes whole channels of an (N, C, H, W) input. On a 3-D input torch "
        "assumes (N, C, L), channel-wise 1-D dropout, and warns that this will change to "
        "reading it as an unbatched (C, H, W); on any other rank it warns that the input is "
        "deprecated, and below 2 dims it raises. Use Dropout1d for (N, C, L), Dropout for "
        "elementwise dropout.",
        _HEAD + "  - type: Dropout2d\n    p: 0.2\n",
        _HEAD + "  - type: Dropout1d\n    p: 0.2\n",
    ),
    "LS323": Explanation(
        "BatchNorm normalizes each channel over the batch (and the spatial dims). With one "
        "value per channel (a batch of 1 and no spatial dims, or all of size 1) there is "
        "nothing to normalize over, and torch raises in training mode (ValueError: Expected "
        "more than 1 value per channel when training). Use a batch larger than 1.",
        "framework: torch\ninputs:\n  x: [1, 16]\nlayers:\n"
        "  - type: BatchNorm1d\n    num_features: 16\n",
        "framework: torch\ninputs:\n  x: [B, 16]\nlayers:\n"
        "  - type: BatchNorm1d\n    num_features: 16\n",
    ),
    "LS326": Explanation(
        "MultiheadAttention pairs each key step with a value step, attends from each sequence "
        "of the query's batch over the same sequence's keys, and masks the scores it computes: "
        "key and value must have the same steps and batch, the query the key's batch, "
        "key_padding_mask must be (N, S) and attn_mask (L, S) or (N*num_heads, L, S), where N "
        "is the batch, L the query's steps and S the key's. torch raises when the module runs "
        "(AssertionError: key shape does not match value shape; The shape of the 2D attn_mask "
        "is ..., but should be ...). batch_first changes where N and the steps are in the "
        "query, key and value, never in the masks. Keras's attention layers need the same: "
        "MultiHeadAttention raises when it builds on a key and value that differ in a dimension "
        "but the last, and every Keras attention fails when it runs on a key of other steps, "
        "another batch, or an attention_mask that does not fit (batch, Tq, Tv).",
        _ATTENTION + "    key_padding_mask: pad\n",
        _ATTENTION.replace("pad: [S, B]", "pad: [B, S]") + "    key_padding_mask: pad\n",
    ),
    "LS401": Explanation(
        "A recurrent layer has dropout but num_layers is 1. torch applies this dropout only "
        "between stacked layers, so it does nothing (torch warns). Stack layers, or add a "
        "Dropout layer after the recurrent one.",
        _HEAD + _ENCODER + "    dropout: 0.2\n",
        _HEAD + _ENCODER + "  - type: Dropout\n    p: 0.2\n",
    ),
    "LS402": Explanation(
        "h_n[-1] of a bidirectional layer is only the backward direction of its last layer: "
        "h_n holds, per layer, the forward state then the backward state. A model that reads "
        "h_n[-1] as 'the final state' silently ignores the forward direction. Join "
        "h_n[-2] and h_n[-1] instead.",
        _HEAD
        + _BIDIRECTIONAL
        + "  - type: Linear\n    input: 'enc.h_n[-1]'\n    in_features: 16\n"
        + "    out_features: 4\n",
        _HEAD
        + _BIDIRECTIONAL
        + _JOINED
        + "  - type: Linear\n    in_features: 32\n    out_features: 4\n",
    ),
    "LS403": Explanation(
        "The last time step of a bidirectional output joins the forward direction's last "
        "step with the backward direction's first one, which has seen a single element of "
        "the sequence. Use the final states of both directions instead.",
        _HEAD
        + _BIDIRECTIONAL
        + "  - type: Linear\n    input: 'enc.output[:, -1]'\n    in_features: 32\n"
        + "    out_features: 4\n",
        _HEAD
        + _BIDIRECTIONAL
        + _JOINED
        + "  - type: Linear\n    in_features: 32\n    out_features: 4\n",
    ),
    "LS404": Explanation(
        "A 2-D input to a torch recurrent layer is read as one unbatched sequence (L, H_in), "
        "not as a batch: a batch dimension was probably forgotten. If one sequence is meant, "
        "ignore this warning on that line.",
        _HEAD.replace("x: [B, T, 8]", "x: [T, 8]") + _ENCODER,
        _HEAD + _ENCODER,
    ),
    "LS405": Explanation(
        "A recurrent layer reads another's output with a different batch_first: one writes "
        "(batch, seq, feature), the other reads (seq, batch, feature), so batch and time are "
        "silently swapped. Give both the same batch_first.",
        _HEAD
        + _ENCODER
        + _ENCODER.replace("name: enc", "name: dec")
        .replace("input_size: 8", "input_size: 16")
        .replace("batch_first: true", "batch_first: false"),
        _HEAD
        + _ENCODER
        + _ENCODER.replace("name: enc", "name: dec").replace("input_size: 8", "input_size: 16"),
    ),
    "LS410": Explanation(
        "A comment that starts # lstmshape: but is not a suppression lstmshape understands "
        "suppresses nothing, so the diagnostic it was written for is still reported: a "
        "misspelt code (LS4O3), codes without brackets (ignore LS403), a list without its "
        "closing bracket, or another word than ignore. Write # lstmshape: ignore[LS403], "
        "several codes separated by commas; a reason may follow after a space, and the "
        "comment may follow another tool's comment on the same line. Only ignore in the "
        "configuration turns LS410 off: a comment cannot hide that it is not understood.",
        _HEAD
        + _BIDIRECTIONAL
        + "  - type: Linear\n    input: 'enc.output[:, -1]'  # lstmshape: ignore[LS4O3]\n"
        + "    in_features: 32\n    out_features: 4\n",
        _HEAD
        + _BIDIRECTIONAL
        + "  - type: Linear\n    input: 'enc.output[:, -1]'  # lstmshape: ignore[LS403] -- on "
        + "purpose\n    in_features: 32\n    out_features: 4\n",
    ),
    "LS411": Explanation(
        "With --strict (or strict = true in the configuration), a suppression comment, or a "
        "code in one, that suppresses nothing is reported: the diagnostic it was written for "
        "is gone, the comment is on another line than the one the diagnostic points to, or "
        "the code is ignored by the configuration anyway. Remove the comment or the code. "
        "Like ruff's RUF100 this is opt-in, and it is reported only in a spec without "
        "errors, because after an error some layers may not have been checked.",
        _HEAD + _ENCODER.replace("hidden_size: 16", "hidden_size: 16  # lstmshape: ignore[LS404]"),
        _HEAD + _ENCODER,
    ),
    "LS312": Explanation(
        "reshape and view keep every element: the shape asked for must hold exactly as many "
        "elements as the input, and a -1 is inferred only when the rest divides the count "
        "for every size of the symbols. torch raises 'shape is invalid for input of size'. "
        "A symbolic count such as B*T*8 is checked for every value of B and T.",
        _OPS + "  - type: view\n    shape: [-1, 3]\n",
        _OPS + "  - type: view\n    shape: [-1, 8]\n",
    ),
    "LS313": Explanation(
        "Elementwise functions (add, sub, mul, div) and the batch dims of matmul align the "
        "shapes from the right; each pair of sizes must be equal or one of them 1 (bmm: "
        "equal). A symbol stands for any size, so B against T, or against 4, fails for "
        "most values: torch raises 'The size of tensor a must match the size of tensor b'.",
        _OPS.replace("8]\n", "8]\n  y: [T, B, 8]\n")
        + "  - type: add\n    input: x\n    other: y\n",
        _OPS.replace("8]\n", "8]\n  y: [B, T, 8]\n")
        + "  - type: add\n    input: x\n    other: y\n",
    ),
}

_KERAS = "framework: keras\ninputs:\n  x: [32, 10, 8]\nlayers:\n"
_TOKENS = (
    "framework: keras\ninputs:\n  tokens: [32, 10]\nlayers:\n"
    "  - type: Embedding\n    input_dim: 1000\n    output_dim: 8\n    mask_zero: true\n"
)
_KERAS_ENCODER = (
    "  - name: encoder\n    type: LSTM\n    units: 16\n    return_sequences: true\n"
    "    return_state: true\n"
)

KERAS_EXPLANATIONS: dict[str, Explanation] = {
    "LS109": Explanation(
        "The argument was removed in Keras 3; Keras raises 'Unrecognized keyword arguments'. "
        "time_major is gone (Keras layers are batch-major), batch_input_shape is replaced by "
        "declaring the input with its batch under inputs:, and input_length by the sequence "
        "length of the input.",
        _KERAS + "  - type: LSTM\n    units: 16\n    time_major: false\n",
        _KERAS + "  - type: LSTM\n    units: 16\n",
    ),
    "LS307": Explanation(
        "The first layer's input_shape disagrees with the input declared under inputs:. "
        "The declared input is what the layer reads, so the input_shape is wrong or stale. "
        "Remove input_shape, or make it the input's shape without the batch.",
        _KERAS + "  - type: LSTM\n    units: 16\n    input_shape: [10, 4]\n",
        _KERAS + "  - type: LSTM\n    units: 16\n    input_shape: [10, 8]\n",
    ),
    "LS308": Explanation(
        "A Keras layer with weights reads an input whose last dimension is unknown (null). "
        "Keras sizes the kernel from that dimension when it builds the layer and raises "
        "'Shapes used to initialize variables must be fully-defined'. Declare the number of "
        "features.",
        "framework: keras\ninputs:\n  x: [32, 10, null]\nlayers:\n  - type: Dense\n    units: 4\n",
        _KERAS + "  - type: Dense\n    units: 4\n",
    ),
    "LS309": Explanation(
        "A stateful recurrent layer keeps its states from one batch to the next, so Keras "
        "needs a fixed batch size and raises when the batch is unknown. input_shape leaves "
        "the batch unknown: declare the input with its batch size under inputs:.",
        "framework: keras\nlayers:\n  - type: LSTM\n    units: 16\n    stateful: true\n"
        "    input_shape: [10, 8]\n",
        _KERAS + "  - type: LSTM\n    units: 16\n    stateful: true\n",
    ),
    "LS310": Explanation(
        "A Bidirectional layer with merge_mode sum, mul or ave adds (or multiplies, or "
        "averages) the two directions element by element, so both must have the same number "
        "of units (or one of them 1, which broadcasts). Keras builds such a layer and fails "
        "when it runs ('The size of tensor a must match the size of tensor b'). merge_mode "
        "concat joins the last axis, so every other axis must agree: ConvLSTM directions of "
        "other windows (kernel_size 3 against 1 leaves other frame sizes), or of other filters "
        "with data_format channels_first, fail with 'Sizes of tensors must match except in "
        "dimension'. Give the backward layer the forward layer's units (a ConvLSTM's filters "
        "and window), or use merge_mode: concat.",
        _KERAS + "  - type: Bidirectional\n    merge_mode: sum\n"
        "    layer: {type: LSTM, units: 16}\n"
        "    backward_layer: {type: LSTM, units: 8, go_backwards: true}\n",
        _KERAS + "  - type: Bidirectional\n    merge_mode: sum\n"
        "    layer: {type: LSTM, units: 16}\n"
        "    backward_layer: {type: LSTM, units: 16, go_backwards: true}\n",
    ),
    "LS311": Explanation(
        "An Embedding with mask_zero: true attaches a mask to its output, and Dense, Dropout, "
        "TimeDistributed, Concatenate and recurrent layers with return_sequences pass it on. "
        "A recurrent layer with unroll: true that goes backwards (go_backwards: true, or the "
        "backward direction of a Bidirectional) cannot use that mask: Keras builds the model "
        "and fails when it runs (AttributeError: 'tuple' object has no attribute 'shape'). "
        "Remove unroll: true, or mask_zero.",
        _TOKENS + "  - type: Bidirectional\n    layer: {type: GRU, units: 16, unroll: true}\n",
        _TOKENS + "  - type: Bidirectional\n    layer: {type: GRU, units: 16}\n",
    ),
    "LS318": Explanation(
        "A mask (batch, timesteps), from an Embedding with mask_zero: true or a Masking layer, "
        "reaches a layer that cannot apply it. Softmax adds the mask to its input, which has "
        "one more dimension, and Keras builds the model and fails when it runs (ValueError: "
        "The `mask` must be broadcastable to `inputs`). Apply the softmax before the mask is "
        "made, as a Dense layer's activation, or remove the mask.",
        _KERAS + "  - type: Masking\n  - type: LSTM\n    units: 16\n    return_sequences: true\n"
        "  - type: Softmax\n",
        _KERAS + "  - type: Masking\n  - type: LSTM\n    units: 16\n    return_sequences: true\n"
        "  - type: Dense\n    units: 16\n    activation: softmax\n",
    ),
    "LS319": Explanation(
        "Keras 3's torch backend hands a LayerNormalization whose axes are consecutive to "
        "torch's layer_norm, which normalizes only the last dimensions and checks their sizes. "
        "When those axes do not end at the last dimension and their sizes differ from the last "
        "dimensions' (axis: 1 of a (32, 10, 8) input; (32, 8, 8) passes), the model builds "
        "and then fails when it runs (RuntimeError: Given normalized_shape=..., expected "
        "input with shape [*, ...]). TensorFlow and JAX run it. Normalize axes "
        "that end at the last one (axis: -1, or [1, 2]), or set KERAS_BACKEND to another "
        "backend.",
        _KERAS + "  - type: LayerNormalization\n    axis: 1\n",
        _KERAS + "  - type: LayerNormalization\n    axis: [1, 2]\n",
    ),
    "LS350": Explanation(
        "Bidirectional runs its layer forwards and backward_layer backwards; with merge_mode "
        "concat the output has both directions' features, with null each its own. Keras's "
        "Bidirectional computes that when it runs, but tells a model under construction that "
        "both directions have the forward layer's units: the model sizes the layers after it "
        "for twice the forward units (or the forward units for either output of null), and "
        "fails when it runs. The same holds for ConvLSTM directions of other filters or "
        "window, and for sum, mul or ave over a forward layer of 1 unit, which broadcasts "
        "to the backward layer's size. Give both layers the same units (filters and window).",
        _KERAS
        + "  - type: Bidirectional\n    layer: {type: LSTM, units: 16}\n"
        + "    backward_layer: {type: LSTM, units: 8, go_backwards: true}\n"
        + "  - type: Dense\n    units: 4\n",
        _KERAS
        + "  - type: Bidirectional\n    layer: {type: LSTM, units: 16}\n"
        + "    backward_layer: {type: LSTM, units: 16, go_backwards: true}\n"
        + "  - type: Dense\n    units: 4\n",
    ),
    "LS325": Explanation(
        "An Embedding with mask_zero: true attaches a mask to its output. Conv1D, "
        "SeparableConv1D, the windowed pooling layers and GlobalMaxPooling1D cannot use a "
        "mask: Keras warns that the layer 'will therefore destroy the mask information', and "
        "the layers after it read the padding as real steps. Let a layer that uses the mask "
        "read it first (a recurrent layer, or GlobalAveragePooling1D), or drop mask_zero.",
        _TOKENS + "  - type: Conv1D\n    filters: 16\n    kernel_size: 3\n"
        "  - type: LSTM\n    units: 16\n",
        _TOKENS + "  - type: LSTM\n    units: 16\n    return_sequences: true\n"
        "  - type: GlobalAveragePooling1D\n",
    ),
    "LS330": Explanation(
        "Keras's merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Dot) are "
        "called on a list of tensors: write input: [a, b]. Keras raises on one tensor ('A "
        "merge layer should be called on a list of inputs'), and Subtract and Dot take "
        "exactly two. Attention and AdditiveAttention take [query, value] or [query, value, "
        "key] (for self-attention over x, input: [x, x]).",
        _KERAS + "  - type: Dense\n    units: 8\n  - type: Add\n",
        _KERAS + "  - name: dense\n    type: Dense\n    units: 8\n"
        "  - type: Add\n    input: [x, dense]\n",
    ),
    "LS331": Explanation(
        "keras.Input(shape=(10, 8)) declares a Keras model's input; a spec declares it under "
        "inputs:, with the batch first (x: [B, 10, 8], or a number for a fixed batch size), or, "
        "Sequential style, with the first layer's input_shape: [10, 8], which excludes the "
        "batch. Input and InputLayer are not layers of a spec: lstmshape reports them rather "
        "than guess which layers read them.",
        "framework: keras\nlayers:\n  - type: Input\n    shape: [10, 8]\n"
        "  - type: LSTM\n    units: 16\n",
        _KERAS + "  - type: LSTM\n    units: 16\n",
    ),
    "LS335": Explanation(
        "Keras's RNN with cell: a list holding one LSTMCell (not the LSTMCell itself) "
        "keeps that cell's states [h, c] nested in a list of their own, and two of its loops "
        "hand the cell one state instead of two: the loop over a mask (an Embedding with "
        "mask_zero, a Masking layer, a mask: argument), and the unrolled loop (unroll: true) "
        "without one. Keras builds the model and fails when it runs (IndexError: list index "
        "out of range). A mask from an earlier layer is ignored when initial_state is given. "
        "Give the cell itself, not a list of one.",
        _TOKENS + "  - type: RNN\n    cell: [{type: LSTMCell, units: 16}]\n",
        _TOKENS + "  - type: RNN\n    cell: {type: LSTMCell, units: 16}\n",
    ),
    "LS406": Explanation(
        "Keras uses input_shape only on the first layer of a Sequential model; on any other "
        "layer it is ignored (with a warning), so the shape written there checks nothing. "
        "Remove it, or state the shape you rely on under expect:.",
        _KERAS + "  - type: LSTM\n    units: 16\n    return_sequences: true\n"
        "  - type: Dense\n    units: 4\n    input_shape: [10, 16]\n",
        _KERAS + "  - type: LSTM\n    units: 16\n    return_sequences: true\n"
        "  - type: Dense\n    units: 4\n    expect:\n      output: [32, 10, 4]\n",
    ),
    "LS407": Explanation(
        "Keras recurrent layers clip dropout and recurrent_dropout into [0, 1] without a "
        "word: 1.5 becomes 1.0 (every input dropped), -0.1 becomes 0.0. Write the rate you "
        "mean, between 0 and 1.",
        _KERAS + "  - type: LSTM\n    units: 16\n    dropout: 1.5\n",
        _KERAS + "  - type: LSTM\n    units: 16\n    dropout: 0.5\n",
    ),
    "LS408": Explanation(
        "Keras 3 still accepts Embedding's input_length but ignores it (with a deprecation "
        "warning): the sequence length comes from the input. Remove it. torch's Softmax and "
        "LogSoftmax without dim are deprecated the same way: torch picks the dim from the "
        "input's rank and warns; write dim: -1 (or the dim you mean).",
        "framework: keras\ninputs:\n  tokens: [32, 10]\nlayers:\n"
        "  - type: Embedding\n    input_dim: 1000\n    output_dim: 16\n    input_length: 10\n",
        "framework: keras\ninputs:\n  tokens: [32, 10]\nlayers:\n"
        "  - type: Embedding\n    input_dim: 1000\n    output_dim: 16\n",
    ),
    "LS409": Explanation(
        "The layer is given more initial states than it has: Keras uses the first ones and "
        "silently ignores the rest. A GRU or SimpleRNN has one state (state_h), an LSTM two "
        "(state_h, state_c), a Bidirectional layer those of both directions.",
        _KERAS + _KERAS_ENCODER + "  - type: GRU\n    units: 16\n    input: encoder\n"
        "    initial_state: [encoder.state_h, encoder.state_c]\n",
        _KERAS + _KERAS_ENCODER + "  - type: GRU\n    units: 16\n    input: encoder\n"
        "    initial_state: [encoder.state_h]\n",
    ),
}

_PADDED = "framework: torch\ninputs:\n  x: [3, T, 8]\nlayers:\n"
_PACK = (
    "  - name: packed\n    type: pack_padded_sequence\n    lengths: [5, 3, 2]\n"
    "    batch_first: true\n"
)
_PACKED_ENCODER = (
    "  - name: enc\n    type: LSTM\n    input_size: 8\n    hidden_size: 16\n    batch_first: true\n"
)
_PAD = "  - name: pad\n    type: pad_packed_sequence\n    input: enc\n    batch_first: true\n"
_STACKED = (
    _HEAD + "  - name: enc\n    type: GRU\n    input_size: 8\n    hidden_size: 16\n"
    "    num_layers: 2\n    bidirectional: true\n    batch_first: true\n"
    "  - name: dec\n    type: GRU\n    input: x\n    input_size: 8\n    hidden_size: 16\n"
    "    num_layers: 2\n    batch_first: true\n"
)

PACKED_EXPLANATIONS: dict[str, Explanation] = {
    "LS314": Explanation(
        "pack_padded_sequence returns a PackedSequence, and so does a recurrent layer that "
        "reads one: a named tuple (data, batch_sizes, sorted_indices, unsorted_indices), not a "
        "tensor. An index such as [:, -1] raises TypeError in torch. Its data, (sum of the "
        "lengths, features), is [0] (or LAYER.data); to index steps, pad it back with "
        "pad_packed_sequence. sorted_indices and unsorted_indices ([2], [3]) are None with "
        "enforce_sorted: true.",
        _PADDED + _PACK + _PACKED_ENCODER + "  - type: Linear\n    input: 'enc.output[:, -1]'\n"
        "    in_features: 16\n    out_features: 2\n",
        _PADDED + _PACK + _PACKED_ENCODER + "  - type: Linear\n    input: 'enc.output[0]'\n"
        "    in_features: 16\n    out_features: 2\n",
    ),
    "LS315": Explanation(
        "Only a recurrent layer (LSTM, GRU, RNN), pad_packed_sequence and Identity take a "
        "packed sequence; any other layer raises TypeError in torch (must be Tensor, not "
        "PackedSequence), and so does a packed sequence given as an initial state or as a "
        "function's other tensor. Pad it back with pad_packed_sequence first, or read its data "
        "with [0].",
        _PADDED + _PACK + "  - type: Linear\n    in_features: 8\n    out_features: 2\n",
        _PADDED + _PACK + "  - type: Linear\n    input: packed.data\n    in_features: 8\n"
        "    out_features: 2\n",
    ),
    "LS316": Explanation(
        "pad_packed_sequence reads a packed sequence (what pack_padded_sequence, or a recurrent "
        "layer that read one, returns); given a tensor, torch raises AttributeError: 'Tensor' "
        "object has no attribute 'batch_sizes'.",
        _PADDED + _PACKED_ENCODER + _PAD,
        _PADDED + _PACK + _PACKED_ENCODER + _PAD,
    ),
    "LS317": Explanation(
        "pack_padded_sequence takes one length per sequence of the batch (a list of numbers, "
        "or a 1-D tensor), each from 1 to the padded length, in decreasing order unless "
        "enforce_sorted is false; torch raises otherwise, except for a length past the padded "
        "batch, which it packs without a word and the layer reading the packed sequence then "
        "fails on. lengths written as numbers need the batch as a number: a symbol stands for "
        "any size. pad_packed_sequence's total_length must be at least the longest sequence.",
        _PADDED + _PACK.replace("[5, 3, 2]", "[2, 5, 3]") + _PACKED_ENCODER,
        _PADDED
        + _PACK.replace("[5, 3, 2]", "[2, 5, 3]").replace(
            "    batch_first", "    enforce_sorted: false\n    batch_first"
        )
        + _PACKED_ENCODER,
    ),
    "LS412": Explanation(
        "A padded batch is as long as its longest sequence: every shorter sequence ends in "
        "padding. So the last step of pad_packed_sequence's output is padding (zeros) for "
        "those sequences, not their last output, and the last step of a recurrent layer that "
        "ran over a padded batch is its state after reading the padding. A recurrent layer "
        "run on the packed sequence stops at each sequence's own length: its h_n[-1] is each "
        "sequence's last state (for a bidirectional layer, join h_n[-2] and h_n[-1]).",
        _PADDED + _PACK + _PACKED_ENCODER + _PAD + "  - type: Linear\n"
        "    input: 'pad.output[:, -1]'\n    in_features: 16\n    out_features: 2\n",
        _PADDED + _PACK + _PACKED_ENCODER + _PAD + "  - type: Linear\n"
        "    input: 'enc.h_n[-1]'\n    in_features: 16\n    out_features: 2\n",
    ),
    "LS413": Explanation(
        "h_n stacks num_layers * num_directions states, the first layer's first (and, for a "
        "bidirectional layer, each layer's forward state before its backward one). A decoder "
        "started from h_n[:k] or h_n[0:k] therefore gets the encoder's first layers, nearest "
        "the input, not its last ones, which have read the whole stack (the pattern "
        "encoder_hidden[:decoder.n_layers] of the PyTorch chatbot tutorial). Take the last "
        "layers' states with h_n[-k:].",
        _STACKED + "    initial_state: 'enc.h_n[:2]'\n",
        _STACKED + "    initial_state: 'enc.h_n[-2:]'\n",
    ),
    "LS414": Explanation(
        "Attention and AdditiveAttention score a query (batch, Tq, dim) against a key "
        "(batch, Tv, dim). Given a 2-D query, such as a recurrent layer's output without "
        "return_sequences, Keras takes it as (Tq, dim) with no batch axis: the scores are "
        "(batch, batch), and each sample attends to the other samples of its batch, mixing "
        "sequences that have nothing to do with each other. Nothing fails. With "
        "use_causal_mask the layer returns (1, batch, dv) when it runs, while a Keras model "
        "built on it takes (batch, dv) and builds the layers after it for that, so export "
        "refuses it. Attend over steps: return_sequences: true on the layer before, or a "
        "Reshape to [1, features] for a query of one step.",
        _KERAS
        + "  - name: rnn\n    type: LSTM\n    units: 16\n"
        + "  - type: Attention\n    input: [rnn, rnn]\n",
        _KERAS
        + "  - name: rnn\n    type: LSTM\n    units: 16\n    return_sequences: true\n"
        + "  - type: Attention\n    input: [rnn, rnn]\n",
    ),
}

VERIFY_MODEL_FILE = "model.py"
VERIFY_MODULE = "model:Tagger"
_VERIFY_MODEL = """\
import torch
from torch import nn


class Tagger(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.LSTM(8, 16, batch_first=True)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(16, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, _ = self.encoder(x)
        return self.head(output[:, -1])
"""
_VERIFIED_HEAD = """\
framework: torch
inputs:
  x: [B, 10, 8]
dims: {B: 2}
layers:
"""
_VERIFIED_ENCODER = """\
  - name: encoder
    type: LSTM
    input_size: 8
    hidden_size: 16
    batch_first: true
"""
_VERIFIED_LINEAR = """\
  - name: head
    type: Linear
    input: 'encoder.output[:, -1]'
    in_features: 16
    out_features: 4
"""
_VERIFIED = _VERIFIED_HEAD + _VERIFIED_ENCODER + _VERIFIED_LINEAR


def _verified(text: str, failing: str, fixed: str = _VERIFIED) -> Explanation:
    return Explanation(text, failing, fixed, model=_VERIFY_MODEL)


VERIFY_EXPLANATIONS: dict[str, Explanation] = {
    "LS501": _verified(
        "lstmshape verify finds each layer of the spec in the model under the layer's name: "
        "a torch module's attribute (self.encoder), or a Keras layer's name. When the model "
        "keeps it elsewhere, give the layer module: with the path to it (module: "
        "encoder.rnn, module: blocks.0). A torch function (cat, view) has no module and is "
        "not looked for.",
        _VERIFIED.replace("encoder", "enc"),
    ),
    "LS502": _verified(
        "The model's layer is not an instance of the spec's type (an nn.GRU where the spec "
        "says LSTM): the spec describes another model. A subclass of the type counts as it.",
        _VERIFIED.replace("type: LSTM", "type: GRU"),
    ),
    "LS503": _verified(
        "Each constructor argument of the spec, written or left at its default, is compared "
        "with what the model's layer was built with: a torch module's attribute of the same "
        "name (hidden_size, num_layers, bidirectional, kernel_size...), a Keras layer's "
        "get_config(). An argument the spec leaves to the framework's default is reported at "
        "the layer's type; one it writes, at its key.",
        _VERIFIED.replace("hidden_size: 16", "hidden_size: 16\n    num_layers: 2"),
    ),
    "LS504": _verified(
        "The layer's parameters counted in the model differ from lstmshape's count for the "
        "spec's layer: an argument that changes the weights differs (reported too), or the "
        "model's layer holds weights of its own that its type does not.",
        _VERIFIED.replace("hidden_size: 16", "hidden_size: 16\n    num_layers: 2"),
    ),
    "LS505": _verified(
        "verify runs the model on the spec's inputs (torch on the meta device, on shapes "
        "alone; Keras's graph is symbolic) and compares every tensor each layer returns "
        "(output, h_n, c_n, state_h...) with lstmshape's shape for it. A difference means "
        "the spec and the model wire the layer differently: it reads another tensor, or "
        "another slice of it.",
        _VERIFIED.replace("'encoder.output[:, -1]'", "encoder.output"),
    ),
    "LS506": _verified(
        "A submodule (torch) or layer (Keras) of the model that holds parameters of its own "
        "is no layer of the spec, nor inside one: the spec leaves part of the model out, and "
        "its parameter count with it.",
        _VERIFIED_HEAD + _VERIFIED_ENCODER,
    ),
    "LS507": _verified(
        "The model raised an error when it ran on the spec's inputs: its forward takes "
        "other inputs than the spec declares (another size, rank or number of inputs).",
        _VERIFIED.replace("[B, 10, 8]", "[B, 10, 6]").replace("input_size: 8", "input_size: 6"),
    ),
    "LS508": _verified(
        "The model has the spec's layer but does not call it when it runs (or calls it "
        "fewer times than the spec's reuse: layers do), so the spec describes a path the "
        "model does not take.",
        _VERIFIED_HEAD
        + _VERIFIED_ENCODER
        + "  - name: dropout\n    type: Dropout\n    p: 0.1\n"
        + _VERIFIED_LINEAR,
    ),
    "LS509": _verified(
        "verify runs the model on inputs of the spec's shapes, so every symbol of the "
        "inputs needs a value: give it with --dim B=4 or under the spec's dims:. The model "
        "runs without data, so a small value is as good as any.",
        _VERIFIED.replace("dims: {B: 2}\n", ""),
    ),
}


def _import_explanations() -> dict[str, Explanation]:
    from lstmshape.importing.explanations import IMPORT_EXPLANATIONS  # it uses Explanation

    return IMPORT_EXPLANATIONS


# In the registry's order, so that listings and SARIF rules follow the codes.
EXPLANATIONS = {
    code: explanation
    for code in RULES
    for explanation in [
        {
            **EXPLANATIONS,
            **KERAS_EXPLANATIONS,
            **PACKED_EXPLANATIONS,
            **VERIFY_EXPLANATIONS,
            **_import_explanations(),
        }.get(code)
    ]
    if explanation is not None
}
