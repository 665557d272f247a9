#include "service/rules/rule_set.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "service/common/dates.h"
#include "service/common/dose.h"
#include "service/common/sha256.h"
#include "service/common/status_macros.h"
#include "service/rules/rule_validator.h"

namespace estimator {

// UsFederalHoliday (rules.proto) lists the holidays in UsHoliday's order, from 1.
static_assert(v1::US_FEDERAL_HOLIDAY_NEW_YEARS_DAY ==
              static_cast<int>(UsHoliday::kNewYearsDay) + 1);
static_assert(v1::US_FEDERAL_HOLIDAY_CHRISTMAS_DAY ==
              static_cast<int>(UsHoliday::kChristmasDay) + 1);
static_assert(v1::UsFederalHoliday_ARRAYSIZE == kUsHolidays + 1);

const v1::TreatmentPolicy* PlanVersion::Policy(v1::Treatment t) const {
  for (const auto& policy : plan.treatments()) {
    if (policy.treatment() == t) return &policy;
  }
  return nullptr;
}

namespace {
constexpr absl::CivilDay kFirstBitDay(ClinicRules::kFirstHolidayYear, 1, 1);
}  // namespace

bool ClinicRules::IsOpen(absl::CivilDay day) const { return IsOpenOnDayNumber(DayNumber(day)); }

bool ClinicRules::IsOpenOnDayNumber(int64_t day) const {
  static const int64_t first_bit = DayNumber(kFirstBitDay);
  const int64_t i = day - first_bit;
  if (i >= 0 && static_cast<size_t>(i) < closed_bits.size()) return !closed_bits[i];
  const absl::CivilDay date = FromDayNumber(day);
  return !IsWeekendDayNumber(day) && !closed_days.contains(date) && !holidays.contains(date);
}

void ClinicRules::MarkClosedDays() {
  closed_bits.assign(absl::CivilDay(kLastHolidayYear + 1, 1, 1) - kFirstBitDay, false);
  auto mark = [this](absl::CivilDay day) {
    const absl::civil_diff_t i = day - kFirstBitDay;
    if (i >= 0 && static_cast<size_t>(i) < closed_bits.size()) closed_bits[i] = true;
  };
  // Weekends: every 7th bit from the first Saturday and the first Sunday.
  const int to_saturday =
      (static_cast<int>(absl::Weekday::saturday) - static_cast<int>(absl::GetWeekday(kFirstBitDay)) +
       7) % 7;
  for (size_t i = to_saturday; i < closed_bits.size(); i += 7) {
    closed_bits[i] = true;
    if (i + 1 < closed_bits.size()) closed_bits[i + 1] = true;
  }
  for (absl::CivilDay day : closed_days) mark(day);
  for (const auto& [day, holiday] : holidays) mark(day);
}

std::optional<UsHoliday> ClinicRules::HolidayOn(absl::CivilDay day) const {
  auto it = holidays.find(day);
  if (it == holidays.end()) return std::nullopt;
  return it->second;
}

bool ClinicRules::Offers(v1::Treatment t) const {
  return std::find(clinic.offered_treatments().begin(), clinic.offered_treatments().end(), t) !=
         clinic.offered_treatments().end();
}

absl::StatusOr<std::shared_ptr<const RuleSet>> RuleSet::Load(const std::string& dir,
                                                             absl::Time loaded_at) {
  ASSIGN_OR_RETURN(RuleFiles files, ReadRuleDirectory(dir));
  return Create(std::move(files), loaded_at);
}

namespace {

// A validated clinic file, with its closed days and observed holidays laid out for lookup.
absl::StatusOr<std::unique_ptr<ClinicRules>> CompileClinic(RuleFile<v1::Clinic>& f) {
  auto clinic = std::make_unique<ClinicRules>();
  clinic->file = f.path;
  clinic->file_version = f.sha256;
  for (const auto& text : f.message.closed_dates()) {
    ASSIGN_OR_RETURN(absl::CivilDay day, ParseDate(text, "closed_dates"));
    clinic->closed_days.insert(day);
  }
  ASSIGN_OR_RETURN(clinic->closed_dates_declared_through,
                   ParseDate(f.message.closed_dates_declared_through(),
                             "closed_dates_declared_through"));
  std::vector<UsHoliday> observed;
  for (int h : f.message.observed_holidays()) {
    // UsFederalHoliday lists the holidays in UsHoliday's order, from 1.
    observed.push_back(static_cast<UsHoliday>(h - 1));
  }
  for (int year = ClinicRules::kFirstHolidayYear; year <= ClinicRules::kLastHolidayYear;
       ++year) {
    for (const auto& [day, holiday] : ObservedDatesIn(year, observed)) {
      clinic->holidays.emplace(day, holiday);
    }
  }
  for (const auto& charge : f.message.charges()) {
    clinic->charge_cents[charge.code()] = charge.charge_cents();
  }
  clinic->MarkClosedDays();
  clinic->clinic = std::move(f.message);
  return clinic;
}

// A validated plan file, with the dates validation parsed.
PlanVersion CompilePlan(RuleFile<v1::PayerPlan>& f, const PlanDates& dates) {
  PlanVersion version;
  version.file = f.path;
  version.file_version = f.sha256;
  version.effective_from = dates.effective_from;
  version.effective_to = dates.effective_to;
  version.amounts_published_through = dates.amounts_published_through;
  version.plan = std::move(f.message);
  return version;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const RuleSet>> RuleSet::Create(RuleFiles files,
                                                               absl::Time loaded_at) {
  std::vector<PlanDates> plan_dates;
  RETURN_IF_ERROR(ValidateRuleFiles(files, &plan_dates));
  std::shared_ptr<RuleSet> set(new RuleSet());
  set->loaded_at_ = loaded_at;

  // The rule-set version hashes every file's path and content hash, in path order.
  std::vector<std::pair<std::string, std::string>> manifest;

  for (auto& f : files.protocols) {
    manifest.emplace_back(f.path, f.sha256);
    const std::string id = f.message.protocol_id();
    auto protocol = std::make_unique<v1::TreatmentProtocol>(std::move(f.message));
    if (protocol->default_for_treatment()) {
      set->default_protocols_[protocol->treatment()] = protocol.get();
    }
    set->protocols_[id] = std::move(protocol);
    set->protocol_ids_sorted_.push_back(id);
  }
  for (auto& f : files.clinics) {
    manifest.emplace_back(f.path, f.sha256);
    ASSIGN_OR_RETURN(std::unique_ptr<ClinicRules> clinic, CompileClinic(f));
    const std::string id = clinic->clinic.clinic_id();
    set->clinic_ids_sorted_.push_back(id);
    set->clinics_[id] = std::move(clinic);
  }
  for (auto& f : files.catalogs) {
    manifest.emplace_back(f.path, f.sha256);
    for (auto& d : *f.message.mutable_drugs()) {
      auto drug = std::make_unique<CatalogDrug>();
      ASSIGN_OR_RETURN(drug->min_daily_dose_mcg, ParseDoseMcg(d.min_daily_dose(), "min_daily_dose"));
      if (!d.max_daily_dose().empty()) {
        ASSIGN_OR_RETURN(drug->max_daily_dose_mcg,
                         ParseDoseMcg(d.max_daily_dose(), "max_daily_dose"));
      }
      drug->drug = std::move(d);
      const std::string& generic = drug->drug.name();
      set->drug_names_.AddName(generic, generic, drug.get());
      for (const auto& alias : drug->drug.aliases()) {
        set->drug_names_.AddName(alias, generic, drug.get());
      }
      set->drugs_.push_back(std::move(drug));
    }
    for (const auto& word : f.message.form_words()) set->drug_names_.AddFormWord(word);
  }
  for (const auto& f : files.code_catalogs) manifest.emplace_back(f.path, f.sha256);
  for (size_t i = 0; i < files.plans.size(); ++i) {
    RuleFile<v1::PayerPlan>& f = files.plans[i];
    manifest.emplace_back(f.path, f.sha256);
    PlanVersion version = CompilePlan(f, plan_dates[i]);
    set->payers_.insert(version.plan.payer_id());
    const std::string key = absl::StrCat(version.plan.payer_id(), "/", version.plan.plan_id());
    set->plans_[key].push_back(std::move(version));
  }
  for (auto& [key, versions] : set->plans_) {
    std::sort(versions.begin(), versions.end(), [](const PlanVersion& a, const PlanVersion& b) {
      return a.effective_from < b.effective_from;
    });
    // Worded in place: the plan messages do not move again.
    for (PlanVersion& v : versions) {
      for (const v1::TreatmentPolicy& policy : v.plan.treatments()) {
        if (policy.has_covered() && policy.covered().has_criteria()) {
          AddCriterionWords(policy.covered().criteria(), policy.treatment(), v.criterion_words);
          if (policy.covered().prior_auth_process().has_renewal_criteria()) {
            AddCriterionWords(policy.covered().prior_auth_process().renewal_criteria(),
                              policy.treatment(), v.criterion_words);
          }
        }
      }
    }
    set->plan_keys_sorted_.push_back(key);
  }
  std::sort(set->plan_keys_sorted_.begin(), set->plan_keys_sorted_.end());
  std::sort(set->clinic_ids_sorted_.begin(), set->clinic_ids_sorted_.end());
  std::sort(set->protocol_ids_sorted_.begin(), set->protocol_ids_sorted_.end());

  std::sort(manifest.begin(), manifest.end());
  std::string text;
  for (const auto& [path, hash] : manifest) absl::StrAppend(&text, hash, "  ", path, "\n");
  set->version_ = Sha256Hex(text).substr(0, 16);
  return std::shared_ptr<const RuleSet>(std::move(set));
}

const std::vector<PlanVersion>* RuleSet::FindPlanVersions(absl::string_view payer_id,
                                                          absl::string_view plan_id) const {
  auto it = plans_.find(absl::StrCat(payer_id, "/", plan_id));
  return it == plans_.end() ? nullptr : &it->second;
}

absl::StatusOr<const std::vector<PlanVersion>*> RuleSet::RequirePlanVersions(
    absl::string_view payer_id, absl::string_view plan_id, absl::string_view field_prefix) const {
  if (!HasPayer(payer_id)) {
    return absl::NotFoundError(absl::StrCat(field_prefix, "payer_id: no payer '", payer_id,
                                            "' (see ListPayers)"));
  }
  const std::vector<PlanVersion>* versions = FindPlanVersions(payer_id, plan_id);
  if (versions == nullptr) {
    return absl::NotFoundError(absl::StrCat(field_prefix, "plan_id: payer '", payer_id,
                                            "' has no plan '", plan_id, "' (see ListPayers)"));
  }
  return versions;
}

const PlanVersion* RuleSet::VersionOn(const std::vector<PlanVersion>& versions,
                                      absl::CivilDay day) {
  // Versions are few per plan (one a year); a linear scan from the newest is simplest.
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->InEffectOn(day)) return &*it;
  }
  return nullptr;
}

void CopySourcesFor(const v1::PayerPlan& plan, v1::Treatment treatment,
                    google::protobuf::RepeatedPtrField<v1::PolicySource>& out) {
  out.Clear();
  for (const v1::PolicySource& source : plan.sources()) {
    const auto& about = source.treatments();
    if (about.empty() || std::find(about.begin(), about.end(), treatment) != about.end()) {
      *out.Add() = source;
    }
  }
}

bool PriorAuthRequiredIn(const v1::TreatmentCovered& covered, v1::Network network) {
  if (!covered.prior_auth_required()) return false;
  if (covered.prior_auth_networks().empty() || network == v1::NETWORK_UNSPECIFIED) return true;
  return std::find(covered.prior_auth_networks().begin(), covered.prior_auth_networks().end(),
                   network) != covered.prior_auth_networks().end();
}

bool AnswerDependsOnNetwork(const v1::PayerPlan& plan, const v1::TreatmentPolicy& policy) {
  if (!policy.has_covered()) return false;
  return !plan.has_out_of_network() ||
         (policy.covered().prior_auth_required() && !policy.covered().prior_auth_networks().empty());
}

const ClinicRules* RuleSet::FindClinic(absl::string_view clinic_id) const {
  auto it = clinics_.find(clinic_id);
  return it == clinics_.end() ? nullptr : it->second.get();
}

const v1::TreatmentProtocol* RuleSet::FindProtocol(absl::string_view protocol_id) const {
  auto it = protocols_.find(protocol_id);
  return it == protocols_.end() ? nullptr : it->second.get();
}

const v1::TreatmentProtocol* RuleSet::DefaultProtocol(v1::Treatment treatment) const {
  auto it = default_protocols_.find(treatment);
  return it == default_protocols_.end() ? nullptr : it->second;
}

std::vector<const PlanVersion*> RuleSet::AllPlanVersions() const {
  std::vector<const PlanVersion*> out;
  for (const auto& key : plan_keys_sorted_) {
    for (const auto& v : plans_.at(key)) out.push_back(&v);
  }
  return out;
}

std::vector<const ClinicRules*> RuleSet::AllClinics() const {
  std::vector<const ClinicRules*> out;
  for (const auto& id : clinic_ids_sorted_) out.push_back(clinics_.at(id).get());
  return out;
}

std::vector<const v1::TreatmentProtocol*> RuleSet::AllProtocols() const {
  std::vector<const v1::TreatmentProtocol*> out;
  for (const auto& id : protocol_ids_sorted_) out.push_back(protocols_.at(id).get());
  return out;
}

}  // namespace estimator
