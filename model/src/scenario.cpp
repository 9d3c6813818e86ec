// Scenario files (TOML) and --set overrides -> Params: the loader.
// Everything here goes through param_table(): a parameter is read, checked,
// written and documented through its row, never by a hand-written field list.
#include "buurtsim/scenario.hpp"

#include "buurtsim/error.hpp"
#include "buurtsim/params.hpp"
#include "input_file.hpp"
#include "scenario_internal.hpp"
#include "scenario_node.hpp"

#include <algorithm>
#include <map>

namespace buurtsim {
namespace fs = std::filesystem;

namespace {

using namespace scenario_detail;

// ---------------------------------------------------------------- the loader

// Where values come from: a file or text (with lines) or one --set override.
struct Origin {
    std::string source;
    bool has_lines;
    std::string where(std::size_t line) const {
        return has_lines && line > 0 ? source + ":" + std::to_string(line) : source;
    }
};

class Loader {
public:
    Loader() : p_(default_params()) {}

    // Read a scenario file; `where` is the extends line that asked for it, if any.
    void load_file(const fs::path& path, const std::string& where) {
        const std::string shown = path.generic_string();
        const std::string prefix = where.empty() ? std::string() : where + ": ";
        const std::string subject = "scenario file " + toml_string(shown);
        std::error_code ec;
        if (shown.find('\0') == std::string::npos && !fs::exists(path, ec))
            throw ParamError(prefix + subject + " does not exist");
        const input_file::Contents file = input_file::read(path, max_scenario_file_bytes);
        if (file.problem != input_file::Problem::none)
            throw ParamError(prefix + input_file::describe(file, subject, max_scenario_file_bytes, "scenario files"));

        stack_.push_back({fs::weakly_canonical(path, ec), shown});
        apply_text(file.bytes, shown, path.parent_path(), path.stem().string());
        stack_.pop_back();
        files_.push_back(path);
    }

    // `stem` names the scenario when the text sets no name ("" for text
    // that is not a file: keep the table default).
    void apply_text(std::string_view text, const std::string& source, const fs::path& base_dir,
                    const std::string& stem) {
        toml::table doc;
        try {
            doc = toml::parse(text, source);
        } catch (const toml::parse_error& e) {
            const auto& b = e.source().begin;
            throw ParamError(source + ":" + std::to_string(b.line) + ":" + std::to_string(b.column)
                             + ": TOML syntax error: " + std::string(e.description()));
        }
        const Origin origin{source, true};

        // The base first, so this file's keys override it.
        if (const toml::node* ext = doc.get("extends")) {
            const std::string where = origin.where(ext->source().begin.line);
            const auto* s = ext->as_string();
            if (!s)
                throw ParamError(where + ": key extends: value " + render(*ext) + " has type " + type_name(*ext)
                                 + ", expected a string (a path relative to this file)");
            if (s->get().find('\0') != std::string::npos)
                throw ParamError(where + ": extends " + toml_string(s->get()) + ": a file name cannot contain a NUL byte");
            // Each level of extends is a level of recursion here, and a chain
            // that deep is a mistake anyway.
            if (stack_.size() >= max_extends_depth) {
                std::string chain;
                for (std::size_t j = 0; j < stack_.size(); ++j) {
                    if (j == 2 && stack_.size() > 4) {
                        chain += "... -> ";
                        j = stack_.size() - 2;
                    }
                    chain += stack_[j].shown + " -> ";
                }
                throw ParamError(where + ": extends chain is deeper than " + std::to_string(max_extends_depth)
                                 + " files: " + chain + s->get());
            }
            const fs::path target = (base_dir / fs::path(s->get())).lexically_normal();
            std::error_code ec;
            const fs::path canon = fs::weakly_canonical(target, ec);
            for (std::size_t k = 0; k < stack_.size(); ++k) {
                if (!ec && stack_[k].canonical == canon) {
                    std::string chain;
                    for (std::size_t j = k; j < stack_.size(); ++j) chain += stack_[j].shown + " -> ";
                    throw ParamError(where + ": extends cycle: " + chain + target.generic_string());
                }
            }
            if (!fs::exists(target, ec))
                throw ParamError(where + ": extends " + toml_string(s->get()) + ", but "
                                 + toml_string(target.generic_string()) + " does not exist");
            load_file(target, where);
        }

        // name and description describe this file, not its base: they are
        // never inherited. A file without a name is named after its file stem.
        const Params& d = default_params();
        if (!doc.contains("name")) {
            p_.name = stem.empty() ? d.name : stem;
            set_at_.erase("name");
        }
        if (!doc.contains("description")) {
            p_.description = d.description;
            set_at_.erase("description");
        }

        apply_table(doc, "", origin);
    }

    // "key=value": value in TOML syntax; a bare word that is not TOML is a string.
    void apply_override(const std::string& ov) {
        if (ov.find('\0') != std::string::npos)
            throw ParamError("--set " + toml_string(ov) + ": contains a NUL byte; keys and values cannot contain NUL");
        const std::string label = "--set " + ov;
        const auto eq = ov.find('=');
        if (eq == std::string::npos)
            throw ParamError(label + ": expected key=value, e.g. --set population.scale=0.5");
        const std::string key = trim(std::string_view(ov).substr(0, eq));
        const std::string value = trim(std::string_view(ov).substr(eq + 1));
        if (key.empty()) throw ParamError(label + ": missing key before '='");
        if (value.empty())
            throw ParamError(label + ": missing value after '=' (write " + key + "=\"\" for an empty string)");
        if (key == "extends") throw ParamError(label + ": extends can only be used in a scenario file");

        const Origin origin{label, false};
        toml::table doc;
        try {
            doc = parse_value_doc(value, label);
        } catch (const toml::parse_error& e) {
            if (is_bare_word(value)) {
                apply_named(key, toml::value<std::string>(value), origin, 0);
                return;
            }
            throw ParamError(label + ": value is not valid TOML (" + std::string(e.description())
                             + "); put strings with spaces or punctuation in double quotes");
        }
        const toml::node* n = doc.get("v");
        if (!n || doc.size() != 1) throw ParamError(label + ": value must be a single TOML value");
        apply_named(key, *n, origin, 0);
    }

    // A scenario fragment on top of the scenario: its keys only (no extends, and the scenario keeps its name).
    void apply_overlay(const fs::path& path) {
        const std::string shown = path.generic_string();
        const std::string subject = "overlay file " + toml_string(shown);
        std::error_code ec;
        if (shown.find('\0') == std::string::npos && !fs::exists(path, ec)) throw ParamError(subject + " does not exist");
        const input_file::Contents file = input_file::read(path, max_scenario_file_bytes);
        if (file.problem != input_file::Problem::none)
            throw ParamError(input_file::describe(file, subject, max_scenario_file_bytes, "scenario files"));
        toml::table doc;
        try {
            doc = toml::parse(file.bytes, shown);
        } catch (const toml::parse_error& e) {
            const auto& b = e.source().begin;
            throw ParamError(shown + ":" + std::to_string(b.line) + ":" + std::to_string(b.column)
                             + ": TOML syntax error: " + std::string(e.description()));
        }
        const Origin origin{shown, true};
        for (const char* key : {"extends", "name", "description"})
            if (const toml::node* n = doc.get(key))
                throw ParamError(origin.where(n->source().begin.line) + ": key " + key
                                 + ": an overlay cannot set it (it applies to every scenario it is given with; "
                                   "put " + key + " in a scenario file, or give several overlays)");
        apply_table(doc, "", origin);
        files_.push_back(path);
    }

    Scenario finish() {
        auto origin = [this](std::string_view key) -> std::string {
            const auto it = set_at_.find(key);
            return it == set_at_.end() ? "default" : it->second;
        };
        validate_impl(p_, origin);
        Scenario s;
        for (const auto& row : param_table())
            if (const auto it = priors_.find(row.name); it != priors_.end()) s.priors.push_back(it->second);
        check_prior_ends(p_, s.priors, origin);
        s.params = p_;
        s.files = files_;
        s.resolved_toml = to_toml(p_, s.priors);
        return s;
    }

private:
    struct Open {
        fs::path canonical;
        std::string shown;
    };

    static bool is_bare_word(std::string_view v) {
        return !v.empty() && std::none_of(v.begin(), v.end(), [](char c) {
            return std::string_view(" \t\r\n\"'[]{}=#,").find(c) != std::string_view::npos;
        });
    }

    void apply_table(const toml::table& t, const std::string& prefix, const Origin& origin) {
        // toml++ keeps keys sorted; visit them in file order so the first
        // problem reported is the first in the file.
        std::vector<std::pair<const toml::key*, const toml::node*>> entries;
        for (auto&& [k, v] : t) entries.emplace_back(&k, &v);
        std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
            const auto& x = a.first->source().begin;
            const auto& y = b.first->source().begin;
            return x.line != y.line ? x.line < y.line : x.column < y.column;
        });
        for (const auto& [k, v] : entries) {
            if (prefix.empty() && origin.has_lines && k->str() == "extends") continue;
            const std::string full = prefix.empty() ? std::string(k->str()) : prefix + "." + std::string(k->str());
            apply_named(full, *v, origin, k->source().begin.line);
        }
    }

    void apply_named(const std::string& full, const toml::node& n, const Origin& origin, std::size_t key_line) {
        if (const ParamSpec* row = find_row(full)) {
            const std::size_t line = n.source().begin.line ? n.source().begin.line : key_line;
            const std::string where = origin.where(line);
            if (const auto* t = n.as_table()) {
                // A distribution instead of a value: the params hold its median, run_batch draws it.
                Prior prior = parse_prior(*row, *t, where);
                std::get<1>(row->ref)(p_) = prior.quantile(0.5);
                priors_.insert_or_assign(full, std::move(prior));
            } else {
                set_value(*row, p_, n, where);
                priors_.erase(full);  // a value here replaces a prior set before (a base's, an overlay's)
            }
            set_at_[full] = where;
            return;
        }
        const std::string where = origin.where(key_line ? key_line : n.source().begin.line);
        if (const auto* t = n.as_table()) {
            if (is_section(full)) {
                apply_table(*t, full, origin);
                return;
            }
            const auto hint = closest(full, section_names(), false);
            throw ParamError(where + ": unknown table [" + shown_name(full) + "]"
                             + (hint ? " (did you mean [" + *hint + "]?)" : " (see docs/PARAMETERS.md)"));
        }
        if (is_section(full))
            throw ParamError(where + ": \"" + full + "\" is a table of parameters, not a value; set its keys, e.g. ["
                             + full + "] then key = value");
        std::vector<std::string> candidates = row_names();
        if (origin.has_lines) candidates.emplace_back("extends");
        const auto hint = closest(full, candidates, true);
        throw ParamError(where + ": unknown key \"" + shown_name(full) + "\""
                         + (hint ? " (did you mean \"" + *hint + "\"?)" : " (see docs/PARAMETERS.md)"));
    }

    Params p_;
    std::vector<fs::path> files_;
    std::vector<Open> stack_;
    std::map<std::string, std::string, std::less<>> set_at_;  // key -> where it was last set
    std::map<std::string, Prior, std::less<>> priors_;          // key -> its prior, if the last setting was one
};

}  // namespace

Scenario load_scenario(const fs::path& path, const std::vector<std::string>& overrides,
                       const std::vector<fs::path>& overlays) {
    Loader loader;
    loader.load_file(path.lexically_normal(), "");
    for (const auto& ov : overlays) loader.apply_overlay(ov.lexically_normal());
    for (const auto& ov : overrides) loader.apply_override(ov);
    return loader.finish();
}

Scenario parse_scenario(std::string_view toml_text, std::string_view source,
                        const std::vector<std::string>& overrides, const fs::path& base_dir,
                        const std::vector<fs::path>& overlays) {
    Loader loader;
    loader.apply_text(toml_text, std::string(source), base_dir, "");
    for (const auto& ov : overlays) loader.apply_overlay(ov.lexically_normal());
    for (const auto& ov : overrides) loader.apply_override(ov);
    return loader.finish();
}

}  // namespace buurtsim
