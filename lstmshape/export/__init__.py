"""``lstmshape export``: a checked spec written as the framework's own Python code."""
