"""Edge energies and edge stresses of 2D sheets, and the Griffith stress intensity factor.

:func:`edge_energy`: γ (eV/Å) of the straight edges of a ribbon cut from a hexagonal sheet
(graphene, h-BN), relaxed at 0 K: γ = (E_ribbon − N ε_sheet) / (2 L), L the periodic
length along the edge, ε_sheet the energy per atom of the perfect sheet at the same a.
``"zigzag"`` gives zigzag edges (ribbon axis along a zigzag row), ``"armchair"`` armchair
edges. For h-BN the two zigzag edges of a ribbon are a B edge and an N edge, so the value
is (γ_B + γ_N)/2: only the sum is defined.

The ribbon is relaxed in its plane: it starts flat and stays flat by symmetry. That flat
edge is the one a crack face in a flat sheet has, and the one to use for K_G. It is not
the absolute minimum: with BNC.tersoff an out-of-plane perturbation lets a free ribbon
warp (compressive edge stress) and lowers γ from 0.4442 to 0.3984 eV/Å (armchair, ribbon
15 Å long, 40 Å wide) and from 0.18684 to 0.18673 eV/Å (zigzag) — a size-dependent
warping energy, not an edge constant.

:func:`griffith_k`: K_G = sqrt(2 γ E'), the sheet value in eV/Å^{3/2}; convert with
:func:`k_to_mpa_sqrt_m` (thickness t in Å; graphene 3.35 Å).
"""
from __future__ import annotations

import numpy as np

from mdfe.potentials.lammps_cell import create_system, open_lammps
from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.unit_cells import hexagonal_rectangular, sheet_vacuum

EV = 1.602176634e-19  # J
ANGSTROM = 1e-10      # m


def relax_fixed_cell(potential: LammpsPotential, cell, positions, symbols, ftol,
                     exclude=None, maxiter: int = 100000):
    """(energy eV, positions (N, 3) Å in ID order, each the image nearest its start) of
    an orthogonal periodic cell relaxed at fixed cell by CG to the force tolerance
    ``ftol`` (eV/Å, LAMMPS' 2-norm), at most ``maxiter`` iterations. ``exclude``:
    optional (ids_a, ids_b), 1-based IDs with no interaction between the two sets (a
    slit, as :meth:`mdfe.solvers.md.region.MDRegion.exclude_pairs`)."""
    from mpi4py import MPI
    lmp = open_lammps(MPI.COMM_SELF)
    try:
        create_system(lmp, potential, cell, positions, symbols, "p p p")
        if exclude is not None:
            lmp.commands_list([f"group mdfe_excl{k} id " + " ".join(str(int(i)) for i in ids)
                               for k, ids in enumerate(exclude)]
                              + ["neigh_modify exclude group mdfe_excl0 mdfe_excl1"])
        lmp.commands_list(["min_style cg", "min_modify line quadratic",
                           f"minimize 0.0 {ftol!r} {int(maxiter)} {10 * int(maxiter)}",
                           "run 0"])
        ids = np.asarray(lmp.numpy.extract_atom("id"))[:len(positions)]
        x = np.asarray(lmp.numpy.extract_atom("x"))[:len(positions)]
        out = np.empty_like(x)
        out[ids - 1] = x
        lengths = np.diag(np.asarray(cell, float))      # orthogonal cells here
        out -= lengths * np.round((out - positions) / lengths)   # undo LAMMPS' wrapping
        return lmp.get_thermo("pe"), out
    finally:
        lmp.close()


def _ribbon(potential: LammpsPotential, material: str, a: float, orientation: str,
            rows: int, repeats: int):
    """(periodic sheet strip, ribbon: UnitCells ``repeats`` rectangular cells long, the
    ribbon ``rows`` cells wide; the ribbon's box (3, 3) Å with vacuum ≥ 2 cutoff across
    it). Both are periodic along x."""
    lz = sheet_vacuum(potential.cutoff)
    unit = hexagonal_rectangular(material, a, orientation, lz).repeat(repeats, 1)
    ribbon = unit.repeat(1, rows)
    cell = ribbon.cell.copy()
    cell[1, 1] += sheet_vacuum(potential.cutoff)
    return unit, ribbon, cell


def relaxed_ribbon(potential: LammpsPotential, material: str, a: float, orientation: str,
                   rows: int = 10, ftol: float = 1e-10):
    """The edge relaxation of a flat ribbon (see :func:`edge_energy` for the ribbon):
    (positions (N, 3) Å of the unrelaxed ribbon, relaxed positions (N, 3) Å, symbols,
    period along x Å). The ribbon is one rectangular cell long: its x period is the
    edge's period."""
    _, ribbon, cell = _ribbon(potential, material, a, orientation, rows, 1)
    _, x = relax_fixed_cell(potential, cell, ribbon.positions, ribbon.symbols, ftol)
    return ribbon.positions.copy(), x, tuple(ribbon.symbols), float(cell[0, 0])


def edge_energy(potential: LammpsPotential, material: str, a: float, orientation: str,
                rows: int = 10, repeats: int = 2, ftol: float = 1e-10,
                maxiter: int = 100000) -> float:
    """Relaxed edge energy γ (eV/Å) of ``orientation`` edges ('zigzag' or 'armchair').

    The ribbon is ``rows`` rectangular cells wide (about rows·√3·a for zigzag edges) and
    ``repeats`` cells long, with vacuum ≥ 2 cutoff across it and above it; CG at most
    ``maxiter`` iterations (a potential whose edge atoms fall into each other has no
    minimum: γ then is the energy where CG stopped, hugely negative).
    """
    unit, ribbon, cell = _ribbon(potential, material, a, orientation, rows, repeats)
    sheet, _ = relax_fixed_cell(potential, unit.cell, unit.positions, unit.symbols, ftol)
    e_ribbon, _ = relax_fixed_cell(potential, cell, ribbon.positions, ribbon.symbols, ftol,
                                   maxiter=maxiter)
    return (e_ribbon - rows * sheet) / (2.0 * unit.cell[0, 0])


def edge_stress(potential: LammpsPotential, material: str, a: float, orientation: str,
                rows: int = 10, strain: float = 1e-4, ftol: float = 1e-10) -> float:
    """Edge stress τ (eV/Å) of relaxed ``orientation`` edges: the force along the edge
    that each edge carries beyond the bulk (τ < 0: compressive, the edge would be longer),

        τ = [dE_ribbon/dε − rows · dE_strip/dε] / (2 L),

    by a central difference of the relaxed energies at strains ±``strain`` along the edge
    (ribbon of :func:`edge_energy`, one cell long; L its period, Å)."""
    unit, ribbon, cell = _ribbon(potential, material, a, orientation, rows, 1)
    slope = []
    for cell_, pos, sym in ((unit.cell, unit.positions, unit.symbols),
                            (cell, ribbon.positions, ribbon.symbols)):
        e = []
        for s in (strain, -strain):
            stretch = np.diag([1.0 + s, 1.0, 1.0])
            e.append(relax_fixed_cell(potential, cell_ @ stretch, pos @ stretch, sym, ftol)[0])
        slope.append((e[0] - e[1]) / (2 * strain))
    return (slope[1] - rows * slope[0]) / (2.0 * unit.cell[0, 0])


def griffith_k(gamma: float, e_prime: float) -> float:
    """K_G = sqrt(2 γ E') in eV/Å^{3/2}, for γ in eV/Å and E' in eV/Å² (sheet values)."""
    if gamma <= 0 or e_prime <= 0:
        raise ValueError(f"gamma={gamma} and e_prime={e_prime} must be positive")
    return float(np.sqrt(2.0 * gamma * e_prime))


def k_to_mpa_sqrt_m(k_sheet: float, thickness: float = 3.35) -> float:
    """A sheet's K (eV/Å^{3/2}) as a bulk K in MPa·√m for a sheet ``thickness`` Å thick."""
    return k_sheet * EV / ANGSTROM ** 1.5 / (thickness * ANGSTROM) / 1e6


def mpa_sqrt_m_to_k(k_mpa: float, thickness: float = 3.35) -> float:
    """Inverse of :func:`k_to_mpa_sqrt_m`: MPa·√m (thickness Å) to eV/Å^{3/2}."""
    return k_mpa / k_to_mpa_sqrt_m(1.0, thickness)
