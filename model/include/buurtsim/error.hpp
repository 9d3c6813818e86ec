#pragma once
/** @file error.hpp
 *  Two roots: Error for anything the user can fix (scenario files, data
 *  files, arguments), InternalError for bugs. The library throws; only
 *  main() and the Python layer turn these into messages and exit codes.
 */
#include <stdexcept>
#include <string>

namespace buurtsim {

/** @brief Bad user input: the message names file, line, key, value and rule. */
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/** @brief A parameter or scenario value is wrong (type, range, unknown key). */
class ParamError : public Error {
public:
    using Error::Error;
};

/** @brief An input data file is missing or malformed. */
class DataError : public Error {
public:
    using Error::Error;
};

/** @brief Reading or writing a result file failed. */
class IoError : public Error {
public:
    using Error::Error;
};

/** @brief Arguments that cannot go together (e.g. scenarios that cannot share one result file). */
class UsageError : public Error {
public:
    using Error::Error;
};

/** @brief A broken invariant inside buurtsim: a bug, never the user's fault. */
class InternalError : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

/** @brief Assertion that stays on in Release builds. @throws InternalError */
#define BUURTSIM_ASSERT(cond)                                                              \
    do {                                                                                   \
        if (!(cond))                                                                       \
            throw ::buurtsim::InternalError(std::string("internal check failed: ") + #cond \
                                            + " at " + __FILE__ + ":"                      \
                                            + std::to_string(__LINE__));                   \
    } while (0)

}  // namespace buurtsim
