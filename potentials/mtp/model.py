"""The MTP potential as data: every field of an MLIP-2/3 ``.mtp`` file.

Units: distances in Å, energies in eV. The site energy of atom i of type z_i is

    V_i = species_coeffs[z_i] + Σ_α moment_coeffs[α] · B_α(n_i)

where B_α are the scalar contractions listed by ``alpha_moment_mapping`` of moment tensors
built from the radial functions f_μ(r) = scaling · Σ_β radial_coeffs[z_i, z_j, μ, β] ·
T_β(ξ) · (max_dist − r)², T_β Chebyshev polynomials of ξ = (2r − min_dist − max_dist) /
(max_dist − min_dist), for r < max_dist (zero beyond). An untrained template has the
basis tables but ``radial_coeffs``, ``species_coeffs`` and ``moment_coeffs`` set to None.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from mdfe.potentials.mtp.basis import contraction_tables


@dataclass
class MTPModel:
    """All fields of an MLIP ``.mtp`` file; arrays are numpy (shapes in comments)."""

    species_count: int
    min_dist: float                      # Å
    max_dist: float                      # Å, the cut-off
    radial_basis_size: int
    radial_funcs_count: int
    alpha_moments_count: int
    alpha_index_basic: np.ndarray        # (n_basic, 4) int: mu, a, b, c
    alpha_index_times: np.ndarray        # (n_times, 4) int: i, j, mult, k
    alpha_moment_mapping: np.ndarray     # (n_scalar,) int
    radial_coeffs: np.ndarray | None = None   # (species, species, radial_funcs, basis_size)
    species_coeffs: np.ndarray | None = None  # (species,) eV
    moment_coeffs: np.ndarray | None = None   # (n_scalar,) eV
    scaling: float = 1.0
    version: str = "1.1.0"
    potential_name: str = "MTP1m"
    potential_tag: str = ""
    radial_basis_type: str = "RBChebyshev"
    extra: dict = field(default_factory=dict)  # unknown "key = value" lines, kept verbatim

    @property
    def alpha_scalar_moments(self) -> int:
        """Number of basis functions B_α."""
        return len(self.alpha_moment_mapping)

    @property
    def is_trained(self) -> bool:
        """True when all coefficient arrays are present."""
        return all(x is not None for x in (self.radial_coeffs, self.species_coeffs,
                                            self.moment_coeffs))

    @property
    def level(self) -> int:
        """Largest level of a basis function (level(M_{μ,ν}) = 2 + 4μ + ν, summed)."""
        lev = np.zeros(self.alpha_moments_count, dtype=int)
        mu, a, b, c = self.alpha_index_basic.T
        lev[:len(mu)] = 2 + 4 * mu + a + b + c
        for i, j, _, k in self.alpha_index_times:  # tables are in dependency order
            lev[k] = lev[i] + lev[j]
        return int(lev[self.alpha_moment_mapping].max())

    def copy(self) -> "MTPModel":
        """A deep copy (arrays copied)."""
        def cp(x):
            return None if x is None else np.array(x, copy=True)
        return replace(self, alpha_index_basic=cp(self.alpha_index_basic),
                       alpha_index_times=cp(self.alpha_index_times),
                       alpha_moment_mapping=cp(self.alpha_moment_mapping),
                       radial_coeffs=cp(self.radial_coeffs),
                       species_coeffs=cp(self.species_coeffs),
                       moment_coeffs=cp(self.moment_coeffs), extra=dict(self.extra))

    def randomized(self, seed: int, moment_scale: float = 1.0,
                   radial_scale: float = 0.1) -> "MTPModel":
        """A copy with seeded random non-zero coefficients (for tests and as a start)."""
        rng = np.random.default_rng(seed)
        m = self.copy()
        s, f, b = self.species_count, self.radial_funcs_count, self.radial_basis_size
        m.radial_coeffs = rng.uniform(-radial_scale, radial_scale, (s, s, f, b))
        m.species_coeffs = rng.uniform(-1.0, 1.0, s)
        m.moment_coeffs = rng.uniform(-moment_scale, moment_scale, self.alpha_scalar_moments)
        return m


TEMPLATES = Path(__file__).parent / "templates"


def _shipped_tables(level: int):
    """Tables of ``templates/LL.mtp`` (written by scripts of this package from
    :func:`contraction_tables`, so that levels up to 24 need no generation), or None."""
    path = TEMPLATES / f"{level:02d}.mtp"
    if not path.exists():
        return None
    from mdfe.potentials.mtp.mtp_file import read_mtp
    return read_mtp(path)


def untrained(level: int, species_count: int = 1, min_dist: float = 2.0,
              max_dist: float = 5.0, radial_basis_size: int = 8) -> MTPModel:
    """An untrained level-``level`` template (as MLIP's ``untrained_mtps/NN.mtp``).

    ``min_dist``/``max_dist`` in Å; raises ValueError for levels outside 2…28 or a
    min_dist ≥ max_dist.
    """
    if not 0.0 <= min_dist < max_dist:
        raise ValueError(f"MTP radial basis: need 0 <= min_dist < max_dist, got "
                         f"min_dist={min_dist}, max_dist={max_dist}")
    t = _shipped_tables(level) or contraction_tables(level)
    return MTPModel(species_count=int(species_count), min_dist=float(min_dist),
                    max_dist=float(max_dist), radial_basis_size=int(radial_basis_size),
                    radial_funcs_count=t.radial_funcs_count,
                    alpha_moments_count=t.alpha_moments_count,
                    alpha_index_basic=t.alpha_index_basic.copy(),
                    alpha_index_times=t.alpha_index_times.copy(),
                    alpha_moment_mapping=t.alpha_moment_mapping.copy())
