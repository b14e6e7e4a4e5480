/* mdfe: evaluation of one atom's MTP site energy and its gradient.
 *
 * Site energy (Shapeev 2016; Novikov et al. 2021):
 *   V_i = species_coeffs[z_i] + sum_alpha xi_alpha m_{mapping[alpha]}(i)
 * basic moments
 *   m_b(i) = sum_j f_{mu_b}(r_ij, z_i, z_j) u_x^a u_y^b u_z^c,   u = r_ij / |r_ij|
 *   f_mu(r) = sum_k c[z_i, z_j, mu, k] Q_k(r),  Q_k = scaling (R_cut - r)^2 T_k(x),
 *   x = 2 (r - min_dist) / (max_dist - min_dist) - 1
 * and contracted moments m[i3] = sum mult m[i1] m[i2] (alpha_index_times; i1, i2 < i3).
 *
 * The gradient is reverse-mode: adjoints w = dV_i/dm, seeded by the linear coefficients,
 * are pushed back through the contractions from the highest target down (w[k] is final
 * once every target above k is done), then for every neighbour
 *   dV_i/dr_ij = s u + v,  s = sum_b w_b (f'_mu - |p_b| f_mu / r) u^p_b,
 *                          v = sum_b w_b f_mu / r  grad_u(u^p_b)
 * (u^p is homogeneous of degree |p| in u; grad_u u^p is made of the monomials with one
 * exponent lowered, which are kept in the monomial table). Neighbour data are stored
 * structure-of-arrays (one row per basis function / power, one column per neighbour) so
 * the loops over neighbours vectorise; all buffers grow only when a larger neighbour
 * count is seen, never inside the per-atom loop.
 */
#ifndef MDFE_MTP_EVAL_H
#define MDFE_MTP_EVAL_H

#include "mtp_model.h"

#include <cstdint>
#include <vector>

namespace mdfe_mtp {

class MTPEvaluator {
 public:
  explicit MTPEvaluator(const MTPModel &model);

  double cutoff() const { return max_dist_; }
  int species_count() const { return nspecies_; }
  int basis_size() const { return static_cast<int>(mapping_.size()); }

  /// Site energy V_i (eV) of an atom of species zi with n neighbours.
  /// rij: n x 3 (r_j - r_i, Å, every |r_ij| < cutoff()); zj: n species;
  /// grad: n x 3 output, dV_i/dr_ij (eV/Å), or nullptr to skip the position gradient.
  /// If basis != nullptr it receives the basis_size() values B_alpha(i) (the moments that
  /// enter V_i linearly). If dtheta != nullptr, dV_i/dtheta is added to it
  /// (parameter_count() values): 1 for species_coeffs[zi], B_alpha(i) for moment_coeffs,
  /// sum_j W_mu(r_ij) Q_k(r_ij) for the radial block (zi, zj[j]), where
  /// W_mu = sum_b [mu_b = mu] w_b u^p_b with the adjoints w = dV_i/dm of the force pass.
  double site_energy(int zi, int n, const double *rij, const int *zj, double *grad,
                     double *basis = nullptr, double *dtheta = nullptr);

  /// Forward-mode Jacobian of the basis (for the linear solve of training, not used by
  /// the pair style): basis (basis_size()) receives B_alpha(i), jac (n x 3 x basis_size())
  /// receives dB_alpha(i)/dr_ij (1/Å times B's unit); radial coefficients as last set.
  void basis_jacobian(int zi, int n, const double *rij, const int *zj, double *basis,
                      double *jac);

  /// Number of coefficients: species_count + basis_size() + radial coefficients; the
  /// parameter vector theta is [species_coeffs, moment_coeffs, radial_coeffs] (the radial
  /// block in MTPModel::radial_coeffs order [zi][zj][mu][k]).
  int parameter_count() const;
  /// Replace all coefficients by theta (parameter_count() values).
  void set_parameters(const double *theta);

 private:
  void reserve(int n);
  void forward(int zi, int n, const double *rij, const int *zj);
  void adjoint();                        // w_ = dV/dm from seed_ and the contractions
  void backward(int n, double *grad);    // dV/dr_ij (after adjoint())
  void parameter_gradient(int zi, int n, const int *zj, double *dtheta);  // after adjoint()

  // potential (read-only after construction)
  int nspecies_, nrb_, nrf_, nmom_, nbasic_, maxpow_;
  double scaling_, min_dist_, max_dist_;
  std::vector<double> radial_coeffs_;                 // [zi][zj][mu][k]
  std::vector<double> species_coeffs_, moment_coeffs_;
  std::vector<int> mapping_;                          // basis function -> moment index
  std::vector<double> seed_;                          // dV/dm from the linear part, per moment
  // contractions grouped by target k >= nbasic_ (CSR): m[k] = sum mult m[a] m[b]. A term
  // is 12 bytes so that the tables of high levels stay in L2 cache (they are streamed
  // twice per atom); mult is a small integer, exact in a float.
  struct Term {
    std::uint32_t a, b;
    float mult;
  };
  std::vector<Term> terms_;
  std::vector<int> first_;
  // angular monomials u_x^a u_y^b u_z^c: those of the basic moments, closed under lowering
  // one exponent (the gradient of a monomial is made of its lowered monomials)
  std::vector<int> mono_a_, mono_b_, mono_c_;
  std::vector<int> mono_lower_;                       // [3 * m + d]: exponent d lowered, or -1
  std::vector<int> mono_first_;                       // CSR over basic moments, size nmono+1
  std::vector<int> mono_basic_;                       // basic moment ids grouped by monomial
  std::vector<int> basic_mu_, basic_mono_;

  // per-call work arrays, [row * cap_ + neighbour]
  int cap_ = 0;
  std::vector<double> r_, invr_, ux_, uy_, uz_;
  std::vector<double> q_, dq_;          // Chebyshev basis and d/dr, nrb_ rows
  std::vector<double> f_, df_;          // radial functions and d/dr, nrf_ rows
  std::vector<double> px_, py_, pz_;    // powers of u components, maxpow_+1 rows
  std::vector<double> mono_;            // monomial values, one row per monomial
  std::vector<double> acc_s_, acc_vx_, acc_vy_, acc_vz_, tmp_a_, tmp_b_;  // backward sums
  std::vector<double> m_, w_;           // moments and adjoints dV/dm
  std::vector<double> wmu_;             // sum_b [mu_b = mu] w_b u^p_b, nrf_ rows
  std::vector<double> dm_;              // basis_jacobian: dm_k/dr_ij, nmom_ rows of 3n
};

}    // namespace mdfe_mtp

#endif
