// SHA-256 of bytes as lowercase hex, the same text `sha256sum` prints. Used for rule-file versions.
#ifndef ESTIMATOR_COMMON_SHA256_H_
#define ESTIMATOR_COMMON_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace estimator {

std::string Sha256Hex(absl::string_view bytes);

}  // namespace estimator

#endif  // ESTIMATOR_COMMON_SHA256_H_
