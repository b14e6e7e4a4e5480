"""The one place where mdfe touches motep's types (MTPData): conversion of a model.

motep (PyPI, MIT, pinned 0.2.0) is the compute engine behind :mod:`calculator` and
:mod:`grade` (training runs on mdfe's own C++ kernel, :mod:`fastloss`, with motep as the
independent oracle in the tests); nothing outside this package sees its types. motep maps
atomic number → type index through ``species`` (a list of atomic numbers, type order).
"""
from __future__ import annotations

import numpy as np
from motep.potentials.mtp.data import MTPData

from mdfe.potentials.mtp.model import MTPModel


def to_motep(model: MTPModel, numbers: list[int]) -> MTPData:
    """motep MTPData of ``model`` with type i ↔ atomic number ``numbers[i]``."""
    if len(numbers) != model.species_count:
        raise ValueError(f"{len(numbers)} species given for a potential with species_count = "
                         f"{model.species_count}")
    def cp(x, dtype=float):
        return None if x is None else np.array(x, dtype=dtype, copy=True)
    data = MTPData(
        version=model.version, potential_name=model.potential_name,
        scaling=float(model.scaling), species_count=model.species_count,
        potential_tag=model.potential_tag,
        radial_basis={"type": model.radial_basis_type, "min": np.float64(model.min_dist),
                      "max": np.float64(model.max_dist), "size": model.radial_basis_size},
        radial_funcs_count=model.radial_funcs_count, radial_coeffs=cp(model.radial_coeffs),
        alpha_moments_count=model.alpha_moments_count,
        alpha_index_basic_count=len(model.alpha_index_basic),
        alpha_index_basic=cp(model.alpha_index_basic, np.int32),
        alpha_index_times_count=len(model.alpha_index_times),
        alpha_index_times=cp(model.alpha_index_times, np.int32),
        alpha_scalar_moments=model.alpha_scalar_moments,
        alpha_moment_mapping=cp(model.alpha_moment_mapping, np.int32),
        species_coeffs=cp(model.species_coeffs), moment_coeffs=cp(model.moment_coeffs))
    data.species = list(numbers)
    return data
