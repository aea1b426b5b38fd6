"""Shapes of indexed tensors, as torch and NumPy index them, and of a packed
sequence's fields, as Python indexes the named tuple torch's PackedSequence is."""

from __future__ import annotations

from lstmshape.engine.tensors import Packed, Tensor
from lstmshape.models.common import MAX_RANK
from lstmshape.references import Subscript
from lstmshape.shapes import Dim, Shape


class IndexProblem(ValueError):
    """The index cannot apply to the shape; torch raises here too."""


class PackedIndexProblem(ValueError):
    """A packed sequence indexed as a tensor, or a field it does not hold; torch raises."""


PACKED_FIELDS = ("data", "batch_sizes", "sorted_indices", "unsorted_indices")


def packed_field(tensor: Tensor, packed: Packed, items: Subscript) -> Tensor:
    """``packed[0]``: the field of a PackedSequence (data, batch_sizes, sorted_indices,
    unsorted_indices) that one integer index takes."""
    if len(items) != 1 or not isinstance(items[0], int):
        written = "[" + ", ".join(_item_text(item) for item in items) + "]"
        if len(items) == 1 and isinstance(items[0], slice):
            raise PackedIndexProblem(
                f"{written} of a packed sequence is a tuple of its fields, not a tensor"
            )
        raise PackedIndexProblem(
            f"{written} indexes a packed sequence as a tensor, but a PackedSequence is a "
            "tuple (data, batch_sizes, sorted_indices, unsorted_indices): torch raises "
            "TypeError: tuple indices must be integers or slices"
        )
    index = items[0]
    if not -len(PACKED_FIELDS) <= index < len(PACKED_FIELDS):
        raise PackedIndexProblem(
            f"[{index}] is out of range: a packed sequence has 4 fields, "
            f"{', '.join(PACKED_FIELDS)} (torch raises IndexError)"
        )
    field = PACKED_FIELDS[index]
    if field == "data":
        return Tensor(tensor.shape)
    if field == "batch_sizes":
        return Tensor((packed.longest,))
    if packed.enforce_sorted:
        raise PackedIndexProblem(
            f"[{index}] is {field}, which is None with enforce_sorted: true (the batch was "
            "sorted already), not a tensor"
        )
    return Tensor((packed.batch,))


def _item_text(item: object) -> str:
    if isinstance(item, slice):
        parts = ["" if part is None else str(part) for part in (item.start, item.stop)]
        return ":".join(parts) + ("" if item.step is None else f":{item.step}")
    return "..." if item is Ellipsis else str(item)


def apply_subscript(shape: Shape, items: Subscript) -> Shape:
    consuming = sum(1 for item in items if item is not None and item is not Ellipsis)
    if consuming > len(shape):
        raise IndexProblem(f"too many indices: {consuming} for a tensor of {len(shape)} dimensions")
    if Ellipsis not in items:
        items = (*items, Ellipsis)
    # Like torch, every '...' stands for the dimensions no other entry takes;
    # a second '...' is allowed (x[..., ...]) and covers what is left of them.
    fill = len(shape) - consuming
    result: list[Dim] = []
    axis = 0
    for item in items:
        if item is None:
            result.append(1)
        elif item is Ellipsis:
            result.extend(shape[axis : axis + fill])
            axis += fill
        elif axis >= len(shape):
            raise IndexProblem(
                f"the index reaches past the last dimension: each '...' stands for {fill} "
                f"of the tensor's {len(shape)} dimensions here"
            )
        elif isinstance(item, slice):
            result.append(_slice_length(item, shape[axis], axis))
            axis += 1
        else:
            _check_int_index(item, shape[axis], axis)
            axis += 1
    if len(result) > MAX_RANK:
        raise IndexProblem(
            f"the index makes a tensor of {len(result)} dimensions; lstmshape takes "
            f"tensors of at most {MAX_RANK} dimensions"
        )
    return tuple(result)


def _check_int_index(index: int, size: Dim, axis: int) -> None:
    if isinstance(size, int) and not -size <= index < size:
        raise IndexProblem(
            f"index {index} is out of range for dimension {axis} of size {size} "
            f"(valid: {-size} to {size - 1})"
        )


def _slice_length(item: slice, size: Dim, axis: int) -> Dim:
    step = 1 if item.step is None else item.step
    if step <= 0:
        raise IndexProblem(
            f"slice step must be greater than zero, found {step} at dimension {axis}"
        )
    if isinstance(size, int):
        return len(range(*item.indices(size)))
    if item.start in (None, 0) and item.stop is None and step == 1:
        return size
    first = item.start in (None, 0) and item.stop == 1  # [:1]
    last = item.start == -1 and item.stop is None  # [-1:]
    if step == 1 and (first or last):
        return 1  # every dimension is at least 1, so one step of it is one step
    return None
