"""mdfe.solvers: the finite-element solver (``fe``, PETSc) and the MD region driver
(``md``, LAMMPS)."""
