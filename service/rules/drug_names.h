// Drug names as clinicians write them, read against the drug catalog: case and spacing ignored,
// salt and release-form words after a name dropped ("Sertraline HCl" is sertraline), and for a name
// the catalog does not know, the one catalog name close to it offered as a suggestion ("setraline":
// did you mean sertraline?). A suggestion is words for a person to act on, never the drug: a trial
// is counted only under a name the catalog has. Built once when a RuleSet is compiled; lookups are
// const and thread-safe.
//
//   DrugNames names;
//   names.AddName("sertraline", "sertraline", &sertraline);
//   names.AddName("zoloft", "sertraline", &sertraline);
//   names.AddFormWord("hcl");
//   names.Find("Sertraline HCl");          // &sertraline
//   names.Suggest("zolotf")->text;         // "zoloft"
#ifndef ESTIMATOR_RULES_DRUG_NAMES_H_
#define ESTIMATOR_RULES_DRUG_NAMES_H_

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"

namespace estimator {

struct CatalogDrug;  // rule_set.h

// A catalog name offered for a name the catalog does not have.
struct DrugSuggestion {
  const CatalogDrug* drug = nullptr;
  std::string text;  // the catalog's name or alias as listed, e.g. "sertraline" or "zoloft"
};

// Lower case (ASCII), trimmed, each run of whitespace one space: "  Sertraline   HCl " ->
// "sertraline hcl".
std::string NormalizeDrugName(absl::string_view name);

// How far (EditDistance, common/edit_distance.h) a written name of `length` characters may be from a
// catalog name to be suggested:
// 2 edits from 6 characters ("setralin" -> "sertraline" is 2), 1 for 4 or 5 ("paxl" -> "paxil"),
// none under 4, where one edit turns a name into a different drug's ("t4", levothyroxine, is one
// edit from "t3", liothyronine).
int SuggestionLimit(size_t length);

class DrugNames {
 public:
  // `name`: a drug's generic name or an alias, already lower case (the catalog validator checks);
  // `generic`: the drug's generic name (preferred when an alias is as near). Each name once.
  void AddName(absl::string_view name, absl::string_view generic, const CatalogDrug* drug);
  // A salt or release-form word (DrugCatalog.form_words), lower case.
  void AddFormWord(absl::string_view word);

  // The drug `written` names: a name or alias exactly (case and spacing aside), or one followed by
  // form words. nullptr when there is none.
  const CatalogDrug* Find(absl::string_view written) const;

  // For a name Find does not know: the catalog name or alias nearest to it (form words after it
  // dropped), when it starts with the same letter, is within SuggestionLimit, and no other drug's
  // name is as near. nullptr otherwise: nothing close, or a tie between drugs (a guess between two
  // drugs is no help). The first letter must match because misspellings rarely change it, while
  // different drugs, some of them missing from the catalog, often differ just there:
  // protriptyline is two edits from nortriptyline, trimipramine two from imipramine.
  const DrugSuggestion* Suggest(absl::string_view written) const;

 private:
  struct Entry {
    std::string name;
    bool generic = false;
    DrugSuggestion suggestion;
  };
  // `name` with its trailing form words dropped one at a time, stopping at a catalog name when
  // `stop_at_name`.
  absl::string_view DropFormWords(absl::string_view name, bool stop_at_name) const;

  std::vector<Entry> entries_;                          // every name and alias, in catalog order
  absl::flat_hash_map<std::string, size_t> by_name_;    // name -> index in entries_
  // Indexes in entries_ by the name's first byte: the only names a suggestion is looked for among.
  std::array<std::vector<size_t>, 256> by_first_byte_;
  absl::flat_hash_set<std::string> form_words_;
};

}  // namespace estimator

#endif  // ESTIMATOR_RULES_DRUG_NAMES_H_
