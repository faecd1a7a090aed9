#pragma once
// Renders a redirect action's templates for one request (AWS §3.3): #{protocol}, #{host}, #{port}, #{path},
// #{query} are replaced in a single pass (text coming from the request is never re-expanded), and the
// Location always carries the port, even 80/443: "https://site.example:443/a/b?x=1".

#include <string>
#include <string_view>

#include "routing/request_view.hpp"
#include "routing/snapshot.hpp"

namespace albatross::routing {

struct RedirectTarget {
  int status = 301;  // 301 or 302
  std::string location;
};

RedirectTarget render_redirect(const Action& action, const RequestView& request);

// One template with the request's keyword values; unknown "#{...}" sequences are kept as written.
std::string expand_redirect_template(std::string_view text, const RequestView& request);

}  // namespace albatross::routing
