// Label grids to polygons, and the smoothing that never loses covered area. Expected areas are counted or worked
// out by hand in the comments; validity and coverage are checked with GEOS.

#include <catch2/catch.hpp>

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "geo/geos.hpp"
#include "io/ogr_transform.hpp"
#include "io/polygonize.hpp"
#include "io/vector_source.hpp"

using carereach::Grid;
using carereach::io::coarsen_labels;
using carereach::io::LabelGrid;
using carereach::io::polygonize_labels;
using carereach::io::smooth_without_loss;
using carereach::io::to_geos;
using carereach::io::to_ogr;
namespace geo = carereach::geo;

namespace {

constexpr std::uint32_t kNone = 0;
constexpr int kPolygon = 3;
constexpr int kMultiPolygon = 6;

/// A grid from rows of text, row 0 at the top: '.' = no label, a digit = that label.
LabelGrid from_text(const std::vector<std::string>& rows, double cell_size_m = 100.0, double origin_x_m = 1000.0,
                    double origin_y_m = 5000.0) {
  LabelGrid g;
  g.grid.origin_x_m = origin_x_m;
  g.grid.origin_y_m = origin_y_m;
  g.grid.cell_size_m = cell_size_m;
  g.grid.rows = static_cast<std::uint32_t>(rows.size());
  g.grid.cols = static_cast<std::uint32_t>(rows.front().size());
  for (const std::string& row : rows)
    for (const char c : row) g.labels.push_back(c == '.' ? kNone : static_cast<std::uint32_t>(c - '0'));
  return g;
}

int interior_rings(const geo::Geometry& g) {
  const auto ogr = to_ogr(g);
  int n = 0;
  if (wkbFlatten(ogr->getGeometryType()) == wkbPolygon) return ogr->toPolygon()->getNumInteriorRings();
  for (const OGRPolygon* p : *ogr->toMultiPolygon()) n += p->getNumInteriorRings();
  return n;
}

int parts(const geo::Geometry& g) {
  const auto ogr = to_ogr(g);
  return wkbFlatten(ogr->getGeometryType()) == wkbPolygon ? 1 : ogr->toMultiPolygon()->getNumGeometries();
}

/// Area of a minus b (OGR's difference, which runs GEOS).
double area_outside(const geo::Geometry& a, const geo::Geometry& b) {
  const auto oa = to_ogr(a);
  const auto ob = to_ogr(b);
  const std::unique_ptr<OGRGeometry> d(oa->Difference(ob.get()));
  REQUIRE(d != nullptr);
  return d->IsEmpty() ? 0.0 : to_geos(*d).area();
}

/// Largest distance from a vertex of g to the geometry `to`.
double farthest_vertex(const geo::Geometry& g, const geo::Geometry& to) {
  const auto ogr = to_ogr(g);
  double worst = 0;
  const auto visit = [&](const OGRPolygon& p) {
    for (const OGRLinearRing* ring : p)
      for (int i = 0; i < ring->getNumPoints(); ++i)
        worst = std::max(worst, geo::Geometry::point(ring->getX(i), ring->getY(i)).distance(to));
  };
  if (wkbFlatten(ogr->getGeometryType()) == wkbPolygon)
    visit(*ogr->toPolygon());
  else
    for (const OGRPolygon* p : *ogr->toMultiPolygon()) visit(*p);
  return worst;
}

}  // namespace

TEST_CASE("polygonize_labels: two labels, sorted, areas counted by hand", "[polygonize]") {
  // label 7: 5 cells, label 3: 4 cells, no label: 3 cells; labels come back sorted ascending.
  const LabelGrid g = from_text({"777.",  //
                                 "7733",  //
                                 "..33"});
  const auto polygons = polygonize_labels(g.grid, g.labels, kNone);
  REQUIRE(polygons.size() == 2);
  CHECK(polygons[0].label == 3);
  CHECK(polygons[0].cell_count == 4);
  CHECK(polygons[0].polygon.area() == Approx(4 * 100.0 * 100.0).epsilon(1e-12));
  CHECK(polygons[1].label == 7);
  CHECK(polygons[1].cell_count == 5);
  CHECK(polygons[1].polygon.area() == Approx(5 * 100.0 * 100.0).epsilon(1e-12));
  for (const auto& p : polygons) {
    CHECK(p.polygon.is_valid());
    CHECK(p.polygon.type_id() == kPolygon);
  }
  // Label 3 is the 2 x 2 block at columns 2-3, rows 1-2: x 1200…1400, y 4700…4900.
  const geo::Envelope e = polygons[0].polygon.envelope();
  CHECK(e.min_x == 1200.0);
  CHECK(e.max_x == 1400.0);
  CHECK(e.min_y == 4700.0);
  CHECK(e.max_y == 4900.0);
}

TEST_CASE("polygonize_labels: a hole is an interior ring", "[polygonize]") {
  const LabelGrid g = from_text({"111",  //
                                 "1.1",  //
                                 "111"});
  const auto polygons = polygonize_labels(g.grid, g.labels, kNone);
  REQUIRE(polygons.size() == 1);
  CHECK(polygons[0].polygon.type_id() == kPolygon);
  CHECK(polygons[0].polygon.is_valid());
  CHECK(interior_rings(polygons[0].polygon) == 1);
  CHECK(polygons[0].polygon.area() == Approx(8 * 1.0e4).epsilon(1e-12));
}

TEST_CASE("polygonize_labels: cells touching at a corner are two parts (4-connectivity)", "[polygonize]") {
  const LabelGrid g = from_text({"5..",  //
                                 ".5.",  //
                                 "..5"});
  const auto polygons = polygonize_labels(g.grid, g.labels, kNone);
  REQUIRE(polygons.size() == 1);
  CHECK(polygons[0].polygon.type_id() == kMultiPolygon);
  CHECK(parts(polygons[0].polygon) == 3);
  CHECK(polygons[0].polygon.is_valid());
  CHECK(polygons[0].polygon.area() == Approx(3 * 1.0e4).epsilon(1e-12));
}

TEST_CASE("polygonize_labels: a hole touching the outside at a corner stays valid", "[polygonize]") {
  // The hole at row 1, column 1 touches the empty cell at row 2, column 2 through a corner only: with
  // 4-connectivity it is a hole, touching the shell at (1200, 4800). The lone cell at the bottom right is a second
  // part of the same label, touching the first at (1300, 4700).
  const LabelGrid g = from_text({"111.",  //
                                 "1.1.",  //
                                 "11..",  //
                                 "...1"});
  const auto polygons = polygonize_labels(g.grid, g.labels, kNone);
  REQUIRE(polygons.size() == 1);
  const geo::Geometry& p = polygons[0].polygon;
  std::string reason;
  CHECK(p.is_valid(&reason));
  INFO(reason);
  CHECK(p.area() == Approx(8 * 1.0e4).epsilon(1e-12));
  CHECK(polygons[0].cell_count == 8);
  CHECK(parts(p) == 2);
  CHECK(interior_rings(p) == 1);
}

TEST_CASE("polygonize_labels: empty grids, other no-label values and bad sizes", "[polygonize]") {
  const LabelGrid g = from_text({"...", "..."});
  CHECK(polygonize_labels(g.grid, g.labels, kNone).empty());
  // no_label need not be 0: here 0 is a label and 9 is "none".
  const LabelGrid h = from_text({"09", "90"});
  const auto polygons = polygonize_labels(h.grid, h.labels, 9);
  REQUIRE(polygons.size() == 1);
  CHECK(polygons[0].label == 0);
  CHECK(polygons[0].cell_count == 2);
  // Labels that do not fit an Int32 are fine: GDAL sees their dense index.
  std::vector<std::uint32_t> big = {4000000000U, 0, 0, 4000000001U};
  Grid grid2 = h.grid;
  const auto big_polygons = polygonize_labels(grid2, big, kNone);
  REQUIRE(big_polygons.size() == 2);
  CHECK(big_polygons[0].label == 4000000000U);
  CHECK(big_polygons[1].label == 4000000001U);
  const std::vector<std::uint32_t> too_few(3, 1);
  CHECK_THROWS_AS(polygonize_labels(h.grid, too_few, kNone), std::invalid_argument);
}

TEST_CASE("polygonize_labels: random grids are covered exactly, label by label", "[polygonize]") {
  // A noisy grid (seeded) with an awkward origin and cell size: every label's polygon is valid, its area is its
  // cells' area, and it covers the centre of every cell of that label and of no other cell.
  std::mt19937 rng(20240501);
  std::uniform_int_distribution<int> pick(0, 4);
  Grid grid;
  grid.origin_x_m = 438123.7;
  grid.origin_y_m = 3520417.3;
  grid.cell_size_m = 30.0;
  grid.cols = 47;
  grid.rows = 39;
  std::vector<std::uint32_t> labels(grid.cell_count());
  for (auto& l : labels) l = static_cast<std::uint32_t>(pick(rng));
  const auto polygons = polygonize_labels(grid, labels, kNone);
  REQUIRE(polygons.size() == 4);
  std::size_t total = 0;
  for (const auto& p : polygons) {
    std::string reason;
    CHECK(p.polygon.is_valid(&reason));
    INFO(reason);
    // The label's cells counted here, not taken from the result.
    const auto cells = static_cast<std::size_t>(std::count(labels.begin(), labels.end(), p.label));
    CHECK(p.cell_count == cells);
    CHECK(p.polygon.area() == Approx(static_cast<double>(cells) * 900.0).epsilon(1e-9));
    total += p.cell_count;
    const geo::PreparedGeometry prepared(p.polygon);
    for (std::uint32_t r = 0; r < grid.rows; ++r)
      for (std::uint32_t c = 0; c < grid.cols; ++c)
        CHECK(prepared.covers(grid.centre_x_m(c), grid.centre_y_m(r)) == (labels[grid.index(c, r)] == p.label));
  }
  CHECK(total == static_cast<std::size_t>(
                     std::count_if(labels.begin(), labels.end(), [](std::uint32_t l) { return l != kNone; })));
}

namespace {

/// The cells of `label` (every labelled cell when label is kNone) as squares, unioned by GEOS's overlay: the
/// reference the polygons are compared with, built without polygonize_labels.
geo::Geometry cell_squares(const Grid& grid, const std::vector<std::uint32_t>& labels, std::uint32_t label) {
  std::vector<geo::Geometry> squares;
  for (std::uint32_t r = 0; r < grid.rows; ++r)
    for (std::uint32_t c = 0; c < grid.cols; ++c) {
      const std::uint32_t l = labels[grid.index(c, r)];
      if (l == kNone || (label != kNone && l != label)) continue;
      OGRLinearRing ring;
      const double x0 = grid.origin_x_m + c * grid.cell_size_m, x1 = x0 + grid.cell_size_m;
      const double y0 = grid.origin_y_m - (r + 1) * grid.cell_size_m, y1 = y0 + grid.cell_size_m;
      ring.addPoint(x0, y0);
      ring.addPoint(x1, y0);
      ring.addPoint(x1, y1);
      ring.addPoint(x0, y1);
      ring.addPoint(x0, y0);
      OGRPolygon square;
      square.addRing(&ring);
      squares.push_back(to_geos(square));
    }
  return geo::Geometry::union_all(std::move(squares));
}

/// Area of the intersection of a and b (OGR's intersection, which runs GEOS).
double area_shared(const geo::Geometry& a, const geo::Geometry& b) {
  const auto oa = to_ogr(a);
  const auto ob = to_ogr(b);
  const std::unique_ptr<OGRGeometry> i(oa->Intersection(ob.get()));
  REQUIRE(i != nullptr);
  return i->IsEmpty() ? 0.0 : to_geos(*i).area();
}

}  // namespace

TEST_CASE("polygonize_labels: a label in many parts, islands in holes: the parts' union without overlay",
          "[polygonize]") {
  // Label 1 is a ring with a hole holding an island of label 1 (kept apart by a ring of label 2), and two cells
  // touching the ring at corners: four parts of one valid MultiPolygon, 16 + 1 + 2 = 19 cells counted by hand.
  const LabelGrid g = from_text({"1.....1",  //
                                 ".11111.",  //
                                 ".12221.",  //
                                 ".12121.",  //
                                 ".12221.",  //
                                 ".11111."});
  const auto polygons = polygonize_labels(g.grid, g.labels, kNone);
  REQUIRE(polygons.size() == 2);
  const geo::Geometry& one = polygons[0].polygon;
  std::string reason;
  CHECK(one.is_valid(&reason));
  INFO(reason);
  CHECK(one.type_id() == kMultiPolygon);
  CHECK(parts(one) == 4);
  CHECK(polygons[0].cell_count == 19);
  CHECK(one.area() == Approx(19 * 1.0e4).epsilon(1e-12));
  CHECK(polygons[1].cell_count == 8);
  CHECK(polygons[1].polygon.area() == Approx(8 * 1.0e4).epsilon(1e-12));
  // Same point set as the overlay union of the label's cells.
  const geo::Geometry reference = cell_squares(g.grid, g.labels, 1);
  CHECK(area_outside(one, reference) == Approx(0.0).margin(1e-6));
  CHECK(area_outside(reference, one) == Approx(0.0).margin(1e-6));
  // The ring of label 2 lies between the two parts of label 1 without overlap or gap.
  CHECK(area_shared(one, polygons[1].polygon) == Approx(0.0).margin(1e-6));
}

TEST_CASE("polygonize_labels: sparse random labels: each the union of its cells, no overlaps, no gaps",
          "[polygonize]") {
  // Half the cells unlabelled, the rest in three labels: labels fall into many parts touching at corners, with
  // islands in holes. Each label's polygon is valid, has its cells' area, and covers exactly its cells (compared
  // with the overlay union of its squares); two labels share no area; all labels together cover the labelled cells
  // without a gap (the union of the polygons is the union of all labelled squares, area by area).
  std::mt19937 rng(20261207);
  std::uniform_int_distribution<int> pick(0, 5);
  Grid grid;
  grid.origin_x_m = 512345.25;
  grid.origin_y_m = 3712345.75;
  grid.cell_size_m = 100.0;
  grid.cols = 41;
  grid.rows = 37;
  std::vector<std::uint32_t> labels(grid.cell_count());
  for (auto& l : labels) {
    const int v = pick(rng);
    l = v < 3 ? kNone : static_cast<std::uint32_t>(v - 2);
  }
  const auto polygons = polygonize_labels(grid, labels, kNone);
  REQUIRE(polygons.size() == 3);
  std::size_t multi = 0;
  std::vector<geo::Geometry> all;
  for (const auto& p : polygons) {
    std::string reason;
    CHECK(p.polygon.is_valid(&reason));
    INFO(reason);
    const auto cells = static_cast<std::size_t>(std::count(labels.begin(), labels.end(), p.label));
    CHECK(p.cell_count == cells);
    CHECK(p.polygon.area() == Approx(static_cast<double>(cells) * 1.0e4).epsilon(1e-9));
    if (parts(p.polygon) > 1) ++multi;
    const geo::Geometry reference = cell_squares(grid, labels, p.label);
    CHECK(area_outside(p.polygon, reference) == Approx(0.0).margin(1e-3));
    CHECK(area_outside(reference, p.polygon) == Approx(0.0).margin(1e-3));
    all.push_back(p.polygon.clone());
  }
  CHECK(multi == 3);  // the case this test is about: labels in many parts
  for (std::size_t i = 0; i < polygons.size(); ++i)
    for (std::size_t j = i + 1; j < polygons.size(); ++j)
      CHECK(area_shared(polygons[i].polygon, polygons[j].polygon) == Approx(0.0).margin(1e-3));
  const auto labelled =
      static_cast<double>(std::count_if(labels.begin(), labels.end(), [](std::uint32_t l) { return l != kNone; }));
  const geo::Geometry together = geo::Geometry::union_all(std::move(all));
  CHECK(together.area() == Approx(labelled * 1.0e4).epsilon(1e-9));
  const geo::Geometry reference = cell_squares(grid, labels, kNone);
  CHECK(area_outside(reference, together) == Approx(0.0).margin(1e-3));
}

namespace {

/// GDALPolygonize (default 4-connectedness) of the grid on an in-memory raster: per label (index = label) its parts,
/// each read into GEOS. The independent reference for the traced polygons.
std::vector<std::vector<geo::Geometry>> gdal_parts(const Grid& grid, const std::vector<std::uint32_t>& labels,
                                                   std::uint32_t max_label) {
  carereach::io::ensure_gdal();
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDriver* memory = GetGDALDriverManager()->GetDriverByName("Memory");
  REQUIRE(mem != nullptr);
  REQUIRE(memory != nullptr);
  const int cols = static_cast<int>(grid.cols), rows = static_cast<int>(grid.rows);
  std::vector<std::int32_t> values(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i)
    values[i] = labels[i] == kNone ? -1 : static_cast<std::int32_t>(labels[i]);
  GDALDatasetUniquePtr raster(mem->Create("", cols, rows, 1, GDT_Int32, nullptr));
  double gt[6] = {grid.origin_x_m, grid.cell_size_m, 0.0, grid.origin_y_m, 0.0, -grid.cell_size_m};
  raster->SetGeoTransform(gt);
  GDALRasterBand* band = raster->GetRasterBand(1);
  band->SetNoDataValue(-1);
  REQUIRE(band->RasterIO(GF_Write, 0, 0, cols, rows, values.data(), cols, rows, GDT_Int32, 0, 0) == CE_None);
  GDALDatasetUniquePtr vector(memory->Create("", 0, 0, 0, GDT_Unknown, nullptr));
  OGRLayer* layer = vector->CreateLayer("cells", nullptr, wkbPolygon, nullptr);
  OGRFieldDefn field("label", OFTInteger);
  REQUIRE(layer->CreateField(&field) == OGRERR_NONE);
  REQUIRE(GDALPolygonize(GDALRasterBand::ToHandle(band), GDALRasterBand::ToHandle(band->GetMaskBand()),
                         OGRLayer::ToHandle(layer), 0, nullptr, nullptr, nullptr) == CE_None);
  std::vector<std::vector<geo::Geometry>> parts(max_label + 1);
  layer->ResetReading();
  for (auto& feature : *layer) {
    const int k = feature->GetFieldAsInteger(0);
    REQUIRE(k >= 0);
    REQUIRE(static_cast<std::uint32_t>(k) <= max_label);
    parts[static_cast<std::size_t>(k)].push_back(to_geos(*feature->GetGeometryRef()));
  }
  return parts;
}

double symmetric_difference_area(const geo::Geometry& a, const geo::Geometry& b) {
  const auto oa = to_ogr(a);
  const auto ob = to_ogr(b);
  const std::unique_ptr<OGRGeometry> d(oa->SymDifference(ob.get()));
  REQUIRE(d != nullptr);
  return d->IsEmpty() ? 0.0 : to_geos(*d).area();
}

}  // namespace

TEST_CASE("polygonize_labels: the same parts, holes and point sets as GDALPolygonize", "[polygonize]") {
  // Seeded grids, dense to sparse: per label, as many parts and holes as GDALPolygonize finds, and no area between
  // the two (the parts of one label united by GEOS on GDAL's side).
  for (std::uint32_t seed = 31; seed < 37; ++seed) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> pick(0, 5);
    const int empty_below = static_cast<int>(seed % 4);
    Grid grid;
    grid.origin_x_m = 612345.5;
    grid.origin_y_m = 3412345.25;
    grid.cell_size_m = 50.0;
    grid.cols = 37;
    grid.rows = 29;
    std::vector<std::uint32_t> labels(grid.cell_count());
    for (auto& l : labels) {
      const int v = pick(rng);
      l = v < empty_below ? kNone : static_cast<std::uint32_t>(v % 3 + 1);
    }
    const auto polygons = polygonize_labels(grid, labels, kNone);
    const auto reference = gdal_parts(grid, labels, 3);
    for (const auto& p : polygons) {
      INFO("label " << p.label);
      const auto& ref = reference.at(p.label);
      CHECK(static_cast<std::size_t>(parts(p.polygon)) == ref.size());
      int ref_holes = 0;
      std::vector<geo::Geometry> copies;
      for (const auto& r : ref) {
        ref_holes += interior_rings(r);
        copies.push_back(r.clone());
      }
      CHECK(interior_rings(p.polygon) == ref_holes);
      CHECK(symmetric_difference_area(p.polygon, geo::Geometry::union_all(std::move(copies))) ==
            Approx(0.0).margin(1e-6));
    }
  }
}

TEST_CASE("smooth_without_loss: a staircase gains 5/128 cell² per concave corner", "[polygonize][smooth]") {
  // Six 100 m cells in steps; concave corners at (200, 100) and (100, 200), each between two edges one cell long.
  // Pass 1 cuts 25 m from each corner; pass 2 cuts 12.5 m on the remaining 50 m edges and a quarter of the
  // 35.36 m diagonals. The region added at (200, 100), relative to the corner, is the polygon
  // (0,0) (37.5,0) (18.75,6.25) (6.25,18.75) (0,37.5): shoelace area 390.625 m² = 5/128 × 100². Two corners:
  // 781.25 m², on 60,000 m² (+1.3 %).
  const geo::Geometry stairs =
      geo::Geometry::from_wkt("POLYGON ((0 0, 300 0, 300 100, 200 100, 200 200, 100 200, 100 300, 0 300, 0 0))");
  const geo::Geometry smooth = smooth_without_loss(stairs, 100.0);
  CHECK(smooth.is_valid());
  CHECK(smooth.is_polygonal());
  CHECK(area_outside(stairs, smooth) == Approx(0.0).margin(1e-9));  // contains the original
  CHECK(smooth.area() >= stairs.area());
  CHECK(smooth.area() == Approx(60000.0 + 781.25).epsilon(1e-12));
  CHECK(smooth.area() <= stairs.area() * 1.014);
  // Nothing added lies more than an eighth of a cell from the original.
  CHECK(farthest_vertex(smooth, stairs) <= 12.5 + 1e-9);
}

TEST_CASE("smooth_without_loss: holes shrink, convex outlines stay", "[polygonize][smooth]") {
  // A one-cell hole has four corners, concave seen from the polygon: 4 × 390.625 m² filled.
  const geo::Geometry ring = geo::Geometry::from_wkt(
      "POLYGON ((0 0, 300 0, 300 300, 0 300, 0 0), (100 100, 200 100, 200 200, 100 200, 100 100))");
  const geo::Geometry smooth = smooth_without_loss(ring, 100.0);
  CHECK(smooth.is_valid());
  CHECK(area_outside(ring, smooth) == Approx(0.0).margin(1e-9));
  CHECK(smooth.area() == Approx(80000.0 + 4 * 390.625).epsilon(1e-12));
  CHECK(interior_rings(smooth) == 1);

  // A rectangle has only convex corners: nothing to fill.
  const geo::Geometry box = geo::Geometry::from_wkt("POLYGON ((0 0, 500 0, 500 200, 0 200, 0 0))");
  CHECK(smooth_without_loss(box, 100.0).area() == Approx(100000.0).epsilon(1e-12));
}

TEST_CASE("smooth_without_loss: collinear vertices and multipolygons", "[polygonize][smooth]") {
  // The same staircase with a vertex at every cell corner gives the same outline.
  const geo::Geometry dense = geo::Geometry::from_wkt(
      "POLYGON ((0 0, 100 0, 200 0, 300 0, 300 100, 200 100, 200 200, 100 200, 100 300, 0 300, 0 200, 0 100, "
      "0 0))");
  CHECK(smooth_without_loss(dense, 100.0).area() == Approx(60781.25).epsilon(1e-12));

  // Two cells touching at a corner (a valid MultiPolygon): their convex corners are cut inside and restored.
  const geo::Geometry diagonal = geo::Geometry::from_wkt(
      "MULTIPOLYGON (((0 0, 100 0, 100 100, 0 100, 0 0)), ((100 100, 200 100, 200 200, 100 200, 100 100)))");
  const geo::Geometry smooth = smooth_without_loss(diagonal, 100.0);
  CHECK(smooth.is_valid());
  CHECK(smooth.area() == Approx(20000.0).epsilon(1e-12));

  // The polygons of a label grid go through unchanged in area where they are convex.
  const LabelGrid g = from_text({"11.", "11.", "..."});
  const auto polygons = polygonize_labels(g.grid, g.labels, kNone);
  CHECK(smooth_without_loss(polygons.at(0).polygon, 100.0).area() == Approx(40000.0).epsilon(1e-12));
}

TEST_CASE("smooth_without_loss: a label in many parts equals the union of its parts smoothed one by one",
          "[polygonize][smooth]") {
  // A sparse random label (seeded): many parts with notches, touching at corners. The reference smooths each part
  // alone (a Polygon: one overlay of the part and its smoothed outline) and unites the results with GEOS; the
  // MultiPolygon smoothed at once must cover the same ground, be valid, keep every cell, add no more than
  // 3/64 cell² per concave corner and nothing farther than cell_size_m / 8, and its parts must not overlap (its area
  // is the sum of the parts' areas).
  std::mt19937 rng(7031);
  std::uniform_int_distribution<int> pick(0, 9);
  Grid grid;
  grid.origin_x_m = 420000.0;
  grid.origin_y_m = 3600000.0;
  grid.cell_size_m = 100.0;
  grid.cols = 40;
  grid.rows = 30;
  std::vector<std::uint32_t> labels(grid.cell_count());
  for (auto& l : labels) l = pick(rng) < 4 ? 1U : kNone;
  const auto polygons = polygonize_labels(grid, labels, kNone);
  REQUIRE(polygons.size() == 1);
  const geo::Geometry& cells = polygons[0].polygon;
  REQUIRE(parts(cells) > 20);
  const geo::Geometry smooth = smooth_without_loss(cells, 100.0);
  std::string reason;
  CHECK(smooth.is_valid(&reason));
  INFO(reason);
  CHECK(area_outside(cells, smooth) == Approx(0.0).margin(1e-3));  // no cell loses area
  CHECK(farthest_vertex(smooth, cells) <= 100.0 / 8 + 1e-6);

  const auto ogr = to_ogr(cells);
  std::vector<geo::Geometry> one_by_one;
  double parts_area = 0.0;
  for (const OGRPolygon* part : *ogr->toMultiPolygon()) {
    geo::Geometry s = smooth_without_loss(to_geos(*part), 100.0);
    parts_area += s.area();
    one_by_one.push_back(std::move(s));
  }
  const geo::Geometry reference = geo::Geometry::union_all(std::move(one_by_one));
  CHECK(area_outside(smooth, reference) == Approx(0.0).margin(1e-3));
  CHECK(area_outside(reference, smooth) == Approx(0.0).margin(1e-3));
  CHECK(smooth.area() == Approx(parts_area).epsilon(1e-12));
  const double added = smooth.area() - cells.area();
  CHECK(added > 0.0);
  CHECK(added <= static_cast<double>(polygons[0].cell_count) * 4 * 3.0 / 64 * 1.0e4);
}

TEST_CASE("smooth_without_loss: parts whose smoothing would overlap are united as a whole", "[polygonize][smooth]") {
  // An L of three cells and a small square 5 m from its concave corner (300, 300) — closer than the 12.5 m the
  // bevel can reach. Smoothed one by one the bevel of the L would overlap the square; the result is still the
  // union: the L smoothed alone (the square is convex and stays as it is) united with the square.
  const geo::Geometry l_and_square = geo::Geometry::from_wkt(
      "MULTIPOLYGON (((200 200, 400 200, 400 300, 300 300, 300 400, 200 400, 200 200)),"
      " ((305 305, 340 305, 340 340, 305 340, 305 305)))");
  REQUIRE(l_and_square.is_valid());
  const geo::Geometry smooth = smooth_without_loss(l_and_square, 100.0);
  std::string reason;
  CHECK(smooth.is_valid(&reason));
  INFO(reason);
  std::vector<geo::Geometry> reference_parts;
  reference_parts.push_back(smooth_without_loss(
      geo::Geometry::from_wkt("POLYGON ((200 200, 400 200, 400 300, 300 300, 300 400, 200 400, 200 200))"), 100.0));
  reference_parts.push_back(geo::Geometry::from_wkt("POLYGON ((305 305, 340 305, 340 340, 305 340, 305 305))"));
  const double overlap = area_shared(reference_parts[0], reference_parts[1]);
  CHECK(overlap > 0.0);  // the case this test is about
  const geo::Geometry reference = geo::Geometry::union_all(std::move(reference_parts));
  CHECK(area_outside(smooth, reference) == Approx(0.0).margin(1e-6));
  CHECK(area_outside(reference, smooth) == Approx(0.0).margin(1e-6));
}

TEST_CASE("smooth_without_loss: null, empty and bad cell sizes", "[polygonize][smooth]") {
  CHECK(smooth_without_loss(geo::Geometry(), 100.0).null());
  const geo::Geometry empty = geo::Geometry::from_wkt("POLYGON EMPTY");
  CHECK(smooth_without_loss(empty, 100.0).is_empty());
  const geo::Geometry box = geo::Geometry::from_wkt("POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))");
  CHECK_THROWS_AS(smooth_without_loss(box, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(smooth_without_loss(box, std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
  CHECK_THROWS_AS(smooth_without_loss(geo::Geometry::point(1, 1), 100.0), std::invalid_argument);
}

TEST_CASE("coarsen_labels: each block takes its most frequent label, ties the smaller, empty blocks none",
          "[polygonize][coarsen]") {
  // 5 × 4 cells in blocks of 2: three block columns (the last one cell wide), two block rows.
  const LabelGrid g = from_text({"1122.",  //
                                 "1222.",  //
                                 "33..3",  //
                                 "3...."});
  const LabelGrid c = coarsen_labels(g.grid, g.labels, 2);
  CHECK(c.grid.cols == 3);
  CHECK(c.grid.rows == 2);
  CHECK(c.grid.cell_size_m == 200.0);
  CHECK(c.grid.origin_x_m == g.grid.origin_x_m);
  CHECK(c.grid.origin_y_m == g.grid.origin_y_m);
  // Block (0,0): 1,1,1,2 → 1. Block (1,0): 2,2,2,2 → 2. Block (2,0): two empty cells → none.
  // Block (0,1): 3,3,3 → 3. Block (1,1): empty → none. Block (2,1): one 3 → 3.
  CHECK(c.labels == std::vector<std::uint32_t>{1, 2, 0, 3, 0, 3});
  // A tie (two 4s, two 2s) goes to the smaller label.
  const LabelGrid tie = from_text({"42", "24"});
  CHECK(coarsen_labels(tie.grid, tie.labels, 2).labels == std::vector<std::uint32_t>{2});
  // factor 1 copies; bad arguments are refused.
  CHECK(coarsen_labels(g.grid, g.labels, 1).labels == g.labels);
  CHECK_THROWS_AS(coarsen_labels(g.grid, g.labels, 0), std::invalid_argument);
  CHECK_THROWS_AS(coarsen_labels(g.grid, std::vector<std::uint32_t>(3, 1), 2), std::invalid_argument);
}
