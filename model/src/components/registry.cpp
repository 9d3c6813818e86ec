// The component registry. Order matters and is fixed: parameter sections are
// listed, levers are set, and random sub-streams are handed out in this order.
// A new component is one file plus one line at the END of builtin() (adding
// it elsewhere would move the sub-streams of the components after it).
#include "buurtsim/component.hpp"
#include "buurtsim/error.hpp"

#include "components/builtin.hpp"

#include <cstdio>

namespace buurtsim {
namespace {

std::vector<const Component*>& registry() {
    static std::vector<const Component*> r = {
        &buurtondersteuner_component(),
        &backlog_component(),
        &buurtkamer_component(),
        &facilitator_component(),
        &staff_shortage_component(),
    };
    return r;
}

}  // namespace

const std::vector<const Component*>& components() { return registry(); }

void register_component(const Component& c) {
    for (const Component* k : registry())
        if (k->name() == c.name()) throw InternalError("component \"" + std::string(c.name()) + "\" is registered twice");
    registry().push_back(&c);
}

StreamBlock stream_block(std::size_t index) {
    const auto& r = registry();
    BUURTSIM_ASSERT(index < r.size());
    StreamBlock b;
    for (std::size_t k = 0; k < index; ++k) b.first += r[k]->streams();
    b.count = r[index]->streams();
    return b;
}

std::uint32_t StreamBlock::sub(std::uint32_t k) const {
    BUURTSIM_ASSERT(k < count);
    return first + k;
}

void check_window(std::string_view section, std::int64_t start, std::int64_t end, const KeyOrigin& at) {
    // An end before the start is a mistake, not "off".
    const std::string s(section);
    if (end >= 0 && end < start)
        throw ParamError(s + ".end_week must be -1 (to the horizon) or at least " + s + ".start_week, got "
                         + std::to_string(end) + at(s + ".end_week") + " and " + std::to_string(start)
                         + at(s + ".start_week"));
}

std::vector<std::string> describe_components(const Params& p) {
    std::vector<std::string> out;
    for (const Component* c : components())
        if (c->on(p)) out.push_back(c->describe(p));
    return out;
}

}  // namespace buurtsim
