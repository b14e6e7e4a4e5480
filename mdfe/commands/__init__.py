"""Sub-commands of the ``mdfe`` CLI, one module each.

Every module here defines ``NAME`` (the sub-command), ``HELP`` (one line),
``add_arguments(parser)`` and ``run(args) -> int``; :mod:`mdfe.cli` discovers them.
"""
