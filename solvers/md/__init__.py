"""mdfe.solvers.md: atomistic structures and LAMMPS MD regions.

- :mod:`.structures`: graphene / h-BN sheets (zigzag or armchair along x) and bulk
  crystals, at the lattice constant relaxed with the potential in use.
- :mod:`.region`: :class:`~.region.MDRegion`, one LAMMPS instance on an MD communicator,
  driven by atom ID (positions, forces, prescribed atoms, relax, run).
- :mod:`.setup`: roles (core, band, pad) from a region outline in the FE frame.
"""
