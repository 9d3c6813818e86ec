# Sanitizer and fuzzer builds (scripts/test --sanitize; README "Testing").
#
# BUURTSIM_SANITIZE: a -fsanitize= list for every target of this build,
#   e.g. "address,undefined" or "thread"; empty (the default) for none.
#   UBSan findings are made fatal (-fno-sanitize-recover), so a test that
#   triggers undefined behaviour fails instead of printing and passing.
# BUURTSIM_FUZZ: build the libFuzzer target tests/fuzz (needs clang); the
#   scenario parser library is then also compiled with coverage feedback.
set(BUURTSIM_SANITIZE "" CACHE STRING "Sanitizers for every target (-fsanitize= list), e.g. address,undefined or thread")
option(BUURTSIM_FUZZ "Build the libFuzzer target for the scenario parser (clang only)" OFF)
if(BUURTSIM_FUZZ AND NOT BUURTSIM_SANITIZE)
  # A fuzzer without ASan and UBSan finds only crashes, not the bugs behind them.
  set(BUURTSIM_SANITIZE "address,undefined" CACHE STRING "" FORCE)
endif()

if(BUURTSIM_SANITIZE)
  # -g1: line tables, enough for file:line in every report; full -g made the
  # instrumented parameter table compile four times slower.
  add_compile_options(-fsanitize=${BUURTSIM_SANITIZE} -fno-omit-frame-pointer -g1)
  add_link_options(-fsanitize=${BUURTSIM_SANITIZE})
  if(BUURTSIM_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
endif()

if(BUURTSIM_FUZZ AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "BUURTSIM_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
endif()

# TSan: libtbb is not instrumented; tests/sanitizers/tsan_tbb.cpp sits between
# our code and its entry points (ld --wrap) and tells TSan about the
# happens-before edges TBB guarantees. Every target of the build links it.
if(BUURTSIM_SANITIZE MATCHES "thread")
  set(tbb_entry_points
    _ZN3tbb6detail2r15spawnERNS0_2d14taskERNS2_18task_group_contextE
    _ZN3tbb6detail2r15spawnERNS0_2d14taskERNS2_18task_group_contextEt
    _ZN3tbb6detail2r115call_itt_notifyEiPv
    _ZN3tbb6detail2r116execute_and_waitERNS0_2d14taskERNS2_18task_group_contextERNS2_12wait_contextES6_
    _ZN3tbb6detail2r14waitERNS0_2d112wait_contextERNS2_18task_group_contextE
    _ZN3tbb6detail2r18allocateERPNS0_2d117small_object_poolEm
    _ZN3tbb6detail2r18allocateERPNS0_2d117small_object_poolEmRKNS2_14execution_dataE
    _ZN3tbb6detail2r110deallocateERNS0_2d117small_object_poolEPvm
    _ZN3tbb6detail2r110deallocateERNS0_2d117small_object_poolEPvmRKNS2_14execution_dataE)
  foreach(sym ${tbb_entry_points})
    add_link_options(-Wl,--wrap=${sym})
  endforeach()
  # The headers then announce wait_context releases and acquires (the join).
  add_compile_definitions(TBB_USE_PROFILING_TOOLS=2)
  add_library(buurtsim_tsan_tbb SHARED ${CMAKE_CURRENT_SOURCE_DIR}/tests/sanitizers/tsan_tbb.cpp)
  target_link_libraries(buurtsim_tsan_tbb PRIVATE TBB::tbb)
  link_libraries(buurtsim_tsan_tbb)
  # scripts/sanitize runs it: a race between two loop bodies must be reported.
  add_executable(tsan_canary ${CMAKE_CURRENT_SOURCE_DIR}/tests/sanitizers/tsan_canary.cpp)
  target_link_libraries(tsan_canary PRIVATE TBB::tbb)
endif()
