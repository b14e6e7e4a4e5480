"""petsc4py import (through mdfe's single MPI stack) and small distributed helpers.

Vectors are PETSc MPI vectors in the private PETSc dof order of a
:class:`~mdfe.solvers.fe.layout.Layout`; these helpers move values between them and
nodal arrays indexed by global node id.
"""
from __future__ import annotations

import numpy as np

from mdfe._libs import load_petsc

try:
    load_petsc()
except OSError:   # libpetsc.so may be a linker script (INPUT(...)); petsc4py finds the
    pass          # real library through its own RPATH then
from petsc4py import PETSc  # noqa: E402  (after the MPI/PETSc libraries are loaded)

INT = PETSc.IntType


def index_set(indices: np.ndarray) -> "PETSc.IS":
    """A sequential IS over ``indices`` (any shape, flattened)."""
    return PETSc.IS().createGeneral(np.asarray(indices, INT).reshape(-1), comm=PETSc.COMM_SELF)


def gather_entries(vec: "PETSc.Vec", dofs: np.ndarray) -> np.ndarray:
    """Values of global PETSc entries ``dofs`` (any shape) of ``vec``, on this rank.

    Collective on vec's communicator; each rank may ask for different entries.
    """
    dofs = np.asarray(dofs, INT)
    seq = PETSc.Vec().createSeq(dofs.size, comm=PETSc.COMM_SELF)
    sc = PETSc.Scatter().create(vec, index_set(dofs), seq, None)
    sc.scatter(vec, seq, addv=PETSc.InsertMode.INSERT_VALUES, mode=PETSc.ScatterMode.FORWARD)
    out = seq.getArray(readonly=True).copy().reshape(dofs.shape)
    sc.destroy()
    seq.destroy()
    return out


def add_entries(vec: "PETSc.Vec", dofs: np.ndarray, values: np.ndarray,
                mode=PETSc.InsertMode.ADD_VALUES) -> None:
    """Add (or insert) values at global entries from any rank, then assemble (collective)."""
    dofs = np.asarray(dofs, INT).reshape(-1)
    vec.setValues(dofs, np.asarray(values, float).reshape(-1), addv=mode)
    vec.assemble()
