"""Distribution of a (replicated) mesh over the ranks of an FE communicator.

Elements and nodes are partitioned with METIS (pymetis, nodal graph) on rank 0 and the
result broadcast, so every rank holds the same maps; with one rank, or when pymetis is
unavailable, contiguous blocks of node ids are used and every element goes to the rank
owning its first node. PETSc needs each rank's rows contiguous, so nodes get a *PETSc
index*: sorted by owner rank, then by global id. Global node ids (mesh row order) never
change; only the private PETSc order depends on the rank count.

Dofs are interlaced: PETSc dof = d · petsc_node + component (block size d).
"""
from __future__ import annotations

import numpy as np

from mdfe.solvers.fe.mesh import Mesh


def _partition(mesh: Mesh, n_parts: int) -> tuple[np.ndarray, np.ndarray]:
    """(element_part (n_elems,), node_part (n_nodes,)) for n_parts >= 1."""
    if n_parts > 1 and mesh.n_elems >= 4 * n_parts:
        try:
            import pymetis
        except ImportError:  # fall back to contiguous blocks below
            pymetis = None
        if pymetis is not None:
            opts = pymetis.Options(seed=1)
            res = pymetis.part_mesh(n_parts, mesh.elements, options=opts,
                                    gtype=pymetis.GType.NODAL)
            return np.asarray(res.element_part, np.int64), np.asarray(res.vertex_part, np.int64)
    node_part = (np.arange(mesh.n_nodes) * n_parts) // max(mesh.n_nodes, 1)
    return node_part[mesh.elements[:, 0]], node_part


class Layout:
    """Who owns what on ``comm`` (an mpi4py communicator).

    petsc_node (n_nodes,) PETSc index of each global node id.
    node_of_petsc (n_nodes,) inverse map.
    node_range (size + 1,) PETSc node offsets per rank; this rank owns
    [node_range[rank], node_range[rank + 1]).
    local_elements (n_loc,) global ids of the elements this rank assembles.
    """

    def __init__(self, mesh: Mesh, comm):
        self.comm = comm
        self.dim = mesh.dim
        size, rank = comm.Get_size(), comm.Get_rank()
        parts = _partition(mesh, size) if rank == 0 else None
        elem_part, node_part = comm.bcast(parts, root=0)
        self.node_of_petsc = np.argsort(node_part, kind="stable")
        self.petsc_node = np.empty_like(self.node_of_petsc)
        self.petsc_node[self.node_of_petsc] = np.arange(mesh.n_nodes)
        self.node_range = np.r_[0, np.cumsum(np.bincount(node_part, minlength=size))]
        self.local_elements = np.flatnonzero(elem_part == rank)
        self.n_nodes = mesh.n_nodes

    @property
    def owned_nodes(self) -> np.ndarray:
        """Global ids of the nodes this rank owns, in PETSc order."""
        r = self.comm.Get_rank()
        return self.node_of_petsc[self.node_range[r]:self.node_range[r + 1]]

    @property
    def n_owned_dofs(self) -> int:
        r = self.comm.Get_rank()
        return int(self.node_range[r + 1] - self.node_range[r]) * self.dim

    def dofs(self, node_ids: np.ndarray) -> np.ndarray:
        """PETSc dof indices (..., d) of global node ids of any shape (...)."""
        p = self.petsc_node[np.asarray(node_ids, np.int64)]
        return p[..., None] * self.dim + np.arange(self.dim)
