"""mdfe.solvers.md: atomistic structures and LAMMPS MD regions.

- :mod:`.structures`: graphene / h-BN sheets (zigzag or armchair along x), borophene
  (β12, χ3), graphene | h-BN lateral heterostructures, bulk crystals — at the lattice
  constant relaxed with the potential in use (:func:`~.structures.relaxed_lattice_constant`).
- :mod:`.region`: :class:`~.region.MDRegion`, one LAMMPS instance on an MD communicator,
  driven by atom ID (positions, forces, energy, prescribed atoms, relax, run, slit
  exclusions, owner-local access).
- :mod:`.setup`: region outline in the FE frame → atoms and roles (core, band, pad) for
  sheets (:func:`~.setup.sheet_region`) and bulk slabs (:func:`~.setup.bulk_region`); crack
  slit between atom rows (:func:`~.setup.slit`).

K-fields for boundary conditions and initial displacements: :mod:`mdfe.solvers.crack_field`.
"""
