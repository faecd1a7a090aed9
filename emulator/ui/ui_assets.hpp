#pragma once
// The dashboard's files (emulator/ui/*.html|js|css), compiled into the binary by scripts/embed_files.cmake
// so /_albatross/ui needs no build step and no files next to the binary.

#include <optional>
#include <string>
#include <string_view>

namespace albatross::ui {

// Generated: the content of emulator/ui/<name>, empty when there is no such file.
std::string_view embedded_ui_file(std::string_view name);

struct UiAsset {
  std::string_view content;
  std::string content_type;
};

// The asset for a request path: /_albatross/ui (and /_albatross/ui/) → index.html, /_albatross/ui/<file>.
std::optional<UiAsset> ui_asset(std::string_view path);

}  // namespace albatross::ui
