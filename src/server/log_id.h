// Random version-4 UUIDs for the `logId` of every response.
#pragma once
#include <string>

namespace ppocr::server {

std::string new_log_id();

}  // namespace ppocr::server
