#include "core/status.h"

#include <gtest/gtest.h>

namespace dexvlg {
namespace {

Expected<int> Parse(int v) {
  if (v < 0) return Error{"input.txt: negative value " + std::to_string(v)};
  return v * 2;
}

TEST(ExpectedTest, CarriesValueOrError) {
  auto good = Parse(3);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 6);
  auto bad = Parse(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "input.txt: negative value -1");
}

TEST(ExpectedTest, MisuseIsAContractViolation) {
  auto bad = Parse(-1);
  EXPECT_THROW(bad.value(), ContractViolation);
  auto good = Parse(1);
  EXPECT_THROW(good.error(), ContractViolation);
}

TEST(DemandTest, MessageNamesExpectedAndActual) {
  try {
    const int n = 3;
    DEXVLG_DEMAND(n == 4, "joint vector: expected 4, got " << n);
    FAIL() << "no throw";
  } catch (const ContractViolation& e) {
    EXPECT_NE(std::string(e.what()).find("expected 4, got 3"), std::string::npos);
  }
}

TEST(StatusTest, OkAndError) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = Error{"x"};
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "x");
}

}  // namespace
}  // namespace dexvlg
