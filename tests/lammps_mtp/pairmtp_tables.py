"""A small, self-contained MTP basis of a given level, for testing the C++ evaluator.

Not MLIP's full template (that is generated in ``mdfe.potentials.mtp``, which these tests
deliberately do not use): a rotation-invariant subset of it, written in the same MLIP
table format, so that motep and ``pair_style mtp`` evaluate the very same potential.

Scalars (level(M_{μ,ν}) = 2 + 4μ + ν, a product's level is the sum):
  * M_{μ,0};
  * full contractions M_{μ1,ν} : M_{μ2,ν} (ν ≥ 1), Σ over the distinct components
    (a, b, c) weighted by the multinomial ν!/(a! b! c!);
  * products of two of the above.
"""
from __future__ import annotations

from math import factorial


def _components(rank: int) -> list[tuple[int, int, int]]:
    """Distinct components (a, b, c) of a symmetric rank tensor, MLIP order."""
    return [(a, b, rank - a - b) for a in range(rank, -1, -1) for b in range(rank - a, -1, -1)]


def level_tables(level: int) -> dict:
    """MLIP table fields (alpha_*, radial_funcs_count) of the basis described above."""
    mu_max = (level - 2) // 4
    basic: list[list[int]] = []
    where: dict[tuple[int, int], int] = {}          # (mu, nu) -> index of first component

    def basic_moment(mu: int, nu: int) -> int:
        if (mu, nu) not in where:
            where[(mu, nu)] = len(basic)
            basic.extend([mu, *c] for c in _components(nu))
        return where[(mu, nu)]

    scalars: list[tuple[int, int]] = []              # (moment index, level)
    pairs: list[tuple[int, int, int, int]] = []      # (mu1, mu2, nu, level)
    for mu in range(mu_max + 1):
        scalars.append((basic_moment(mu, 0), 2 + 4 * mu))
    for mu1 in range(mu_max + 1):
        for mu2 in range(mu1, mu_max + 1):
            for nu in range(1, level):
                lev = 4 + 4 * (mu1 + mu2) + 2 * nu
                if lev <= level:
                    pairs.append((mu1, mu2, nu, lev))
                    basic_moment(mu1, nu)
                    basic_moment(mu2, nu)
    nbasic = len(basic)
    times: list[list[int]] = []
    count = nbasic
    for mu1, mu2, nu, lev in pairs:
        i1, i2 = where[(mu1, nu)], where[(mu2, nu)]
        for k, (a, b, c) in enumerate(_components(nu)):
            mult = factorial(nu) // (factorial(a) * factorial(b) * factorial(c))
            times.append([i1 + k, i2 + k, mult, count])
        scalars.append((count, lev))
        count += 1
    primitive = list(scalars)
    for p, (s1, l1) in enumerate(primitive):
        for s2, l2 in primitive[p:]:
            if l1 + l2 <= level:
                times.append([s1, s2, 1, count])
                scalars.append((count, l1 + l2))
                count += 1
    return {
        "radial_funcs_count": mu_max + 1,
        "alpha_moments_count": count,
        "alpha_index_basic_count": nbasic,
        "alpha_index_basic": basic,
        "alpha_index_times_count": len(times),
        "alpha_index_times": times,
        "alpha_scalar_moments": len(scalars),
        "alpha_moment_mapping": [s for s, _ in scalars],
    }
