#pragma once
// The HDF5 wrapper of buurtsim_io (private): RAII handles, error capture,
// and the Writer every result-file writer uses (io_hdf5.cpp, io_snapshots.cpp,
// io_comparison.cpp); the reader (io_read_hdf5.cpp) uses the first two.
#include "buurtsim/datasets.hpp"
#include "buurtsim/error.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <type_traits>
#include <string>
#include <utility>
#include <vector>

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

/// gzip level of every compressed variable.
constexpr unsigned deflate_level = 4;
/// Most elements in one chunk of a 1-D (snapshot or comparison) variable.
constexpr hsize_t max_chunk_1d = hsize_t(1) << 16;

namespace fs = std::filesystem;

/** Writes one file; every failure becomes an IoError naming `out` and the operation. */
class Writer {
public:
    explicit Writer(const fs::path& out) : out_(out) {}
    const fs::path& out() const { return out_; }

    [[noreturn]] void fail(const std::string& what) const {
        std::string cause = hdf5_cause();
        throw IoError("cannot write result file '" + out_.string() + "': " + what + " failed"
                      + (cause.empty() ? std::string() : " (HDF5: " + cause + ")"));
    }
    /// Returns `v` (an hid_t or herr_t) if HDF5 reported success, else throws.
    template <class T>
    T check(T v, const std::string& what) const {
        if (v < 0) fail(what);
        return v;
    }

    Handle type_copy(hid_t t) const { return {check(H5Tcopy(t), "H5Tcopy"), H5Tclose}; }
    Handle utf8_string_type() const {
        Handle t = type_copy(H5T_C_S1);
        check(H5Tset_size(t.get(), H5T_VARIABLE), "H5Tset_size(H5T_VARIABLE)");
        check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "H5Tset_cset(UTF8)");
        return t;
    }
    Handle scalar_space() const { return {check(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose}; }
    Handle simple_space(const std::vector<hsize_t>& dims) const {
        return {check(H5Screate_simple(int(dims.size()), dims.data(), nullptr), "H5Screate_simple"),
                H5Sclose};
    }
    Handle plist(hid_t cls) const { return {check(H5Pcreate(cls), "H5Pcreate"), H5Pclose}; }

    /// Dataset creation property list that tracks attribute order (as netCDF-4 does).
    Handle dataset_plist() const {
        Handle p = plist(H5P_DATASET_CREATE);
        check(H5Pset_attr_creation_order(p.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
              "H5Pset_attr_creation_order");
        return p;
    }

    void attr_string(hid_t obj, const std::string& obj_name, const char* name,
                     const std::string& value) const {
        const std::string what = "writing attribute '" + std::string(name) + "' of '" + obj_name + "'";
        Handle type = utf8_string_type();
        Handle space = scalar_space();
        Handle attr{check(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), what),
                    H5Aclose};
        const char* p = value.c_str();
        check(H5Awrite(attr.get(), type.get(), &p), what);
    }
    /// A scalar numeric attribute stored as `file_type` (the HDF5 type of the value's own width).
    template <class T>
    void attr_scalar(hid_t obj, const std::string& obj_name, const char* name, hid_t file_type, T value) const {
        const std::string what = "writing attribute '" + std::string(name) + "' of '" + obj_name + "'";
        Handle space = scalar_space();
        Handle attr{check(H5Acreate2(obj, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), what), H5Aclose};
        check(H5Awrite(attr.get(), native_type<T>(), &value), what);
    }
    void attr_u64(hid_t obj, const std::string& obj_name, const char* name, std::uint64_t value) const {
        attr_scalar(obj, obj_name, name, H5T_STD_U64LE, value);
    }
    void attr_f64(hid_t obj, const std::string& obj_name, const char* name, double value) const {
        attr_scalar(obj, obj_name, name, H5T_IEEE_F64LE, value);
    }
    void attr_i32(hid_t obj, const std::string& obj_name, const char* name, std::int32_t value) const {
        attr_scalar(obj, obj_name, name, H5T_STD_I32LE, value);
    }

    /// A 1-D numeric attribute of `n` values of `file_type`, read from memory of `mem_type`.
    void attr_array(hid_t obj, const std::string& obj_name, const char* name, hid_t file_type, hid_t mem_type,
                    const void* values, hsize_t n) const {
        const std::string what = "writing attribute '" + std::string(name) + "' of '" + obj_name + "'";
        Handle space = simple_space({n});
        Handle attr{check(H5Acreate2(obj, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), what), H5Aclose};
        check(H5Awrite(attr.get(), mem_type, values), what);
    }

    /// A group that tracks link and attribute creation order (as netCDF-4 does).
    Handle group(hid_t loc, const char* name, const std::string& path) const {
        Handle gcpl = plist(H5P_GROUP_CREATE);
        check(H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
              "H5Pset_link_creation_order");
        check(H5Pset_attr_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
              "H5Pset_attr_creation_order");
        return {check(H5Gcreate2(loc, name, H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), "creating group '" + path + "'"),
                H5Gclose};
    }

    /// Dataset creation properties of a 1-D variable of n elements: chunked,
    /// shuffled and gzipped, or contiguous when empty (HDF5 cannot chunk a
    /// fixed-size empty dataset).
    Handle compressed_1d_plist(hsize_t n, const std::string& path) const {
        Handle dcpl = dataset_plist();
        if (n == 0) return dcpl;
        const hsize_t chunk = std::min(n, max_chunk_1d);
        check(H5Pset_chunk(dcpl.get(), 1, &chunk), "H5Pset_chunk for '" + path + "'");
        check(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle for '" + path + "'");
        check(H5Pset_deflate(dcpl.get(), deflate_level), "H5Pset_deflate for '" + path + "'");
        return dcpl;
    }

    /// A 1-D int32 dimension scale 0..n-1 named `name` in `loc` (whose path is
    /// `loc_path`, "" for the root); `dimid` is netCDF-4's _Netcdf4Dimid.
    Handle index_scale(hid_t loc, const char* name, hsize_t n, std::int32_t dimid,
                       const std::string& loc_path = "", bool compress = false) const {
        std::vector<std::int32_t> index(n);
        for (hsize_t i = 0; i < n; ++i) index[i] = std::int32_t(i);
        return int_scale(loc, name, index, dimid, loc_path, compress);
    }

    /// Same, holding the given values (e.g. the replicate indices of a partial batch).
    Handle int_scale(hid_t loc, const char* name, const std::vector<std::int32_t>& index, std::int32_t dimid,
                     const std::string& loc_path = "", bool compress = false) const {
        const std::string path = loc_path + "/" + name;
        const hsize_t n = index.size();
        Handle space = simple_space({n});
        Handle dcpl = compress ? compressed_1d_plist(n, path) : dataset_plist();
        Handle ds{check(H5Dcreate2(loc, name, H5T_STD_I32LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                        "creating dataset '" + path + "'"),
                  H5Dclose};
        if (n > 0)
            check(H5Dwrite(ds.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, index.data()),
                  "writing dataset '" + path + "'");
        check(H5DSset_scale(ds.get(), name), "making '" + path + "' a dimension scale");
        attr_i32(ds.get(), path, "_Netcdf4Dimid", dimid);
        return ds;
    }

    /// A 1-D variable-length UTF-8 string variable of `spec` along the dimension scale `scale`,
    /// with the spec's attributes.
    Handle strings_1d(hid_t loc, const std::string& loc_path, const DatasetSpec& spec,
                      const std::vector<std::string>& values, hid_t scale) const {
        const std::string name(spec.name);
        const std::string path = loc_path + "/" + name;
        if (spec.dtype != Dtype::string) throw InternalError("strings_1d: '" + path + "' is not a string dataset");
        Handle type = utf8_string_type();
        Handle space = simple_space({hsize_t(values.size())});
        Handle dcpl = dataset_plist();
        Handle ds{check(H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                        "creating dataset '" + path + "'"),
                  H5Dclose};
        std::vector<const char*> ptrs;
        ptrs.reserve(values.size());
        for (const auto& v : values) ptrs.push_back(v.c_str());
        if (!values.empty())
            check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()),
                  "writing dataset '" + path + "'");
        check(H5DSattach_scale(ds.get(), scale, 0),
              "attaching dimension scale '" + std::string(spec.dims.at(0)) + "' to '" + path + "'");
        attributes(ds.get(), path, spec);
        return ds;
    }

    /// A 1-D variable along the dimension scale `scale` (named `scale_name`),
    /// stored as `file_type`, written from `values` (memory type `mem_type`).
    template <class T>
    Handle variable_1d(hid_t loc, const std::string& loc_path, const char* name, hid_t file_type, hid_t mem_type,
                       const std::vector<T>& values, hid_t scale, const char* scale_name) const {
        const std::string path = loc_path + "/" + name;
        const hsize_t n = values.size();
        Handle space = simple_space({n});
        Handle dcpl = compressed_1d_plist(n, path);
        Handle ds{check(H5Dcreate2(loc, name, file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                        "creating dataset '" + path + "'"),
                  H5Dclose};
        if (n > 0)
            check(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
                  "writing dataset '" + path + "'");
        check(H5DSattach_scale(ds.get(), scale, 0),
              "attaching dimension scale '" + std::string(scale_name) + "' to '" + path + "'");
        return ds;
    }

    /// The HDF5 file type of a numeric dataset dtype.
    hid_t file_type(Dtype d) const {
        switch (d) {
            case Dtype::int8: return H5T_STD_I8LE;
            case Dtype::uint8: return H5T_STD_U8LE;
            case Dtype::uint16: return H5T_STD_U16LE;
            case Dtype::int32: return H5T_STD_I32LE;
            case Dtype::uint32: return H5T_STD_U32LE;
            case Dtype::float32: return H5T_IEEE_F32LE;
            case Dtype::float64: return H5T_IEEE_F64LE;
            case Dtype::string: break;
        }
        throw InternalError("Writer::file_type: strings have no fixed file type");
    }

    /// The attributes the spec gives a dataset, in the order files have them:
    /// units, long_name, flag_values or flag_masks, flag_meanings, coordinates.
    void attributes(hid_t ds, const std::string& path, const DatasetSpec& spec) const {
        if (!spec.units.empty()) attr_string(ds, path, "units", std::string(spec.units));
        attr_string(ds, path, "long_name", std::string(spec.long_name));
        if (spec.flags != Flags::none) {
            // In the variable's own dtype; HDF5 converts the (small) ints exactly.
            attr_array(ds, path, spec.flags == Flags::values ? "flag_values" : "flag_masks", file_type(spec.dtype),
                       H5T_NATIVE_INT, spec.flag_values.data(), spec.flag_values.size());
            attr_string(ds, path, "flag_meanings", std::string(spec.flag_meanings));
        }
        if (!spec.coordinates.empty()) attr_string(ds, path, "coordinates", std::string(spec.coordinates));
    }

    /// A 1-D variable of `spec` along `scale` (its only dimension), written from `values`
    /// (HDF5 converts the memory type of T to the spec's file dtype), with the spec's attributes.
    template <class T>
    Handle variable_1d(hid_t loc, const std::string& loc_path, const DatasetSpec& spec, const std::vector<T>& values,
                       hid_t scale) const {
        const std::string name(spec.name);
        Handle ds = variable_1d(loc, loc_path, name.c_str(), file_type(spec.dtype), native_type<T>(), values, scale,
                                std::string(spec.dims.at(0)).c_str());
        attributes(ds.get(), loc_path + "/" + name, spec);
        return ds;
    }

    template <class T>
    static hid_t native_type() {
        if constexpr (std::is_same_v<T, std::int8_t>) return H5T_NATIVE_INT8;
        else if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_NATIVE_UINT8;
        else if constexpr (std::is_same_v<T, std::uint16_t>) return H5T_NATIVE_UINT16;
        else if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
        else if constexpr (std::is_same_v<T, std::uint32_t>) return H5T_NATIVE_UINT32;
        else if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
        else if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
        else if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_NATIVE_UINT64;
        else static_assert(!sizeof(T), "no native HDF5 type");
    }

private:
    fs::path out_;
};

/** File creation and access property lists of every file we write: creation
 *  order tracked, objects readable by HDF5 1.8 (and so by any netCDF-4 reader). */
inline Handle file_access_plist(const Writer& w) {
    Handle fapl = w.plist(H5P_FILE_ACCESS);
    // Objects readable by HDF5 1.8 (and so by any netCDF-4 reader), like netCDF-C writes.
    w.check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_EARLIEST, H5F_LIBVER_V18), "H5Pset_libver_bounds");
    w.check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "H5Pset_fclose_degree");
    return fapl;
}

/** File access in memory (the core driver, no backing store): HDF5 itself never writes to disk. A failed write
 *  to disk inside HDF5 (a full disk) leaves the file open in the library, which then crashes at exit; so the
 *  writers build the file in memory and write its image themselves (write_new_file). `image`, if given, is the
 *  file to start from (opened read-write), and must outlive the file. */
inline Handle in_memory_plist(const Writer& w, std::vector<char>* image = nullptr) {
    Handle fapl = file_access_plist(w);
    w.check(H5Pset_fapl_core(fapl.get(), std::size_t(16) << 20, 0), "H5Pset_fapl_core");
    if (image != nullptr && !image->empty())
        w.check(H5Pset_file_image(fapl.get(), image->data(), image->size()), "H5Pset_file_image");
    return fapl;
}

/** The bytes of an in-memory file, flushed first (the image is complete only after a flush). */
inline std::vector<char> file_image(const Writer& w, hid_t f) {
    w.check(H5Fflush(f, H5F_SCOPE_LOCAL), "flushing the file");
    const ssize_t n = w.check(H5Fget_file_image(f, nullptr, 0), "H5Fget_file_image");
    std::vector<char> bytes(static_cast<std::size_t>(n));
    w.check(H5Fget_file_image(f, bytes.data(), bytes.size()), "H5Fget_file_image");
    return bytes;
}

}  // namespace buurtsim::detail
