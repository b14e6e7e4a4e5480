/* mdfe: MaxVol extrapolation grade of an atomic neighbourhood (Podryabinkin & Shapeev 2017).
 *
 * The active set is a square matrix A whose k-th row is the basis vector B(n_k) (the
 * basis_size() values B_alpha that enter the site energy linearly) of the k-th selected
 * neighbourhood. A neighbourhood n is written as B(n) = sum_k c_k B(n_k), i.e.
 * c = A^{-T} B(n); its grade is max_k |c_k|: <= 1 inside the active set's span
 * (interpolation), > 1 extrapolation, >> 1 (2 .. 10) unreliable.
 *
 * Active-set file (text, written by mdfe.potentials.lammps.active_set):
 *   MTP_ACTIVE_SET
 *   basis_size = N
 *   <N lines of N numbers: row alpha of A^{-1}>
 */
#ifndef MDFE_MTP_GRADE_H
#define MDFE_MTP_GRADE_H

#include <istream>
#include <string>
#include <vector>

namespace mdfe_mtp {

class ActiveSet {
 public:
  /// Parse the file text; throws std::runtime_error naming `path`, the line and the problem.
  ActiveSet(std::istream &in, const std::string &path);
  int basis_size() const { return n_; }
  /// max_k |sum_alpha b[alpha] Ainv[alpha][k]| for one basis vector b (basis_size() values).
  double grade(const double *b);

 private:
  int n_ = 0;
  std::vector<double> ainv_;    // row-major N x N
  std::vector<double> c_;       // work: coefficients c
};

}    // namespace mdfe_mtp

#endif
