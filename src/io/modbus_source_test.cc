#include "io/modbus_source.h"

#include <gtest/gtest.h>

#include "io/modbus_server.h"

namespace edgeloop::io {
namespace {

ModbusPoint Point(std::string asset, std::string signal, int address,
                  ModbusType type = ModbusType::kUint16,
                  ModbusTable table = ModbusTable::kHolding) {
  ModbusPoint p;
  p.asset = std::move(asset);
  p.signal = std::move(signal);
  p.address = address;
  p.type = type;
  p.table = table;
  return p;
}

class ModbusSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<ModbusServer>> server = ModbusServer::Start();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    ASSERT_GT(server_->port(), 0);
  }
  ModbusSourceConfig Config(std::vector<ModbusPoint> points) {
    ModbusSourceConfig config;
    config.port = server_->port();
    config.period_ms = 1000;
    config.points = std::move(points);
    return config;
  }
  std::unique_ptr<ModbusSource> Create(const ModbusSourceConfig& config) {
    Result<std::unique_ptr<ModbusSource>> source = ModbusSource::Create(config);
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    return source.ok() ? std::move(source).value() : nullptr;
  }
  std::unique_ptr<ModbusServer> server_;
};

TEST_F(ModbusSourceTest, ReadsTypesWordOrdersAndScaling) {
  ModbusPoint flow = Point("P1", "flow", 0, ModbusType::kUint16);
  flow.scale = 0.1;
  flow.offset = -5;
  ModbusPoint temp = Point("P1", "temp", 1, ModbusType::kInt16);
  ModbusPoint count = Point("P1", "count", 2, ModbusType::kUint32);
  ModbusPoint delta = Point("P2", "delta", 4, ModbusType::kInt32);
  delta.word_order = WordOrder::kLittle;
  ModbusPoint vib = Point("P2", "vib", 10, ModbusType::kFloat32, ModbusTable::kInput);
  ModbusPoint pressure = Point("P2", "pressure", 20, ModbusType::kFloat32);
  pressure.word_order = WordOrder::kLittle;
  server_->SetHolding(0, {1234, static_cast<uint16_t>(-42)});
  server_->SetUint32(ModbusTable::kHolding, 2, 70000);
  server_->SetUint32(ModbusTable::kHolding, 4, static_cast<uint32_t>(-100000), WordOrder::kLittle);
  server_->SetFloat32(ModbusTable::kInput, 10, 2.5f);
  server_->SetFloat32(ModbusTable::kHolding, 20, -7.25f, WordOrder::kLittle);

  std::unique_ptr<ModbusSource> source = Create(Config({flow, temp, count, delta, vib, pressure}));
  ASSERT_TRUE(source);
  EXPECT_EQ(source->kind(), "modbus");
  EXPECT_EQ(source->NextDueMs(5000), 5000);
  SourceBatch batch;
  Status polled = source->Poll(5000, &batch);
  ASSERT_TRUE(polled.ok()) << polled.ToString();
  ASSERT_EQ(batch.rows.size(), 2u);
  const SourceRow& p1 = batch.rows[0];
  EXPECT_EQ(p1.asset, "P1");
  EXPECT_EQ(p1.time_ms, 5000);
  EXPECT_EQ(p1.signals, (std::vector<std::string>{"flow", "temp", "count"}));
  EXPECT_DOUBLE_EQ(p1.values[0], 1234 * 0.1 - 5);
  EXPECT_EQ(p1.values[1], -42);
  EXPECT_EQ(p1.values[2], 70000);
  const SourceRow& p2 = batch.rows[1];
  EXPECT_EQ(p2.signals, (std::vector<std::string>{"delta", "vib", "pressure"}));
  EXPECT_EQ(p2.values[0], -100000);
  EXPECT_EQ(p2.values[1], 2.5);
  EXPECT_EQ(p2.values[2], -7.25);
  EXPECT_EQ(source->cycles(), 1u);
  EXPECT_EQ(source->NextDueMs(5000), 6000);
}

TEST_F(ModbusSourceTest, CoalescesContiguousRegistersPerTable) {
  std::vector<ModbusPoint> points;
  // 100 float32 points at 0..199 (holding): two requests of at most 125 registers.
  for (int i = 0; i < 100; ++i) {
    points.push_back(Point("P1", "s" + std::to_string(i), 2 * i, ModbusType::kFloat32));
    server_->SetFloat32(ModbusTable::kHolding, 2 * i, static_cast<float>(i));
  }
  points.push_back(Point("P1", "gap", 300));               // separate range
  points.push_back(Point("P1", "in", 0, ModbusType::kUint16, ModbusTable::kInput));
  server_->SetHolding(300, {9});
  server_->SetInput(0, {8});
  std::unique_ptr<ModbusSource> source = Create(Config(points));
  ASSERT_TRUE(source);
  const std::vector<ModbusReadRequest>& plan = source->plan();
  ASSERT_EQ(plan.size(), 4u);
  EXPECT_EQ(plan[0].count, 124);  // 62 float32 points; one more would pass 125
  EXPECT_EQ(plan[1].address, 124);
  EXPECT_EQ(plan[1].count, 76);
  EXPECT_EQ(plan[2].address, 300);
  EXPECT_EQ(plan[3].table, ModbusTable::kInput);
  const uint64_t before = server_->requests_served();
  SourceBatch batch;
  ASSERT_TRUE(source->Poll(0, &batch).ok());
  EXPECT_EQ(server_->requests_served() - before, 4u);
  ASSERT_EQ(batch.rows.size(), 1u);
  EXPECT_EQ(batch.rows[0].values[99], 99);
  EXPECT_EQ(batch.rows[0].values[100], 9);
  EXPECT_EQ(batch.rows[0].values[101], 8);
}

TEST_F(ModbusSourceTest, PollsOnlyWhenACycleIsDue) {
  std::unique_ptr<ModbusSource> source = Create(Config({Point("P1", "a", 0)}));
  ASSERT_TRUE(source);
  SourceBatch batch;
  ASSERT_TRUE(source->Poll(0, &batch).ok());
  ASSERT_TRUE(source->Poll(999, &batch).ok());
  EXPECT_EQ(batch.rows.size(), 1u);
  server_->SetHolding(0, {5});
  ASSERT_TRUE(source->Poll(1000, &batch).ok());
  ASSERT_EQ(batch.rows.size(), 2u);
  EXPECT_EQ(batch.rows[1].values[0], 5);
  EXPECT_EQ(source->cycles(), 2u);
}

TEST_F(ModbusSourceTest, DeviceGoingAwayIsUnavailableAndReadsAgainWhenBack) {
  const int port = server_->port();
  std::unique_ptr<ModbusSource> source = Create(Config({Point("P1", "a", 0)}));
  ASSERT_TRUE(source);
  server_->SetHolding(0, {1});
  SourceBatch batch;
  ASSERT_TRUE(source->Poll(0, &batch).ok());
  server_.reset();  // the device goes away
  Status lost = source->Poll(1000, &batch);
  EXPECT_EQ(lost.code(), StatusCode::kUnavailable);
  EXPECT_NE(lost.message().find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << lost.message();
  Status still = source->Poll(1500, &batch);  // not due: no reconnect attempt
  EXPECT_TRUE(still.ok());
  EXPECT_EQ(source->Poll(2000, &batch).code(), StatusCode::kUnavailable);
  EXPECT_EQ(source->failures(), 2u);

  Result<std::unique_ptr<ModbusServer>> back = ModbusServer::Start(port);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  (*back)->SetHolding(0, {7});
  batch.clear();
  Status again = source->Poll(3000, &batch);
  ASSERT_TRUE(again.ok()) << again.ToString();
  ASSERT_EQ(batch.rows.size(), 1u);
  EXPECT_EQ(batch.rows[0].values[0], 7);
  EXPECT_EQ(source->cycles(), 4u);
}

TEST_F(ModbusSourceTest, ServesSeveralClients) {
  server_->SetHolding(3, {33});
  std::unique_ptr<ModbusSource> a = Create(Config({Point("P1", "x", 3)}));
  std::unique_ptr<ModbusSource> b = Create(Config({Point("P2", "x", 3)}));
  ASSERT_TRUE(a && b);
  SourceBatch batch;
  ASSERT_TRUE(a->Poll(0, &batch).ok());
  ASSERT_TRUE(b->Poll(0, &batch).ok());
  ASSERT_TRUE(a->Poll(1000, &batch).ok());
  ASSERT_EQ(batch.rows.size(), 3u);
  EXPECT_EQ(batch.rows[1].values[0], 33);
}

TEST(ModbusSourceConfig, ValidateNamesTheBadPoint) {
  ModbusSourceConfig config;
  config.points = {Point("P1", "a", 0, ModbusType::kFloat32), Point("P1", "b", 1)};
  Status overlap = config.Validate();
  EXPECT_EQ(overlap.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(overlap.message().find("P1/b"), std::string::npos) << overlap.message();
  EXPECT_NE(overlap.message().find("overlaps"), std::string::npos) << overlap.message();

  config.points = {Point("P1", "a", 0), Point("P1", "a", 5)};
  EXPECT_NE(config.Validate().message().find("P1/a: defined twice"), std::string::npos);

  config.points = {Point("P1", "a", 0), Point("P1", "b", 0, ModbusType::kUint16,
                                              ModbusTable::kInput)};
  EXPECT_TRUE(config.Validate().ok()) << config.Validate().ToString();

  config.points = {Point("P1", "a", 65535, ModbusType::kUint32)};
  EXPECT_NE(config.Validate().message().find("P1/a: address 65535"), std::string::npos);

  config.points = {Point("P1", "a", 3), Point("P1", "b", 3)};
  EXPECT_NE(config.Validate().message().find("overlaps"), std::string::npos);

  config.points = {Point("P1", "a", 0)};
  config.period_ms = 0;
  EXPECT_NE(config.Validate().message().find("period_ms"), std::string::npos);
  EXPECT_EQ(ModbusSource::Create(config).status().code(), StatusCode::kInvalidArgument);
}

TEST(ModbusSourceConfig, ParsesNames) {
  EXPECT_EQ(*ParseModbusType("float32"), ModbusType::kFloat32);
  EXPECT_EQ(*ParseModbusTable("input"), ModbusTable::kInput);
  EXPECT_EQ(*ParseWordOrder("little"), WordOrder::kLittle);
  EXPECT_FALSE(ParseModbusType("double").ok());
  EXPECT_FALSE(ParseModbusTable("coil").ok());
}

}  // namespace
}  // namespace edgeloop::io
