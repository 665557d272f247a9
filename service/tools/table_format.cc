// Plain-text tables and wrapped paragraphs for the `estimator` client; see table_format.h.
#include "service/tools/table_format.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace estimator {
namespace {

constexpr absl::string_view kColumnGap = "  ";

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

void Pad(std::string& out, size_t n) { out.append(n, ' '); }

void TrimTrailingSpaces(std::string& line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
}

}  // namespace

std::string SingleLine(absl::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (IsControl(static_cast<unsigned char>(c))) c = ' ';
  }
  return out;
}

size_t DisplayWidth(absl::string_view text) {
  // UTF-8 continuation bytes (10xxxxxx) do not start a new character.
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

TextTable::TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {
  for (Column& column : columns_) column.header = SingleLine(column.header);
}

void TextTable::AddRow(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  for (std::string& cell : cells) cell = SingleLine(cell);
  rows_.push_back(Row{false, std::move(cells)});
}

void TextTable::AddSeparator() { rows_.push_back(Row{true, {}}); }

std::vector<std::string> TextTable::RenderLines() const {
  std::vector<size_t> widths(columns_.size(), 0);
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (show_header_) widths[i] = DisplayWidth(columns_[i].header);
    for (const Row& row : rows_) {
      if (!row.separator) widths[i] = std::max(widths[i], DisplayWidth(row.cells[i]));
    }
  }

  auto render_cells = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) absl::StrAppend(&line, kColumnGap);
      const size_t padding = widths[i] - DisplayWidth(cells[i]);
      if (columns_[i].align == Align::kRight) Pad(line, padding);
      absl::StrAppend(&line, cells[i]);
      if (columns_[i].align == Align::kLeft) Pad(line, padding);
    }
    TrimTrailingSpaces(line);
    return line;
  };
  auto render_rule = [&] {
    std::string line;
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) absl::StrAppend(&line, kColumnGap);
      line.append(widths[i], '-');
    }
    return line;
  };

  std::vector<std::string> lines;
  if (show_header_) {
    std::vector<std::string> headers;
    for (const Column& column : columns_) headers.push_back(column.header);
    lines.push_back(render_cells(headers));
    lines.push_back(render_rule());
  }
  // A rule right under the header or under another rule separates nothing (e.g. an empty group).
  bool after_rule = show_header_;
  for (const Row& row : rows_) {
    if (row.separator && after_rule) continue;
    lines.push_back(row.separator ? render_rule() : render_cells(row.cells));
    after_rule = row.separator;
  }
  return lines;
}

std::string TextTable::Render(absl::string_view indent) const {
  std::string out;
  for (const std::string& line : RenderLines()) absl::StrAppend(&out, indent, line, "\n");
  return out;
}

std::string WrapText(absl::string_view text, size_t width, absl::string_view indent) {
  return WrapText(text, width, indent, indent);
}

std::string WrapText(absl::string_view text, size_t width, absl::string_view first_indent,
                     absl::string_view indent) {
  std::string out;
  bool first = true;
  size_t room = 0;
  auto start_line = [&] {
    const size_t used = DisplayWidth(first ? first_indent : indent);
    room = width > used ? width - used : 1;
  };
  auto emit = [&](const std::string& line) {
    const absl::string_view prefix = first ? first_indent : indent;
    // A blank line stays blank rather than carrying the indent.
    if (line.empty() && !first) {
      absl::StrAppend(&out, "\n");
    } else {
      std::string full = absl::StrCat(prefix, line);
      TrimTrailingSpaces(full);
      absl::StrAppend(&out, full, "\n");
    }
    first = false;
    start_line();
  };
  start_line();
  for (absl::string_view paragraph :
       absl::StrSplit(absl::StripTrailingAsciiWhitespace(text), '\n')) {
    // A line that already fits keeps its spacing (it may be a pre-aligned row).
    if (DisplayWidth(paragraph) <= room) {
      emit(SingleLine(paragraph));
      continue;
    }
    std::string line;
    size_t line_width = 0;
    for (absl::string_view word : absl::StrSplit(SingleLine(paragraph), ' ', absl::SkipEmpty())) {
      const size_t word_width = DisplayWidth(word);
      if (line_width > 0 && line_width + 1 + word_width > room) {
        emit(line);
        line.clear();
        line_width = 0;
      }
      if (line_width > 0) {
        line.push_back(' ');
        ++line_width;
      }
      absl::StrAppend(&line, word);
      line_width += word_width;
    }
    emit(line);
  }
  return absl::StripAsciiWhitespace(text).empty() ? "" : out;
}

}  // namespace estimator
