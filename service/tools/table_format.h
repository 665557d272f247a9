// Plain-text tables and wrapped paragraphs for terminal output for the `estimator` client.
//
// Columns are as wide as their widest cell, two spaces apart; text is left-aligned and amounts
// right-aligned. Cells are single-line: control characters (newlines, tabs, escape sequences from
// a server's strings) become spaces so they cannot break the alignment or drive the terminal.
//
//   TextTable table({{"Treatment"}, {"Patient pays", TextTable::Align::kRight}});
//   table.AddRow({"TMS", "$1,234.56"});
//   table.AddSeparator();
//   table.AddRow({"Total", "$1,234.56"});
//   std::cout << table.Render("  ");
//
// prints
//
//   Treatment  Patient pays
//   ---------  ------------
//   TMS           $1,234.56
//   ---------  ------------
//   Total         $1,234.56
#ifndef ESTIMATOR_TOOLS_TABLE_FORMAT_H_
#define ESTIMATOR_TOOLS_TABLE_FORMAT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace estimator {

class TextTable {
 public:
  enum class Align { kLeft, kRight };

  struct Column {
    std::string header;
    Align align = Align::kLeft;
  };

  explicit TextTable(std::vector<Column> columns);

  // Missing trailing cells are empty; cells beyond the last column are dropped.
  void AddRow(std::vector<std::string> cells);
  // A rule of dashes under every column, e.g. before a totals row. Left out where it would follow
  // the header or another rule.
  void AddSeparator();
  // Off for a table whose rows label themselves (no header line and no rule under it).
  void set_show_header(bool show) { show_header_ = show; }

  size_t num_rows() const { return rows_.size(); }

  // One string per output line, without newlines or trailing spaces.
  std::vector<std::string> RenderLines() const;
  // Every line prefixed by `indent` and ended by a newline.
  std::string Render(absl::string_view indent = "") const;

 private:
  struct Row {
    bool separator = false;
    std::vector<std::string> cells;
  };

  std::vector<Column> columns_;
  std::vector<Row> rows_;
  bool show_header_ = true;
};

// `text` with every control character (newline, tab, escape...) replaced by a space.
std::string SingleLine(absl::string_view text);

// Terminal columns taken by `text`: its UTF-8 code points (wide characters count as one).
size_t DisplayWidth(absl::string_view text);

// `text` broken at spaces into lines of at most `width` columns counting `indent`, which prefixes
// each line (a longer word keeps a line of its own); every line ends with a newline. Newlines in
// `text` start new lines, and a line that already fits is kept as it is, so pre-aligned rows stay
// aligned. Other control characters become spaces. Empty text gives an empty string.
std::string WrapText(absl::string_view text, size_t width, absl::string_view indent);

// The same with a hanging indent: the first line starts with `first_indent` (e.g. "  warning: ")
// and the others with `indent`, so continuation lines sit under the text.
std::string WrapText(absl::string_view text, size_t width, absl::string_view first_indent,
                     absl::string_view indent);

}  // namespace estimator

#endif  // ESTIMATOR_TOOLS_TABLE_FORMAT_H_
