/* mdfe: LAMMPS `pair_style mtp` (see pair_mtp.h). */
#include "pair_mtp.h"

#include "mtp_eval.h"
#include "mtp_grade.h"
#include "mtp_model.h"

#include "atom.h"
#include "comm.h"
#include "error.h"
#include "force.h"
#include "memory.h"
#include "neigh_list.h"
#include "neighbor.h"
#include "utils.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

using namespace LAMMPS_NS;

namespace {
constexpr int CENTROID_NOT_AVAILABLE = 2;    // Pair::centroidstressflag value (pair.cpp)
}

PairMTP::PairMTP(LAMMPS *lmp) : Pair(lmp)
{
  single_enable = 0;
  restartinfo = 0;
  one_coeff = 1;
  manybody_flag = 1;
  centroidstressflag = CENTROID_NOT_AVAILABLE;
}

PairMTP::~PairMTP()
{
  if (copymode) return;
  if (allocated) {
    memory->destroy(setflag);
    memory->destroy(cutsq);
  }
}

void PairMTP::allocate()
{
  allocated = 1;
  const int n = atom->ntypes + 1;
  memory->create(setflag, n, n, "pair:setflag");
  memory->create(cutsq, n, n, "pair:cutsq");
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) setflag[i][j] = 0;
  map = new int[n];
}

void PairMTP::settings(int narg, char **arg)
{
  active_.reset();
  if (narg == 0) return;
  if (narg != 2 || std::string(arg[0]) != "grade")
    error->all(FLERR, "pair_style mtp: expected no arguments or 'grade <active set file>', got '{}'",
               arg[0]);
  const std::string text = read_text(arg[1], "active set");
  try {
    std::istringstream in(text);
    active_ = std::make_unique<mdfe_mtp::ActiveSet>(in, arg[1]);
  } catch (const std::exception &e) {
    error->all(FLERR, e.what());
  }
  add_grade_vector();
}

/* The per-atom vector d_mtp_grade exists from `pair_style mtp grade` on, so that computes
   and dumps can refer to it before the first run. */
void PairMTP::add_grade_vector()
{
  int flag, cols;
  if (atom->find_custom("mtp_grade", flag, cols) < 0) atom->add_custom("mtp_grade", 1, 0);
}

void PairMTP::coeff(int narg, char **arg)
{
  if (!allocated) allocate();
  if (narg != 3 + atom->ntypes)
    error->all(FLERR,
               "pair_coeff for mtp needs '* * file.mtp' and one element name (or NULL) per "
               "atom type: {} types, got {} names",
               atom->ntypes, narg - 3);
  map_element2type(narg - 3, arg + 3);
  read_potential(arg[2]);
  if (nelements > mtp_->species_count())
    error->all(FLERR,
               "pair_coeff mtp: {} distinct element names map to species 0..{} but {} has "
               "species_count = {}",
               nelements, nelements - 1, arg[2], mtp_->species_count());
  if (comm->me == 0) {
    std::string msg = fmt::format("pair_style mtp: {}: {} species, {} basis functions, cutoff {} Å\n",
                                  arg[2], mtp_->species_count(), mtp_->basis_size(), cut_);
    for (int t = 1; t <= atom->ntypes; ++t)
      if (map[t] >= 0)
        msg += fmt::format("  type {} ({}) -> species {}\n", t, elements[map[t]], map[t]);
    utils::logmesg(lmp, msg);
  }
}

/* Files are read on rank 0 and their text broadcast; every rank parses the same text,
   so a bad file fails identically everywhere. */
std::string PairMTP::read_text(const char *file, const char *what)
{
  std::string text;
  long long len = -1;
  const std::string path = utils::get_potential_file_path(file);
  if (comm->me == 0 && !path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream ss;
      ss << in.rdbuf();
      text = ss.str();
      len = static_cast<long long>(text.size());
    }
  }
  MPI_Bcast(&len, 1, MPI_LONG_LONG, 0, world);
  if (len < 0) error->all(FLERR, "pair_style mtp: cannot open {} file '{}'", what, file);
  text.resize(len);
  MPI_Bcast(text.data(), static_cast<int>(len), MPI_CHAR, 0, world);
  return text;
}

void PairMTP::read_potential(const char *file)
{
  const std::string text = read_text(file, "potential");
  try {
    std::istringstream in(text);
    mtp_ = std::make_unique<mdfe_mtp::MTPEvaluator>(mdfe_mtp::parse_mtp(in, file));
  } catch (const std::exception &e) {
    error->all(FLERR, e.what());
  }
  cut_ = mtp_->cutoff();
  cutsq_ = cut_ * cut_;
}

void PairMTP::init_style()
{
  if (force->newton_pair == 0)
    error->all(FLERR,
               "pair_style mtp requires 'newton on' (or 'newton on off'): forces on ghost atoms "
               "are summed back by reverse communication; remove 'newton off' from the input");
  if (!mtp_) error->all(FLERR, "pair_style mtp: no pair_coeff * * file.mtp ... was given");
  if (active_) {
    if (active_->basis_size() != mtp_->basis_size())
      error->all(FLERR,
                 "pair_style mtp grade: the active set has basis_size = {} but the potential "
                 "has {} basis functions (alpha_scalar_moments)",
                 active_->basis_size(), mtp_->basis_size());
    basis_.resize(mtp_->basis_size());
    add_grade_vector();
  }
  neighbor->add_request(this, NeighConst::REQ_FULL);
}

double PairMTP::init_one(int i, int j)
{
  if (setflag[i][j] == 0) error->all(FLERR, "All pair coeffs are not set");
  return cut_;
}

void PairMTP::compute(int eflag, int vflag)
{
  ev_init(eflag, vflag);
  double **x = atom->x, **f = atom->f;
  const int *type = atom->type;
  const int inum = list->inum;
  const int *ilist = list->ilist, *numneigh = list->numneigh;
  int **firstneigh = list->firstneigh;
  double *grade = nullptr;
  if (active_) {
    int flag, cols;
    grade = atom->dvector[atom->find_custom("mtp_grade", flag, cols)];
  }

  for (int ii = 0; ii < inum; ++ii) {
    const int i = ilist[ii];
    const int zi = map[type[i]];
    if (zi < 0) {
      if (grade) grade[i] = 0.0;
      continue;
    }
    const int *jlist = firstneigh[i];
    const int jnum = numneigh[i];
    if (static_cast<int>(zj_.size()) < jnum) {
      rij_.resize(3 * jnum);
      grad_.resize(3 * jnum);
      zj_.resize(jnum);
      jidx_.resize(jnum);
    }
    const double xi = x[i][0], yi = x[i][1], zi_ = x[i][2];
    int n = 0;
    for (int jj = 0; jj < jnum; ++jj) {
      const int j = jlist[jj] & NEIGHMASK;
      const int zj = map[type[j]];
      if (zj < 0) continue;
      const double dx = x[j][0] - xi, dy = x[j][1] - yi, dz = x[j][2] - zi_;
      if (dx * dx + dy * dy + dz * dz >= cutsq_) continue;
      rij_[3 * n] = dx;
      rij_[3 * n + 1] = dy;
      rij_[3 * n + 2] = dz;
      zj_[n] = zj;
      jidx_[n] = j;
      ++n;
    }
    const double e = mtp_->site_energy(zi, n, rij_.data(), zj_.data(), grad_.data(),
                                       grade ? basis_.data() : nullptr);
    if (grade) grade[i] = active_->grade(basis_.data());
    if (eflag_global) eng_vdwl += e;
    if (eflag_atom) eatom[i] += e;

    // dV_i/dr_ij acts as +g on i and -g on j
    double fxi = 0.0, fyi = 0.0, fzi = 0.0;
    for (int k = 0; k < n; ++k) {
      const int j = jidx_[k];
      const double gx = grad_[3 * k], gy = grad_[3 * k + 1], gz = grad_[3 * k + 2];
      fxi += gx;
      fyi += gy;
      fzi += gz;
      f[j][0] -= gx;
      f[j][1] -= gy;
      f[j][2] -= gz;
      if (vflag_either) {
        // virial of the pair: x_i g - x_j g = -r_ij (x) g, split evenly between i and j
        const double dx = rij_[3 * k], dy = rij_[3 * k + 1], dz = rij_[3 * k + 2];
        const double v[6] = {-dx * gx, -dy * gy, -dz * gz, -dx * gy, -dx * gz, -dy * gz};
        if (vflag_global)
          for (int c = 0; c < 6; ++c) virial[c] += v[c];
        if (vflag_atom)
          for (int c = 0; c < 6; ++c) {
            vatom[i][c] += 0.5 * v[c];
            vatom[j][c] += 0.5 * v[c];
          }
      }
    }
    f[i][0] += fxi;
    f[i][1] += fyi;
    f[i][2] += fzi;
  }
  if (vflag_fdotr) virial_fdotr_compute();
}

double PairMTP::memory_usage()
{
  double bytes = Pair::memory_usage();
  bytes += sizeof(double) * (rij_.capacity() + grad_.capacity());
  bytes += sizeof(int) * (zj_.capacity() + jidx_.capacity());
  return bytes;
}
