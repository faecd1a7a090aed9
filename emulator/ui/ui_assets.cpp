#include "emulator/ui/ui_assets.hpp"

namespace albatross::ui {

std::optional<UiAsset> ui_asset(std::string_view path) {
  constexpr std::string_view kPrefix = "/_albatross/ui";
  if (!path.starts_with(kPrefix)) return std::nullopt;
  std::string_view name = path.substr(kPrefix.size());
  if (name.empty() || name == "/")
    name = "index.html";
  else if (name.front() == '/')
    name.remove_prefix(1);
  else
    return std::nullopt;
  if (name.find('/') != std::string_view::npos) return std::nullopt;  // flat directory, no traversal
  const std::string_view content = embedded_ui_file(name);
  if (content.empty()) return std::nullopt;
  std::string type = "application/octet-stream";
  if (name.ends_with(".html"))
    type = "text/html; charset=utf-8";
  else if (name.ends_with(".js"))
    type = "text/javascript; charset=utf-8";
  else if (name.ends_with(".css"))
    type = "text/css; charset=utf-8";
  return UiAsset{content, type};
}

}  // namespace albatross::ui
