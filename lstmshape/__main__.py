"""``python -m lstmshape``: the warm path first (see :mod:`lstmshape.warm`)."""

from lstmshape.warm import entry

entry()
