#include "io/polygonize.hpp"

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "io/ogr_transform.hpp"
#include "io/vector_source.hpp"

namespace carereach::io {

namespace {

// ---------------------------------------------------------------------------------------------------------------
// polygonize_labels

/// The distinct labels other than no_label, sorted. GDALPolygonize reads Int32 values, so each cell gets the
/// index of its label in this list instead of the label (any uint32).
std::vector<std::uint32_t> distinct_labels(std::span<const std::uint32_t> label_of_cell, std::uint32_t no_label) {
  std::vector<std::uint32_t> labels;
  std::size_t compact_at = 4096;  // sort and deduplicate now and then to bound the memory on noisy grids
  for (const std::uint32_t l : label_of_cell) {
    if (l == no_label) continue;
    if (!labels.empty() && labels.back() == l) continue;  // label grids hold runs of one label
    labels.push_back(l);
    if (labels.size() > compact_at) {
      std::sort(labels.begin(), labels.end());
      labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
      compact_at = std::max<std::size_t>(4096, 2 * labels.size());
    }
  }
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  return labels;
}

[[noreturn]] void throw_gdal(const std::string& what) {
  throw OutputError("polygonizing the label grid failed: " + what + " (" + last_gdal_error() + ")", {},
                    "check the free memory");
}

}  // namespace

std::vector<LabelledPolygon> polygonize_labels(const Grid& grid, std::span<const std::uint32_t> label_of_cell,
                                               std::uint32_t no_label) {
  if (label_of_cell.size() != grid.cell_count())
    throw std::invalid_argument("polygonize_labels: " + std::to_string(label_of_cell.size()) + " labels for " +
                                std::to_string(grid.cell_count()) + " cells");
  const std::vector<std::uint32_t> labels = distinct_labels(label_of_cell, no_label);
  std::vector<LabelledPolygon> out;
  if (labels.empty()) return out;
  if (grid.cols > static_cast<std::uint32_t>(std::numeric_limits<int>::max()) ||
      grid.rows > static_cast<std::uint32_t>(std::numeric_limits<int>::max()) ||
      labels.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw std::invalid_argument("polygonize_labels: grid too large for GDAL");

  // Dense index per cell (-1 = no label) and the number of cells of each label.
  std::vector<std::int32_t> index(label_of_cell.size(), -1);
  std::vector<std::size_t> cells(labels.size(), 0);
  for (std::size_t i = 0; i < label_of_cell.size(); ++i) {
    const std::uint32_t l = label_of_cell[i];
    if (l == no_label) continue;
    const auto it = std::lower_bound(labels.begin(), labels.end(), l);
    const auto k = static_cast<std::size_t>(it - labels.begin());
    index[i] = static_cast<std::int32_t>(k);
    ++cells[k];
  }

  ensure_gdal();
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDriver* memory = GetGDALDriverManager()->GetDriverByName("Memory");
  if (mem == nullptr || memory == nullptr) throw_gdal("the MEM and Memory drivers are missing");
  const int cols = static_cast<int>(grid.cols);
  const int rows = static_cast<int>(grid.rows);
  GDALDatasetUniquePtr raster(mem->Create("", cols, rows, 1, GDT_Int32, nullptr));
  if (!raster) throw_gdal("cannot create an in-memory raster");
  double gt[6] = {grid.origin_x_m, grid.cell_size_m, 0.0, grid.origin_y_m, 0.0, -grid.cell_size_m};
  raster->SetGeoTransform(gt);
  GDALRasterBand* band = raster->GetRasterBand(1);
  band->SetNoDataValue(-1);
  if (band->RasterIO(GF_Write, 0, 0, cols, rows, index.data(), cols, rows, GDT_Int32, 0, 0) != CE_None)
    throw_gdal("cannot fill the in-memory raster");
  std::vector<std::int32_t>().swap(index);

  GDALDatasetUniquePtr vector(memory->Create("", 0, 0, 0, GDT_Unknown, nullptr));
  if (!vector) throw_gdal("cannot create an in-memory layer");
  OGRLayer* layer = vector->CreateLayer("cells", nullptr, wkbPolygon, nullptr);
  if (layer == nullptr) throw_gdal("cannot create an in-memory layer");
  OGRFieldDefn field("index", OFTInteger);
  if (layer->CreateField(&field) != OGRERR_NONE) throw_gdal("cannot create an in-memory field");
  // Default options: 4-connectedness (cells joined through shared edges only).
  if (GDALPolygonize(GDALRasterBand::ToHandle(band), GDALRasterBand::ToHandle(band->GetMaskBand()),
                     OGRLayer::ToHandle(layer), 0, nullptr, nullptr, nullptr) != CE_None)
    throw_gdal("GDALPolygonize");
  raster.reset();

  // The connected parts of every label, in GDAL's (deterministic) order.
  std::vector<std::vector<geo::Geometry>> parts(labels.size());
  layer->ResetReading();
  for (auto& feature : *layer) {
    const int k = feature->GetFieldAsInteger(0);
    const OGRGeometry* g = feature->GetGeometryRef();
    if (g == nullptr || k < 0 || static_cast<std::size_t>(k) >= labels.size()) continue;
    geo::Geometry part = to_geos(*g);
    if (!part.is_valid()) part = part.make_valid_polygonal();
    parts[static_cast<std::size_t>(k)].push_back(std::move(part));
  }

  out.reserve(labels.size());
  for (std::size_t k = 0; k < labels.size(); ++k) {
    LabelledPolygon lp;
    lp.label = labels[k];
    lp.cell_count = cells[k];
    // Parts of one label are 4-connected components: two of them never share an edge (they would be one), so they
    // are disjoint or touch at corners, and gathered as they are they already form a valid MultiPolygon, the union
    // of the parts. No overlay is needed.
    lp.polygon = parts[k].size() == 1 ? std::move(parts[k].front()) : geo::Geometry::multi_polygon(std::move(parts[k]));
    out.push_back(std::move(lp));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// smooth_without_loss

namespace {

struct Point {
  double x = 0;
  double y = 0;
};
using Ring = std::vector<Point>;  ///< open: the first point is not repeated at the end

/// The ring's vertices without the closing point, repeated points and collinear (straight-through) vertices.
Ring ring_vertices(const OGRLinearRing& ring) {
  Ring pts;
  const int n = ring.getNumPoints();
  pts.reserve(static_cast<std::size_t>(std::max(n, 0)));
  for (int i = 0; i < n; ++i) {
    const Point p{ring.getX(i), ring.getY(i)};
    if (!pts.empty() && pts.back().x == p.x && pts.back().y == p.y) continue;
    pts.push_back(p);
  }
  while (pts.size() > 1 && pts.front().x == pts.back().x && pts.front().y == pts.back().y) pts.pop_back();
  if (pts.size() < 3) return pts;
  Ring kept;
  kept.reserve(pts.size());
  const std::size_t m = pts.size();
  for (std::size_t i = 0; i < m; ++i) {
    const Point& a = pts[(i + m - 1) % m];
    const Point& b = pts[i];
    const Point& c = pts[(i + 1) % m];
    const double cross = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
    const double dot = (b.x - a.x) * (c.x - b.x) + (b.y - a.y) * (c.y - b.y);
    if (cross == 0.0 && dot > 0.0) continue;  // b lies on the straight line a→c
    kept.push_back(b);
  }
  return kept;
}

/// One pass of Chaikin's corner cutting: every edge a→b gives the points at distance d from a and from b,
/// d = min(|ab| / 4, cap).
Ring chaikin(const Ring& ring, double cap) {
  Ring out;
  out.reserve(ring.size() * 2);
  const std::size_t n = ring.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Point& a = ring[i];
    const Point& b = ring[(i + 1) % n];
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const double len = std::hypot(dx, dy);
    if (!(len > 0.0)) continue;
    const double t = std::min(len / 4.0, cap) / len;
    out.push_back({a.x + t * dx, a.y + t * dy});
    out.push_back({b.x - t * dx, b.y - t * dy});
  }
  return out;
}

std::unique_ptr<OGRLinearRing> to_ring(const Ring& pts) {
  auto ring = std::make_unique<OGRLinearRing>();
  ring->setNumPoints(static_cast<int>(pts.size() + 1), FALSE);
  for (std::size_t i = 0; i < pts.size(); ++i) ring->setPoint(static_cast<int>(i), pts[i].x, pts[i].y);
  ring->setPoint(static_cast<int>(pts.size()), pts.front().x, pts.front().y);
  return ring;
}

/// The polygon with every ring smoothed (rings too small to smooth are kept), as a valid GEOS geometry.
geo::Geometry smooth_polygon(const OGRPolygon& polygon, double cap) {
  OGRPolygon smoothed;
  for (const OGRLinearRing* ring : polygon) {
    Ring pts = ring_vertices(*ring);
    if (pts.size() >= 3) {
      pts = chaikin(chaikin(pts, cap), cap);
      smoothed.addRingDirectly(to_ring(pts).release());
    } else {
      smoothed.addRingDirectly(ring->clone());
    }
  }
  geo::Geometry g = to_geos(smoothed);
  if (!g.is_valid()) g = g.make_valid_polygonal();
  return g;
}

}  // namespace

geo::Geometry smooth_without_loss(const geo::Geometry& cells_polygon, double cell_size_m) {
  if (!(cell_size_m > 0.0) || !std::isfinite(cell_size_m))
    throw std::invalid_argument("smooth_without_loss: the cell size must be a positive number of metres");
  if (cells_polygon.null() || cells_polygon.is_empty()) return cells_polygon.clone();
  const double cap = cell_size_m / 4.0;
  const std::unique_ptr<OGRGeometry> ogr = to_ogr(cells_polygon);
  const OGRwkbGeometryType type = wkbFlatten(ogr->getGeometryType());
  if (type != wkbPolygon && type != wkbMultiPolygon)
    throw std::invalid_argument("smooth_without_loss: the geometry is not a polygon or multipolygon");
  // The union of the whole outline with every smoothed part, by one overlay of everything.
  const auto whole_union = [&] {
    std::vector<geo::Geometry> pieces;
    pieces.push_back(cells_polygon.clone());
    if (type == wkbPolygon) {
      pieces.push_back(smooth_polygon(*ogr->toPolygon(), cap));
    } else {
      for (const OGRPolygon* part : *ogr->toMultiPolygon()) pieces.push_back(smooth_polygon(*part, cap));
    }
    geo::Geometry result = geo::Geometry::union_all(std::move(pieces));
    if (!result.is_valid()) result = result.make_valid_polygonal();
    return result;
  };
  if (type == wkbPolygon) return whole_union();

  // A MultiPolygon (the parts of a label, which touch at corners only): each part united with its own smoothed
  // outline, and the results gathered without a further overlay. What smoothing adds to a part lies at its concave
  // corners, within cell_size_m / 8 of it, in cells the part does not hold and no other part reaches, so the
  // results keep apart as the parts do and gathered they are the same union, at a fraction of the work of noding
  // every part against every other. Should they ever overlap or share an edge, the gathered MultiPolygon is not
  // valid (its parts' interiors must be disjoint): then the union is computed as a whole.
  std::vector<geo::Geometry> united;
  for (const OGRPolygon* part : *ogr->toMultiPolygon()) {
    std::vector<geo::Geometry> pieces;
    pieces.push_back(to_geos(*part));
    pieces.push_back(smooth_polygon(*part, cap));
    geo::Geometry one = geo::Geometry::union_all(std::move(pieces));
    if (!one.is_valid()) one = one.make_valid_polygonal();
    united.push_back(std::move(one));
  }
  geo::Geometry gathered = geo::Geometry::multi_polygon(std::move(united));
  if (gathered.is_valid()) return gathered;
  return whole_union();
}

LabelGrid coarsen_labels(const Grid& grid, const std::vector<std::uint32_t>& labels, std::uint32_t factor) {
  if (labels.size() != grid.cell_count()) throw std::invalid_argument("coarsen_labels: one label per cell is needed");
  if (factor == 0) throw std::invalid_argument("coarsen_labels: factor must be at least 1");
  LabelGrid out;
  out.grid = grid;
  if (factor == 1) {
    out.labels = labels;
    return out;
  }
  out.grid.cell_size_m = grid.cell_size_m * factor;
  out.grid.cols = (grid.cols + factor - 1) / factor;
  out.grid.rows = (grid.rows + factor - 1) / factor;
  out.labels.assign(out.grid.cell_count(), 0);
  // Label counts of one block: few distinct labels per block, so a short list searched linearly.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> count;
  for (std::uint32_t br = 0; br < out.grid.rows; ++br)
    for (std::uint32_t bc = 0; bc < out.grid.cols; ++bc) {
      count.clear();
      for (std::uint32_t r = br * factor; r < std::min(grid.rows, (br + 1) * factor); ++r)
        for (std::uint32_t c = bc * factor; c < std::min(grid.cols, (bc + 1) * factor); ++c) {
          const std::uint32_t l = labels[grid.index(c, r)];
          if (l == 0) continue;
          auto it = std::find_if(count.begin(), count.end(), [l](const auto& e) { return e.first == l; });
          if (it == count.end()) count.emplace_back(l, 1);
          else ++it->second;
        }
      std::uint32_t best = 0, best_n = 0;
      for (const auto& [l, n] : count)  // a tie keeps the smaller label
        if (n > best_n || (n == best_n && l < best)) best = l, best_n = n;
      out.labels[out.grid.index(bc, br)] = best;
    }
  return out;
}

}  // namespace carereach::io
