"""The error type of mdfe.solvers.fe: bad input (mesh, material, boundary conditions)."""


class FEInputError(ValueError):
    """Invalid FE input; the message names the file, key or value and what is allowed."""


def collective(comm, fn, *args):
    """``fn(*args)`` on every rank of ``comm``; an FEInputError on any rank is raised on
    all of them (so no rank is left waiting in a later collective call)."""
    try:
        out, err = fn(*args), None
    except FEInputError as exc:
        out, err = None, str(exc)
    errs = comm.allgather(err)
    bad = [(r, e) for r, e in enumerate(errs) if e]
    if bad:
        r, e = bad[0]
        raise FEInputError(err or f"{e} (on FE rank {r})")
    return out
