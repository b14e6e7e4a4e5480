"""Edge stress τ of relaxed graphene edges (BNC.tersoff): the finite difference of the
relaxed ribbon energy along the edge (:func:`edge_stress`) equals the virial of the
relaxed ribbon that LAMMPS reports, τ = −(P_xx V_ribbon − rows · P_xx V_strip)/(2 L),
an independent route (no energy differences); both edges compressive, as the zigzag
value measured against the crack-face error in docs/coupling.md §7 (−2.32 eV/Å)."""
import numpy as np
import pytest

import mdfe  # noqa: F401
from mdfe.potentials.lammps_cell import create_system, open_lammps
from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.edges import edge_stress
from mdfe.potentials.properties.unit_cells import hexagonal_rectangular, sheet_vacuum
from mdfe.solvers.md.structures import relaxed_lattice_constant

BAR_A3_IN_EV = 1e5 * 1e-30 / 1.602176634e-19      # 1 bar·Å³ in eV


def virial_xx(pot, cell, positions, symbols) -> float:
    """−P_xx·V (eV) of the cell relaxed at fixed shape (LAMMPS' pressure, metal units)."""
    from mpi4py import MPI
    lmp = open_lammps(MPI.COMM_SELF)
    try:
        create_system(lmp, pot, cell, positions, symbols, "p p p")
        lmp.commands_list(["min_style cg", "minimize 0.0 1e-10 100000 1000000",
                           "thermo_style custom step pe pxx", "run 0"])
        return -lmp.get_thermo("pxx") * np.linalg.det(cell) * BAR_A3_IN_EV
    finally:
        lmp.close()


@pytest.mark.parametrize("orientation", ["zigzag", "armchair"])
def test_edge_stress_equals_the_ribbon_virial(orientation):
    pot = LammpsPotential.tersoff()
    a = relaxed_lattice_constant(pot, "graphene")
    rows = 10
    lz = sheet_vacuum(pot.cutoff)
    strip = hexagonal_rectangular("graphene", a, orientation, lz)
    ribbon = strip.repeat(1, rows)
    cell = ribbon.cell.copy()
    cell[1, 1] += sheet_vacuum(pot.cutoff)
    tau_virial = (virial_xx(pot, cell, ribbon.positions, ribbon.symbols)
                  - rows * virial_xx(pot, strip.cell, strip.positions, strip.symbols)
                  ) / (2.0 * strip.cell[0, 0])
    tau = edge_stress(pot, "graphene", a, orientation, rows=rows)
    assert tau < -1.0                                   # compressive
    assert tau == pytest.approx(tau_virial, rel=1e-5, abs=1e-6)
