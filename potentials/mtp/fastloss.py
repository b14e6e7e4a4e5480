"""Training loss of an MTP and its exact-to-O(h²) gradient, from mdfe's C++ evaluator.

The evaluator is the one ``pair_style mtp`` runs (potentials/lammps/src/mtp_eval.cpp),
reached through ctypes in ``libmtptrain.so`` (mtp_train.cpp, built by setup.py next to
the plugin). Parameters θ = [species_coeffs (S), moment_coeffs (n_α), radial_coeffs
(S·S·n_μ·n_Q, order [z_i, z_j, μ, k])].

Loss (motep's / MLIP's, averaged over the C configurations; N atoms, volume V):

    L = (1/C) Σ_c q_c [ w_E (ΔE/N)² + (w_F/N) Σ_k |ΔF_k|² + w_S (V/N)² Σ_ab Δσ_ab² ]

(q_c: the configuration's weight, 1 unless given — an integer q_c counts the configuration
q_c times, up to the normalisation; Δ = model − reference; σ full 3×3, ASE sign
σ = (1/V) ∂E/∂ε, eV/Å³; L_c below is the bracket, its gradient enters times q_c). With
g = ∂E/∂θ, ∂F_k/∂θ = −∂g/∂r_k and ∂σ/∂θ = (1/V) ∂g/∂ε, so the force and stress terms of
∂L/∂θ are one directional derivative of g: with the pair displacement field

    δr_ij = −(2 w_F/N) (ΔF_j − ΔF_i) + (2 w_S V/N²) Δσ · r_ij

∂L_c/∂θ = 2 w_E ΔE/N² · g + D_δ g, and D_δ g = (g(r + hδ) − g(r − hδ)) / 2h is taken in
C++ with h·max|δr| = 1e-5 Å (measured: equal to motep's Jacobian-based gradient to
~1e-9 of its largest component). One loss + gradient costs
one force pass and two energy-gradient passes per configuration — no Jacobian.

Configurations are shared round-robin over the ranks of an mpi4py communicator; loss and
gradient are summed with allreduce, so every rank gets the same numbers.
"""
from __future__ import annotations

import ctypes
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.neighborlist import neighbor_list

from mdfe.potentials.mtp.model import MTPModel
from mdfe.potentials.mtp.mtp_file import write_mtp

STEP = 1e-5          # Å: largest pair displacement of the central difference
SKIN = 1e-3          # Å: neighbour list reach beyond the cut-off (covers ± STEP)

_LIB = None
_D = ctypes.POINTER(ctypes.c_double)
_I = ctypes.POINTER(ctypes.c_int)
_L = ctypes.POINTER(ctypes.c_int64)


def _library() -> ctypes.CDLL:
    """libmtptrain.so from the installed mdfe.potentials.lammps (built by setup.py).

    In an editable checkout whose build step predates this library it is compiled once
    here (atomically renamed into place, so concurrent MPI ranks are safe).
    """
    global _LIB
    if _LIB is not None:
        return _LIB
    from mdfe.potentials.lammps import plugin_dir
    path = Path(plugin_dir()) / "libmtptrain.so"
    if not path.exists():
        build = Path(plugin_dir()) / "_build.py"
        if not build.exists():
            raise RuntimeError(f"MTP training: {path} is missing; reinstall mdfe "
                               "('pip install .' builds it with the LAMMPS plugin)")
        import importlib.util
        spec = importlib.util.spec_from_file_location("_mdfe_plugin_build", build)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        mod.compile_training_library(tmp)
        os.replace(tmp, path)
    lib = ctypes.CDLL(str(path))
    lib.mdfe_mtp_open.restype = ctypes.c_void_p
    lib.mdfe_mtp_open.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
    lib.mdfe_mtp_close.argtypes = [ctypes.c_void_p]
    lib.mdfe_mtp_parameter_count.argtypes = [ctypes.c_void_p]
    lib.mdfe_mtp_cutoff.restype = ctypes.c_double
    lib.mdfe_mtp_cutoff.argtypes = [ctypes.c_void_p]
    lib.mdfe_mtp_set_parameters.argtypes = [ctypes.c_void_p, _D]
    lib.mdfe_mtp_energy_forces.argtypes = [ctypes.c_void_p, ctypes.c_int, _I, _L, _I, _D, _D,
                                           _D, _D, _D, ctypes.c_char_p, ctypes.c_int]
    lib.mdfe_mtp_directional_gradient.argtypes = [
        ctypes.c_void_p, ctypes.c_int, _I, _L, _I, _D, _D, ctypes.c_double, ctypes.c_double,
        _D, ctypes.c_char_p, ctypes.c_int]
    lib.mdfe_mtp_linear_rows.argtypes = [ctypes.c_void_p, ctypes.c_int, _I, _L, _I, _D, _D, _D,
                                         _D, ctypes.c_char_p, ctypes.c_int]
    _LIB = lib
    return lib


def _p(a: np.ndarray, kind):
    return a.ctypes.data_as(kind)


def parameters(model: MTPModel) -> np.ndarray:
    """θ of a trained ``model`` (see module docstring)."""
    return np.concatenate([model.species_coeffs, model.moment_coeffs,
                           np.ravel(model.radial_coeffs)]).astype(float)


def with_parameters(model: MTPModel, theta: np.ndarray) -> MTPModel:
    """A copy of ``model`` with coefficients θ."""
    m = model.copy()
    s, na = model.species_count, model.alpha_scalar_moments
    m.species_coeffs = np.array(theta[:s], dtype=float)
    m.moment_coeffs = np.array(theta[s:s + na], dtype=float)
    m.radial_coeffs = np.array(theta[s + na:], dtype=float).reshape(
        s, s, model.radial_funcs_count, model.radial_basis_size)
    return m


class Evaluator:
    """The C++ evaluator of one potential's basis; coefficients set per call."""

    def __init__(self, model: MTPModel):
        self.lib = _library()
        start = model if model.is_trained else with_parameters(model, np.zeros(
            model.species_count + model.alpha_scalar_moments
            + model.species_count ** 2 * model.radial_funcs_count * model.radial_basis_size))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "model.mtp"
            write_mtp(path, start)
            err = ctypes.create_string_buffer(1024)
            self.handle = self.lib.mdfe_mtp_open(str(path).encode(), err, len(err))
        if not self.handle:
            raise ValueError(err.value.decode())
        self.nparams = self.lib.mdfe_mtp_parameter_count(self.handle)
        self.cutoff = self.lib.mdfe_mtp_cutoff(self.handle)
        self._err = ctypes.create_string_buffer(1024)

    def __del__(self):
        if getattr(self, "handle", None):
            self.lib.mdfe_mtp_close(self.handle)
            self.handle = None

    def set_parameters(self, theta: np.ndarray) -> None:
        theta = np.ascontiguousarray(theta, dtype=float)
        if theta.shape != (self.nparams,):
            raise ValueError(f"MTP parameters: expected {self.nparams} values, got "
                             f"{theta.shape}")
        self.lib.mdfe_mtp_set_parameters(self.handle, _p(theta, _D))

    def _check(self, rc: int) -> None:
        if rc != 0:
            raise RuntimeError(f"MTP evaluator: {self._err.value.decode()}")

    def energy_forces(self, c: "Configuration", dtheta: np.ndarray | None = None):
        """(E eV, forces (N, 3) eV/Å, virial (3, 3) eV); dE/dθ added to ``dtheta``."""
        e = np.zeros(1)
        f = np.empty((c.natoms, 3))
        w = np.empty((3, 3))
        self._check(self.lib.mdfe_mtp_energy_forces(
            self.handle, c.natoms, _p(c.types, _I), _p(c.first, _L), _p(c.nbr, _I),
            _p(c.rij, _D), _p(e, _D), _p(f, _D), _p(w, _D),
            None if dtheta is None else _p(dtheta, _D), self._err, len(self._err)))
        return float(e[0]), f, w

    def linear_rows(self, c: "Configuration", nlin: int):
        """Design rows of the first ``nlin`` coefficients (species + moment) at the radial
        coefficients last set: (e (nlin,), f (N·3, nlin), w (9, nlin)) with E = e·ξ,
        forces.ravel() = f ξ (eV/Å), virial.ravel() = w ξ (eV)."""
        e = np.empty(nlin)
        f = np.empty((3 * c.natoms, nlin))
        w = np.empty((9, nlin))
        self._check(self.lib.mdfe_mtp_linear_rows(
            self.handle, c.natoms, _p(c.types, _I), _p(c.first, _L), _p(c.nbr, _I),
            _p(c.rij, _D), _p(e, _D), _p(f, _D), _p(w, _D), self._err, len(self._err)))
        return e, f, w

    def directional_gradient(self, c: "Configuration", drij: np.ndarray, out: np.ndarray,
                             scale: float = 1.0) -> None:
        """out += scale · D_δ(dE/dθ) along the pair displacement field ``drij`` (npairs, 3)."""
        size = float(np.max(np.abs(drij))) if drij.size else 0.0
        if size == 0.0:
            return
        drij = np.ascontiguousarray(drij, dtype=float)
        self._check(self.lib.mdfe_mtp_directional_gradient(
            self.handle, c.natoms, _p(c.types, _I), _p(c.first, _L), _p(c.nbr, _I),
            _p(c.rij, _D), _p(drij, _D), STEP / size, scale, _p(out, _D), self._err,
            len(self._err)))


@dataclass
class Configuration:
    """One training configuration: neighbour pairs (built once) and reference values."""

    natoms: int
    types: np.ndarray        # (N,) int32 species index
    first: np.ndarray        # (N+1,) int64: pairs of atom i are first[i]:first[i+1]
    i: np.ndarray            # (P,) int32 centre atom of each pair
    nbr: np.ndarray          # (P,) int32 neighbour atom
    rij: np.ndarray          # (P, 3) r_j − r_i, Å
    volume: float | None     # Å³, None without three lattice vectors
    energy: float            # eV
    forces: np.ndarray | None  # (N, 3) eV/Å
    stress: np.ndarray | None  # (3, 3) eV/Å³, ASE sign
    weight: float = 1.0      # q_c of the loss (module docstring)

    @classmethod
    def from_atoms(cls, atoms: Atoms, numbers: list[int], cutoff: float,
                   weight: float = 1.0) -> "Configuration":
        """Pairs within cutoff + SKIN; reference values from ``atoms.calc.results``."""
        index = {z: k for k, z in enumerate(numbers)}
        types = np.array([index[int(z)] for z in atoms.numbers], dtype=np.int32)
        i, j, d = neighbor_list("ijD", atoms, cutoff + SKIN)
        order = np.argsort(i, kind="stable")
        i, j, d = i[order], j[order], d[order]
        first = np.concatenate([[0], np.cumsum(np.bincount(i, minlength=len(atoms)))])
        res = atoms.calc.results
        three_d = atoms.cell.rank == 3
        stress = None
        if three_d and res.get("stress") is not None:
            s = np.asarray(res["stress"], dtype=float)
            stress = s if s.shape == (3, 3) else np.array(
                [[s[0], s[5], s[4]], [s[5], s[1], s[3]], [s[4], s[3], s[2]]])
        forces = res.get("forces")
        return cls(natoms=len(atoms), types=types, first=first.astype(np.int64),
                   i=i.astype(np.int32), nbr=j.astype(np.int32),
                   rij=np.ascontiguousarray(d, dtype=float),
                   volume=float(atoms.cell.volume) if three_d else None,
                   energy=float(res["energy"]),
                   forces=None if forces is None else np.asarray(forces, dtype=float),
                   stress=stress, weight=float(weight))


class Loss:
    """L(θ) and ∂L/∂θ over ``images`` (module docstring), MPI-parallel over ``comm``;
    ``weights``: q_c per image (default all 1; each > 0)."""

    def __init__(self, model: MTPModel, images: list[Atoms], numbers: list[int], *,
                 energy_weight: float, forces_weight: float, stress_weight: float, comm=None,
                 weights=None):
        self.evaluator = Evaluator(model)
        self.comm = comm
        rank, size = (0, 1) if comm is None else (comm.rank, comm.size)
        self.count = len(images)
        q = np.ones(len(images)) if weights is None else np.asarray(weights, dtype=float)
        if q.shape != (len(images),) or not np.all(np.isfinite(q) & (q > 0)):
            raise ValueError(f"configuration weights: need {len(images)} finite values > 0, "
                             f"got {np.asarray(weights).tolist()}")
        self.mine = [Configuration.from_atoms(images[k], numbers, self.evaluator.cutoff, q[k])
                     for k in range(rank, len(images), size)]
        self.w = (float(energy_weight), float(forces_weight), float(stress_weight))
        self.evaluations = 0

    def _allreduce(self, loss: float, grad: np.ndarray):
        if self.comm is None or self.comm.size == 1:
            return loss, grad
        from mpi4py import MPI
        total = np.empty_like(grad)
        self.comm.Allreduce(grad, total, op=MPI.SUM)
        return self.comm.allreduce(loss, op=MPI.SUM), total

    def __call__(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """(L, ∂L/∂θ), identical on every rank."""
        ev, (we, wf, ws) = self.evaluator, self.w
        ev.set_parameters(theta)
        self.evaluations += 1
        loss, grad = 0.0, np.zeros(ev.nparams)
        g = np.empty(ev.nparams)
        for c in self.mine:
            g[:] = 0.0
            e, f, w = ev.energy_forces(c, g)
            n, q = c.natoms, c.weight
            de = e - c.energy
            loss += q * we * de ** 2 / n ** 2
            grad += (2.0 * q * we * de / n ** 2) * g
            drij = np.zeros_like(c.rij)
            if wf > 0 and c.forces is not None:
                df = f - c.forces
                loss += q * wf * np.sum(df ** 2) / n
                drij += (-2.0 * q * wf / n) * (df[c.nbr] - df[c.i])
            if ws > 0 and c.stress is not None:
                ds = 0.5 * (w + w.T) / c.volume - c.stress
                loss += q * ws * (c.volume / n) ** 2 * np.sum(ds ** 2)
                drij += (2.0 * q * ws * c.volume / n ** 2) * (c.rij @ ds.T)
            ev.directional_gradient(c, drij, grad)
        loss, grad = self._allreduce(loss, grad)
        return loss / self.count, grad / self.count

    def energy_rows(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(A, b) of this rank's configurations: A[c] = √q_c (dE/dθ)/N,
        b[c] = √q_c E_ref/N."""
        ev = self.evaluator
        ev.set_parameters(theta)
        a = np.zeros((len(self.mine), ev.nparams))
        for k, c in enumerate(self.mine):
            ev.energy_forces(c, a[k])
            a[k] *= np.sqrt(c.weight) / c.natoms
        return a, np.array([np.sqrt(c.weight) * c.energy / c.natoms for c in self.mine])
