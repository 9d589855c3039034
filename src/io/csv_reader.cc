#include "io/csv_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/strings.h"

namespace edgeloop::io {
namespace {

Status OpenError(const std::string& path, const char* what) {
  const int err = errno;
  if (err == ENOENT) return NotFound(path + ": " + what + ": no such file or directory");
  return IoError(path + ": " + what + ": " + std::strerror(err));
}

std::string DescribeChar(char c) {
  if (c == '\r') return "'\\r'";
  if (static_cast<unsigned char>(c) < 0x20) return "a control character";
  return std::string("'") + c + "'";
}

}  // namespace

CsvReader::CsvReader(std::string name, const CsvOptions& options)
    : name_(std::move(name)), options_(options) {
  if (options_.chunk_bytes < 16) options_.chunk_bytes = 16;
}

CsvReader::~CsvReader() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<CsvReader>> CsvReader::OpenFile(const std::string& path,
                                                       const CsvOptions& options) {
  std::unique_ptr<CsvReader> reader(new CsvReader(path, options));
  reader->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (reader->fd_ < 0) return OpenError(path, "open");
  reader->buffer_.resize(reader->options_.chunk_bytes);
  // The byte-order mark check below needs the first bytes in the buffer.
  while (reader->end_ < 3 && !reader->eof_) {
    EL_ASSIGN_OR_RETURN(bool more, reader->Refill());
    if (!more) break;
  }
  if (reader->end_ >= 3 && std::memcmp(reader->buffer_.data(), "\xEF\xBB\xBF", 3) == 0) {
    reader->pos_ = 3;
  }
  if (options.has_header) {
    EL_ASSIGN_OR_RETURN(bool has_record, reader->Next());
    if (!has_record) return InvalidArgument(path + ": empty file, expected a header line");
    for (std::string_view field : reader->fields_) reader->header_.emplace_back(Trim(field));
  }
  return reader;
}

Result<std::unique_ptr<CsvReader>> CsvReader::FromString(std::string name, std::string text,
                                                         const CsvOptions& options) {
  std::unique_ptr<CsvReader> reader(new CsvReader(std::move(name), options));
  reader->buffer_ = std::move(text);
  reader->end_ = reader->buffer_.size();
  reader->eof_ = true;
  if (StartsWith(reader->buffer_, "\xEF\xBB\xBF")) reader->pos_ = 3;
  if (options.has_header) {
    EL_ASSIGN_OR_RETURN(bool has_record, reader->Next());
    if (!has_record) return InvalidArgument(reader->name_ + ": empty file, expected a header line");
    for (std::string_view field : reader->fields_) reader->header_.emplace_back(Trim(field));
  }
  return reader;
}

int CsvReader::ColumnIndex(std::string_view column) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == column) return static_cast<int>(i);
  }
  return -1;
}

Status CsvReader::Error(std::string_view reason) const {
  return InvalidArgument(name_ + ":" + std::to_string(record_line_) + ": " + std::string(reason));
}

Status CsvReader::ExpectFields(size_t count) const {
  if (fields_.size() == count) return Status::Ok();
  return Error("expected " + std::to_string(count) + " fields, found " +
               std::to_string(fields_.size()));
}

Result<bool> CsvReader::Refill() {
  if (fd_ < 0 || eof_) return false;
  if (pos_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  // A record longer than the buffer: grow it so that a whole chunk fits behind the tail.
  if (buffer_.size() - end_ < options_.chunk_bytes / 2) buffer_.resize(end_ + options_.chunk_bytes);
  while (true) {
    ssize_t n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
    if (n < 0) {
      if (errno == EINTR) continue;
      return OpenError(name_, "read");
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    end_ += static_cast<size_t>(n);
    return true;
  }
}

Result<bool> CsvReader::Next() {
  while (true) {
    fields_.clear();
    if (pos_ >= end_) {
      EL_ASSIGN_OR_RETURN(bool more, Refill());
      if (!more && pos_ >= end_) return false;
    }
    EL_ASSIGN_OR_RETURN(bool complete, ParseRecord());
    if (complete) {
      if (!fields_.empty()) return true;
      continue;  // a blank line
    }
    // The buffer ended inside the record: read more and parse the record again.
    EL_ASSIGN_OR_RETURN(bool more, Refill());
    if (!more) {
      // Once eof_ is set ParseRecord always completes a record or fails; this guards the loop.
      if (!eof_) return Internal(name_ + ": csv reader made no progress");
    }
  }
}

// The fast path: a line without quotes is split with memchr, which is what makes a wide file of
// hundreds of megabytes parse in seconds.
Result<bool> CsvReader::ParseRecord() {
  const bool at_eof = fd_ < 0 || eof_;
  const char* const base = buffer_.data();
  const char* start = base + pos_;
  const char* stop = base + end_;
  const char* nl = static_cast<const char*>(std::memchr(start, '\n', stop - start));
  if (nl == nullptr && !at_eof) return false;
  const char* line_end = nl ? nl : stop;
  const char* content_end = line_end;
  if (content_end > start && content_end[-1] == '\r') --content_end;
  if (std::memchr(start, '"', content_end - start) != nullptr) {
    return ParseQuotedRecord();
  }
  record_line_ = next_line_++;
  pos_ = nl ? static_cast<size_t>(nl - base) + 1 : end_;
  if (content_end == start) return true;  // blank line: no fields
  const char sep = options_.separator;
  const char* field = start;
  while (true) {
    const char* s = static_cast<const char*>(std::memchr(field, sep, content_end - field));
    if (s == nullptr) {
      fields_.emplace_back(field, static_cast<size_t>(content_end - field));
      break;
    }
    fields_.emplace_back(field, static_cast<size_t>(s - field));
    field = s + 1;
  }
  return true;
}

// The general path for records with quotes, which may span lines. Fields that contained ""
// escapes are unescaped into unescaped_; their views are fixed up once the record is complete,
// because unescaped_ may reallocate while it grows.
Result<bool> CsvReader::ParseQuotedRecord() {
  const bool at_eof = fd_ < 0 || eof_;
  const char* const base = buffer_.data();
  const char sep = options_.separator;
  struct Span {
    size_t begin, size;
    bool unescaped;
  };
  std::vector<Span> spans;
  unescaped_.clear();
  int64_t newlines = 0;
  size_t i = pos_;
  auto error_here = [&](std::string reason) {
    return InvalidArgument(name_ + ":" + std::to_string(next_line_ + newlines) + ": " + reason);
  };
  while (true) {
    if (i < end_ && base[i] == '"') {
      const int64_t opened_on = next_line_ + newlines;
      size_t seg = ++i;
      bool escaped = false;
      size_t scratch_begin = unescaped_.size();
      while (true) {
        const char* q = static_cast<const char*>(std::memchr(base + i, '"', end_ - i));
        if (q == nullptr) {
          if (!at_eof) return false;
          newlines += std::count(base + i, base + end_, '\n');
          return InvalidArgument(name_ + ":" + std::to_string(opened_on) +
                                 ": unterminated quoted field");
        }
        const size_t qi = static_cast<size_t>(q - base);
        newlines += std::count(base + i, q, '\n');
        if (qi + 1 >= end_ && !at_eof) return false;  // cannot tell "" from a closing quote yet
        if (qi + 1 < end_ && base[qi + 1] == '"') {
          unescaped_.append(base + seg, qi + 1 - seg);
          escaped = true;
          i = seg = qi + 2;
          continue;
        }
        if (escaped) {
          unescaped_.append(base + seg, qi - seg);
          spans.push_back({scratch_begin, unescaped_.size() - scratch_begin, true});
        } else {
          spans.push_back({seg, qi - seg, false});
        }
        i = qi + 1;
        break;
      }
      // After a closing quote: a separator, the end of the line or the end of the input.
      if (i < end_ && base[i] != sep && base[i] != '\n') {
        if (base[i] == '\r' && i + 1 >= end_ && !at_eof) return false;
        if (!(base[i] == '\r' && i + 1 < end_ && base[i + 1] == '\n') &&
            !(base[i] == '\r' && i + 1 == end_)) {
          return error_here("unexpected " + DescribeChar(base[i]) +
                            " after a closing quote (a quoted field must end at a separator)");
        }
        ++i;  // the '\r' of a CRLF
      }
    } else {
      size_t j = i;
      while (j < end_ && base[j] != sep && base[j] != '\n') {
        if (base[j] == '"') {
          return error_here("unexpected '\"' inside an unquoted field (quote the whole field)");
        }
        ++j;
      }
      if (j >= end_ && !at_eof) return false;
      size_t field_end = j;
      if (field_end > i && base[field_end - 1] == '\r' && (j >= end_ || base[j] == '\n')) {
        --field_end;
      }
      spans.push_back({i, field_end - i, false});
      i = j;
    }
    if (i < end_ && base[i] == sep) {
      ++i;
      continue;
    }
    // End of the record: a '\n' or the end of the input.
    pos_ = i < end_ ? i + 1 : end_;
    break;
  }
  record_line_ = next_line_;
  next_line_ += 1 + newlines;
  fields_.clear();
  fields_.reserve(spans.size());
  for (const Span& span : spans) {
    const char* data = span.unescaped ? unescaped_.data() : base;
    fields_.emplace_back(data + span.begin, span.size);
  }
  return true;
}

}  // namespace edgeloop::io
