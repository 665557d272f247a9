// The compiled, immutable rules one request is answered with: validated files indexed for lookup.
// Built once per load; every method is const and safe to call from many threads.
//
//   ASSIGN_OR_RETURN(std::shared_ptr<const RuleSet> rules, RuleSet::Create(std::move(files), now));
//   const PlanVersion* plan = rules->FindPlanVersion("medicare", "part_b", day);
#ifndef ESTIMATOR_RULES_RULE_SET_H_
#define ESTIMATOR_RULES_RULE_SET_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "service/common/holidays.h"
#include "service/rules/criteria_words.h"
#include "service/rules/drug_names.h"
#include "service/rules/rule_files.h"

namespace estimator {

// One version of one payer plan, with its treatments indexed.
struct PlanVersion {
  v1::PayerPlan plan;
  std::string file;
  std::string file_version;  // sha256 of the file
  absl::CivilDay effective_from;
  std::optional<absl::CivilDay> effective_to;  // inclusive; nullopt = open-ended
  std::optional<absl::CivilDay> amounts_published_through;

  bool InEffectOn(absl::CivilDay day) const {
    return day >= effective_from && (!effective_to || day <= *effective_to);
  }
  // Never null for a validated plan: every treatment is listed.
  const v1::TreatmentPolicy* Policy(v1::Treatment t) const;
  // Every criterion of every covered treatment, worded once when the rule set is compiled.
  CriterionWordsMap criterion_words;
};

// Into `out`, the plan's sources that bear on `treatment`: those about it and those about the
// whole plan (PolicySource.treatments empty), in the file's order.
void CopySourcesFor(const v1::PayerPlan& plan, v1::Treatment treatment,
                    google::protobuf::RepeatedPtrField<v1::PolicySource>& out);

// Whether `covered` asks for prior authorization in `network`. With NETWORK_UNSPECIFIED: whether
// it asks for it in some network (callers that need the exact answer require the network when
// AnswerDependsOnNetwork).
bool PriorAuthRequiredIn(const v1::TreatmentCovered& covered, v1::Network network);

// Whether the answer for `treatment` under `plan` differs in and out of network: prior
// authorization asked in one network only, or a covered treatment under a plan that pays nothing
// out of network.
bool AnswerDependsOnNetwork(const v1::PayerPlan& plan, const v1::TreatmentPolicy& policy);

struct ClinicRules {
  v1::Clinic clinic;
  std::string file;
  std::string file_version;
  // The clinic's own closed dates, and the observed federal holidays it closes on, computed for
  // kFirstHolidayYear-kLastHolidayYear (every year a served course can reach).
  absl::flat_hash_set<absl::CivilDay> closed_days;
  absl::flat_hash_map<absl::CivilDay, UsHoliday> holidays;
  absl::CivilDay closed_dates_declared_through;
  absl::flat_hash_map<std::string, int64_t> charge_cents;  // by code, per unit

  static constexpr int kFirstHolidayYear = 1999;
  static constexpr int kLastHolidayYear = 2105;
  // Weekends, closed_days and holidays again, one bit a day from kFirstHolidayYear-01-01 through
  // kLastHolidayYear-12-31 (4.8 KB), so IsOpen is one index instead of a weekday and two hash
  // lookups (set by MarkClosedDays when the clinic is compiled; days outside those years are
  // answered from the sets).
  std::vector<bool> closed_bits;
  void MarkClosedDays();

  // A weekday not closed (the schedule asks this for every day it places a session on, by its
  // DayNumber, service/common/dates.h).
  bool IsOpen(absl::CivilDay day) const;
  bool IsOpenOnDayNumber(int64_t day) const;
  bool Offers(v1::Treatment t) const;
  // The federal holiday the clinic observes on `day`, if any.
  std::optional<UsHoliday> HolidayOn(absl::CivilDay day) const;
};

// One drug of the catalog, with its minimum therapeutic daily dose parsed.
struct CatalogDrug {
  v1::Drug drug;
  int64_t min_daily_dose_mcg = 0;
  int64_t max_daily_dose_mcg = 0;  // the label's maximum for depression; 0: the catalog gives none

  bool is_antidepressant() const { return !drug.augmentation_agent(); }
};

class RuleSet {
 public:
  // Validates `files` and builds the indexes. Errors are INVALID_ARGUMENT, one
  // `file:line:column: message` line per problem.
  static absl::StatusOr<std::shared_ptr<const RuleSet>> Create(RuleFiles files,
                                                               absl::Time loaded_at);
  // ReadRuleDirectory(dir), then Create: the one way a directory becomes a rule set.
  static absl::StatusOr<std::shared_ptr<const RuleSet>> Load(const std::string& dir,
                                                             absl::Time loaded_at);

  // Content hash of every file (paths and bytes): the version stamped on every answer.
  const std::string& version() const { return version_; }
  absl::Time loaded_at() const { return loaded_at_; }

  // All versions of a plan, by effective date; nullptr when the payer or plan is unknown.
  const std::vector<PlanVersion>* FindPlanVersions(absl::string_view payer_id,
                                                   absl::string_view plan_id) const;
  bool HasPayer(absl::string_view payer_id) const { return payers_.contains(payer_id); }
  // As FindPlanVersions, or NOT_FOUND naming the request field (`field_prefix` + "payer_id" or
  // "plan_id"), e.g. "coverage.insurance.plan_id: payer 'aetna' has no plan 'hmo' (see ListPayers)".
  absl::StatusOr<const std::vector<PlanVersion>*> RequirePlanVersions(
      absl::string_view payer_id, absl::string_view plan_id, absl::string_view field_prefix) const;
  // The version in effect on `day` among `versions`, or nullptr.
  static const PlanVersion* VersionOn(const std::vector<PlanVersion>& versions,
                                      absl::CivilDay day);

  const ClinicRules* FindClinic(absl::string_view clinic_id) const;
  const v1::TreatmentProtocol* FindProtocol(absl::string_view protocol_id) const;
  const v1::TreatmentProtocol* DefaultProtocol(v1::Treatment treatment) const;
  // A drug by generic name or alias, case and spacing aside, or one followed by the catalog's salt
  // and release-form words ("Sertraline HCl", "bupropion XL"); nullptr when the catalog has none.
  const CatalogDrug* FindDrug(absl::string_view name) const { return drug_names_.Find(name); }
  // For a name FindDrug does not know: the one catalog name close to it ("setraline": sertraline),
  // to offer as a suggestion, never to count (drug_names.h). nullptr: none close, or a tie.
  const DrugSuggestion* SuggestDrug(absl::string_view name) const {
    return drug_names_.Suggest(name);
  }

  // For listing: every plan version (by payer, plan, date), clinic and protocol.
  std::vector<const PlanVersion*> AllPlanVersions() const;
  std::vector<const ClinicRules*> AllClinics() const;
  std::vector<const v1::TreatmentProtocol*> AllProtocols() const;

 private:
  RuleSet() = default;

  std::string version_;
  absl::Time loaded_at_;
  // key: payer_id + '/' + plan_id
  absl::flat_hash_map<std::string, std::vector<PlanVersion>> plans_;
  absl::flat_hash_set<std::string> payers_;
  std::vector<std::string> plan_keys_sorted_;
  absl::flat_hash_map<std::string, std::unique_ptr<ClinicRules>> clinics_;
  std::vector<std::string> clinic_ids_sorted_;
  absl::flat_hash_map<std::string, std::unique_ptr<v1::TreatmentProtocol>> protocols_;
  std::vector<std::string> protocol_ids_sorted_;
  absl::flat_hash_map<int, const v1::TreatmentProtocol*> default_protocols_;
  std::vector<std::unique_ptr<CatalogDrug>> drugs_;
  DrugNames drug_names_;  // every name and alias of drugs_, and the catalogs' form words
};

}  // namespace estimator

#endif  // ESTIMATOR_RULES_RULE_SET_H_
