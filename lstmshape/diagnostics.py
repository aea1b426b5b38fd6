"""The diagnostic value and the registry of diagnostic codes.

Every finding lstmshape reports is a :class:`Diagnostic`: an immutable value
with a stable code, a severity, a message, an optional hint and the 1-based
line and column of the YAML node it is about.  The engine does not know about
YAML; it reports a :class:`Problem` at a *node path* (``("layers", 0,
"input_size")``) and the runner turns the path into a position, once.
"""

from __future__ import annotations

from enum import Enum

from lstmshape.record import record

NodePath = tuple["str | int", ...]


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@record(frozen=True, slots=True)
class Rule:
    """What a diagnostic code means; its README entry is built from this."""

    code: str
    name: str
    severity: Severity
    summary: str


_RULES = (
    # LS0xx: the file itself
    Rule("LS001", "yaml-syntax", Severity.ERROR, "The file is not valid YAML."),
    Rule("LS002", "duplicate-key", Severity.ERROR, "A mapping has the same key twice."),
    Rule("LS003", "unsupported-tag", Severity.ERROR, "A YAML tag other than the plain types."),
    Rule(
        "LS004",
        "unreadable-file",
        Severity.ERROR,
        "The file cannot be read as UTF-8 text, or a directory cannot be listed.",
    ),
    Rule(
        "LS005",
        "not-a-spec",
        Severity.ERROR,
        "The document is empty, not a mapping, or has neither framework nor layers.",
    ),
    Rule(
        "LS006",
        "limit-exceeded",
        Severity.ERROR,
        "The file exceeds one of lstmshape's input limits.",
    ),
    Rule("LS009", "internal-error", Severity.ERROR, "lstmshape itself failed on this file."),
    # LS1xx: the spec's structure
    Rule(
        "LS101",
        "unknown-key",
        Severity.ERROR,
        "A key that the spec format or the layer does not have.",
    ),
    Rule(
        "LS102", "missing-key", Severity.ERROR, "A required key or constructor argument is missing."
    ),
    Rule("LS103", "wrong-type", Severity.ERROR, "A value has the wrong type."),
    Rule(
        "LS104",
        "unknown-layer-type",
        Severity.ERROR,
        "The layer type is not one the framework has.",
    ),
    Rule("LS105", "unknown-framework", Severity.ERROR, "framework is neither torch nor keras."),
    Rule(
        "LS106",
        "duplicate-name",
        Severity.ERROR,
        "Two layers, or a layer and an input, share a name.",
    ),
    Rule(
        "LS107",
        "invalid-dimension",
        Severity.ERROR,
        "A shape has a dimension that is not a positive integer, a symbol, an expression "
        "such as T - 2, or null.",
    ),
    Rule(
        "LS108",
        "invalid-argument",
        Severity.ERROR,
        "A constructor argument the framework rejects when the layer is built.",
    ),
    Rule(
        "LS109",
        "removed-argument",
        Severity.ERROR,
        "An argument the framework has removed (Keras 3: time_major, batch_input_shape).",
    ),
    # LS2xx: references between layers
    Rule(
        "LS201",
        "malformed-reference",
        Severity.ERROR,
        "A reference is not NAME, NAME.TENSOR or either followed by an index.",
    ),
    Rule(
        "LS202",
        "unknown-reference",
        Severity.ERROR,
        "A reference names an input, layer or tensor that does not exist (yet).",
    ),
    Rule(
        "LS203",
        "bad-index",
        Severity.ERROR,
        "An index is out of range or has more entries than the tensor has dimensions.",
    ),
    Rule(
        "LS204",
        "ambiguous-input",
        Severity.ERROR,
        "The first layer has no input: and the spec has no single input to default to.",
    ),
    # LS3xx: shapes the framework rejects when the model runs
    Rule(
        "LS301",
        "feature-mismatch",
        Severity.ERROR,
        "A layer's input has a different number of features than the layer takes.",
    ),
    Rule(
        "LS302",
        "wrong-rank",
        Severity.ERROR,
        "A layer's input has a number of dimensions the layer does not accept.",
    ),
    Rule(
        "LS303",
        "initial-state-mismatch",
        Severity.ERROR,
        "An initial state has a different shape than the layer's state.",
    ),
    Rule(
        "LS304",
        "initial-state-count",
        Severity.ERROR,
        "A layer is given the wrong number of initial states.",
    ),
    Rule(
        "LS305",
        "concat-mismatch",
        Severity.ERROR,
        "Tensors to concatenate differ in rank or in a dimension other than the one joined.",
    ),
    Rule(
        "LS306",
        "expect-mismatch",
        Severity.ERROR,
        "A shape declared under expect: differs from the computed one.",
    ),
    Rule(
        "LS307",
        "input-shape-mismatch",
        Severity.ERROR,
        "A first layer's input_shape disagrees with the input declared under inputs:.",
    ),
    Rule(
        "LS308",
        "unknown-feature-dim",
        Severity.ERROR,
        "A Keras layer's weights are sized by a dimension of its input that is unknown or a "
        "symbol.",
    ),
    Rule(
        "LS309",
        "stateful-unknown-batch",
        Severity.ERROR,
        "A stateful Keras layer reads an input whose batch size is unknown.",
    ),
    Rule(
        "LS310",
        "merge-mismatch",
        Severity.ERROR,
        "A Bidirectional layer merges directions of shapes Keras cannot merge (different "
        "sizes under sum, mul or ave; under concat, on another axis than the last).",
    ),
    Rule(
        "LS311",
        "masked-unroll",
        Severity.ERROR,
        "An unrolled recurrent layer runs backwards over a masked input; Keras fails when it runs.",
    ),
    Rule(
        "LS312",
        "element-count-mismatch",
        Severity.ERROR,
        "A reshape or view asks for a shape with a different number of elements than its input.",
    ),
    Rule(
        "LS313",
        "broadcast-mismatch",
        Severity.ERROR,
        "Tensors combined elementwise or as batches of matrices have sizes that do not broadcast.",
    ),
    Rule(
        "LS314",
        "packed-index",
        Severity.ERROR,
        "A packed sequence is indexed as a tensor (torch raises); its data is [0] or .data.",
    ),
    Rule(
        "LS315",
        "packed-input",
        Severity.ERROR,
        "A layer that takes a tensor reads a packed sequence (torch raises TypeError).",
    ),
    Rule(
        "LS316",
        "not-packed",
        Severity.ERROR,
        "pad_packed_sequence reads a tensor that is not a packed sequence (torch raises).",
    ),
    Rule(
        "LS317",
        "packed-lengths",
        Severity.ERROR,
        "pack_padded_sequence's lengths or pad_packed_sequence's total_length do not fit the "
        "batch.",
    ),
    Rule(
        "LS318",
        "mask-mismatch",
        Severity.ERROR,
        "A layer is given a mask it cannot apply to its input; Keras fails when it runs.",
    ),
    Rule(
        "LS319",
        "torch-backend-fails",
        Severity.WARNING,
        "A Keras layer runs on TensorFlow and JAX but fails on Keras's torch backend.",
    ),
    Rule(
        "LS320",
        "window-too-large",
        Severity.ERROR,
        "A convolution, pooling or cropping window is larger than its padded input (or the "
        "padding mode cannot pad that much): the framework raises.",
    ),
    Rule(
        "LS322",
        "dropout2d-rank",
        Severity.WARNING,
        "Dropout2d reads an input that is not (N, C, H, W); torch warns (and raises below 2-D).",
    ),
    Rule(
        "LS323",
        "one-value-per-channel",
        Severity.ERROR,
        "BatchNorm normalizes each channel over a single value; torch raises in training mode.",
    ),
    Rule(
        "LS325",
        "mask-dropped",
        Severity.WARNING,
        "A Keras layer that cannot use a mask is given one: it drops it (Keras warns).",
    ),
    Rule(
        "LS326",
        "attention-mismatch",
        Severity.ERROR,
        "An attention's key and value differ in steps or batch, its query and key in batch, or "
        "a mask does not fit them; the framework raises (Keras, for most, only when it runs).",
    ),
    Rule(
        "LS335",
        "one-lstm-cell-list",
        Severity.ERROR,
        "Keras's RNN over a list of one LSTMCell loops in a way that fails when it runs.",
    ),
    Rule(
        "LS330",
        "merge-input-count",
        Severity.ERROR,
        "A Keras merge or attention layer is given one tensor instead of a list, or Subtract or "
        "Dot not exactly two, Attention or AdditiveAttention not two or three.",
    ),
    Rule(
        "LS331",
        "input-as-layer",
        Severity.ERROR,
        "A Keras Input or InputLayer written as a layer; a spec declares its inputs under "
        "inputs: or input_shape.",
    ),
    # LS4xx: silent bugs, framework warnings and the spec's own suppression comments
    Rule(
        "LS350",
        "unequal-directions",
        Severity.WARNING,
        "A Keras Bidirectional's backward_layer returns another shape than its layer (other "
        "units, filters or window): Keras's model takes both directions to have the forward "
        "layer's shape, and the layers after it fail when they run.",
    ),
    Rule(
        "LS401",
        "dropout-single-layer",
        Severity.WARNING,
        "Recurrent dropout with num_layers == 1 does nothing (torch warns).",
    ),
    Rule(
        "LS402",
        "bidirectional-last-state",
        Severity.WARNING,
        "h_n[-1] of a bidirectional layer is only the backward direction.",
    ),
    Rule(
        "LS403",
        "bidirectional-last-step",
        Severity.WARNING,
        "The last time step of a bidirectional output is the backward direction's first step.",
    ),
    Rule(
        "LS404",
        "unbatched-input",
        Severity.WARNING,
        "A 2-D input is read by torch as one unbatched sequence.",
    ),
    Rule(
        "LS405",
        "batch-first-mismatch",
        Severity.WARNING,
        "A layer reads another's output with a different batch_first.",
    ),
    Rule(
        "LS406",
        "ignored-input-shape",
        Severity.WARNING,
        "input_shape on a layer other than the first is ignored by Keras.",
    ),
    Rule(
        "LS407",
        "dropout-clipped",
        Severity.WARNING,
        "A Keras recurrent dropout outside [0, 1] is silently clipped.",
    ),
    Rule(
        "LS408",
        "deprecated-argument",
        Severity.WARNING,
        "An argument or default the framework still accepts but has deprecated (Keras's Embedding "
        "input_length; torch's Softmax without dim).",
    ),
    Rule(
        "LS409",
        "extra-initial-state",
        Severity.WARNING,
        "A Keras layer is given more initial states than it takes; Keras ignores the rest.",
    ),
    Rule(
        "LS410",
        "invalid-suppression",
        Severity.WARNING,
        "A # lstmshape: comment that is not understood, or an unknown code in one.",
    ),
    Rule(
        "LS411",
        "unused-suppression",
        Severity.WARNING,
        "With --strict: a suppression comment, or a code in it, suppresses nothing on its line.",
    ),
    Rule(
        "LS412",
        "padded-last-step",
        Severity.WARNING,
        "The last step of a padded batch is padding for every sequence shorter than the longest.",
    ),
    Rule(
        "LS413",
        "first-layers-state",
        Severity.WARNING,
        "An initial state sliced h_n[:k] takes the encoder's first layers' states, not its last.",
    ),
    Rule(
        "LS414",
        "attention-across-batch",
        Severity.WARNING,
        "A Keras Attention or AdditiveAttention query is 2-D (batch, features): Keras scores "
        "its first axis as the steps, so the batch's samples attend to each other.",
    ),
    # LS5xx: lstmshape verify, the spec against the user's own model
    Rule(
        "LS501",
        "verify-no-counterpart",
        Severity.ERROR,
        "verify: the model has no submodule or layer where the spec's layer should be.",
    ),
    Rule(
        "LS502",
        "verify-layer-class",
        Severity.ERROR,
        "verify: the model's layer is of another class than the spec's type.",
    ),
    Rule(
        "LS503",
        "verify-argument",
        Severity.ERROR,
        "verify: a constructor argument differs between the spec and the model.",
    ),
    Rule(
        "LS504",
        "verify-parameters",
        Severity.ERROR,
        "verify: a layer's parameter count differs between the spec and the model.",
    ),
    Rule(
        "LS505",
        "verify-shape",
        Severity.ERROR,
        "verify: a tensor the model makes, or an input it takes, has another shape than the "
        "spec's.",
    ),
    Rule(
        "LS506",
        "verify-undescribed",
        Severity.ERROR,
        "verify: a part of the model that holds parameters is described by no layer of the spec.",
    ),
    Rule(
        "LS507",
        "verify-run-failed",
        Severity.ERROR,
        "verify: the model raised an error when run on the spec's inputs.",
    ),
    Rule(
        "LS508",
        "verify-not-called",
        Severity.ERROR,
        "verify: the model does not call the spec's layer as often as the spec does.",
    ),
    Rule(
        "LS509",
        "verify-dim-needed",
        Severity.ERROR,
        "verify: a symbol of the inputs has no value to run the model with (--dim, dims:).",
    ),
    # LS51x: `lstmshape import`, reading a Keras model's saved architecture
    Rule(
        "LS510",
        "not-a-keras-model",
        Severity.ERROR,
        "The file imported is not a Keras model's architecture (model.to_json(), a .keras file).",
    ),
    Rule(
        "LS511",
        "unsafe-archive",
        Severity.ERROR,
        "A .keras archive that is refused: too large, a member path outside it, not a zip.",
    ),
    Rule(
        "LS512",
        "lambda-layer",
        Severity.ERROR,
        "A Lambda layer: its Python code is neither read nor run, so its shapes are unknown.",
    ),
    Rule(
        "LS513",
        "custom-object",
        Severity.ERROR,
        "A custom layer or object (not Keras's own): its code is neither loaded nor run.",
    ),
    Rule(
        "LS514",
        "unsupported-import",
        Severity.ERROR,
        "A Keras layer type, operation or nested model that lstmshape does not model.",
    ),
    Rule(
        "LS515",
        "unsupported-call",
        Severity.ERROR,
        "A layer called more than once, or with a call argument lstmshape does not model.",
    ),
    Rule(
        "LS516",
        "dropped-argument",
        Severity.WARNING,
        "A Keras argument with no counterpart in lstmshape's layer type, left out of the spec.",
    ),
)

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}


@record(frozen=True, slots=True)
class Problem:
    """A finding before it has a position: what the engine and validators emit."""

    code: str
    message: str
    at: NodePath
    hint: str | None = None
    layer: str | None = None
    on_key: bool = False
    """Whether the problem is about the key at ``at`` rather than its value."""
    within: tuple[str, int] | None = None
    """A string value and the offset in it of what the problem is about (a
    mistake inside a dimension expression), when the caret can point there."""

    @property
    def severity(self) -> Severity:
        return RULES[self.code].severity


@record(frozen=True, slots=True)
class Diagnostic:
    """One reported finding, located in a file (1-based line and column)."""

    code: str
    severity: Severity
    message: str
    line: int
    column: int
    hint: str | None = None
    layer: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


_LOOK_ALIKE_DIGITS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def closest_code(written: str) -> str | None:
    """The code a misspelt one most likely means, or None.

    Letters that look like digits are read as those digits first, so that
    ``LS4O1`` is LS401 rather than LS411, which is as few edits away.
    """
    from lstmshape.models.errors import did_you_mean

    upper = written.upper()
    prefix, digits = upper[:2], upper[2:]
    read = prefix + digits.translate(_LOOK_ALIKE_DIGITS)
    if read in RULES:
        return read
    return did_you_mean(written, RULES)
