"""MTP tests: import mdfe first (it loads the MPI library before motep/mpi4py)."""
import mdfe  # noqa: F401
import pytest

from mtp_cases import MLEARN


@pytest.fixture
def mlearn_dir():
    """shared/data/mlearn (Si, Mo training/test JSON of Zuo et al. 2020)."""
    if not MLEARN.exists():
        pytest.fail(f"reference data {MLEARN} missing (shared/data/mlearn)")
    return MLEARN
