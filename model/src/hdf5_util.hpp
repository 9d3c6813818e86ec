#pragma once
// Small RAII helpers shared by the HDF5 writer (io_hdf5.cpp) and reader
// (io_read_hdf5.cpp). Private to buurtsim_io.
#include <hdf5.h>

#include <string>
#include <utility>

namespace buurtsim::detail {

/** Owns one HDF5 identifier and closes it on scope exit. */
class Handle {
public:
    using Closer = herr_t (*)(hid_t);
    Handle(hid_t id, Closer close) : id_(id), close_(close) {}
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
    Handle& operator=(Handle&&) = delete;
    ~Handle() {
        if (id_ >= 0) close_(id_);  // errors here cannot be reported; close() reports them
    }
    hid_t get() const { return id_; }
    /// Closes now and returns the status, so a failed flush can be reported.
    herr_t close() { return id_ >= 0 ? close_(std::exchange(id_, H5I_INVALID_HID)) : 0; }

private:
    hid_t id_;
    Closer close_;
};

/** Turns off HDF5's automatic printing of its error stack for one scope. */
class QuietHdf5Errors {
public:
    QuietHdf5Errors() {
        H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    }
    QuietHdf5Errors(const QuietHdf5Errors&) = delete;
    QuietHdf5Errors& operator=(const QuietHdf5Errors&) = delete;
    ~QuietHdf5Errors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

private:
    H5E_auto2_t func_ = nullptr;
    void* data_ = nullptr;
};

/** The innermost description on HDF5's error stack (the actual cause), then clears the stack. */
inline std::string hdf5_cause() {
    std::string cause;
    H5Ewalk2(
        H5E_DEFAULT, H5E_WALK_DOWNWARD,
        [](unsigned, const H5E_error2_t* e, void* out) -> herr_t {
            if (e->desc != nullptr && *e->desc != '\0') *static_cast<std::string*>(out) = e->desc;
            return 0;
        },
        &cause);
    H5Eclear2(H5E_DEFAULT);
    return cause;
}

}  // namespace buurtsim::detail
