"""mdfe.potentials.mtp: Moment Tensor Potentials — formats, templates, evaluation,
training and the MaxVol extrapolation grade.

Public API (units: Å, eV, eV/Å, stress eV/Å³ in ASE's sign convention):

- :class:`MTPModel` — every field of an MLIP ``.mtp`` file; :func:`untrained` (level 2…28
  templates), :func:`read_mtp` / :func:`write_mtp`, :class:`MTPFormatError`.
- :func:`read_cfg` / :func:`write_cfg` (MLIP ``.cfg``), :class:`CFGFormatError`,
  :func:`read_mlearn` (mlearn JSON), :func:`read_configurations` /
  :func:`write_configurations` (any of these or an ASE format, by file suffix).
- :class:`MTPCalculator` — ASE calculator (energy, energies, forces, stress).
- :func:`train` with :class:`TrainSettings` → :class:`TrainResult`;
  :func:`cross_validate`.
- :class:`ExtrapolationGrader` / :func:`select_configurations` (MaxVol active learning).
"""
