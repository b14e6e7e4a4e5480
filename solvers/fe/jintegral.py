"""Domain J-integral on a 2D linear-elastic FE field (energy release rate of a crack).

For a straight crack whose tip is at ``tip`` and which would advance along the unit
vector e (``angle`` from +x; the faces lie behind the tip), the equivalent-domain form
(Li, Shih & Needleman 1985) of Rice's J is

    J = ∫_A ( σ_ij ∂u_i/∂x_k e_k − W e_j ) ∂q/∂x_j dA,        W = ½ ε : C : ε,

with the weight q = 1 for r ≤ r_in, 0 for r ≥ r_out, linear in r between (r = distance
to the tip; q is a nodal field interpolated by the element shape functions, so only
elements in the annulus r_in < r < r_out contribute). The crack faces must be traction
free and straight across the annulus; then J is independent of (r_in, r_out) and, for a
linear-elastic body, J = G = K_I²/E' + K_II²/E'' (isotropic: E'' = E'; plane stress
E' = E). It is the same integral as the contour integral on any path in the annulus, but
accurate on coarse meshes (no stresses evaluated on a line).

In a coupled model the annulus must enclose the whole MD region and handshake band: J
then equals the applied K²/E' by construction (the FE field there is the imposed
continuum one) — a consistency check of the loading, not a measurement at the tip.

Units: coordinates and u in Å; D per element in eV/Å² for a membrane (2D stress N/m
× 1/16.02) so J is in eV/Å (= energy per crack advance per sheet); plane-strain D
carries its thickness (see :func:`mdfe.solvers.fe.materials.plane_strain`), giving eV/Å
per that thickness too. Shapes: ``u_nodes`` (n_nodes, 2), ``D`` (3, 3) or (n_elems, 3, 3)
Voigt (xx, yy, xy) with engineering shear.
"""
from __future__ import annotations

import numpy as np

from mdfe.solvers.fe import assembly as asm
from mdfe.solvers.fe.errors import FEInputError


def q_weight(points: np.ndarray, tip, r_in: float, r_out: float) -> np.ndarray:
    """The plateau weight q (n,) at ``points`` (n, 2): 1 inside r_in, 0 outside r_out."""
    r = np.hypot(*(np.asarray(points, float)[:, :2] - np.asarray(tip, float)).T)
    return np.clip((r_out - r) / (r_out - r_in), 0.0, 1.0)


def j_integral(mesh, u_nodes: np.ndarray, D: np.ndarray, tip, r_in: float, r_out: float,
               angle: float = 0.0, weights: np.ndarray | None = None) -> float:
    """Domain J (eV/Å for a membrane) over the annulus r_in < r < r_out around ``tip``.

    mesh: a 2D :class:`~mdfe.solvers.fe.mesh.Mesh` (tri3 or quad4), whole (replicated).
    u_nodes: nodal displacements (n_nodes, 2) Å. D: the elements' Voigt stiffness.
    angle: crack advance direction (rad from +x). weights: element stiffness weights
    (n_elems,) as in ``ElasticityProblem.weights`` (default 1).
    """
    if mesh.dim != 2:
        raise FEInputError(f"j_integral needs a 2D mesh; got dimension {mesh.dim}")
    if not 0 < r_in < r_out:
        raise FEInputError(f"j_integral needs 0 < r_in < r_out; got r_in={r_in}, r_out={r_out}")
    u_nodes = np.asarray(u_nodes, float)
    if u_nodes.shape != (mesh.n_nodes, 2):
        raise FEInputError(f"u_nodes must have shape ({mesh.n_nodes}, 2); got {u_nodes.shape}")
    q = q_weight(mesh.nodes, tip, r_in, r_out)
    qe = q[mesh.elements]
    active = np.flatnonzero(qe.max(axis=1) > qe.min(axis=1))   # elements with ∇q ≠ 0
    if active.size == 0:
        raise FEInputError(f"no element lies across the annulus {r_in} < r < {r_out} Å "
                           f"around the tip {tuple(tip)}: the contour is off the mesh")
    D = np.broadcast_to(np.asarray(D, float), (mesh.n_elems, 3, 3))
    w = np.ones(mesh.n_elems) if weights is None else np.asarray(weights, float)
    e = np.array([np.cos(angle), np.sin(angle)])
    total = 0.0
    for sl in asm.blocks(active.size, mesh.cell):
        el = active[sl]
        g = asm.geometry(mesh.cell, mesh.nodes[mesh.elements[el]])
        ue = u_nodes[mesh.elements[el]]                                 # (ne, nen, 2)
        H = np.einsum("eai,eqaj->eqij", ue, g.dNdx)                      # ∂u_i/∂x_j
        eps = asm.voigt_strain(H)                                        # (ne, nq, 3)
        sig = np.einsum("evw,eqw->eqv", D[el] * w[el, None, None], eps)
        s = np.stack([np.stack([sig[..., 0], sig[..., 2]], -1),
                      np.stack([sig[..., 2], sig[..., 1]], -1)], -2)     # (ne, nq, 2, 2)
        W = 0.5 * np.einsum("eqv,eqv->eq", sig, eps)
        gq = np.einsum("ea,eqaj->eqj", qe[el], g.dNdx)                   # ∇q
        du = H @ e                                                       # ∂u/∂x_k e_k
        integrand = np.einsum("eqij,eqi,eqj->eq", s, du, gq) - W * (gq @ e)
        total += float(np.sum(integrand * g.wdet))
    return total


def problem_j_integral(problem, u_nodes: np.ndarray, tip, r_in: float, r_out: float,
                       angle: float = 0.0) -> float:
    """:func:`j_integral` with the element laws and weights of an ``ElasticityProblem``
    (u_nodes from ``problem.gather(...)``, (n_nodes, 2) Å). Not collective."""
    D, e0, _, _ = problem.element_laws(np.arange(problem.mesh.n_elems))
    if np.any(e0):
        raise FEInputError("j_integral: eigenstrains are not supported (W would need ε − ε0)")
    return j_integral(problem.mesh, u_nodes, D, tip, r_in, r_out, angle, problem.weights)
