"""mdfe convert / evaluate / select / train on small files, through the real CLI entry."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from mdfe.cli import main
from mdfe.potentials.mtp.calculator import MTPCalculator
from mdfe.potentials.mtp.cfg import read_cfg, write_cfg
from mdfe.potentials.mtp.configurations import read_configurations
from mdfe.potentials.mtp.metrics import error_table, predict
from mdfe.potentials.mtp.mtp_file import write_mtp
from mtp_cases import crystal, potential


def test_convert_cfg_extxyz_round_trip(tmp_path, mlearn_dir):
    assert main(["convert", str(mlearn_dir / "Mo" / "test.json"), str(tmp_path / "a.cfg"),
                 "--species", "Mo"]) == 0
    assert main(["convert", str(tmp_path / "a.cfg"), str(tmp_path / "a.extxyz"),
                 "--species", "Mo"]) == 0
    assert main(["convert", str(tmp_path / "a.extxyz"), str(tmp_path / "b.cfg"),
                 "--species", "Mo"]) == 0
    a, b = read_cfg(tmp_path / "a.cfg", ["Mo"]), read_cfg(tmp_path / "b.cfg", ["Mo"])
    assert len(a) == len(b) == 23
    for x, y in zip(a, b):        # ASE's extxyz writer keeps 8 decimals (Å, eV/Å)
        np.testing.assert_allclose(x.positions, y.positions, rtol=0, atol=6e-9)
        np.testing.assert_allclose(x.get_forces(), y.get_forces(), rtol=0, atol=6e-9)
        assert x.get_potential_energy() == pytest.approx(y.get_potential_energy(), abs=1e-8)
        np.testing.assert_allclose(x.get_stress(), y.get_stress(), rtol=1e-7, atol=1e-12)


def test_evaluate_prints_the_errors_it_computes(tmp_path, mlearn_dir, capsys):
    model = potential(8, 1, seed=2)
    model.max_dist = 4.2
    write_mtp(tmp_path / "p.mtp", model)
    data = mlearn_dir / "Si" / "test.json"
    assert main(["evaluate", str(tmp_path / "p.mtp"), str(data), "--species", "Si",
                 "--report", str(tmp_path / "rep")]) == 0
    out = capsys.readouterr().out
    table = error_table(predict(MTPCalculator(model, ["Si"]), read_configurations(data)))
    line = next(ln for ln in out.splitlines() if ln.startswith("all "))
    assert float(line.split()[2]) == pytest.approx(1000 * table["all"]["energy_per_atom"]["MAE"],
                                                   abs=1e-3)
    assert (tmp_path / "rep" / "evaluate_parity.png").stat().st_size > 1000


def test_select_writes_frames_above_threshold(tmp_path, capsys):
    train = [crystal(1, seed=s, rattle=0.12) for s in range(10)]
    frames = [crystal(1, seed=50, rattle=0.12), crystal(1, seed=51, rattle=0.12)]
    frames[1].set_cell(frames[1].cell * 0.8, scale_atoms=True)
    write_cfg(tmp_path / "train.cfg", train, ["Si"])
    write_cfg(tmp_path / "traj.cfg", frames, ["Si"])
    write_mtp(tmp_path / "p.mtp", potential(8, 1, seed=4))
    assert main(["select", str(tmp_path / "p.mtp"), str(tmp_path / "train.cfg"),
                 str(tmp_path / "traj.cfg"), "--species", "Si", "--threshold", "2",
                 "-o", str(tmp_path / "sel.cfg")]) == 0
    sel = read_cfg(tmp_path / "sel.cfg", ["Si"])
    assert len(sel) == 1 and float(sel[0].info["MV_grade"]) > 2
    np.testing.assert_array_equal(sel[0].positions, frames[1].positions)


@pytest.mark.skipif(shutil.which("mlp") is not None, reason="checks the message without mlp")
def test_train_engine_mlip_without_mlp_is_a_clear_error(tmp_path, mlearn_dir):
    with pytest.raises(RuntimeError, match="'mlp' is not on PATH"):
        main(["train", str(mlearn_dir / "Si" / "test.json"), "--species", "Si", "--level", "6",
              "--engine", "mlip", "-o", str(tmp_path / "t.mtp")])
