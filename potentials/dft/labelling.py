"""The resumable labelling loop: configurations in, labelled entries out, one at a time.

Each configuration of the input extxyz is identified by :func:`~.store.config_id`; the
run skips ids already finished or already failed *with the same back-end tag* in the
output, so a run that was killed or hit its time limit is resumed by running the same
command again. Results are appended as they arrive (:class:`~.store.LabelStore`).
Several runs of the same command may work side by side (one per core): each claims a
configuration before computing it (:meth:`~.store.LabelStore.claim`) and leaves the ones
another run holds or has finished meanwhile.
"""
from __future__ import annotations

import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import ase.io

from .store import LabelStore, config_id

# Info keys that the labeller writes itself; an input carrying them is refused.
RESERVED = ("config_id", "source", "source_index", "calc", "wall_s", "energy",
            "free_energy", "stress")


@dataclass
class Summary:
    """Counts of one labelling run."""

    total: int
    done_before: int
    failed_before: int
    labelled: int
    failed: int
    remaining: int


def read_inputs(path: str | Path) -> list:
    """All frames of an input extxyz; errors name the file."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"input configurations file {path} does not exist")
    try:
        frames = ase.io.read(path, index=":", format="extxyz")
    except Exception as exc:  # noqa: BLE001 - reported with the file name
        raise ValueError(f"{path}: cannot read as extxyz: {exc}") from None
    for i, at in enumerate(frames):
        clash = [k for k in RESERVED if k in at.info]
        if clash:
            raise ValueError(f"{path}: frame {i} has info key(s) {clash}, which the "
                             f"labeller writes itself; rename them")
        at.calc = None
    return frames


def label(inputs: str | Path, output: str | Path, backend, *, limit: int | None = None,
          time_limit: float | None = None, log=sys.stdout) -> Summary:
    """Label every configuration of ``inputs`` not yet in ``output`` with ``backend``.

    limit: stop after this many new entries (finished or failed); time_limit: seconds
    after which no new configuration is started. Exceptions raised by the calculator
    (non-converged SCF, ...) are recorded as failures and the run goes on.
    """
    frames = read_inputs(inputs)
    store = LabelStore(output)
    done, failed = store.done_ids(backend.tag)
    source = Path(inputs).name
    start = time.monotonic()
    labelled = nfail = 0
    todo = [(i, at, config_id(at)) for i, at in enumerate(frames)]
    todo = [t for t in todo if t[2] not in done and t[2] not in failed]
    print(f"label: {len(frames)} configurations in {inputs}; {len(done)} done and "
          f"{len(failed)} failed before; {len(todo)} to do -> {output}", file=log, flush=True)
    seen = set()
    for i, atoms, cid in todo:
        if cid in seen:  # a duplicate input frame: labelled once
            continue
        if limit is not None and labelled + nfail >= limit:
            break
        if time_limit is not None and time.monotonic() - start > time_limit:
            break
        if not store.claim(cid):  # another run is computing it
            continue
        try:
            if cid in set().union(*store.done_ids(backend.tag)):  # finished meanwhile
                continue
            seen.add(cid)
            meta = {"config_id": cid, "source": source, "source_index": i,
                    "calc": backend.tag}
            ok = _label_one(store, backend, atoms, meta, i, log)
        finally:
            store.release(cid)
        labelled += ok
        nfail += not ok
    done_now, failed_now = store.done_ids(backend.tag)  # this run's and any other run's
    remaining = len({t[2] for t in todo} - done_now - failed_now)
    summary = Summary(len(frames), len(done), len(failed), labelled, nfail, remaining)
    print(f"label: {labelled} labelled, {nfail} failed, {remaining} remaining",
          file=log, flush=True)
    return summary


def _label_one(store: LabelStore, backend, atoms, meta: dict, index: int, log) -> bool:
    """Compute one configuration and store the result or the failure; True if labelled."""
    cid = meta["config_id"]
    t0 = time.monotonic()
    try:
        result = backend.evaluate(atoms)
    except Exception as exc:  # noqa: BLE001 - recorded, then the run goes on
        wall = time.monotonic() - t0
        store.add_failure({**meta, "wall_s": round(wall, 2),
                           "error": f"{type(exc).__name__}: {exc}",
                           "traceback": traceback.format_exc(limit=3)})
        print(f"  [{index}] {cid} FAILED after {wall:.1f} s: {type(exc).__name__}: {exc}",
              file=log, flush=True)
        return False
    wall = time.monotonic() - t0
    store.add(atoms, result, {**atoms.info, **meta, "wall_s": round(wall, 2)})
    print(f"  [{index}] {cid} {len(atoms)} atoms E={result.energy:.6f} eV {wall:.1f} s",
          file=log, flush=True)
    return True
