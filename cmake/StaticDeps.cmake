# Link the small libraries the edge agent needs from their static archives (see
# docs/adr/0008-edge-memory.md). A static archive contributes only the objects the program uses,
# and only the pages it touches become resident; a shared library's relocated data and the
# kernel's fault-around pages count in full, which cost the agent several MiB of RSS.
#
# Each imported target keeps its name, so modules link SQLite::SQLite3, yaml-cpp,
# LibArchive::LibArchive and PkgConfig::SODIUM as before; this file only points them at the
# archives Debian's -dev packages ship, with the system libraries those archives need.

function(el_use_static_archive target archive)
  find_library(EL_STATIC_${archive} NAMES ${archive} NO_CACHE)
  if(NOT EL_STATIC_${archive})
    message(FATAL_ERROR "${archive} not found: scripts/install-deps.sh installs the -dev package "
                        "that ships it")
  endif()
  set_target_properties(${target} PROPERTIES
      IMPORTED_LOCATION "${EL_STATIC_${archive}}"
      IMPORTED_LOCATION_NONE "${EL_STATIC_${archive}}"
      IMPORTED_LOCATION_RELEASE "${EL_STATIC_${archive}}"
      IMPORTED_LOCATION_RELWITHDEBINFO "${EL_STATIC_${archive}}")
  set_property(TARGET ${target} APPEND PROPERTY INTERFACE_LINK_LIBRARIES ${ARGN})
endfunction()

el_use_static_archive(SQLite::SQLite3 libsqlite3.a m ${CMAKE_DL_LIBS} Threads::Threads)
el_use_static_archive(yaml-cpp libyaml-cpp.a)
# libarchive: its writer reaches for every codec and format the library was built with, so
# binaries that write bundles link the shared library. A binary that only reads bundles (the
# agent) sets the target property EL_READ_ONLY_ARCHIVE and gets the static archive, whose tar
# reader needs nothing else. Modules link el_libarchive.
find_library(EL_STATIC_libarchive.a NAMES libarchive.a NO_CACHE REQUIRED)
add_library(el_libarchive INTERFACE)
target_link_libraries(el_libarchive INTERFACE
    "$<IF:$<BOOL:$<TARGET_PROPERTY:EL_READ_ONLY_ARCHIVE>>,${EL_STATIC_libarchive.a},LibArchive::LibArchive>")

# pkg-config's imported target lists the shared library by path; replace it.
find_library(EL_STATIC_libsodium.a NAMES libsodium.a NO_CACHE REQUIRED)
set_property(TARGET PkgConfig::SODIUM PROPERTY INTERFACE_LINK_LIBRARIES
             "${EL_STATIC_libsodium.a}" Threads::Threads)
