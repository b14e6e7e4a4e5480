"""mdfe label: resumable, atomic, failures recorded; stored labels equal direct EMT."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import ase.io
import numpy as np
import pytest
from ase.calculators.emt import EMT

from mdfe.potentials.dft.calculators import make_backend
from mdfe.potentials.dft.labelling import label
from mdfe.potentials.dft.store import LabelStore, config_id
from mdfe.potentials.dft.structures import sheet_set

HERE = Path(__file__).resolve().parent


def _inputs(path: Path, n2: int, n8: int) -> list:
    frames = sheet_set(2.467, ("C", "C"), {"2": n2, "8": n8}, seed=1, name="t")
    ase.io.write(path, frames, format="extxyz")
    return ase.io.read(path, index=":")


def _count_entries(path: Path) -> int:
    return len(ase.io.read(path, index=":")) if path.exists() else 0


def _slow_label_command(inp: Path, out: Path, calls: Path, sleep: float):
    """(argv, env) of a real `mdfe label` subprocess with SlowEMT, which sleeps ``sleep`` s
    per configuration and logs each one it starts to ``calls``."""
    env = dict(os.environ, MDFE_TEST_CALL_LOG=str(calls), MDFE_TEST_SLEEP=str(sleep),
               PYTHONPATH=f"{HERE}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    cmd = [sys.executable, "-m", "mdfe", "label", str(inp), str(out),
           "--calculator", "dft_test_calculators:SlowEMT"]
    return cmd, env


def test_resumes_after_sigkill_without_recomputing(tmp_path):
    """Kill a real `mdfe label` subprocess (SIGKILL) three times mid-run, then finish."""
    inp, out, calls = tmp_path / "in.extxyz", tmp_path / "out.extxyz", tmp_path / "calls"
    frames = _inputs(inp, 6, 10)
    cmd, env = _slow_label_command(inp, out, calls, sleep=0.15)
    finished_before_kill = []  # (ids stored at the kill, calls logged up to the kill)
    for target in (2, 6, 11):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 40
        while _count_entries(out) < target and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL
        done = ase.io.read(out, index=":")  # whole entries only, even after SIGKILL
        assert len(done) >= target
        finished_before_kill.append(({a.info["config_id"] for a in done},
                                     len(calls.read_text().split())))
    assert len(finished_before_kill[-1][0]) < len(frames), "the run ended before the kill"
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr

    stored = ase.io.read(out, index=":")
    ids = [a.info["config_id"] for a in stored]
    assert sorted(ids) == sorted(config_id(a) for a in frames)  # each input exactly once
    # No entry finished at a kill was computed after that kill.
    log = calls.read_text().split()
    for stored_ids, n_calls in finished_before_kill:
        assert not stored_ids & set(log[n_calls:])
    # Only the entries in flight at the three kills were computed twice.
    assert sum(n - 1 for n in Counter(log).values()) <= 3
    # Every stored label equals a direct EMT evaluation of the input frame it names.
    for at in stored:
        ref = frames[at.info["source_index"]].copy()
        np.testing.assert_allclose(at.positions, ref.positions, atol=1e-8)
        ref.calc = EMT()
        assert at.get_potential_energy() == pytest.approx(ref.get_potential_energy(),
                                                          abs=1e-9)
        # forces are stored with 8 decimals (extxyz), energy and stress in full
        np.testing.assert_allclose(at.get_forces(), ref.get_forces(), atol=1e-8)
        np.testing.assert_allclose(at.get_stress(), ref.get_stress(), atol=1e-11)
        assert at.info["source"] == "in.extxyz"
        assert at.info["calc"] == "dft_test_calculators:SlowEMT"


def test_two_runs_side_by_side_label_each_configuration_once(tmp_path):
    """Two `mdfe label` processes on the same input and output (one per core): every input
    is stored exactly once, computed exactly once, and both processes did part of it."""
    inp, out, calls = tmp_path / "in.extxyz", tmp_path / "out.extxyz", tmp_path / "calls"
    frames = _inputs(inp, 8, 8)
    cmd, env = _slow_label_command(inp, out, calls, sleep=0.2)
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outs]
    ids = [a.info["config_id"] for a in ase.io.read(out, index=":")]
    assert sorted(ids) == sorted(config_id(a) for a in frames)   # each input exactly once
    log = calls.read_text().split()
    assert sorted(log) == sorted(ids)                              # none computed twice
    per_run = [o[0].count(" atoms E=") for o in outs]
    assert sum(per_run) == len(frames) and min(per_run) >= 1, per_run


def test_failed_configurations_recorded_and_skipped(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(HERE))
    inp, out = tmp_path / "in.extxyz", tmp_path / "out.extxyz"
    frames = _inputs(inp, 3, 2)
    backend = make_backend("dft_test_calculators:FailingEMT")
    s = label(inp, out, backend, log=open(os.devnull, "w"))
    assert (s.labelled, s.failed, s.remaining) == (3, 2, 0)
    recs = LabelStore(out).failures()
    assert [r["source_index"] for r in recs] == [3, 4]
    assert {r["config_id"] for r in recs} == {config_id(frames[3]), config_id(frames[4])}
    assert all("SCFNotConverged: density did not converge" in r["error"] for r in recs)
    again = label(inp, out, backend, log=open(os.devnull, "w"))  # failures are not retried
    assert (again.done_before, again.failed_before, again.labelled, again.failed) == \
        (3, 2, 0, 0)
    assert json.loads((tmp_path / "out.extxyz.failed.jsonl").read_text().splitlines()[0])


def test_limit_and_refusal_of_other_settings(tmp_path):
    inp, out = tmp_path / "in.extxyz", tmp_path / "out.extxyz"
    _inputs(inp, 4, 0)
    s = label(inp, out, make_backend("emt"), limit=2, log=open(os.devnull, "w"))
    assert (s.labelled, s.remaining) == (2, 2)
    with pytest.raises(ValueError, match=r"out\.extxyz: entry 0 was labelled with calc "
                       r"'ase\.calculators\.emt:EMT'"):
        label(inp, out, make_backend("ase.calculators.lj:LennardJones"),
              log=open(os.devnull, "w"))


def test_bad_input_names_file_and_key(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.extxyz does not exist"):
        label(tmp_path / "nope.extxyz", tmp_path / "o.extxyz", make_backend("emt"))
    inp = tmp_path / "in.extxyz"
    frames = _inputs(inp, 1, 0)
    frames[0].info["config_id"] = "x"
    ase.io.write(inp, frames)
    with pytest.raises(ValueError, match=r"in\.extxyz: frame 0 has info key\(s\) "
                       r"\['config_id'\]"):
        label(inp, tmp_path / "o.extxyz", make_backend("emt"))
    with pytest.raises(ValueError, match="cannot import Nope from ase.calculators.emt"):
        make_backend("ase.calculators.emt:Nope")


def test_numeric_looking_config_id_reads_back_as_the_stored_string(tmp_path):
    """ASE's extxyz reader makes an unquoted all-digit value an int (graphene_bulk entry
    154 has id 5637519482952065) and digits around one 'e' a float (inf, 0.0): entries()
    and done_ids() must still give the 16-digit string config_id() computes, else resume
    would relabel it and ship's sort of ids fails."""
    from mdfe.potentials.dft.calculators import Labels
    store = LabelStore(tmp_path / "out.extxyz")
    frames = _inputs(tmp_path / "in.extxyz", 5, 0)
    ids = ["0012345678901234", "abcdef0123456789", "1234e56789012345", "0000000000000e00",
           "12345678901234e5"]
    for at, cid in zip(frames, ids):
        store.add(at, Labels(energy=1.0, forces=np.zeros((len(at), 3)), stress=None),
                  {"config_id": cid, "calc": "t"})
    raw = [a.info["config_id"] for a in ase.io.read(store.path, index=":")]
    assert [type(c).__name__ for c in raw] == ["int64", "str", "float64", "float64",
                                               "float64"]   # the reader's behaviour
    assert [a.info["config_id"] for a in store.entries()] == ids
    assert store.done_ids("t")[0] == set(ids)
