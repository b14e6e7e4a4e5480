/* mdfe: C API of the MTP evaluator for training (loaded by potentials/mtp/fastloss.py
 * through ctypes; no LAMMPS or MPI dependency). The same MTPEvaluator as pair_style mtp.
 *
 * A configuration is given as a neighbour list built once by the caller: natoms atoms of
 * species types[i], and for atom i the pairs first[i] .. first[i+1]-1 with neighbour atom
 * nbr[p] (index in 0 .. natoms-1, a periodic image maps to its atom) and vector
 * rij[3p .. 3p+2] = r_j - r_i (Å). Pairs may reach beyond the cutoff (a skin): they are
 * skipped where |r_ij| >= cutoff, so the same list serves slightly displaced positions.
 *
 * The loss gradient of the force and stress terms is a directional derivative of
 * g = dE/dtheta along a pair displacement field drij (see fastloss.py); it is taken here by
 * a central difference of g at rij +- step * drij.
 *
 * The linear design rows (mdfe_mtp_linear_rows) use that E, F and the virial are linear in
 * the species and moment coefficients xi at fixed radial coefficients: column a of the
 * rows is the configuration's E, F, W with xi = e_a, from the forward-mode basis Jacobian
 * dB_a(i)/dr_ij of the evaluator (radial coefficients as last set).
 *
 * Every function returns 0 on success or -1 after writing a message into err.
 */
#include "mtp_eval.h"
#include "mtp_model.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Trainer {
  std::unique_ptr<mdfe_mtp::MTPEvaluator> ev;
  std::vector<double> r, grad, tmp;    // gathered neighbours of one atom, scratch gradient
  std::vector<int> z, idx;
  std::vector<double> jac;             // basis Jacobian of one atom
};

void set_error(char *err, int errlen, const std::string &msg)
{
  if (err && errlen > 0) {
    std::strncpy(err, msg.c_str(), errlen - 1);
    err[errlen - 1] = '\0';
  }
}

/// Neighbours of atom i within the cutoff at rij + step * drij (drij may be null), into
/// t.r / t.z / t.idx (pair indices); returns their number.
int gather(Trainer &t, int i, const int *types, const std::int64_t *first, const int *nbr,
           const double *rij, const double *drij, double step)
{
  const double rc = t.ev->cutoff();
  const std::int64_t p0 = first[i], p1 = first[i + 1];
  const size_t cap = static_cast<size_t>(p1 - p0);
  if (t.z.size() < cap) {
    t.r.resize(3 * cap);
    t.grad.resize(3 * cap);
    t.z.resize(cap);
    t.idx.resize(cap);
  }
  int n = 0;
  for (std::int64_t p = p0; p < p1; ++p) {
    double v[3];
    for (int d = 0; d < 3; ++d) v[d] = rij[3 * p + d] + (drij ? step * drij[3 * p + d] : 0.0);
    if (v[0] * v[0] + v[1] * v[1] + v[2] * v[2] >= rc * rc) continue;
    std::copy(v, v + 3, &t.r[3 * n]);
    t.z[n] = types[nbr[p]];
    t.idx[n] = static_cast<int>(p);
    ++n;
  }
  return n;
}

}    // namespace

extern "C" {

/// Open the .mtp file `path`; returns a handle or null (message in err).
void *mdfe_mtp_open(const char *path, char *err, int errlen)
{
  try {
    auto *t = new Trainer;
    t->ev.reset(new mdfe_mtp::MTPEvaluator(mdfe_mtp::read_mtp_file(path)));
    return t;
  } catch (const std::exception &e) {
    set_error(err, errlen, e.what());
    return nullptr;
  }
}

void mdfe_mtp_close(void *h) { delete static_cast<Trainer *>(h); }

int mdfe_mtp_parameter_count(void *h)
{
  return static_cast<Trainer *>(h)->ev->parameter_count();
}

double mdfe_mtp_cutoff(void *h) { return static_cast<Trainer *>(h)->ev->cutoff(); }

/// theta = [species_coeffs, moment_coeffs, radial_coeffs] (parameter_count values).
void mdfe_mtp_set_parameters(void *h, const double *theta)
{
  static_cast<Trainer *>(h)->ev->set_parameters(theta);
}

/// Energy (eV) of one configuration; forces (natoms x 3, eV/Å) and virial
/// (3 x 3, W_ab = sum_pairs r_ij,a dV_i/dr_ij,b, eV; sigma = W / V in ASE's convention) are
/// overwritten; if dtheta is not null, dE/dtheta is added to it.
int mdfe_mtp_energy_forces(void *h, int natoms, const int *types, const std::int64_t *first,
                           const int *nbr, const double *rij, double *energy, double *forces,
                           double *virial, double *dtheta, char *err, int errlen)
{
  try {
    Trainer &t = *static_cast<Trainer *>(h);
    std::fill(forces, forces + 3 * natoms, 0.0);
    std::fill(virial, virial + 9, 0.0);
    double e = 0.0;
    for (int i = 0; i < natoms; ++i) {
      const int n = gather(t, i, types, first, nbr, rij, nullptr, 0.0);
      e += t.ev->site_energy(types[i], n, t.r.data(), t.z.data(), t.grad.data(), nullptr,
                             dtheta);
      for (int k = 0; k < n; ++k) {
        const double *g = &t.grad[3 * k], *v = &t.r[3 * k];
        const int j = nbr[t.idx[k]];
        for (int d = 0; d < 3; ++d) {
          forces[3 * i + d] += g[d];
          forces[3 * j + d] -= g[d];
          for (int b = 0; b < 3; ++b) virial[3 * d + b] += v[d] * g[b];
        }
      }
    }
    *energy = e;
    return 0;
  } catch (const std::exception &e) {
    set_error(err, errlen, e.what());
    return -1;
  }
}

/// Design rows of the linear coefficients xi = theta[0 .. nlin-1], nlin = species_count +
/// basis size, at the radial coefficients last set: E = erow . xi (erow: nlin), forces
/// F[3 i + d] = frows[(3 i + d) * nlin + .] . xi (natoms x 3 x nlin), virial
/// W[3 a + b] = vrows[(3 a + b) * nlin + .] . xi (9 x nlin). Outputs are overwritten.
int mdfe_mtp_linear_rows(void *h, int natoms, const int *types, const std::int64_t *first,
                         const int *nbr, const double *rij, double *erow, double *frows,
                         double *vrows, char *err, int errlen)
{
  try {
    Trainer &t = *static_cast<Trainer *>(h);
    const int ns = t.ev->species_count(), nb = t.ev->basis_size(), nlin = ns + nb;
    std::fill(erow, erow + nlin, 0.0);
    std::fill(frows, frows + static_cast<size_t>(3) * natoms * nlin, 0.0);
    std::fill(vrows, vrows + 9 * nlin, 0.0);
    for (int i = 0; i < natoms; ++i) erow[types[i]] += 1.0;
    std::vector<double> basis(nb);
    for (int i = 0; i < natoms; ++i) {
      const int n = gather(t, i, types, first, nbr, rij, nullptr, 0.0);
      t.jac.resize(static_cast<size_t>(nb) * 3 * n);
      t.ev->basis_jacobian(types[i], n, t.r.data(), t.z.data(), basis.data(), t.jac.data());
      for (int b = 0; b < nb; ++b) erow[ns + b] += basis[b];
      for (int k = 0; k < n; ++k) {
        const double *v = &t.r[3 * k];
        const int j = nbr[t.idx[k]];
        for (int d = 0; d < 3; ++d) {
          double *fi = frows + static_cast<size_t>(3 * i + d) * nlin + ns;
          double *fj = frows + static_cast<size_t>(3 * j + d) * nlin + ns;
          const double *g = &t.jac[static_cast<size_t>(3 * k + d) * nb];
          for (int b = 0; b < nb; ++b) {
            fi[b] += g[b];
            fj[b] -= g[b];
          }
          for (int e = 0; e < 3; ++e) {
            double *w = vrows + (3 * e + d) * nlin + ns;
            for (int b = 0; b < nb; ++b) w[b] += v[e] * g[b];
          }
        }
      }
    }
    return 0;
  } catch (const std::exception &e) {
    set_error(err, errlen, e.what());
    return -1;
  }
}

/// out += scale * (g(rij + step drij) - g(rij - step drij)) / (2 step), g = dE/dtheta:
/// the derivative of g along the pair displacement field drij (npairs x 3), O(step^2).
int mdfe_mtp_directional_gradient(void *h, int natoms, const int *types,
                                  const std::int64_t *first, const int *nbr, const double *rij,
                                  const double *drij, double step, double scale, double *out,
                                  char *err, int errlen)
{
  try {
    Trainer &t = *static_cast<Trainer *>(h);
    const int np = t.ev->parameter_count();
    t.tmp.assign(2 * static_cast<size_t>(np), 0.0);
    for (int side = 0; side < 2; ++side) {
      const double s = side == 0 ? step : -step;
      double *g = t.tmp.data() + side * np;
      for (int i = 0; i < natoms; ++i) {
        const int n = gather(t, i, types, first, nbr, rij, drij, s);
        t.ev->site_energy(types[i], n, t.r.data(), t.z.data(), nullptr, nullptr, g);
      }
    }
    const double f = scale / (2.0 * step);
    for (int p = 0; p < np; ++p) out[p] += f * (t.tmp[p] - t.tmp[np + p]);
    return 0;
  } catch (const std::exception &e) {
    set_error(err, errlen, e.what());
    return -1;
  }
}

}    // extern "C"
