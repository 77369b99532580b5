# cmake -DBUILD_DIR=… -DWORK_DIR=… -DCONSUMER_DIR=… -DSCENARIO=… -DCXX=… -DGENERATOR=… -P check_install.cmake
# Installs the build tree into WORK_DIR/prefix, then builds and runs the consumer (a) with find_package(carereach)
# and (b) with pkg-config only. Any failing step fails the test with its output.

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "${what}:\n${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc})")
  endif()
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

run("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

# What must be there (docs/library.md).
foreach(f include/carereach/core/error.hpp include/carereach/core/version.hpp include/carereach/io/load.hpp
          include/carereach/analysis/travel.hpp include/carereach/report/table.hpp
          include/carereach/pipeline/run.hpp bin/carereach)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(GLOB_RECURSE config ${prefix}/*/carereachConfig.cmake)
file(GLOB_RECURSE version_file ${prefix}/*/carereachConfigVersion.cmake)
file(GLOB_RECURSE pc ${prefix}/*/carereach.pc)
file(GLOB_RECURSE libs ${prefix}/*/libcarereach_*.a)
list(LENGTH libs n_libs)
if(NOT config OR NOT version_file OR NOT pc OR NOT n_libs EQUAL 8)
  message(FATAL_ERROR "config: '${config}', version: '${version_file}', pkg-config: '${pc}', ${n_libs} libraries: ${libs}")
endif()

# (a) CMake: find_package(carereach).
run("configure the consumer (find_package)" ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/cmake-consumer
    -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix})
run("build the consumer (find_package)" ${CMAKE_COMMAND} --build ${WORK_DIR}/cmake-consumer)
run("run the consumer (find_package)" ${WORK_DIR}/cmake-consumer/consumer ${SCENARIO} tcm_15min)

# (b) pkg-config only: one compiler command.
get_filename_component(pc_dir ${pc} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} "${pc_dir}")
execute_process(COMMAND pkg-config --cflags --libs carereach RESULT_VARIABLE rc OUTPUT_VARIABLE flags
                ERROR_VARIABLE err OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config carereach failed: ${err}")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
# The first include folder is carereach's own, found from the file's place (${pcfiledir}): the installed one.
list(GET flags 0 first)
string(REGEX REPLACE "^-I" "" first "${first}")
file(REAL_PATH "${first}" first)
file(REAL_PATH "${prefix}/include/carereach" expected)
if(NOT first STREQUAL expected)
  message(FATAL_ERROR "pkg-config --cflags does not point into the installed prefix: ${flags}")
endif()
run("build the consumer (pkg-config)" ${CXX} -std=c++20 -O1 ${CONSUMER_DIR}/main.cpp -o ${WORK_DIR}/pc-consumer ${flags})
run("run the consumer (pkg-config)" ${WORK_DIR}/pc-consumer ${SCENARIO} tcm_15min)

# The QGIS plugin, as a folder and as a zip (docs/qgis.md).
foreach(f share/carereach/qgis/carereach_processing/metadata.txt share/carereach/qgis/carereach_processing/__init__.py
          share/carereach/qgis/carereach_processing/runner.py share/carereach/qgis/carereach_processing.zip)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
