"""Independent references for the coupling tests (test helpers).

- :func:`homogeneous_positions`: atoms of a crystal deformed uniformly by F = 1 + H at
  F X + ξ_s(F) − ξ_s(1), with ξ straight from the Cauchy–Born unit cell (not through the
  coupling's interpolation operator or its shift adapter).
- :func:`uniaxial_response`: strain and stress of the periodic crystal under uniaxial
  stress along x, by a direct LAMMPS computation (``fix box/relax`` of the transverse box
  lengths at imposed ε_xx = ±δ; the odd part removes the quadratic non-linearity).
- :func:`pins`: three (2D) or six (3D) pinned dofs that remove rigid-body motion and
  leave a homogeneous strain about the first pinned node free.
"""
from __future__ import annotations

import numpy as np

import mdfe  # noqa: F401
from mdfe.potentials.lammps_cell import create_system, open_lammps
from mdfe.potentials.properties.unit_cells import bulk_primitive, hexagonal_rectangular


def homogeneous_positions(X, sublattice, H, law) -> np.ndarray:
    """Exact positions (n, 3) Å at F = 1 + H (H: (dim, dim)) of atoms with reference sites
    X (n, 3) Å and sublattice labels (n,) (ignored for a Bravais lattice)."""
    dim = len(H)
    x = np.array(X, float)
    x[:, :dim] += x[:, :dim] @ H.T
    if law.shift is not None:
        F = np.eye(dim) + H
        cb = law.cb
        xi = cb.xi(F[None])[0] - cb.xi(np.eye(dim)[None])[0]          # (nb, 3)
        basis_of_sub = np.argsort(cb.unit_cell.sublattice)
        x[:, :dim] += xi[basis_of_sub[np.asarray(sublattice)], :dim]
    return x


def uniaxial_response(potential, material: str, a: float, eps_xx: float, delta: float = 1e-4):
    """(strain (dim, dim), σ_xx) of the crystal under uniaxial stress with ε_xx = eps_xx, to
    first order: σ_xx in eV/Å² (sheets, force per length) or eV/Å³ (bulk)."""
    from mpi4py import MPI
    if material in ("graphene", "hBN"):
        cell = hexagonal_rectangular(material, a, "zigzag", 20.0).repeat(3, 2)
        dim, relax = 2, "y 0.0"
    else:
        cell = bulk_primitive(material, "fcc", a, cubic=True).repeat(3, 3, 3)
        dim, relax = 3, "y 0.0 z 0.0 couple none"
    out = []
    for sign in (1.0, -1.0):
        lmp = open_lammps(MPI.COMM_SELF)
        create_system(lmp, potential, cell.cell, cell.positions, cell.symbols, "p p p")
        L0 = np.array([lmp.extract_box()[1][k] - lmp.extract_box()[0][k] for k in range(3)])
        lmp.commands_list([
            f"change_box all x scale {1 + sign * delta!r} remap units box",
            f"fix relax all box/relax {relax} vmax 0.0001 nreset 1",
            "min_modify line quadratic",
            "minimize 0.0 1e-12 20000 200000",
            "unfix relax", "min_style cg", "minimize 0.0 1e-13 20000 200000", "run 0"])
        L = np.array([lmp.extract_box()[1][k] - lmp.extract_box()[0][k] for k in range(3)])
        pxx = lmp.get_thermo("pxx") / lmp.extract_global("nktv2p")     # eV/Å³
        sigma = -pxx * (L[2] if dim == 2 else 1.0)
        out.append((L[:dim] / L0[:dim] - 1.0, sigma))
        lmp.close()
    strain_per = (out[0][0] - out[1][0]) / (2 * delta)
    sigma_per = (out[0][1] - out[1][1]) / (2 * delta)
    return np.diag(strain_per * eps_xx), sigma_per * eps_xx


def pins(mesh):
    """[(node, components), ...]: a corner fixed, rollers removing the rotations."""
    X = mesh.nodes
    lo, hi = X.min(0), X.max(0)
    near = lambda p: int(np.argmin(np.linalg.norm(X - p, axis=1)))     # noqa: E731
    if mesh.dim == 2:
        return [(near(lo), [0, 1]), (near([hi[0], lo[1]]), [1])]
    return [(near(lo), [0, 1, 2]), (near([hi[0], lo[1], lo[2]]), [1, 2]),
            (near([lo[0], hi[1], lo[2]]), [2])]
