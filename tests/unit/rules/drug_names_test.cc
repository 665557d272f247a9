// Drug names as charts hold them: salt and release forms resolve to the drug (as data in the
// catalog), near misses get a suggestion and nothing else, ties and far misses get none. Checked on
// small hand-made name lists and on the bundled catalog.
#include "service/rules/drug_names.h"

#include <string>

#include "gtest/gtest.h"
#include "service/rules/rule_set.h"
#include "tests/unit/engine/test_rules.h"

namespace estimator {
namespace {

TEST(DrugNamesTest, NamesAreComparedInLowerCaseWithSingleSpaces) {
  EXPECT_EQ(NormalizeDrugName("  Sertraline \t  HCl  "), "sertraline hcl");
  EXPECT_EQ(NormalizeDrugName("ZOLOFT"), "zoloft");
  EXPECT_EQ(NormalizeDrugName(""), "");
  EXPECT_EQ(NormalizeDrugName("   "), "");
}

TEST(DrugNamesTest, HowFarASuggestionMayBeGrowsWithTheNamesLength) {
  EXPECT_EQ(SuggestionLimit(2), 0);  // "t4" is one edit from "t3", another drug
  EXPECT_EQ(SuggestionLimit(3), 0);
  EXPECT_EQ(SuggestionLimit(4), 1);
  EXPECT_EQ(SuggestionLimit(5), 1);
  EXPECT_EQ(SuggestionLimit(6), 2);
  EXPECT_EQ(SuggestionLimit(20), 2);
}

// Two drugs whose names differ by one letter, an alias, and one form word.
class SmallCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    names_.AddName("abcdef", "abcdef", &a_);
    names_.AddName("abcdeg", "abcdeg", &b_);
    names_.AddName("brandy", "abcdef", &a_);
    names_.AddName("abzdef", "abcdef", &a_);  // a second alias of a, one edit from the name
    names_.AddFormWord("hcl");
  }
  CatalogDrug a_, b_;
  DrugNames names_;
};

TEST_F(SmallCatalogTest, ATieBetweenTwoDrugsGetsNoSuggestion) {
  // "abcdex" is one edit from abcdef and from abcdeg: a guess between them would help nobody.
  EXPECT_EQ(names_.Suggest("abcdex"), nullptr);
  // One edit from abcdef, two from abcdeg: the nearest wins.
  const DrugSuggestion* s = names_.Suggest("abcxef");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->drug, &a_);
  EXPECT_EQ(s->text, "abcdef");
}

TEST_F(SmallCatalogTest, NamesOfOneDrugEquallyNearAreNoTieAndTheGenericNameIsShown) {
  // "abxdef" is one edit from the name abcdef and from the alias abzdef, both drug a.
  const DrugSuggestion* s = names_.Suggest("abxdef");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->drug, &a_);
  EXPECT_EQ(s->text, "abcdef");
  // Near an alias only: the alias, as the chart wrote a brand.
  s = names_.Suggest("brandi");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->text, "brandy");
}

TEST_F(SmallCatalogTest, FormWordsAreDroppedOnlyAfterAName) {
  EXPECT_EQ(names_.Find("ABCDEF HCl"), &a_);
  EXPECT_EQ(names_.Find("abcdef hcl hcl"), &a_);
  EXPECT_EQ(names_.Find("hcl abcdef"), nullptr);  // a form word before the name is not one
  EXPECT_EQ(names_.Find("abcdef xl"), nullptr);   // not a form word of this catalog
  EXPECT_EQ(names_.Find("hcl"), nullptr);
  // A near miss followed by a form word is suggested as the name alone.
  const DrugSuggestion* s = names_.Suggest("abcdff hcl");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->text, "abcdef");
}

// The bundled catalog: every way the issue writes a drug, and the usual salts and release forms.
TEST(BundledDrugNamesTest, SaltAndReleaseFormsResolveToTheDrug) {
  const RuleSet& rules = BundledRules();
  const struct {
    const char* written;
    const char* drug;
  } cases[] = {
      {"sertraline HCl", "sertraline"},
      {"Sertraline Hydrochloride", "sertraline"},
      {"SERTRALINE  HCL", "sertraline"},
      {"escitalopram oxalate", "escitalopram"},
      {"desvenlafaxine succinate", "desvenlafaxine"},
      {"bupropion XL", "bupropion"},
      {"Bupropion HCl XL", "bupropion"},
      {"bupropion hydrobromide", "bupropion"},
      {"bupropion SR", "bupropion"},
      {"Wellbutrin XL", "bupropion"},  // an alias itself
      {"citalopram hydrobromide", "citalopram"},
      {"vortioxetine HBr", "vortioxetine"},
      {"paroxetine mesylate", "paroxetine"},
      {"paroxetine CR", "paroxetine"},
      {"fluvoxamine maleate", "fluvoxamine"},
      {"quetiapine fumarate XR", "quetiapine"},
      {"venlafaxine HCl ER", "venlafaxine"},
      {"Effexor XR", "venlafaxine"},
      {"duloxetine DR", "duloxetine"},
      {"phenelzine sulfate", "phenelzine"},
      {"imipramine pamoate", "imipramine"},
      {"mirtazapine ODT", "mirtazapine"},
      {"lithium carbonate", "lithium"},
      {"lithium citrate", "lithium"},
      {"liothyronine sodium", "liothyronine"},
      {"Zoloft", "sertraline"},
  };
  for (const auto& c : cases) {
    const CatalogDrug* drug = rules.FindDrug(c.written);
    ASSERT_NE(drug, nullptr) << c.written;
    EXPECT_EQ(drug->drug.name(), c.drug) << c.written;
  }
}

TEST(BundledDrugNamesTest, OtherWordsKeepANameUnknown) {
  const RuleSet& rules = BundledRules();
  // "oral" is not a form word: oral selegiline is a Parkinson's drug, not the patch the catalog
  // lists, so it must not become selegiline.
  for (const char* written : {"selegiline oral", "sertraline 50", "hcl sertraline", "sertraline and",
                              "hcl", "xl", "sertraline hcll", "setraline"}) {
    EXPECT_EQ(rules.FindDrug(written), nullptr) << written;
  }
}

TEST(BundledDrugNamesTest, NearMissesGetOneSuggestion) {
  const RuleSet& rules = BundledRules();
  const struct {
    const char* written;
    const char* text;
    const char* drug;
  } cases[] = {
      {"setraline", "sertraline", "sertraline"},
      {"Setraline HCl", "sertraline", "sertraline"},
      {"sertarline", "sertraline", "sertraline"},
      {"setralin", "sertraline", "sertraline"},
      {"venlafaxinne", "venlafaxine", "venlafaxine"},
      {"escitalopam", "escitalopram", "escitalopram"},
      {"zolotf", "zoloft", "sertraline"},
      {"lexaprro", "lexapro", "escitalopram"},
      {"paxl", "paxil", "paroxetine"},
      {"wellbutrn xl", "wellbutrin", "bupropion"},
      // One edit from fluoxetine and from duloxetine, but only fluoxetine starts with its f.
      {"fuloxetine", "fluoxetine", "fluoxetine"},
  };
  for (const auto& c : cases) {
    ASSERT_EQ(rules.FindDrug(c.written), nullptr) << c.written << " is a name, not a near miss";
    const DrugSuggestion* s = rules.SuggestDrug(c.written);
    ASSERT_NE(s, nullptr) << c.written;
    EXPECT_EQ(s->text, c.text) << c.written;
    EXPECT_EQ(s->drug->drug.name(), c.drug) << c.written;
  }
}

TEST(BundledDrugNamesTest, TiesAndFarMissesGetNone) {
  const RuleSet& rules = BundledRules();
  // "flvoxatine" is two edits from fluoxetine and from fluvoxamine: a tie. "t4" (levothyroxine) is
  // one edit from t3 (liothyronine), but too short for any suggestion. Protriptyline and
  // trimipramine are antidepressants the catalog lacks, two edits from nortriptyline and
  // imipramine: a different first letter keeps them from being offered as those. The rest are far.
  for (const char* written : {"flvoxatine", "t4", "protriptyline", "trimipramine", "ibuprofen",
                              "xyzzy", "nefazodone", "sertraline bupropion", "zol",
                              "ertraline"}) {
    EXPECT_EQ(rules.SuggestDrug(written), nullptr)
        << written << " -> " << rules.SuggestDrug(written)->text;
  }
}

// max_daily_dose reaches the compiled catalog; lithium and liothyronine give none.
TEST(BundledDrugNamesTest, TheLabelsMaximumIsCompiledBesideTheMinimum) {
  const RuleSet& rules = BundledRules();
  EXPECT_EQ(rules.FindDrug("sertraline")->max_daily_dose_mcg, 200'000);
  EXPECT_EQ(rules.FindDrug("bupropion")->max_daily_dose_mcg, 450'000);
  EXPECT_EQ(rules.FindDrug("brexpiprazole")->max_daily_dose_mcg, 3'000);
  EXPECT_EQ(rules.FindDrug("selegiline")->max_daily_dose_mcg, 12'000);
  EXPECT_EQ(rules.FindDrug("lithium")->max_daily_dose_mcg, 0);
  EXPECT_EQ(rules.FindDrug("liothyronine")->max_daily_dose_mcg, 0);
  for (const char* name : {"fluoxetine", "sertraline", "paroxetine", "citalopram", "escitalopram",
                           "fluvoxamine", "venlafaxine", "desvenlafaxine", "duloxetine",
                           "levomilnacipran", "amitriptyline", "nortriptyline", "imipramine",
                           "desipramine", "clomipramine", "doxepin", "phenelzine",
                           "tranylcypromine", "isocarboxazid", "selegiline", "bupropion",
                           "mirtazapine", "trazodone", "vilazodone", "vortioxetine", "aripiprazole",
                           "brexpiprazole", "quetiapine", "cariprazine", "olanzapine"}) {
    const CatalogDrug* drug = rules.FindDrug(name);
    ASSERT_NE(drug, nullptr) << name;
    EXPECT_GE(drug->max_daily_dose_mcg, drug->min_daily_dose_mcg) << name;
    EXPECT_GT(drug->max_daily_dose_mcg, 0) << name;
  }
}

}  // namespace
}  // namespace estimator
