"""mdfe.coupling: concurrent FE–MD coupling through a handshake band (docs/coupling.md).

Modules, each with one job:

- :mod:`.geometry`: region outlines, layers (core, band, pad, damping), FE blending
  weight, checks (inside the body, no overlap, band/pad vs the cutoff) — ``GeometryError``.
- :mod:`.operators`: ``Handshake`` — interpolation N (with Cauchy–Born inner shift) and
  restriction Nᵀ; ``node_weights`` (with the support check).
- :mod:`.inner_shift`: ``CauchyBornShift`` (exact) and ``TabulatedShift`` (sheets,
  Chebyshev table), ξ_s(F) − ξ_s(1) from the potential.
- :mod:`.exchange`: ``KeyedTransfer``, point-to-point transfer keyed by node/atom IDs.
- :mod:`.anderson`: ``Anderson`` acceleration on distributed vectors.
- :mod:`.quasistatic`: ``CoupledRegion``, ``QuasiStaticCoupling`` (load steps, residual).
- :mod:`.accuracy`: ``error_percent``, ``full_atomistic_reference`` (coupled vs full
  atomistics).
- :mod:`.build`: ``continuum_law``, ``fe_problem``, ``coupled_region``, ``check_species``.

Nothing here is imported eagerly beyond this docstring, so importing the package does not
start LAMMPS or PETSc.
"""
