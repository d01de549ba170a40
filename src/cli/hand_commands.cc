#include "cli/hand_commands.h"

#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/object_commands.h"
#include "core/atomic_file.h"
#include "hand/hand_loader.h"
#include "hand/kinematics.h"

namespace dexvlg::cli {

using json = nlohmann::json;

Expected<HandModel> ResolveHand(const std::string& path) {
  if (path.empty() || path == "builtin" || path == "default") return DefaultHand();
  return LoadHand(path);
}

void PrintHandInfo(const HandModel& hand, bool as_json, std::ostream& out) {
  if (as_json) {
    json j = json::parse(HandSpecText(hand));
    j["joints"] = json::array();
    for (const Joint& jt : hand.joints) {
      j["joints"].push_back({{"name", jt.name},
                             {"type", jt.type == JointType::kHinge ? "hinge" : "slide"},
                             {"link", hand.links[jt.link].name},
                             {"limited", jt.limited},
                             {"range", {jt.lower, jt.upper}}});
    }
    j["links"] = json::array();
    for (const Link& l : hand.links) {
      j["links"].push_back({{"name", l.name},
                            {"parent", l.parent >= 0 ? hand.links[l.parent].name : ""},
                            {"geoms", l.geoms.size()}});
    }
    out << j.dump(2) << "\n";
    return;
  }
  out << "hand " << hand.name << "\n  mjcf: " << hand.mjcf_path << "\n  spec: " << hand.spec_path
      << "\n  root: " << hand.links[0].name << " (free 6-DoF pose)\n  " << hand.nq() << " joints, "
      << hand.num_links() << " links, " << hand.geoms.size() << " collision geoms, "
      << hand.surface_points.size() << " surface samples, " << hand.self_pairs.size()
      << " self-collision pairs\n\n";
  out << "  #   joint          link             type    range (rad or m)\n";
  for (int j = 0; j < hand.nq(); ++j) {
    const Joint& jt = hand.joints[j];
    out << "  " << std::setw(2) << j << "  " << std::left << std::setw(14) << jt.name << " "
        << std::setw(16) << hand.links[jt.link].name << " " << std::setw(7)
        << (jt.type == JointType::kHinge ? "hinge" : "slide") << std::right;
    if (jt.limited) {
      out << " [" << std::fixed << std::setprecision(3) << jt.lower << ", " << jt.upper << "]";
      out.unsetf(std::ios::fixed);
    } else {
      out << " unlimited";
    }
    out << "\n";
  }
  out << "\n  contact candidates (link frame, m):\n";
  for (const ContactCandidate& c : hand.contacts) {
    out << "    " << std::left << std::setw(16) << c.name << std::setw(16)
        << hand.links[c.link].name << std::right << std::fixed << std::setprecision(4) << " p=("
        << c.p_L.x() << ", " << c.p_L.y() << ", " << c.p_L.z() << ") n=(" << std::setprecision(2)
        << c.n_L.x() << ", " << c.n_L.y() << ", " << c.n_L.z() << ")\n";
    out.unsetf(std::ios::fixed);
  }
  for (const auto& [label, set] :
       {std::pair{"wrap ", &hand.wrap}, std::pair{"pinch", &hand.pinch}}) {
    out << "  " << label << " set (" << set->size() << "):";
    for (int ci : *set) out << " " << hand.contacts[ci].name;
    out << "\n";
  }
  if (!hand.couplings.empty()) {
    out << "  couplings:";
    for (const JointCoupling& c : hand.couplings) {
      out << " " << c.name << "=";
      for (size_t k = 0; k < c.joints.size(); ++k) {
        out << (k ? "+" : "") << (c.coefs[k] != 1.0 ? std::to_string(c.coefs[k]) + "*" : "")
            << hand.joints[c.joints[k]].name;
      }
    }
    out << "\n";
  }
}

std::vector<double> PresetJoints(const HandModel& hand, const std::string& preset) {
  if (preset == "mid") return hand.MidJoints();
  std::vector<double> q = hand.RestJoints();
  if (preset == "open" || preset == "closed") {
    for (int j = 0; j < hand.nq(); ++j) {
      const Joint& jt = hand.joints[j];
      if (!jt.limited) continue;
      q[j] = preset == "open" ? std::clamp(0.0, jt.lower, jt.upper)
                              : jt.lower + 0.8 * (jt.upper - jt.lower);
    }
  }
  return q;
}

Status PrintHandFk(const HandModel& hand, const FkOptions& options, std::ostream& out) {
  std::vector<double> q = options.q.empty() ? PresetJoints(hand, options.preset) : options.q;
  if (static_cast<int>(q.size()) != hand.nq()) {
    return Error{"--q: expected " + std::to_string(hand.nq()) + " joint values for hand '" +
                 hand.name + "', got " + std::to_string(q.size())};
  }
  std::vector<double> pose = options.pose;
  if (pose.empty()) pose = {0, 0, 0, 1, 0, 0, 0};
  if (pose.size() != 7) {
    return Error{"--pose: expected 7 values x y z qw qx qy qz, got " + std::to_string(pose.size())};
  }
  if (Eigen::Vector4d(pose[3], pose[4], pose[5], pose[6]).norm() < 1e-9) {
    return Error{"--pose: the quaternion (qw qx qy qz) must not be zero"};
  }
  const double quat[4] = {pose[3], pose[4], pose[5], pose[6]};
  const std::vector<double> row = PoseRow(hand, Vec3(pose[0], pose[1], pose[2]), quat, q);
  KinematicsData data(hand, 1);
  ForwardKinematics(hand, row.data(), 0, 1, data);
  json j;
  j["hand"] = hand.name;
  j["q"] = q;
  j["links"] = json::array();
  for (int l = 0; l < hand.num_links(); ++l) {
    const Mat3 R = Eigen::Map<const Eigen::Matrix<double, 3, 3, Eigen::RowMajor>>(data.R(0, l));
    double wxyz[4];
    MatrixToQuat(R, wxyz);
    j["links"].push_back({{"name", hand.links[l].name},
                          {"pos", {data.p(0, l)[0], data.p(0, l)[1], data.p(0, l)[2]}},
                          {"quat", {wxyz[0], wxyz[1], wxyz[2], wxyz[3]}}});
  }
  j["contacts"] = json::array();
  for (size_t c = 0; c < hand.contacts.size(); ++c) {
    const int ci = static_cast<int>(c);
    double p[3], n[3];
    ContactFrames(hand, data, 0, &ci, 1, p, n, nullptr);
    j["contacts"].push_back({{"name", hand.contacts[c].name},
                             {"pos", {p[0], p[1], p[2]}},
                             {"normal", {n[0], n[1], n[2]}}});
  }
  if (options.as_json) {
    out << j.dump(2) << "\n";
    return Status::Ok();
  }
  out << "link frames of " << hand.name << " (object frame; pos in m, quat w x y z)\n";
  out << std::fixed;
  for (const json& l : j["links"]) {
    out << "  " << std::left << std::setw(16) << l["name"].get<std::string>() << std::right
        << std::setprecision(4) << " pos (" << std::setw(7) << l["pos"][0].get<double>() << ", "
        << std::setw(7) << l["pos"][1].get<double>() << ", " << std::setw(7)
        << l["pos"][2].get<double>() << ")  quat (" << l["quat"][0].get<double>() << ", "
        << l["quat"][1].get<double>() << ", " << l["quat"][2].get<double>() << ", "
        << l["quat"][3].get<double>() << ")\n";
  }
  out << "contact points (object frame)\n";
  for (const json& c : j["contacts"]) {
    out << "  " << std::left << std::setw(16) << c["name"].get<std::string>() << std::right
        << " pos (" << std::setw(7) << c["pos"][0].get<double>() << ", " << std::setw(7)
        << c["pos"][1].get<double>() << ", " << std::setw(7) << c["pos"][2].get<double>()
        << ")  normal (" << std::setprecision(3) << c["normal"][0].get<double>() << ", "
        << c["normal"][1].get<double>() << ", " << c["normal"][2].get<double>() << ")\n"
        << std::setprecision(4);
  }
  out.unsetf(std::ios::fixed);
  return Status::Ok();
}

void AddHandCommands(Commands& commands) {
  CLI::App& app = commands.app();
  struct State {
    std::string hand_path;
    bool as_json = false;
    dexvlg::cli::FkOptions fk_options;
    std::string spec_out;
    std::string hand_render_out, hand_render_preset = "mid";
  };
  const auto opt = std::make_shared<State>();
  // dexvlg hand ...
  auto* hand_cmd = app.add_subcommand("hand", "Inspect hand models: info, fk, spec");
  hand_cmd->require_subcommand(1);
  auto* info = hand_cmd->add_subcommand("info", "Joints, limits, links and contact sets of a hand");
  info->add_option("--hand", opt->hand_path, kHandHelp);
  info->add_flag("--json", opt->as_json, "Print JSON instead of a table");

  auto* fk = hand_cmd->add_subcommand(
      "fk", "Link frames and contact points for one hand configuration (forward kinematics)");
  fk->add_option("--hand", opt->hand_path, kHandHelp);
  fk->add_option("--q", opt->fk_options.q,
                 "Joint values in the hand's joint order (see `hand info`)")
      ->delimiter(',');
  fk->add_option("--preset", opt->fk_options.preset, "Joints when --q is absent")
      ->check(CLI::IsMember({"rest", "mid", "open", "closed"}));
  fk->add_option("--pose", opt->fk_options.pose,
                 "Root pose x,y,z,qw,qx,qy,qz (m); default identity")
      ->delimiter(',');
  fk->add_flag("--json", opt->fk_options.as_json, "Print JSON instead of a table");

  auto* spec = hand_cmd->add_subcommand(
      "spec",
      "Write the hand spec (contacts, wrap/pinch sets, self-collision pairs) as JSON; "
      "for a bare MJCF this is the derived spec, ready to edit");
  spec->add_option("--hand", opt->hand_path, kHandHelp);
  spec->add_option("--out", opt->spec_out, "Output file (default: standard output)");

  auto* hand_render = hand_cmd->add_subcommand(
      "render", "Write a PNG of the hand's collision shapes, coloured by link (four views)");
  hand_render->add_option("--hand", opt->hand_path, kHandHelp);
  hand_render->add_option("--preset", opt->hand_render_preset, "Joint values")
      ->check(CLI::IsMember({"rest", "mid", "open", "closed"}))
      ->capture_default_str();
  hand_render->add_option("--out", opt->hand_render_out, "Output PNG")->required();
  auto with_hand = [opt](const std::function<int(const HandModel&)>& run) {
    auto hand = ResolveHand(opt->hand_path);
    if (!hand) return Fail(hand.error());
    return run(*hand);
  };
  commands.On(info, [opt, with_hand] {
    return with_hand([&](const HandModel& hand) {
      PrintHandInfo(hand, opt->as_json, std::cout);
      return 0;
    });
  });
  commands.On(fk, [opt, with_hand] {
    return with_hand([&](const HandModel& hand) {
      if (Status st = PrintHandFk(hand, opt->fk_options, std::cout); !st) return Fail(st.error());
      return 0;
    });
  });
  commands.On(spec, [opt, with_hand] {
    return with_hand([&](const HandModel& hand) {
      const std::string text = HandSpecText(hand) + "\n";
      if (opt->spec_out.empty()) {
        std::cout << text;
        return 0;
      }
      if (Status st = WriteTextAtomically(opt->spec_out, text); !st) return Fail(st.error());
      std::cerr << "wrote " << opt->spec_out << "\n";
      return 0;
    });
  });
  commands.On(hand_render, [opt, with_hand] {
    return with_hand([&](const HandModel& hand) {
      if (Status st = RenderHand(hand, opt->hand_render_preset, opt->hand_render_out); !st)
        return Fail(st.error());
      std::cout << "wrote " << opt->hand_render_out << "\n";
      return 0;
    });
  });
}

}  // namespace dexvlg::cli
