// Loading hands: the built-in hand, Menagerie hands with derived specs, and bad input.
#include "hand/hand_loader.h"
#include "mj/mjcf.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "hand/hand_geometry.h"
#include "hand/kinematics.h"
#include "test_util.h"

namespace dexvlg {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("dexvlg_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    const fs::path p = path_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

TEST(DefaultHandTest, IsThe22JointShadowHand) {
  const HandModel& hand = DefaultHand();
  ASSERT_EQ(hand.nq(), 22);
  EXPECT_EQ(hand.pose_size(), 29);
  EXPECT_EQ(hand.links[0].name, "palm");
  const char* order[] = {"FFJ4", "FFJ3", "FFJ2", "FFJ1", "MFJ4", "MFJ3", "MFJ2", "MFJ1",
                         "RFJ4", "RFJ3", "RFJ2", "RFJ1", "LFJ5", "LFJ4", "LFJ3", "LFJ2",
                         "LFJ1", "THJ5", "THJ4", "THJ3", "THJ2", "THJ1"};
  for (int j = 0; j < 22; ++j) EXPECT_EQ(hand.joints[j].name, order[j]);
  for (const Joint& j : hand.joints) {
    EXPECT_TRUE(j.limited);
    EXPECT_LT(j.lower, j.upper);
  }
  EXPECT_EQ(hand.wrap.size(), 7u);
  EXPECT_EQ(hand.pinch.size(), 4u);
  EXPECT_EQ(hand.couplings.size(), 4u);  // J0 = J1 + J2 tendons of FF, MF, RF, LF
  for (const CollisionGeom& g : hand.geoms) EXPECT_NE(g.type, GeomType::kMesh);  // primitives only
  EXPECT_GT(hand.self_pairs.size(), 20u);
  for (const auto& [begin, end] : hand.surface_range) EXPECT_LE(begin, end);
}

// Every contact candidate sits on its link's surface with a unit normal pointing out of it.
void ExpectContactsOnSurface(const HandModel& hand) {
  KinematicsData data(hand, 1);
  const double identity[4] = {1, 0, 0, 0};
  const auto row = PoseRow(hand, Vec3::Zero(), identity, hand.RestJoints());
  ForwardKinematics(hand, row.data(), 0, 1, data);
  for (int ci = 0; ci < static_cast<int>(hand.contacts.size()); ++ci) {
    const ContactCandidate& c = hand.contacts[ci];
    EXPECT_NEAR(c.n_L.norm(), 1, 1e-9);
    double p[3], n[3];
    ContactFrames(hand, data, 0, &ci, 1, p, n, nullptr);
    const Vec3 pv(p[0], p[1], p[2]), nv(n[0], n[1], n[2]);
    EXPECT_NEAR(LinkSignedDistance(hand, data, 0, c.link, pv).distance, 0, 1.5e-3) << c.name;
    EXPECT_GT(LinkSignedDistance(hand, data, 0, c.link, pv + 0.003 * nv).distance, 0.001) << c.name;
  }
}

TEST(DefaultHandTest, ContactsLieOnTheSurface) { ExpectContactsOnSurface(DefaultHand()); }

TEST(LoadHandTest, MenagerieShadowWithDerivedSpec) {
  DEXVLG_REQUIRE_ASSETS(assets);
  auto hand = LoadHand(assets + "/hands/menagerie_shadow_hand/right_hand.xml");
  ASSERT_TRUE(hand.ok()) << hand.error().message;
  EXPECT_EQ(hand->links[0].name, "rh_palm");  // the wrist joints sit above the palm: dropped
  EXPECT_EQ(hand->nq(), 22);
  EXPECT_EQ(hand->wrap.size(), 7u);
  EXPECT_EQ(hand->contacts[hand->pinch[0]].name, "rh_thdistal_tip");
  EXPECT_EQ(hand->contacts[hand->pinch[1]].name, "rh_ffdistal_tip");
  EXPECT_EQ(hand->contacts[hand->pinch[2]].name, "rh_mfdistal_tip");
  EXPECT_TRUE(std::any_of(hand->geoms.begin(), hand->geoms.end(),
                          [](const CollisionGeom& g) { return g.type == GeomType::kMesh; }));
  ExpectContactsOnSurface(*hand);
  // fingertip pads face the palm side (-y in the Shadow palm frame), like the built-in hand
  for (int ci : hand->wrap) EXPECT_LT(hand->contacts[ci].n_L.y(), -0.9) << hand->contacts[ci].name;
}

TEST(LoadHandTest, AllegroWithDerivedSpec) {
  DEXVLG_REQUIRE_ASSETS(assets);
  auto hand = LoadHand(assets + "/hands/menagerie_wonik_allegro/right_hand.xml");
  ASSERT_TRUE(hand.ok()) << hand.error().message;
  EXPECT_EQ(hand->nq(), 16);
  EXPECT_EQ(hand->wrap.size(), 6u);  // 4 fingertips + 2 palm points
  EXPECT_EQ(hand->contacts[hand->pinch[0]].link, hand->LinkIndex("th_tip"));
  ExpectContactsOnSurface(*hand);
}

TEST(LoadHandTest, LeapWrittenForALaterMujocoLoads) {
  // the Menagerie LEAP hand uses kv on its actuators, the implicitfast integrator and ctrlrange
  // without ctrllimited, which MuJoCo 2.2.2 rejects
  DEXVLG_REQUIRE_ASSETS(assets);
  auto hand = LoadHand(assets + "/hands/menagerie_leap_hand/right_hand.xml");
  ASSERT_TRUE(hand.ok()) << hand.error().message;
  EXPECT_EQ(hand->nq(), 16);
  EXPECT_EQ(hand->pinch.size(), 4u);
  ExpectContactsOnSurface(*hand);
  // the surface samples of its mesh geoms stay near one per 25 mm^2, not a grid per hull face
  EXPECT_LT(hand->surface_points.size(), 15000u);
}

// URDF hands (BODex and DexGraspNet ship URDF) through MuJoCo's URDF reader: a Shadow Hand with
// relative mesh paths and a LEAP hand with package:// paths.
TEST(LoadHandTest, UrdfHandsLoad) {
  DEXVLG_REQUIRE_ASSETS(assets);
  auto shadow = LoadHand(assets + "/hands/dexurdf_shadow_hand/shadow_hand_right.urdf");
  ASSERT_TRUE(shadow.ok()) << shadow.error().message;
  EXPECT_EQ(shadow->nq(), 22);
  EXPECT_EQ(shadow->links[0].name, "palm");
  EXPECT_EQ(shadow->wrap.size(), 7u);  // 5 fingertips + 2 palm points
  // the fingertip contacts sit on the distal links, not on the geometry-free "tip" frames
  for (int c : shadow->pinch) {
    const std::string& link = shadow->links[shadow->contacts[c].link].name;
    if (shadow->contacts[c].link != 0) {
      EXPECT_NE(link.find("distal"), std::string::npos) << link;
    }
  }
  ExpectContactsOnSurface(*shadow);
  auto leap =
      LoadHand(assets + "/hands/dexgraspnet2_leap/robot_models/urdf/leap_hand_simplified.urdf");
  ASSERT_TRUE(leap.ok()) << leap.error().message;
  EXPECT_EQ(leap->nq(), 16);
  ExpectContactsOnSurface(*leap);
}

TEST(LoadHandTest, UrdfErrorsNameTheFileAndTheMesh) {
  TempDir dir;
  const std::string missing = dir.Write(
      "hand.urdf",
      "<robot name=\"h\"><link name=\"palm\"><collision><geometry><mesh "
      "filename=\"package://nowhere/meshes/palm.stl\"/></geometry></collision></link></robot>");
  auto r = LoadHand(missing);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(missing), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("package://nowhere/meshes/palm.stl"), std::string::npos)
      << r.error().message;
  const std::string not_urdf = dir.Write("other.urdf", "<mujoco/>");
  r = LoadHand(not_urdf);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not a URDF"), std::string::npos) << r.error().message;
  r = LoadHand(dir.Write("nothing.urdf", ""));
  ASSERT_FALSE(r.ok());
}

TEST(LoadHandTest, ModelsForALaterMujocoAreMappedToThisOne) {
  TempDir dir;
  dir.Write("box.obj",
            "v 0 0 0\nv 0.01 0 0\nv 0 0.01 0\nv 0 0 0.01\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n");
  const std::string newer = dir.Write("newer.xml", R"(<mujoco>
  <compiler angle="radian"/>
  <option integrator="implicitfast"/>
  <asset><mesh name="m" file="box.obj"/></asset>
  <worldbody><body name="b"><joint name="j" type="hinge" range="-1 1"/>
    <geom type="mesh" mesh="m"/></body></worldbody>
  <actuator><position name="a" joint="j" kp="3" kv="0.1" ctrlrange="-1 1"/></actuator>
</mujoco>)");
  auto model = LoadMjcf(newer);
  EXPECT_TRUE(model.ok()) << model.error().message;
  // a model that is wrong for every MuJoCo still fails, saying why
  const std::string broken = dir.Write("broken.xml", R"(<mujoco><worldbody>
  <body name="b"><geom type="sphere" size="0.01" frobnicate="1"/></body></worldbody></mujoco>)");
  auto bad = LoadMjcf(broken);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("frobnicate"), std::string::npos) << bad.error().message;
}

TEST(LoadHandTest, WrittenSpecLoadsBackIdentically) {
  DEXVLG_REQUIRE_ASSETS(assets);
  const std::string mjcf = assets + "/hands/menagerie_wonik_allegro/right_hand.xml";
  auto derived = LoadHand(mjcf);
  ASSERT_TRUE(derived.ok());
  TempDir dir;
  const std::string spec = dir.Write("allegro.json", HandSpecText(*derived));
  auto reloaded = LoadHand(mjcf, spec);
  ASSERT_TRUE(reloaded.ok()) << reloaded.error().message;
  ASSERT_EQ(reloaded->contacts.size(), derived->contacts.size());
  for (size_t i = 0; i < derived->contacts.size(); ++i) {
    EXPECT_EQ(reloaded->contacts[i].name, derived->contacts[i].name);
    EXPECT_NEAR((reloaded->contacts[i].p_L - derived->contacts[i].p_L).norm(), 0, 1e-6);
  }
  EXPECT_EQ(reloaded->wrap, derived->wrap);
  EXPECT_EQ(reloaded->self_pairs, derived->self_pairs);
}

TEST(LoadHandTest, ShippedSpecFileMatchesBuiltin) {
  auto hand =
      LoadHand(std::string(DEXVLG_SOURCE_DIR) + "/data/hands/dexvlg_shadow/shadow_hand.json");
  ASSERT_TRUE(hand.ok()) << hand.error().message;
  EXPECT_EQ(hand->nq(), DefaultHand().nq());
  EXPECT_EQ(hand->self_pairs, DefaultHand().self_pairs);
}

// Bad input: each case must give an error that names the file and the problem.
struct BadCase {
  std::string what, mjcf, spec, expect;
};

TEST(LoadHandTest, BadInputGivesClearErrors) {
  TempDir dir;
  const std::string good_xml(DefaultHandMjcf());
  const std::string ball = R"(<mujoco><worldbody><body name="palm"><geom size="0.02"/>
      <body name="f1" pos="0 0 0.05"><joint name="j" type="ball"/><geom size="0.01"/></body>
      </body></worldbody></mujoco>)";
  const std::vector<BadCase> cases = {
      {"malformed xml", "<mujoco><worldbody><body>", "", "not a valid MJCF"},
      {"not xml at all", "\x01\x02garbage", "", "not a valid MJCF"},
      {"ball joint", ball, "", "ball or free joint"},
      {"invalid json", good_xml, "{ nope", "not valid JSON"},
      {"wrong format", good_xml, R"({"format": "other", "version": 1})", "not a dexvlg hand spec"},
      {"future version", good_xml, R"({"format": "dexvlg-hand-spec", "version": 99})",
       "version 99"},
      {"unknown root", good_xml,
       R"({"format": "dexvlg-hand-spec", "version": 1, "root_body": "wrist"})",
       "root body 'wrist'"},
      {"unknown contact body", good_xml,
       R"({"format": "dexvlg-hand-spec", "version": 1, "contacts": [{"name": "a", "body": "nose",
          "pos": [0,0,0], "normal": [0,0,1]}], "wrap": ["a"], "pinch": ["a"]})",
       "body 'nose'"},
      {"short pos", good_xml,
       R"({"format": "dexvlg-hand-spec", "version": 1, "contacts": [{"name": "a", "body": "palm",
          "pos": [0,0], "normal": [0,0,1]}], "wrap": ["a"], "pinch": ["a"]})",
       "array of 3 numbers"},
      {"unknown wrap name", good_xml,
       R"({"format": "dexvlg-hand-spec", "version": 1, "contacts": [{"name": "a", "body": "palm",
          "pos": [0,0,0], "normal": [0,0,1]}], "wrap": ["b"], "pinch": ["a"]})",
       "unknown contact 'b'"},
      {"bad pair", good_xml,
       R"({"format": "dexvlg-hand-spec", "version": 1, "self_collision": [["palm", "elbow"]]})",
       "unknown link"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.what);
    const std::string mjcf = dir.Write("hand.xml", c.mjcf);
    const std::string spec = c.spec.empty() ? std::string() : dir.Write("hand.json", c.spec);
    auto hand = LoadHand(mjcf, spec);
    ASSERT_FALSE(hand.ok());
    const std::string& msg = hand.error().message;
    EXPECT_NE(msg.find(c.spec.empty() ? mjcf : spec), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.expect), std::string::npos) << msg;
  }
  auto missing = LoadHand("/nonexistent/hand.xml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/nonexistent/hand.xml"), std::string::npos);
  const std::string spec_without_mjcf =
      dir.Write("s.json", R"({"format": "dexvlg-hand-spec", "version": 1})");
  auto no_mjcf = LoadHand(spec_without_mjcf);
  ASSERT_FALSE(no_mjcf.ok());
  EXPECT_NE(no_mjcf.error().message.find("does not name its MJCF"), std::string::npos);
}

TEST(LoadHandTest, CorruptedFilesNeverCrash) {
  TempDir dir;
  const std::string xml(DefaultHandMjcf()), spec(DefaultHandSpec());
  std::mt19937 rng(99);
  int errors = 0;
  for (int t = 0; t < 200; ++t) {
    std::string bad_xml = xml, bad_spec = spec;
    std::string& target = t % 2 ? bad_xml : bad_spec;
    switch (t % 4) {
      case 0:
      case 1:  // byte flips
        for (int k = 0; k < 1 + t % 5; ++k)
          target[rng() % target.size()] = static_cast<char>(rng());
        break;
      case 2:  // truncation
        target.resize(rng() % target.size());
        break;
      case 3:  // huge or non-finite numbers
        target.replace(target.find("0.0") != std::string::npos ? target.find("0.0") : 0, 3,
                       t % 3 ? "1e308" : "nan");
        break;
    }
    const std::string mjcf_path = dir.Write("f.xml", bad_xml);
    const std::string spec_path = dir.Write("f.json", bad_spec);
    auto hand = LoadHand(mjcf_path, spec_path);  // must return, never crash or abort
    if (!hand.ok()) {
      ++errors;
      EXPECT_FALSE(hand.error().message.empty());
    }
  }
  EXPECT_GT(errors, 50);
}

}  // namespace
}  // namespace dexvlg
