"""ASE calculators for the labelling tests, importable as 'dft_test_calculators:<name>'.

- ``SlowEMT``: EMT that sleeps ``MDFE_TEST_SLEEP`` s per calculation and appends the
  fingerprint of every configuration it starts to the file ``MDFE_TEST_CALL_LOG``.
- ``FailingEMT``: EMT that raises (like a non-converged SCF) for cells of 8 atoms.
"""
from __future__ import annotations

import os
import time

from ase.calculators.emt import EMT


class SCFNotConverged(RuntimeError):
    """Stands in for GPAW's KohnShamConvergenceError."""


class _SlowEMT(EMT):
    def calculate(self, atoms=None, properties=("energy",), system_changes=None):
        from mdfe.potentials.dft.store import config_id
        log = os.environ.get("MDFE_TEST_CALL_LOG")
        if log and atoms is not None:
            with open(log, "a") as fh:
                fh.write(config_id(atoms) + "\n")
        time.sleep(float(os.environ.get("MDFE_TEST_SLEEP", "0")))
        super().calculate(atoms, properties, system_changes or ["positions"])


class _FailingEMT(EMT):
    def calculate(self, atoms=None, properties=("energy",), system_changes=None):
        if atoms is not None and len(atoms) == 8:
            raise SCFNotConverged("density did not converge in 300 iterations")
        super().calculate(atoms, properties, system_changes or ["positions"])


def SlowEMT():  # noqa: N802 - used as 'module:factory'
    return _SlowEMT()


def FailingEMT():  # noqa: N802
    return _FailingEMT()
