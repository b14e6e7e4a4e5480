"""MTP contraction tables against independent references: MLIP's moment counts per level
(as tabulated in motep's source) and motep's precomputed contraction trees, evaluated here
with np.tensordot on full Cartesian tensors (no code shared with mdfe's generator)."""
from __future__ import annotations

import json
from pathlib import Path

import motep
import numpy as np
import pytest

from mdfe.potentials.mtp.basis import contraction_tables
from mdfe.potentials.mtp.model import TEMPLATES, untrained
from mdfe.potentials.mtp.mtp_file import read_mtp

PRECOMPUTED = Path(motep.__file__).parent / "potentials/mtp/jax/precomputed_moments"
# alpha_moments_count of MLIP's untrained_mtps/NN.mtp (motep.potentials.mtp.jax.conversion)
MLIP_MOMENTS = {2: 1, 4: 2, 6: 8, 8: 18, 10: 41, 12: 84, 14: 174}


@pytest.mark.parametrize("level", sorted(MLIP_MOMENTS))
def test_moment_counts_equal_mlip_templates(level):
    t = contraction_tables(level)
    assert t.alpha_moments_count == MLIP_MOMENTS[level]
    assert t.alpha_moments_count == len(t.alpha_index_basic) + len(set(t.alpha_index_times[:, 3]))


def _tables_values(m, r, f):
    """Basis functions B_α from the MLIP tables, r: (n, 3) unit vectors, f: (mu, n)."""
    mu, a, b, c = m.alpha_index_basic.T
    vals = np.zeros(m.alpha_moments_count)
    vals[:len(mu)] = (f[mu] * r[:, 0] ** a[:, None] * r[:, 1] ** b[:, None]
                      * r[:, 2] ** c[:, None]).sum(1)
    for i, j, k, o in m.alpha_index_times:
        vals[o] += k * vals[i] * vals[j]
    return vals[m.alpha_moment_mapping]


def _tree_value(tree, r, f, cache):
    """A motep contraction tree: [mu, nu, nu] or [left, right, rank, [axes_l, axes_r]]."""
    key = json.dumps(tree)
    if key not in cache:
        if not isinstance(tree[0], list):
            mu, nu = tree[0], tree[1]
            t = f[mu]
            for _ in range(nu):
                t = t[..., None] * r.reshape(len(r), *([1] * (t.ndim - 1)), 3)
            cache[key] = t.sum(0)
        else:
            cache[key] = np.tensordot(_tree_value(tree[0], r, f, cache),
                                      _tree_value(tree[1], r, f, cache), axes=tree[3])
    return cache[key]


@pytest.mark.parametrize("level", [8, 12, 16])
def test_basis_functions_equal_motep_precomputed(level):
    """Every motep basis function is one of ours and vice versa (MLIP's 9/29/92)."""
    trees = json.loads((PRECOMPUTED / f"moments_level{level}.json").read_text())
    m = untrained(level)
    rng = np.random.default_rng(level)
    ours, theirs = [], []
    for _ in range(3):
        r = rng.normal(size=(6, 3))
        r /= np.linalg.norm(r, axis=1)[:, None]
        f = rng.uniform(0.5, 1.5, size=(m.radial_funcs_count, 6))
        ours.append(_tables_values(m, r, f))
        cache = {}
        theirs.append([float(_tree_value(t, r, f, cache)) for t in trees])
    ours, theirs = np.array(ours).T, np.array(theirs).T        # (functions, samples)
    assert len(ours) == len(theirs) == {8: 9, 12: 29, 16: 92}[level]
    match = np.all(np.isclose(theirs[:, None, :], ours[None, :, :], rtol=1e-9, atol=0), axis=2)
    assert match.any(axis=1).all() and match.any(axis=0).all()


def test_shipped_templates_equal_generated_tables():
    for level in range(2, 17, 2):
        shipped, fresh = read_mtp(TEMPLATES / f"{level:02d}.mtp"), contraction_tables(level)
        for key in ("alpha_index_basic", "alpha_index_times", "alpha_moment_mapping"):
            np.testing.assert_array_equal(getattr(shipped, key), getattr(fresh, key))
        assert shipped.alpha_moments_count == fresh.alpha_moments_count
        assert untrained(level).level == level


@pytest.mark.parametrize("level", [3, 0, 30, "8"])
def test_bad_level_is_an_error(level):
    with pytest.raises(ValueError, match="allowed even integers 2 … 28"):
        contraction_tables(level)
