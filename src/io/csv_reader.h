// CsvReader: a strict, streaming reader of delimited text (RFC 4180 CSV and its variants).
//
// Reads records one at a time from a file (in big chunks, so memory stays flat however large the
// file) or from an in-memory string. Fields are handed out as string_views into the reader's
// buffer, valid until the next call to Next(); no allocation happens per field. Quoted fields may
// contain separators, newlines and doubled quotes (""); a quote inside an unquoted field, text
// after a closing quote and an unterminated quote are errors. CRLF and LF line ends are accepted,
// a UTF-8 byte-order mark is skipped, and blank lines are skipped (they still count as lines).
//
// Every error names the source and the line: "readings.csv:14: expected 12 fields, found 11".
// Errors: NotFound / IoError when the file cannot be opened or read, InvalidArgument for
// malformed text. Not thread-safe; owns its buffer and file descriptor.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace edgeloop::io {

struct CsvOptions {
  char separator = ',';
  // The first non-blank record is the header (see CsvReader::header()).
  bool has_header = true;
  // Bytes read from a file at a time; the buffer grows when one record is larger.
  size_t chunk_bytes = size_t{4} << 20;
};

class CsvReader {
 public:
  // Streams the file at `path`; reads the header when options.has_header is set.
  static Result<std::unique_ptr<CsvReader>> OpenFile(const std::string& path,
                                                     const CsvOptions& options = {});
  // Parses `text`, which the reader takes over; `name` prefixes error messages.
  static Result<std::unique_ptr<CsvReader>> FromString(std::string name, std::string text,
                                                       const CsvOptions& options = {});

  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // The header's field names (surrounding spaces trimmed); empty without a header.
  const std::vector<std::string>& header() const { return header_; }
  // Index of `column` in the header, or -1.
  int ColumnIndex(std::string_view column) const;

  // Moves to the next record: true when there is one, false at the end of the input.
  Result<bool> Next();
  // The fields of the current record; valid until the next call to Next().
  const std::vector<std::string_view>& fields() const { return fields_; }
  size_t size() const { return fields_.size(); }
  std::string_view operator[](size_t i) const { return fields_[i]; }

  // 1-based line on which the current record starts.
  int64_t line() const { return record_line_; }
  const std::string& name() const { return name_; }

  // InvalidArgument("<name>:<line>: <reason>") about the current record.
  Status Error(std::string_view reason) const;
  // OK when the current record has `count` fields, else "expected N fields, found M".
  Status ExpectFields(size_t count) const;

 private:
  CsvReader(std::string name, const CsvOptions& options);

  // Parses one record starting at pos_; false when the buffer ends before the record does.
  Result<bool> ParseRecord();
  Result<bool> ParseQuotedRecord();
  // Keeps the unparsed tail and appends the next chunk; false at end of file.
  Result<bool> Refill();

  std::string name_;
  CsvOptions options_;
  int fd_ = -1;
  bool eof_ = false;
  std::string buffer_;
  size_t pos_ = 0;  // start of the unparsed bytes in buffer_
  size_t end_ = 0;  // end of valid bytes in buffer_
  int64_t next_line_ = 1;
  int64_t record_line_ = 0;
  std::vector<std::string_view> fields_;
  std::string unescaped_;  // storage for quoted fields that contained "" escapes
  std::vector<std::string> header_;
};

}  // namespace edgeloop::io
