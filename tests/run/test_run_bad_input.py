"""Bad-input catalogue of ``mdfe run``: config, structure, potential, mesh/region, layout.

Each case must raise one ConfigError whose message names the offending key or file, and
leave no run directory behind (nothing is created before all inputs are checked)."""
import re

import pytest

from case_files import write_case

from mdfe.config import ConfigError
from mdfe.run.driver import run_case

CASES = {
    # ---- config: keys, types, values
    "unknown key": ({"body.widht": 3.0}, r"unknown key 'body\.widht'"),
    "wrong type": ({"body.width": "80"}, r"'body\.width' = '80': expected"),
    "missing key": ({"crack.tip": None}, r"missing required key 'crack\.tip'"),
    "bool as int": ({"loading.steps": True}, r"'loading\.steps'"),
    "bad mode": ({"loading.mode": "mode3"}, r"'loading\.mode' = 'mode3': allowed: k_field"),
    "layout mode": ({"layout.mode": "spread"}, r"'layout\.mode'"),
    "every zero": ({"output.fields_every": 0}, r"'output\.fields_every'"),
    "negative tol": ({"solver.tol": -1e-3}, r"'solver\.tol'"),
    "tip outside": ({"crack.tip": [90.0, 35.0]}, r"'crack\.tip' .* outside the body"),
    "tip not a pair": ({"crack.tip": [40.0]}, r"'crack\.tip'"),
    "h_min > h_max": ({"body.h_min": 20.0}, r"'body\.h_min'"),
    "blend > band": ({"md.blend_width": 9.0}, r"'md\.blend_width'"),
    "no room ahead": ({"md.ahead": 4.0}, r"'md\.ahead'"),
    "absurd ramp": ({"loading.k_step": 10.0, "loading.steps": 10}, r"'loading\.k_step'"),
    # ---- structure
    "material": ({"structure.material": "borophene"}, r"'structure\.material'"),
    "faces": ({"structure.crack_faces": "chiral"}, r"'structure\.crack_faces'"),
    "species": ({"potential.elements": ["B", "N"]}, r"'potential\.elements'"),
    "second = first": ({"structure.second_material": "graphene", "structure.interface_y": 60.0},
                       r"'structure\.second_material' = 'graphene'"),
    "interface outside": ({"structure.second_material": "hBN", "structure.interface_y": 80.0},
                          r"'structure\.interface_y' = 80\.0 must lie inside the body"),
    "MD across interface": ({"structure.second_material": "hBN", "structure.interface_y": 45.0},
                            r"'structure\.interface_y' = 45\.0 Å: the MD region reaches"),
    "K-field near interface": ({"structure.second_material": "hBN",
                                "structure.interface_y": 52.0},
                               r"'structure\.interface_y' .* K-loading needs at least one "
                               r"MD-region radius"),
    # ---- potential
    "kind": ({"potential.kind": "lj"}, r"'potential\.kind'"),
    "missing file": ({"potential.file": "nope/none.tersoff"}, r"'potential\.file'.*no such file"),
    "wheel name": ({"potential.file": "Nope.tersoff"}, r"\[potential\].*Nope\.tersoff.*not found"),
    "element not in file": ({"potential.file": "Si.tersoff"},
                            r"\[potential\].*elements \['C'\] are not in potential file Si"),
    "garbage file": ({"potential.file": "bad.tersoff"}, r"\[potential\].*bad\.tersoff"),
    "mtp no cutoff": ({"potential.kind": "mtp", "potential.file": "bad.mtp"},
                      r"\[potential\].*bad\.mtp.*max_dist"),
    "mtp lacks h-BN": ({"potential.kind": "mtp", "potential.file": "bad.mtp",
                        "potential.elements": ["C"], "structure.second_material": "hBN",
                        "structure.interface_y": 60.0},
                       r"'potential\.elements' = \['C'\]: kind = 'mtp' takes the \.mtp "
                       r"file's species in its order, distinct, holding the structure's "
                       r"\['C', 'B', 'N'\]"),
    "morse on graphene": ({"potential.kind": "morse", "potential.file": None},
                          r"'potential\.kind' = 'morse' with structure\.material = 'graphene'"),
    "morse without D": ({"structure.material": "triangular", "potential.kind": "morse",
                         "potential.file": None, "potential.alpha": 2.0, "potential.r0": 2.5,
                         "potential.cutoff": 4.6}, r"'potential\.D' = 0\.0"),
    "morse cutoff": ({"structure.material": "triangular", "potential.kind": "morse",
                      "potential.file": None, "potential.D": 0.5, "potential.alpha": 2.0,
                      "potential.r0": 2.5, "potential.cutoff": 2.0},
                     r"'potential\.cutoff' = 2\.0 Å must exceed potential\.r0"),
    "morse with file": ({"structure.material": "triangular", "potential.kind": "morse",
                         "potential.D": 0.5, "potential.alpha": 2.0, "potential.r0": 2.5,
                         "potential.cutoff": 4.6}, r"'potential\.file' is not used"),
    "tersoff with r0": ({"potential.r0": 2.5}, r"'potential\.r0' is a morse parameter"),
    "no file": ({"potential.file": None}, r"'potential\.file' missing"),
    # ---- MD region and FE mesh
    "band < r_cut": ({"md.band_width": 1.5, "md.blend_width": 1.0}, r"'md\.band_width' = 1\.5 Å is narrower than"),
    "pad < 2 r_cut": ({"md.pad_width": 3.0}, r"'md\.pad_width' = 3\.0 Å is thinner"),
    "ahead < 2 r_cut": ({"structure.material": "triangular", "potential.kind": "morse",
                         "potential.file": None, "potential.D": 0.5, "potential.alpha": 2.0,
                         "potential.r0": 2.5, "potential.cutoff": 4.6, "md.ahead": 8.0},
                        r"'md\.ahead' = 8\.0 Å leaves the tip no room"),
    "band vs mesh": ({"md.band_width": 2.5}, r"'md\.band_width' = 2\.5 Å leaves no blending"),
    "region outside": ({"crack.tip": [12.0, 35.0]}, r"reaches outside the body"),
    "coarse band": ({"md.blend_width": 5.4}, r"\[md\] / \[body\]: md: FE node"),
    # ---- layout
    "rank counts": ({"layout.fe_ranks": 1, "layout.md_ranks": [1]}, r"\[layout\].*sum"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_one_clear_error_and_no_run_directory(tmp_path, name):
    changes, pattern = CASES[name]
    (tmp_path / "bad.tersoff").write_text("C C C 3.0 1.0\n")      # truncated entry
    (tmp_path / "bad.mtp").write_text("MTP\nversion = 1.1.0\nspecies_count = 1\n")
    case = write_case(tmp_path, **changes)
    with pytest.raises(ConfigError, match=pattern) as info:
        run_case(case)
    assert str(case) in str(info.value)                   # the message names the file
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("text, pattern", [
    ("[body\nwidth = 1", r"not valid TOML"),
    ("[[structure]]\nmaterial = 'graphene'", r"'structure' must be a table"),
])
def test_unreadable_case_files(tmp_path, text, pattern):
    case = write_case(tmp_path, text=text)
    with pytest.raises(ConfigError, match=pattern):
        run_case(case)
    assert not (tmp_path / "out").exists()


def test_missing_case_file_and_bad_restart(tmp_path):
    with pytest.raises(ConfigError, match=re.escape(str(tmp_path / "none.toml"))):
        run_case(tmp_path / "none.toml")
    with pytest.raises(ConfigError, match="--restart .*config.toml not found"):
        run_case(restart=str(tmp_path))
    (tmp_path / "config.toml").write_text((write_case(tmp_path)).read_text())
    with pytest.raises(ConfigError, match="no checkpoint"):
        run_case(restart=str(tmp_path))


def test_existing_output_directory_is_left_alone(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.txt").write_text("keep")
    case = write_case(tmp_path)
    with pytest.raises(ConfigError, match=r"'output\.directory' .* exists and is not empty"):
        run_case(case)
    assert sorted(p.name for p in out.iterdir()) == ["precious.txt"]


def test_overwrite_replaces_only_run_directories(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.txt").write_text("keep")
    case = write_case(tmp_path, **{"output.overwrite": True})
    with pytest.raises(ConfigError, match=r"'output\.directory' .* not a run directory"):
        run_case(case)
    assert sorted(p.name for p in out.iterdir()) == ["precious.txt"]
