// Fuzz target: a facility table (CSV bytes) read by the normal facility loader (io::load_facilities, through
// VectorSource and GDAL's CSV driver) from a /vsimem/ file, with the column mapping of the Bozhou demo plus status
// and capacity columns. The same bytes are read as two sources: WGS 84 with on_invalid = "error", and GCJ-02 with
// on_invalid = "skip" and an id prefix (several sources, web-map coordinates, rows left out).
// Expected: facilities and diagnostics, or an InputError / CrsError / ScenarioError.

#include <cpl_vsi.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/taxonomy.hpp"
#include "fuzz_common.hpp"
#include "geo/crs.hpp"
#include "io/facilities.hpp"
#include "io/vector_source.hpp"

using namespace carereach;

namespace {

io::FacilitySourceSpec source(const std::string& path, const std::string& crs, io::OnInvalid on_invalid,
                              const std::string& id_prefix, int index) {
  io::FacilitySourceSpec s;
  s.source.path_as_written = "facilities.csv";
  s.source.path = path;
  s.source.crs = crs;
  // The first source detects the encoding (UTF-8, GB18030, mixed rows, UTF-16 by its mark); the second declares
  // UTF-8, so both the detection and the strict check of a declared encoding are fuzzed.
  s.source.encoding = index == 0 ? "" : "utf-8";
  s.source.x_field = "经度";
  s.source.y_field = "纬度";
  s.source.key = "facilities[" + std::to_string(index) + "]";
  s.source.line = 10 + index;
  io::FacilityFields& f = s.fields;
  f.id = "机构代码";
  f.name = "机构名称";
  f.type = "机构类别";
  f.level = "等级";
  f.tags = "标签";
  f.status = "状态";
  f.beds = "床位数";
  f.doctors = "执业医师数";
  f.nurses = "注册护士数";
  f.gps = "全科医生数";
  f.tcm_beds = "中医床位数";
  f.tcm_doctors = "中医执业医师数";
  f.capacity = "服务人口";
  s.type_map = {{"卫生室", "village_clinic"}, {"诊所", "clinic"}};
  s.default_level = "未定级";
  s.id_prefix = id_prefix;
  s.on_invalid = on_invalid;
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  io::ensure_gdal();
  static const Taxonomy taxonomy = Taxonomy::builtin();
  static const geo::CrsSpec analysis_crs = geo::CrsSpec::parse("EPSG:4548");
  const std::string path = "/vsimem/carereach_fuzz/facilities.csv";
  // GDAL takes a copy of the buffer (bTakeOwnership = FALSE would alias the fuzzer's memory, which it reuses).
  std::vector<GByte> copy(data, data + size);
  VSILFILE* f = VSIFileFromMemBuffer(path.c_str(), copy.data(), copy.size(), FALSE);
  if (f == nullptr) return 0;
  VSIFCloseL(f);
  const std::vector<io::FacilitySourceSpec> sources{
      source(path, "EPSG:4326", io::OnInvalid::kError, "", 0),
      source(path, "gcj02", io::OnInvalid::kSkip, "b:", 1),
  };
  fuzz::expect_only_carereach_errors([&] {
    Diagnostics diag;
    (void)io::load_facilities(sources, taxonomy, analysis_crs, diag);
  });
  VSIUnlink(path.c_str());
  return 0;
}
