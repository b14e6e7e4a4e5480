/* mdfe: LAMMPS `pair_style mtp` — Moment Tensor Potentials in the MLIP .mtp format.
 *
 *   pair_style mtp
 *   pair_coeff * * file.mtp El1 El2 ...   (one name per LAMMPS type; distinct names in
 *                                          order of first appearance are the potential's
 *                                          species 0, 1, ...; NULL leaves a type out)
 *
 * Many-body: full neighbour list, newton_pair on (forces on ghost atoms are summed back
 * by LAMMPS' reverse communication), per-atom energy and virial, global virial from
 * F.r (or per pair when per-atom virial is asked for). Units: metal (eV, Å).
 */
#ifndef MDFE_PAIR_MTP_H
#define MDFE_PAIR_MTP_H

#include "pair.h"

#include <memory>
#include <vector>

namespace mdfe_mtp {
class MTPEvaluator;
}

namespace LAMMPS_NS {

class PairMTP : public Pair {
 public:
  explicit PairMTP(class LAMMPS *);
  ~PairMTP() override;

  void compute(int, int) override;
  void settings(int, char **) override;
  void coeff(int, char **) override;
  void init_style() override;
  double init_one(int, int) override;
  double memory_usage() override;

 private:
  void allocate();
  void read_potential(const char *file);

  std::unique_ptr<mdfe_mtp::MTPEvaluator> mtp_;
  double cut_ = 0.0, cutsq_ = 0.0;
  // per-atom gather buffers, grown to the largest neighbour count seen
  std::vector<double> rij_, grad_;
  std::vector<int> zj_, jidx_;
};

}    // namespace LAMMPS_NS

#endif
