// C++ exceptions -> Python exceptions with the same messages as the CLI.
//
//   buurtsim::ParamError    -> buurtsim.ParamError   (Error, ValueError)
//   buurtsim::DataError     -> buurtsim.DataError    (Error, ValueError)
//   buurtsim::IoError       -> buurtsim.IoError      (Error, OSError)
//   buurtsim::Error         -> buurtsim.Error
//   buurtsim::InternalError -> buurtsim.InternalError (RuntimeError): a bug
//
// The classes live in buurtsim/errors.py (plain Python, with docstrings);
// they are looked up when an exception is translated, so the module can be
// imported before the package has finished importing.
#include "bind.hpp"

#include "buurtsim/error.hpp"

#include <string>

namespace buurtsim::python {
namespace {

void raise_as(const char* name, PyObject* fallback, const std::string& message) {
    PyObject* text = PyUnicode_DecodeUTF8(message.data(), Py_ssize_t(message.size()), "replace");
    PyObject* cls = fallback;
    PyObject* module = PyImport_ImportModule("buurtsim.errors");
    PyObject* found = module ? PyObject_GetAttrString(module, name) : nullptr;
    if (found) cls = found;
    PyErr_Clear();  // an import failure falls back to the builtin class
    PyErr_SetObject(cls, text);
    Py_XDECREF(found);
    Py_XDECREF(module);
    Py_XDECREF(text);
}

}  // namespace

void bind_errors(py::module_&) {
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const ParamError& e) {
            raise_as("ParamError", PyExc_ValueError, e.what());
        } catch (const DataError& e) {
            raise_as("DataError", PyExc_ValueError, e.what());
        } catch (const UsageError& e) {
            raise_as("UsageError", PyExc_ValueError, e.what());
        } catch (const IoError& e) {
            raise_as("IoError", PyExc_OSError, e.what());
        } catch (const Error& e) {
            raise_as("Error", PyExc_RuntimeError, e.what());
        } catch (const InternalError& e) {
            raise_as("InternalError", PyExc_RuntimeError,
                     std::string("internal error (please report): ") + e.what());
        }
    });
}

}  // namespace buurtsim::python
