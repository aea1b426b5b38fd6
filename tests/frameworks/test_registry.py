"""The layer-type registry is the only one: nothing derived from it can disagree with it."""

from __future__ import annotations

import typing
from typing import Any

import pytest

from lstmshape.diagnostics import RULES
from lstmshape.frameworks import FRAMEWORKS
from lstmshape.frameworks.keras.cells import RNNArgs
from lstmshape.frameworks.keras.recurrent import LoopArgs
from lstmshape.frameworks.keras.time_distributed import TimeDistributedConfig
from lstmshape.frameworks.layer_type import LAYER_TYPES, LayerType
from lstmshape.frameworks.torch.recurrent import LSTMConfig, RNNBaseConfig
from tests.helpers import check, codes

for _key in FRAMEWORKS:
    FRAMEWORKS[_key]  # import every framework, so that every type is registered

TYPES = list(LAYER_TYPES.values())
OTHER = {"torch": "keras", "keras": "torch"}

WITHOUT_SAMPLER: dict[tuple[str, str], str] = {
    ("torch", "view"): "torch's view raises on a non-contiguous input (a bidirectional or "
    "batch-first recurrent output), which lstmshape does not follow; reshape is drawn",
    ("torch", "t"): "no story has a matrix that a later layer reads in either order; t is "
    "transpose(0, 1) of a matrix, and its examples are compared with torch",
}
"""Types the differential oracle does not draw yet, each with the reason."""


def type_id(declared: LayerType[Any]) -> str:
    return f"{declared.framework}-{declared.name}"


def test_each_framework_lists_exactly_its_registered_types_in_order() -> None:
    for key in FRAMEWORKS:
        registered = [name for framework, name in LAYER_TYPES if framework == key]
        assert list(FRAMEWORKS[key].types) == registered
        assert list(FRAMEWORKS[key].layers) == registered
    assert {framework for framework, _ in LAYER_TYPES} == set(FRAMEWORKS)


@pytest.mark.parametrize("declared", TYPES, ids=type_id)
def test_the_declaration_is_complete(declared: LayerType[Any]) -> None:
    annotation = declared.config.model_fields["type"].annotation
    assert annotation == typing.Literal[declared.name]  # the config is the type's own
    assert declared.doc, "the rule's docstring is the type's documentation"
    assert declared.examples, "at least one example that checks clean"
    assert declared.failing, "at least one mistake and its code"
    assert all(mistake.code in RULES for mistake in declared.failing)
    assert declared.tensors_doc
    key = (declared.framework, declared.name)
    assert (declared.sample is not None) != (key in WITHOUT_SAMPLER)
    fields = declared.config.model_fields
    assert declared.input_field in fields
    assert set(declared.tensor_args) <= set(fields)
    assert set(declared.nests) <= set(fields)


@pytest.mark.parametrize("declared", TYPES, ids=type_id)
def test_every_tensor_an_example_produces_is_documented(declared: LayerType[Any]) -> None:
    for example in declared.examples:
        for name in example.tensors:
            assert f"`{name}`" in declared.tensors_doc, name


@pytest.mark.parametrize("declared", TYPES, ids=type_id)
def test_every_wrapper_named_exists_and_holds_layers(declared: LayerType[Any]) -> None:
    assert bool(declared.wrappers) == (declared.wrapped_config is not None)
    framework = FRAMEWORKS[declared.framework]
    for wrapper in declared.wrappers:
        assert framework.types[wrapper].nests, f"{wrapper} holds no layer"
    if declared.wrapped_config is not None:
        # the wrapped form is the layer's constructor arguments, nothing else
        assert set(declared.wrapped_config.model_fields) <= set(declared.config.model_fields)
    if "Bidirectional" in declared.wrappers:
        assert declared.wrapped_config is not None
        # a loop over time with go_backwards, return_sequences and return_state
        assert issubclass(declared.wrapped_config, LoopArgs | RNNArgs)


def test_the_other_frameworks_names_are_its_types_and_hinted_once() -> None:
    for key, framework in FRAMEWORKS.items():
        declared = [name for t in framework.types.values() for name in t.foreign_types]
        assert len(declared) == len(set(declared)) == len(framework.foreign_types)
        other = FRAMEWORKS[OTHER[key]]
        assert set(declared) <= set(other.types)
        assert not set(declared) & set(framework.types)


def test_nested_and_wrapped_fields_come_from_the_types() -> None:
    keras = FRAMEWORKS["keras"]
    assert keras.nested_fields == ("layer", "backward_layer", "cell")
    assert set(keras.wrapped_fields) == {
        *("LSTM", "GRU", "SimpleRNN", "RNN", "LSTMCell", "GRUCell", "SimpleRNNCell"),
        *("Dense", "Dropout", "Conv1D", "Conv2D", "SeparableConv1D"),
        *("GlobalAveragePooling1D", "GlobalMaxPooling1D"),
        *("GlobalAveragePooling2D", "GlobalMaxPooling2D"),
        *("BatchNormalization", "LayerNormalization", "Activation", "ReLU", "LeakyReLU"),
        *("PReLU", "ELU", "Softmax", "GaussianNoise", "GaussianDropout"),
        *("Conv3D", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"),
        *("MaxPooling1D", "AveragePooling1D", "MaxPooling2D", "AveragePooling2D"),
        *("SpatialDropout1D", "Masking", "RepeatVector", "Embedding"),
        *("Reshape", "Permute", "Flatten", "ZeroPadding1D", "Cropping1D", "UpSampling1D"),
        *("TimeDistributed", "Bidirectional"),
    }
    assert FRAMEWORKS["torch"].nested_fields == ()


@pytest.mark.parametrize("key", list(FRAMEWORKS))
def test_prefixes_are_module_paths_and_a_plain_name_is_itself(key: str) -> None:
    # normalize_type returns a name without a dot as it is written: no prefix can start it
    framework = FRAMEWORKS[key]
    assert all(prefix.endswith(".") and "." not in prefix[0] for prefix in framework.every_prefix)
    for name, declared in framework.types.items():
        assert framework.normalize_type(name) == name
        for prefix in framework.spellings(declared):
            assert framework.normalize_type(prefix + name) == name


def test_a_type_is_declared_once() -> None:
    from lstmshape.frameworks.layer_type import layer_type

    with pytest.raises(ValueError, match="torch layer type LSTM is declared twice"):
        layer_type("torch", "LSTM", LSTMConfig, examples=(), failing=())(lambda c, x: None)  # type: ignore[arg-type, return-value]


def test_a_layer_timedistributed_cannot_hold_is_ls104_with_the_reason() -> None:
    report = check(
        "framework: keras\ninputs: {x: [8, 10, 4]}\nlayers:\n"
        "  - type: TimeDistributed\n    layer: {type: Concatenate}\n"
    )
    assert codes(report) == ["LS104"]
    (diagnostic,) = report.diagnostics
    assert (diagnostic.line, diagnostic.column) == (5, 19)
    assert diagnostic.message == (
        "time_distributed.layer is Concatenate, which TimeDistributed cannot wrap: it reads a "
        "list of tensors, and TimeDistributed reads one (Keras raises ValueError: "
        "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, "
        "received: [...])"
    )
    assert diagnostic.hint is not None
    assert diagnostic.hint.startswith("TimeDistributed wraps every keras layer type but ")


def test_an_unregistered_wrapped_type_is_never_an_identity_layer() -> None:
    """Even a config built past validation gets LS104, not the input passed through."""
    from lstmshape.engine.tensors import LayerContext, Source, Tensor
    from lstmshape.frameworks.keras.concatenate import ConcatenateConfig

    inner = ConcatenateConfig.model_construct(type="Concatenate")
    config = TimeDistributedConfig.model_construct(type="TimeDistributed", layer=inner)
    declared = LAYER_TYPES[("keras", "TimeDistributed")]
    ctx = LayerContext(0, "td", [Source("x", Tensor((8, 10, 4)), ())], None)
    assert declared.check is not None
    assert declared.check(config, ctx) is False
    assert [(p.code, p.at) for p in ctx.problems] == [("LS104", ("layers", 0, "layer", "type"))]
    assert "TimeDistributed cannot wrap: it reads a list of tensors" in ctx.problems[0].message


def test_bidirectional_never_runs_a_layer_that_is_not_recurrent() -> None:
    from lstmshape.engine.tensors import LayerContext, Source, Tensor
    from lstmshape.frameworks.keras.bidirectional import BidirectionalConfig
    from lstmshape.frameworks.keras.dense import DenseArgs

    inner = DenseArgs.model_construct(type="Dense", units=3)
    config = BidirectionalConfig.model_construct(type="Bidirectional", layer=inner)
    declared = LAYER_TYPES[("keras", "Bidirectional")]
    ctx = LayerContext(0, "bi", [Source("x", Tensor((8, 10, 4)), ())], None)
    assert declared.tensors(config) == ("output",)
    assert declared.check is not None
    assert declared.check(config, ctx) is False
    assert [(p.code, p.at) for p in ctx.problems] == [("LS104", ("layers", 0, "layer", "type"))]


def test_a_torch_recurrent_type_warns_before_validation_fails() -> None:
    """lint_invalid comes from the declaration, not from a special case in the engine."""
    assert all(
        LAYER_TYPES[("torch", name)].lint_invalid is not None for name in ("LSTM", "GRU", "RNN")
    )
    assert issubclass(LSTMConfig, RNNBaseConfig)
    report = check(
        "framework: torch\ninputs: {x: [5, 3, 8]}\nlayers:\n"
        "  - {type: LSTM, input_size: 8, hidden_size: 4, dropout: 0.5, bias: 'yes'}\n"
    )
    assert sorted(codes(report)) == ["LS103", "LS401"]


def test_timedistributed_holds_spatialdropout1d_on_steps_of_its_rank() -> None:
    """Keras builds TimeDistributed(SpatialDropout1D) on 3-D input, whose steps are 2-D,
    and fails when it trains (IndexError: tuple index out of range): the rank the layer
    takes is its steps' rank (LS302), and on 4-D input it runs."""
    text = (
        "framework: keras\ninputs: {x: [2, 4, 8]}\nlayers:\n"
        "  - type: TimeDistributed\n    layer: {type: SpatialDropout1D, rate: 0.1}\n"
    )
    assert codes(check(text)) == ["LS302"]
    assert codes(check(text.replace("[2, 4, 8]", "[2, 4, 8, 3]"))) == []


WITHOUT_COST_RULE: set[tuple[str, str]] = set()
"""Types whose costs are still unknown (reported as null and ?): a set that only shrinks.

A type declared without a cost rule checks as before; its costs, and its model's, are
unknown.  Give it one (``cost=`` of its declaration) and take it off this list."""


def test_the_types_without_a_cost_rule_are_the_listed_ones() -> None:
    assert {key for key, declared in LAYER_TYPES.items() if declared.cost is None} == (
        WITHOUT_COST_RULE
    )


@pytest.mark.parametrize("declared", TYPES, ids=type_id)
def test_a_cost_rule_prices_every_example(declared: LayerType[Any]) -> None:
    from lstmshape.frameworks.docs import example_spec
    from lstmshape.runner import check_text

    for example in declared.examples:
        (report,) = check_text(example_spec(declared, example), "example.yaml")
        layer = report.layers[-1]  # after the layers that make its input, if any
        assert (layer.costs is None) == (declared.cost is None)
        assert (report.costs is None) == (declared.cost is None)
