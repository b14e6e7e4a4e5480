"""MaxVol extrapolation grade (Podryabinkin & Shapeev 2017) and active-learning selection.

For a potential with linear parameters θ = (species_coeffs, moment_coeffs), each
neighbourhood (per-atom mode) or configuration (per-configuration mode) gives a row
b = ∂E_site/∂θ = (δ_{type}, B_α(n_i)) (resp. the sum over the configuration's atoms). MaxVol picks from the
training data the square "active set" A of rows with (locally) maximal |det A|; the grade
of a new row b is γ = max_k |c_k| with cᵀA = bᵀ. γ ≤ 1 (up to the MaxVol tolerance) means
interpolation within the training data; γ > 1 extrapolation — MLIP's usual thresholds are
2 (select for labelling) and ~10 (stop the MD).

Artificial atoms — e.g. the free pads around a region cut out of a larger body for DFT —
have neighbourhoods no real simulation produces; give them as a boolean mask
(True = artificial) and they neither raise a configuration's grade nor cause selection.
Engine: motep.grade (MIT, pinned 0.2.0) behind this API.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms

from mdfe.potentials.mtp._motep import to_motep
from mdfe.potentials.mtp.calculator import species_numbers
from mdfe.potentials.mtp.model import MTPModel

ARTIFICIAL_ARRAY = "artificial"  # atoms.arrays key of the per-atom mask, if no mask given


@dataclass
class GradeResult:
    """Grades of one configuration: per atom (None in per-configuration mode) and overall."""

    configuration: float
    atoms: np.ndarray | None   # (n_atoms,) per-atom grades; artificial atoms included


class ExtrapolationGrader:
    """MaxVol active set of ``model`` on ``training`` images, and grades of new ones.

    ``per``: "atom" (neighbourhood grades; needed for masks) or "configuration".
    """

    def __init__(self, model: MTPModel, species, training: list[Atoms], *, per: str = "atom",
                 seed: int = 0):
        from motep.grade.grader import Grader
        from motep.grade.setting import GradeMode

        if per not in ("atom", "configuration"):
            raise ValueError(f"per must be 'atom' or 'configuration', got {per!r}")
        if not model.is_trained:
            raise ValueError("the extrapolation grade needs a trained potential")
        self.per = per
        self.numbers = species_numbers(species)
        _check_species(training, self.numbers, "training")
        mode = GradeMode.NEIGHBORHOOD if per == "atom" else GradeMode.CONFIGURATION
        data = to_motep(model, self.numbers)
        # rows b = ∂E/∂(species_coeffs, moment_coeffs) = (δ_type, B_α): with the radial
        # coefficients too, Euler's relation Σ c·∂E/∂c = Σ_α d_α ξ_α B_α makes the columns
        # linearly dependent and every square active set singular.
        data.optimized = ["species_coeffs", "moment_coeffs"]
        self._grader = Grader(data, seed=seed + 1, mode=mode)
        self._grader.update(list(training))

    def grade(self, images: list[Atoms], masks: list[np.ndarray] | None = None
              ) -> list[GradeResult]:
        """Grades of ``images``; ``masks[i]`` (bool, n_atoms) flags artificial atoms of
        image i (default: ``atoms.arrays['artificial']`` where present)."""
        _check_species(images, self.numbers, "graded")
        masks = _masks(images, masks)
        if self.per == "configuration" and any(m.any() for m in masks):
            raise ValueError("artificial-atom masks need per='atom' grades")
        graded = self._grader.grade(list(images))
        out = []
        for g, m in zip(graded, masks):
            if self.per == "configuration":
                out.append(GradeResult(float(g.calc.results["MV_grade"]), None))
                continue
            nbh = np.asarray(g.calc.results["nbh_grades"], dtype=float)
            real = nbh[~m]
            out.append(GradeResult(float(real.max()) if real.size else 0.0, nbh))
        return out


def _check_species(images: list[Atoms], numbers: list[int], what: str) -> None:
    for n, a in enumerate(images):
        extra = sorted(set(int(z) for z in a.numbers) - set(numbers))
        if extra:
            raise ValueError(f"{what} configuration {n}: atomic numbers {extra} are not among "
                             f"the potential's species {numbers}")


def _masks(images: list[Atoms], masks) -> list[np.ndarray]:
    if masks is None:
        return [np.asarray(a.arrays.get(ARTIFICIAL_ARRAY, np.zeros(len(a))), dtype=bool)
                for a in images]
    if len(masks) != len(images):
        raise ValueError(f"{len(masks)} masks for {len(images)} configurations")
    out = []
    for n, (a, m) in enumerate(zip(images, masks)):
        m = np.asarray(m, dtype=bool)
        if m.shape != (len(a),):
            raise ValueError(f"mask {n} has shape {m.shape}, configuration has {len(a)} atoms")
        out.append(m)
    return out


def select_configurations(grades: list[GradeResult], threshold: float = 2.0,
                          max_count: int | None = None) -> np.ndarray:
    """Indices of configurations whose grade (over real atoms) is ≥ ``threshold``, highest
    first, at most ``max_count``."""
    g = np.array([r.configuration for r in grades])
    idx = np.flatnonzero(g >= threshold)
    idx = idx[np.argsort(-g[idx], kind="stable")]
    return idx if max_count is None else idx[:max_count]
