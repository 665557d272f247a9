// Problems found in rule files, each located as `file:line:column` from the parser's record of
// where every field was written; and the small checks every validator shares (ids, required text,
// money, basis points, dates, enums, policy sources).
#ifndef ESTIMATOR_RULES_LOCATED_PROBLEMS_H_
#define ESTIMATOR_RULES_LOCATED_PROBLEMS_H_

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "service/common/dates.h"
#include "service/common/money.h"
#include "service/rules/rule_files.h"

namespace estimator {


// Finds where a field was written in a rule file. When a field is absent (the usual case for
// "X is required"), the position of the enclosing message is used instead.
class Where {
 public:
  Where(const std::string& path, const google::protobuf::TextFormat::ParseInfoTree* tree, const google::protobuf::Descriptor* type,
        int line, int column)
      : path_(&path), tree_(tree), type_(type), line_(line), column_(column) {}

  template <typename Message>
  static Where Of(const RuleFile<Message>& file) {
    return Where(file.path, file.locations.get(), Message::descriptor(), 0, 0);
  }

  // "path:line:column" of `field` (element `index` of a repeated field).
  std::string At(absl::string_view field, int index = -1) const {
    int line = line_, column = column_;
    if (const google::protobuf::FieldDescriptor* f = Find(field); f != nullptr && tree_ != nullptr) {
      const auto loc = tree_->GetLocation(f, f->is_repeated() ? std::max(index, 0) : -1);
      if (loc.line >= 0) {
        line = loc.line;
        column = loc.column;
      }
    }
    return absl::StrCat(*path_, ":", line + 1, ":", column + 1);
  }

  // The nested message in `field`.
  Where In(absl::string_view field, int index = -1) const {
    const google::protobuf::FieldDescriptor* f = Find(field);
    const google::protobuf::TextFormat::ParseInfoTree* nested = nullptr;
    int line = line_, column = column_;
    if (f != nullptr && tree_ != nullptr) {
      const int i = f->is_repeated() ? std::max(index, 0) : -1;
      nested = tree_->GetTreeForNested(f, i);
      const auto loc = tree_->GetLocation(f, i);
      if (loc.line >= 0) {
        line = loc.line;
        column = loc.column;
      }
    }
    return Where(*path_, nested, f != nullptr ? f->message_type() : nullptr, line, column);
  }

 private:
  const google::protobuf::FieldDescriptor* Find(absl::string_view field) const {
    return type_ == nullptr ? nullptr : type_->FindFieldByName(std::string(field));
  }

  const std::string* path_;
  const google::protobuf::TextFormat::ParseInfoTree* tree_;
  const google::protobuf::Descriptor* type_;
  int line_;
  int column_;
};

class Problems {
 public:
  void Add(const std::string& where, absl::string_view what) {
    lines_.push_back(absl::StrCat(where, ": ", what));
  }
  bool empty() const { return lines_.empty(); }
  std::string Joined() const { return absl::StrJoin(lines_, "\n"); }

 private:
  std::vector<std::string> lines_;
};

inline bool IsId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_')) return false;
  }
  return true;
}

inline bool IsCode(absl::string_view code) {
  if (code.size() < 5 || code.size() > 20) return false;
  for (char c : code) {
    if (!(absl::ascii_isupper(c) || absl::ascii_isdigit(c) || c == '-')) return false;
  }
  return true;
}

inline void CheckId(const Where& w, absl::string_view field, absl::string_view value, Problems& p) {
  if (value.empty()) {
    p.Add(w.At(field), absl::StrCat(field, " is required"));
  } else if (!IsId(value)) {
    p.Add(w.At(field), absl::StrCat(field, " '", value,
                                    "' must be lower_snake_case letters, digits and _ (at most 64)"));
  }
}

inline void CheckText(const Where& w, absl::string_view field, absl::string_view value, Problems& p) {
  if (absl::StripAsciiWhitespace(value).empty()) {
    p.Add(w.At(field), absl::StrCat(field, " is required"));
  }
}

inline void CheckMoney(const Where& w, absl::string_view field, int64_t cents, Problems& p) {
  if (cents < 0) {
    p.Add(w.At(field), absl::StrCat(field, " is negative (", cents,
                                    "); amounts are cents and must be 0 or more"));
  } else if (cents > kMaxMoneyCents) {
    p.Add(w.At(field), absl::StrCat(field, " is ", cents, " cents, over the limit of ",
                                    kMaxMoneyCents, " ($10,000,000.00); amounts are in cents"));
  }
}

inline void CheckBasisPoints(const Where& w, absl::string_view field, int64_t bp, int64_t max,
                      Problems& p) {
  if (bp < 0 || bp > max) {
    p.Add(w.At(field), absl::StrCat(field, " is ", bp, "; basis points run from 0 to ", max,
                                    " (2000 = 20%)"));
  }
}

inline std::optional<absl::CivilDay> CheckDate(const Where& w, absl::string_view field,
                                        absl::string_view value, bool required, Problems& p) {
  if (value.empty()) {
    if (required) p.Add(w.At(field), absl::StrCat(field, " is required (YYYY-MM-DD)"));
    return std::nullopt;
  }
  auto day = ParseDate(value, field);
  if (!day.ok()) {
    p.Add(w.At(field), day.status().message());
    return std::nullopt;
  }
  return *day;
}

inline void CheckEnumSet(const Where& w, absl::string_view field, int value,
                  bool (*is_valid)(int), Problems& p) {
  if (value == 0) {
    p.Add(w.At(field), absl::StrCat(field, " is required"));
  } else if (!is_valid(value)) {
    p.Add(w.At(field), absl::StrCat(field, " has unknown value ", value));
  }
}

// `of_plan`: the sources of a plan file, which may say which treatments each is about.
inline void CheckSources(const Where& w, const google::protobuf::RepeatedPtrField<v1::PolicySource>& s,
                  bool required, Problems& p, bool of_plan = false) {
  if (required && s.empty()) {
    p.Add(w.At("sources"), "sources: name at least one public policy this file models");
  }
  for (int i = 0; i < s.size(); ++i) {
    const Where src = w.In("sources", i);
    CheckText(src, "document_id", s[i].document_id(), p);
    CheckText(src, "title", s[i].title(), p);
    CheckDate(src, "date", s[i].date(), /*required=*/true, p);
    if (!of_plan && !s[i].treatments().empty()) {
      p.Add(src.At("treatments"),
            "treatments: only a plan file's sources say which treatments they are about");
      continue;
    }
    for (int j = 0; j < s[i].treatments_size(); ++j) {
      const int t = s[i].treatments(j);
      if (t == v1::TREATMENT_UNSPECIFIED || !v1::Treatment_IsValid(t)) {
        p.Add(src.At("treatments", j),
              absl::StrCat("treatments: ", t == 0 ? "TREATMENT_UNSPECIFIED is not a treatment"
                                                  : absl::StrCat("unknown value ", t)));
      }
      for (int k = 0; k < j; ++k) {
        if (s[i].treatments(k) == t) {
          p.Add(src.At("treatments", j),
                absl::StrCat("treatments: ", v1::Treatment_Name(s[i].treatments(j)),
                             " is listed twice"));
          break;
        }
      }
    }
  }
}

}  // namespace estimator

#endif  // ESTIMATOR_RULES_LOCATED_PROBLEMS_H_
