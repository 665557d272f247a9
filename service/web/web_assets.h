// The front desk's page (index.html, app.js, style.css in this folder), compiled into the server
// by cmake/embed_web_assets.cmake so that it needs no files and no network at run time.
#ifndef ESTIMATOR_WEB_WEB_ASSETS_H_
#define ESTIMATOR_WEB_WEB_ASSETS_H_

#include "absl/strings/string_view.h"

namespace estimator::web {

struct WebAsset {
  absl::string_view path;          // "/index.html"
  absl::string_view content_type;  // "text/html; charset=utf-8"
  absl::string_view body;
};

// The asset served at `path`, or null.
const WebAsset* FindWebAsset(absl::string_view path);

}  // namespace estimator::web

#endif  // ESTIMATOR_WEB_WEB_ASSETS_H_
