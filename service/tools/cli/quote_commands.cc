#include "service/tools/cli/quote_commands.h"

#include <fstream>
#include <functional>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "estimator/v1/quotes.grpc.pb.h"
#include "service/common/money.h"
#include "service/common/status_macros.h"
#include "service/tools/cli/estimate_format.h"
#include "service/tools/cli/requests.h"
#include "service/tools/table_format.h"

ABSL_FLAG(bool, save, false,
          "quote, compare: also save the answer as a quote (QuoteService) and print its id.");
ABSL_FLAG(std::string, patient_ref, "",
          "The clinic's id for the patient (e.g. an MRN; never a name), saved with a quote or "
          "used to find quotes.");
ABSL_FLAG(std::string, channel, "front_desk",
          "quote/compare --save, gfe: how the patient asked: front_desk|portal|billing (the "
          "server requires portal from the portal role).");
ABSL_FLAG(std::string, id, "", "show, void, dispute: the quote id (q_...).");
ABSL_FLAG(std::string, reason, "", "void: why the quote is void.");
ABSL_FLAG(std::string, from, "", "quotes: created on or after, YYYY-MM-DD (UTC).");
ABSL_FLAG(std::string, to, "", "quotes: created on or before, YYYY-MM-DD (UTC).");
ABSL_FLAG(std::string, kind, "", "quotes: estimate|comparison|gfe.");
ABSL_FLAG(std::string, status, "", "quotes: issued|voided|replaced|expired.");
ABSL_FLAG(int32_t, page_size, 0, "quotes: 1-100 per page. Default: 20.");
ABSL_FLAG(std::string, page_token, "", "quotes: the next page's token, as printed.");
ABSL_FLAG(std::string, html_out, "",
          "gfe, show: write the Good Faith Estimate's printable page (HTML) to this file.");
ABSL_FLAG(std::string, patient_name, "", "gfe: the patient's name as it goes on the estimate.");
ABSL_FLAG(std::string, birth_date, "", "gfe: the patient's date of birth, YYYY-MM-DD.");
ABSL_FLAG(std::string, diagnoses, "", "gfe: ICD-10-CM codes, comma-separated (F33.2,F41.1).");
ABSL_FLAG(std::string, scheduled_on, "",
          "gfe: the day the course was scheduled, YYYY-MM-DD. Default: not scheduled (asked for).");
ABSL_FLAG(std::string, replaces, "", "gfe: the id of the earlier estimate this one replaces.");
ABSL_FLAG(std::string, bill_date, "", "dispute: the bill's date, YYYY-MM-DD.");
ABSL_FLAG(std::string, billed, "",
          "dispute: what each provider billed, NPI:dollars, comma-separated "
          "(1234567893:12345.00).");

namespace estimator {
namespace cli {
namespace {

using Stub = v1::QuoteService::Stub;

std::string Dollars(int64_t cents) { return FormatMoney(Money::Cents(cents)); }

std::string Word(absl::string_view enum_name, absl::string_view prefix) {
  std::string w(enum_name.substr(std::min(prefix.size(), enum_name.size())));
  return absl::AsciiStrToLower(w);
}

std::string StatusWord(v1::QuoteStatus s) { return Word(v1::QuoteStatus_Name(s), "QUOTE_STATUS_"); }
std::string KindWord(v1::QuoteKind k) {
  return k == v1::QUOTE_KIND_GOOD_FAITH_ESTIMATE ? "gfe" : Word(v1::QuoteKind_Name(k), "QUOTE_KIND_");
}

absl::Status WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

void PrintQuoteHeader(const v1::Quote& q) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"Quote", q.quote_id()},
      {"Kind", KindWord(q.kind())},
      {"Status", StatusWord(q.status())},
      {"Clinic", q.clinic_id()},
      {"Saved", absl::StrCat(q.created_at(), " by ", q.saved_by(), " (",
                             Word(v1::QuoteChannel_Name(q.channel()), "QUOTE_CHANNEL_"), ")")},
      {"Expires", q.expires_at()},
      {"Rules", q.rule_set_version()},
      {"Answer SHA-256", q.answer_sha256()}};
  if (!q.patient_reference().empty()) fields.push_back({"Patient ref", q.patient_reference()});
  if (!q.replaces().empty()) fields.push_back({"Replaces", q.replaces()});
  if (!q.replaced_by().empty()) fields.push_back({"Replaced by", q.replaced_by()});
  PrintFields(fields);
}

void PrintHistory(const v1::Quote& q) {
  if (q.events().empty()) return;
  std::cout << "\nHistory\n";
  for (const v1::QuoteEvent& e : q.events()) {
    std::cout << "  " << e.at() << "  " << StatusWord(e.status()) << " by " << e.by();
    if (!e.reason().empty()) std::cout << ": " << SingleLine(e.reason());
    if (!e.replaced_by().empty()) std::cout << " (by " << e.replaced_by() << ")";
    std::cout << "\n";
  }
}

void PrintGfe(const v1::GoodFaithEstimate& g) {
  std::cout << "\nGood Faith Estimate\n";
  PrintFields({{"Patient", absl::StrCat(g.patient().name(), ", born ", g.patient().date_of_birth())},
               {"Service", g.primary_service()},
               {"Scheduled", g.scheduled_date().empty() ? "not yet scheduled" : g.scheduled_date()},
               {"Covers", absl::StrCat(g.period_start(), " to ", g.period_end(), ": ",
                                       g.sessions_included(), " sessions")},
               {"Left out", g.sessions_left_out() == 0
                                ? std::string("nothing (the course ends within 12 months)")
                                : absl::StrCat(g.sessions_left_out(),
                                               g.sessions_left_out() == 1 ? " later session"
                                                                          : " later sessions",
                                               ": a new estimate will be given for them")},
               {"Diagnoses", absl::StrJoin(g.diagnosis_codes(), ", ")},
               {"Expected", Dollars(g.total_expected_charges_cents())},
               {"Due", g.deadline().required() ? g.deadline().due_by() : "not required"},
               {"Document", absl::StrCat("SHA-256 ", g.document_sha256())}});
  for (const v1::GfeProvider& p : g.providers()) {
    std::cout << "\n" << p.legal_name() << " (NPI " << p.npi() << ", TIN " << p.tin() << ")\n";
    for (const v1::GfeItem& i : p.items()) {
      std::cout << "  " << (i.service_code().empty() ? "-----" : i.service_code()) << "  "
                << i.quantity() << " x " << Dollars(i.unit_charge_cents()) << " = "
                << Dollars(i.expected_charge_cents()) << "  " << i.description() << "\n";
    }
  }
  for (const std::string& c : g.changes()) std::cout << "  changed: " << c << "\n";
  std::cout << WrapText(g.deadline().explanation(), kTextWidth, "\n", "") ;
}

// Writes the GFE page when --html_out is given; prints where.
int MaybeWriteHtml(const v1::Quote& q) {
  const std::string path = absl::GetFlag(FLAGS_html_out);
  if (path.empty()) return kExitOk;
  if (q.kind() != v1::QUOTE_KIND_GOOD_FAITH_ESTIMATE) {
    return UsageError(FlagError("html_out", "only a Good Faith Estimate has a printable page"));
  }
  if (absl::Status written = WriteFile(path, q.good_faith_estimate().document_html()); !written.ok()) {
    std::cerr << "error: " << written.message() << "\n";
    return kExitCallFailed;
  }
  std::cout << "\nPrintable Good Faith Estimate written to " << path << "\n";
  return kExitOk;
}

void PrintSavedQuote(const v1::Quote& q) {
  PrintQuoteHeader(q);
  if (q.has_estimate()) PrintQuote(q.estimate_request(), q.estimate());
  if (q.has_comparison()) PrintComparison(q.comparison_request(), q.comparison());
  if (q.has_good_faith_estimate()) PrintGfe(q.good_faith_estimate());
  PrintHistory(q);
}

template <typename Request, typename Response>
int Call(Client& client, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
         const absl::StatusOr<Request>& request, const std::function<int(const Response&)>& print) {
  if (!request.ok()) return UsageError(request.status());
  Stub& stub = client.quotes();
  Response response;
  grpc::Status status = (stub.*method)(client.Context().get(), *request, &response);
  if (!status.ok()) return CallFailed(status);
  if (std::optional<int> code = MaybePrintJson(response)) return *code;
  return print(response);
}

absl::StatusOr<v1::QuoteChannel> ChannelFromFlag() {
  const std::string channel = absl::GetFlag(FLAGS_channel);
  if (channel == "front_desk") return v1::QUOTE_CHANNEL_FRONT_DESK;
  if (channel == "portal") return v1::QUOTE_CHANNEL_PATIENT_PORTAL;
  if (channel == "billing") return v1::QUOTE_CHANNEL_BILLING;
  return FlagError("channel", "use front_desk, portal or billing");
}

absl::StatusOr<v1::SaveQuoteRequest> SaveRequest(absl::string_view command) {
  v1::SaveQuoteRequest r;
  if (command == "quote") {
    ASSIGN_OR_RETURN(*r.mutable_estimate(), QuoteRequestFromFlags());
  } else {
    ASSIGN_OR_RETURN(*r.mutable_comparison(), CompareRequestFromFlags());
  }
  r.set_patient_reference(absl::GetFlag(FLAGS_patient_ref));
  ASSIGN_OR_RETURN(v1::QuoteChannel channel, ChannelFromFlag());
  r.set_channel(channel);
  return r;
}

absl::StatusOr<v1::ListQuotesRequest> ListRequest() {
  v1::ListQuotesRequest r;
  r.set_clinic_id(absl::GetFlag(FLAGS_clinic));
  if (r.clinic_id().empty()) return FlagError("clinic", "required");
  r.set_created_from(absl::GetFlag(FLAGS_from));
  r.set_created_to(absl::GetFlag(FLAGS_to));
  r.set_patient_reference(absl::GetFlag(FLAGS_patient_ref));
  const std::string kind = absl::GetFlag(FLAGS_kind);
  if (kind == "estimate") r.set_kind(v1::QUOTE_KIND_ESTIMATE);
  else if (kind == "comparison") r.set_kind(v1::QUOTE_KIND_COMPARISON);
  else if (kind == "gfe") r.set_kind(v1::QUOTE_KIND_GOOD_FAITH_ESTIMATE);
  else if (!kind.empty()) return FlagError("kind", "use estimate, comparison or gfe");
  const std::string status = absl::GetFlag(FLAGS_status);
  v1::QuoteStatus s;
  if (!status.empty()) {
    if (!v1::QuoteStatus_Parse(absl::StrCat("QUOTE_STATUS_", absl::AsciiStrToUpper(status)), &s) ||
        s == v1::QUOTE_STATUS_UNSPECIFIED) {
      return FlagError("status", "use issued, voided, replaced or expired");
    }
    r.set_status(s);
  }
  r.set_page_size(absl::GetFlag(FLAGS_page_size));
  r.set_page_token(absl::GetFlag(FLAGS_page_token));
  return r;
}

absl::StatusOr<std::string> RequiredId() {
  const std::string id = absl::GetFlag(FLAGS_id);
  if (id.empty()) return FlagError("id", "required (a quote id, q_...)");
  return id;
}

absl::StatusOr<v1::IssueGoodFaithEstimateRequest> GfeRequest() {
  v1::IssueGoodFaithEstimateRequest r;
  ASSIGN_OR_RETURN(*r.mutable_estimate(), QuoteRequestFromFlags());
  r.mutable_patient()->set_name(absl::GetFlag(FLAGS_patient_name));
  r.mutable_patient()->set_date_of_birth(absl::GetFlag(FLAGS_birth_date));
  for (absl::string_view code : absl::StrSplit(absl::GetFlag(FLAGS_diagnoses), ',', absl::SkipEmpty())) {
    r.add_diagnosis_codes(std::string(absl::StripAsciiWhitespace(code)));
  }
  r.set_scheduled_on(absl::GetFlag(FLAGS_scheduled_on));
  r.set_replaces_quote_id(absl::GetFlag(FLAGS_replaces));
  r.set_patient_reference(absl::GetFlag(FLAGS_patient_ref));
  ASSIGN_OR_RETURN(v1::QuoteChannel channel, ChannelFromFlag());
  r.set_channel(channel);
  return r;
}

absl::StatusOr<v1::CheckDisputeEligibilityRequest> DisputeRequest() {
  v1::CheckDisputeEligibilityRequest r;
  ASSIGN_OR_RETURN(*r.mutable_quote_id(), RequiredId());
  r.set_bill_date(absl::GetFlag(FLAGS_bill_date));
  for (absl::string_view item : absl::StrSplit(absl::GetFlag(FLAGS_billed), ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> parts = absl::StrSplit(item, absl::MaxSplits(':', 1));
    ASSIGN_OR_RETURN(std::optional<int64_t> cents, ParseDollars("billed", parts.second));
    if (parts.first.empty() || !cents) return FlagError("billed", "write NPI:dollars, e.g. 1234567893:12345.00");
    v1::ProviderBill& bill = *r.add_bills();
    bill.set_npi(parts.first);
    bill.set_billed_cents(*cents);
  }
  return r;
}

}  // namespace

bool IsQuoteCommand(absl::string_view command) {
  return command == "quotes" || command == "show" || command == "void" || command == "gfe" ||
         command == "dispute" ||
         ((command == "quote" || command == "compare") && absl::GetFlag(FLAGS_save));
}

int RunQuoteCommand(absl::string_view command, Client& client) {
  if (command == "quote" || command == "compare") {
    return Call<v1::SaveQuoteRequest, v1::SaveQuoteResponse>(
        client, &Stub::SaveQuote, SaveRequest(command), [](const v1::SaveQuoteResponse& r) {
          const v1::Quote& q = r.quote();
          if (q.has_estimate()) PrintQuote(q.estimate_request(), q.estimate());
          if (q.has_comparison()) PrintComparison(q.comparison_request(), q.comparison());
          std::cout << "\nSaved as quote " << q.quote_id() << " (" << StatusWord(q.status())
                    << ", expires " << q.expires_at() << ")\n";
          return kExitOk;
        });
  }
  if (command == "quotes") {
    return Call<v1::ListQuotesRequest, v1::ListQuotesResponse>(
        client, &Stub::ListQuotes, ListRequest(), [](const v1::ListQuotesResponse& r) {
          TextTable table({{"Quote"}, {"Kind"}, {"Status"}, {"Created"}, {"Patient ref"}, {"Saved by"}});
          for (const v1::Quote& q : r.quotes()) {
            table.AddRow({q.quote_id(), KindWord(q.kind()), StatusWord(q.status()), q.created_at(),
                          q.patient_reference().empty() ? "-" : q.patient_reference(), q.saved_by()});
          }
          std::cout << table.Render("  ");
          std::cout << r.quotes_size() << (r.quotes_size() == 1 ? " quote" : " quotes");
          if (!r.next_page_token().empty()) {
            std::cout << "; more with --page_token=" << r.next_page_token();
          }
          std::cout << "\n";
          return kExitOk;
        });
  }
  if (command == "show") {
    absl::StatusOr<v1::GetQuoteRequest> request = [&]() -> absl::StatusOr<v1::GetQuoteRequest> {
      v1::GetQuoteRequest r;
      ASSIGN_OR_RETURN(*r.mutable_quote_id(), RequiredId());
      return r;
    }();
    return Call<v1::GetQuoteRequest, v1::GetQuoteResponse>(
        client, &Stub::GetQuote, request, [](const v1::GetQuoteResponse& r) {
          PrintSavedQuote(r.quote());
          return MaybeWriteHtml(r.quote());
        });
  }
  if (command == "void") {
    absl::StatusOr<v1::VoidQuoteRequest> request = [&]() -> absl::StatusOr<v1::VoidQuoteRequest> {
      v1::VoidQuoteRequest r;
      ASSIGN_OR_RETURN(*r.mutable_quote_id(), RequiredId());
      r.set_reason(absl::GetFlag(FLAGS_reason));
      return r;
    }();
    return Call<v1::VoidQuoteRequest, v1::VoidQuoteResponse>(
        client, &Stub::VoidQuote, request, [](const v1::VoidQuoteResponse& r) {
          PrintQuoteHeader(r.quote());
          PrintHistory(r.quote());
          return kExitOk;
        });
  }
  if (command == "gfe") {
    return Call<v1::IssueGoodFaithEstimateRequest, v1::IssueGoodFaithEstimateResponse>(
        client, &Stub::IssueGoodFaithEstimate, GfeRequest(),
        [](const v1::IssueGoodFaithEstimateResponse& r) {
          PrintQuoteHeader(r.quote());
          PrintGfe(r.quote().good_faith_estimate());
          return MaybeWriteHtml(r.quote());
        });
  }
  return Call<v1::CheckDisputeEligibilityRequest, v1::CheckDisputeEligibilityResponse>(
      client, &Stub::CheckDisputeEligibility, DisputeRequest(),
      [](const v1::CheckDisputeEligibilityResponse& r) {
        for (const v1::ProviderDispute& p : r.providers()) {
          std::cout << (p.may_dispute() ? "MAY DISPUTE  " : "no dispute   ") << p.explanation() << "\n";
        }
        std::cout << WrapText(absl::StrCat("Deadline: ", r.dispute_deadline(), ". ", r.how_to_start()),
                              kTextWidth, "", "");
        return kExitOk;
      });
}

}  // namespace cli
}  // namespace estimator
