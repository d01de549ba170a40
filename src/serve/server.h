// `dexvlg serve` (docs/serve.md): the model behind HTTP + JSON for robots and notebooks. Every
// request is limited (body size, points, grasps) and checked; a bad one gets a 4xx with a message
// and never takes the server down; SIGTERM and SIGINT stop it cleanly.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include "core/status.h"

namespace dexvlg {

struct ServeOptions {
  std::string model;  ///< model folder or file
  std::string hand;   ///< "" = the model's hand
  std::string host = "127.0.0.1";
  int port = 8080;              ///< 0: any free port (printed)
  size_t max_body = 64u << 20;  ///< bytes
  int max_points = 500000;      ///< per cloud
  int max_count = 256;          ///< grasps per predict request
  int max_validate = 32;        ///< grasps per validate request
  int threads = 4;              ///< requests served at once
  Status Validate() const;
};

/// Loads the model and serves until SIGTERM / SIGINT (or `stop` returns true when polled).
/// `ready(port)` is called once listening.
Status Serve(const ServeOptions& options, std::ostream& log,
             const std::function<void(int port)>& ready = {});

/// Decodes standard base64 (RFC 4648, padding optional); false on a bad character.
bool DecodeBase64(const std::string& text, std::string& bytes);

}  // namespace dexvlg
