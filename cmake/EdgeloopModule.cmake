# el_module(): one static library per src/<module>, with the dependency direction of
# ARCHITECTURE.md enforced at configure time, both on the link line and on the #include lines.
#
#   el_module(features DEPS base LIBS kissfft::kissfft)
#   el_module(net DEPS base EXCLUDE "/httplib_[a-z]+\\.cc$")   # those files go to another target
#
# Sources are every *.cc in the module folder (and internal/) except *_test.cc; tests are every
# *_test.cc, built into one executable el_<module>_tests and registered with CTest.

# The tier of each module: a module may depend only on modules of a lower tier.
set(EL_TIER_base 0)
foreach(m features models drift api net io)
  set(EL_TIER_${m} 1)
endforeach()
foreach(m training bundle sim)
  set(EL_TIER_${m} 2)
endforeach()
foreach(m store registry rollout pipeline)
  set(EL_TIER_${m} 3)
endforeach()
foreach(m agent server)
  set(EL_TIER_${m} 4)
endforeach()

# Within tier 3 the order is store <- registry <- rollout <- pipeline.
set(EL_ALLOWED_SAME_TIER_registry store)
set(EL_ALLOWED_SAME_TIER_rollout store registry)
set(EL_ALLOWED_SAME_TIER_pipeline store registry rollout)

# The edge agent's whole link closure is fixed (it never links training, registry, rollout or
# server code): configure fails when a dependency would pull anything else in.
set(EL_ALLOWED_CLOSURE_agent agent base features models drift bundle api net io)

function(el_module name)
  cmake_parse_arguments(EL "" "EXCLUDE" "DEPS;LIBS;TEST_LIBS" ${ARGN})
  if(NOT DEFINED EL_TIER_${name})
    message(FATAL_ERROR "module '${name}' is not in the dependency map of cmake/EdgeloopModule.cmake")
  endif()

  # Link-level direction.
  set(closure ${name})
  foreach(dep ${EL_DEPS})
    set(ok FALSE)
    if(EL_TIER_${dep} LESS EL_TIER_${name})
      set(ok TRUE)
    elseif(dep IN_LIST EL_ALLOWED_SAME_TIER_${name})
      set(ok TRUE)
    endif()
    if(NOT ok)
      message(FATAL_ERROR "module '${name}' may not depend on '${dep}' (see ARCHITECTURE.md)")
    endif()
    get_property(dep_closure GLOBAL PROPERTY EL_CLOSURE_${dep})
    list(APPEND closure ${dep} ${dep_closure})
  endforeach()
  list(REMOVE_DUPLICATES closure)
  if(DEFINED EL_ALLOWED_CLOSURE_${name})
    foreach(m ${closure})
      if(NOT m IN_LIST EL_ALLOWED_CLOSURE_${name})
        message(FATAL_ERROR "module '${name}' may not link '${m}': its closure is limited to "
                            "${EL_ALLOWED_CLOSURE_${name}} (see ARCHITECTURE.md)")
      endif()
    endforeach()
  endif()
  set_property(GLOBAL PROPERTY EL_CLOSURE_${name} ${closure})

  file(GLOB srcs CONFIGURE_DEPENDS
       ${CMAKE_CURRENT_SOURCE_DIR}/*.cc ${CMAKE_CURRENT_SOURCE_DIR}/internal/*.cc)
  file(GLOB hdrs CONFIGURE_DEPENDS
       ${CMAKE_CURRENT_SOURCE_DIR}/*.h ${CMAKE_CURRENT_SOURCE_DIR}/internal/*.h)
  set(tests ${srcs})
  list(FILTER srcs EXCLUDE REGEX "_test\\.cc$")
  if(EL_EXCLUDE)
    # Sources built into a separate target by the module's CMakeLists (e.g. an adapter over a
    # library the edge does not link).
    list(FILTER srcs EXCLUDE REGEX "${EL_EXCLUDE}")
  endif()
  list(FILTER tests INCLUDE REGEX "_test\\.cc$")

  # Include-level direction: a module's files include only its own and its dependencies' headers.
  foreach(f ${srcs} ${hdrs} ${tests})
    file(STRINGS ${f} includes REGEX "^#include \"[a-z_]+/")
    foreach(line ${includes})
      string(REGEX REPLACE "^#include \"([a-z_]+)/.*" "\\1" target_module "${line}")
      if(DEFINED EL_TIER_${target_module} AND NOT target_module IN_LIST closure)
        message(FATAL_ERROR "${f} includes '${target_module}/', which module '${name}' may not depend on")
      endif()
    endforeach()
  endforeach()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${srcs} ${hdrs} ${tests})

  if(NOT srcs AND NOT EL_EXTRA_SOURCES)
    # A module whose first file has not landed yet still gives a (empty) library.
    file(WRITE ${PROJECT_BINARY_DIR}/generated/empty_${name}.cc "// module ${name} has no sources yet\n")
    set(srcs ${PROJECT_BINARY_DIR}/generated/empty_${name}.cc)
  endif()
  add_library(el_${name} STATIC ${srcs} ${EL_EXTRA_SOURCES})
  target_include_directories(el_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(el_${name} PUBLIC ${EL_LIBS})
  foreach(dep ${EL_DEPS})
    target_link_libraries(el_${name} PUBLIC el_${dep})
  endforeach()

  if(tests AND EDGELOOP_BUILD_TESTS)
    add_executable(el_${name}_tests ${tests})
    target_link_libraries(el_${name}_tests PRIVATE el_${name} ${EL_TEST_LIBS}
                          GTest::gtest GTest::gmock GTest::gtest_main)
    target_compile_definitions(el_${name}_tests PRIVATE
        EDGELOOP_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        EDGELOOP_BINARY_DIR="${PROJECT_BINARY_DIR}")
    gtest_discover_tests(el_${name}_tests
        DISCOVERY_MODE PRE_TEST
        WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
        PROPERTIES LABELS "unit;${name}")
  endif()
endfunction()
