"""The error type of mdfe.solvers.fe: bad input (mesh, material, boundary conditions)."""


class FEInputError(ValueError):
    """Invalid FE input; the message names the file, key or value and what is allowed."""
