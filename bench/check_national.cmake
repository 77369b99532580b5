# The national benchmark generator on a small subset (PROVINCES, e.g. 31 上海): generated twice into WORK_DIR/a and
# WORK_DIR/b, every file must have the same bytes in both; `carereach validate` must accept the scenario without
# errors or warnings; and each county's population in county_population.csv (the totals the scenario spreads)
# must equal POPU of the census table DATA/population.csv, read here on its own, with every county of the subset
# that has a census figure present.
# Usage: cmake -DGENERATOR=<carereach-make-national> -DCAREREACH=<carereach> -DDATA=<geodata/china-national>
#              -DPROVINCES=31 -DWORK_DIR=<folder> -P check_national.cmake
foreach(var GENERATOR CAREREACH DATA PROVINCES WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "usage: cmake -DGENERATOR=... -DCAREREACH=... -DDATA=... -DPROVINCES=... -DWORK_DIR=... -P check_national.cmake")
  endif()
endforeach()
cmake_policy(SET CMP0057 NEW)
file(REMOVE_RECURSE ${WORK_DIR})
foreach(run a b)
  execute_process(COMMAND ${GENERATOR} --provinces ${PROVINCES} --seed 3 --data ${DATA} --out ${WORK_DIR}/${run}
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "carereach-make-national failed (${rc}): ${err}")
  endif()
endforeach()

# Same bytes.
file(GLOB files RELATIVE ${WORK_DIR}/a ${WORK_DIR}/a/*)
list(LENGTH files count)
if(count LESS 9)
  message(FATAL_ERROR "expected 9 files in ${WORK_DIR}/a, found ${count}: ${files}")
endif()
foreach(f IN LISTS files)
  file(SHA256 ${WORK_DIR}/a/${f} hash_a)
  file(SHA256 ${WORK_DIR}/b/${f} hash_b)
  if(NOT hash_a STREQUAL hash_b)
    message(FATAL_ERROR "${f} differs between two runs with the same arguments")
  endif()
endforeach()

# carereach validate: exit 0, no warnings.
execute_process(COMMAND ${CAREREACH} validate ${WORK_DIR}/a/scenario.toml
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "carereach validate failed (${rc}):\n${out}\n${err}")
endif()
if(NOT "${out}${err}" MATCHES "0 error\\(s\\), 0 warning\\(s\\)")
  message(FATAL_ERROR "carereach validate reported problems:\n${out}\n${err}")
endif()

# The census: CODE,NAME,POPU,… with a byte-order mark; rows of the subset's provinces with a figure.
file(STRINGS ${DATA}/population.csv census_lines ENCODING UTF-8)
string(REPLACE "," ";" wanted_provinces "${PROVINCES}")
set(expected "")
foreach(line IN LISTS census_lines)
  string(REGEX MATCH "^[^0-9,]*([0-9][0-9])([0-9][0-9][0-9][0-9]),[^,]*,([0-9]*)," m "${line}")
  if(NOT m)
    continue()
  endif()
  set(province ${CMAKE_MATCH_1})
  set(code ${CMAKE_MATCH_1}${CMAKE_MATCH_2})
  set(persons ${CMAKE_MATCH_3})
  if(province IN_LIST wanted_provinces AND NOT persons STREQUAL "")
    list(APPEND expected "${code}=${persons}")
  endif()
endforeach()
list(LENGTH expected expected_count)
if(expected_count EQUAL 0)
  message(FATAL_ERROR "no census row of provinces ${PROVINCES} in ${DATA}/population.csv")
endif()

# The generated totals: code,name,population.
file(STRINGS ${WORK_DIR}/a/county_population.csv generated_lines ENCODING UTF-8)
set(generated "")
foreach(line IN LISTS generated_lines)
  if(line MATCHES "^([0-9]+),[^,]*,([0-9]+)$")
    list(APPEND generated "${CMAKE_MATCH_1}=${CMAKE_MATCH_2}")
  elseif(NOT line STREQUAL "code,name,population")
    message(FATAL_ERROR "county_population.csv: unexpected line '${line}'")
  endif()
endforeach()
list(SORT expected)
list(SORT generated)
if(NOT expected STREQUAL generated)
  message(FATAL_ERROR "county totals differ from the census:\n census:    ${expected}\n generated: ${generated}")
endif()
message(STATUS "${count} files, identical bytes in both runs; validate: no problems; ${expected_count} county totals equal the census")
