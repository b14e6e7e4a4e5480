"""Tiny MPI training run for tests/mtp/test_training.py: prints rank 0's result as JSON."""
import json
import sys

import mdfe  # noqa: F401
from mpi4py import MPI

from mdfe.potentials.mtp.mlearn import read_mlearn
from mdfe.potentials.mtp.model import untrained
from mdfe.potentials.mtp.trainer import TrainSettings, train


def tiny_run(path, comm=None, linear_solve=False):
    """Level 6 on four small Si configurations, 3 BFGS iterations (of all coefficients, or
    of the radial ones with the linear solve)."""
    images = [a for a in read_mlearn(path) if len(a) <= 64][:4]
    return train(untrained(6, 1, 1.8, 5.0), images, comm=comm,
                 settings=TrainSettings(max_iter=3, seed=11, forces_weight=0.1,
                                        linear_solve=linear_solve))


if __name__ == "__main__":
    r = tiny_run(sys.argv[1], linear_solve="--linear-solve" in sys.argv[2:])
    if MPI.COMM_WORLD.rank == 0:
        print(json.dumps({"loss": r.loss_history, "moment": r.model.moment_coeffs.tolist(),
                          "radial": r.model.radial_coeffs.ravel().tolist()}))
