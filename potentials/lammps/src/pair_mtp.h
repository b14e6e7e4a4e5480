/* mdfe: LAMMPS `pair_style mtp` — Moment Tensor Potentials in the MLIP .mtp format.
 *
 *   pair_style mtp [grade active_set_file]
 *   pair_coeff * * file.mtp El1 El2 ...   (one name per LAMMPS type; distinct names in
 *                                          order of first appearance are the potential's
 *                                          species 0, 1, ...; NULL leaves a type out)
 *
 * With `grade`, every force evaluation also stores each local atom's MaxVol extrapolation
 * grade (mtp_grade.h) in the per-atom custom vector `d_mtp_grade` (0 for NULL types),
 * which dumps, computes and variables read, e.g.
 *   compute gmax all reduce max d_mtp_grade
 *   fix stop all halt 10 v_gmax > 5.0 error soft
 * Its cost is basis_size^2 per atom per step (about 0.3x the energy at level 16).
 *
 * Many-body: full neighbour list, newton_pair on (forces on ghost atoms are summed back
 * by LAMMPS' reverse communication), per-atom energy and virial, global virial from
 * F.r (or per pair when per-atom virial is asked for). Units: metal (eV, Å).
 */
#ifndef MDFE_PAIR_MTP_H
#define MDFE_PAIR_MTP_H

#include "pair.h"

#include <memory>
#include <string>
#include <vector>

namespace mdfe_mtp {
class MTPEvaluator;
class ActiveSet;
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
  void add_grade_vector();
  std::string read_text(const char *file, const char *what);

  std::unique_ptr<mdfe_mtp::MTPEvaluator> mtp_;
  std::unique_ptr<mdfe_mtp::ActiveSet> active_;    // only with `grade`
  std::vector<double> basis_;                      // B_alpha of one atom, for the grade
  double cut_ = 0.0, cutsq_ = 0.0;
  // per-atom gather buffers, grown to the largest neighbour count seen
  std::vector<double> rij_, grad_;
  std::vector<int> zj_, jidx_;
};

}    // namespace LAMMPS_NS

#endif
