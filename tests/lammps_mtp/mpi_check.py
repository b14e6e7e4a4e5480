"""Run under mpirun: pair_style mtp on all ranks of COMM_WORLD against motep on rank 0.

Usage: mpi_check.py LEVEL NSPECIES WORKDIR. Rank 0 writes a random potential, every rank
builds the same strained, rattled cell, LAMMPS evaluates it distributed over the ranks,
and rank 0 compares with motep's serial evaluation. Prints one JSON line with the scaled
errors (each must be ≤ 1) on rank 0; exits 1 if any is larger.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from pairmtp_cases import (ELEMENTS, diamond, lammps_result, lammps_setup, max_errors,  # noqa: E402
                       motep_reference, random_potential)
from mpi4py import MPI  # noqa: E402  (after mdfe, imported by pairmtp_cases)


def main() -> int:
    level, nspecies, workdir = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    comm = MPI.COMM_WORLD
    pot = workdir / f"pot_{level}_{nspecies}.mtp"
    if comm.rank == 0:
        random_potential(pot, level, nspecies, seed=100 + level)
    comm.Barrier()
    strain = np.array([[0.02, 0.01, 0.0], [0.0, -0.01, 0.02], [0.01, 0.0, 0.03]])
    atoms = diamond(nspecies, seed=21, strain=strain, reps=3)
    lmp = lammps_setup(atoms, pot, list(ELEMENTS[:nspecies]), comm=comm)
    got = lammps_result(lmp)
    nprocs = lmp.extract_setting("world_size")
    lmp.close()
    if comm.rank != 0:
        return 0
    errors = max_errors(got, motep_reference(atoms, pot, nspecies))
    print(json.dumps({"ranks": nprocs, "natoms": len(atoms), **errors}))
    return 0 if max(errors.values()) <= 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
