"""Run under mpirun: KeyedTransfer against an allgather reference (test only).

Keys are owned by a random rank each; every rank needs a random subset. forward must
return value(key) = (key, 10 key + rank_of_owner...) and reverse the sum over requesters.
Prints 'OK <n>' on rank 0 when every check passes.
"""
import sys

import numpy as np

import mdfe  # noqa: F401
from mpi4py import MPI

from mdfe.coupling.exchange import KeyedTransfer
from mdfe.runtime import abort_on_error

def main():
    comm = MPI.COMM_WORLD
    size, rank = comm.Get_size(), comm.Get_rank()
    rng = np.random.default_rng(42)
    n_keys = 5000
    keys = rng.choice(10 ** 7, n_keys, replace=False)
    owner = rng.integers(0, size, n_keys)
    owned = keys[owner == rank]
    mine = np.random.default_rng(100 + rank)
    needed = mine.permutation(keys[mine.random(n_keys) < 0.3])
    if rank == size - 1:
        needed = needed[:0]              # a rank that needs nothing
    plan = KeyedTransfer(comm, owned, needed, what="node")

    value = lambda k: np.column_stack([k * 1.0, np.sin(k), -3.0 * k])   # noqa: E731
    got = plan.forward(value(owned))
    assert got.shape == (len(needed), 3)
    assert np.array_equal(got, value(needed)), "forward"

    contrib = np.column_stack([np.full(len(needed), rank + 1.0), needed * 0.5])
    summed = plan.reverse(contrib)
    # reference: every rank's needs, gathered (fine for a test)
    all_needed = comm.allgather(needed)
    expect = np.zeros((len(owned), 2))
    for r, nd in enumerate(all_needed):
        hit = np.isin(owned, nd)
        expect[hit, 0] += r + 1.0
        expect[hit, 1] += owned[hit] * 0.5
    assert np.allclose(summed, expect, rtol=0, atol=1e-9), "reverse"

    # a needed key owned by nobody is an error on every rank
    try:
        KeyedTransfer(comm, owned, np.array([-5]) if rank == 0 else needed[:0], what="node")
    except ValueError as exc:
        assert "node -5 is needed by rank 0 but owned by no rank" in str(exc), str(exc)
    else:
        raise AssertionError("missing key not reported")
    comm.Barrier()
    if rank == 0:
        print("OK", size)
    sys.stdout.flush()


with abort_on_error():
    main()
