"""Drawings of a checked model: ``lstmshape graph SPEC``.

:mod:`~lstmshape.drawing.picture` turns a parsed spec and its report into a
:class:`~lstmshape.drawing.picture.Picture` (nodes, edges, diagnostics); each
format (Mermaid, DOT, SVG, HTML) renders that picture and nothing else.
Nothing here is imported by ``lstmshape check``.
"""
