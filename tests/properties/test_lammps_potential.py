"""Potential descriptions: cutoffs read from the files, commands that LAMMPS accepts
(Foiles' Cu cohesive energy and lattice constant), and named errors."""
from pathlib import Path

import numpy as np
import pytest

from mdfe.potentials.lammps_cell import create_system, open_lammps
from mdfe.potentials.lammps_potential import LammpsPotential

TEMPLATE = Path(__file__).parents[2] / "potentials" / "mtp" / "templates" / "02.mtp"


def test_cutoffs_from_files():
    assert LammpsPotential.tersoff().cutoff == pytest.approx(1.95 + 0.15)        # R + D, C
    assert LammpsPotential.tersoff(("B", "N")).cutoff == pytest.approx(2.0 + 0.1)  # N–N
    assert LammpsPotential.tersoff(("Si",), "Si.tersoff").cutoff == pytest.approx(3.2)
    assert LammpsPotential.eam("Cu_u3.eam").cutoff == pytest.approx(4.95)
    assert LammpsPotential.snap("Si_Zuo_JPCA2020", ["Si"]).cutoff == pytest.approx(4.9)
    mtp = LammpsPotential.mtp(TEMPLATE, ["Si"])
    assert mtp.cutoff == pytest.approx(5.0)
    assert mtp.commands() == ["pair_style mtp", f"pair_coeff * * {TEMPLATE.resolve()} Si"]


def test_eam_cu_cohesive_energy_foiles():
    """Foiles, Baskes, Daw, PRB 33, 7983 (1986): Cu a = 3.615 Å, E_c = 3.54 eV."""
    from mpi4py import MPI
    pot = LammpsPotential.eam("Cu_u3.eam")
    a = 3.615
    cell = np.eye(3) * a
    pos = np.array([[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]]) * a
    lmp = open_lammps(MPI.COMM_SELF)
    create_system(lmp, pot, cell, pos, ["Cu"] * 4)
    lmp.command("run 0")
    assert lmp.get_thermo("pe") / 4 == pytest.approx(-3.54, abs=0.005)
    lmp.close()


def test_bad_potential_input_is_named():
    with pytest.raises(ValueError, match=r"elements \['Si'\] are not in potential file BNC"):
        LammpsPotential.tersoff(("Si",))
    with pytest.raises(ValueError, match="potential file 'nothing.tersoff' not found"):
        LammpsPotential.tersoff(("C",), "nothing.tersoff")
    with pytest.raises(ValueError, match="species_count = 1"):
        LammpsPotential.mtp(TEMPLATE, ["Si", "C"])
    with pytest.raises(ValueError, match=r"species \['O'\] are not in the potential"):
        LammpsPotential.tersoff().type_of(["C", "O"])
