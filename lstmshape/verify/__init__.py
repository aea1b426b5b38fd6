"""``lstmshape verify``: hold a spec to the user's own torch or Keras model."""
