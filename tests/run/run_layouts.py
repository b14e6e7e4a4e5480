"""MPI helper of test_mpi_run.py: ``mpirun -n N python run_layouts.py CASE...`` runs each
case file in turn on the same world (``mdfe.run.driver.run_case``)."""
import sys

import mdfe  # noqa: F401  (loads the MPI library first)
from mdfe.run.driver import run_case

for case in sys.argv[1:]:
    run_case(case)
