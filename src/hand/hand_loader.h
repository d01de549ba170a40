// Loading hands: any MJCF hand through MuJoCo's parser plus a hand spec (DESIGN.md §2).
//
// Hand spec JSON (format "dexvlg-hand-spec", version 1; full reference in docs/hand_spec.md):
//   { "format": "dexvlg-hand-spec", "version": 1, "name": "...", "mjcf": "hand.xml",
//     "root_body": "palm",
//     "contacts": [ {"name": "ff_tip", "body": "ffdistal", "pos": [x,y,z], "normal": [x,y,z]} ],
//     "wrap": ["th_tip", ...], "pinch": ["th_tip", "ff_tip", "mf_tip", "palm_center"],
//     "surface_spacing": 0.005,
//     "self_collision": "auto" | [["link_a", "link_b"], ...],
//     "self_collision_exclude": [["link_a", "link_b"], ...] }
// Every field but "format" and "version" is optional: what is missing is derived from the MJCF
// (DeriveHandSpec documents the rules), so a bare MJCF hand loads too.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "hand/hand_model.h"

namespace dexvlg {

inline constexpr const char* kHandSpecFormat = "dexvlg-hand-spec";
inline constexpr int kHandSpecVersion = 1;
/// Default spacing (m) of the per-link surface samples used for self-collision.
inline constexpr double kDefaultSurfaceSpacing = 0.005;
/// "auto" self-collision pairs skip link pairs closer than this (m) in the rest pose: they touch
/// by construction (e.g. a finger base against the palm edge) and would always report contact.
inline constexpr double kSelfPairRestClearance = 0.001;

/// Loads a hand from a spec (.json, which names its MJCF relative to itself) or from an MJCF file
/// (.xml; the spec is derived). Errors name the file and what is wrong.
Expected<HandModel> LoadHand(const std::string& path);

/// Loads the MJCF at `mjcf_path` with the spec at `spec_path` (its "mjcf" field is ignored).
Expected<HandModel> LoadHand(const std::string& mjcf_path, const std::string& spec_path);

/// The built-in dexvlg Shadow Hand: 22 joints, primitive collision shapes; built on first use.
const HandModel& DefaultHand();

/// Texts of the built-in hand's MJCF and spec, as shipped in data/hands/dexvlg_shadow/.
std::string_view DefaultHandMjcf();
std::string_view DefaultHandSpec();

/// The hand's spec as JSON text (names, not indices; `indent` spaces, -1 for one line): what
/// `dexvlg hand spec` writes.
std::string HandSpecText(const HandModel& hand, int indent = 2);

}  // namespace dexvlg
