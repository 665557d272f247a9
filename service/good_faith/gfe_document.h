// The printable Good Faith Estimate: one self-contained HTML page (inline print stylesheet, no
// scripts, no links to anything, every value escaped). Pure: the same estimate gives the same bytes,
// which are stored with the quote and returned identically on every read.
//
//   gfe.set_document_html(RenderGoodFaithEstimateHtml(gfe, "q_abc..."));
#ifndef ESTIMATOR_GOOD_FAITH_GFE_DOCUMENT_H_
#define ESTIMATOR_GOOD_FAITH_GFE_DOCUMENT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "estimator/v1/quotes.pb.h"

namespace estimator {

// & < > " ' as character references; everything else as is.
std::string EscapeHtml(absl::string_view text);

std::string RenderGoodFaithEstimateHtml(const v1::GoodFaithEstimate& gfe, absl::string_view quote_id);

}  // namespace estimator

#endif  // ESTIMATOR_GOOD_FAITH_GFE_DOCUMENT_H_
