"""``mdfe label``: label configurations (extxyz) with DFT or any ASE calculator.

Resumable: run the same command again to continue; finished and failed entries are
skipped. Serial (one process); use OPENBLAS_NUM_THREADS=1 for one core. Exit status 0 when
every configuration attempted in this run was labelled, 3 when some failed (recorded in
OUTPUT.failed.jsonl).
"""
from __future__ import annotations

from mdfe.potentials.dft.calculators import make_backend
from mdfe.potentials.dft.labelling import label
from mdfe.potentials.dft.settings import DEFAULT_SETTINGS, load_settings

NAME = "label"
HELP = ("label configurations (extxyz) with energies, forces and stresses; resumable; "
        "exit status 3 if some failed")


def add_arguments(parser) -> None:
    parser.add_argument("input", help="extxyz file of configurations to label")
    parser.add_argument("output", help="extxyz file the labelled entries are appended to "
                        "(failures go to OUTPUT.failed.jsonl)")
    parser.add_argument("--calculator", default="gpaw",
                        help="'gpaw' (PBE plane waves, needs mdfe[dft]), 'emt', or "
                        "'module:factory' for any ASE calculator (default: gpaw)")
    parser.add_argument("--settings", default=str(DEFAULT_SETTINGS),
                        help="DFT settings TOML for gpaw (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=None,
                        help="stop after this many new entries")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds after which no new configuration is started")
    parser.add_argument("--gpaw-log", default=None,
                        help="file for GPAW's text output (default: none)")


def run(args) -> int:
    settings = load_settings(args.settings) if args.calculator == "gpaw" else None
    backend = make_backend(args.calculator, settings, txt=args.gpaw_log)
    summary = label(args.input, args.output, backend, limit=args.limit,
                    time_limit=args.time_limit)
    return 0 if summary.failed == 0 else 3
