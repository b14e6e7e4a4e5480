"""mdfe.run: fracture of a cracked sheet end to end (``mdfe run case.toml``).

- :mod:`.schema`: the case-file schema and cross-key checks (``load_run_config``).
- :mod:`.model`: the cracked-sheet model (potential, crystal and slit, MD region, FE slit
  mesh, continuum law, Griffith K_G) and its coupled solver on the MPI layout.
- :mod:`.kfield`: K-field boundary values on a slit mesh.
- :mod:`.driver`: load steps, crack tracking, K_IC, checkpoints and restart
  (``run_case``, ``Run``).
- :mod:`.atomistic`: the fully atomistic reference of a case (the whole body in LAMMPS,
  K-field on an outer layer of atoms, the same K ramp and tip tracking).
- :mod:`.kic`: K_IC of the coupled model and of the fully atomistic body, side by side
  with K_G (``python -m mdfe.run.kic case.toml out.json``).
- :mod:`.output`: the run directory (config, log, CSV/JSON series, HDF5/XDMF fields,
  extxyz atoms, PNG plots, checkpoints).

From Python (docs/run.md, "From Python", lists the objects)::

    from mdfe.run.driver import run_case
    summary = run_case("case.toml")          # or run_case(restart="run-dir")
"""
