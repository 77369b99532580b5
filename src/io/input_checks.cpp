#include "io/input_checks.hpp"

#include <vector>

namespace carereach::io {

namespace {

/// Collects every vertex of a geometry in order.
class VertexCollector final : public OGRDefaultConstGeometryVisitor {
 public:
  std::vector<double> x;
  std::vector<double> y;
  using OGRDefaultConstGeometryVisitor::visit;
  void visit(const OGRPoint* p) override {
    if (p->IsEmpty()) return;
    x.push_back(p->getX());
    y.push_back(p->getY());
  }
};

}  // namespace

std::optional<geo::CoordinateProblem> geometry_problem(const OGRGeometry& g, const geo::CoordinateCheck& check) {
  VertexCollector vertices;
  g.accept(&vertices);
  auto r = check.first_problem(vertices.x, vertices.y);
  if (!r) return std::nullopt;
  r->problem.message = "vertex " + std::to_string(r->index + 1) + ": " + r->problem.message;
  return std::move(r->problem);
}

Location geometry_where(const VectorSource& src, const OGRFeature& f) {
  const char* column = src.layer().GetGeometryColumn();
  return src.where(f, column != nullptr && *column != '\0' ? std::string(column) : std::string("geometry"));
}

std::vector<geo::CoordinateCheck::Target> analysis_and_output_targets(const geo::CrsSpec& analysis_crs,
                                                                       const geo::CrsSpec* output_crs) {
  std::vector<geo::CoordinateCheck::Target> targets{{analysis_crs, "the analysis CRS " + analysis_crs.display()}};
  if (output_crs != nullptr)
    targets.push_back({*output_crs, "the output CRS " + output_crs->display() + " (analysis.output_crs)"});
  return targets;
}

void report_coordinate(const geo::CoordinateProblem& p, const Location& where, Severity severity, Diagnostics& diag,
                       const std::string& what, const std::string& note) {
  Problem out;
  out.severity = severity;
  out.kind = ExitCode::kInput;
  out.code = p.code();
  out.message = what + p.message + note;
  out.where = where;
  out.hint = p.hint;
  diag.add(std::move(out));
}

bool check_output_text(const std::string& value, const std::string& what, const Location& where, Severity severity,
                       Diagnostics& diag, const std::string& note) {
  const TextFault fault = output_text_fault(value);
  if (!fault) return true;
  Problem p;
  p.severity = severity;
  p.kind = ExitCode::kInput;
  p.code = fault.code();
  p.message = what + " " + fault.message + note;
  p.where = where;
  switch (fault.kind) {
    case TextFault::kNotUtf8:
      p.hint = "save the source with UTF-8 text (for a Shapefile: a .cpg file naming its encoding)";
      break;
    case TextFault::kControl:
      p.hint = "remove the control character from the value";
      break;
    default:
      p.hint = "shorten the value to at most 4,000 characters";
  }
  diag.add(std::move(p));
  return false;
}

}  // namespace carereach::io
