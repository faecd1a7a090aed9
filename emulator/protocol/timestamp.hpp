#pragma once
// ISO-8601 <-> epoch seconds, without the C library's time-zone state.

#include <optional>
#include <string>
#include <string_view>

namespace albatross::protocol {

// Parses an ISO-8601 date-time ("2016-03-25T21:26:12.920Z", "2016-03-25T21:26:12+01:00",
// "2016-03-25 21:26:12", "2016-03-25"; no zone = UTC) or a plain epoch number ("1458940772.92").
// Returns epoch seconds, nullopt when the text is neither.
std::optional<double> parse_timestamp(std::string_view text);

// Epoch seconds -> "2016-03-25T21:26:12.920Z" (UTC, milliseconds).
std::string format_iso8601(double epoch_seconds);

}  // namespace albatross::protocol
