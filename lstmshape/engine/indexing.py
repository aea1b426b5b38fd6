"""Shapes of indexed tensors, as torch and NumPy index them."""

from __future__ import annotations

from lstmshape.models.common import MAX_RANK
from lstmshape.references import Subscript
from lstmshape.shapes import Dim, Shape


class IndexProblem(ValueError):
    """The index cannot apply to the shape; torch raises here too."""


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
    return None
