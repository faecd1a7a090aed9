#pragma once
// The blob routes of the registry: downloads (with Range) and uploads (start, cross-repository mount,
// chunks, completion with digest verification). Internal to the registry server.

#include <boost/asio/awaitable.hpp>

#include <string>

#include "services/ecr/registry/registry_exchange.hpp"

namespace albatross::ecr::registry_http {

// GET/HEAD /v2/<name>/blobs/<digest>
asio::awaitable<bool> get_blob(Exchange& ex, const std::string& digest);
// POST /v2/<name>/blobs/uploads/ (also ?mount=&from= and monolithic ?digest=)
asio::awaitable<bool> start_upload(Exchange& ex);
// GET/PATCH/PUT/DELETE /v2/<name>/blobs/uploads/<id>
asio::awaitable<bool> continue_upload(Exchange& ex, const std::string& id);

}  // namespace albatross::ecr::registry_http
