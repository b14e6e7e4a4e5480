/* mdfe: reader of MLIP-format .mtp files (see mtp_model.h). */
#include "mtp_model.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace mdfe_mtp {
namespace {

std::string trim(const std::string &s)
{
  const char *ws = " \t\r\n";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

/// Reads lines and formats errors as "file:line: message".
class LineReader {
 public:
  LineReader(std::istream &in, const std::string &path) : path_(path), in_(in) {}
  bool next(std::string &line)
  {
    if (!std::getline(in_, line)) return false;
    ++lineno_;
    return true;
  }
  [[noreturn]] void fail(const std::string &msg) const
  {
    throw std::runtime_error("pair_style mtp: " + path_ + ":" + std::to_string(lineno_) + ": " +
                             msg);
  }

 private:
  std::string path_;
  std::istream &in_;
  int lineno_ = 0;
};

/// All numbers in a brace list such as "{{0, 1}, {2, 3}}" or "{1.5, -2e-3}", in order.
std::vector<double> parse_numbers(const LineReader &rd, const std::string &key,
                                  const std::string &value)
{
  std::string s = value;
  for (char &c : s)
    if (c == '{' || c == '}' || c == ',') c = ' ';
  std::istringstream words(s);
  std::vector<double> out;
  std::string w;
  while (words >> w) {
    char *end = nullptr;
    errno = 0;
    const double v = std::strtod(w.c_str(), &end);
    if (*end != '\0' || errno == ERANGE)
      rd.fail("key '" + key + "': '" + w + "' is not a number");
    out.push_back(v);
  }
  return out;
}

double parse_double(const LineReader &rd, const std::string &key, const std::string &value)
{
  const auto v = parse_numbers(rd, key, value);
  if (v.size() != 1) rd.fail("key '" + key + "' needs one number, got '" + value + "'");
  return v[0];
}

int parse_int(const LineReader &rd, const std::string &key, const std::string &value, int lo)
{
  const double v = parse_double(rd, key, value);
  if (v != static_cast<double>(static_cast<long>(v)) || v < lo || v > 1e8)
    rd.fail("key '" + key + "' needs an integer >= " + std::to_string(lo) + ", got '" + value +
            "'");
  return static_cast<int>(v);
}

std::vector<int> to_ints(const LineReader &rd, const std::string &key, const std::vector<double> &v)
{
  std::vector<int> out;
  out.reserve(v.size());
  for (double x : v) {
    if (x != static_cast<double>(static_cast<long>(x)) || x < 0)
      rd.fail("key '" + key + "' holds non-negative integers only, got " + std::to_string(x));
    out.push_back(static_cast<int>(x));
  }
  return out;
}

std::vector<std::array<int, 4>> parse_quads(const LineReader &rd, const std::string &key,
                                            const std::string &value)
{
  const auto v = to_ints(rd, key, parse_numbers(rd, key, value));
  if (v.size() % 4 != 0) rd.fail("key '" + key + "' must be a list of {i, j, k, l} quadruples");
  std::vector<std::array<int, 4>> out(v.size() / 4);
  for (size_t n = 0; n < out.size(); ++n)
    for (int c = 0; c < 4; ++c) out[n][c] = v[4 * n + c];
  return out;
}

/// The radial_coeffs block: species_count^2 labels "zi-zj", each followed by
/// radial_funcs_count lines of radial_basis_size numbers.
void read_radial_coeffs(LineReader &rd, MTPModel &m)
{
  if (m.species_count < 1 || m.radial_funcs_count < 1 || m.radial_basis_size < 1)
    rd.fail("'radial_coeffs' must come after species_count, radial_basis_size and "
            "radial_funcs_count");
  std::string line;
  for (int zi = 0; zi < m.species_count; ++zi)
    for (int zj = 0; zj < m.species_count; ++zj) {
      const std::string label = std::to_string(zi) + "-" + std::to_string(zj);
      if (!rd.next(line) || trim(line) != label)
        rd.fail("radial_coeffs: expected the species-pair label '" + label + "', got '" +
                trim(line) + "'");
      for (int mu = 0; mu < m.radial_funcs_count; ++mu) {
        if (!rd.next(line)) rd.fail("radial_coeffs: file ends inside block " + label);
        const auto v = parse_numbers(rd, "radial_coeffs", trim(line));
        if (static_cast<int>(v.size()) != m.radial_basis_size)
          rd.fail("radial_coeffs " + label + ": expected radial_basis_size = " +
                  std::to_string(m.radial_basis_size) + " numbers, got " +
                  std::to_string(v.size()));
        m.radial_coeffs.insert(m.radial_coeffs.end(), v.begin(), v.end());
      }
    }
}

/// Consistency of counts and indices after the whole file is read.
void validate(const std::string &path, const MTPModel &m, const std::map<std::string, int> &counts)
{
  auto fail = [&](const std::string &msg) {
    throw std::runtime_error("pair_style mtp: " + path + ": " + msg);
  };
  for (const char *key :
       {"species_count", "min_dist", "max_dist", "radial_basis_size", "radial_funcs_count",
        "radial_coeffs", "alpha_moments_count", "alpha_index_basic", "alpha_index_times",
        "alpha_scalar_moments", "alpha_moment_mapping", "species_coeffs", "moment_coeffs"})
    if (!counts.count(key)) fail(std::string("required key '") + key + "' is missing");
  if (!(m.min_dist >= 0.0 && m.min_dist < m.max_dist))
    fail("need 0 <= min_dist < max_dist, got min_dist = " + std::to_string(m.min_dist) +
         ", max_dist = " + std::to_string(m.max_dist));
  auto expect = [&](const char *key, size_t got) {
    const auto it = counts.find(key);
    if (it != counts.end() && static_cast<size_t>(it->second) != got)
      fail(std::string("'") + key + "' = " + std::to_string(it->second) + " but the list has " +
           std::to_string(got) + " entries");
  };
  expect("alpha_index_basic_count", m.alpha_index_basic.size());
  expect("alpha_index_times_count", m.alpha_index_times.size());
  expect("alpha_scalar_moments", m.alpha_moment_mapping.size());
  expect("alpha_scalar_moments", m.moment_coeffs.size());
  if (static_cast<int>(m.species_coeffs.size()) != m.species_count)
    fail("species_coeffs has " + std::to_string(m.species_coeffs.size()) +
         " entries, species_count = " + std::to_string(m.species_count));
  const int nbasic = static_cast<int>(m.alpha_index_basic.size());
  if (nbasic > m.alpha_moments_count)
    fail("alpha_index_basic has more entries than alpha_moments_count");
  for (const auto &b : m.alpha_index_basic)
    if (b[0] >= m.radial_funcs_count)
      fail("alpha_index_basic uses radial function " + std::to_string(b[0]) +
           " but radial_funcs_count = " + std::to_string(m.radial_funcs_count));
  for (const auto &t : m.alpha_index_times)
    if (t[0] >= t[3] || t[1] >= t[3] || t[3] < nbasic || t[3] >= m.alpha_moments_count)
      fail("alpha_index_times entry {" + std::to_string(t[0]) + ", " + std::to_string(t[1]) +
           ", " + std::to_string(t[2]) + ", " + std::to_string(t[3]) +
           "}: the target must be a contracted moment (>= alpha_index_basic_count, < "
           "alpha_moments_count) after both factors");
  for (int a : m.alpha_moment_mapping)
    if (a >= m.alpha_moments_count)
      fail("alpha_moment_mapping index " + std::to_string(a) + " >= alpha_moments_count = " +
           std::to_string(m.alpha_moments_count));
}

}    // namespace

MTPModel read_mtp_file(const std::string &path)
{
  std::ifstream in(path);
  if (!in) throw std::runtime_error("pair_style mtp: cannot open potential file '" + path + "'");
  return parse_mtp(in, path);
}

MTPModel parse_mtp(std::istream &in, const std::string &path)
{
  LineReader rd(in, path);
  MTPModel m;
  std::map<std::string, int> seen;    // keys read; for *_count keys, their value
  std::string line;
  if (!rd.next(line) || trim(line) != "MTP")
    rd.fail("an MLIP potential file starts with the line 'MTP'");
  while (rd.next(line)) {
    const std::string t = trim(line);
    if (t.empty()) continue;
    if (t == "radial_coeffs") {
      read_radial_coeffs(rd, m);
      seen["radial_coeffs"] = 1;
      continue;
    }
    const auto eq = t.find('=');
    if (eq == std::string::npos) rd.fail("expected 'key = value', got '" + t + "'");
    const std::string key = trim(t.substr(0, eq)), val = trim(t.substr(eq + 1));
    if (seen.count(key)) rd.fail("key '" + key + "' appears twice");
    seen[key] = 0;
    if (key == "version") m.version = val;
    else if (key == "potential_name") m.potential_name = val;
    else if (key == "potential_tag") {
    } else if (key == "scaling") m.scaling = parse_double(rd, key, val);
    else if (key == "species_count") m.species_count = parse_int(rd, key, val, 1);
    else if (key == "radial_basis_type") {
      if (val != "RBChebyshev")
        rd.fail("radial_basis_type '" + val + "' is not supported (only RBChebyshev)");
    } else if (key == "min_dist" || key == "min") {
      m.min_dist = parse_double(rd, key, val);
      seen["min_dist"] = 0;
    } else if (key == "max_dist" || key == "max") {
      m.max_dist = parse_double(rd, key, val);
      seen["max_dist"] = 0;
    } else if (key == "radial_basis_size" || key == "size") {
      m.radial_basis_size = parse_int(rd, key, val, 1);
      seen["radial_basis_size"] = 0;
    } else if (key == "radial_funcs_count") m.radial_funcs_count = parse_int(rd, key, val, 1);
    else if (key == "alpha_moments_count") m.alpha_moments_count = parse_int(rd, key, val, 1);
    else if (key == "alpha_index_basic_count" || key == "alpha_index_times_count" ||
             key == "alpha_scalar_moments")
      seen[key] = parse_int(rd, key, val, 0);
    else if (key == "alpha_index_basic") m.alpha_index_basic = parse_quads(rd, key, val);
    else if (key == "alpha_index_times") m.alpha_index_times = parse_quads(rd, key, val);
    else if (key == "alpha_moment_mapping")
      m.alpha_moment_mapping = to_ints(rd, key, parse_numbers(rd, key, val));
    else if (key == "species_coeffs") m.species_coeffs = parse_numbers(rd, key, val);
    else if (key == "moment_coeffs") m.moment_coeffs = parse_numbers(rd, key, val);
    else if (key == "magnetic_basis_type" || key == "min_mag" || key == "mag_basis_size")
      rd.fail("magnetic MTPs ('" + key + "') are not supported by pair_style mtp");
    else
      rd.fail("unknown key '" + key +
              "'; allowed: version, potential_name, potential_tag, scaling, species_count, "
              "radial_basis_type, min_dist, max_dist, radial_basis_size, radial_funcs_count, "
              "radial_coeffs, alpha_moments_count, alpha_index_basic_count, alpha_index_basic, "
              "alpha_index_times_count, alpha_index_times, alpha_scalar_moments, "
              "alpha_moment_mapping, species_coeffs, moment_coeffs");
  }
  validate(path, m, seen);
  return m;
}

}    // namespace mdfe_mtp
