#include "tests/bench/generated_rules.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace estimator::bench {
namespace {

namespace fs = std::filesystem;

absl::StatusOr<std::string> ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::Status WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path.string()));
  return absl::OkStatus();
}

// `text` with its top-level `payer_id: "x"` line renamed to the generated id.
absl::StatusOr<std::string> RenamePayer(const std::string& text, int index) {
  const std::string key = "\npayer_id: \"";
  const size_t at = text.find(key);
  if (at == std::string::npos) return absl::InvalidArgumentError("plan file without payer_id");
  const size_t begin = at + key.size();
  const size_t end = text.find('"', begin);
  const std::string payer = text.substr(begin, end - begin);
  return absl::StrCat(text.substr(0, begin), GeneratedPayerId(index, payer), text.substr(end));
}

}  // namespace

std::string GeneratedPayerId(int index, const std::string& payer_id) {
  return absl::StrFormat("g%05d_%s", index, payer_id);
}

RuleFiles WithGeneratedPlans(const RuleFiles& bundled, int plans) {
  RuleFiles out;
  out.clinics = bundled.clinics;
  out.protocols = bundled.protocols;
  out.catalogs = bundled.catalogs;
  out.code_catalogs = bundled.code_catalogs;
  std::vector<const RuleFile<v1::PayerPlan>*> others;
  for (const auto& f : bundled.plans) {
    if (f.message.payer_id() == "aetna") {
      out.plans.push_back(f);
    } else {
      others.push_back(&f);
    }
  }
  for (int i = 1; i < plans; ++i) {
    RuleFile<v1::PayerPlan> copy = *others[i % others.size()];
    copy.message.set_payer_id(GeneratedPayerId(i, copy.message.payer_id()));
    copy.path = absl::StrCat("plans/generated_", i, "_", copy.path.substr(6));
    out.plans.push_back(std::move(copy));
  }
  return out;
}

absl::Status WriteGeneratedRuleDirectory(const std::string& source_dir, int generated,
                                         const std::string& out_dir) {
  const fs::path source(source_dir), out(out_dir);
  std::error_code ec;
  for (const char* sub : {"clinics", "protocols", "catalogs", "codes", "plans"}) {
    fs::create_directories(out / sub, ec);
    if (ec) return absl::InternalError(absl::StrCat("cannot create ", (out / sub).string()));
  }
  for (const char* sub : {"clinics", "protocols", "catalogs", "codes"}) {
    for (const auto& entry : fs::directory_iterator(source / sub)) {
      fs::copy_file(entry.path(), out / sub / entry.path().filename(),
                    fs::copy_options::overwrite_existing, ec);
      if (ec) return absl::InternalError(absl::StrCat("cannot copy ", entry.path().string()));
    }
  }
  std::vector<fs::path> plans;
  for (const auto& entry : fs::directory_iterator(source / "plans")) plans.push_back(entry.path());
  std::sort(plans.begin(), plans.end());
  if (plans.empty()) return absl::NotFoundError(absl::StrCat(source_dir, " has no plan files"));
  std::vector<std::string> texts;
  for (const auto& p : plans) {
    absl::StatusOr<std::string> text = ReadText(p);
    if (!text.ok()) return text.status();
    absl::Status s = WriteText(out / "plans" / p.filename(), *text);
    if (!s.ok()) return s;
    texts.push_back(*std::move(text));
  }
  for (int i = 1; i <= generated; ++i) {
    const size_t k = static_cast<size_t>(i) % plans.size();
    absl::StatusOr<std::string> text = RenamePayer(texts[k], i);
    if (!text.ok()) return text.status();
    const std::string name =
        absl::StrFormat("generated_%05d_%s", i, plans[k].filename().string());
    absl::Status s = WriteText(out / "plans" / name, *text);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace estimator::bench
