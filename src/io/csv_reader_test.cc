#include "io/csv_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "base/random.h"
#include "io/internal/temp_dir.h"

namespace edgeloop::io {
namespace {

struct Record {
  int64_t line;
  std::vector<std::string> fields;
  bool operator==(const Record&) const = default;
};

std::vector<Record> ReadAll(CsvReader& reader) {
  std::vector<Record> out;
  while (true) {
    Result<bool> next = reader.Next();
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok() || !*next) break;
    Record record{reader.line(), {}};
    for (std::string_view f : reader.fields()) record.fields.emplace_back(f);
    out.push_back(std::move(record));
  }
  return out;
}

std::unique_ptr<CsvReader> FromText(const std::string& text, CsvOptions options = {}) {
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::FromString("test.csv", text, options);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  return reader.ok() ? std::move(reader).value() : nullptr;
}

// Reads records until the first error and returns its message.
std::string FirstError(const std::string& text) {
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::FromString("test.csv", text);
  if (!reader.ok()) return reader.status().message();
  while (true) {
    Result<bool> next = (*reader)->Next();
    if (!next.ok()) return next.status().message();
    if (!*next) return "";
  }
}

TEST(CsvReader, ReadsHeaderAndFieldsWithLineNumbers) {
  auto reader = FromText("time, asset ,temp\n2026-01-01,P1,1.5\n2026-01-02,P2,\n");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->header(), (std::vector<std::string>{"time", "asset", "temp"}));
  EXPECT_EQ(reader->ColumnIndex("temp"), 2);
  EXPECT_EQ(reader->ColumnIndex("flow"), -1);
  EXPECT_EQ(ReadAll(*reader),
            (std::vector<Record>{{2, {"2026-01-01", "P1", "1.5"}}, {3, {"2026-01-02", "P2", ""}}}));
}

TEST(CsvReader, HandlesQuotedSeparatorsNewlinesAndEscapes) {
  auto reader = FromText(
      "a,b\n"
      "\"x,y\",\"say \"\"hi\"\"\"\n"
      "\"two\nlines\",\"\"\n"
      "plain,\"\"\"\"\n");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(ReadAll(*reader),
            (std::vector<Record>{
                {2, {"x,y", "say \"hi\""}}, {3, {"two\nlines", ""}}, {5, {"plain", "\""}}}));
}

TEST(CsvReader, AcceptsCrlfAndMissingFinalNewline) {
  auto reader = FromText("a,b\r\n1,2\r\n\"q\",4\r\n5,\"6\"");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->header(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ReadAll(*reader),
            (std::vector<Record>{{2, {"1", "2"}}, {3, {"q", "4"}}, {4, {"5", "6"}}}));
}

TEST(CsvReader, SkipsBlankLinesButCountsThem) {
  auto reader = FromText("a\n\n1\n\r\n2\n\n");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(ReadAll(*reader), (std::vector<Record>{{3, {"1"}}, {5, {"2"}}}));
}

TEST(CsvReader, UsesTheConfiguredSeparatorAndSkipsByteOrderMark) {
  CsvOptions options;
  options.separator = ';';
  auto reader = FromText(
      "\xEF\xBB\xBF"
      "datetime;Current\n2020-03-09 10:14:33;0.2,5\n",
      options);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->header(), (std::vector<std::string>{"datetime", "Current"}));
  EXPECT_EQ(ReadAll(*reader), (std::vector<Record>{{2, {"2020-03-09 10:14:33", "0.2,5"}}}));
}

TEST(CsvReader, ReportsUnterminatedQuoteOnTheLineItOpened) {
  EXPECT_EQ(FirstError("a,b\n1,2\n3,\"open\nstill open\n"),
            "test.csv:3: unterminated quoted field");
}

TEST(CsvReader, RejectsTextAfterClosingQuote) {
  EXPECT_EQ(FirstError("a,b\n\"x\"y,2\n").substr(0, 33), "test.csv:2: unexpected 'y' after ");
}

TEST(CsvReader, RejectsQuoteInsideUnquotedField) {
  EXPECT_EQ(FirstError("a,b\n1,2\n12\" pipe,2\n"),
            "test.csv:3: unexpected '\"' inside an unquoted field (quote the whole field)");
}

TEST(CsvReader, ExpectFieldsNamesFileAndLine) {
  auto reader = FromText("a,b,c\n1,2,3\n1,2\n");
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(*reader->Next());
  EXPECT_TRUE(reader->ExpectFields(3).ok());
  ASSERT_TRUE(*reader->Next());
  Status status = reader->ExpectFields(3);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "test.csv:3: expected 3 fields, found 2");
}

TEST(CsvReader, EmptyInputHasNoHeader) {
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::FromString("empty.csv", "\n\n");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().message(), "empty.csv: empty file, expected a header line");
}

TEST(CsvReader, MissingFileIsNotFound) {
  internal::TempDir dir;
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::OpenFile(dir.File("missing.csv"));
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kNotFound);
}

// Small chunks force every record, quote, escape and CRLF to straddle a chunk boundary somewhere;
// the file reader must agree with the in-memory reader for each chunk size.
TEST(CsvReader, FileReaderAgreesWithStringReaderAcrossChunkBoundaries) {
  const std::string text =
      "\xEF\xBB\xBF"
      "time,asset,note\r\n"
      "2026-01-01T00:00:00Z,P001,\"multi\r\nline, with \"\"quotes\"\"\"\r\n"
      "\r\n"
      "2026-01-01T00:00:01Z,P002,plain text that is rather longer than a tiny chunk\r\n"
      "2026-01-01T00:00:02Z,\"P,3\",\"\"\r\n"
      "2026-01-01T00:00:03Z,P004,last";
  internal::TempDir dir;
  PosixFileSystem fs;
  const std::string path = dir.File("chunks.csv");
  ASSERT_TRUE(fs.WriteFileAtomic(path, text).ok());
  auto expected_reader = FromText(text);
  ASSERT_NE(expected_reader, nullptr);
  const std::vector<Record> expected = ReadAll(*expected_reader);
  ASSERT_EQ(expected.size(), 4u);
  EXPECT_EQ(expected[0].fields[2], "multi\r\nline, with \"quotes\"");
  EXPECT_EQ(expected[1].line, 5);
  for (size_t chunk = 16; chunk <= 80; ++chunk) {
    CsvOptions options;
    options.chunk_bytes = chunk;
    Result<std::unique_ptr<CsvReader>> reader = CsvReader::OpenFile(path, options);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->header(), expected_reader->header()) << "chunk " << chunk;
    EXPECT_EQ(ReadAll(**reader), expected) << "chunk " << chunk;
  }
}

// Everything the reader saw: the records, then the error that stopped it (or "end").
std::string Transcript(Result<std::unique_ptr<CsvReader>> reader) {
  if (!reader.ok()) return "open: " + reader.status().message();
  std::string out;
  for (const std::string& h : (*reader)->header()) out += "[" + h + "]";
  out += "\n";
  while (true) {
    Result<bool> next = (*reader)->Next();
    if (!next.ok()) return out + "error: " + next.status().message();
    if (!*next) return out + "end";
    out += std::to_string((*reader)->line()) + ":";
    for (std::string_view f : (*reader)->fields()) out += "[" + std::string(f) + "]";
    out += "\n";
  }
}

// Random text from an alphabet rich in quotes, separators and line ends: the chunked file
// reader must tell exactly the same story as the in-memory one, errors included.
TEST(CsvReader, ChunkedAndInMemoryReadersAgreeOnRandomText) {
  Random random(2024);
  const char alphabet[] = {'a', 'b', ',', ',', '"', '"', '\n', '\r', ' ', 'x'};
  internal::TempDir dir;
  const std::string path = dir.File("random.csv");
  for (int round = 0; round < 200; ++round) {
    std::string text;
    const int64_t size = random.UniformInt(0, 120);
    for (int64_t i = 0; i < size; ++i) {
      text += alphabet[random.UniformInt(0, sizeof alphabet - 1)];
    }
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);  // no fsync: speed
      out << text;
      ASSERT_TRUE(out.good());
    }
    const std::string expected = Transcript(CsvReader::FromString(path, text));
    for (size_t chunk : {16, 17, 23, 64}) {
      CsvOptions options;
      options.chunk_bytes = chunk;
      EXPECT_EQ(Transcript(CsvReader::OpenFile(path, options)), expected)
          << "seed 2024 round " << round << " chunk " << chunk;
    }
  }
}

TEST(CsvReader, FileReaderReportsUnterminatedQuoteAtEndOfFile) {
  internal::TempDir dir;
  PosixFileSystem fs;
  const std::string path = dir.File("open.csv");
  ASSERT_TRUE(fs.WriteFileAtomic(path, "a,b\n1,\"never closed\n2,3\n").ok());
  CsvOptions options;
  options.chunk_bytes = 16;
  Result<std::unique_ptr<CsvReader>> reader = CsvReader::OpenFile(path, options);
  ASSERT_TRUE(reader.ok());
  Result<bool> next = (*reader)->Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().message(), path + ":2: unterminated quoted field");
}

}  // namespace
}  // namespace edgeloop::io
