"""mdfe.coupling: handshake geometry, FE→atom interpolation and atom→FE restriction
operators, the MPI exchange between FE and MD groups, and the coupled solvers."""
