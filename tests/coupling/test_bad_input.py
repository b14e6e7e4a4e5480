"""Bad input to the coupling set-up: clear errors naming what is wrong, before any solve."""
import numpy as np
import pytest
from ase import Atoms

import mdfe  # noqa: F401
from mdfe.coupling.build import check_species
from mdfe.potentials.lammps_potential import LammpsPotential


def test_species_absent_from_potential():
    pot = LammpsPotential.tersoff(elements=("C",))
    with pytest.raises(ValueError, match=r"region tip: species \['N'\] are not in the potential"):
        check_species(pot, Atoms("CN", positions=np.zeros((2, 3))), what="region tip")


def test_potential_element_absent_from_structure():
    pot = LammpsPotential.tersoff(elements=("B", "N"))
    with pytest.raises(ValueError, match=r"elements \['B'\] are absent from the structure"):
        check_species(pot, Atoms("N2", positions=np.zeros((2, 3))))


def test_matching_species_pass():
    pot = LammpsPotential.tersoff(elements=("B", "N"))
    check_species(pot, Atoms("BN", positions=np.zeros((2, 3))))
