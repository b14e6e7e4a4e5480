"""Coupled test cases shared by the coupling tests and MPI scripts (test helpers).

Each builder returns a :class:`Case` whose arrays are the same on every rank: the FE mesh
(structured, replicated), the region geometries, and per region the atoms (ASE Atoms of
core + band + pad), their roles and sublattices. Nothing here creates LAMMPS or PETSc
objects; :func:`md_regions` and the solver scripts do that on their communicators.
"""
from __future__ import annotations

import dataclasses
import functools

import numpy as np

import mdfe  # noqa: F401
from mdfe.coupling.geometry import OUTSIDE, Outline, RegionGeometry
from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.unit_cells import bulk_primitive, hexagonal_primitive
from mdfe.solvers.fe.mesh import box_mesh
from mdfe.solvers.md.structures import bulk_crystal, relaxed_lattice_constant, sheet


@dataclasses.dataclass
class Case:
    potential: LammpsPotential
    mesh: object
    geometries: list
    atoms: list          # ASE Atoms per region (core + band + pad), IDs 1..n in order
    roles: list          # (n,) role codes per region
    material: str        # "graphene" or an element symbol (bulk)
    a: float             # lattice constant, Å
    unit_cell: object    # primitive cell for the Cauchy–Born law


def _region_atoms(crystal, geom, dim):
    role = geom.roles(crystal.positions[:, :dim])
    keep = np.flatnonzero(role != OUTSIDE)
    return crystal[keep], role[keep]


@functools.lru_cache(maxsize=None)
def graphene_case(n_regions: int = 1, h: float = 2.5) -> Case:
    """A graphene sheet body (FE: tri3 box, element size ~h Å) with 1 or 2 MD regions."""
    pot = LammpsPotential.tersoff()
    a = relaxed_lattice_constant(pot, "graphene")
    nx, ny = (24, 9) if n_regions == 2 else (16, 9)
    crystal = sheet("graphene", pot, nx, ny, "zigzag", a=a)
    L = np.array([nx * a, ny * a * np.sqrt(3)])
    # shift the lattice off the mesh lines (atoms strictly inside elements is not needed,
    # but a generic offset avoids aligned ties)
    crystal.positions[:, :2] += [0.37, 0.41]
    mesh = box_mesh(L + 0.8, np.maximum(2, np.round((L + 0.8) / h)).astype(int), "tri3")
    centres = ([L / 2 + 0.4] if n_regions == 1 else
               [np.array([0.27, 0.5]) * L + 0.4, np.array([0.73, 0.5]) * L + 0.4])
    geoms = [RegionGeometry(Outline.box(c - 3.0, c + 3.0), band_width=5.0, pad_width=4.5,
                            blend_width=1.5, name=f"md{i}") for i, c in enumerate(centres)]
    parts = [_region_atoms(crystal, g, 2) for g in geoms]
    return Case(pot, mesh, geoms, [p[0] for p in parts], [p[1] for p in parts], "graphene", a,
                hexagonal_primitive("graphene", a))


@functools.lru_cache(maxsize=None)
def fcc_case(n_regions: int = 1, h: float = 2.25) -> Case:
    """A 3D fcc Cu body (EAM, Cu_u3.eam; FE: tet4 box) with 1 or 2 MD regions."""
    pot = LammpsPotential.eam("Cu_u3.eam")
    a = relaxed_lattice_constant(pot, "Cu", "fcc")
    n = (19, 10, 10) if n_regions == 2 else (10, 10, 10)
    crystal = bulk_crystal("Cu", "fcc", pot, size=n, a=a)
    L = np.array(n) * a
    crystal.positions += 0.3
    mesh = box_mesh(L + 0.6, np.maximum(2, np.round((L + 0.6) / h)).astype(int), "tet4")
    rc = pot.cutoff
    centres = ([L / 2 + 0.3] if n_regions == 1 else
               [np.array([0.25, 0.5, 0.5]) * L + 0.3, np.array([0.75, 0.5, 0.5]) * L + 0.3])
    geoms = [RegionGeometry(Outline.box(c - 2.0, c + 2.0), band_width=rc, pad_width=2 * rc,
                            blend_width=1.0, name=f"md{i}") for i, c in enumerate(centres)]
    parts = [_region_atoms(crystal, g, 3) for g in geoms]
    return Case(pot, mesh, geoms, [p[0] for p in parts], [p[1] for p in parts], "Cu", a,
                bulk_primitive("Cu", "fcc", a))


def split(comm, layout, n_regions):
    """(fe_comm or None, [md_comm or None per region]) on ``comm``: ``shared`` puts every
    group on every rank; ``disjoint`` puts the FE on rank 0 and the MD regions on the
    other ranks (round robin; a region shares a rank when there are too few)."""
    size, rank = comm.Get_size(), comm.Get_rank()
    # PetscInitialize is collective on COMM_WORLD: every rank, FE or not, imports PETSc
    mdfe._libs.load_petsc()
    from petsc4py import PETSc  # noqa: F401
    if layout == "shared" or size == 1:
        return comm, [comm] * n_regions
    from mpi4py import MPI
    fe = comm.Split(0 if rank == 0 else MPI.UNDEFINED, rank)
    mds = []
    md_ranks = np.arange(1, size)
    for r in range(n_regions):
        mine = md_ranks[r % len(md_ranks)::n_regions] if len(md_ranks) >= n_regions \
            else md_ranks[r % len(md_ranks):r % len(md_ranks) + 1]
        mds.append(comm.Split(0 if rank in mine else MPI.UNDEFINED, rank))
    return (fe if fe != MPI.COMM_NULL else None), [m if m != MPI.COMM_NULL else None
                                                    for m in mds]
