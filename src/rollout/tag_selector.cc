#include "rollout/tag_selector.h"

#include <algorithm>

#include "rollout/fleet_names.h"

namespace edgeloop::rollout {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Characters that may appear in a key or value token; the selector's own punctuation ends one.
bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == '-' || c == ':' || c == '/';
}

// A recursive-descent reader over the selector text with a cursor for error positions.
class SelectorParser {
 public:
  explicit SelectorParser(std::string_view text) : text_(text) {}

  Result<std::vector<TagRequirement>> ParseAll() {
    std::vector<TagRequirement> requirements;
    SkipSpaces();
    if (AtEnd()) return requirements;
    while (true) {
      EL_ASSIGN_OR_RETURN(TagRequirement requirement, ParseTerm());
      requirements.push_back(std::move(requirement));
      SkipSpaces();
      if (AtEnd()) break;
      if (text_[pos_] != ',') return Error("expected ',' or the end of the selector");
      ++pos_;
      SkipSpaces();
      if (AtEnd()) return Error("expected a tag key after ','");
    }
    return requirements;
  }

 private:
  Result<TagRequirement> ParseTerm() {
    TagRequirement requirement;
    EL_ASSIGN_OR_RETURN(requirement.key, ParseKey());
    SkipSpaces();
    if (AtEnd() || text_[pos_] == ',') {
      requirement.op = TagRequirement::Op::kExists;
      return requirement;
    }
    if (text_[pos_] == '=') {
      ++pos_;
      requirement.op = TagRequirement::Op::kEquals;
      EL_ASSIGN_OR_RETURN(std::string value, ParseValue(requirement.key, "after '='"));
      requirement.values.push_back(std::move(value));
      return requirement;
    }
    if (text_.substr(pos_, 2) == "!=") {
      pos_ += 2;
      requirement.op = TagRequirement::Op::kNotEquals;
      EL_ASSIGN_OR_RETURN(std::string value, ParseValue(requirement.key, "after '!='"));
      requirement.values.push_back(std::move(value));
      return requirement;
    }
    if (text_.substr(pos_, 2) == "in" &&
        (pos_ + 2 == text_.size() || !IsTokenChar(text_[pos_ + 2]))) {
      pos_ += 2;
      requirement.op = TagRequirement::Op::kIn;
      EL_ASSIGN_OR_RETURN(requirement.values, ParseList(requirement.key));
      return requirement;
    }
    return Error("expected '=', '!=', 'in', ',' or the end after tag key '" + requirement.key +
                 "'");
  }

  Result<std::string> ParseKey() {
    const size_t start = pos_;
    std::string key = ReadToken();
    if (key.empty()) return Error("expected a tag key");
    Status valid = ValidateTagKey(key);
    if (!valid.ok()) return ErrorAt(start, valid.message());
    return key;
  }

  Result<std::string> ParseValue(const std::string& key, std::string_view where) {
    SkipSpaces();
    const size_t start = pos_;
    std::string value = ReadToken();
    if (value.empty()) return Error("expected a tag value " + std::string(where));
    Status valid = ValidateTagValue(key, value);
    if (!valid.ok()) return ErrorAt(start, valid.message());
    return value;
  }

  Result<std::vector<std::string>> ParseList(const std::string& key) {
    SkipSpaces();
    if (AtEnd() || text_[pos_] != '(') return Error("expected '(' after 'in'");
    ++pos_;
    std::vector<std::string> values;
    while (true) {
      EL_ASSIGN_OR_RETURN(std::string value, ParseValue(key, "in the list"));
      values.push_back(std::move(value));
      SkipSpaces();
      if (AtEnd()) return Error("expected ',' or ')' to close the list");
      if (text_[pos_] == ')') {
        ++pos_;
        return values;
      }
      if (text_[pos_] != ',') return Error("expected ',' or ')' in the list");
      ++pos_;
    }
  }

  std::string ReadToken() {
    const size_t start = pos_;
    while (!AtEnd() && IsTokenChar(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  void SkipSpaces() {
    while (!AtEnd() && IsSpace(text_[pos_])) ++pos_;
  }
  bool AtEnd() const { return pos_ >= text_.size(); }

  Status Error(const std::string& what) const { return ErrorAt(pos_, what); }
  Status ErrorAt(size_t pos, const std::string& what) const {
    return InvalidArgument("tag selector '" + std::string(text_) + "': at character " +
                           std::to_string(pos + 1) + ": " + what);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

bool Holds(const TagRequirement& requirement, const std::map<std::string, std::string>& labels) {
  auto it = labels.find(requirement.key);
  switch (requirement.op) {
    case TagRequirement::Op::kExists:
      return it != labels.end();
    case TagRequirement::Op::kEquals:
      return it != labels.end() && it->second == requirement.values.front();
    case TagRequirement::Op::kNotEquals:
      return it == labels.end() || it->second != requirement.values.front();
    case TagRequirement::Op::kIn:
      return it != labels.end() && std::find(requirement.values.begin(), requirement.values.end(),
                                             it->second) != requirement.values.end();
  }
  return false;
}

}  // namespace

Result<TagSelector> TagSelector::Parse(std::string_view text) {
  SelectorParser parser(text);
  EL_ASSIGN_OR_RETURN(std::vector<TagRequirement> requirements, parser.ParseAll());
  return TagSelector(std::move(requirements));
}

bool TagSelector::Matches(const std::map<std::string, std::string>& labels) const {
  return std::all_of(requirements_.begin(), requirements_.end(),
                     [&](const TagRequirement& r) { return Holds(r, labels); });
}

std::string TagSelector::ToString() const {
  std::string out;
  for (const TagRequirement& r : requirements_) {
    if (!out.empty()) out += ',';
    out += r.key;
    switch (r.op) {
      case TagRequirement::Op::kExists:
        break;
      case TagRequirement::Op::kEquals:
        out += "=" + r.values.front();
        break;
      case TagRequirement::Op::kNotEquals:
        out += "!=" + r.values.front();
        break;
      case TagRequirement::Op::kIn: {
        out += " in (";
        for (size_t i = 0; i < r.values.size(); ++i) {
          if (i > 0) out += ',';
          out += r.values[i];
        }
        out += ')';
        break;
      }
    }
  }
  return out;
}

}  // namespace edgeloop::rollout
