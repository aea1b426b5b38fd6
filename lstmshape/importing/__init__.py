"""``lstmshape import``: a Keras model's saved architecture written as a spec.

(The package is ``importing`` because ``import`` is Python's keyword.)
"""
