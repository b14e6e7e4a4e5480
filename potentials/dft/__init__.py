"""mdfe.potentials.dft: first-principles labels for training MTPs.

- :mod:`.settings` — the per-element PBE plane-wave settings file (``dft_settings.toml``),
  k-point grids from a density, vacuum-axis detection.
- :mod:`.calculators` — ASE calculators by name: ``gpaw`` (optional ``mdfe[dft]`` extra)
  and ``emt`` (cheap, for tests).
- :mod:`.store` — the labelled data set: an extxyz file appended atomically, one entry per
  finished configuration, plus a JSON-lines record of failed ones.
- :mod:`.labelling` — the resumable labelling loop behind ``mdfe label``.
- :mod:`.structures` — the input configurations of the shipped data sets (strained and
  rattled graphene / h-BN cells, bare-edge ribbons).
"""
