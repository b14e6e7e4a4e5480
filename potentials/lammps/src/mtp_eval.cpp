/* mdfe: MTP site energy and gradient (see mtp_eval.h for the formulas). */
#include "mtp_eval.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

namespace mdfe_mtp {

namespace {

/// CSR grouping: entries (key, term) -> terms ordered by key, first[k] .. first[k+1].
template <typename T>
void group_by(int nkeys, const std::vector<std::pair<int, T>> &entries, std::vector<T> &out,
              std::vector<int> &first)
{
  first.assign(nkeys + 1, 0);
  for (const auto &e : entries) ++first[e.first + 1];
  for (int k = 0; k < nkeys; ++k) first[k + 1] += first[k];
  out.resize(entries.size());
  std::vector<int> fill(first.begin(), first.end() - 1);
  for (const auto &e : entries) out[fill[e.first]++] = e.second;
}

}    // namespace

MTPEvaluator::MTPEvaluator(const MTPModel &mdl) :
    nspecies_(mdl.species_count), nrb_(mdl.radial_basis_size), nrf_(mdl.radial_funcs_count),
    nmom_(mdl.alpha_moments_count), nbasic_(static_cast<int>(mdl.alpha_index_basic.size())),
    maxpow_(0), scaling_(mdl.scaling), min_dist_(mdl.min_dist), max_dist_(mdl.max_dist),
    radial_coeffs_(mdl.radial_coeffs), species_coeffs_(mdl.species_coeffs),
    moment_coeffs_(mdl.moment_coeffs), mapping_(mdl.alpha_moment_mapping), seed_(nmom_, 0.0)
{
  for (size_t a = 0; a < mapping_.size(); ++a) seed_[mapping_[a]] += moment_coeffs_[a];
  std::vector<std::pair<int, Term>> by_target;
  for (const auto &t : mdl.alpha_index_times) {
    if (t[2] > (1 << 24))
      throw std::runtime_error("pair_style mtp: alpha_index_times multiplicity " +
                               std::to_string(t[2]) + " is too large (at most 2^24)");
    by_target.push_back({t[3], Term{static_cast<std::uint32_t>(t[0]),
                                    static_cast<std::uint32_t>(t[1]), static_cast<float>(t[2])}});
  }
  group_by(nmom_, by_target, terms_, first_);

  // monomials of the basic moments, in order of first use, then closed under lowering
  std::map<std::tuple<int, int, int>, int> mono_id;
  auto add_mono = [&](int a, int b, int c) {
    auto it = mono_id.find({a, b, c});
    if (it != mono_id.end()) return it->second;
    const int id = static_cast<int>(mono_a_.size());
    mono_id.emplace(std::make_tuple(a, b, c), id);
    mono_a_.push_back(a);
    mono_b_.push_back(b);
    mono_c_.push_back(c);
    maxpow_ = std::max({maxpow_, a, b, c});
    return id;
  };
  for (const auto &b : mdl.alpha_index_basic) {
    basic_mu_.push_back(b[0]);
    basic_mono_.push_back(add_mono(b[1], b[2], b[3]));
  }
  for (size_t m = 0; m < mono_a_.size(); ++m) {    // grows while iterating: closure
    const int a = mono_a_[m], b = mono_b_[m], c = mono_c_[m];
    mono_lower_.push_back(a > 0 ? add_mono(a - 1, b, c) : -1);
    mono_lower_.push_back(b > 0 ? add_mono(a, b - 1, c) : -1);
    mono_lower_.push_back(c > 0 ? add_mono(a, b, c - 1) : -1);
  }
  std::vector<std::pair<int, int>> by_mono;
  for (int b = 0; b < nbasic_; ++b) by_mono.push_back({basic_mono_[b], b});
  group_by(static_cast<int>(mono_a_.size()), by_mono, mono_basic_, mono_first_);
  m_.resize(nmom_);
  w_.resize(nmom_);
}

void MTPEvaluator::reserve(int n)
{
  if (n <= cap_) return;
  cap_ = std::max(n, cap_ + cap_ / 2);
  const size_t c = cap_, nmono = mono_a_.size(), np = maxpow_ + 1;
  for (auto *v : {&r_, &invr_, &ux_, &uy_, &uz_, &acc_s_, &acc_vx_, &acc_vy_, &acc_vz_, &tmp_a_,
                  &tmp_b_})
    v->assign(c, 0.0);
  q_.assign(nrb_ * c, 0.0);
  dq_.assign(nrb_ * c, 0.0);
  f_.assign(nrf_ * c, 0.0);
  df_.assign(nrf_ * c, 0.0);
  px_.assign(np * c, 0.0);
  py_.assign(np * c, 0.0);
  pz_.assign(np * c, 0.0);
  mono_.assign(nmono * c, 0.0);
  wmu_.assign(nrf_ * c, 0.0);
}

void MTPEvaluator::forward(int zi, int n, const double *rij, const int *zj)
{
  const int c = cap_;
  const double width = max_dist_ - min_dist_, dxdr = 2.0 / width;
  double *q = q_.data(), *dq = dq_.data();
  for (int j = 0; j < n; ++j) {
    const double x = rij[3 * j], y = rij[3 * j + 1], z = rij[3 * j + 2];
    const double r = std::sqrt(x * x + y * y + z * z), ir = 1.0 / r;
    r_[j] = r;
    invr_[j] = ir;
    ux_[j] = x * ir;
    uy_[j] = y * ir;
    uz_[j] = z * ir;
  }
  // Chebyshev basis times the smooth cutoff: Q_k = s T_k(x), with its r-derivative
  if (nrb_ > 0)
    for (int j = 0; j < n; ++j) {
      const double d = max_dist_ - r_[j];
      q[j] = scaling_ * d * d;
      dq[j] = -2.0 * scaling_ * d;
    }
  if (nrb_ > 1)
    for (int j = 0; j < n; ++j) {
      const double x = dxdr * (r_[j] - min_dist_) - 1.0;
      q[c + j] = x * q[j];
      dq[c + j] = dxdr * q[j] + x * dq[j];
    }
  for (int k = 2; k < nrb_; ++k) {
    double *qk = q + k * c, *dqk = dq + k * c;
    const double *q1 = qk - c, *q2 = qk - 2 * c, *dq1 = dqk - c, *dq2 = dqk - 2 * c;
    for (int j = 0; j < n; ++j) {
      const double x = dxdr * (r_[j] - min_dist_) - 1.0;
      qk[j] = 2.0 * x * q1[j] - q2[j];
      dqk[j] = 2.0 * dxdr * q1[j] + 2.0 * x * dq1[j] - dq2[j];
    }
  }
  // radial functions f_mu = sum_k c[zi][zj][mu][k] Q_k
  const double *cz = radial_coeffs_.data() + static_cast<size_t>(zi) * nspecies_ * nrf_ * nrb_;
  for (int j = 0; j < n; ++j) {
    const double *cj = cz + static_cast<size_t>(zj[j]) * nrf_ * nrb_;
    for (int mu = 0; mu < nrf_; ++mu) {
      double fv = 0.0, dfv = 0.0;
      for (int k = 0; k < nrb_; ++k) {
        fv += cj[mu * nrb_ + k] * q[k * c + j];
        dfv += cj[mu * nrb_ + k] * dq[k * c + j];
      }
      f_[mu * c + j] = fv;
      df_[mu * c + j] = dfv;
    }
  }
  // powers of the unit-vector components and the monomials
  double *px = px_.data(), *py = py_.data(), *pz = pz_.data();
  for (int j = 0; j < n; ++j) px[j] = py[j] = pz[j] = 1.0;
  for (int p = 1; p <= maxpow_; ++p)
    for (int j = 0; j < n; ++j) {
      px[p * c + j] = px[(p - 1) * c + j] * ux_[j];
      py[p * c + j] = py[(p - 1) * c + j] * uy_[j];
      pz[p * c + j] = pz[(p - 1) * c + j] * uz_[j];
    }
  const int nmono = static_cast<int>(mono_a_.size());
  for (int m = 0; m < nmono; ++m) {
    const double *ax = px + mono_a_[m] * c, *by = py + mono_b_[m] * c, *cz2 = pz + mono_c_[m] * c;
    double *out = mono_.data() + static_cast<size_t>(m) * c;
    for (int j = 0; j < n; ++j) out[j] = ax[j] * by[j] * cz2[j];
  }
  // basic moments, then contracted moments in index order (factors have lower indices)
  for (int b = 0; b < nbasic_; ++b) {
    const double *fr = f_.data() + basic_mu_[b] * c;
    const double *mo = mono_.data() + static_cast<size_t>(basic_mono_[b]) * c;
    double s = 0.0;
    for (int j = 0; j < n; ++j) s += fr[j] * mo[j];
    m_[b] = s;
  }
  const Term *term = terms_.data();
  for (int k = nbasic_; k < nmom_; ++k) {
    double acc = 0.0;
    for (int e = first_[k]; e < first_[k + 1]; ++e)
      acc += term[e].mult * m_[term[e].a] * m_[term[e].b];
    m_[k] = acc;
  }
}

void MTPEvaluator::adjoint()
{
  // adjoints dV/dm: push each target's final adjoint to its factors, highest target first
  std::copy(seed_.begin(), seed_.end(), w_.begin());
  const Term *term = terms_.data();
  for (int k = nmom_ - 1; k >= nbasic_; --k) {
    const double wk = w_[k];
    for (int e = first_[k]; e < first_[k + 1]; ++e) {
      const double g = term[e].mult * wk;
      w_[term[e].a] += g * m_[term[e].b];
      w_[term[e].b] += g * m_[term[e].a];
    }
  }
}

void MTPEvaluator::backward(int n, double *grad)
{
  const int c = cap_;
  double *s = acc_s_.data(), *vx = acc_vx_.data(), *vy = acc_vy_.data(), *vz = acc_vz_.data();
  double *A = tmp_a_.data(), *B = tmp_b_.data();
  std::fill(s, s + n, 0.0);
  std::fill(vx, vx + n, 0.0);
  std::fill(vy, vy + n, 0.0);
  std::fill(vz, vz + n, 0.0);
  const int nmono = static_cast<int>(mono_a_.size());
  for (int m = 0; m < nmono; ++m) {
    if (mono_first_[m] == mono_first_[m + 1]) continue;    // only a lowered monomial
    // A = sum_b w_b f'_mu, B = sum_b w_b f_mu / r over the basic moments sharing monomial m
    std::fill(A, A + n, 0.0);
    std::fill(B, B + n, 0.0);
    for (int e = mono_first_[m]; e < mono_first_[m + 1]; ++e) {
      const int b = mono_basic_[e];
      const double wb = w_[b];
      const double *fr = f_.data() + basic_mu_[b] * c, *dfr = df_.data() + basic_mu_[b] * c;
      for (int j = 0; j < n; ++j) {
        A[j] += wb * dfr[j];
        B[j] += wb * fr[j];
      }
    }
    for (int j = 0; j < n; ++j) B[j] *= invr_[j];
    const double deg = mono_a_[m] + mono_b_[m] + mono_c_[m];
    const double *mo = mono_.data() + static_cast<size_t>(m) * c;
    for (int j = 0; j < n; ++j) s[j] += (A[j] - deg * B[j]) * mo[j];
    // d(u^p)/du_x = a u^(p - e_x), etc.
    const double expo[3] = {double(mono_a_[m]), double(mono_b_[m]), double(mono_c_[m])};
    double *v[3] = {vx, vy, vz};
    for (int d = 0; d < 3; ++d) {
      const int lo = mono_lower_[3 * m + d];
      if (lo < 0) continue;
      const double *ml = mono_.data() + static_cast<size_t>(lo) * c;
      double *vd = v[d];
      const double p = expo[d];
      for (int j = 0; j < n; ++j) vd[j] += p * B[j] * ml[j];
    }
  }
  for (int j = 0; j < n; ++j) {
    grad[3 * j] = s[j] * ux_[j] + vx[j];
    grad[3 * j + 1] = s[j] * uy_[j] + vy[j];
    grad[3 * j + 2] = s[j] * uz_[j] + vz[j];
  }
}

double MTPEvaluator::site_energy(int zi, int n, const double *rij, const int *zj, double *grad,
                                 double *basis, double *dtheta)
{
  reserve(n);
  forward(zi, n, rij, zj);
  double e = species_coeffs_[zi];
  for (size_t a = 0; a < mapping_.size(); ++a) e += moment_coeffs_[a] * m_[mapping_[a]];
  if (basis)
    for (size_t a = 0; a < mapping_.size(); ++a) basis[a] = m_[mapping_[a]];
  adjoint();
  if (grad) backward(n, grad);
  if (dtheta) parameter_gradient(zi, n, zj, dtheta);
  return e;
}

void MTPEvaluator::basis_jacobian(int zi, int n, const double *rij, const int *zj,
                                  double *basis, double *jac)
{
  reserve(n);
  forward(zi, n, rij, zj);
  const int c = cap_, n3 = 3 * n;
  dm_.resize(static_cast<size_t>(nmom_) * n3);
  // basic moments: dm_b/dr_j = (f' - |p| f / r) u^p u_hat + (f / r) grad_u u^p
  for (int b = 0; b < nbasic_; ++b) {
    const int m = basic_mono_[b];
    const double *fr = f_.data() + basic_mu_[b] * c, *dfr = df_.data() + basic_mu_[b] * c;
    const double *mo = mono_.data() + static_cast<size_t>(m) * c;
    const double deg = mono_a_[m] + mono_b_[m] + mono_c_[m];
    const double expo[3] = {double(mono_a_[m]), double(mono_b_[m]), double(mono_c_[m])};
    double *out = dm_.data() + static_cast<size_t>(b) * n3;
    for (int j = 0; j < n; ++j) {
      const double s = (dfr[j] - deg * fr[j] * invr_[j]) * mo[j];
      out[3 * j] = s * ux_[j];
      out[3 * j + 1] = s * uy_[j];
      out[3 * j + 2] = s * uz_[j];
    }
    for (int d = 0; d < 3; ++d) {
      const int lo = mono_lower_[3 * m + d];
      if (lo < 0) continue;
      const double *ml = mono_.data() + static_cast<size_t>(lo) * c;
      for (int j = 0; j < n; ++j) out[3 * j + d] += expo[d] * fr[j] * invr_[j] * ml[j];
    }
  }
  // contracted moments: dm_k = sum mult (m_a dm_b + m_b dm_a)
  for (int k = nbasic_; k < nmom_; ++k) {
    double *out = dm_.data() + static_cast<size_t>(k) * n3;
    std::fill(out, out + n3, 0.0);
    for (int e = first_[k]; e < first_[k + 1]; ++e) {
      const Term &t = terms_[e];
      const double ca = t.mult * m_[t.b], cb = t.mult * m_[t.a];
      const double *da = dm_.data() + static_cast<size_t>(t.a) * n3;
      const double *db = dm_.data() + static_cast<size_t>(t.b) * n3;
      for (int q = 0; q < n3; ++q) out[q] += ca * da[q] + cb * db[q];
    }
  }
  const size_t nb = mapping_.size();
  for (size_t a = 0; a < nb; ++a) {
    basis[a] = m_[mapping_[a]];
    const double *src = dm_.data() + static_cast<size_t>(mapping_[a]) * n3;
    for (int q = 0; q < n3; ++q) jac[q * nb + a] = src[q];
  }
}

int MTPEvaluator::parameter_count() const
{
  return nspecies_ + static_cast<int>(mapping_.size()) + static_cast<int>(radial_coeffs_.size());
}

void MTPEvaluator::set_parameters(const double *theta)
{
  std::copy(theta, theta + nspecies_, species_coeffs_.begin());
  theta += nspecies_;
  std::copy(theta, theta + mapping_.size(), moment_coeffs_.begin());
  theta += mapping_.size();
  std::copy(theta, theta + radial_coeffs_.size(), radial_coeffs_.begin());
  std::fill(seed_.begin(), seed_.end(), 0.0);
  for (size_t a = 0; a < mapping_.size(); ++a) seed_[mapping_[a]] += moment_coeffs_[a];
}

void MTPEvaluator::parameter_gradient(int zi, int n, const int *zj, double *dtheta)
{
  const int c = cap_, nalpha = static_cast<int>(mapping_.size());
  dtheta[zi] += 1.0;
  double *dmom = dtheta + nspecies_;
  for (int a = 0; a < nalpha; ++a) dmom[a] += m_[mapping_[a]];
  // W_mu(j) = sum over basic moments b of radial function mu of w_b u_ij^p_b
  double *wmu = wmu_.data();
  std::fill(wmu, wmu + static_cast<size_t>(nrf_) * c, 0.0);
  for (int b = 0; b < nbasic_; ++b) {
    const double wb = w_[b];
    const double *mo = mono_.data() + static_cast<size_t>(basic_mono_[b]) * c;
    double *row = wmu + static_cast<size_t>(basic_mu_[b]) * c;
    for (int j = 0; j < n; ++j) row[j] += wb * mo[j];
  }
  // dV_i/dc[zi][zj][mu][k] = sum_j W_mu(j) Q_k(r_ij)
  double *drad = dmom + nalpha + static_cast<size_t>(zi) * nspecies_ * nrf_ * nrb_;
  const double *q = q_.data();
  for (int j = 0; j < n; ++j) {
    double *blk = drad + static_cast<size_t>(zj[j]) * nrf_ * nrb_;
    for (int mu = 0; mu < nrf_; ++mu) {
      const double wv = wmu[mu * c + j];
      for (int k = 0; k < nrb_; ++k) blk[mu * nrb_ + k] += wv * q[k * c + j];
    }
  }
}

}    // namespace mdfe_mtp
