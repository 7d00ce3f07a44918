# Installation: headers, libraries, CMake package (cbapiConfig.cmake, version file, exported targets), pkg-config
# files, the simulator program and the example programs; and the Debian package through CPack.
include(CMakePackageConfigHelpers)

set(CBAPI_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/cbapi")
# The pkg-config files name their prefix relative to their own directory, so an installed tree can be moved.
file(RELATIVE_PATH CBAPI_PC_TO_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
string(REGEX REPLACE "/$" "" CBAPI_PC_TO_PREFIX "${CBAPI_PC_TO_PREFIX}")

# Components (also the Debian packages): `dev` is the SDK (headers, libcbapi.a, the CMake package and cbapi.pc), needing
# only the core's dependencies; `testing` is the simulator (cbapi::testing, cbapi-testing.pc, cbapi-mock-server), which
# adds cpp-httplib and OpenSSL; `events` is the event side (cbapi::events: the event bus and the Event Forwarder
# sources), which adds rabbitmq-c, protobuf, pugixml, cpp-httplib, OpenSSL and zlib; `programs` are the example programs.
install(DIRECTORY include/cbapi DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT dev
        FILES_MATCHING PATTERN "*.hpp" PATTERN "testing" EXCLUDE
        # the events component's headers (cbapi/events/ and cbapi/events.hpp, not cbapi/response/events.hpp)
        REGEX "include/cbapi/events(\\.hpp)?$" EXCLUDE)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/generated/include/cbapi/version.hpp"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/cbapi" COMPONENT dev)

install(TARGETS cbapi EXPORT cbapiTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT dev
        LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT dev
        RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT dev)
install(EXPORT cbapiTargets NAMESPACE cbapi:: DESTINATION "${CBAPI_CMAKE_DIR}" COMPONENT dev)

if(TARGET cbapi_testing)
  install(DIRECTORY include/cbapi/testing DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/cbapi" COMPONENT testing
          FILES_MATCHING PATTERN "*.hpp")
  install(TARGETS cbapi_testing EXPORT cbapiTestingTargets
          ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT testing
          LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT testing
          RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT testing)
  install(EXPORT cbapiTestingTargets NAMESPACE cbapi:: DESTINATION "${CBAPI_CMAKE_DIR}" COMPONENT testing)
  install(TARGETS cbapi-mock-server RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT testing)
  # With the event side, the simulator's event bus (src/testing/simulated_event_bus.cpp) links the static
  # cbapi_events and its dependencies.
  set(CBAPI_TESTING_PC_REQUIRES "")
  set(CBAPI_TESTING_PC_LIBS "")
  if(TARGET cbapi_events)
    set(CBAPI_TESTING_PC_REQUIRES " librabbitmq protobuf pugixml zlib")
    set(CBAPI_TESTING_PC_LIBS " -lcbapi_events")
  endif()
  configure_file(cmake/cbapi-testing.pc.in "${CMAKE_CURRENT_BINARY_DIR}/cbapi-testing.pc" @ONLY)
  install(FILES "${CMAKE_CURRENT_BINARY_DIR}/cbapi-testing.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
          COMPONENT testing)
endif()

if(TARGET cbapi_events)
  install(DIRECTORY include/cbapi/events DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/cbapi" COMPONENT events
          FILES_MATCHING PATTERN "*.hpp")
  if(EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/include/cbapi/events.hpp")
    install(FILES include/cbapi/events.hpp DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/cbapi" COMPONENT events)
  endif()
  install(TARGETS cbapi_events EXPORT cbapiEventsTargets
          ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT events
          LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT events
          RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT events)
  install(EXPORT cbapiEventsTargets NAMESPACE cbapi:: DESTINATION "${CBAPI_CMAKE_DIR}" COMPONENT events)
endif()

configure_package_config_file(cmake/cbapiConfig.cmake.in "${CMAKE_CURRENT_BINARY_DIR}/cbapiConfig.cmake"
                              INSTALL_DESTINATION "${CBAPI_CMAKE_DIR}")
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/cbapiConfigVersion.cmake"
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/cbapiConfig.cmake" "${CMAKE_CURRENT_BINARY_DIR}/cbapiConfigVersion.cmake"
        DESTINATION "${CBAPI_CMAKE_DIR}" COMPONENT dev)

configure_file(cmake/cbapi.pc.in "${CMAKE_CURRENT_BINARY_DIR}/cbapi.pc" @ONLY)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/cbapi.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig" COMPONENT dev)

install(FILES README.md CHANGELOG.md DESTINATION "${CMAKE_INSTALL_DOCDIR}" COMPONENT dev)
install(DIRECTORY docs/ DESTINATION "${CMAKE_INSTALL_DOCDIR}" COMPONENT dev FILES_MATCHING PATTERN "*.md")

# --- Debian packages: cpack -G DEB --------------------------------------------------------------------------------
# One package per component: cbapi-cpp (the SDK: `dev`), cbapi-cpp-testing (the simulator) and cbapi-cpp-programs
# (the example programs), so that installing the SDK does not pull in the simulator's dependencies.
set(CPACK_PACKAGE_NAME "cbapi-cpp")
set(CPACK_PACKAGE_VENDOR "cbapi-cpp")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "cbapi-cpp maintainers <maintainers@cbapi-cpp.invalid>")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "cbapi")
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL dev)
if(TARGET cbapi_testing)
  list(APPEND CPACK_COMPONENTS_ALL testing)
endif()
if(TARGET cbapi_events)
  list(APPEND CPACK_COMPONENTS_ALL events)
endif()
if(CBAPI_BUILD_EXAMPLES)
  list(APPEND CPACK_COMPONENTS_ALL programs)
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "libdevel")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
# The static libraries and headers need the dependencies' development packages.
set(CPACK_DEBIAN_DEV_PACKAGE_NAME "cbapi-cpp")
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libcurl4-openssl-dev, nlohmann-json3-dev (>= 3.9), libfmt-dev, libspdlog-dev")
set(CPACK_DEBIAN_TESTING_PACKAGE_NAME "cbapi-cpp-testing")
set(CPACK_DEBIAN_TESTING_PACKAGE_DEPENDS "cbapi-cpp (= ${PROJECT_VERSION}), libcpp-httplib-dev, libssl-dev")
set(CPACK_DEBIAN_EVENTS_PACKAGE_NAME "cbapi-cpp-events")
set(CPACK_DEBIAN_EVENTS_PACKAGE_DEPENDS
    "cbapi-cpp (= ${PROJECT_VERSION}), librabbitmq-dev, libprotobuf-dev, libpugixml-dev, libcpp-httplib-dev, libssl-dev, zlib1g-dev")
set(CPACK_DEBIAN_PROGRAMS_PACKAGE_NAME "cbapi-cpp-programs")
set(CPACK_DEBIAN_PROGRAMS_PACKAGE_SECTION "utils")
# The examples link the SDK statically; their shared libraries come with the SDK's dependencies.
set(CPACK_DEBIAN_PROGRAMS_PACKAGE_DEPENDS "cbapi-cpp (= ${PROJECT_VERSION})")
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
include(CPack)
cpack_add_component(dev DISPLAY_NAME "cbapi SDK" DESCRIPTION "Headers, libcbapi, CMake package and cbapi.pc")
set(CBAPI_TESTING_COMPONENT_DEPENDS dev)
if(TARGET cbapi_events)
  list(APPEND CBAPI_TESTING_COMPONENT_DEPENDS events)  # the simulator's event bus links cbapi::events
endif()
cpack_add_component(testing DISPLAY_NAME "cbapi simulator" DEPENDS ${CBAPI_TESTING_COMPONENT_DEPENDS}
                    DESCRIPTION "cbapi::testing (MockServer and simulators), cbapi-testing.pc, cbapi-mock-server")
cpack_add_component(events DISPLAY_NAME "cbapi event side" DEPENDS dev
                    DESCRIPTION "cbapi::events: the Cb Response event bus and the Event Forwarder's outputs")
cpack_add_component(programs DISPLAY_NAME "cbapi example programs" DEPENDS dev)
