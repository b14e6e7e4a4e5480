/* mdfe: MaxVol extrapolation grade (see mtp_grade.h). */
#include "mtp_grade.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace mdfe_mtp {

ActiveSet::ActiveSet(std::istream &in, const std::string &path)
{
  int lineno = 0;
  std::string line;
  auto fail = [&](const std::string &msg) {
    throw std::runtime_error("pair_style mtp: active set " + path + ":" + std::to_string(lineno) +
                             ": " + msg);
  };
  auto next = [&]() {
    if (!std::getline(in, line)) fail("file ends early");
    ++lineno;
  };
  next();
  if (line.rfind("MTP_ACTIVE_SET", 0) != 0) fail("an active-set file starts with MTP_ACTIVE_SET");
  next();
  std::istringstream head(line);
  std::string key, eq;
  if (!(head >> key >> eq >> n_) || key != "basis_size" || eq != "=" || n_ < 1)
    fail("expected 'basis_size = N' with N >= 1, got '" + line + "'");
  ainv_.resize(static_cast<size_t>(n_) * n_);
  for (int a = 0; a < n_; ++a) {
    next();
    std::istringstream row(line);
    for (int k = 0; k < n_; ++k)
      if (!(row >> ainv_[static_cast<size_t>(a) * n_ + k]))
        fail("row " + std::to_string(a) + " of the inverse active-set matrix needs " +
             std::to_string(n_) + " numbers");
  }
  c_.resize(n_);
}

double ActiveSet::grade(const double *b)
{
  std::fill(c_.begin(), c_.end(), 0.0);
  for (int a = 0; a < n_; ++a) {
    const double ba = b[a];
    const double *row = ainv_.data() + static_cast<size_t>(a) * n_;
    for (int k = 0; k < n_; ++k) c_[k] += ba * row[k];
  }
  double g = 0.0;
  for (int k = 0; k < n_; ++k) g = std::max(g, std::fabs(c_[k]));
  return g;
}

}    // namespace mdfe_mtp
