// The streaming writer (buurtsim/result_stream.hpp): pairs into the partial file as they finish, the
// result file assembled from their chunks at the end. Payload of a pair record (little-endian):
//   u32 weeks  u32 buurten  u32 n  n targeted flags  u32 p  p float64 parameter values (bit patterns, u64)
//   per indicator, per week chunk (chunk_weeks(W) weeks, the last zero-padded): u64 size, the chunk as HDF5
//   stores it (chunk_codec.hpp: int32 counts shuffled and deflated, float64 deflated; io_root.hpp shuffled())
//   u32 snapshots, each: u32 week  u64 residents  u64 ties, per snapshot variable: u64 size, its values
//   shuffled and deflated as one block
// Targeted flags and parameter values come first, so finish() reads only that prefix of every record before
// it writes the root group. Another per-(scenario, replicate) variable would go there too, be written in
// finish() at [s, r, ...], and bump PartialFile::version.
#include "buurtsim/result_stream.hpp"

#include "atomic_replace.hpp"
#include "chunk_codec.hpp"
#include "hdf5_util.hpp"
#include "io_parameters.hpp"
#include "io_root.hpp"
#include "io_snapshots.hpp"
#include "partial_file.hpp"
#include "result_validation.hpp"

#include "buurtsim/datasets.hpp"
#include "buurtsim/error.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>

namespace buurtsim {

namespace fs = std::filesystem;
using detail::Handle;
using detail::PartialFile;
using detail::PartialHeader;
using detail::PartialRecord;
using detail::RecordKind;
using detail::Writer;

namespace {

hsize_t chunk_weeks(hsize_t weeks) { return std::min(weeks, detail::max_chunk_weeks); }

std::string join(const std::vector<std::string>& v, const char* sep) {
    std::string s;
    for (std::size_t k = 0; k < v.size(); ++k) s += (k ? sep : "") + v[k];
    return s;
}

// ---------------------------------------------------------------- the header: what the run is

/// Keys that describe an invocation, not the run: they may differ on resume.
bool informational(const std::string& key) {
    return key == "threads" || key == "host" || key == "command_line" || key == "start_time"
           || (key.rfind("data_file.", 0) == 0 && key.size() > 5 && key.compare(key.size() - 5, 5, ".path") == 0);
}

PartialHeader header_of(const StreamedRun& run) {
    const ResultSet& rs = run.layout;
    const Provenance& p = run.provenance;
    PartialHeader h;
    // What must match to resume, the keys a user changes most often first (the first difference is reported).
    h.emplace_back("seed", std::to_string(p.seed));
    h.emplace_back("weeks", std::to_string(run.weeks));
    std::vector<std::string> ids;
    for (auto k : rs.replicate_ids) ids.push_back(std::to_string(k));
    h.emplace_back("replicates", join(ids, ","));
    h.emplace_back("parameters", join(rs.parameters, ","));
    h.emplace_back("scenarios", std::to_string(rs.scenarios.size()));
    for (std::size_t s = 0; s < rs.scenarios.size(); ++s) {
        const std::string k = "scenario." + std::to_string(s);
        h.emplace_back(k + ".name", rs.scenarios[s].name);
        h.emplace_back(k + ".toml", rs.scenarios[s].toml);
        h.emplace_back(k + ".files", join(rs.scenarios[s].files, "\n"));
    }
    h.emplace_back("data_files", std::to_string(p.data_files.size()));
    for (std::size_t d = 0; d < p.data_files.size(); ++d) {
        h.emplace_back("data_file." + std::to_string(d) + ".sha256", p.data_files[d].sha256);
        h.emplace_back("data_file." + std::to_string(d) + ".path", p.data_files[d].path);
    }
    std::vector<std::string> codes, indicators;
    for (const auto& b : rs.geo.buurten) codes.push_back(b.code);
    h.emplace_back("buurten", join(codes, ","));
    for (const DatasetSpec* v : dataset_specs(DatasetGroup::data_variable))
        indicators.push_back(std::string(v->name) + (v->dtype == Dtype::int32 ? ":int32" : ":float64"));
    h.emplace_back("indicators", join(indicators, ","));
    h.emplace_back("format_version", format_version);
    h.emplace_back("buurtsim_version", p.version);
    h.emplace_back("git_commit", p.git_commit);
    // Informational: the first invocation's.
    h.emplace_back("threads", std::to_string(p.threads));
    h.emplace_back("host", p.host);
    h.emplace_back("command_line", p.command_line);
    h.emplace_back("start_time", p.start_time);
    return h;
}

const std::string* find(const PartialHeader& h, const std::string& key) {
    for (const auto& [k, v] : h)
        if (k == key) return &v;
    return nullptr;
}

std::string shown(const std::string& v) {
    std::string s = v.size() > 120 ? v.substr(0, 117) + "..." : v;
    return "'" + s + "'";
}

/// "KEY is A there and B in this run", or for multi-line values the first line that differs.
std::string difference(const std::string& key, const std::string& there, const std::string& here) {
    if (there.find('\n') == std::string::npos && here.find('\n') == std::string::npos)
        return key + " is " + shown(there) + " there and " + shown(here) + " in this run";
    std::size_t a = 0, b = 0;
    for (int line = 1;; ++line) {
        const std::size_t ea = std::min(there.find('\n', a), there.size());
        const std::size_t eb = std::min(here.find('\n', b), here.size());
        const std::string la = a <= there.size() ? there.substr(a, ea - a) : "";
        const std::string lb = b <= here.size() ? here.substr(b, eb - b) : "";
        if (la != lb || (ea == there.size()) != (eb == here.size()))
            return key + " differs at line " + std::to_string(line) + ": " + shown(la) + " there, " + shown(lb)
                   + " in this run";
        a = ea + 1;
        b = eb + 1;
    }
}

void check_same_run(const PartialFile& f, const PartialHeader& expected) {
    const std::string refuse = "cannot resume from '" + f.path().string() + "': it is the partial file of another run: ";
    const std::string fix = ". Resume with the scenario files and options of the interrupted run, or remove the "
                            "partial file (--clean-partials) to start again";
    for (const auto& [key, value] : expected) {
        if (informational(key)) continue;
        const std::string* there = find(f.header(), key);
        if (there == nullptr) throw IoError(refuse + "it has no " + key + fix);
        if (*there != value) throw IoError(refuse + difference(key, *there, value) + fix);
    }
    for (const auto& [key, value] : f.header())
        if (!informational(key) && find(expected, key) == nullptr)
            throw IoError(refuse + "it has " + key + " = " + shown(value) + ", which this run has not" + fix);
}

// ---------------------------------------------------------------- the pair payload

void put_u32(std::vector<unsigned char>& b, std::uint32_t v) {
    for (int k = 0; k < 4; ++k) b.push_back((unsigned char)(v >> (8 * k)));
}
void put_u64(std::vector<unsigned char>& b, std::uint64_t v) {
    for (int k = 0; k < 8; ++k) b.push_back((unsigned char)(v >> (8 * k)));
}
void put_block(std::vector<unsigned char>& b, const std::vector<unsigned char>& block) {
    put_u64(b, block.size());
    b.insert(b.end(), block.begin(), block.end());
}

/// Reads a payload; any overrun is a corrupt record (the checksum matched, so not a torn one: a bug or tampering).
struct Cursor {
    const std::vector<unsigned char>& b;
    std::size_t at = 0;
    std::string what;
    const unsigned char* take(std::size_t n) {
        if (n > b.size() - at) throw IoError(what + ": a record is shorter than its contents");
        const unsigned char* p = b.data() + at;
        at += n;
        return p;
    }
    std::uint32_t u32() {
        const unsigned char* p = take(4);
        std::uint32_t v = 0;
        for (int k = 0; k < 4; ++k) v |= std::uint32_t(p[k]) << (8 * k);
        return v;
    }
    std::uint64_t u64() {
        const unsigned char* p = take(8);
        std::uint64_t v = 0;
        for (int k = 0; k < 8; ++k) v |= std::uint64_t(p[k]) << (8 * k);
        return v;
    }
    std::pair<const unsigned char*, std::size_t> block() {
        const std::uint64_t n = u64();
        if (n > b.size() - at) throw IoError(what + ": a record is shorter than its contents");
        return {take(std::size_t(n)), std::size_t(n)};
    }
};

std::vector<unsigned char> encode_pair(const Results& res, const std::vector<double>& parameter_values,
                                       std::uint32_t weeks, std::uint32_t n_buurt) {
    std::vector<unsigned char> out;
    put_u32(out, weeks);
    put_u32(out, n_buurt);
    put_u32(out, std::uint32_t(res.targeted.size()));
    out.insert(out.end(), res.targeted.begin(), res.targeted.end());
    put_u32(out, std::uint32_t(parameter_values.size()));
    for (double v : parameter_values) {
        std::uint64_t bits;
        std::memcpy(&bits, &v, 8);
        put_u64(out, bits);
    }
    const std::size_t cw = chunk_weeks(weeks), per_chunk = cw * n_buurt;
    const std::size_t n_chunks = (weeks + cw - 1) / cw;
    const auto& specs = indicator_specs();
    std::vector<std::int32_t> ints(per_chunk);
    std::vector<double> reals(per_chunk);
    for (std::size_t i = 0; i < n_indicators; ++i) {
        const std::vector<double>& v = res.values[i];
        for (std::size_t c = 0; c < n_chunks; ++c) {
            const std::size_t first = c * cw * n_buurt, n = std::min(per_chunk, v.size() - first);
            // The padding past the last week is never read; zeros, as HDF5 fills a new chunk.
            if (specs[i].integer) {
                std::fill(ints.begin(), ints.end(), 0);
                for (std::size_t k = 0; k < n; ++k) ints[k] = std::int32_t(v[first + k]);  // validated: whole, in range
                put_block(out, detail::encode_chunk(ints.data(), per_chunk * 4, detail::shuffled(Dtype::int32) ? 4 : 1,
                                                    detail::deflate_level));
            } else {
                std::fill(reals.begin(), reals.end(), 0.0);
                std::copy_n(v.begin() + std::ptrdiff_t(first), n, reals.begin());
                // A shuffle of 1-byte elements is the identity: deflate alone, as HDF5 stores these.
                put_block(out, detail::encode_chunk(reals.data(), per_chunk * 8, detail::shuffled(Dtype::float64) ? 8 : 1,
                                                    detail::deflate_level));
            }
        }
    }
    put_u32(out, std::uint32_t(res.snapshots.size()));
    for (const Snapshot& s : res.snapshots) {
        put_u32(out, s.week);
        put_u64(out, s.buurt.size());
        put_u64(out, s.source.size());
        for_each_snapshot_variable(s, [&](const DatasetSpec&, const auto& values) {
            using T = typename std::decay_t<decltype(values)>::value_type;
            put_block(out, detail::encode_chunk(values.data(), values.size() * sizeof(T), sizeof(T),
                                                detail::deflate_level));
        });
    }
    return out;
}

/// A pair record parsed, its chunks still compressed (pointers into the payload).
struct PairView {
    std::vector<std::uint8_t> targeted;
    std::vector<double> parameter_values;
    std::vector<std::vector<std::pair<const unsigned char*, std::size_t>>> chunks;  // [indicator][week chunk]
    std::vector<Snapshot> snapshots;
};

/// The bytes of a pair record up to and including its parameter values.
std::uint64_t prefix_bytes(std::size_t n_buurt, std::size_t n_parameters) { return 16 + n_buurt + 8 * n_parameters; }

/// Reads the prefix (weeks, buurten, targeted flags, parameter values) into `p`.
void parse_prefix(Cursor& c, std::uint32_t weeks, std::uint32_t n_buurt, PairView& p) {
    if (c.u32() != weeks || c.u32() != n_buurt)
        throw IoError(c.what + ": a record's weeks or buurten differ from the header's");
    const std::uint32_t nt = c.u32();
    const unsigned char* t = c.take(nt);
    p.targeted.assign(t, t + nt);
    const std::uint32_t np = c.u32();
    for (std::uint32_t k = 0; k < np; ++k) {
        const std::uint64_t bits = c.u64();
        double v;
        std::memcpy(&v, &bits, 8);
        p.parameter_values.push_back(v);
    }
}

PairView parse_pair(Cursor& c, std::uint32_t weeks, std::uint32_t n_buurt, bool decode_snapshots) {
    PairView p;
    parse_prefix(c, weeks, n_buurt, p);
    const std::size_t cw = chunk_weeks(weeks);
    const std::size_t n_chunks = (weeks + cw - 1) / cw;
    p.chunks.resize(n_indicators);
    for (auto& ind : p.chunks)
        for (std::size_t k = 0; k < n_chunks; ++k) ind.push_back(c.block());
    const std::uint32_t n_snap = c.u32();
    for (std::uint32_t k = 0; k < n_snap; ++k) {
        Snapshot s;
        s.week = c.u32();
        const std::uint64_t n_res = c.u64(), n_tie = c.u64();
        for_each_snapshot_variable(s, [&](const DatasetSpec& spec, auto& values) {
            using T = typename std::decay_t<decltype(values)>::value_type;
            const auto [data, size] = c.block();
            if (!decode_snapshots) return;
            const std::uint64_t n = spec.dims.at(0) == "resident" ? n_res : n_tie;
            if (n > (std::uint64_t(1) << 40)) throw IoError(c.what + ": a snapshot is implausibly large");
            values.resize(std::size_t(n));
            detail::decode_chunk(data, size, values.data(), values.size() * sizeof(T), sizeof(T), c.what);
        });
        if (decode_snapshots) p.snapshots.push_back(std::move(s));
    }
    if (c.at != c.b.size()) throw IoError(c.what + ": a record is longer than its contents");
    return p;
}

/// fsync of a file by name (after HDF5 closed it): the rename must not publish blocks not on disk.
void fsync_path(const fs::path& p, const fs::path& out) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    const auto fail = [&](const char* what) {
        const std::string e = std::error_code(errno, std::generic_category()).message();
        if (fd >= 0) ::close(fd);
        throw IoError("cannot write result file '" + out.string() + "': " + what + " '" + p.string() + "' failed: " + e);
    };
    if (fd < 0) fail("opening");
    if (::fsync(fd) != 0) fail("fsync of");
    if (::close(fd) != 0) fail("closing");
}

void sync_directory(const fs::path& path) {
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;  // the file itself is synced; nothing more to do
    (void)::fsync(fd);
    ::close(fd);
}

}  // namespace

// ---------------------------------------------------------------- ResultStream

struct ResultStream::Pairs {
    std::mutex mutex;
    std::vector<std::optional<PartialRecord>> record;  // [scenario * replicates + replicate]
    std::vector<bool> claimed;                         // add() under way or done
    std::size_t done = 0;
};

fs::path partial_file_path(const fs::path& out) {
    fs::path p = out;
    p += ".partial";
    return p;
}

ResultStream::ResultStream(fs::path out, StreamedRun run, PartialFile file)
    : out_(std::move(out)), run_(std::move(run)), file_(std::make_unique<PartialFile>(std::move(file))),
      pairs_(std::make_unique<Pairs>()) {
    const std::size_t n = run_.layout.scenarios.size() * run_.layout.replicate_ids.size();
    pairs_->record.resize(n);
    pairs_->claimed.assign(n, false);
}

ResultStream::~ResultStream() = default;

std::unique_ptr<ResultStream> ResultStream::start(const fs::path& out, const StreamedRun& run) {
    detail::validate_layout(run.layout, run.weeks, false);
    const fs::path path = partial_file_path(out);
    std::error_code ec;
    if (fs::symlink_status(path, ec).type() != fs::file_type::not_found)
        throw IoError("partial file '" + path.string() + "' exists: an earlier run writing '" + out.string()
                      + "' did not finish; resume it, or remove the partial file to start again");
    try {
        return std::unique_ptr<ResultStream>(new ResultStream(out, run, PartialFile::create(path, header_of(run))));
    } catch (const IoError& e) {
        throw IoError("cannot write result file '" + out.string() + "': " + e.what());
    }
}

std::unique_ptr<ResultStream> ResultStream::resume(const fs::path& out, const StreamedRun& run) {
    detail::validate_layout(run.layout, run.weeks, false);
    const fs::path path = partial_file_path(out);
    std::error_code ec;
    if (fs::symlink_status(path, ec).type() == fs::file_type::not_found)
        throw IoError("cannot resume: there is no partial file '" + path.string() + "' (the run finished, never "
                      "started, or wrote another output); run without --resume to start it");
    PartialFile file = PartialFile::open(path);
    check_same_run(file, header_of(run));
    const std::string* start = find(file.header(), "start_time");
    const std::string* command = find(file.header(), "command_line");
    StreamedRun resumed = run;
    if (start) resumed.provenance.start_time = *start;
    if (command) resumed.provenance.command_line = *command;
    auto s = std::unique_ptr<ResultStream>(new ResultStream(out, std::move(resumed), std::move(file)));
    const std::size_t n_scen = run.layout.scenarios.size(), n_rep = run.layout.replicate_ids.size();
    for (const PartialRecord& r : s->file_->records()) {
        if (r.kind == RecordKind::resume) {
            ++s->resumed_;
            continue;
        }
        if (r.a >= n_scen || r.b >= n_rep)
            throw IoError("partial file '" + path.string() + "' is corrupt: a record is of scenario " + std::to_string(r.a)
                          + " replicate position " + std::to_string(r.b) + ", beyond the run's " + std::to_string(n_scen)
                          + " x " + std::to_string(n_rep) + "; remove it (--clean-partials) and run again");
        auto& slot = s->pairs_->record[r.a * n_rep + r.b];
        if (slot)
            throw IoError("partial file '" + path.string() + "' is corrupt: scenario " + std::to_string(r.a)
                          + " replicate position " + std::to_string(r.b) + " is recorded twice; remove it "
                          "(--clean-partials) and run again");
        slot = r;
        s->pairs_->claimed[r.a * n_rep + r.b] = true;
        ++s->pairs_->done;
    }
    ++s->resumed_;
    s->file_->append(RecordKind::resume, 0, 0, [&] {
        const std::string text = run.provenance.command_line + "\n" + utc_now_iso8601();
        return std::vector<unsigned char>(text.begin(), text.end());
    }());
    return s;
}

const fs::path& ResultStream::partial_path() const { return file_->path(); }
std::size_t ResultStream::pairs_total() const { return pairs_->record.size(); }
std::size_t ResultStream::pairs_done() const {
    const std::lock_guard lock(pairs_->mutex);
    return pairs_->done;
}
bool ResultStream::done(std::size_t scenario, std::size_t replicate) const {
    const std::lock_guard lock(pairs_->mutex);
    return pairs_->record.at(scenario * run_.layout.replicate_ids.size() + replicate).has_value();
}

void ResultStream::add(std::size_t scenario, std::size_t replicate, const Results& results,
                       const std::vector<double>& parameter_values) {
    const std::size_t n_rep = run_.layout.replicate_ids.size();
    if (scenario >= run_.layout.scenarios.size() || replicate >= n_rep)
        throw InternalError("ResultStream::add: no pair (" + std::to_string(scenario) + ", " + std::to_string(replicate) + ")");
    const std::size_t k = scenario * n_rep + replicate;
    const std::string of = "scenario '" + run_.layout.scenarios[scenario].name + "' replicate "
                           + std::to_string(run_.layout.replicate_ids[replicate]);
    {
        const std::lock_guard lock(pairs_->mutex);
        if (pairs_->claimed[k]) throw InternalError("ResultStream::add: " + of + " is recorded twice");
        pairs_->claimed[k] = true;
    }
    PartialRecord r;
    try {
        const std::uint32_t n_buurt = std::uint32_t(run_.layout.geo.buurten.size());
        detail::validate_replicate(results, of, run_.weeks, n_buurt);
        if (!results.targeted.empty() && results.targeted.size() != n_buurt)
            throw InternalError("ResultStream::add: " + of + " has " + std::to_string(results.targeted.size())
                                + " targeted flags for " + std::to_string(n_buurt) + " buurten");
        if (parameter_values.size() != run_.layout.parameters.size())
            throw InternalError("ResultStream::add: " + of + " has " + std::to_string(parameter_values.size())
                                + " parameter values for " + std::to_string(run_.layout.parameters.size()) + " parameters");
        const std::vector<unsigned char> payload = encode_pair(results, parameter_values, run_.weeks, n_buurt);
        try {
            r = file_->append(RecordKind::pair, std::uint32_t(scenario), std::uint32_t(replicate), payload);
        } catch (const IoError& e) {
            throw IoError("cannot write result file '" + out_.string() + "': " + e.what() + "; the replicates finished "
                          "before are kept in it: make room and run again with --resume");
        }
    } catch (...) {
        const std::lock_guard lock(pairs_->mutex);
        pairs_->claimed[k] = false;  // not recorded: it may be added again
        throw;
    }
    const std::lock_guard lock(pairs_->mutex);
    pairs_->record[k] = r;
    ++pairs_->done;
}

Results ResultStream::read(std::size_t scenario, std::size_t replicate) const {
    std::optional<PartialRecord> r;
    {
        const std::lock_guard lock(pairs_->mutex);
        r = pairs_->record.at(scenario * run_.layout.replicate_ids.size() + replicate);
    }
    if (!r) throw InternalError("ResultStream::read: the pair is not recorded");
    const std::vector<unsigned char> bytes = file_->read(*r);
    const std::uint32_t n_buurt = std::uint32_t(run_.layout.geo.buurten.size());
    Cursor c{bytes, 0, "partial file '" + file_->path().string() + "'"};
    PairView p = parse_pair(c, run_.weeks, n_buurt, true);
    Results res(run_.weeks, n_buurt);
    res.targeted = std::move(p.targeted);
    res.snapshots = std::move(p.snapshots);
    const std::size_t cw = chunk_weeks(run_.weeks), per_chunk = cw * n_buurt;
    const auto& specs = indicator_specs();
    std::vector<std::int32_t> ints(per_chunk);
    std::vector<double> reals(per_chunk);
    for (std::size_t i = 0; i < n_indicators; ++i) {
        std::vector<double>& v = res.values[i];
        for (std::size_t ch = 0; ch < p.chunks[i].size(); ++ch) {
            const std::size_t first = ch * per_chunk, n = std::min(per_chunk, v.size() - first);
            const auto [data, size] = p.chunks[i][ch];
            if (specs[i].integer) {
                detail::decode_chunk(data, size, ints.data(), per_chunk * 4, detail::shuffled(Dtype::int32) ? 4 : 1,
                                     c.what);
                for (std::size_t k = 0; k < n; ++k) v[first + k] = ints[k];
            } else {
                detail::decode_chunk(data, size, reals.data(), per_chunk * 8, detail::shuffled(Dtype::float64) ? 8 : 1,
                                     c.what);
                std::copy_n(reals.begin(), n, v.begin() + std::ptrdiff_t(first));
            }
        }
    }
    return res;
}

void ResultStream::finish() {
    const ResultSet& lay = run_.layout;
    const std::size_t n_scen = lay.scenarios.size(), n_rep = lay.replicate_ids.size();
    const std::uint32_t n_buurt = std::uint32_t(lay.geo.buurten.size());
    for (std::size_t k = 0; k < pairs_->record.size(); ++k)
        if (!pairs_->record[k])
            throw InternalError("ResultStream::finish: scenario " + std::to_string(k / n_rep) + " replicate position "
                                + std::to_string(k % n_rep) + " is not recorded");
    const std::string what = "partial file '" + file_->path().string() + "'";
    const auto payload = [&](std::size_t s, std::size_t r) { return file_->read(*pairs_->record[s * n_rep + r]); };

    // What the root group needs of every pair, from the start of each record: the targeted buurten (from CBS
    // counts, not replicate draws: the same in every replicate of a scenario) and the parameter values.
    ResultSet rs = lay;
    const std::size_t n_par = lay.parameters.size();
    for (std::size_t s = 0; s < n_scen; ++s) {
        ScenarioRun& run = rs.scenarios[s];
        if (n_par > 0) run.parameter_values.resize(n_rep);
        for (std::size_t r = 0; r < n_rep; ++r) {
            const std::vector<unsigned char> bytes =
                file_->read(*pairs_->record[s * n_rep + r], prefix_bytes(n_buurt, n_par));
            Cursor c{bytes, 0, what};
            PairView p;
            parse_prefix(c, run_.weeks, n_buurt, p);
            if (r == 0) run.targeted = p.targeted;
            if (p.targeted != run.targeted)
                throw InternalError("scenario " + run.name + ": targeted buurten differ between replicates");
            if (p.parameter_values.size() != n_par)
                throw IoError(what + ": a record has " + std::to_string(p.parameter_values.size())
                              + " parameter values for " + std::to_string(n_par) + " parameters");
            if (n_par > 0) run.parameter_values[r] = std::move(p.parameter_values);
        }
    }
    detail::validate_layout(rs, run_.weeks, false);
    detail::validate_parameter_values(rs);

    Provenance prov = run_.provenance;
    prov.end_time = utc_now_iso8601();
    prov.resumed = resumed_;
    std::vector<fs::path> inputs;
    for (const ScenarioRun& run : lay.scenarios)
        for (const std::string& f : run.files) inputs.emplace_back(f);
    for (const DataFileRecord& d : prov.data_files) inputs.emplace_back(d.path);

    const Writer w(out_);
    detail::QuietHdf5Errors quiet;
    detail::atomic_replace(out_, inputs, [&](const fs::path& tmp, bool& created) {
        // On disk (the sec2 driver), unlike write_results: the file is larger than memory may hold.
        Handle fcpl = detail::file_create_plist(w);
        Handle fapl = detail::file_access_plist(w);
        Handle file{w.check(H5Fcreate(tmp.c_str(), H5F_ACC_EXCL, fcpl.get(), fapl.get()),
                            "creating temporary file '" + tmp.string() + "'"),
                    H5Fclose};
        created = true;
        if (::chmod(tmp.c_str(), 0644) != 0)
            throw IoError("cannot write result file '" + out_.string() + "': chmod of '" + tmp.string() + "' failed");
        const hid_t f = file.get();
        {
            std::vector<Handle> vars = detail::write_root(w, f, rs, run_.weeks, prov);
            detail::write_provenance(w, f, prov);
            detail::SnapshotWriter snapshots(w, f, detail::first_free_dimid(rs));
            const hsize_t cw = chunk_weeks(run_.weeks);
            for (std::size_t s = 0; s < n_scen; ++s)
                for (std::size_t r = 0; r < n_rep; ++r) {
                    const std::vector<unsigned char> bytes = payload(s, r);
                    Cursor c{bytes, 0, what};
                    const PairView p = parse_pair(c, run_.weeks, n_buurt, true);
                    for (std::size_t i = 0; i < n_indicators; ++i)
                        for (std::size_t ch = 0; ch < p.chunks[i].size(); ++ch) {
                            const hsize_t offset[4] = {s, r, ch * cw, 0};
                            w.check(H5Dwrite_chunk(vars[i].get(), H5P_DEFAULT, 0, offset, p.chunks[i][ch].second,
                                                   p.chunks[i][ch].first),
                                    "writing scenario " + std::to_string(s) + " replicate "
                                        + std::to_string(lay.replicate_ids[r]) + " of '/"
                                        + std::string(indicator_specs()[i].name) + "'");
                        }
                    for (const Snapshot& snap : p.snapshots) snapshots.add(snap, s, lay.replicate_ids[r]);
                }
        }
        w.check(file.close(), "closing '" + tmp.string() + "'");
        fsync_path(tmp, out_);
    });
    sync_directory(out_);  // the new name is on disk before the partial file's goes
    file_->remove();
}

void ResultStream::discard() { file_->remove(); }

void remove_partial_file(const fs::path& partial) {
    std::error_code ec;
    if (fs::symlink_status(partial, ec).type() == fs::file_type::regular) {
        // Taking its lock proves no run is writing it (the lock dies with its holder, however it ends).
        const int fd = ::open(partial.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
                ::close(fd);
                throw IoError("partial file '" + partial.string() + "' is in use: another buurtsim run is writing it "
                              "now; it is not removed");
            }
            const int rc = ::unlink(partial.c_str());
            const int e = errno;
            ::close(fd);
            if (rc != 0 && e != ENOENT)
                throw IoError("cannot remove partial file '" + partial.string() + "': "
                              + std::error_code(e, std::generic_category()).message());
            return;
        }
    }
    fs::remove(partial, ec);
    if (ec) throw IoError("cannot remove partial file '" + partial.string() + "': " + ec.message());
}

void skip_hdf5_cleanup_at_exit() { H5dont_atexit(); }

}  // namespace buurtsim
