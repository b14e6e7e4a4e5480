"""The ``mdfe`` command line: ``mdfe <command> ...`` (also ``python -m mdfe``).

Sub-commands live in :mod:`mdfe.commands` (one module each) and are discovered here.
Under ``mpirun`` an exception on any rank aborts the whole job with that rank's message
(:func:`mdfe.runtime.abort_on_error`). One BLAS thread per rank: set on ``import mdfe``.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from mdfe import commands
from mdfe.runtime import abort_on_error


def _command_modules():
    """The sub-command modules, sorted by name."""
    mods = [importlib.import_module(f"{commands.__name__}.{m.name}")
            for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")]
    return sorted(mods, key=lambda m: m.NAME)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mdfe", description="Concurrent atomistic-continuum simulation (FE-MD).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for mod in _command_modules():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with abort_on_error():
        return int(args._run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
