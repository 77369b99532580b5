// CRS parsing, description and transformation with PROJ, plus GCJ-02/BD-09 chained through WGS 84.

#include "geo/crs.hpp"

#include "core/text.hpp"

#include <proj.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "geo/china_offsets.hpp"

namespace carereach::geo {

namespace {

constexpr const char* kWgs84Definition = "EPSG:4326";
constexpr const char* kGcj02Display = "GCJ-02 (Chinese web-map offset of WGS 84)";
constexpr const char* kBd09Display = "BD-09 (Baidu web-map offset of GCJ-02)";
constexpr const char* kAcceptedFormsHint =
    "give an EPSG code such as \"EPSG:4490\" (CGCS2000) or \"EPSG:4548\" (CGCS2000 / 3-degree Gauss-Kruger "
    "CM 117E), a WKT or PROJ string (\"+proj=... +type=crs\"), or \"gcj02\" / \"bd09\" for coordinates taken "
    "from Chinese web maps (Amap, Tencent / Baidu)";

// proj_identify confidence at or above which a CRS without an identifier is given the candidate's code
// (70: same datum and coordinate system as the candidate, whatever the names; below that they differ).
constexpr int kIdentifyMinConfidence = 70;

// The analysis CRS rule (docs/method/coordinates.md): the rectangle where CGCS2000 Gauss-Kruger zones are used,
// the range of their central meridians, and the EPSG codes of the first zones.
constexpr double kGkAreaMinLon_deg = 73.0;
constexpr double kGkAreaMaxLon_deg = 135.1;
constexpr double kGkAreaMinLat_deg = 18.0;
constexpr double kGkAreaMaxLat_deg = 53.6;
constexpr double kGkZoneWidth_deg = 3.0;
constexpr int kGkFirstCentralMeridian_deg = 75;
constexpr int kGkLastCentralMeridian_deg = 135;
constexpr int kGkFirstEpsg = 4534;  // CGCS2000 / 3-degree Gauss-Kruger CM 75E
constexpr double kUtmZoneWidth_deg = 6.0;
constexpr int kUtmZoneCount = 60;
constexpr int kUtmNorthFirstEpsg = 32600;  // zone z is 32600 + z
constexpr int kUtmSouthFirstEpsg = 32700;

// ---------------------------------------------------------------------------------------------------------------
// RAII over PROJ objects.

struct PjDeleter {
  void operator()(PJ* p) const noexcept { proj_destroy(p); }
};
using PjPtr = std::unique_ptr<PJ, PjDeleter>;

struct ContextDeleter {
  void operator()(PJ_CONTEXT* c) const noexcept { proj_context_destroy(c); }
};

/// A PROJ context that records PROJ's error messages instead of letting PROJ print them. Not movable: PROJ
/// keeps a pointer to it for the log callback.
class ProjContext {
 public:
  ProjContext() : ctx_(proj_context_create()) {
    if (!ctx_) throw std::runtime_error("PROJ: cannot create a context");
    proj_log_func(ctx_.get(), this, &ProjContext::record);
  }
  ProjContext(const ProjContext&) = delete;
  ProjContext& operator=(const ProjContext&) = delete;

  [[nodiscard]] PJ_CONTEXT* get() const { return ctx_.get(); }
  [[nodiscard]] const std::string& last_message() const { return last_message_; }
  void clear_message() { last_message_.clear(); }

 private:
  static void record(void* self, int level, const char* message) {
    if (level > PJ_LOG_ERROR || message == nullptr) return;
    static_cast<ProjContext*>(self)->last_message_ = message;
  }

  std::unique_ptr<PJ_CONTEXT, ContextDeleter> ctx_;
  std::string last_message_;
};

/// The context of the calling thread for CrsSpec queries (Transformers have their own).
ProjContext& thread_context() {
  thread_local ProjContext context;
  return context;
}

/// True for text that PROJ would look up as an object name: not AUTH:CODE, a URN or URL, WKT, a PROJ string
/// or PROJJSON.
bool looks_like_name(std::string_view text) {
  if (text.empty()) return false;
  if (text.front() == '+' || text.front() == '{' || text.find('[') != std::string_view::npos) return false;
  if (text.find("+proj") != std::string_view::npos || text.find("+init") != std::string_view::npos) return false;
  const std::string lower = ascii_lower(text);
  if (lower.starts_with("urn:") || lower.starts_with("http://") || lower.starts_with("https://")) return false;
  // AUTH:CODE, e.g. EPSG:4326, ESRI:102025, IGNF:LAMB93
  const auto colon = text.find(':');
  if (colon != std::string_view::npos && colon > 0 && text.find(' ') == std::string_view::npos) return false;
  return true;
}

/// The text as quoted in a message: long WKT strings are cut.
std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxQuoted = 80;
  std::string out;
  out.reserve(std::min(text.size(), kMaxQuoted) + 8);
  out += '\'';
  out += text.substr(0, kMaxQuoted);
  if (text.size() > kMaxQuoted) out += "…";
  out += '\'';
  return out;
}

bool is_proj_string(std::string_view text) {
  return text.find("+proj=") != std::string_view::npos || text.rfind("proj=", 0) == 0;
}

[[noreturn]] void throw_unknown_crs(std::string_view text, const ProjContext& ctx) {
  std::string what = "unknown coordinate reference system " + quoted(text);
  if (!ctx.last_message().empty()) what += " (PROJ: " + ctx.last_message() + ")";
  throw CrsError(std::move(what), {}, kAcceptedFormsHint);
}

/// A PROJ CRS object from user text. A PROJ string without "+type=crs" describes an operation, not a CRS; it is
/// read as a CRS, as the user meant.
PjPtr create_proj_crs(ProjContext& ctx, const std::string& definition) {
  ctx.clear_message();
  PjPtr crs(proj_create(ctx.get(), definition.c_str()));
  if ((!crs || !proj_is_crs(crs.get())) && is_proj_string(definition) &&
      definition.find("type=crs") == std::string::npos) {
    crs.reset(proj_create(ctx.get(), (definition + " +type=crs").c_str()));
  }
  if (!crs) throw_unknown_crs(definition, ctx);
  if (!proj_is_crs(crs.get())) {
    throw CrsError(quoted(definition) + " is a coordinate operation, not a coordinate reference system", {},
                   kAcceptedFormsHint);
  }
  return crs;
}

/// The PROJ CRS of a spec: WGS 84 for GCJ-02 and BD-09, whose coordinates are WGS 84-like longitude/latitude.
PjPtr create_crs(ProjContext& ctx, const CrsSpec& spec) {
  if (spec.kind != CrsKind::kProj) return create_proj_crs(ctx, kWgs84Definition);
  return create_proj_crs(ctx, spec.definition);
}

/// The horizontal part of a CRS: the source of a bound CRS (+towgs84), the first member of a compound CRS.
PjPtr horizontal_crs(ProjContext& ctx, PjPtr crs) {
  for (int depth = 0; depth < 4 && crs; ++depth) {
    const PJ_TYPE type = proj_get_type(crs.get());
    if (type == PJ_TYPE_BOUND_CRS) {
      crs.reset(proj_get_source_crs(ctx.get(), crs.get()));
    } else if (type == PJ_TYPE_COMPOUND_CRS) {
      crs.reset(proj_crs_get_sub_crs(ctx.get(), crs.get(), 0));
    } else {
      break;
    }
  }
  return crs;
}

bool is_geographic_type(PJ_TYPE type) {
  return type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS;
}

bool axes_in_metres(ProjContext& ctx, const PJ* crs) {
  const PjPtr cs(proj_crs_get_coordinate_system(ctx.get(), crs));
  if (!cs) return false;
  const int axis_count = proj_cs_get_axis_count(ctx.get(), cs.get());
  if (axis_count < 2) return false;
  for (int i = 0; i < axis_count; ++i) {
    double metres_per_unit = 0.0;
    if (proj_cs_get_axis_info(ctx.get(), cs.get(), i, nullptr, nullptr, nullptr, &metres_per_unit, nullptr,
                              nullptr, nullptr) == 0) {
      return false;
    }
    if (metres_per_unit != 1.0) return false;
  }
  return true;
}

std::string identifier_of(const PJ* obj) {
  const char* auth = proj_get_id_auth_name(obj, 0);
  const char* code = proj_get_id_code(obj, 0);
  if (auth == nullptr || code == nullptr) return {};
  return std::string(auth) + ":" + code;
}

/// An authority code and a name for a CRS: its own, or those of its best EPSG match when it carries no
/// identifier (e.g. a PROJ string, or ESRI WKT from a .prj file).
struct Identity {
  std::string code;  ///< "EPSG:4548", or empty
  std::string name;  ///< empty when PROJ knows none
};

std::string name_of(const PJ* obj) {
  const char* name = proj_get_name(obj);
  if (name == nullptr || std::string_view(name) == "unknown") return {};
  return name;
}

Identity identify(ProjContext& ctx, const PJ* crs) {
  Identity identity{identifier_of(crs), name_of(crs)};
  if (!identity.code.empty()) return identity;
  int* confidences = nullptr;
  PJ_OBJ_LIST* candidates = proj_identify(ctx.get(), crs, "EPSG", nullptr, &confidences);
  if (candidates != nullptr && confidences != nullptr && proj_list_get_count(candidates) > 0 &&
      confidences[0] >= kIdentifyMinConfidence) {
    const PjPtr best(proj_list_get(ctx.get(), candidates, 0));
    if (best) {
      identity.code = identifier_of(best.get());
      if (identity.name.empty()) identity.name = name_of(best.get());
    }
  }
  proj_int_list_destroy(confidences);
  proj_list_destroy(candidates);
  return identity;
}

std::string epsg(int code) { return "EPSG:" + std::to_string(code); }

}  // namespace

// -------------------------------------------------------------------------------------------------------------
// CrsSpec

CrsSpec CrsSpec::parse(std::string_view text) {
  const std::string_view trimmed = trim(text);
  const std::string lower = ascii_lower(trimmed);
  if (lower == "gcj02" || lower == "gcj-02") return {CrsKind::kGcj02, "gcj02"};
  if (lower == "bd09" || lower == "bd-09") return {CrsKind::kBd09, "bd09"};
  if (trimmed.empty()) throw_unknown_crs(text, thread_context());
  CrsSpec spec{CrsKind::kProj, std::string(trimmed)};
  const PjPtr crs = create_crs(thread_context(), spec);  // throws CrsError naming the text
  // PROJ also looks plain names up in its database, loosely: "foo" would find "Amersfoort". A name is
  // accepted only when it is the CRS's own name; codes, WKT, PROJ strings and PROJJSON go through as they are.
  if (looks_like_name(trimmed)) {
    const char* name = proj_get_name(crs.get());
    if (name == nullptr || ascii_lower(name) != lower)
      throw CrsError("unknown coordinate reference system " + quoted(trimmed) +
                         (name != nullptr ? " (the closest CRS name is '" + std::string(name) + "')" : std::string()),
                     {}, kAcceptedFormsHint);
  }
  return spec;
}

CrsSpec CrsSpec::from_wkt(std::string wkt) {
  CrsSpec spec{CrsKind::kProj, std::move(wkt)};
  create_crs(thread_context(), spec);
  return spec;
}

std::string CrsSpec::display() const {
  if (kind == CrsKind::kGcj02) return kGcj02Display;
  if (kind == CrsKind::kBd09) return kBd09Display;
  ProjContext& ctx = thread_context();
  const PjPtr crs = create_crs(ctx, *this);
  const Identity identity = identify(ctx, crs.get());
  const std::string name = identity.name.empty() ? quoted(definition) : identity.name;
  return identity.code.empty() ? name : identity.code + " " + name;
}

std::string CrsSpec::authority_code() const {
  if (kind != CrsKind::kProj) return {};
  ProjContext& ctx = thread_context();
  const PjPtr crs = create_crs(ctx, *this);
  return identify(ctx, crs.get()).code;
}

std::string CrsSpec::wkt() const {
  ProjContext& ctx = thread_context();
  const PjPtr crs = create_crs(ctx, *this);
  const char* text = proj_as_wkt(ctx.get(), crs.get(), PJ_WKT2_2019, nullptr);
  if (text == nullptr) throw CrsError("cannot write " + quoted(definition) + " as WKT");
  return text;
}

bool CrsSpec::is_geographic() const {
  if (kind != CrsKind::kProj) return true;
  ProjContext& ctx = thread_context();
  const PjPtr crs = horizontal_crs(ctx, create_crs(ctx, *this));
  return crs && is_geographic_type(proj_get_type(crs.get()));
}

bool CrsSpec::is_projected_metric() const {
  if (kind != CrsKind::kProj) return false;
  ProjContext& ctx = thread_context();
  const PjPtr crs = horizontal_crs(ctx, create_crs(ctx, *this));
  return crs && proj_get_type(crs.get()) == PJ_TYPE_PROJECTED_CRS && axes_in_metres(ctx, crs.get());
}

// -------------------------------------------------------------------------------------------------------------
// Transformer: [GCJ-02/BD-09 -> WGS 84] -> PROJ operation (GIS axis order) -> [WGS 84 -> GCJ-02/BD-09]

struct Transformer::Impl {
  ProjContext ctx;
  PjPtr operation;  ///< null when source and target PROJ CRSs are the same
  CrsKind from_kind = CrsKind::kProj;
  CrsKind to_kind = CrsKind::kProj;
  bool identity = false;

  void from_offset_to_wgs84(std::span<double> x, std::span<double> y) const {
    if (from_kind == CrsKind::kProj) return;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const LonLat p{x[i], y[i]};
      const LonLat wgs = from_kind == CrsKind::kGcj02 ? gcj02_to_wgs84(p) : bd09_to_wgs84(p);
      x[i] = wgs.lon;
      y[i] = wgs.lat;
    }
  }

  void from_wgs84_to_offset(std::span<double> x, std::span<double> y) const {
    if (to_kind == CrsKind::kProj) return;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const LonLat p{x[i], y[i]};
      if (!std::isfinite(p.lon) || !std::isfinite(p.lat)) continue;
      const LonLat out = to_kind == CrsKind::kGcj02 ? wgs84_to_gcj02(p) : wgs84_to_bd09(p);
      x[i] = out.lon;
      y[i] = out.lat;
    }
  }

  void apply_proj(std::span<double> x, std::span<double> y) const {
    if (!operation) return;
    proj_trans_generic(operation.get(), PJ_FWD, x.data(), sizeof(double), x.size(), y.data(), sizeof(double),
                       y.size(), nullptr, 0, 0, nullptr, 0, 0);
    proj_errno_reset(operation.get());
  }
};

namespace {

/// The transformations made so far in this process, by source and target. Finding a transformation between two
/// CRSs (proj_create_crs_to_crs: a search of PROJ's database) takes 30–200 ms; a run makes the same few many times
/// (the analysis CRS to and from WGS 84 for the coordinate check, the facilities, the roads, the zones, map.html).
/// A Transformer made again for a pair gets a copy (proj_clone, about 0.1 ms) of the operation found the first
/// time, in its own context: the same operation, so the same coordinates.
class OperationCache {
 public:
  struct Found {
    bool identity = false;
    bool same_proj_crs = false;
    PjPtr operation;  ///< in the caller's context; null when same_proj_crs
  };

  static OperationCache& instance() {
    static OperationCache cache;
    return cache;
  }

  /// The pair's entry copied into `ctx`, or nullopt when the pair has not been seen.
  std::optional<Found> find(ProjContext& ctx, const CrsSpec& from, const CrsSpec& to) {
    const std::lock_guard lock(mutex_);
    for (const Entry& e : entries_) {
      if (e.from_kind != from.kind || e.to_kind != to.kind || e.from != from.definition || e.to != to.definition)
        continue;
      Found f;
      f.identity = e.identity;
      f.same_proj_crs = e.same_proj_crs;
      if (e.operation) {
        f.operation.reset(proj_clone(ctx.get(), e.operation.get()));
        if (!f.operation) return std::nullopt;  // make it again
      }
      return f;
    }
    return std::nullopt;
  }

  /// Keeps a copy of the pair's operation (null when the CRSs are the same).
  void add(const CrsSpec& from, const CrsSpec& to, bool identity, bool same_proj_crs, const PJ* operation) {
    const std::lock_guard lock(mutex_);
    Entry e{from.kind, to.kind, from.definition, to.definition, identity, same_proj_crs, nullptr};
    if (operation != nullptr) {
      e.operation.reset(proj_clone(ctx_.get(), operation));
      if (!e.operation) return;
    }
    entries_.push_back(std::move(e));
  }

 private:
  struct Entry {
    CrsKind from_kind;
    CrsKind to_kind;
    std::string from;
    std::string to;
    bool identity;
    bool same_proj_crs;
    PjPtr operation;
  };
  std::mutex mutex_;
  ProjContext ctx_;  // the cached operations' context, used only under the mutex
  std::vector<Entry> entries_;
};

}  // namespace

Transformer::Transformer(const CrsSpec& from, const CrsSpec& to) : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.from_kind = from.kind;
  impl.to_kind = to.kind;
  if (std::optional<OperationCache::Found> found = OperationCache::instance().find(impl.ctx, from, to)) {
    impl.identity = found->identity;
    impl.operation = std::move(found->operation);
    return;
  }
  const PjPtr source = create_crs(impl.ctx, from);
  const PjPtr target = create_crs(impl.ctx, to);
  const bool same_proj_crs = proj_is_equivalent_to_with_ctx(impl.ctx.get(), source.get(), target.get(),
                                                            PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS) != 0;
  impl.identity = same_proj_crs && from.kind == to.kind;
  if (same_proj_crs) {
    OperationCache::instance().add(from, to, impl.identity, true, nullptr);
    return;
  }

  impl.ctx.clear_message();
  const PjPtr operation(
      proj_create_crs_to_crs_from_pj(impl.ctx.get(), source.get(), target.get(), nullptr, nullptr));
  if (!operation) {
    std::string what = "no coordinate transformation from " + from.display() + " to " + to.display();
    if (!impl.ctx.last_message().empty()) what += " (PROJ: " + impl.ctx.last_message() + ")";
    throw CrsError(std::move(what), {}, "check that both coordinate reference systems are the ones intended");
  }
  impl.operation.reset(proj_normalize_for_visualization(impl.ctx.get(), operation.get()));
  if (!impl.operation) {
    throw CrsError("cannot set longitude/easting-first axis order for the transformation from " +
                   from.display() + " to " + to.display());
  }
  OperationCache::instance().add(from, to, impl.identity, false, impl.operation.get());
}

Transformer::~Transformer() = default;
Transformer::Transformer(Transformer&&) noexcept = default;
Transformer& Transformer::operator=(Transformer&&) noexcept = default;

std::size_t Transformer::transform(std::span<double> x, std::span<double> y) const {
  if (x.size() != y.size()) throw std::invalid_argument("Transformer::transform: x and y differ in length");
  if (!impl_->identity) {
    impl_->from_offset_to_wgs84(x, y);
    impl_->apply_proj(x, y);
    impl_->from_wgs84_to_offset(x, y);
  }
  std::size_t failed = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isfinite(x[i]) && std::isfinite(y[i])) continue;
    x[i] = HUGE_VAL;
    y[i] = HUGE_VAL;
    ++failed;
  }
  return failed;
}

bool Transformer::transform(double& x, double& y) const {
  return transform(std::span<double>(&x, 1), std::span<double>(&y, 1)) == 0;
}

bool Transformer::is_identity() const { return impl_->identity; }

// -------------------------------------------------------------------------------------------------------------

CrsSpec choose_analysis_crs(double lon, double lat) {
  if (!std::isfinite(lon) || !std::isfinite(lat) || std::abs(lat) > 90.0) {
    throw CrsError("cannot choose an analysis coordinate reference system for a study area centred at (" +
                       std::to_string(lon) + ", " + std::to_string(lat) + ")",
                   {}, "check that the study-area coordinates are longitude/latitude in degrees");
  }
  const bool in_gk_area =
      lon >= kGkAreaMinLon_deg && lon <= kGkAreaMaxLon_deg && lat >= kGkAreaMinLat_deg && lat <= kGkAreaMaxLat_deg;
  if (in_gk_area) {
    const int central_meridian_deg = std::clamp(static_cast<int>(kGkZoneWidth_deg * std::round(lon / kGkZoneWidth_deg)),
                                                kGkFirstCentralMeridian_deg, kGkLastCentralMeridian_deg);
    const int zone_index = (central_meridian_deg - kGkFirstCentralMeridian_deg) / static_cast<int>(kGkZoneWidth_deg);
    return {CrsKind::kProj, epsg(kGkFirstEpsg + zone_index)};
  }
  const double wrapped_lon = lon - 360.0 * std::floor((lon + 180.0) / 360.0);  // in [-180, 180)
  const int zone = std::clamp(static_cast<int>(std::floor((wrapped_lon + 180.0) / kUtmZoneWidth_deg)) + 1, 1,
                              kUtmZoneCount);
  return {CrsKind::kProj, epsg((lat >= 0.0 ? kUtmNorthFirstEpsg : kUtmSouthFirstEpsg) + zone)};
}

CrsSpec wgs84() { return {CrsKind::kProj, kWgs84Definition}; }

}  // namespace carereach::geo
