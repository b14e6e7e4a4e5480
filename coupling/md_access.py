"""Per-rank access to the atoms LAMMPS currently places on one MD rank (an adapter).

:class:`mdfe.solvers.md.region.MDRegion` offers collective, ID-keyed methods that return
whole arrays on every MD rank (LAMMPS' ``gather_atoms_subset`` / ``scatter_atoms_subset``
replicate the data). The coupling's exchange is point-to-point instead: each MD rank reads
and writes only the atoms it owns right now. :class:`LocalAtoms` does that through the
region's LAMMPS handle (``region._lmp``; the region marks itself modified through
``region._dirty``) — a thin adapter until the MD driver exposes owner-local access.

Arrays: ids (k,) int64; positions and forces (k, 3) Å, eV/Å, rows in the order of ``ids``.
"""
from __future__ import annotations

import numpy as np


class LocalAtoms:
    """Owner-local view of an MD region's atoms on this rank."""

    def __init__(self, region):
        self.region = region
        self.lmp = region._lmp
        bits = [self.lmp.extract_setting(k) for k in ("IMGBITS", "IMG2BITS", "IMGMAX",
                                                        "IMGMASK")]
        self._imgbits, self._img2bits, self._imgmax, self._imgmask = bits
        self._zero_image = self._imgmax * (1 + (1 << self._imgbits) + (1 << self._img2bits))

    def _local(self, name: str) -> np.ndarray:
        n = self.lmp.extract_global("nlocal")
        return self.lmp.numpy.extract_atom(name)[:n]

    def owned_ids(self) -> np.ndarray:
        """IDs (k,) of the atoms LAMMPS places on this rank now (unsorted)."""
        return np.array(self._local("id"), np.int64)

    def _rows(self, ids: np.ndarray) -> np.ndarray:
        own = self.owned_ids()
        order = np.argsort(own)
        pos = np.searchsorted(own[order], ids)
        if len(ids) and (np.any(pos >= len(own)) or np.any(own[order][np.minimum(
                pos, len(own) - 1)] != ids)):
            raise ValueError("LocalAtoms: some IDs are not owned by this rank")
        return order[pos]

    def positions(self, ids) -> np.ndarray:
        """Unwrapped positions (k, 3) Å of owned atoms ``ids``."""
        rows = self._rows(np.asarray(ids, np.int64))
        x = np.array(self._local("x")[rows], float)
        image = np.asarray(self._local("image")[rows], np.int64)
        shifts = np.column_stack([(image >> s) & self._imgmask for s in
                                  (0, self._imgbits, self._img2bits)]) - self._imgmax
        boxlo, boxhi = (np.array(b) for b in self.lmp.extract_box()[:2])
        return x + shifts * (boxhi - boxlo)

    def set_positions(self, ids, x) -> None:
        """Move owned atoms ``ids`` to unwrapped positions ``x`` (k, 3) Å (image reset).

        Local only; LAMMPS re-wraps and migrates atoms at its next set-up (every
        ``minimize`` and ``run``)."""
        rows = self._rows(np.asarray(ids, np.int64))
        self._local("x")[rows] = x
        self._local("image")[rows] = self._zero_image
        self.region._dirty = True

    def forces(self, ids) -> np.ndarray:
        """Potential forces (k, 3) eV/Å on owned atoms ``ids``; call :meth:`evaluate` (a
        collective) after the last change of positions first."""
        rows = self._rows(np.asarray(ids, np.int64))
        return np.array(self._local("f")[rows], float)

    def evaluate(self) -> None:
        """Collective on the MD communicator: make the forces current and unconstrained."""
        self.region.energy()
