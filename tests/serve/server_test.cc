// `dexvlg serve` as a client sees it: health and metadata, predictions as JSON and as base64,
// validation, a fuzz of malformed and hostile requests (every one a 4xx, the server still
// answering after them), concurrent clients with latency percentiles, and a clean SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include "model/toy_data.h"
#include "model/train.h"
#include "serve/server.h"
#include "view/view.h"

// last: httplib includes <resolv.h>, whose `_res` macro breaks Eigen headers included after it
#include <httplib.h>

namespace dexvlg {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Server {
  pid_t pid = -1;
  int port = 0;
  ~Server() {  // a failed test never leaves a server behind
    if (pid > 0 && waitpid(pid, nullptr, WNOHANG) == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};

// A small trained model (the toy mug) and the server on a free port.
void Start(Server& s, const std::string& root, const std::vector<std::string>& extra = {}) {
  const std::string model = root + "/model";
  if (!fs::exists(model + "/model.h5")) {
    const std::string data = testing::WriteToyDataset(root + "/data", 4, 1);
    Expected<TrainingSet> set = TrainingSet::FromShards(ListShards(data));
    DEXVLG_DEMAND(set.ok(), set.error().message);
    ModelConfig c = testing::TinyConfig();
    c.steps = 5;
    TrainOptions o;
    o.out = model;
    fs::create_directories(model);
    std::ostringstream log;
    DEXVLG_DEMAND(Train(c, *set, TrainingSet{}, o, log).ok(), "toy training failed");
  }
  const std::string out = root + "/serve.log";
  fs::remove(out);
  s.pid = fork();
  if (s.pid == 0) {
    std::vector<std::string> args = {DEXVLG_BINARY,  "serve", "--model",    model,
                                     "--port",       "0",     "--max-body", "1000000",
                                     "--max-points", "20000"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (!freopen(out.c_str(), "w", stdout) || !freopen(out.c_str(), "a", stderr)) _exit(126);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const std::regex listening("http://127\\.0\\.0\\.1:([0-9]+)");
  for (int i = 0; i < 600 && s.port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream in(out);
    std::stringstream text;
    text << in.rdbuf();
    std::smatch m;
    const std::string t = text.str();
    if (std::regex_search(t, m, listening)) s.port = std::stoi(m[1]);
  }
}

int Stop(Server& s) {
  kill(s.pid, SIGTERM);
  int status = 0;
  for (int i = 0; i < 200; ++i) {
    if (waitpid(s.pid, &status, WNOHANG) == s.pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(s.pid, SIGKILL);
  waitpid(s.pid, &status, 0);
  return -2;  // did not stop within 10 s
}

json Cloud(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-0.04, 0.04);
  json points = json::array(), colors = json::array();
  for (int i = 0; i < n; ++i) {
    points.push_back({u(rng), u(rng), 0.05 + u(rng)});
    colors.push_back({120, 80, 60});
  }
  return {{"points", points}, {"colors", colors}};
}

std::string Base64(const std::string& bytes) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v =
        (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int k = 3; k >= 0; --k) out += a[(v >> (6 * k)) & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= uint8_t(bytes[i + 1]) << 8;
    out += a[(v >> 18) & 63];
    out += a[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? a[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

TEST(ServeTest, Base64DecodesAndRefusesJunk) {
  std::string bytes;
  ASSERT_TRUE(DecodeBase64(Base64("hello world!?"), bytes));
  EXPECT_EQ(bytes, "hello world!?");
  EXPECT_FALSE(DecodeBase64("ab$d", bytes));
  EXPECT_FALSE(DecodeBase64("ab=c", bytes));
}

TEST(ServeTest, AnswersPredictsValidatesSurvivesFuzzAndStops) {
  const std::string root = testing::ProcessTemp("dexvlg_serve_test");
  Server s;
  Start(s, root);
  ASSERT_GT(s.port, 0) << "the server did not start";
  httplib::Client client("127.0.0.1", s.port);
  client.set_read_timeout(60, 0);
  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto meta = client.Get("/metadata");
  ASSERT_TRUE(meta);
  const json m = json::parse(meta->body);
  EXPECT_EQ(m["joint_names"].size(), 22u);
  // predict, JSON arrays
  json req = Cloud(500, 1);
  req["instruction"] = "grasp the handle of the mug";
  req["count"] = 4;
  auto pred = client.Post("/predict", req.dump(), "application/json");
  ASSERT_TRUE(pred);
  ASSERT_EQ(pred->status, 200) << pred->body;
  const json p = json::parse(pred->body);
  ASSERT_EQ(p["grasps"].size(), 4u);
  for (const json& g : p["grasps"]) {
    const json& T = g["pose"];
    double det = 0;  // the 4 x 4 pose's rotation is a rotation
    for (int c = 0; c < 3; ++c)
      det += T[0][c].get<double>() *
             (T[1][(c + 1) % 3].get<double>() * T[2][(c + 2) % 3].get<double>() -
              T[1][(c + 2) % 3].get<double>() * T[2][(c + 1) % 3].get<double>());
    EXPECT_NEAR(det, 1.0, 1e-6);
    EXPECT_EQ(g["grasp"].size(), 29u);
    EXPECT_EQ(g["joints"].size(), 22u);
  }
  // the same cloud as base64 float32: the same grasps
  std::string xyz, rgb;
  for (const json& q : req["points"])
    for (int k = 0; k < 3; ++k) {
      const float f = q[k].get<float>();
      xyz.append(reinterpret_cast<const char*>(&f), 4);
      rgb.push_back(static_cast<char>(req["colors"][0][k].get<int>()));
    }
  json b64 = {{"points_b64", Base64(xyz)},
              {"colors_b64", Base64(std::string(rgb.size() * 0 + xyz.size() / 4, '\0'))},
              {"instruction", req["instruction"]},
              {"count", 4}};
  std::string colours;
  for (size_t i = 0; i < req["points"].size(); ++i) colours += std::string("\x78\x50\x3c", 3);
  b64["colors_b64"] = Base64(colours);
  auto pred2 = client.Post("/predict", b64.dump(), "application/json");
  ASSERT_TRUE(pred2);
  ASSERT_EQ(pred2->status, 200) << pred2->body;
  EXPECT_EQ(json::parse(pred2->body)["grasps"][0]["grasp"], p["grasps"][0]["grasp"]);
  // the viewer page of the same request: three.js inlined, the predicted grasps inside
  auto page = client.Post("/view", req.dump(), "application/json");
  ASSERT_TRUE(page);
  if (std::filesystem::exists(ThreeDir() + "/build/three.core.js")) {
    ASSERT_EQ(page->status, 200) << page->body.substr(0, 300);
    EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
    EXPECT_NE(page->body.find("<script type=\"importmap\">"), std::string::npos);
    EXPECT_NE(page->body.find("\"grasp_frame\""), std::string::npos);
  } else {
    EXPECT_EQ(page->status, 503) << "without three.js the page is refused with the reason";
  }
  auto bad_view = client.Post("/view", "{\"instruction\": \"x\"}", "application/json");
  ASSERT_TRUE(bad_view);
  EXPECT_EQ(bad_view->status, 400);
  // validate two predicted grasps on the procedural mug
  json val = {{"object", "mug"}, {"part", "handle"}, {"grasps", json::array()}};
  for (int g = 0; g < 2; ++g)
    val["grasps"].push_back({{"pregrasp", p["grasps"][g]["pregrasp"]},
                             {"grasp", p["grasps"][g]["grasp"]},
                             {"squeeze", p["grasps"][g]["squeeze"]}});
  auto v = client.Post("/validate", val.dump(), "application/json");
  ASSERT_TRUE(v);
  ASSERT_EQ(v->status, 200) << v->body;
  EXPECT_EQ(json::parse(v->body)["outcomes"].size(), 2u);
  // malformed and hostile requests: each a 4xx with a message
  std::vector<std::pair<std::string, std::string>> bad = {
      {"/predict", ""},
      {"/predict", "{"},
      {"/predict", "[1, 2, 3]"},
      {"/predict", "{\"instruction\": \"x\"}"},
      {"/predict", "{\"points\": 5, \"instruction\": \"x\"}"},
      {"/predict", "{\"points\": [[1, 2]], \"instruction\": \"x\"}"},
      {"/predict", "{\"points\": [[1, 2, \"a\"]], \"instruction\": \"x\"}"},
      {"/predict", "{\"points\": [[0, 0, 0]], \"instruction\": 7}"},
      {"/predict", "{\"points\": [[0, 0, 0]], \"instruction\": \"   \"}"},
      {"/predict", "{\"points\": [[0, 0, 0]], \"instruction\": \"x\", \"count\": -1}"},
      {"/predict", "{\"points\": [[0, 0, 0]], \"instruction\": \"x\", \"count\": 1e9}"},
      {"/predict", "{\"points\": [[0, 0, 0]], \"instruction\": \"x\", \"count\": 99999}"},
      {"/predict", "{\"points_b64\": \"!!!\", \"instruction\": \"x\"}"},
      {"/predict", "{\"points_b64\": \"AAAA\", \"instruction\": \"x\"}"},
      {"/predict",
       "{\"points\": [[0, 0, 0]], \"colors\": [[1, 2, 3], [4, 5, 6]], \"instruction\": \"x\"}"},
      {"/validate", "{\"object\": \"../../etc/passwd\", \"grasps\": [{}]}"},
      {"/validate", "{\"object\": \"/etc/passwd\", \"grasps\": [{}]}"},
      {"/validate", "{\"object\": \"mug\", \"grasps\": []}"},
      {"/validate", "{\"object\": \"mug\", \"grasps\": [{\"grasp\": [1]}]}"},
      {"/validate", "{\"object\": \"mug\", \"part\": \"spout\", \"grasps\": [{}]}"},
      {"/validate", "{\"object\": \"mug:size=-3\", \"grasps\": [{\"pregrasp\": [0]}]}"},
  };
  // NaN and huge clouds
  bad.push_back({"/predict", "{\"points\": [[NaN, 0, 0]], \"instruction\": \"x\"}"});
  json big = Cloud(25000, 2);
  big["instruction"] = "x";
  bad.push_back({"/predict", big.dump()});  // over --max-points or --max-body
  std::mt19937 rng(5);
  for (int i = 0; i < 20; ++i) {  // random bytes
    std::string junk(1 + rng() % 300, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    bad.push_back({i % 2 ? "/predict" : "/validate", junk});
  }
  for (const auto& [path, body] : bad) {
    auto r = client.Post(path.c_str(), body, "application/json");
    ASSERT_TRUE(r) << "no answer to " << body.substr(0, 80);
    EXPECT_GE(r->status, 400) << body.substr(0, 80);
    EXPECT_LT(r->status, 500) << body.substr(0, 80) << " -> " << r->body;
    EXPECT_NE(r->body.find("error"), std::string::npos);
  }
  auto still = client.Get("/health");
  ASSERT_TRUE(still);
  EXPECT_EQ(still->status, 200);
  // concurrent clients: no errors; latency percentiles on stderr
  const int clients = 6, each = 4;
  std::vector<double> ms(clients * each, -1);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      httplib::Client cl("127.0.0.1", s.port);
      cl.set_read_timeout(120, 0);
      json r = Cloud(2000, 10 + c);
      r["instruction"] = "grasp the body of the mug";
      r["count"] = 8;
      const std::string body = r.dump();
      for (int i = 0; i < each; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        auto res = cl.Post("/predict", body, "application/json");
        if (res && res->status == 200)
          ms[c * each + i] =
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                  .count();
      }
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::count(ms.begin(), ms.end(), -1.0), 0) << "failed requests under load";
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double q) { return ms[std::min(ms.size() - 1, size_t(q * ms.size()))]; };
  std::cerr << "load: " << clients << " clients x " << each << " predict requests (2,000 points, "
            << "8 grasps): p50 " << pct(0.5) << " ms, p95 " << pct(0.95) << " ms, p99 " << pct(0.99)
            << " ms, 0 errors\n";
  EXPECT_EQ(Stop(s), 0);  // SIGTERM: a clean exit
}

}  // namespace
}  // namespace dexvlg
