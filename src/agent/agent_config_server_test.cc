// The `server:` section of the agent's configuration: parsed values and errors naming file:line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "agent/agent_config.h"
#include "base/file_system.h"

namespace edgeloop::agent {
namespace {

using ::testing::HasSubstr;

// The `server:` section of the agent's configuration.
std::string ConfigWith(const std::string& server) {
  return "device: gw-1\n"
         "data_dir: data\n"
         "trust: [release.pub]\n" +
         server +
         "sources:\n"
         "  - {kind: csv_replay, readings: readings.csv}\n";
}

TEST(AgentConfigServer, ParsesTheServerSection) {
  PosixFileSystem fs;
  Result<AgentConfig> c = AgentConfig::Parse(
      ConfigWith("server: {url: http://127.0.0.1:8080, token_file: gw.token, sync_period_s: 30, "
                 "batch_records: 500}\n"),
      "/etc/edgeloop/agent.yaml", fs);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(c->server.has_value());
  EXPECT_EQ(c->server->url, "http://127.0.0.1:8080");
  EXPECT_EQ(c->server->device_id, "gw-1");
  EXPECT_EQ(c->server->token_file, "/etc/edgeloop/gw.token");
  EXPECT_EQ(c->server->sync_period_s, 30);
  EXPECT_EQ(c->server->batch_records, 500);
  EXPECT_EQ(c->server->line, 4);

  Result<AgentConfig> defaults = AgentConfig::Parse(
      ConfigWith("server:\n  url: https://cp.example.com/edgeloop\n  device_id: pump-gw.17\n"
                 "  token_file: /run/secrets/token\n"),
      "agent.yaml", fs);
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->server->device_id, "pump-gw.17");
  EXPECT_EQ(defaults->server->token_file, "/run/secrets/token");
  EXPECT_EQ(defaults->server->sync_period_s, 60);
  EXPECT_EQ(defaults->server->batch_records, 1000);

  Result<AgentConfig> offline = AgentConfig::Parse(ConfigWith(""), "agent.yaml", fs);
  ASSERT_TRUE(offline.ok()) << offline.status().ToString();
  EXPECT_FALSE(offline->server.has_value());
}

TEST(AgentConfigServer, ErrorsNameFileLineAndKey) {
  PosixFileSystem fs;
  auto error = [&](const std::string& server) {
    Result<AgentConfig> c = AgentConfig::Parse(ConfigWith(server), "agent.yaml", fs);
    EXPECT_FALSE(c.ok()) << server;
    return c.ok() ? std::string() : c.status().message();
  };
  EXPECT_THAT(
      error("server: {url: 127.0.0.1:8080, token_file: t}\n"),
      HasSubstr("agent.yaml:4: server.url: expected a URL starting with http:// or https://"));
  EXPECT_THAT(error("server: {token_file: t}\n"), HasSubstr("agent.yaml:4: server.url: missing"));
  EXPECT_THAT(error("server: {url: http://h:1}\n"),
              HasSubstr("agent.yaml:4: server.token_file: missing"));
  EXPECT_THAT(error("server: {url: http://h:1, token_file: t, retry: 3}\n"),
              HasSubstr("agent.yaml:4: server.retry: unknown key"));
  EXPECT_THAT(error("server: {url: http://h:1, token_file: t, batch_records: 0}\n"),
              HasSubstr("agent.yaml:4: server.batch_records: expected an integer in 1..5000"));
  EXPECT_THAT(error("server: {url: http://h:1, token_file: t, sync_period_s: 0.5}\n"),
              HasSubstr("agent.yaml:4: server.sync_period_s: expected an integer in 1..604800"));
  EXPECT_THAT(error("server: {url: http://h:1, token_file: t, device_id: a/b}\n"),
              HasSubstr("agent.yaml:4: server.device_id: expected letters, digits"));
  EXPECT_THAT(error("server: http://h:1\n"), HasSubstr("agent.yaml:4: server: expected a mapping"));
}

}  // namespace
}  // namespace edgeloop::agent
