"""mdfe.potentials.properties: material constants of a LAMMPS potential.

- :mod:`.unit_cells`: primitive and rectangular cells (graphene, h-BN, diamond / fcc / bcc
  via ASE) as functions of the lattice constant, with sublattice labels.
- :mod:`.cauchy_born`: the Cauchy–Born energy density W(F), first Piola stress P and
  tangent dP/dF batched over many F, with the relaxed inner shift ξ(F) of each sublattice.
- :mod:`.cauchy_born_table`: the same law for sheets as a Chebyshev interpolant in the
  Green–Lagrange strain: vectorised, microseconds per F, for FE assembly.
- :mod:`.elastic`: lattice constant, 2D membrane stiffness (3×3) and bulk C (6×6).
- :mod:`.edges`: relaxed edge energies of sheets and the Griffith K_G = sqrt(2 γ E').
- :mod:`.short_range`: one atom of a sheet pushed onto a neighbour (close-contact scans).
- :mod:`.slit`: the unloaded slit — do a sheet potential's crack faces stay apart?
"""
