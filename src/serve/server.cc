#include "serve/server.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>

#include "core/rotation.h"
#include "model/model.h"
#include "model/training_set.h"
#include "object/convex.h"
#include "object/procedural.h"
#include "parts/prepare.h"
#include "sim/sim.h"
#include "view/view.h"

// last: httplib includes <resolv.h>, whose `_res` macro breaks Eigen headers included after it
#include <httplib.h>

namespace dexvlg {

using nlohmann::json;

Status ServeOptions::Validate() const {
  if (model.empty()) return Error{"serve: --model is required"};
  if (port < 0 || port > 65535)
    return Error{"serve: --port " + std::to_string(port) + " (0..65535)"};
  if (max_body < 1024) return Error{"serve: --max-body below 1 KiB"};
  if (max_points < 1 || max_count < 1 || max_validate < 1)
    return Error{"serve: the point, grasp and validate limits must be at least 1"};
  if (threads < 1 || threads > 256) return Error{"serve: --threads " + std::to_string(threads)};
  return Status::Ok();
}

bool DecodeBase64(const std::string& text, std::string& bytes) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  bytes.clear();
  bytes.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] != '='; ++i) {
    const int v = value(text[i]);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  for (; i < text.size(); ++i)
    if (text[i] != '=') return false;
  return true;
}

namespace {

/// A request problem: answered with `status` and the message.
struct BadRequest {
  int status;
  std::string message;
};

const json& Field(const json& body, const char* name) {
  if (!body.contains(name)) throw BadRequest{400, std::string("missing field \"") + name + "\""};
  return body.at(name);
}

// xyz (and colours) from "points" ([[x,y,z],...]) or "points_b64" (float32 little-endian N x 3),
// "colors" ([[r,g,b],...], 0..255) or "colors_b64" (uint8 N x 3).
Cloud ParseCloud(const json& body, int max_points) {
  Cloud cloud;
  if (body.contains("points_b64")) {
    if (!body["points_b64"].is_string()) throw BadRequest{400, "\"points_b64\" must be a string"};
    std::string bytes;
    if (!DecodeBase64(body["points_b64"].get<std::string>(), bytes))
      throw BadRequest{400, "\"points_b64\" is not base64"};
    if (bytes.size() % 12 != 0)
      throw BadRequest{400, "\"points_b64\" holds " + std::to_string(bytes.size()) +
                                " bytes, not a whole number of float32 x, y, z triples"};
    if (bytes.size() / 12 > static_cast<size_t>(max_points))
      throw BadRequest{413, "more than " + std::to_string(max_points) + " points"};
    cloud.xyz.resize(bytes.size() / 4);
    std::memcpy(cloud.xyz.data(), bytes.data(), bytes.size());
  } else {
    const json& pts = Field(body, "points");
    if (!pts.is_array()) throw BadRequest{400, "\"points\" must be an array of [x, y, z]"};
    if (pts.size() > static_cast<size_t>(max_points))
      throw BadRequest{413, "more than " + std::to_string(max_points) + " points"};
    for (const json& p : pts) {
      if (!p.is_array() || p.size() != 3 || !p[0].is_number() || !p[1].is_number() ||
          !p[2].is_number())
        throw BadRequest{400, "every point must be [x, y, z] numbers"};
      for (int k = 0; k < 3; ++k) cloud.xyz.push_back(p[k].get<float>());
    }
  }
  if (cloud.size() == 0) throw BadRequest{400, "the point cloud is empty"};
  for (float v : cloud.xyz)
    if (!std::isfinite(v)) throw BadRequest{400, "the point cloud holds a non-finite coordinate"};
  if (body.contains("colors_b64")) {
    std::string bytes;
    if (!body["colors_b64"].is_string() ||
        !DecodeBase64(body["colors_b64"].get<std::string>(), bytes))
      throw BadRequest{400, "\"colors_b64\" is not base64"};
    if (bytes.size() != cloud.xyz.size())
      throw BadRequest{400, "\"colors_b64\" must hold 3 bytes per point"};
    cloud.rgb.assign(bytes.begin(), bytes.end());
  } else if (body.contains("colors")) {
    const json& cols = body["colors"];
    if (!cols.is_array() || cols.size() != static_cast<size_t>(cloud.size()))
      throw BadRequest{400, "\"colors\" must be one [r, g, b] per point"};
    for (const json& c : cols) {
      if (!c.is_array() || c.size() != 3) throw BadRequest{400, "every colour must be [r, g, b]"};
      for (int k = 0; k < 3; ++k) {
        if (!c[k].is_number()) throw BadRequest{400, "colours must be numbers 0..255"};
        cloud.rgb.push_back(static_cast<uint8_t>(std::clamp(c[k].get<double>(), 0.0, 255.0)));
      }
    }
  }
  return cloud;
}

int IntField(const json& body, const char* name, int fallback, int low, int high, int too_big) {
  if (!body.contains(name)) return fallback;
  if (!body[name].is_number_integer())
    throw BadRequest{400, std::string("\"") + name + "\" must be an integer"};
  const long long v = body[name].get<long long>();
  if (v < low)
    throw BadRequest{400, std::string("\"") + name + "\" must be at least " + std::to_string(low)};
  if (v > high)
    throw BadRequest{too_big,
                     std::string("\"") + name + "\" must be at most " + std::to_string(high)};
  return static_cast<int>(v);
}

json Row(const std::vector<double>& rows, int g, int ps) {
  return json(std::vector<double>(rows.begin() + g * ps, rows.begin() + (g + 1) * ps));
}

json Matrix(const double* row) {  // 4 x 4 root pose, row-major
  const Mat3 R = QuatToMatrix(row + 3);
  return json::array({json::array({R(0, 0), R(0, 1), R(0, 2), row[0]}),
                      json::array({R(1, 0), R(1, 1), R(1, 2), row[1]}),
                      json::array({R(2, 0), R(2, 1), R(2, 2), row[2]}),
                      json::array({0.0, 0.0, 0.0, 1.0})});
}

/// A procedural object (its part names answer requests) and the simulation scene built on it.
struct SimEntry {
  std::shared_ptr<const LabeledMesh> mesh;
  std::unique_ptr<SimScene> scene;
};

/// Simulation scenes per procedural object, built on first use and shared (SimScene::Run is
/// const; each request brings its own worker).
class SceneCache {
 public:
  explicit SceneCache(const HandModel& hand) : hand_(hand) {}
  std::shared_ptr<const SimEntry> Get(const std::string& spec) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = scenes_.find(spec);
    if (it != scenes_.end()) return it->second;
    Expected<LabeledMesh> object = LoadClosedObject(spec);
    if (!object) throw BadRequest{400, object.error().message};
    auto entry = std::make_shared<SimEntry>();
    entry->mesh = std::make_shared<const LabeledMesh>(std::move(*object));
    Expected<SimScene> scene =
        SimScene::Build(hand_, *entry->mesh, ShellPieces(entry->mesh->mesh), SimParams{});
    if (!scene) throw BadRequest{400, scene.error().message};
    entry->scene = std::make_unique<SimScene>(std::move(*scene));
    if (scenes_.size() < 32) scenes_[spec] = entry;
    return entry;
  }

 private:
  const HandModel& hand_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const SimEntry>> scenes_;
};

void Reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  // replace invalid UTF-8 (a request's bytes quoted in an error) rather than throw
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

}  // namespace

Status Serve(const ServeOptions& o, std::ostream& log, const std::function<void(int)>& ready) {
  if (Status s = o.Validate(); !s) return s;
  // SIGTERM / SIGINT stop the server from a watcher thread (a handler cannot call stop()); they
  // are blocked before any thread starts, so every later thread inherits the mask
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  SetModelThreads(1);  // one thread per request; requests run side by side
  Expected<GraspModel> model = GraspModel::Load(o.model);
  if (!model) return model.error();
  Expected<HandModel> hand = ModelHand(*model, o.hand);
  if (!hand) return Error{o.model + ": " + hand.error().message};
  SceneCache scenes(*hand);
  httplib::Server server;
  server.new_task_queue = [n = o.threads] { return new httplib::ThreadPool(n); };
  server.set_payload_max_length(o.max_body);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  json metadata;
  metadata["service"] = "dexvlg";
  metadata["version"] = DEXVLG_VERSION;
  metadata["hand"] = hand->name;
  for (const Joint& j : hand->joints) metadata["joint_names"].push_back(j.name);
  metadata["pose_layout"] = "[x, y, z, qw, qx, qy, qz, joints...] (m, unit quaternion, rad)";
  metadata["frame"] = "the cloud's frame: the table frame, z up, table top at z = 0";
  metadata["model"] = json::parse(model->config().ToJson());
  metadata["parameters"] = model->parameters();
  metadata["limits"] = {{"max_body_bytes", o.max_body},
                        {"max_points", o.max_points},
                        {"max_count", o.max_count},
                        {"max_validate", o.max_validate}};
  // answers every handler's exception as a 4xx / 500 with a message
  auto guarded = [&](auto handler) {
    return [handler, &log](const httplib::Request& req, httplib::Response& res) {
      try {
        handler(req, res);
      } catch (const BadRequest& e) {
        Reply(res, e.status, {{"error", e.message}});
      } catch (const json::exception& e) {
        Reply(res, 400, {{"error", std::string("bad JSON: ") + e.what()}});
      } catch (const std::exception& e) {
        log << "serve: internal error on " << req.path << ": " << e.what() << "\n";
        Reply(res, 500, {{"error", std::string("internal error: ") + e.what()}});
      }
    };
  };
  auto body_json = [](const httplib::Request& req) {
    json body = json::parse(req.body);  // throws json::exception -> 400
    if (!body.is_object()) throw BadRequest{400, "the body must be a JSON object"};
    return body;
  };
  server.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    Reply(res, 200, {{"status", "ok"}});
  });
  server.Get("/metadata",
             [&](const httplib::Request&, httplib::Response& res) { Reply(res, 200, metadata); });
  // a predict request's cloud, instruction and options, predicted
  auto predict = [&](const json& body, Cloud& cloud, std::string& instruction) {
    cloud = ParseCloud(body, o.max_points);
    const json& text = Field(body, "instruction");
    if (!text.is_string()) throw BadRequest{400, "\"instruction\" must be a string"};
    instruction = text.get<std::string>();
    PredictOptions po;
    po.count = IntField(body, "count", 16, 1, o.max_count, 413);
    po.seed = static_cast<unsigned>(IntField(body, "seed", 0, 0, 1 << 30, 400));
    po.steps = IntField(body, "steps", 0, 0, 100, 400);
    Expected<PredictedGrasps> p = model->Predict(cloud, instruction, po);
    if (!p) throw BadRequest{400, p.error().message};
    return std::move(*p);
  };
  server.Post(
      "/predict", guarded([&](const httplib::Request& req, httplib::Response& res) {
        const json body = body_json(req);
        Cloud cloud;
        std::string instruction;
        const PredictedGrasps prediction = predict(body, cloud, instruction);
        const PredictedGrasps* p = &prediction;
        json grasps = json::array();
        const int ps = p->pose_size;
        for (int g = 0; g < p->count; ++g) {
          grasps.push_back({{"pose", Matrix(&p->grasp[g * ps])},
                            {"joints", json(std::vector<double>(p->grasp.begin() + g * ps + 7,
                                                                p->grasp.begin() + (g + 1) * ps))},
                            {"pregrasp", Row(p->pregrasp, g, ps)},
                            {"grasp", Row(p->grasp, g, ps)},
                            {"squeeze", Row(p->squeeze, g, ps)}});
        }
        Reply(res, 200,
              {{"joint_names", metadata["joint_names"]},
               {"grasps", grasps},
               {"centroid", {p->centroid.x(), p->centroid.y(), p->centroid.z()}},
               {"seconds", p->seconds}});
      }));
  server.Post("/view", guarded([&](const httplib::Request& req, httplib::Response& res) {
                const json body = body_json(req);
                Cloud cloud;
                std::string instruction;
                const PredictedGrasps p = predict(body, cloud, instruction);
                ViewContent content;
                content.title = "dexvlg serve: " + instruction;
                ViewItem item;
                item.title = instruction;
                item.points = cloud.xyz;
                item.colors = cloud.rgb;
                const int ps = p.pose_size;
                auto row = [&](const std::vector<double>& rows, int g) {
                  return std::vector<double>(rows.begin() + g * ps, rows.begin() + (g + 1) * ps);
                };
                for (int g = 0; g < p.count; ++g) {
                  ViewGrasp vg;
                  vg.pregrasp = row(p.pregrasp, g);
                  vg.grasp = row(p.grasp, g);
                  vg.squeeze = row(p.squeeze, g);
                  vg.caption = instruction;
                  vg.result = "not simulated (POST /validate simulates)";
                  item.grasps.push_back(std::move(vg));
                }
                content.items.push_back(std::move(item));
                Expected<std::string> page = ViewerPage(*hand, content, ViewOptions{});
                if (!page) throw BadRequest{503, page.error().message};
                res.status = 200;
                res.set_content(*page, "text/html; charset=utf-8");
              }));
  server.Post(
      "/validate", guarded([&](const httplib::Request& req, httplib::Response& res) {
        const json body = body_json(req);
        const json& object = Field(body, "object");
        if (!object.is_string())
          throw BadRequest{400, "\"object\" must be a procedural object spec"};
        const std::string spec = object.get<std::string>();
        // only procedural objects: a request never names a file on the server
        bool procedural = false;
        for (const std::string& name : ProceduralNames())
          procedural = procedural || spec == name || spec.rfind(name + ":", 0) == 0;
        if (!procedural)
          throw BadRequest{400,
                           "\"object\" must be a procedural object (mug, bottle, hammer, pan, "
                           "box, bowl, with parameters as in mug:size=1.2)"};
        const json& list = Field(body, "grasps");
        if (!list.is_array() || list.empty())
          throw BadRequest{400, "\"grasps\" must be a non-empty array"};
        if (list.size() > static_cast<size_t>(o.max_validate))
          throw BadRequest{413, "more than " + std::to_string(o.max_validate) + " grasps"};
        const auto entry = scenes.Get(spec);
        const LabeledMesh& mesh = *entry->mesh;
        int part = 0;
        if (body.contains("part")) {
          const std::string name = body["part"].get<std::string>();
          part = mesh.PartLabel(name);
          if (part < 0) throw BadRequest{400, "no part \"" + name + "\" on " + spec};
        }
        const size_t ps = hand->pose_size();
        SimWorker worker = entry->scene->MakeWorker();
        json outcomes = json::array();
        for (const json& g : list) {
          std::vector<std::vector<double>> rows;
          for (const char* key : {"pregrasp", "grasp", "squeeze"}) {
            const json& r = Field(g, key);
            if (!r.is_array() || r.size() != ps)
              throw BadRequest{400, std::string("\"") + key + "\" must be a pose row of " +
                                        std::to_string(ps) + " numbers"};
            std::vector<double> row = r.get<std::vector<double>>();
            for (double v : row)
              if (!std::isfinite(v)) throw BadRequest{400, "pose rows must be finite"};
            const double n =
                std::sqrt(row[3] * row[3] + row[4] * row[4] + row[5] * row[5] + row[6] * row[6]);
            if (!(n > 1e-6)) throw BadRequest{400, "a pose row's quaternion is zero"};
            for (int k = 3; k < 7; ++k) row[k] /= n;
            rows.push_back(std::move(row));
          }
          const SimOutcome out = entry->scene->Run(rows[0], rows[1], rows[2], part, worker);
          outcomes.push_back({{"success", out.success},
                              {"valid", out.valid},
                              {"reason", out.reason},
                              {"held", out.held},
                              {"penetration", out.penetration},
                              {"part_aligned", out.part_aligned},
                              {"caption", out.caption}});
        }
        Reply(res, 200,
              {{"object", spec}, {"part", mesh.part_names[part]}, {"outcomes", outcomes}});
      }));
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.body.empty())
      Reply(res, res.status, {{"error", "HTTP " + std::to_string(res.status) + " on " + req.path}});
  });
  const int port = o.port == 0 ? server.bind_to_any_port(o.host) : o.port;
  if (o.port != 0 && !server.bind_to_port(o.host, o.port))
    return Error{"serve: cannot listen on " + o.host + ":" + std::to_string(o.port) +
                 " (in use, or not an address of this machine)"};
  if (port < 0) return Error{"serve: cannot listen on " + o.host};
  std::thread watcher([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.stop();
  });
  log << "serving " << o.model << " (" << model->parameters() << " parameters) on http://" << o.host
      << ":" << port << " with " << o.threads << " threads; SIGTERM stops\n"
      << std::flush;
  if (ready) ready(port);
  const bool ok = server.listen_after_bind();
  pthread_kill(watcher.native_handle(), SIGTERM);  // release the watcher if it still waits
  watcher.join();
  log << "serve: stopped\n" << std::flush;
  if (!ok && server.is_running()) return Error{"serve: the server failed"};
  return Status::Ok();
}

}  // namespace dexvlg
