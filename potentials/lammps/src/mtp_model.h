/* mdfe: the parameters of a Moment Tensor Potential, read from an MLIP-format .mtp file.
 *
 * Written from Shapeev (2016), Novikov et al. (2021) and the MIT-licensed reader of
 * motep (motep/io/mlip/mtp.py); no MLIP source was used.
 *
 * Units: lengths in Angstrom, energies in eV (LAMMPS `metal`).
 */
#ifndef MDFE_MTP_MODEL_H
#define MDFE_MTP_MODEL_H

#include <array>
#include <istream>
#include <string>
#include <vector>

namespace mdfe_mtp {

/// One MLIP-format potential, exactly as written in the .mtp file.
struct MTPModel {
  std::string version;           // file format version, e.g. "1.1.0"
  std::string potential_name;    // e.g. "MTP1m"
  double scaling = 1.0;          // multiplies every radial basis function
  int species_count = 0;         // species are 0 .. species_count-1
  double min_dist = 0.0;         // Chebyshev argument maps [min_dist, max_dist] to [-1, 1], Å
  double max_dist = 0.0;         // cutoff radius, Å
  int radial_basis_size = 0;     // number of Chebyshev polynomials (n_Q)
  int radial_funcs_count = 0;    // number of radial functions f_mu (n_mu)
  // radial_coeffs[((zi * species_count + zj) * radial_funcs_count + mu) * radial_basis_size + k]
  std::vector<double> radial_coeffs;
  int alpha_moments_count = 0;                     // basic + contracted moments
  std::vector<std::array<int, 4>> alpha_index_basic;  // {mu, a, b, c}: sum_j f_mu u_x^a u_y^b u_z^c
  std::vector<std::array<int, 4>> alpha_index_times;  // {i1, i2, mult, i3}: m[i3] += mult m[i1] m[i2]
  std::vector<int> alpha_moment_mapping;           // moments that are basis functions B_alpha
  std::vector<double> species_coeffs;              // per-species constant energy, eV
  std::vector<double> moment_coeffs;               // xi_alpha, eV
};

/// Parse MLIP .mtp text from `in`; throws std::runtime_error naming `path` (the file the
/// text came from), the line and the key on bad input.
MTPModel parse_mtp(std::istream &in, const std::string &path);

/// Read and parse the MLIP .mtp file `path` (same errors as parse_mtp, or cannot open).
MTPModel read_mtp_file(const std::string &path);

}    // namespace mdfe_mtp

#endif
