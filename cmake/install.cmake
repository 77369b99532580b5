# What `cmake --install` puts under the prefix (docs/library.md):
#   include/carereach/<layer>/*.hpp   the public headers of every library layer (and the generated core/version.hpp)
#   lib/libcarereach_<layer>.a        the static libraries
#   bin/carereach                     the command-line tool
#   lib/cmake/carereach/              carereachConfig.cmake, its version file and the exported targets carereach::<layer>
#   lib/pkgconfig/carereach.pc        for builds without CMake
include(CMakePackageConfigHelpers)

set(CAREREACH_LAYERS core geo io network raster analysis report pipeline)
set(CAREREACH_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/carereach)

foreach(layer IN LISTS CAREREACH_LAYERS)
  set_target_properties(carereach_${layer} PROPERTIES EXPORT_NAME ${layer})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/src/${layer}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/carereach/${layer}
          FILES_MATCHING PATTERN "*.hpp")
endforeach()
install(FILES ${PROJECT_BINARY_DIR}/generated/core/version.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/carereach/core)

# Every library links the INTERFACE target carereach_warnings privately; CMake records a static library's private
# links as link-only dependencies of its users, so the target is exported too (as carereach::build_flags). Only its
# link options reach a user: none in a normal build, -fsanitize=… in a CAREREACH_SANITIZE build, whose libraries
# cannot be linked without the sanitizer runtimes.
set_target_properties(carereach_warnings PROPERTIES EXPORT_NAME build_flags)
list(TRANSFORM CAREREACH_LAYERS PREPEND carereach_ OUTPUT_VARIABLE CAREREACH_LIBRARY_TARGETS)
install(TARGETS ${CAREREACH_LIBRARY_TARGETS} carereach_warnings EXPORT carereachTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/carereach)
install(EXPORT carereachTargets NAMESPACE carereach:: DESTINATION ${CAREREACH_INSTALL_CMAKEDIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/carereachConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/carereachConfig.cmake
                              INSTALL_DESTINATION ${CAREREACH_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/carereachConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/carereachConfig.cmake ${PROJECT_BINARY_DIR}/carereachConfigVersion.cmake
        DESTINATION ${CAREREACH_INSTALL_CMAKEDIR})

# carereach.pc: the libraries in link order (users before what they use) and every dependency the static
# libraries need, by its own pkg-config name where Debian ships one.
set(CAREREACH_PC_EXTRA_LIBS "-lbz2 -pthread")
# The exact siting solver, when built with it: its pkg-config modules join the required ones.
set(CAREREACH_PC_EXTRA_REQUIRES "")
if(CAREREACH_WITH_CBC)
  set(CAREREACH_PC_EXTRA_REQUIRES " cbc osi-clp")
endif()
if(CAREREACH_SANITIZE OR CAREREACH_FUZZ)
  string(PREPEND CAREREACH_PC_EXTRA_LIBS "-fsanitize=address,undefined ")
endif()
# The prefix is found from the file's own place (${pcfiledir}), so that an installed tree can be moved, and
# `cmake --install --prefix DIR` gives a file that points into DIR.
file(RELATIVE_PATH CAREREACH_PC_UP /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
set(CAREREACH_PC_PREFIX "\${pcfiledir}/${CAREREACH_PC_UP}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/carereach.pc.in ${PROJECT_BINARY_DIR}/carereach.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/carereach.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
