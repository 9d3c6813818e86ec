#pragma once
/** @file datasets.hpp
 *  The result file's datasets, defined once (tskit docs/data-model.md): name,
 *  group, dtype, dims, units, long name, CF flags and the coordinates
 *  attribute of every dimension, coordinate, scenario variable, data variable
 *  (one per indicator, from BUURTSIM_INDICATORS), snapshot variable and
 *  comparison column. This table drives the HDF5 writer and its validation,
 *  the reader, the Python views and buurtsim.load / buurtsim.run, and the
 *  dataset tables of docs/FORMAT.md (tests/cpp/test_datasets.cpp checks
 *  FORMAT.md against dataset_table_markdown()).
 */
#include "buurtsim/indicators.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace buurtsim {

/** @brief File dtype of a dataset (little-endian; strings are variable-length UTF-8). */
enum class Dtype : std::uint8_t { int8, uint8, uint16, int32, uint32, float32, float64, string };

/** @brief "int8", ..., "string": the name FORMAT.md and numpy use. */
std::string_view dtype_name(Dtype d);

/** @brief The Dtype of a C++ element type (a snapshot vector's). */
template <class T>
constexpr Dtype dtype_of() {
    if constexpr (std::is_same_v<T, std::int8_t>) return Dtype::int8;
    else if constexpr (std::is_same_v<T, std::uint8_t>) return Dtype::uint8;
    else if constexpr (std::is_same_v<T, std::uint16_t>) return Dtype::uint16;
    else if constexpr (std::is_same_v<T, std::int32_t>) return Dtype::int32;
    else if constexpr (std::is_same_v<T, std::uint32_t>) return Dtype::uint32;
    else if constexpr (std::is_same_v<T, float>) return Dtype::float32;
    else if constexpr (std::is_same_v<T, double>) return Dtype::float64;
    else static_assert(!sizeof(T), "no file dtype for this type");
}

/** @brief Where a dataset lives; one table of docs/FORMAT.md each. */
enum class DatasetGroup : std::uint8_t {
    dimension,          ///< root dimension scales (scenario, replicate, week, buurt)
    coordinate,         ///< root auxiliary coordinates (buurt_code, ..., scenario_name)
    scenario_variable,  ///< root variables along scenario (scenario_toml, scenario_files, targeted)
    data_variable,      ///< root, one per indicator, dims (scenario, replicate, week, buurt)
    parameter,          ///< root: the parameter dimension and parameter_values, present when a scenario has priors
    snapshot,           ///< each /snapshots/s<S>_r<R>_w<WWWW> group
    comparison,         ///< the /comparison group
};

/** @brief CF flag attributes of a coded variable. */
enum class Flags : std::uint8_t {
    none,
    values,  ///< flag_values: an enumeration
    masks,   ///< flag_masks: a bitmask
};

/** @brief One dataset of a result file. */
struct DatasetSpec {
    std::string_view name;
    DatasetGroup group;
    Dtype dtype;
    std::vector<std::string_view> dims;
    std::string_view units;        ///< the `units` attribute; empty: none
    std::string_view long_name;    ///< the `long_name` attribute
    Flags flags = Flags::none;
    std::vector<int> flag_values;  ///< flag_values or flag_masks, stored in the dataset's dtype
    std::string_view flag_meanings;
    std::string_view coordinates;  ///< the `coordinates` attribute; empty: none
    std::string_view description;  ///< the FORMAT.md meaning column; empty: the long name
};

/** @brief Every dataset, group by group in file order (the order the writer creates them). */
const std::vector<DatasetSpec>& dataset_specs();

/** @brief The datasets of one group, in file order. */
std::vector<const DatasetSpec*> dataset_specs(DatasetGroup group);

/** @brief The dataset `name` of `group`. @throws InternalError if there is none (a bug). */
const DatasetSpec& dataset_spec(DatasetGroup group, std::string_view name);

/** @brief The name of a group as Python sees it ("dimension", ..., "comparison"). */
std::string_view group_name(DatasetGroup group);

/** @brief The table of one group as docs/FORMAT.md shows it:
 *  `| dataset | dtype | dims | units | meaning |`, header and one row per dataset. */
std::string dataset_table_markdown(DatasetGroup group);

/** @brief The `coordinates` attribute of the data variables. */
inline constexpr std::string_view data_coordinates = "scenario_name buurt_code buurt_name wijk_code wijk_name";

/** @brief Calls f(spec, vector) for each per-resident and per-tie variable of a snapshot, in file order:
 *  the one mapping of Snapshot members to snapshot datasets (writer, validation, Python views). */
template <class S, class F>
void for_each_snapshot_variable(S& snapshot, F&& f) {
    auto var = [](std::string_view name) -> const DatasetSpec& { return dataset_spec(DatasetGroup::snapshot, name); };
    f(var("buurt"), snapshot.buurt);
    f(var("age"), snapshot.age);
    f(var("age_band"), snapshot.age_band);
    f(var("household"), snapshot.household);
    f(var("household_type"), snapshot.household_type);
    f(var("vulnerability"), snapshot.vulnerability);
    f(var("loneliness"), snapshot.loneliness);
    f(var("roles"), snapshot.roles);
    f(var("self_reliance"), snapshot.self_reliance);
    f(var("source"), snapshot.source);
    f(var("target"), snapshot.target);
    f(var("tie_type"), snapshot.tie_type);
    f(var("strength"), snapshot.strength);
}

}  // namespace buurtsim
