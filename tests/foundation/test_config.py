"""Run configuration validation: errors name the file and the key."""
import pytest

from mdfe.config import LAYOUT_SCHEMA, ConfigError, Key, layout_from_config, load_config

SCHEMA = {"layout": LAYOUT_SCHEMA,
          "run": {"steps": Key((int,), 10, lambda v: v > 0, "a whole number > 0"),
                  "name": Key((str,), help="run name")}}


def write(tmp_path, text):
    p = tmp_path / "case.toml"
    p.write_text(text)
    return p


def test_defaults_filled_and_layout_built(tmp_path):
    cfg = load_config(write(tmp_path, 'run.name = "a"\n[layout]\nfe_ranks = 1\nmd_ranks = [2]\n'),
                      SCHEMA)
    assert cfg["run"] == {"steps": 10, "name": "a"}
    lay = layout_from_config(cfg["layout"], 3, 1)
    assert lay.fe_ranks == (0,) and lay.md_ranks == ((1, 2),)
    auto = load_config(write(tmp_path, 'run.name = "a"\n'), SCHEMA)
    assert layout_from_config(auto["layout"], 2, 1).shared


@pytest.mark.parametrize("text,message", [
    ('run.name = "a"\nrun.stepz = 3\n', "unknown key 'run.stepz'; allowed here: name, steps"),
    ('run.name = "a"\nrun.steps = "3"\n', "'run.steps' = '3': expected integer"),
    ('run.name = "a"\nrun.steps = true\n', "'run.steps' = True: expected integer"),
    ('run.name = "a"\nrun.steps = -1\n', "'run.steps' = -1: allowed: a whole number > 0"),
    ('run.steps = 2\n', "missing required key 'run.name'"),
    ('run.name = "a"\nlayout.mode = "mixed"\n', "'layout.mode' = 'mixed': allowed: auto"),
    ('run.name = "a"\nlayout.md_ranks = [1, "x"]\n', "every entry must be integer"),
    ('run.name = "a"\nlayout = 3\n', "'layout' must be a table"),
    ('run.name = = "a"\n', "not valid TOML"),
])
def test_bad_config_names_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path, SCHEMA)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="nope.toml: cannot read"):
        load_config(tmp_path / "nope.toml", SCHEMA)
