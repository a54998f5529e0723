// Standard Base64 (RFC 4648, '+' '/' alphabet) for request files and response images.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace ppocr::server {

std::string base64_encode(std::string_view bytes);

// Decodes standard Base64. Whitespace is skipped, padding is optional, and a
// "data:<mime>;base64," prefix is accepted. On bad input returns nullopt and
// sets *why (if given) to what was wrong.
std::optional<std::string> base64_decode(std::string_view text, std::string* why = nullptr);

}  // namespace ppocr::server
