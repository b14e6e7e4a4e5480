"""Error norms of an FE displacement against a known exact solution (verification).

L2: ‖u_h − u‖ = (∫ |u_h − u|² dV)^½ in Å·Å^(d/2); energy: (∫ (ε_h − ε)ᵀ D (ε_h − ε) dV)^½
in eV^½. Integrated with ``order`` Gauss points per direction on each rank's elements and
summed over the FE communicator (collective).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from mdfe.solvers.fe import assembly as asm


def error_norms(problem, u_exact: Callable, grad_exact: Callable, u=None, order: int = 3):
    """(L2 error, energy error, L2 norm of u, energy norm of u) of the FE field ``u``
    (PETSc Vec, default problem.u); u_exact(x (..., d)) -> (..., d),
    grad_exact(x) -> (..., d, d) with H_ij = ∂u_i/∂x_j."""
    u = problem.u if u is None else u
    elems = problem.layout.local_elements
    ue_all = problem.element_values(u, elems)
    sums = np.zeros(4)
    for sl in asm.blocks(len(elems), problem.mesh.cell, order):
        el = elems[sl]
        g = problem.geometry(el, order)
        D = problem.element_laws(el)[0] * problem.weights[el][:, None, None]
        ue = ue_all[sl]
        ne, nen, d = len(el), g.N.shape[1], problem.dim
        uh = np.einsum("qa,eai->eqi", g.N, ue.reshape(ne, nen, d))
        ua = u_exact(g.x)
        ea = asm.voigt_strain(grad_exact(g.x))
        de = asm.voigt_strain(asm.displacement_gradient(g, ue)) - ea
        sums += [np.einsum("eqi,eqi,eq->", uh - ua, uh - ua, g.wdet),
                 np.einsum("eqv,evw,eqw,eq->", de, D, de, g.wdet),
                 np.einsum("eqi,eqi,eq->", ua, ua, g.wdet),
                 np.einsum("eqv,evw,eqw,eq->", ea, D, ea, g.wdet)]
    return tuple(np.sqrt(problem.comm.allreduce(sums)))
