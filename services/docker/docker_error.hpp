#pragma once
// The one error type of the Docker client: the daemon's own message when it answered, or why it could not be
// reached (status 0: socket missing, connection refused, timeout).

#include <stdexcept>
#include <string>

namespace albatross::docker {

class DockerError : public std::runtime_error {
 public:
  DockerError(int status, const std::string& message, bool timed_out = false)
      : std::runtime_error(message), status_(status), timed_out_(timed_out) {}

  int status() const { return status_; }                   // HTTP status, 0 when the daemon did not answer
  bool unreachable() const { return status_ == 0; }        // no answer: daemon down, or timed out
  bool timed_out() const { return timed_out_; }            // the call's timeout passed (daemon may be busy)
  bool not_found() const { return status_ == 404; }
  bool conflict() const { return status_ == 409; }         // e.g. name in use, container not running

 private:
  int status_;
  bool timed_out_;
};

}  // namespace albatross::docker
