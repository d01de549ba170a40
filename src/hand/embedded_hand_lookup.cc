// Bridges the generated embedded-file table into the hand library's namespace.
#include <string_view>

namespace dexvlg {
namespace embedded_hand {
std::string_view EmbeddedFile(std::string_view key);
}  // namespace embedded_hand

std::string_view EmbeddedHandFile(std::string_view key) { return embedded_hand::EmbeddedFile(key); }

}  // namespace dexvlg
