# Writes build_info.cpp at every build (not only at configure), so the git
# commit stored in each result file is the one the binary was built from.
set(BUURTSIM_BUILD_INFO ${CMAKE_BINARY_DIR}/generated/build_info.cpp)
add_custom_target(buurtsim_build_info_gen
  COMMAND ${CMAKE_COMMAND}
    -DOUT=${BUURTSIM_BUILD_INFO}
    -DSRC=${CMAKE_SOURCE_DIR}
    -DVERSION=${PROJECT_VERSION}
    -P ${CMAKE_SOURCE_DIR}/cmake/WriteBuildInfo.cmake
  BYPRODUCTS ${BUURTSIM_BUILD_INFO}
  COMMENT "Recording git commit")
