#include "app/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>

namespace bg::app {
namespace {

constexpr std::string_view kEventLogger = "batchgate.event";
constexpr std::string_view kSecretParams[] = {"sig", "upload_id", "access_token"};
constexpr std::string_view kRedacted = "REDACTED";

std::atomic<bool> g_json{false};
// The event logger, so that LogEvent does not look it up by name (a lock and an allocation)
// on every request.
std::atomic<std::shared_ptr<spdlog::logger>> g_event_logger;

// stderr in blocks: lines collect in a buffer that goes out when it holds kFlushBytes, when a
// warning or error arrives, on flush() (every second, see SetUpLogging) and when the sink is
// destroyed at exit. One write(2) per block instead of an fwrite + fflush per line: the request
// line of every request no longer costs the request a system call. A kill -9 loses at most the
// last second of info lines; warnings and errors are never held back.
class BufferedStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  static constexpr size_t kFlushBytes = 32 * 1024;
  ~BufferedStderrSink() override {
    std::lock_guard<std::mutex> lock(mutex_);
    WriteOut();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    buf_.append(formatted.data(), formatted.size());
    if (buf_.size() >= kFlushBytes || msg.level >= spdlog::level::warn) WriteOut();
  }
  void flush_() override { WriteOut(); }

 private:
  void WriteOut() {
    size_t off = 0;
    while (off < buf_.size()) {
      ssize_t n = ::write(STDERR_FILENO, buf_.data() + off, buf_.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // nowhere to log to: drop the block rather than block the server
      off += static_cast<size_t>(n);
    }
    buf_.clear();
  }
  std::string buf_;
};

bool IsSecretParam(std::string_view key) {
  for (std::string_view k : kSecretParams) {
    if (key == k) return true;
  }
  return false;
}

// Where a query parameter value ends inside free text.
bool EndsValue(char c) {
  return c == '&' || c == '#' || c == '"' || c == '\'' || c == '<' || c == '>' ||
         std::isspace(static_cast<unsigned char>(c));
}

bool StartsName(std::string_view text, size_t pos) {
  if (pos == 0) return true;
  char c = text[pos - 1];
  return c == '?' || c == '&' || c == '"' || c == '\'' || c == ';' ||
         std::isspace(static_cast<unsigned char>(c));
}

bool StartsWithNoCase(std::string_view text, size_t pos, std::string_view word) {
  if (text.size() - pos < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[pos + i])) != word[i]) return false;
  }
  return true;
}

// ISO 8601 UTC with milliseconds.
std::string IsoTime(spdlog::log_clock::time_point t) {
  const auto since = t.time_since_epoch();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since - secs).count();
  std::time_t tt = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

// JSON lines. Messages of the event logger are already `"msg":…,"key":…` fragments; every other
// message is redacted and escaped into "msg".
class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line = "{\"time\":\"" + IsoTime(msg.time) + "\",\"level\":\"";
    const auto level = spdlog::level::to_string_view(msg.level);
    line.append(level.data(), level.size());
    line += "\",";
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    if (std::string_view(msg.logger_name.data(), msg.logger_name.size()) == kEventLogger) {
      line += payload;
    } else {
      line += "\"msg\":\"" + JsonEscape(RedactSecrets(payload)) + "\"";
    }
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

// Text lines: the usual pattern, with the message redacted first (event lines come redacted
// field by field from FormatEvent).
class TextFormatter : public spdlog::formatter {
 public:
  TextFormatter() : pattern_("[%Y-%m-%d %H:%M:%S.%e] [%l] %v") {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    if (std::string_view(msg.logger_name.data(), msg.logger_name.size()) == kEventLogger) {
      pattern_.format(msg, dest);
      return;
    }
    const std::string clean =
        RedactSecrets(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg copy(msg);
    copy.payload = spdlog::string_view_t(clean.data(), clean.size());
    pattern_.format(copy, dest);
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<TextFormatter>();
  }

 private:
  spdlog::pattern_formatter pattern_;
};

std::string FormatDouble(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", v);
  return buf;
}

}  // namespace

void SetUpLogging(const std::string& level, const std::string& format) {
  const bool json = format == "json";
  g_json.store(json);
  auto sink = std::make_shared<BufferedStderrSink>();
  if (json) {
    sink->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    sink->set_formatter(std::make_unique<TextFormatter>());
  }
  for (std::string_view name : {std::string_view("batchgate"), kEventLogger}) {
    spdlog::drop(std::string(name));
    auto logger = std::make_shared<spdlog::logger>(std::string(name), sink);
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::warn);
    if (name == kEventLogger) {
      spdlog::register_logger(logger);
      g_event_logger.store(logger);
    } else {
      spdlog::set_default_logger(logger);
    }
  }
  spdlog::flush_every(std::chrono::seconds(1));
}

std::string FormatEvent(bool json, std::string_view event, std::initializer_list<LogField> fields) {
  std::string line = json ? "\"msg\":\"" + JsonEscape(event) + "\"" : std::string(event);
  for (const LogField& f : fields) {
    std::string value;
    bool quoted = false;
    if (const auto* s = std::get_if<std::string_view>(&f.value)) {
      // A field named like a secret parameter is one, whatever its text looks like.
      value = IsSecretParam(f.key) && !s->empty() ? std::string(kRedacted) : RedactSecrets(*s);
      quoted = true;
    } else if (const auto* i = std::get_if<int64_t>(&f.value)) {
      value = std::to_string(*i);
    } else if (const auto* d = std::get_if<double>(&f.value)) {
      value = FormatDouble(*d);
    } else {
      value = std::get<bool>(f.value) ? "true" : "false";
    }
    if (json) {
      line +=
          ",\"" + JsonEscape(f.key) + "\":" + (quoted ? "\"" + JsonEscape(value) + "\"" : value);
    } else {
      line += " " + std::string(f.key) + "=" + value;
    }
  }
  return line;
}

void LogEvent(spdlog::level::level_enum level, std::string_view event,
              std::initializer_list<LogField> fields) {
  std::shared_ptr<spdlog::logger> logger = g_event_logger.load();
  if (!logger) logger = spdlog::default_logger();
  if (!logger->should_log(level)) return;
  const bool json = g_json.load() && logger->name() == kEventLogger;
  logger->log(level, "{}", FormatEvent(json, event, fields));
}

std::string RedactTarget(std::string_view target) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q + 1));
  std::string_view rest = target.substr(q + 1);
  bool first = true;
  while (true) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    if (!first) out.push_back('&');
    first = false;
    if (eq != std::string_view::npos && IsSecretParam(key)) {
      out.append(key);
      out.push_back('=');
      out.append(kRedacted);
    } else {
      out.append(pair);
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

// Whether RedactSecrets could change `text`: a parameter needs '=', a token "bearer ". Most
// log fields (paths, event names, numbers) have neither and are copied without the scan.
bool MayHoldSecret(std::string_view text) {
  if (text.find('=') != std::string_view::npos) return true;
  for (size_t p = text.find_first_of("bB"); p != std::string_view::npos;
       p = text.find_first_of("bB", p + 1)) {
    if (StartsWithNoCase(text, p, "bearer ")) return true;
  }
  return false;
}

std::string RedactSecrets(std::string_view text) {
  if (!MayHoldSecret(text)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;  // text[copied, ...) is not in `out` yet
  size_t i = 0;
  // Only an '=' (after a secret parameter's name) or a 'b' (of "bearer ") can start a secret.
  for (size_t p = text.find_first_of("=bB", i); p != std::string_view::npos;
       p = text.find_first_of("=bB", i)) {
    i = p + 1;
    size_t keep = 0, end = 0;  // on a match: text[p', keep) stays, text[keep, end) is redacted
    if (text[p] == '=') {
      for (std::string_view k : kSecretParams) {
        if (p < k.size() || text.substr(p - k.size(), k.size()) != k ||
            !StartsName(text, p - k.size())) {
          continue;
        }
        end = p + 1;
        while (end < text.size() && !EndsValue(text[end])) ++end;
        if (end > p + 1) keep = p + 1;  // an empty value hides nothing
        break;
      }
    } else if (StartsName(text, p) && StartsWithNoCase(text, p, "bearer ")) {
      size_t start = p + 7;
      while (start < text.size() && text[start] == ' ') ++start;
      end = start;
      while (end < text.size() && !EndsValue(text[end]) && text[end] != ',') ++end;
      if (end > start) keep = p + 7;
    }
    if (keep == 0) continue;
    out.append(text.substr(copied, keep - copied));
    out.append(kRedacted);
    copied = i = end;
  }
  out.append(text.substr(copied));
  return out;
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
      ++i;
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else {
      // Copy one well-formed UTF-8 sequence, or write U+FFFD for a bad byte.
      size_t len = c >= 0xf0 ? (c < 0xf5 ? 4 : 0) : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
      bool ok = len > 0 && i + len <= s.size();
      for (size_t k = 1; ok && k < len; ++k) {
        ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
      }
      if (ok) {
        out.append(s.substr(i, len));
        i += len;
      } else {
        out += "\xef\xbf\xbd";
        ++i;
      }
    }
  }
  return out;
}

}  // namespace bg::app
