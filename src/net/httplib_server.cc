#include "net/httplib_server.h"

#include <httplib.h>

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "base/strings.h"

namespace edgeloop::net {
namespace {

HttpRequest ToHttpRequest(const httplib::Request& in) {
  HttpRequest out;
  out.method = in.method;
  out.path = in.path;
  for (const auto& [key, value] : in.params) out.query.emplace(key, value);  // first value wins
  for (const auto& [key, value] : in.headers) {
    std::string lower = ToLower(key);
    auto [it, inserted] = out.headers.emplace(lower, value);
    if (!inserted) it->second += ", " + value;  // repeated headers fold into one list
  }
  out.body = in.body;
  out.remote_addr = in.remote_addr;
  return out;
}

void FromHttpResponse(HttpResponse in, httplib::Response& out) {
  out.status = in.status;
  for (auto& [key, value] : in.headers) {
    if (key == "content-type" || key == "content-length") continue;
    out.set_header(key.c_str(), value);
  }
  out.set_content(std::move(in.body), in.content_type.c_str());
}

// cpp-httplib slices the body itself when a request carries a Range header. Our handlers own
// range semantics (they see the header and answer 206 with their own content-range), so the
// library's parsed ranges are dropped before the response is written. The request object is
// not const inside the library; the handler signature merely promises not to change it.
void ForgetRanges(const httplib::Request& request) {
  const_cast<httplib::Request&>(request).ranges.clear();
}

class HttplibServer final : public HttpServer {
 public:
  explicit HttplibServer(const HttpServerOptions& options) : options_(options) {}
  ~HttplibServer() override { Stop(); }

  Status Route(std::string_view method, std::string_view pattern, HttpHandler handler) override {
    if (listening_) {
      return FailedPrecondition("cannot add route " + std::string(method) + " " +
                                std::string(pattern) + ": the server is already listening");
    }
    return router_.Add(method, pattern, std::move(handler));
  }

  Result<int> Listen(const std::string& host, int port) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (listening_) return FailedPrecondition("server is already listening");
    try {
      Configure();
      int bound = port;
      if (port == 0) {
        bound = server_.bind_to_any_port(host);
        if (bound < 0) return IoError("cannot bind an ephemeral port on " + host);
      } else if (!server_.bind_to_port(host, port)) {
        return IoError("cannot bind " + host + ":" + std::to_string(port));
      }
      listening_ = true;
      thread_done_ = false;
      thread_ = std::thread([this] {
        server_.listen_after_bind();
        thread_done_ = true;
      });
      // stop() is ignored until the accept loop runs, so wait for it before returning.
      while (!server_.is_running() && !thread_done_) std::this_thread::yield();
      return bound;
    } catch (const std::exception& e) {
      return Internal("http server on " + host + ": " + e.what());
    }
  }

  void Stop() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!listening_) return;
    server_.stop();
    if (thread_.joinable()) thread_.join();
    listening_ = false;
  }

 private:
  void Configure() {
    if (configured_) return;
    configured_ = true;
    const int threads = options_.threads > 0 ? options_.threads : 1;
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server_.set_tcp_nodelay(true);
    // The library's default adds SO_REUSEPORT, which lets a second server silently share a port
    // that is already in use; keep only SO_REUSEADDR so a clash fails Listen().
    server_.set_socket_options([](int sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const void*>(&yes), sizeof(yes));
    });
    server_.set_keep_alive_max_count(static_cast<size_t>(options_.keep_alive_max_requests));
    server_.set_keep_alive_timeout(options_.keep_alive_timeout_s);
    server_.set_read_timeout(options_.read_timeout_ms / 1000,
                             (options_.read_timeout_ms % 1000) * 1000);
    server_.set_write_timeout(options_.write_timeout_ms / 1000,
                              (options_.write_timeout_ms % 1000) * 1000);
    server_.set_payload_max_length(static_cast<size_t>(options_.max_body_bytes));

    auto serve = [this](const httplib::Request& in, httplib::Response& out) {
      ForgetRanges(in);
      HttpRequest request = ToHttpRequest(in);
      FromHttpResponse(router_.Dispatch(request), out);
    };
    const std::string all = "/.*";
    server_.Get(all, serve);
    server_.Post(all, serve);
    server_.Put(all, serve);
    server_.Patch(all, serve);
    server_.Delete(all, serve);
    server_.Options(all, serve);

    // Errors the library raises itself (413, 400, 416, ...) get the same JSON body as ours.
    server_.set_error_handler(httplib::Server::HandlerWithResponse(
        [this](const httplib::Request& in, httplib::Response& out) {
          ForgetRanges(in);
          if (!out.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          std::string message = out.status == 413
                                    ? "request body exceeds the limit of " +
                                          std::to_string(options_.max_body_bytes) + " bytes"
                                    : "request " + in.method + " " + in.path + " was refused";
          FromHttpResponse(ErrorResponse(out.status, message), out);
          return httplib::Server::HandlerResponse::Handled;
        }));
    // The router catches handler exceptions; this catches anything thrown around it.
    server_.set_exception_handler([](const httplib::Request& in, httplib::Response& out,
                                     std::exception_ptr) {
      ForgetRanges(in);
      FromHttpResponse(ErrorResponse(500, "request " + in.method + " " + in.path + " failed"), out);
    });
  }

  const HttpServerOptions options_;
  HttpRouter router_;
  httplib::Server server_;
  std::mutex mu_;
  bool configured_ = false;
  std::atomic<bool> listening_ = false;
  std::atomic<bool> thread_done_ = false;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<HttpServer> NewHttplibServer(const HttpServerOptions& options) {
  return std::make_unique<HttplibServer>(options);
}

}  // namespace edgeloop::net
