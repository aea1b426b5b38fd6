"""A module that imports nothing, for the test that verify says when torch is missing."""


def build() -> object:
    return object()
