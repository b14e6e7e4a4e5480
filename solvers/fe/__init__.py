"""mdfe.solvers.fe: distributed finite-element elasticity in PETSc (petsc4py).

Meshes (P1/Q1: tri3, quad4, tet4, hex8; :mod:`.mesh` boxes, :mod:`.gmsh_mesh` graded 2D
(tri3 or quad4) meshes with MD-region bands, holes and pre-cut cracks, :mod:`.io` files via
meshio) are replicated on every FE rank — at 10^6 dofs that is tens of MB, small next to
the matrix. Matrix, vectors and KSP/SNES solves are distributed over the FE communicator:
:mod:`.layout` partitions nodes and elements with METIS (pymetis) and gives each rank a
contiguous block of PETSc rows; each rank assembles only its elements (vectorised numpy,
``setValuesCOO``). Global node ids are the mesh's row order and never depend on the rank
count; the PETSc order is private.

Contract with the coupling (all units Å, eV, eV/Å):

``ElasticityProblem(mesh, materials, comm=None, prefix="fe_", options=None)``
    ``locate(points (m, d)) -> (elem (m,), nodes (m, nen), shape (m, nen))``, elem = -1
    outside; local (no communication), any points, on every rank.
    ``set_dirichlet(node_ids | set name, values (k, c) | const | f(x), components=None)``
    ``clear_dirichlet()``
    ``set_nodal_forces(node_ids, forces (k, d))`` replaces the extra nodal forces; the
    matrix and preconditioner are reused by the next ``solve()``.
    ``add_traction(facet set | facets, t)``, ``add_body_force(b)``, ``clear_loads()``
    ``solve() -> Vec`` (also ``.u``); ``nodal_values(vec | "u", node_ids) -> (k, d)``
    (collective, any ids per rank); ``gather(vec) -> (n_nodes, d)`` on rank 0;
    ``from_nodal(array (n_nodes, d)) -> Vec``; ``node_coordinates(node_ids)``.
    ``internal_force(u) = K u − f_eig``, ``residual(u) = K u − f_eig − f_ext − f_nodal``
    (Vecs; read them at nodes with ``nodal_values``); ``energy(u)`` in eV.
    ``set_element_weights(w (n_elems,))``: stiffness weights in [0, 1] (0 in an
    atomistic core; nodes left without stiffness are held at zero).
    ``layout.owned_nodes``: global ids of this rank's nodes, in the order of the local
    part of every Vec (``vec.getArray().reshape(-1, d)``), for exchanges keyed by node id.
    ``K``, ``f_ext``, ``f_nodal``, ``f_eig``, ``u``: the PETSc objects themselves.
``HyperelasticProblem`` (:mod:`.hyperelastic`): the same mesh/BC interface for batched
    W(F) laws (:mod:`.hyperelastic_laws`: ``NeoHookean``, ``StVenantKirchhoff``), SNES.
``ExplicitDynamics`` (:mod:`.dynamics`): lumped-mass central differences.
``write_xdmf`` (:mod:`.output`): HDF5 + XDMF for ParaView, from rank 0.
Crack-tip K-fields for Dirichlet conditions: :mod:`mdfe.solvers.crack_field`.
"""
from mdfe.solvers.fe.errors import FEInputError
from mdfe.solvers.fe.materials import (GPA, N_PER_M, LinearElastic, anisotropic_3d, isotropic_C,
                                       membrane, misfit_eigenstrain, orthotropic_C, plane_strain,
                                       rotate_voigt)
from mdfe.solvers.fe.mesh import Mesh, box_mesh

__all__ = ["FEInputError", "GPA", "N_PER_M", "LinearElastic", "anisotropic_3d", "isotropic_C",
           "membrane", "misfit_eigenstrain", "orthotropic_C", "plane_strain", "rotate_voigt",
           "Mesh", "box_mesh"]

_LAZY = {"ElasticityProblem": "problem", "HyperelasticProblem": "hyperelastic",
         "ExplicitDynamics": "dynamics", "write_xdmf": "output", "read_mesh": "io",
         "graded_mesh": "gmsh_mesh", "error_norms": "norms",
         "NeoHookean": "hyperelastic_laws", "StVenantKirchhoff": "hyperelastic_laws"}


def __getattr__(name):
    """PETSc-backed parts load on first use, so meshes and laws work without PETSc."""
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(name)
