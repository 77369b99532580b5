#include "io/files.hpp"

#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <memory>
#include <random>

#include "core/error.hpp"
#include "io/output_folder.hpp"

namespace carereach::io {

namespace fs = std::filesystem;

namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 unavailable");
  }
  void update(const void* data, std::size_t n) { EVP_DigestUpdate(ctx_.get(), data, n); }
  std::string hex() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), md.data(), &len);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
      out.push_back(kHex[md[i] >> 4]);
      out.push_back(kHex[md[i] & 0xF]);
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx_;
};

std::string unique_suffix() {
  std::random_device rd;
  return std::to_string(getpid()) + "-" + std::to_string(rd() % 1000000);
}

}  // namespace

std::string sha256_file(const fs::path& file) {
  // Only regular files: /dev/zero would be read for ever, and opening a pipe waits for a writer.
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw InputError("is not a regular file (a device, pipe, socket or folder): its checksum cannot be computed",
                     Location{file.string(), {}, {}, {}, 0}, "name a data file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError("cannot be read to compute its checksum", Location{file.string(), {}, {}, {}, 0});
  Sha256 h;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = in.gcount();
    if (n > 0) h.update(buf.data(), static_cast<std::size_t>(n));
  }
  return h.hex();
}

std::string sha256_text(const std::string& text) {
  Sha256 h;
  h.update(text.data(), text.size());
  return h.hex();
}

void write_file_atomically(const fs::path& file, const std::string& content) {
  const fs::path tmp = file.parent_path() / ("." + file.filename().string() + ".tmp-" + unique_suffix());
  ScopedTemporary registered(tmp);  // removed if the process is interrupted before the rename
  {
    std::ofstream out(tmp, std::ios::binary);
    out << content;
    out.close();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw OutputError("cannot be written", Location{file.string(), {}, {}, {}, 0}, "check the disk space and permissions");
    }
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) throw OutputError("cannot be written: " + ec.message(), Location{file.string(), {}, {}, {}, 0});
}

}  // namespace carereach::io
