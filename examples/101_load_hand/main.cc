// 101_load_hand: load a hand (the built-in one, or any MJCF / hand spec given on the command
// line), place it in the object frame, and print where its wrap contacts land and how fast the
// batched kinematics runs.
//
//   ./build/examples/101_load_hand [hand.xml|hand.json]
#include <iostream>

#include "hand/hand_geometry.h"
#include "hand/hand_loader.h"
#include "hand/kinematics.h"

int main(int argc, char** argv) {
  using namespace dexvlg;
  // 1. load: the built-in Shadow Hand, or a file (errors are values, never crashes)
  HandModel hand = DefaultHand();
  if (argc > 1) {
    auto loaded = LoadHand(argv[1]);
    if (!loaded) {
      std::cerr << loaded.error().message << "\n";
      return 1;
    }
    hand = std::move(loaded.value());
  }
  std::cout << hand.name << ": " << hand.nq() << " joints, " << hand.contacts.size()
            << " contact candidates\n";

  // 2. one pose row [t, quat(w,x,y,z), q]: palm 10 cm above the object, fingers half closed
  const double quat[4] = {1, 0, 0, 0};
  const std::vector<double> row = PoseRow(hand, Vec3(0, 0, 0.1), quat, hand.MidJoints());

  // 3. forward kinematics into a preallocated workspace, then contact points + Jacobians
  KinematicsData data(hand, 1);
  ForwardKinematics(hand, row.data(), 0, 1, data);
  const int k = static_cast<int>(hand.wrap.size());
  std::vector<double> p(3 * k), n(3 * k), J(3 * k * hand.dof());
  ContactFrames(hand, data, 0, hand.wrap.data(), k, p.data(), n.data(), J.data());
  for (int i = 0; i < k; ++i) {
    std::cout << "  " << hand.contacts[hand.wrap[i]].name << " at (" << p[3 * i] << ", "
              << p[3 * i + 1] << ", " << p[3 * i + 2] << ") normal (" << n[3 * i] << ", "
              << n[3 * i + 1] << ", " << n[3 * i + 2] << ")\n";
  }

  // 4. distance queries: the object origin against the hand, and the hand against itself
  const HandDistance d = HandSignedDistance(hand, data, 0, Vec3::Zero());
  const SelfDistance self = SelfCollisionDistance(hand, data, 0, nullptr);
  std::cout << "object origin is " << d.distance * 1000 << " mm from link "
            << hand.links[d.link].name << "; self-collision clearance " << self.distance * 1000
            << " mm\n";
  return 0;
}
