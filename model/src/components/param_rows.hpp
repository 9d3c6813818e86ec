#pragma once
// Accessors for a component's rows of the parameter table: captureless
// lambdas into the component's block of Params::parts, which decay to the
// plain function pointers ParamSpec stores.
#include "buurtsim/params.hpp"

#define BUURTSIM_PART(type, Block, member) \
    static_cast<type& (*)(Params&)>([](Params& p) -> type& { return p.parts.get<Block>().member; })
#define PART_I(Block, member) BUURTSIM_PART(std::int64_t, Block, member)
#define PART_R(Block, member) BUURTSIM_PART(double, Block, member)
#define PART_B(Block, member) BUURTSIM_PART(bool, Block, member)
#define PART_L(Block, member) BUURTSIM_PART(std::vector<std::string>, Block, member)
