// Network load balancers' TCP listeners: each connection goes to a target chosen by the listener's forward
// action (healthy targets, round robin) and bytes are copied both ways.

#include "routing/proxy_runtime.hpp"
#include "routing/rule_matcher.hpp"
#include "routing/security_group_filter.hpp"
#include "routing/target_choice.hpp"
#include "routing/tunnel.hpp"

namespace albatross::routing {

asio::awaitable<void> serve_tcp_connection(SharedState& shared, Worker& /*worker*/, tcp::socket socket,
                                           std::shared_ptr<const Endpoint> endpoint) {
  const SnapshotPtr snapshot = shared.snapshots.get();
  const Listener* listener = nullptr;
  for (const auto& candidate : snapshot->listeners)
    if (!endpoint->listener_arns.empty() && candidate.arn == endpoint->listener_arns.front()) listener = &candidate;
  if (!listener || listener->rules.empty()) co_return;
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  if (ec) co_return;
  const auto lb = snapshot->load_balancers.find(listener->load_balancer_arn);
  if (lb != snapshot->load_balancers.end() &&
      !load_balancer_admits(*snapshot, lb->second, listener->port, peer.address().to_string())) {
    refuse_connection(socket);
    co_return;
  }
  const Action& action = listener->rules.back().action;  // NLB listeners have only their default action
  if (action.type != ActionType::Forward) co_return;
  TargetChoice choice;
  {
    std::lock_guard lock(shared.selection_mutex);
    ChoiceContext context;
    context.now = epoch_seconds();
    context.steady_now = steady_seconds();
    context.time_scale = shared.time_scale;
    context.random = static_cast<std::uint64_t>(std::rand());
    choice = choose_target(*snapshot, action, *shared.health.view(), shared.selector_states, shared.outstanding, context);
  }
  if (!choice.target) co_return;  // an NLB resets connections it cannot place
  if (choice.target->traffic_blocked) {
    // The target's security groups drop the load balancer's SYN: the connect times out, then the client is reset.
    asio::steady_timer wait(socket.get_executor(), kTargetConnectTimeout);
    co_await wait.async_wait(kNoThrow);
    refuse_connection(socket);
    co_return;
  }
  const auto address = asio::ip::make_address(connect_address_of(*choice.target), ec);
  if (ec) co_return;
  tcp::socket upstream(socket.get_executor());
  auto [connect_ec] = co_await upstream.async_connect(
      tcp::endpoint(address, static_cast<unsigned short>(connect_port_of(*choice.target))), kNoThrow);
  if (connect_ec) co_return;
  co_await tunnel(socket, static_cast<beast::flat_buffer*>(nullptr), upstream, static_cast<beast::flat_buffer*>(nullptr));
  socket.close(ec);
  upstream.close(ec);
}

}  // namespace albatross::routing
