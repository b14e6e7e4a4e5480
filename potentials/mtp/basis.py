"""Contraction tables of an MTP basis for any level (untrained templates, levels 2 … 28).

An MTP (Shapeev 2016; Novikov et al. 2021) builds each atom's energy from scalar
contractions B_α of moment tensors

    M_{μ,ν}(n_i) = Σ_j f_μ(|r_ij|) r̂_ij^{⊗ν}         (symmetric, rank ν)

with the MLIP-2 level rule level(M_{μ,ν}) = 2 + 4μ + ν; a contraction's level is the sum
over its moments, and a level-L potential has every distinct scalar of level ≤ L.

The MLIP file stores a symmetric rank-ν tensor by its distinct components, indexed by
exponent triples (a, b, c), a + b + c = ν (component = Σ_j f_μ x̂^a ŷ^b ẑ^c), and lists
the work as three tables:

- ``alpha_index_basic`` (n_basic, 4): rows [μ, a, b, c], the components of basic moments;
- ``alpha_index_times`` (n_times, 4): rows [i, j, mult, k] meaning m[k] += mult·m[i]·m[j];
- ``alpha_moment_mapping`` (n_scalar,): indices of the scalar basis functions B_α in m.

How the tables are generated here. Contractions are built bottom-up, level by level: a
new tensor C = A·B contracts a symmetric tensor A (rank p) with a symmetric tensor B of
rank q ≤ p over all q indices of B, C_I = Σ_K A_{IK} B_K. C is again symmetric, so it is
stored by its distinct components, and the coefficient of A_{nI+nK}·B_{nK} is the integer
number of index tuples K with exponent triple nK (a multinomial). Two scalars multiply
(p = q = 0); a scalar never multiplies a tensor (that only repeats a product of scalars).
A tensor of rank r > 0 and level l is kept only if it can still become a scalar within
the level budget (l + 2 + r ≤ L). Candidates are evaluated numerically on two random
neighbourhoods and kept only if their values are new (exact duplicates such as
(A·B)·C = A·(B·C) are dropped); finally only tensors on the path to some scalar remain.
This reproduces the structure of MLIP's own templates (e.g. level 8: 18 moments, 9 basis
functions, M_{0,2}:M_{0,2} with multiplicities 1 and 2); the counts for all levels are
compared with MLIP's in tests/mtp/test_basis.py and docs/potentials/mtp.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import factorial

import numpy as np

MIN_LEVEL, MAX_LEVEL = 2, 28
MAX_MOMENTS = 4  # at most four basic moments per contraction, as in MLIP's templates


def moment_level(mu: int, nu: int) -> int:
    """MLIP-2 level of the basic moment M_{μ,ν}: 2 + 4μ + ν."""
    return 2 + 4 * mu + nu


@lru_cache(maxsize=None)
def exponent_triples(rank: int) -> tuple[tuple[int, int, int], ...]:
    """Distinct components (a, b, c), a + b + c = rank, in MLIP order (a, then b, descending)."""
    return tuple((a, b, rank - a - b) for a in range(rank, -1, -1) for b in range(rank - a, -1, -1))


def _multinomial(triple: tuple[int, int, int]) -> int:
    a, b, c = triple
    return factorial(a + b + c) // (factorial(a) * factorial(b) * factorial(c))


def _splits(n: tuple[int, int, int], size: int) -> list[tuple[int, int, int]]:
    """Exponent triples s ≤ n (componentwise) with |s| = size; the first is the greedy one."""
    out = [(a, b, size - a - b) for a in range(min(n[0], size), -1, -1)
           for b in range(min(n[1], size - a), -1, -1) if size - a - b <= n[2]]
    return out


@lru_cache(maxsize=None)
def _contraction_rule(p: int, q: int, k: int, b_summed: bool = False):
    """Index tables of C_{IJ} = Σ_K A_{IK} B_{KJ}, A rank p, B rank q, over k indices.

    C has rank r = p + q − 2k. Every split of an output component n into the part nI
    (size p − k) taken from A and nJ from B is listed: for a symmetric C all give the same
    value, and the first (greedy) split of each n is the one written to the tables; for a
    non-symmetric C the "summed" component S_n = Σ_rows(n) w·(row value) is stored.
    With ``b_summed`` (B holds summed components, full contraction) mult is 1.
    Returns (rows_n (nR,), ia (nR, nK), ib (nR, nK), mult (nK,), first (nC,) row of each n,
    w (nR,) = multinomial(nI)·multinomial(nJ)).
    """
    pos_a = {t: i for i, t in enumerate(exponent_triples(p))}
    pos_b = {t: i for i, t in enumerate(exponent_triples(q))}
    ks = exponent_triples(k)
    rows_n, ia, ib, first, w = [], [], [], [], []
    for c, n in enumerate(exponent_triples(p + q - 2 * k)):
        first.append(len(rows_n))
        for ni in _splits(n, p - k):
            nj = tuple(x - y for x, y in zip(n, ni))
            rows_n.append(c)
            w.append(_multinomial(ni) * _multinomial(nj))
            ia.append([pos_a[tuple(x + y for x, y in zip(ni, kk))] for kk in ks])
            ib.append([pos_b[tuple(x + y for x, y in zip(nj, kk))] for kk in ks])
    mult = [1 if b_summed else _multinomial(kk) for kk in ks]
    return (np.array(rows_n), np.array(ia, dtype=np.int64), np.array(ib, dtype=np.int64),
            np.array(mult, dtype=np.int64), np.array(first), np.array(w, dtype=np.int64))


def _contract(a: np.ndarray, b: np.ndarray, p: int, q: int, k: int, b_summed: bool
              ) -> tuple[np.ndarray, bool]:
    """Components (nC, n_test) of A·_k B on the test values, and whether they are summed.

    A symmetric result is stored by its components; a non-symmetric one (e.g. M_{0,3}·₂M_{0,4},
    rank 3) by S_n = Σ over the distinct orderings of n of C — exactly what a full
    contraction with a symmetric tensor T needs: T:C = Σ_n T_n S_n, integer coefficients.
    """
    rows_n, ia, ib, mult, first, w = _contraction_rule(p, q, k, b_summed)
    vals = np.einsum("rkt,rkt->rt", a[ia], mult[None, :, None] * b[ib])
    sym = vals[first]
    if np.allclose(vals, sym[rows_n], rtol=1e-10, atol=1e-12 * np.max(np.abs(vals))):
        return sym, False
    summed = np.zeros_like(sym)
    np.add.at(summed, rows_n, w[:, None] * vals)
    return summed, True


@dataclass(frozen=True)
class ContractionTables:
    """The basis part of an MTP file for one level (see module docstring for meanings)."""

    level: int
    radial_funcs_count: int
    alpha_moments_count: int
    alpha_index_basic: np.ndarray     # (n_basic, 4) int: mu, a, b, c
    alpha_index_times: np.ndarray     # (n_times, 4) int: i, j, mult, k
    alpha_moment_mapping: np.ndarray  # (n_scalar,) int

    @property
    def alpha_scalar_moments(self) -> int:
        """Number of scalar basis functions B_α (= number of moment coefficients)."""
        return len(self.alpha_moment_mapping)


@dataclass
class _Node:
    level: int
    rank: int
    values: np.ndarray              # (n_components, n_test) on the test neighbourhoods
    basic: tuple[int, int] | None   # (mu, nu) for a basic moment
    parents: tuple[int, int, int] | None  # node ids (A, B) and contracted index count k
    n_moments: int = 1              # number of basic moments multiplied in
    summed: bool = False            # components are S_n (see _contract), only fully contracted


def _test_neighbourhoods(max_mu: int, n_neigh: int = 9, n_test: int = 2):
    """Random unit vectors (n_test, n_neigh, 3) and radial values (n_test, max_mu+1, n_neigh)."""
    rng = np.random.default_rng(20260101)
    r = rng.normal(size=(n_test, n_neigh, 3))
    r /= np.linalg.norm(r, axis=-1, keepdims=True)
    return r, rng.uniform(0.5, 1.5, size=(n_test, max_mu + 1, n_neigh))


def _basic_values(mu: int, nu: int, r: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Components of M_{μ,ν} on the test neighbourhoods, shape (n_components, n_test)."""
    t = np.array(exponent_triples(nu)).T[:, :, None, None]             # (3, nC, 1, 1)
    mono = np.prod(r.transpose(2, 0, 1)[:, None] ** t, axis=0)         # (nC, n_test, n_neigh)
    return np.einsum("ctj,tj->ct", mono, f[:, mu, :])


def _key(values: np.ndarray) -> tuple:
    """Hashable fingerprint of a tensor's test values (10 significant digits)."""
    scale = np.max(np.abs(values))
    if scale == 0.0:
        return ("zero", values.shape)
    return (values.shape, tuple(np.round(values.ravel() / scale, 10)), float(f"{scale:.10e}"))


def _grow(level: int) -> list[_Node]:
    """All distinct contractions up to ``level``, in creation (= level) order."""
    max_mu = (level - 2) // 4
    r, f = _test_neighbourhoods(max_mu)
    nodes: list[_Node] = []
    seen: set = set()
    by_level: dict[int, list[int]] = {}

    def add(node: _Node) -> None:
        k = (node.summed, _key(node.values))
        if node.rank > 0 and node.level + 2 + node.rank > level or k in seen:
            return
        seen.add(k)
        by_level.setdefault(node.level, []).append(len(nodes))
        nodes.append(node)

    for lev in range(2, level + 1):
        for mu in range(max_mu + 1):
            nu = lev - 2 - 4 * mu
            if nu >= 0:
                add(_Node(lev, nu, _basic_values(mu, nu, r, f), (mu, nu), None))
        for la in range(2, lev - 1):
            for a in by_level.get(la, []):
                for b in by_level.get(lev - la, []):
                    na, nb = nodes[a], nodes[b]
                    p, q = na.rank, nb.rank
                    n_mom = na.n_moments + nb.n_moments
                    if n_mom > MAX_MOMENTS or q > p or (q == 0 and p > 0) or (
                            p == q and la == lev - la and b < a and not nb.summed):
                        continue
                    if na.summed or nb.summed:  # only T:S with T symmetric, to a scalar
                        if na.summed or p != q:
                            continue
                        ks = [q]
                    else:
                        ks = range(q, min(q, 1) - 1, -1)
                    for k in ks:
                        vals, summed = _contract(na.values, nb.values, p, q, k, nb.summed)
                        add(_Node(lev, p + q - 2 * k, vals, None, (a, b, k), n_mom, summed))
    return nodes


@lru_cache(maxsize=None)
def contraction_tables(level: int) -> ContractionTables:
    """The MTP contraction tables for an even ``level`` in [2, 28].

    Raises ValueError naming the level and the allowed values otherwise.
    """
    if not isinstance(level, (int, np.integer)) or level % 2 or not MIN_LEVEL <= level <= MAX_LEVEL:
        raise ValueError(f"MTP level {level!r} not supported: allowed even integers "
                         f"{MIN_LEVEL} … {MAX_LEVEL}")
    nodes = _grow(int(level))
    needed = set()
    stack = [i for i, n in enumerate(nodes) if n.rank == 0]
    while stack:
        i = stack.pop()
        if i not in needed:
            needed.add(i)
            if nodes[i].parents:
                stack.extend(nodes[i].parents[:2])
    basic = sorted((i for i in needed if nodes[i].basic), key=lambda i: nodes[i].basic)
    derived = sorted(i for i in needed if nodes[i].parents)
    offset, rows_basic = {}, []
    for i in basic:
        mu, nu = nodes[i].basic
        offset[i] = len(rows_basic)
        rows_basic += [(mu, *t) for t in exponent_triples(nu)]
    count = len(rows_basic)
    rows_times = []
    for i in derived:
        offset[i] = count
        a, b, k = nodes[i].parents
        rows_n, ia, ib, mult, first, w = _contraction_rule(nodes[a].rank, nodes[b].rank, k,
                                                           nodes[b].summed)
        rows = range(len(rows_n)) if nodes[i].summed else first
        for row in rows:
            weight = w[row] if nodes[i].summed else 1
            rows_times += [(offset[a] + ia[row, j], offset[b] + ib[row, j], weight * mult[j],
                            count + rows_n[row]) for j in range(len(mult))]
        count += len(first)
    scalars = sorted(offset[i] for i in needed if nodes[i].rank == 0)
    mus = [nodes[i].basic[0] for i in basic]
    return ContractionTables(
        level=int(level), radial_funcs_count=max(mus) + 1, alpha_moments_count=count,
        alpha_index_basic=np.array(rows_basic, dtype=np.int64).reshape(-1, 4),
        alpha_index_times=np.array(rows_times, dtype=np.int64).reshape(-1, 4),
        alpha_moment_mapping=np.array(scalars, dtype=np.int64))
