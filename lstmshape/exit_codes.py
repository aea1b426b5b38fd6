"""The exit codes, in a module of their own so the command line imports nothing else for them.

0: every spec checked without an error; 1: a spec has an error (or, with
``--strict``, a warning); 2: lstmshape could not do what was asked (a usage
error, an unreadable input, an output it could not write).
"""

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
