// ThreadSanitizer builds only (cmake/Sanitizers.cmake, scripts/sanitize):
// tell TSan about the synchronisation inside Debian's libtbb.
//
// libtbb is not built with TSan, so TSan cannot see the atomics with which TBB
// hands a spawned task to the thread that steals it, joins a parallel loop, or
// recycles task memory between threads; without help every tbb::parallel_for
// looks like a race (hundreds of false reports on a small run). The linker's
// --wrap puts these functions between our code and libtbb's entry points, and
// each adds exactly the happens-before edge TBB guarantees, no more:
//
//   spawn(t)              the spawner's past happens before t runs, on whichever
//                         thread: t is wrapped in a proxy task that does
//                         __tsan_acquire(proxy) before running t;
//   call_itt_notify       with TBB_USE_PROFILING_TOOLS=2 the headers announce
//                         wait_context releases (a finished task) and acquires
//                         (the waiter returned): that is the join edge;
//   execute_and_wait,     and the waiter also acquires the wait_context's
//   wait                  reference count itself, whose last decrement (an
//                         atomic write after the announcement) the waiter
//                         observed inside libtbb before returning, or before
//                         rethrowing the exception of a cancelled loop (TBB
//                         waits for the bodies still running then too);
//   deallocate/allocate   memory one thread returns to TBB's small-object pool
//                         and another thread gets back.
//
// Edges between two tasks of one loop are not added, so a data race between
// two bodies of a parallel_for is still reported.
#include <oneapi/tbb/detail/_small_object_pool.h>
#include <oneapi/tbb/detail/_task.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

extern "C" {
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);
}

namespace d1 = tbb::detail::d1;

// The real entry points (libtbb), as the linker's --wrap names them.
extern "C" {
void __real__ZN3tbb6detail2r15spawnERNS0_2d14taskERNS2_18task_group_contextE(d1::task&, d1::task_group_context&);
void __real__ZN3tbb6detail2r15spawnERNS0_2d14taskERNS2_18task_group_contextEt(d1::task&, d1::task_group_context&,
                                                                                 d1::slot_id);
void __real__ZN3tbb6detail2r115call_itt_notifyEiPv(int, void*);
void __real__ZN3tbb6detail2r116execute_and_waitERNS0_2d14taskERNS2_18task_group_contextERNS2_12wait_contextES6_(
    d1::task&, d1::task_group_context&, d1::wait_context&, d1::task_group_context&);
void __real__ZN3tbb6detail2r14waitERNS0_2d112wait_contextERNS2_18task_group_contextE(d1::wait_context&,
                                                                                       d1::task_group_context&);
void* __real__ZN3tbb6detail2r18allocateERPNS0_2d117small_object_poolEm(d1::small_object_pool*&, std::size_t);
void* __real__ZN3tbb6detail2r18allocateERPNS0_2d117small_object_poolEmRKNS2_14execution_dataE(
    d1::small_object_pool*&, std::size_t, const d1::execution_data&);
void __real__ZN3tbb6detail2r110deallocateERNS0_2d117small_object_poolEPvm(d1::small_object_pool&, void*, std::size_t);
void __real__ZN3tbb6detail2r110deallocateERNS0_2d117small_object_poolEPvmRKNS2_14execution_dataE(
    d1::small_object_pool&, void*, std::size_t, const d1::execution_data&);
}

namespace {

// Runs the spawned task after acquiring what its spawner released. Allocated
// with new (TSan sees malloc and free) and freed by the thread that runs it:
// once the real task has returned, not before, because a task whose execute()
// throws (a loop body's exception) gets cancel() called on it next, on the
// same object (oneTBB's task_dispatcher: the catch in its dispatch loop), and
// that call frees it.
class Proxy final : public d1::task {
public:
    explicit Proxy(d1::task& real) : real_(real) {}
    d1::task* execute(d1::execution_data& ed) override {
        __tsan_acquire(this);
        d1::task* next = real_.execute(ed);
        delete this;
        return next;
    }
    d1::task* cancel(d1::execution_data& ed) override {
        __tsan_acquire(this);
        d1::task& real = real_;
        delete this;
        return real.cancel(ed);
    }

private:
    d1::task& real_;
};

Proxy& proxy_for(d1::task& t) {
    Proxy* p = new Proxy(t);
    __tsan_release(p);
    return *p;
}

// d1::wait_context is { uint64_t m_version_and_traits; atomic<uint64_t> m_ref_count; }
// (oneapi/tbb/detail/_task.h); its count is private, so its place is taken from this copy.
struct WaitContextLayout {
    std::uint64_t version_and_traits;
    std::atomic<std::uint64_t> ref_count;
};
static_assert(sizeof(WaitContextLayout) == sizeof(d1::wait_context), "oneTBB's wait_context changed");

void acquire_count(d1::wait_context& w) {
    __tsan_acquire(reinterpret_cast<char*>(&w) + offsetof(WaitContextLayout, ref_count));
}

// On return and on the exception a cancelled loop rethrows alike.
class AcquireCountOnExit {
public:
    explicit AcquireCountOnExit(d1::wait_context& w) : w_(w) {}
    AcquireCountOnExit(const AcquireCountOnExit&) = delete;
    AcquireCountOnExit& operator=(const AcquireCountOnExit&) = delete;
    ~AcquireCountOnExit() { acquire_count(w_); }

private:
    d1::wait_context& w_;
};

}  // namespace

extern "C" {

void __wrap__ZN3tbb6detail2r116execute_and_waitERNS0_2d14taskERNS2_18task_group_contextERNS2_12wait_contextES6_(
    d1::task& t, d1::task_group_context& t_ctx, d1::wait_context& w, d1::task_group_context& w_ctx) {
    const AcquireCountOnExit join(w);
    __real__ZN3tbb6detail2r116execute_and_waitERNS0_2d14taskERNS2_18task_group_contextERNS2_12wait_contextES6_(t, t_ctx, w,
                                                                                                             w_ctx);
}

void __wrap__ZN3tbb6detail2r14waitERNS0_2d112wait_contextERNS2_18task_group_contextE(d1::wait_context& w,
                                                                                       d1::task_group_context& c) {
    const AcquireCountOnExit join(w);
    __real__ZN3tbb6detail2r14waitERNS0_2d112wait_contextERNS2_18task_group_contextE(w, c);
}

void __wrap__ZN3tbb6detail2r15spawnERNS0_2d14taskERNS2_18task_group_contextE(d1::task& t, d1::task_group_context& c) {
    __real__ZN3tbb6detail2r15spawnERNS0_2d14taskERNS2_18task_group_contextE(proxy_for(t), c);
}

void __wrap__ZN3tbb6detail2r15spawnERNS0_2d14taskERNS2_18task_group_contextEt(d1::task& t, d1::task_group_context& c,
                                                                                 d1::slot_id id) {
    __real__ZN3tbb6detail2r15spawnERNS0_2d14taskERNS2_18task_group_contextEt(proxy_for(t), c, id);
}

// notify_type (tbb/profiling.h): 2 acquired, 3 releasing.
void __wrap__ZN3tbb6detail2r115call_itt_notifyEiPv(int type, void* addr) {
    if (type == 3) __tsan_release(addr);
    __real__ZN3tbb6detail2r115call_itt_notifyEiPv(type, addr);
    if (type == 2) __tsan_acquire(addr);
}

void* __wrap__ZN3tbb6detail2r18allocateERPNS0_2d117small_object_poolEm(d1::small_object_pool*& pool, std::size_t n) {
    void* p = __real__ZN3tbb6detail2r18allocateERPNS0_2d117small_object_poolEm(pool, n);
    __tsan_acquire(p);
    return p;
}

void* __wrap__ZN3tbb6detail2r18allocateERPNS0_2d117small_object_poolEmRKNS2_14execution_dataE(
    d1::small_object_pool*& pool, std::size_t n, const d1::execution_data& ed) {
    void* p = __real__ZN3tbb6detail2r18allocateERPNS0_2d117small_object_poolEmRKNS2_14execution_dataE(pool, n, ed);
    __tsan_acquire(p);
    return p;
}

void __wrap__ZN3tbb6detail2r110deallocateERNS0_2d117small_object_poolEPvm(d1::small_object_pool& pool, void* p,
                                                                            std::size_t n) {
    __tsan_release(p);
    __real__ZN3tbb6detail2r110deallocateERNS0_2d117small_object_poolEPvm(pool, p, n);
}

void __wrap__ZN3tbb6detail2r110deallocateERNS0_2d117small_object_poolEPvmRKNS2_14execution_dataE(
    d1::small_object_pool& pool, void* p, std::size_t n, const d1::execution_data& ed) {
    __tsan_release(p);
    __real__ZN3tbb6detail2r110deallocateERNS0_2d117small_object_poolEPvmRKNS2_14execution_dataE(pool, p, n, ed);
}

}  // extern "C"
