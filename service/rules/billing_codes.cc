#include "service/rules/billing_codes.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/common/dates.h"

namespace estimator {
namespace {

std::string TreatmentWord(int t) {
  switch (t) {
    case v1::TREATMENT_TMS: return "TMS";
    case v1::TREATMENT_SPRAVATO: return "Spravato";
    case v1::TREATMENT_IV_KETAMINE: return "IV ketamine";
  }
  return "unknown treatment";
}

}  // namespace

BillingCodes BillingCodes::Build(const std::vector<RuleFile<v1::BillingCodeCatalog>>& catalogs,
                                 Problems& p) {
  BillingCodes codes;
  codes.loaded_ = !catalogs.empty();
  for (const auto& f : catalogs) {
    const Where w = Where::Of(f);
    CheckSources(w, f.message.sources(), /*required=*/true, p);
    if (f.message.codes().empty()) p.Add(w.At("codes"), "codes: list at least one code");
    for (int i = 0; i < f.message.codes_size(); ++i) {
      const v1::BillingCodeDefinition& d = f.message.codes(i);
      const Where cw = w.In("codes", i);
      if (!IsCode(d.code())) {
        p.Add(cw.At("code"), absl::StrCat("code '", d.code(),
                                          "' is not a CPT/HCPCS code (5 upper-case letters/digits)"));
      }
      CheckText(cw, "description", d.description(), p);
      if (d.treatments().empty()) {
        p.Add(cw.At("treatments"), "treatments: name the treatments this code may bill");
      }
      for (int j = 0; j < d.treatments_size(); ++j) {
        CheckEnumSet(cw, "treatments", d.treatments(j), v1::Treatment_IsValid, p);
      }
      Code code{&d, CheckDate(cw, "valid_from", d.valid_from(), false, p),
                CheckDate(cw, "valid_to", d.valid_to(), false, p)};
      if (code.valid_from && code.valid_to && *code.valid_to < *code.valid_from) {
        p.Add(cw.At("valid_to"), absl::StrCat("valid_to ", d.valid_to(), " is before valid_from ",
                                              d.valid_from()));
      }
      if (!d.replaced_by().empty() && d.valid_to().empty()) {
        p.Add(cw.At("replaced_by"), "replaced_by needs the valid_to day the code was retired");
      }
      if (!codes.codes_.emplace(d.code(), code).second) {
        p.Add(cw.At("code"), absl::StrCat("code ", d.code(), " is listed twice in codes/"));
      }
    }
  }
  for (const auto& [name, code] : codes.codes_) {
    const std::string& next = code.definition->replaced_by();
    if (!next.empty() && !codes.codes_.count(next)) {
      p.Add("codes/", absl::StrCat("code ", name, " is replaced_by ", next,
                                   ", which is not in the catalog; add it"));
    }
  }
  if (!codes.loaded_) {
    p.Add("codes/", "no billing-code catalog: add codes/billing_codes.textproto listing the "
                    "CPT/HCPCS codes the plans and clinics use");
  }
  return codes;
}

std::string BillingCodes::CodesFor(v1::Treatment treatment) const {
  std::vector<std::string> known;
  for (const auto& [name, c] : codes_) {
    for (int t : c.definition->treatments()) {
      if (t == treatment) known.push_back(name);
    }
  }
  return absl::StrCat("codes for ", TreatmentWord(treatment), ": ", absl::StrJoin(known, ", "));
}

void BillingCodes::CheckKnown(const Where& w, absl::string_view field, const std::string& code,
                              Problems& p) const {
  if (!loaded_ || !IsCode(code) || codes_.count(code)) return;
  p.Add(w.At(field), absl::StrCat("code '", code,
                                  "' is not in the billing-code catalog (codes/); fix the typo, "
                                  "or add the code to codes/billing_codes.textproto with its source"));
}

void BillingCodes::CheckFeeCode(const Where& w, absl::string_view field, const std::string& code,
                                v1::Treatment treatment, absl::CivilDay from,
                                std::optional<absl::CivilDay> to, Problems& p) const {
  if (!loaded_ || !IsCode(code)) return;  // no catalog / malformed code: reported elsewhere
  auto it = codes_.find(code);
  if (it == codes_.end()) {
    p.Add(w.At(field), absl::StrCat("code '", code, "' is not in the billing-code catalog (codes/); ",
                                    CodesFor(treatment), ". Fix the typo, or add the code to "
                                    "codes/billing_codes.textproto with its source"));
    return;
  }
  const Code& c = it->second;
  bool for_treatment = false;
  for (int t : c.definition->treatments()) for_treatment = for_treatment || t == treatment;
  if (!for_treatment) {
    p.Add(w.At(field), absl::StrCat("code ", code, " (", c.definition->description(),
                                    ") does not bill ", TreatmentWord(treatment), "; ",
                                    CodesFor(treatment)));
    return;
  }
  if (c.valid_from && from < *c.valid_from) {
    p.Add(w.At(field),
          absl::StrCat("code ", code, " is valid only from ", FormatDate(*c.valid_from),
                       " but this plan version is in effect from ", FormatDate(from),
                       "; end this version on ", FormatDate(*c.valid_from - 1),
                       " with the code used before, and start a version on ",
                       FormatDate(*c.valid_from), " that uses ", code));
    return;
  }
  if (c.valid_to && (!to || *to > *c.valid_to)) {
    const std::string& next = c.definition->replaced_by();
    p.Add(w.At(field),
          absl::StrCat("code ", code, " was retired after ", FormatDate(*c.valid_to),
                       next.empty() ? std::string("") : absl::StrCat(" (replaced by ", next, ")"),
                       " but this plan version is in effect ",
                       to ? absl::StrCat("until ", FormatDate(*to)) : std::string("with no end date"),
                       "; end this version on ", FormatDate(*c.valid_to), " and start a version on ",
                       FormatDate(*c.valid_to + 1),
                       next.empty() ? std::string("") : absl::StrCat(" that bills ", next)));
  }
}

}  // namespace estimator
