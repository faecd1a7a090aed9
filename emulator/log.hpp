#pragma once
// One-line logging to stderr, safe from any thread.

#include <string_view>

#include "emulator/config.hpp"

namespace albatross::log {

void set_level(LogLevel level);
bool enabled(LogLevel level);
void write(LogLevel level, std::string_view message);

inline void debug(std::string_view message) { write(LogLevel::Debug, message); }
inline void info(std::string_view message) { write(LogLevel::Info, message); }
inline void warn(std::string_view message) { write(LogLevel::Warn, message); }
inline void error(std::string_view message) { write(LogLevel::Error, message); }

}  // namespace albatross::log
