#include "server/token_table.h"

#include <gtest/gtest.h>

#include "base/clock.h"
#include "server/server_schema.h"
#include "store/migrations.h"
#include "store/statement.h"
#include "store/testing/temp_dir.h"

namespace edgeloop::server {
namespace {

class TokenTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    auto db = store::Database::Open(dir_.Join("edgeloop.db"));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(store::ApplyMigrations(*db_, ServerSchema()).ok());
  }

  Result<IssuedToken> Make(Role role, const std::string& name, const std::string& device = "") {
    NewToken spec;
    spec.role = role;
    spec.name = name;
    spec.device_id = device;
    return TokenTable(*db_).Create(spec, secrets_, 1000);
  }

  store::testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  SeededSecretSource secrets_{5};
};

TEST(ParseToken, AcceptsTheIssuedFormOnly) {
  const std::string secret(64, 'a');
  auto ok = ParseToken("elt_tok-0123456789ab_" + secret);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->id, "tok-0123456789ab");
  EXPECT_EQ(ok->secret_hex, secret);
  for (const std::string& bad :
       {std::string("tok-0123456789ab_") + secret, "elt_tok-0123456789ab_" + secret.substr(1),
        "elt_tok-0123456789ab_" + std::string(64, 'A'), "elt__" + secret,
        "elt_tok-0123456789ab" + secret, "elt_x-0123456789ab_" + secret, std::string("")}) {
    auto parsed = ParseToken(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().message().find(secret), std::string::npos)
          << "the message echoes the secret";
    }
  }
}

TEST_F(TokenTableTest, IssuedTokenAuthenticatesAsItsPrincipal) {
  auto issued = Make(Role::kDevice, "gateway 17", "pump-gw-17");
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_TRUE(issued->token.starts_with("elt_" + issued->record.id + "_"));
  EXPECT_EQ(issued->token.size(), 4 + 16 + 1 + 64u);
  auto principal = TokenTable(*db_).Authenticate(issued->token);
  ASSERT_TRUE(principal.ok()) << principal.status().ToString();
  EXPECT_EQ(principal->role, Role::kDevice);
  EXPECT_EQ(principal->token_id, issued->record.id);
  EXPECT_EQ(principal->name, "gateway 17");
  EXPECT_EQ(principal->device_id, "pump-gw-17");
}

TEST_F(TokenTableTest, StoresOnlyTheHashOfTheSecret) {
  auto issued = Make(Role::kAdmin, "alice");
  ASSERT_TRUE(issued.ok());
  const std::string secret = issued->token.substr(issued->token.rfind('_') + 1);
  auto st = db_->Prepare("SELECT * FROM tokens", "dump");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(*st->Step());
  for (int c = 0; c < st->ColumnCount(); ++c) {
    EXPECT_EQ(st->ColumnText(c).find(secret), std::string::npos) << "column " << c;
  }
}

TEST_F(TokenTableTest, WrongSecretUnknownIdAndRevokedAreUnauthenticated) {
  auto issued = Make(Role::kOperator, "bob");
  ASSERT_TRUE(issued.ok());
  TokenTable tokens(*db_);
  std::string wrong = issued->token;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_EQ(tokens.Authenticate(wrong).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(tokens.Authenticate("elt_tok-ffffffffffff_" + std::string(64, '0')).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(tokens.Authenticate("garbage").status().code(), StatusCode::kUnauthenticated);

  auto revoked = tokens.Revoke(issued->record.id, 2000);
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_EQ(revoked->revoked_ms, 2000);
  auto after = tokens.Authenticate(issued->token);
  EXPECT_EQ(after.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(after.status().message().find("revoked"), std::string::npos);
  EXPECT_EQ(tokens.Revoke(issued->record.id, 3000).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(tokens.Revoke("tok-000000000000", 3000).status().code(), StatusCode::kNotFound);
}

TEST_F(TokenTableTest, RefusesBadSpecs) {
  EXPECT_EQ(Make(Role::kDevice, "gw").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Make(Role::kDevice, "gw", "Bad Id").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Make(Role::kAdmin, "root", "pump-gw-1").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Make(Role::kAdmin, "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Make(Role::kAdmin, "a\nb").status().code(), StatusCode::kInvalidArgument);
  auto list = TokenTable(*db_).List();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
}

TEST_F(TokenTableTest, HasActiveAdminIgnoresRevokedAndOtherRoles) {
  TokenTable tokens(*db_);
  EXPECT_FALSE(*tokens.HasActiveAdmin());
  ASSERT_TRUE(Make(Role::kOperator, "op").ok());
  EXPECT_FALSE(*tokens.HasActiveAdmin());
  auto admin = Make(Role::kAdmin, "root");
  ASSERT_TRUE(admin.ok());
  EXPECT_TRUE(*tokens.HasActiveAdmin());
  ASSERT_TRUE(tokens.Revoke(admin->record.id, 5).ok());
  EXPECT_FALSE(*tokens.HasActiveAdmin());
  auto list = tokens.List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_TRUE((*list)[1].revoked());
}

TEST(SeededSecretSource, RepeatsForTheSameSeed) {
  SeededSecretSource a(3), b(3), c(4);
  const std::string x = a.Bytes(32);
  EXPECT_EQ(x, b.Bytes(32));
  EXPECT_NE(x, c.Bytes(32));
  EXPECT_EQ(HexEncode(std::string("\x00\xff\x10", 3)), "00ff10");
}

TEST(SodiumSecretSource, GivesDifferentBytesEachTime) {
  SodiumSecretSource s;
  EXPECT_NE(s.Bytes(32), s.Bytes(32));
  EXPECT_EQ(s.Bytes(7).size(), 7u);
}

}  // namespace
}  // namespace edgeloop::server
