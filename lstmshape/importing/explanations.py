"""The explanations of the import's codes (LS510-LS516): their examples are Keras JSON.

Each failing example is a model's JSON as ``model.to_json()`` writes it, cut
to the keys the import reads, and ``lstmshape import`` reports the code on
it; each fixed one imports and checks clean (tests/importing/
test_import_explanations.py).  LS511 is about a binary archive and has no
text example; tests/importing/test_archives.py builds such archives.
"""

from __future__ import annotations

from dataclasses import replace

from lstmshape.explanations import Explanation

_INPUT = '{"class_name": "InputLayer", "config": {"name": "x", "batch_shape": [null, 10, 8]}}'
_LSTM = '{"class_name": "LSTM", "config": {"name": "lstm", "units": 16}}'
_LSTM_SEQUENCES = (
    '{"class_name": "LSTM", "config": {"name": "lstm", "units": 16, "return_sequences": true}}'
)


def _sequential(*layers: str) -> str:
    joined = ",\n  ".join((_INPUT, *layers))
    return (
        f'{{"class_name": "Sequential", "config": {{"name": "m", "layers": [\n  {joined}\n]}}}}\n'
    )


def _tensor(source: str) -> str:
    return (
        f'{{"class_name": "__keras_tensor__", "config": {{"keras_history": ["{source}", 0, 0]}}}}'
    )


def _functional(*layers: str) -> str:
    entries = [
        '{"class_name": "InputLayer", "name": "x", "config": {"name": "x", '
        '"batch_shape": [null, 10, 8]}, "inbound_nodes": []}',
        '{"class_name": "InputLayer", "name": "y", "config": {"name": "y", '
        '"batch_shape": [null, 10, 8]}, "inbound_nodes": []}',
        *layers,
    ]
    joined = ",\n  ".join(entries)
    return (
        f'{{"class_name": "Functional", "config": {{"name": "m", "layers": [\n  {joined}\n], '
        '"input_layers": [["x", 0, 0], ["y", 0, 0]]}}\n'
    )


def _node(*sources: str) -> str:
    return ", ".join(f'{{"args": [{_tensor(source)}], "kwargs": {{}}}}' for source in sources)


def _dense(name: str, *sources: str) -> str:
    return (
        f'{{"class_name": "Dense", "name": "{name}", "config": {{"name": "{name}", '
        f'"units": 4}}, "inbound_nodes": [{_node(*sources)}]}}'
    )


_WRITTEN: dict[str, Explanation] = {
    "LS510": Explanation(
        "lstmshape import reads a Keras model's architecture: the JSON of model.to_json(), "
        "or a .keras file saved by model.save() (whose config.json it reads). Anything else "
        "(JSON that is not valid, a layer's config instead of a model's, an archive without "
        "config.json, a Sequential model saved before it was built, with no input shape) "
        "is reported, and nothing is written.",
        '{"class_name": "LSTM", "config": {"name": "lstm", "units": 16}}\n',
        _sequential(_LSTM),
    ),
    "LS511": Explanation(
        "A .keras file is a zip archive, read without being extracted: only config.json is "
        "read, into memory. lstmshape refuses an archive that is not a plain zip, has a "
        "member whose name climbs out of it (../) or is absolute, declares more than 4 GiB "
        "uncompressed, or whose config.json unpacks to more than 16 MiB (it stops reading "
        "at the limit, whatever the archive claims). Save the model again with "
        "model.save(), or give model.to_json() instead.",
        None,
        None,
    ),
    "LS512": Explanation(
        "A Lambda layer stores its Python function in the model (as bytecode). lstmshape "
        "never runs it, nor anything else in the file, so the layer's output is unknown: the "
        "model is not imported. Replace the Lambda by Keras layers (x[:, -1] is an LSTM "
        "without return_sequences; a reshape is Reshape) and import again, or write the "
        "spec by hand.",
        _sequential(
            _LSTM_SEQUENCES,
            '{"class_name": "Lambda", "config": {"name": "last", "function": {"class_name": '
            '"__lambda__", "config": {"code": "4wEAAAAA"}}}}',
        ),
        _sequential(_LSTM),
    ),
    "LS513": Explanation(
        "A layer, model or object (an initializer, an activation) whose class is not "
        "Keras's own: its module is the user's, or it is registered under a custom name. "
        "lstmshape does not load or run its code, so it cannot know its shapes: the model "
        "is not imported. Use Keras's class, or write the spec by hand.",
        _sequential(
            '{"module": "my_project.layers", "class_name": "MyLSTM", "registered_name": '
            '"my_project>MyLSTM", "config": {"name": "lstm", "units": 16}}'
        ),
        _sequential(_LSTM),
    ),
    "LS514": Explanation(
        "A Keras layer type lstmshape does not model (`lstmshape explain` lists those it "
        "does), a whole model used as a layer, or a Keras operation applied in the model's "
        "code (x[:, -1], keras.ops.mean), which Keras saves as a node of its own. The model "
        "is not imported; use the layer lstmshape knows for it, or write that part of the "
        "spec by hand. (The operations Keras adds to pass masks between layers are left "
        "out: lstmshape follows masks itself.)",
        _sequential(
            _LSTM_SEQUENCES,
            '{"class_name": "Hashing", "config": {"name": "hashing", "num_bins": 4}}',
        ),
        _sequential(_LSTM),
    ),
    "LS515": Explanation(
        "lstmshape models each Keras layer called once. A layer called on two tensors (a "
        "shared layer, with one set of weights) or with a call argument its layer type does "
        "not take is reported, and the model is not imported; write one layer per call in "
        "the spec by hand.",
        _functional(_dense("shared", "x", "y")),
        _functional(_dense("dense_x", "x"), _dense("dense_y", "y")),
    ),
    "LS516": Explanation(
        "The Keras config has an argument that lstmshape's layer type does not take, with a "
        "value other than Keras's default. It is left out of the spec (a warning: the spec "
        "is still written and checked). Arguments that never change a shape (initializers, "
        "regularizers, constraints, dtype, trainable) are left out silently.",
        _sequential(
            '{"class_name": "LSTM", "config": {"name": "lstm", "units": 16, "future_option": 3}}'
        ),
        _sequential(_LSTM),
    ),
}
IMPORT_EXPLANATIONS = {code: replace(text, language="json") for code, text in _WRITTEN.items()}
