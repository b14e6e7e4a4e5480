"""The labelled data set on disk: extxyz entries plus a JSON-lines list of failures.

Every finished configuration becomes one extxyz frame (positions, cell, pbc, energy eV,
forces eV/Å, stress eV/Å³, and info: ``config_id``, ``source``, ``source_index``, the
input's own info, the back-end ``calc`` tag, ``wall_s`` and back-end metadata). A frame is
added by writing old content + frame to a temporary file in the same folder, fsync, and
``os.replace`` — so the file on disk always holds whole entries, even after SIGKILL or a
power cut, and a concurrent reader (``git add``) never sees half an entry.
A failed configuration (e.g. SCF not converged) becomes one JSON line in
``<output>.failed.jsonl`` (same atomic write) with its id, source and the error.

Several labelling processes may work on one output at once (two cores, two serial GPAW
runs): :class:`LabelStore` serialises its read-modify-replace appends with a POSIX
record lock on byte 0 of the hidden file ``.<output name>.lock``, and :meth:`LabelStore.claim`
lets one process own a configuration (one byte of that file per ``config_id``) while it
computes it. The kernel drops a process's locks when it dies, so a killed worker leaves no stale
claim behind.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import re
import tempfile
from pathlib import Path

import ase.io
import numpy as np
from ase import Atoms
from ase.calculators.singlepoint import SinglePointCalculator

from .calculators import Labels


def config_id(atoms: Atoms) -> str:
    """16-hex-digit fingerprint of an input configuration.

    Hashes species, positions and cell (rounded to 1e-6 Å), pbc, the spin flag and the
    initial moments — everything that defines the calculation apart from the settings.
    """
    h = hashlib.sha1()
    h.update(np.asarray(atoms.numbers, dtype=np.int64).tobytes())
    for arr in (atoms.positions, np.asarray(atoms.cell)):
        h.update(np.round(np.asarray(arr, dtype=float) * 1e6).astype(np.int64).tobytes())
    h.update(np.asarray(atoms.pbc, dtype=np.int8).tobytes())
    h.update(b"spin" if atoms.info.get("spin", False) else b"nospin")
    if "initial_magmoms" in atoms.arrays:
        h.update(np.round(atoms.arrays["initial_magmoms"] * 1e6).astype(np.int64).tobytes())
    return h.hexdigest()[:16]


def read_entries(path: str | Path) -> list[Atoms]:
    """The labelled frames of an extxyz file, ``config_id`` always the str that was written.

    ASE's extxyz reader parses an unquoted value as a number where it can: a hex id of
    digits only comes back as an int (5637519482952065, graphene_bulk entry 154) and one of
    digits around a single ``e`` as a float (``1234e56789012345`` → inf, ``0000000000000e00``
    → 0.0: 1 id in ~1300 of config_id's, digits only 1 in ~1800). Such ids are re-read as
    written from the frame's comment line (:func:`_written_ids`)."""
    frames = ase.io.read(path, index=":", format="extxyz")
    if all(isinstance(at.info.get("config_id", ""), str) for at in frames):
        return frames
    written = _written_ids(path)
    for at, cid in zip(frames, written, strict=True):
        if not isinstance(at.info.get("config_id", ""), str):
            at.info["config_id"] = cid
    return frames


_ID_TOKEN = re.compile(r"(?:^|\s)config_id=(\S+)")


def _written_ids(path: str | Path) -> list[str | None]:
    """The unquoted ``config_id=`` token of each frame's comment line (None if absent)."""
    lines = Path(path).read_text().splitlines()
    ids, i = [], 0
    while i < len(lines):
        if not lines[i].strip():         # blank lines between or after frames
            i += 1
            continue
        found = _ID_TOKEN.search(lines[i + 1])
        ids.append(found.group(1) if found else None)
        i += int(lines[i]) + 2
    return ids


def _atomic_append(path: Path, text: str) -> None:
    """Make ``path`` hold its old content followed by ``text``, atomically (rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    old = path.read_bytes() if path.exists() else b""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(old + text.encode())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    dfd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def _claim_byte(cid: str) -> int:
    """The lock-file byte that stands for configuration ``cid``: 1 + its first 60 bits
    (byte 0 is the write lock; no bytes are written, record locks may lie past the end)."""
    return 1 + int(cid[:15], 16)


class LabelStore:
    """An output extxyz (finished entries) and its ``.failed.jsonl`` (failed entries)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.failed_path = self.path.with_name(self.path.name + ".failed.jsonl")
        self.lock_path = self.path.with_name(f".{self.path.name}.lock")
        self._lock_fd: int | None = None

    def _lock_file(self) -> int:
        """The open descriptor of the lock file (one per store: POSIX record locks are
        released when *any* descriptor of the file in this process is closed)."""
        if self._lock_fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        return self._lock_fd

    @contextlib.contextmanager
    def _exclusive(self):
        """Hold the store's write lock (byte 0), waiting for other processes."""
        fd = self._lock_file()
        fcntl.lockf(fd, fcntl.LOCK_EX, 1, 0)
        try:
            yield
        finally:
            fcntl.lockf(fd, fcntl.LOCK_UN, 1, 0)

    def claim(self, cid: str) -> bool:
        """Own configuration ``cid`` (a :func:`config_id`) for this process; False if
        another process owns it."""
        try:
            fcntl.lockf(self._lock_file(), fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _claim_byte(cid))
        except OSError:
            return False
        return True

    def release(self, cid: str) -> None:
        """Give up the claim on configuration ``cid``."""
        fcntl.lockf(self._lock_file(), fcntl.LOCK_UN, 1, _claim_byte(cid))

    def entries(self) -> list[Atoms]:
        """The finished entries (with their SinglePointCalculator results)."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return []
        return read_entries(self.path)

    def failures(self) -> list[dict]:
        """The failure records, oldest first."""
        if not self.failed_path.exists():
            return []
        return [json.loads(line) for line in self.failed_path.read_text().splitlines()
                if line.strip()]

    def done_ids(self, calc_tag: str) -> tuple[set[str], set[str]]:
        """(ids of finished entries, ids of failed ones); refuses entries of other settings."""
        done = set()
        for i, at in enumerate(self.entries()):
            tag = at.info.get("calc")
            if tag != calc_tag:
                raise ValueError(
                    f"{self.path}: entry {i} was labelled with calc '{tag}', but this run "
                    f"uses '{calc_tag}'; write to another output file")
            done.add(at.info["config_id"])
        failed = {rec["config_id"] for rec in self.failures()
                  if rec.get("calc") == calc_tag}
        return done, failed

    def add(self, atoms: Atoms, labels: Labels, info: dict) -> None:
        """Append one labelled configuration (``info`` goes into the frame's info)."""
        out = Atoms(numbers=atoms.numbers, positions=atoms.positions, cell=atoms.cell,
                    pbc=atoms.pbc)
        if "initial_magmoms" in atoms.arrays:
            out.set_initial_magnetic_moments(atoms.arrays["initial_magmoms"])
        out.info.update(info)
        out.info.update(labels.info)
        results = {"energy": labels.energy, "free_energy": labels.energy,
                   "forces": labels.forces}
        if labels.stress is not None:
            results["stress"] = labels.stress
        out.calc = SinglePointCalculator(out, **results)
        buf = io.StringIO()
        ase.io.write(buf, out, format="extxyz")
        with self._exclusive():
            _atomic_append(self.path, buf.getvalue())

    def add_failure(self, record: dict) -> None:
        """Append one failure record (a JSON object with at least config_id and calc)."""
        with self._exclusive():
            _atomic_append(self.failed_path, json.dumps(record, sort_keys=True) + "\n")
