// docs/api.md stays true: every route the server registers has a section there, headed
// "### `METHOD PATTERN`" and followed by a "Role:" line naming the route's access, and every
// such section names a route the server has.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "server/rest_router.h"
#include "server/testing/test_server.h"

namespace edgeloop::server {
namespace {

std::string ReadDoc() {
  std::ifstream in(std::string(EDGELOOP_SOURCE_DIR) + "/docs/api.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// "### `GET /api/v1/models`" -> the role line that follows it.
std::map<std::string, std::string> DocumentedRoutes(const std::string& doc) {
  std::map<std::string, std::string> routes;
  std::istringstream lines(doc);
  std::string line;
  std::string current;
  while (std::getline(lines, line)) {
    if (line.starts_with("### `") && line.find('`', 5) != std::string::npos) {
      current = line.substr(5, line.find('`', 5) - 5);
      routes[current] = "";
    } else if (!current.empty() && line.starts_with("Role:")) {
      routes[current] = line;
      current.clear();
    }
  }
  return routes;
}

TEST(ApiDoc, EveryRouteIsDocumentedWithItsRole) {
  const std::string doc = ReadDoc();
  ASSERT_FALSE(doc.empty()) << "docs/api.md is missing";
  auto server = testing::TestServer::Start();
  ASSERT_NE(server, nullptr);
  const std::map<std::string, std::string> documented = DocumentedRoutes(doc);
  std::set<std::string> registered;
  for (const RouteInfo& route : server->plane().routes()) {
    const std::string key = route.method + " " + route.pattern;
    registered.insert(key);
    auto it = documented.find(key);
    if (it == documented.end()) {
      ADD_FAILURE() << "docs/api.md has no section \"### `" << key << "`\"";
      continue;
    }
    EXPECT_NE(it->second.find("**" + std::string(AccessName(route.access)) + "**"),
              std::string::npos)
        << key << ": the Role line should name **" << AccessName(route.access) << "**, it says '"
        << it->second << "'";
  }
  for (const auto& [key, role] : documented) {
    EXPECT_TRUE(registered.count(key)) << "docs/api.md documents `" << key
                                       << "`, which the server does not serve";
  }
}

}  // namespace
}  // namespace edgeloop::server
