#include "service/good_faith/gfe_document.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/common/money.h"

namespace estimator {
namespace {

constexpr absl::string_view kStyle = R"(
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 11pt;
       color: #000; margin: 2em auto; max-width: 52em; line-height: 1.35; }
h1 { font-size: 16pt; margin-bottom: 0.2em; }
h2 { font-size: 12.5pt; margin: 1.2em 0 0.4em; border-bottom: 1px solid #444; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0; }
th, td { border: 1px solid #666; padding: 0.25em 0.4em; text-align: left; vertical-align: top; }
td.money, th.money { text-align: right; white-space: nowrap; }
dl { display: grid; grid-template-columns: 12em 1fr; gap: 0.15em 1em; margin: 0.4em 0; }
dt { font-weight: bold; }
dd { margin: 0; }
.total { font-weight: bold; }
.disclaimer { margin: 0.5em 0; }
@page { size: letter; margin: 18mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  tr, .provider, .disclaimer { break-inside: avoid; }
  h2 { break-after: avoid; }
}
)";

std::string Dollars(int64_t cents) { return EscapeHtml(FormatMoney(Money::Cents(cents))); }

std::string Row(absl::string_view term, absl::string_view value_html) {
  return absl::StrCat("<dt>", EscapeHtml(term), "</dt><dd>", value_html, "</dd>\n");
}

std::string Address(const v1::PostalAddress& a) {
  std::vector<std::string> lines;
  for (const std::string& l : a.street_lines()) lines.push_back(EscapeHtml(l));
  lines.push_back(EscapeHtml(absl::StrCat(a.city(), ", ", a.state(), " ", a.postal_code())));
  return absl::StrJoin(lines, "<br>");
}

void Provider(const v1::GfeProvider& p, std::string& out) {
  absl::StrAppend(&out, "<section class=\"provider\">\n<h3>", EscapeHtml(p.legal_name()),
                  "</h3>\n<dl>\n", Row("NPI", EscapeHtml(p.npi())), Row("TIN", EscapeHtml(p.tin())),
                  Row("Address", Address(p.address())), Row("State", EscapeHtml(p.address().state())),
                  Row("Phone", EscapeHtml(p.phone())), "</dl>\n");
  absl::StrAppend(&out,
                  "<table>\n<thead><tr><th>Service code</th><th>Item or service</th>"
                  "<th>Diagnosis codes</th><th class=\"money\">Quantity</th>"
                  "<th class=\"money\">Unit charge</th><th>Dates</th>"
                  "<th class=\"money\">Expected charge</th></tr></thead>\n<tbody>\n");
  for (const v1::GfeItem& i : p.items()) {
    absl::StrAppend(&out, "<tr><td>", i.service_code().empty() ? "&mdash;" : EscapeHtml(i.service_code()),
                    "</td><td>", EscapeHtml(i.description()), "</td><td>",
                    EscapeHtml(absl::StrJoin(i.diagnosis_codes(), ", ")), "</td><td class=\"money\">",
                    i.quantity(), "</td><td class=\"money\">", Dollars(i.unit_charge_cents()),
                    "</td><td>", EscapeHtml(i.first_date()),
                    i.last_date() != i.first_date() ? absl::StrCat(" to ", EscapeHtml(i.last_date())) : "",
                    "</td><td class=\"money\">", Dollars(i.expected_charge_cents()), "</td></tr>\n");
  }
  absl::StrAppend(&out, "<tr class=\"total\"><td colspan=\"6\">Total expected charges from ",
                  EscapeHtml(p.legal_name()), "</td><td class=\"money\">",
                  Dollars(p.expected_charges_cents()), "</td></tr>\n</tbody>\n</table>\n</section>\n");
}

}  // namespace

std::string EscapeHtml(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string RenderGoodFaithEstimateHtml(const v1::GoodFaithEstimate& g, absl::string_view quote_id) {
  std::string out;
  absl::StrAppend(&out,
                  "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<title>Good Faith Estimate ", EscapeHtml(quote_id), "</title>\n<style>", kStyle,
                  "</style>\n</head>\n<body>\n"
                  "<h1>Good Faith Estimate for Health Care Items and Services</h1>\n"
                  "<p>Under the No Surprises Act, health care providers must give patients who do "
                  "not have insurance or who are not using insurance an estimate of the bill for "
                  "medical items and services.</p>\n");
  absl::StrAppend(&out, "<h2>Patient</h2>\n<dl>\n", Row("Patient name", EscapeHtml(g.patient().name())),
                  Row("Date of birth", EscapeHtml(g.patient().date_of_birth())),
                  Row("Estimate number", EscapeHtml(quote_id)), Row("Issued on", EscapeHtml(g.issued_on())),
                  "</dl>\n");
  absl::StrAppend(&out, "<h2>Primary service</h2>\n<dl>\n",
                  Row("Service", EscapeHtml(g.primary_service())),
                  Row("Scheduled date", g.scheduled_date().empty() ? std::string("Not yet scheduled")
                                                                   : EscapeHtml(g.scheduled_date())),
                  Row("Sessions", EscapeHtml(g.series())),
                  Row("Period covered", EscapeHtml(absl::StrCat(g.period_start(), " to ", g.period_end(),
                                                                " (at most 12 months)"))),
                  Row("Sessions included", absl::StrCat(g.sessions_included())),
                  Row("Diagnosis codes", EscapeHtml(absl::StrJoin(g.diagnosis_codes(), ", "))), "</dl>\n");
  if (g.sessions_left_out() > 0) {
    absl::StrAppend(&out, "<p>", g.sessions_left_out(),
                    g.sessions_left_out() == 1 ? " later session is" : " later sessions are",
                    " not included in this estimate because they fall after ", EscapeHtml(g.period_end()),
                    ". A new Good Faith Estimate will be given for them.</p>\n");
  }
  absl::StrAppend(&out, "<h2>Providers and expected charges</h2>\n");
  for (const v1::GfeProvider& p : g.providers()) Provider(p, out);
  absl::StrAppend(&out, "<p class=\"total\">Total expected charges: ",
                  Dollars(g.total_expected_charges_cents()), "</p>\n");
  absl::StrAppend(&out, "<h2>Items or services to be scheduled separately</h2>\n");
  if (g.separately_scheduled().empty()) {
    absl::StrAppend(&out, "<p>None expected.</p>\n");
  } else {
    absl::StrAppend(&out, "<ul>\n");
    for (const std::string& s : g.separately_scheduled()) absl::StrAppend(&out, "<li>", EscapeHtml(s), "</li>\n");
    absl::StrAppend(&out, "</ul>\n");
  }
  absl::StrAppend(&out, "<h2>When this estimate was due</h2>\n<p>",
                  EscapeHtml(g.deadline().explanation()), "</p>\n");
  if (!g.changes().empty()) {
    absl::StrAppend(&out, "<h2>What changed from the earlier estimate</h2>\n<ul>\n");
    for (const std::string& c : g.changes()) absl::StrAppend(&out, "<li>", EscapeHtml(c), "</li>\n");
    absl::StrAppend(&out, "</ul>\n");
  }
  absl::StrAppend(&out, "<h2>Disclaimers</h2>\n");
  for (const std::string& d : g.disclaimers()) {
    absl::StrAppend(&out, "<p class=\"disclaimer\">", EscapeHtml(d), "</p>\n");
  }
  absl::StrAppend(&out, "</body>\n</html>\n");
  return out;
}

}  // namespace estimator
