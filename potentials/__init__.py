"""mdfe.potentials: Moment Tensor Potentials (formats, evaluation, training, active
learning), the ``pair_style mtp`` LAMMPS plugin sources, and material constants computed
from a potential."""
