"""Point-to-point transfer of values keyed by integer IDs (FE node ids, atom IDs).

:class:`KeyedTransfer` connects the ranks of a communicator that *own* keys (FE ranks own
nodes) with the ranks that *need* them (MD ranks need the nodes around their atoms):

- ``forward(values_owned (n_owned, w)) -> (n_needed, w)``: each rank receives the values
  of the keys it needs, in the order it listed them;
- ``reverse(values_needed (n_needed, w)) -> (n_owned, w)``: contributions travel back and
  are summed at the owner (restricted atom forces → nodal forces).

The plan is built once by a rendezvous: every key has a directory rank (key mod size);
owners register there, requesters ask there, and the directory introduces each requester
to the owner. Building costs three ``Alltoallv`` of keys (set-up only); each transfer is
then one ``Isend``/``Irecv`` per communicating pair — nothing is gathered on one rank,
and a rank that both owns and needs a key (shared layout) copies it locally. A key
needed but owned by nobody is an error naming the key; a key owned by two ranks too.
"""
from __future__ import annotations

import numpy as np


def _alltoallv(comm, send: np.ndarray, dest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Send rows of ``send`` (n, ...) int64 to ranks ``dest`` (n,); return (received rows,
    source rank of each)."""
    from mpi4py import MPI
    size = comm.Get_size()
    order = np.argsort(dest, kind="stable")
    send = np.ascontiguousarray(send[order], np.int64)
    width = int(np.prod(send.shape[1:])) if send.ndim > 1 else 1
    scount = np.bincount(dest, minlength=size).astype(np.int64)
    rcount = np.empty(size, np.int64)
    comm.Alltoall(scount, rcount)
    recv = np.empty((int(rcount.sum()),) + send.shape[1:], np.int64)
    sdisp = np.r_[0, np.cumsum(scount)[:-1]] * width
    rdisp = np.r_[0, np.cumsum(rcount)[:-1]] * width
    comm.Alltoallv([send, scount * width, sdisp, MPI.INT64_T],
                   [recv, rcount * width, rdisp, MPI.INT64_T])
    return recv, np.repeat(np.arange(size), rcount)


def _rows(values, n: int) -> np.ndarray:
    """values as a float (n, width) array (1-D input: width 1)."""
    if type(values) is np.ndarray and values.ndim == 2 and values.dtype == np.float64 \
            and len(values) == n:
        return values
    v = np.asarray(values, float)
    if len(v) != n:
        raise ValueError(f"KeyedTransfer: expected {n} rows of values, got {len(v)}")
    return v.reshape(n, int(np.prod(v.shape[1:])))


class KeyedTransfer:
    """Plan for moving keyed values between owners and requesters on ``comm``.

    owned: (n_owned,) unique int keys this rank owns (values are passed in this order).
    needed: (n_needed,) unique int keys this rank needs (results come in this order).
    Collective on ``comm``.
    """

    def __init__(self, comm, owned, needed, what: str = "key"):
        self.comm = comm
        size, rank = comm.Get_size(), comm.Get_rank()
        owned = np.asarray(owned, np.int64).ravel()
        needed = np.asarray(needed, np.int64).ravel()
        self.n_owned, self.n_needed = len(owned), len(needed)
        if len(np.unique(needed)) != len(needed):
            raise ValueError(f"KeyedTransfer: needed {what}s must be unique")
        # 1. owners register at the directory
        reg, reg_src = _alltoallv(comm, owned, owned % size)
        keys_sorted, first = np.unique(reg, return_index=True)
        problem = None
        if len(keys_sorted) != len(reg):
            dup = reg[np.setdiff1d(np.arange(len(reg)), first)][0]
            problem = f"{what} {dup} is owned by more than one rank"
        owner_of = reg_src[first]
        # 2. requesters ask the directory; it answers the owners with (key, requester)
        req, req_src = _alltoallv(comm, needed, needed % size)
        pos = np.searchsorted(keys_sorted, req)
        known = np.zeros(len(req), bool)
        if len(keys_sorted):
            known = (pos < len(keys_sorted)) & (keys_sorted[np.minimum(pos, len(keys_sorted) - 1)]
                                                == req)
        if not known.all() and problem is None:
            problem = (f"{what} {req[~known][0]} is needed by rank {req_src[~known][0]} but "
                       "owned by no rank")
        problems = comm.allgather(problem)
        bad = [p for p in problems if p]
        if bad:
            raise ValueError(f"KeyedTransfer: {bad[0]}")
        owner = owner_of[pos] if len(req) else np.zeros(0, np.int64)
        pairs, _ = _alltoallv(comm, np.column_stack([req, req_src]), owner)
        # 3. owners tell each requester the order in which its keys will arrive
        pairs = pairs[np.lexsort((pairs[:, 0], pairs[:, 1]))]     # by requester, then key
        srt = np.argsort(owned)
        self.send_index = srt[np.searchsorted(owned[srt], pairs[:, 0])]
        self.send_ranks, self.send_counts = np.unique(pairs[:, 1], return_counts=True)
        arrived, src = _alltoallv(comm, pairs[:, 0], pairs[:, 1])
        srt = np.argsort(needed)
        self.recv_index = srt[np.searchsorted(needed[srt], arrived)]
        self.recv_ranks, self.recv_counts = np.unique(src, return_counts=True)
        self.rank = rank
        self._fwd = self._pairs(self.send_ranks, self.send_counts, self.recv_ranks,
                                self.recv_counts)
        self._rev = self._pairs(self.recv_ranks, self.recv_counts, self.send_ranks,
                                self.send_counts)
        # reverse: contributions arrive in send order, one block per requester (a key at
        # most once per block), summed block by block at the owned rows
        off = np.r_[0, np.cumsum(self.send_counts)].astype(int)
        self._blocks = [(a, b, self.send_index[a:b]) for a, b in zip(off[:-1], off[1:])]
        self._buffers = {}

    # -------------------------------------------------------------------------------------
    def _pairs(self, send_ranks, send_counts, recv_ranks, recv_counts):
        """Per direction, set up once: (receives [(rank, lo, hi)], sends [(rank, lo, hi)],
        local copy (send lo, hi, recv lo) or None, total sent, total received)."""
        soff = np.r_[0, np.cumsum(send_counts)].astype(int)
        roff = np.r_[0, np.cumsum(recv_counts)].astype(int)
        recvs = [(int(r), int(a), int(b)) for r, a, b in zip(recv_ranks, roff[:-1], roff[1:])
                 if r != self.rank]
        sends = [(int(r), int(a), int(b)) for r, a, b in zip(send_ranks, soff[:-1], soff[1:])
                 if r != self.rank]
        local = None
        if self.rank in set(send_ranks.tolist()):
            i = int(np.flatnonzero(send_ranks == self.rank)[0])
            k = int(np.flatnonzero(recv_ranks == self.rank)[0])
            local = (int(soff[i]), int(soff[i + 1]), int(roff[k]))
        return recvs, sends, local, int(soff[-1]), int(roff[-1])

    def _exchange(self, values: np.ndarray, order: np.ndarray, pairs, width: int,
                  tag: int) -> np.ndarray:
        """Rows ``values[order]`` sent along ``pairs``; returns the receive buffer (reused:
        valid until the next transfer of this direction and width)."""
        recvs, sends, local, n_send, n_recv = pairs
        key = (tag, width)
        if key not in self._buffers:
            self._buffers[key] = (np.empty((n_send, width)), np.empty((n_recv, width)))
        send, recv = self._buffers[key]
        np.take(values, order, axis=0, out=send)
        reqs = [self.comm.Irecv(recv[a:b], source=r, tag=tag) for r, a, b in recvs]
        reqs += [self.comm.Isend(send[a:b], dest=r, tag=tag) for r, a, b in sends]
        if local is not None:
            a, b, c = local
            recv[c:c + b - a] = send[a:b]
        if reqs:
            reqs[0].Waitall(reqs)
        return recv

    def forward(self, values_owned: np.ndarray) -> np.ndarray:
        """Values (n_needed, w) of the needed keys from owners' values (n_owned, w)."""
        v = _rows(values_owned, self.n_owned)
        recv = self._exchange(v, self.send_index, self._fwd, v.shape[1], tag=7101)
        out = np.empty((self.n_needed, v.shape[1]))
        out[self.recv_index] = recv
        return out

    def reverse(self, values_needed: np.ndarray) -> np.ndarray:
        """Sum at the owners (n_owned, w) of contributions (n_needed, w) per needed key."""
        v = _rows(values_needed, self.n_needed)
        recv = self._exchange(v, self.recv_index, self._rev, v.shape[1], tag=7102)
        out = np.zeros((self.n_owned, v.shape[1]))
        for a, b, idx in self._blocks:
            out[idx] += recv[a:b]
        return out
