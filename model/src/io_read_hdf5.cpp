// Reading result files (docs/FORMAT.md) back: the data variables, for
// `buurtsim compare`. Follows the read rule: same MAJOR format version only;
// unknown names are ignored; indicators added by a later MINOR may be absent.
#include "buurtsim/datasets.hpp"
#include "buurtsim/error.hpp"
#include "buurtsim/io.hpp"
#include "hdf5_util.hpp"
#include "io_parameters.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace buurtsim {

namespace {

using detail::Handle;
using detail::hdf5_cause;
using detail::QuietHdf5Errors;
namespace fs = std::filesystem;

/** Reads one file; every failure becomes an IoError naming the file and what was read. */
class Reader {
public:
    explicit Reader(const fs::path& in) : in_(in) {}

    [[noreturn]] void fail(const std::string& what) const {
        const std::string cause = hdf5_cause();
        throw IoError("cannot read result file '" + in_.string() + "': " + what
                      + (cause.empty() ? std::string() : " (HDF5: " + cause + ")"));
    }
    template <class T>
    T check(T v, const std::string& what) const {
        if (v < 0) fail(what);
        return v;
    }

    Handle open() const {
        std::error_code ec;
        if (!fs::exists(in_, ec)) throw IoError("cannot read result file '" + in_.string() + "': no such file");
        if (fs::is_directory(in_, ec)) throw IoError("cannot read result file '" + in_.string() + "': it is a directory");
        if (H5Fis_hdf5(in_.c_str()) <= 0) {
            H5Eclear2(H5E_DEFAULT);
            throw IoError("cannot read result file '" + in_.string() + "': not an HDF5 file");
        }
        return {check(H5Fopen(in_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "opening it"), H5Fclose};
    }

    /// Memory type for variable-length strings stored as `file_type`: the same
    /// character set, since HDF5 does not convert between ASCII and UTF-8.
    Handle variable_string_type(hid_t file_type) const {
        Handle t{check(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose};
        check(H5Tset_size(t.get(), H5T_VARIABLE), "H5Tset_size");
        check(H5Tset_cset(t.get(), H5Tget_cset(file_type)), "H5Tset_cset");
        return t;
    }

    std::string string_attr(hid_t obj, const char* name, const std::string& obj_name) const {
        const std::string what = "reading attribute '" + std::string(name) + "' of '" + obj_name + "'";
        if (check(H5Aexists(obj, name), what) == 0)
            throw IoError("cannot read result file '" + in_.string() + "': not a buurtsim result file (no attribute '"
                          + name + "' on '" + obj_name + "')");
        Handle a{check(H5Aopen(obj, name, H5P_DEFAULT), what), H5Aclose};
        Handle ftype{check(H5Aget_type(a.get()), what), H5Tclose};
        if (H5Tget_class(ftype.get()) != H5T_STRING) fail(what + ": not a string");
        if (H5Tis_variable_str(ftype.get()) > 0) {
            Handle mtype = variable_string_type(ftype.get());
            char* p = nullptr;
            check(H5Aread(a.get(), mtype.get(), &p), what);
            std::string s = p ? p : "";
            H5free_memory(p);
            return s;
        }
        const std::size_t n = H5Tget_size(ftype.get());
        std::string s(n, '\0');
        check(H5Aread(a.get(), ftype.get(), s.data()), what);
        s.resize(s.find('\0') == std::string::npos ? n : s.find('\0'));
        return s;
    }

    Handle dataset(hid_t loc, const std::string& name) const {
        if (check(H5Lexists(loc, name.c_str(), H5P_DEFAULT), "looking up '/" + name + "'") == 0)
            throw IoError("cannot read result file '" + in_.string() + "': it has no dataset '/" + name
                          + "' (not a buurtsim result file?)");
        return {check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "opening dataset '/" + name + "'"), H5Dclose};
    }

    std::vector<hsize_t> dims(hid_t ds, const std::string& name) const {
        Handle space{check(H5Dget_space(ds), "reading the shape of '/" + name + "'"), H5Sclose};
        const int rank = check(H5Sget_simple_extent_ndims(space.get()), "reading the rank of '/" + name + "'");
        std::vector<hsize_t> d(std::size_t(rank), 0);
        if (rank > 0) H5Sget_simple_extent_dims(space.get(), d.data(), nullptr);
        return d;
    }

    void expect_dims(const std::vector<hsize_t>& got, const std::vector<hsize_t>& want, const std::string& name) const {
        if (got == want) return;
        auto show = [](const std::vector<hsize_t>& d) {
            std::string s = "(";
            for (std::size_t k = 0; k < d.size(); ++k) s += (k ? ", " : "") + std::to_string(d[k]);
            return s + ")";
        };
        throw IoError("cannot read result file '" + in_.string() + "': '/" + name + "' has shape " + show(got)
                      + ", expected " + show(want));
    }

    std::vector<std::string> strings(hid_t f, const std::string& name, hsize_t n) const {
        Handle ds = dataset(f, name);
        expect_dims(dims(ds.get(), name), {n}, name);
        Handle ftype{check(H5Dget_type(ds.get()), "reading the type of '/" + name + "'"), H5Tclose};
        if (H5Tget_class(ftype.get()) != H5T_STRING || H5Tis_variable_str(ftype.get()) <= 0)
            fail("'/" + name + "' is not a variable-length string dataset");
        Handle mtype = variable_string_type(ftype.get());
        std::vector<char*> p(n, nullptr);
        std::vector<std::string> out;
        if (n == 0) return out;
        check(H5Dread(ds.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()), "reading '/" + name + "'");
        for (char* s : p) out.emplace_back(s ? s : "");
        Handle space{check(H5Dget_space(ds.get()), "H5Dget_space"), H5Sclose};
        H5Dvlen_reclaim(mtype.get(), space.get(), H5P_DEFAULT, p.data());
        return out;
    }

    /// A whole dataset converted by HDF5 to `mem_type` (T must match it).
    template <class T>
    std::vector<T> numbers(hid_t ds, const std::string& name, std::size_t n, hid_t mem_type) const {
        std::vector<T> v(n);
        if (n > 0)
            check(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "reading '/" + name + "'");
        return v;
    }

    /// Fails unless `ds` has the type class of the spec's dtype (integer, float or string).
    void expect_dtype(hid_t ds, const DatasetSpec& spec) const {
        const std::string name(spec.name);
        Handle type{check(H5Dget_type(ds), "reading the type of '/" + name + "'"), H5Tclose};
        const H5T_class_t want = spec.dtype == Dtype::string                                  ? H5T_STRING
                                 : spec.dtype == Dtype::float32 || spec.dtype == Dtype::float64 ? H5T_FLOAT
                                                                                                : H5T_INTEGER;
        if (H5Tget_class(type.get()) != want)
            fail("'/" + name + "' is not of dtype " + std::string(dtype_name(spec.dtype)));
    }

    hsize_t dim_size(hid_t f, const char* name) const {
        Handle ds = dataset(f, name);
        const auto d = dims(ds.get(), name);
        if (d.size() != 1) fail("dimension '/" + std::string(name) + "' is not 1-D");
        return d[0];
    }

private:
    fs::path in_;
};

/// "a\nb" -> {"a", "b"}; "" -> {}.
std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> out;
    if (text.empty()) return out;
    std::size_t a = 0;
    for (std::size_t e; (e = text.find('\n', a)) != std::string::npos; a = e + 1) out.push_back(text.substr(a, e - a));
    out.push_back(text.substr(a));
    return out;
}

/// MAJOR of "MAJOR.MINOR" (each 1-9 digits); -1 if it is not of that form. Strict: no sign, no spaces,
/// nothing after MINOR, and no number too large to hold (stol threw out_of_range: "internal error").
long major_of(const std::string& version) {
    const std::size_t dot = version.find('.');
    if (dot == std::string::npos) return -1;
    const std::string major = version.substr(0, dot), minor = version.substr(dot + 1);
    auto digits = [](const std::string& t) {
        return !t.empty() && t.size() <= 9 && t.find_first_not_of("0123456789") == std::string::npos;
    };
    if (!digits(major) || !digits(minor)) return -1;
    return std::stol(major);
}

void check_version(const fs::path& in, const std::string& version) {
    const long ours = major_of(format_version), theirs = major_of(version);
    if (theirs == ours) return;
    std::string shown = version.substr(0, 40);
    for (char& c : shown)
        if (static_cast<unsigned char>(c) < 0x20) c = '?';
    if (version.size() > 40) shown += "...";
    if (theirs < 0)
        throw IoError("cannot read result file '" + in.string() + "': its format_version \"" + shown
                      + "\" is not of the form MAJOR.MINOR (docs/FORMAT.md); this buurtsim reads "
                      + std::to_string(ours) + ".x");
    const std::string hint = theirs < ours
                                 ? " (written by an older buurtsim; run its scenario again to get a current file)"
                                 : " (written by a newer buurtsim)";
    throw IoError("cannot read result file '" + in.string() + "': it has format_version \"" + shown
                  + "\", this buurtsim reads format_version " + std::to_string(ours) + ".x (it writes "
                  + format_version + ")" + hint);
}

/// The read limits of docs/FORMAT.md ("Read checks"), checked before anything is allocated: a file claiming a
/// dimension of 2^40 is an error naming it, not bad_alloc.
void check_dimensions(const fs::path& in, hsize_t n_scen, hsize_t n_rep, hsize_t n_week, hsize_t n_buurt) {
    const struct {
        const char* name;
        hsize_t n, max;
    } dims[] = {{"scenario", n_scen, max_read_scenarios},
                {"replicate", n_rep, max_read_replicates},
                {"week", n_week, max_read_weeks},
                {"buurt", n_buurt, max_read_buurten}};
    for (const auto& d : dims) {
        if (d.n == 0)
            throw IoError("cannot read result file '" + in.string() + "': dimension '" + d.name + "' has length 0");
        if (d.n > d.max)
            throw IoError("cannot read result file '" + in.string() + "': dimension '" + d.name + "' has length "
                          + std::to_string(d.n) + ", more than the " + std::to_string(d.max)
                          + " a result file may have (docs/FORMAT.md, Read checks)");
    }
    // Each factor is bounded above, so the product cannot overflow 64 bits.
    const hsize_t values = n_scen * n_rep * n_week * n_buurt;
    if (values > max_read_values)
        throw IoError("cannot read result file '" + in.string() + "': a data variable of " + std::to_string(n_scen)
                      + " x " + std::to_string(n_rep) + " x " + std::to_string(n_week) + " x " + std::to_string(n_buurt)
                      + " = " + std::to_string(values) + " values is more than the "
                      + std::to_string(max_read_values) + " buurtsim reads at once (docs/FORMAT.md, Read checks)");
}

}  // namespace

std::string read_format_version(const std::filesystem::path& in) {
    QuietHdf5Errors quiet;
    const Reader rd(in);
    Handle file = rd.open();
    return rd.string_attr(file.get(), "format_version", "/");
}

ResultSet read_results(const std::filesystem::path& in, const std::vector<Indicator>& only) {
    QuietHdf5Errors quiet;
    const Reader rd(in);
    Handle file = rd.open();
    const hid_t f = file.get();
    check_version(in, rd.string_attr(f, "format_version", "/"));

    const hsize_t n_scen = rd.dim_size(f, "scenario");
    const hsize_t n_rep = rd.dim_size(f, "replicate");
    const hsize_t n_week = rd.dim_size(f, "week");
    const hsize_t n_buurt = rd.dim_size(f, "buurt");
    check_dimensions(in, n_scen, n_rep, n_week, n_buurt);

    ResultSet rs;
    {
        Handle ds = rd.dataset(f, "replicate");
        for (std::int64_t id : rd.numbers<std::int64_t>(ds.get(), "replicate", n_rep, H5T_NATIVE_INT64)) {
            if (id < 0 || id > std::numeric_limits<std::int32_t>::max())
                throw IoError("cannot read result file '" + in.string() + "': replicate index " + std::to_string(id)
                              + " is not in 0 to 2^31-1");
            if (std::find(rs.replicate_ids.begin(), rs.replicate_ids.end(), std::uint32_t(id)) != rs.replicate_ids.end())
                throw IoError("cannot read result file '" + in.string() + "': replicate index " + std::to_string(id)
                              + " appears twice in '/replicate' (docs/FORMAT.md: unique)");
            rs.replicate_ids.push_back(std::uint32_t(id));
        }
    }

    // Geography: wijken in order of first appearance (CBS file order, as the writer had them).
    const auto buurt_code = rd.strings(f, "buurt_code", n_buurt);
    const auto buurt_name = rd.strings(f, "buurt_name", n_buurt);
    const auto wijk_code = rd.strings(f, "wijk_code", n_buurt);
    const auto wijk_name = rd.strings(f, "wijk_name", n_buurt);
    for (hsize_t b = 0; b < n_buurt; ++b) {
        std::uint32_t w = 0;
        while (w < rs.geo.wijken.size() && rs.geo.wijken[w].code != wijk_code[b]) ++w;
        if (w == rs.geo.wijken.size()) rs.geo.wijken.push_back({wijk_code[b], wijk_name[b]});
        rs.geo.buurten.push_back({buurt_code[b], buurt_name[b], w});
    }

    const auto names = rd.strings(f, "scenario_name", n_scen);
    for (hsize_t a = 0; a < n_scen; ++a)
        for (hsize_t b = 0; b < a; ++b)
            if (names[a] == names[b])
                throw IoError("cannot read result file '" + in.string() + "': scenario_name \"" + names[a]
                              + "\" appears twice (positions " + std::to_string(b) + " and " + std::to_string(a)
                              + "); docs/FORMAT.md: scenario names are unique");
    const auto tomls = rd.strings(f, "scenario_toml", n_scen);
    const auto files = rd.strings(f, "scenario_files", n_scen);
    std::vector<std::int8_t> targeted;
    {
        Handle ds = rd.dataset(f, "targeted");
        rd.expect_dims(rd.dims(ds.get(), "targeted"), {n_scen, n_buurt}, "targeted");
        targeted = rd.numbers<std::int8_t>(ds.get(), "targeted", n_scen * n_buurt, H5T_NATIVE_INT8);
    }
    rs.scenarios.resize(n_scen);
    for (hsize_t s = 0; s < n_scen; ++s) {
        ScenarioRun& run = rs.scenarios[s];
        run.name = names[s];
        run.toml = tomls[s];
        run.files = split_lines(files[s]);
        run.targeted.assign(n_buurt, 0);
        for (hsize_t b = 0; b < n_buurt; ++b) run.targeted[b] = targeted[s * n_buurt + b] ? 1 : 0;
        run.replicates.resize(n_rep);
        for (Results& r : run.replicates) {
            r.weeks = std::uint32_t(n_week);
            r.buurten = std::uint32_t(n_buurt);
            r.targeted = run.targeted;
        }
    }

    std::vector<Indicator> which = only;
    if (which.empty())
        for (std::size_t i = 0; i < n_indicators; ++i) which.push_back(Indicator(i));
    const std::size_t slab = std::size_t(n_week) * n_buurt;
    const auto data_variables = dataset_specs(DatasetGroup::data_variable);
    for (Indicator ind : which) {
        const DatasetSpec& spec = *data_variables.at(std::size_t(ind));
        const std::string name(spec.name);
        // Absent: an indicator added after this file's minor version; left empty.
        if (rd.check(H5Lexists(f, name.c_str(), H5P_DEFAULT), "looking up '/" + name + "'") == 0) continue;
        Handle ds = rd.dataset(f, name);
        rd.expect_dims(rd.dims(ds.get(), name), {n_scen, n_rep, n_week, n_buurt}, name);
        rd.expect_dtype(ds.get(), spec);
        const auto all = rd.numbers<double>(ds.get(), name, n_scen * n_rep * slab, H5T_NATIVE_DOUBLE);
        for (hsize_t s = 0; s < n_scen; ++s)
            for (hsize_t r = 0; r < n_rep; ++r) {
                const auto first = all.begin() + std::ptrdiff_t((s * n_rep + r) * slab);
                rs.scenarios[s].replicates[r].values[std::size_t(ind)].assign(first, first + std::ptrdiff_t(slab));
            }
    }
    detail::read_parameter_values(f, in, rs);  // absent in format 3.0 and without priors: left empty
    return rs;
}

}  // namespace buurtsim
