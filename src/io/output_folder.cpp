#include "io/output_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "io/files.hpp"

namespace carereach::io {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

constexpr const char* kStagingFile = ".carereach-staging";
constexpr int kMarkerFormat = 1;

Location at(const fs::path& p) { return Location{p.string(), {}, {}, {}, 0}; }

// --- the registry of temporaries ---------------------------------------------------------------------------

struct Registry {
  std::mutex mutex;  ///< held by a commit while it renames, so an interrupt never removes a half-moved folder
  std::set<fs::path> paths;
  std::set<fs::path> locks;
};

Registry& registry() {
  static Registry r;
  return r;
}

void add_temporary_locked(const fs::path& p) { registry().paths.insert(p); }
void drop_temporary_locked(const fs::path& p) { registry().paths.erase(p); }

// --- small helpers ---------------------------------------------------------------------------------------------

std::string make_token() {
  std::random_device rd;
  return std::to_string(getpid()) + "-" + std::to_string(rd() % 1000000);
}

/// Whether `inner` is `outer` or lies inside it (after resolving links and "..").
bool is_inside(const fs::path& inner, const fs::path& outer) {
  std::error_code ec;
  fs::path a = fs::weakly_canonical(fs::absolute(inner, ec), ec);
  fs::path b = fs::weakly_canonical(fs::absolute(outer, ec), ec);
  auto ai = a.begin();
  for (auto bi = b.begin(); bi != b.end(); ++bi) {
    if (bi->empty()) continue;  // a trailing separator
    if (ai == a.end() || *ai != *bi) return false;
    ++ai;
  }
  return true;
}

std::string join_some(const std::vector<std::string>& items, std::size_t shown = 5) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < shown; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > shown) out += " and " + std::to_string(items.size() - shown) + " more";
  return out;
}

fs::path parent_of(const fs::path& target) { return target.parent_path().empty() ? fs::path(".") : target.parent_path(); }

/// The hidden siblings of a target: ".NAME.tmp-TOKEN" and ".NAME.old-TOKEN".
fs::path sibling(const fs::path& target, const char* kind, const std::string& token) {
  return parent_of(target) / ("." + target.filename().string() + "." + kind + "-" + token);
}

/// Whether a folder was made by carereach: it holds the staging file or the marker.
bool is_ours(const fs::path& folder) {
  std::error_code ec;
  return fs::is_regular_file(folder / kStagingFile, ec) || fs::is_regular_file(folder / kOutputMarker, ec);
}

/// Removes a folder carereach made, its identifying files last, so that a removal that is itself interrupted
/// leaves a folder that is still recognisable (and removed by the next command).
void remove_ours(const fs::path& folder) {
  std::error_code ec;
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(folder, ec)) entries.push_back(e.path());
  for (const auto& e : entries) {
    const std::string name = e.filename().string();
    if (name != kStagingFile && name != kOutputMarker) fs::remove_all(e, ec);
  }
  fs::remove(folder / kOutputMarker, ec);
  fs::remove(folder / kStagingFile, ec);
  fs::remove(folder, ec);
}

/// rename(2) with RENAME_EXCHANGE: both paths exist afterwards, with their contents swapped. False (errno set)
/// when the file system cannot do it.
bool exchange(const fs::path& a, const fs::path& b) {
  return ::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0;
}

// --- the lock beside the target ------------------------------------------------------------------------------

/// Takes the exclusive lock file ".NAME.lock" beside the target; returns its descriptor (-1 where the file system
/// has no locks). Throws OutputError when another process holds it.
int take_lock(const fs::path& lock_file, const fs::path& target) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    const int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      throw OutputError(std::string("cannot create the lock file beside it: ") + std::strerror(errno), at(target),
                        "check that the folder above it can be written");
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      if (err == EWOULDBLOCK) {
        char buf[32] = {};
        const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
        ::close(fd);
        std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("?");
        while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
        throw OutputError("another carereach command (process " + pid + ") is writing this folder now", at(target),
                          "wait for it to finish, or choose another --out");
      }
      ::close(fd);
      return -1;  // no locks on this file system: go on without
    }
    // The lock counts only if the file is still the one at that path (a finishing command unlinks it).
    struct stat by_fd {};
    struct stat by_path {};
    if (::fstat(fd, &by_fd) == 0 && ::stat(lock_file.c_str(), &by_path) == 0 && by_fd.st_ino == by_path.st_ino &&
        by_fd.st_dev == by_path.st_dev) {
      const std::string pid = std::to_string(getpid()) + "\n";
      if (::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        // the pid is only for messages
      }
      return fd;
    }
    ::close(fd);
  }
  throw OutputError("cannot take the lock file beside it (it keeps changing)", at(target),
                    "another carereach command may be writing this folder; try again");
}

void release_lock(int& fd, const fs::path& lock_file) {
  if (fd < 0) return;
  ::unlink(lock_file.c_str());
  ::close(fd);
  fd = -1;
}

// --- the marker --------------------------------------------------------------------------------------------

json marker_json(const std::string& command, const std::vector<ListedFile>& files) {
  json m;
  m["carereach_output"] = kMarkerFormat;
  m["command"] = command;
  m["about"] =
      "Written by carereach. It lists every file carereach wrote in this folder. carereach --overwrite replaces "
      "this folder only while it holds these files, unchanged, and nothing else.";
  json list = json::array();
  for (const auto& f : files) list.push_back({{"path", f.path}, {"bytes", f.bytes}, {"sha256", f.sha256}});
  m["files"] = list;
  return m;
}

}  // namespace

// --- checks ----------------------------------------------------------------------------------------------------

void check_output_path(const std::string& as_written, const char* option) {
  if (as_written.empty() || as_written.find_first_not_of(" \t") == std::string::npos)
    throw UsageError(std::string(option) + " is empty", "name a new folder, e.g. " + std::string(option) + " out/run1");
  std::error_code ec;
  const fs::path target = fs::weakly_canonical(fs::absolute(as_written, ec), ec);
  const fs::path cwd = fs::weakly_canonical(fs::current_path(ec), ec);
  if (target == target.root_path())
    throw UsageError(std::string(option) + " '" + as_written + "' names the root of the file system",
                     "name a new folder, e.g. " + std::string(option) + " out/run1");
  if (is_inside(cwd, target))
    throw UsageError(std::string(option) + " '" + as_written +
                         "' names the current folder or a folder above it; an output folder is written and replaced "
                         "as a whole",
                     "name a new folder below it, e.g. " + std::string(option) + " out/run1");
}

void refuse_input_as_output(const fs::path& output, const std::string& as_written, const std::vector<fs::path>& inputs) {
  for (const auto& in : inputs)
    if (!in.empty() && !output.empty() && is_inside(in, output))
      throw UsageError("the output '" + as_written + "' is (or holds) an input of this command: " + in.string(),
                       "write the output somewhere else; an input is never overwritten");
}

std::vector<ListedFile> list_folder(const fs::path& folder) {
  std::vector<ListedFile> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    const std::string rel = it->path().lexically_relative(folder).generic_string();
    if (rel == kOutputMarker || rel == kStagingFile) continue;
    out.push_back({rel, it->file_size(ec), sha256_file(it->path())});
  }
  std::sort(out.begin(), out.end(), [](const ListedFile& a, const ListedFile& b) { return a.path < b.path; });
  return out;
}

std::string why_not_replaceable(const fs::path& folder, const std::vector<fs::path>& inputs) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(folder, ec);
  if (fs::is_symlink(st)) return "is a symbolic link; carereach replaces only a folder it wrote itself";
  if (!fs::is_directory(st)) return "exists and is not a folder";
  for (const auto& in : inputs)
    if (!in.empty() && is_inside(in, folder))
      return "holds an input of this command (" + in.string() + "); replacing the folder would delete it";
  if (fs::is_empty(folder, ec)) return {};

  const fs::path marker_file = folder / kOutputMarker;
  if (!fs::is_regular_file(marker_file, ec)) {
    for (const char* manifest : {"run.json", "compare.json", "export.json"})
      if (fs::exists(folder / manifest, ec))
        return std::string("has a ") + manifest + " but not the marker " + kOutputMarker +
               " that carereach writes into every output folder it makes (since version 0.1.0); it may have been "
               "written by an earlier version, or copied together with other files, so it is not replaced";
    return std::string("was not written by carereach (it has no ") + kOutputMarker + ")";
  }
  json marker;
  try {
    std::ifstream in(marker_file, std::ios::binary);
    marker = json::parse(in);
    if (!marker.is_object() || !marker.contains("files") || !marker["files"].is_array())
      throw std::runtime_error("no list of files");
  } catch (const std::exception&) {
    return std::string("its marker ") + kOutputMarker + " cannot be read, so what carereach wrote is not known";
  }
  std::map<std::string, std::pair<std::uintmax_t, std::string>> listed;
  for (const auto& f : marker["files"]) {
    if (!f.is_object() || !f.contains("path") || !f["path"].is_string()) continue;
    listed[f["path"].get<std::string>()] = {f.value("bytes", std::uintmax_t{0}), f.value("sha256", std::string())};
  }
  std::vector<std::string> foreign;
  std::vector<std::string> changed;
  for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string rel = it->path().lexically_relative(folder).generic_string();
    if (rel == kOutputMarker) continue;
    if (it->is_symlink(ec)) {
      foreign.push_back(rel);
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory(ec)) continue;
    const auto found = listed.find(rel);
    if (!it->is_regular_file(ec) || found == listed.end()) {
      foreign.push_back(rel);
      continue;
    }
    if (it->file_size(ec) != found->second.first || sha256_file(it->path()) != found->second.second)
      changed.push_back(rel);
  }
  if (ec) return "cannot be read through (" + ec.message() + ")";
  if (!foreign.empty())
    return "holds files carereach did not write there (" + join_some(foreign) + "); they would be deleted";
  if (!changed.empty())
    return "holds files changed since carereach wrote them (" + join_some(changed) + "); the changes would be lost";
  return {};
}

// --- recovery --------------------------------------------------------------------------------------------------

std::vector<std::string> recover_output_folder(const fs::path& target) {
  std::vector<std::string> notes;
  const fs::path parent = parent_of(target);
  const std::string name = target.filename().string();
  static const std::regex kSibling(R"(^\.(.+)\.(tmp|old)-([0-9]+-[0-9]+)$)");
  struct Left {
    fs::path path;
    std::string kind;
    std::string token;
  };
  std::vector<Left> left;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    std::smatch m;
    const std::string file = e.path().filename().string();
    if (!std::regex_match(file, m, kSibling) || m[1].str() != name) continue;
    if (!e.is_directory(ec) || e.is_symlink(ec)) continue;
    if (!is_ours(e.path())) {
      notes.push_back("left alone " + e.path().string() + ": it looks like a carereach temporary folder but holds "
                      "no carereach marker; delete it yourself if it is not needed");
      continue;
    }
    left.push_back({e.path(), m[2].str(), m[3].str()});
  }
  if (left.empty()) return notes;
  std::sort(left.begin(), left.end(), [](const Left& a, const Left& b) { return a.path < b.path; });

  if (!fs::exists(fs::symlink_status(target, ec))) {
    // Only the two-rename replacement leaves the target missing: the old output was moved aside, the new one
    // (complete: it has its marker) had not been moved in yet. Finish it; without a complete new output, put
    // the old one back.
    for (const auto& old : left) {
      if (old.kind != "old") continue;
      const fs::path fresh = sibling(target, "tmp", old.token);
      if (fs::is_regular_file(fresh / kOutputMarker, ec) && !fs::exists(fresh / kStagingFile, ec)) {
        fs::rename(fresh, target, ec);
        if (!ec) {
          notes.push_back("finished the replacement an interrupted command had begun: its complete new output is "
                          "now in " + target.string());
          break;
        }
      }
      fs::rename(old.path, target, ec);
      if (!ec) {
        notes.push_back("put back the earlier output that an interrupted command had moved aside: " + target.string());
        break;
      }
    }
  }
  for (const auto& l : left) {
    if (!fs::exists(l.path, ec)) continue;  // moved into place above
    remove_ours(l.path);
    notes.push_back(l.kind == "tmp" ? "removed the unfinished output of an interrupted command: " + l.path.string()
                                    : "removed the earlier output an interrupted command had replaced: " + l.path.string());
  }
  return notes;
}

// --- OutputDir ---------------------------------------------------------------------------------------------------

OutputDir::OutputDir(fs::path target, OutputFolderOptions options)
    : target_(std::move(target)), options_(std::move(options)) {
  if (target_.filename().empty()) target_ = target_.parent_path();  // "out/" → "out"
  std::error_code ec;
  const fs::path parent = parent_of(target_);
  fs::create_directories(parent, ec);
  if (ec) throw OutputError("cannot create the folder " + parent.string() + ": " + ec.message(), at(target_));

  lock_file_ = parent / ("." + target_.filename().string() + ".lock");
  lock_fd_ = take_lock(lock_file_, target_);
  try {
    {
      std::lock_guard<std::mutex> guard(registry().mutex);
      if (lock_fd_ >= 0) registry().locks.insert(lock_file_);
    }
    notes_ = recover_output_folder(target_);

    if (fs::exists(fs::symlink_status(target_, ec))) {
      if (!fs::is_directory(fs::symlink_status(target_, ec)))
        throw OutputError(fs::is_symlink(fs::symlink_status(target_, ec))
                              ? "is a symbolic link; carereach writes and replaces only folders"
                              : "exists and is not a folder",
                          at(target_), "choose another --out path");
      if (!options_.overwrite)
        throw OutputError("already exists", at(target_), "choose another --out folder, or add --overwrite to replace it");
      if (const std::string why = why_not_replaceable(target_, options_.inputs); !why.empty())
        throw OutputError(why + "; refusing to replace it", at(target_),
                          "choose another --out folder; --overwrite replaces only a folder carereach wrote, unchanged, "
                          "that holds no input (delete the folder yourself if it is no longer needed)");
    } else {
      for (const auto& in : options_.inputs)
        if (!in.empty() && is_inside(in, target_))
          throw OutputError("is an input of this command (" + in.string() + ")", at(target_), "choose another --out");
    }

    token_ = make_token();
    temp_ = sibling(target_, "tmp", token_);
    fs::create_directory(temp_, ec);
    if (ec) throw OutputError("cannot create a folder beside it: " + ec.message(), at(target_), "check that the folder is writable");
    {
      std::lock_guard<std::mutex> guard(registry().mutex);
      add_temporary_locked(temp_);
    }
    std::ofstream staging(temp_ / kStagingFile, std::ios::binary);
    staging << "carereach " << options_.command << " is writing " << target_.filename().string()
            << " here; this folder is removed when the command ends or by the next command that writes "
            << target_.filename().string() << ".\n";
  } catch (...) {
    {
      std::lock_guard<std::mutex> guard(registry().mutex);
      registry().locks.erase(lock_file_);
    }
    release_lock(lock_fd_, lock_file_);
    throw;
  }
}

OutputDir::~OutputDir() {
  std::error_code ec;
  {
    std::lock_guard<std::mutex> guard(registry().mutex);
    if (!committed_ && !temp_.empty()) {
      fs::remove_all(temp_, ec);
      drop_temporary_locked(temp_);
    }
    registry().locks.erase(lock_file_);
  }
  release_lock(lock_fd_, lock_file_);
}

void OutputDir::commit() {
  std::error_code ec;
  auto step = [&](const std::string& s) {
    if (options_.on_step) options_.on_step(s);
  };
  // 1. Complete the new folder: its marker lists every file, then the staging file goes.
  const std::vector<ListedFile> files = list_folder(temp_);
  write_file_atomically(temp_ / kOutputMarker, marker_json(options_.command, files).dump(2) + "\n");
  fs::remove(temp_ / kStagingFile, ec);
  step("staged");

  // 2. Check the target again (it may have changed while the command worked).
  const bool replacing = fs::exists(fs::symlink_status(target_, ec));
  if (replacing) {
    if (!options_.overwrite)
      throw OutputError("appeared while the command was working; not replaced", at(target_), "run again with another --out");
    if (const std::string why = why_not_replaceable(target_, options_.inputs); !why.empty())
      throw OutputError(why + " (it changed while the command was working); refusing to replace it", at(target_),
                        "choose another --out folder");
  }

  // 3. Put it in place. An interrupt waits until the new folder is in place (the registry's mutex).
  fs::path old;
  {
    std::unique_lock<std::mutex> guard(registry().mutex);
    if (!replacing) {
      fs::rename(temp_, target_, ec);
      if (ec) throw OutputError("cannot move the new output into place: " + ec.message(), at(target_));
      drop_temporary_locked(temp_);
      committed_ = true;
      guard.unlock();
      step("new-in-place");
      return;
    }
    old = sibling(target_, "old", token_);
    if (options_.allow_exchange && exchange(temp_, target_)) {
      // The target holds the new output, the temporary name the old one.
      committed_ = true;
      guard.unlock();
      step("exchanged");
      guard.lock();
      fs::rename(temp_, old, ec);
      drop_temporary_locked(temp_);
      if (ec) {
        old = temp_;  // removed under its temporary name
      }
      add_temporary_locked(old);
      guard.unlock();
      step("old-aside");
    } else {
      // Two renames; the mutex stays held between them, so an interrupt cannot leave the target missing (a
      // kill can: the next command finishes the replacement, recover_output_folder()).
      fs::rename(target_, old, ec);
      if (ec) throw OutputError("cannot move the previous output aside: " + ec.message(), at(target_));
      step("old-aside");
      fs::rename(temp_, target_, ec);
      if (ec) {
        std::error_code ignored;
        fs::rename(old, target_, ignored);  // the previous output comes back
        throw OutputError("cannot move the new output into place: " + ec.message(), at(target_));
      }
      drop_temporary_locked(temp_);
      add_temporary_locked(old);
      committed_ = true;
      guard.unlock();
      step("new-in-place");
    }
  }
  // 4. The old output goes.
  remove_ours(old);
  {
    std::lock_guard<std::mutex> guard(registry().mutex);
    drop_temporary_locked(old);
  }
  step("old-removed");
}

// --- temporaries -------------------------------------------------------------------------------------------------

ScopedTemporary::ScopedTemporary(fs::path path) : path_(std::move(path)) {
  std::lock_guard<std::mutex> guard(registry().mutex);
  add_temporary_locked(path_);
}

ScopedTemporary::~ScopedTemporary() { release(); }

void ScopedTemporary::release() {
  if (!registered_) return;
  std::lock_guard<std::mutex> guard(registry().mutex);
  drop_temporary_locked(path_);
  registered_ = false;
}

void remove_temporaries_after_interrupt() {
  // Held until the process ends: no commit starts renaming after this point.
  registry().mutex.lock();
  std::error_code ec;
  for (const auto& p : registry().paths) fs::remove_all(p, ec);
  for (const auto& l : registry().locks) fs::remove(l, ec);
}

}  // namespace carereach::io
