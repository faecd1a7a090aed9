#pragma once
// `albatross status`: renders the /_albatross/state picture (admin_state.hpp) as a text tree. Pure.

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace albatross {

struct TreeStyle {
  bool colour = false;  // ANSI colours (only when writing to a terminal)
};

std::string render_status_tree(const nlohmann::json& state, TreeStyle style = {});

}  // namespace albatross
