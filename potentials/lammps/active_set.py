"""Active-set files for ``pair_style mtp grade <file>`` (format: src/mtp_grade.h).

The active set is the square matrix A whose rows are the basis vectors B(n_k)
(the ``alpha_scalar_moments`` values B_α that enter the site energy linearly) of the
selected neighbourhoods, e.g. chosen by MaxVol among training neighbourhoods. The file
stores A⁻¹, so LAMMPS only multiplies: grade(n) = max_k |(B(n) A⁻¹)_k|.
"""
from __future__ import annotations

import os

import numpy as np


def write_active_set(path: str | os.PathLike, active: np.ndarray) -> None:
    """Write the active set with rows ``active`` (N, N) as its inverse, full precision.

    Raises ValueError when ``active`` is not square or is singular.
    """
    active = np.asarray(active, dtype=float)
    if active.ndim != 2 or active.shape[0] != active.shape[1]:
        raise ValueError(f"active set for {path}: need a square (N, N) matrix of basis "
                         f"vectors, got shape {active.shape}")
    try:
        inverse = np.linalg.inv(active)
    except np.linalg.LinAlgError as err:
        raise ValueError(f"active set for {path}: the matrix is singular; select "
                         "linearly independent neighbourhoods (MaxVol)") from err
    with open(path, "w", encoding="utf-8") as fd:
        fd.write(f"MTP_ACTIVE_SET\nbasis_size = {len(active)}\n")
        for row in inverse:
            fd.write(" ".join(repr(float(x)) for x in row) + "\n")
