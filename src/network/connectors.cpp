#include "network/connectors.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include "core/travel_time.hpp"
#include "core/units.hpp"

namespace carereach::network {

namespace {

/// Side of a tile, in cells: the populated cells of a tile gather their candidate segments together
/// (SnapIndex::nearest_pieces_group), when the roads are sparse for the grid: when the snapping index's buckets
/// (about one segment each on average) are at least kTilesFromBucketCells cells wide. Denser roads are faster
/// with one query per cell (tiles of one cell). A strip of that many grid rows is the unit of parallel work;
/// both depend only on the data, so the result never depends on the scheduling (nor, at all, on the tiles).
constexpr std::uint32_t kTileCells = 8;
constexpr double kTilesFromBucketCells = 3.0;
/// Grid cells per strip (whole bands of tiles, at least one).
constexpr std::size_t kCellsPerStrip = 8192;
/// Populated cells between two progress reports (about).
constexpr std::size_t kCellsPerProgressStep = 262144;
/// Upper bound on K (keeps the per-cell scratch arrays on the stack).
constexpr std::uint32_t kMaxConnectorsLimit = 16;

void check_options(const ConnectorOptions& o) {
  if (!(o.access_speed_kmh > 0.0) || !std::isfinite(o.access_speed_kmh)) {
    throw std::invalid_argument("connectors: access speed must be a positive number of km/h, got " +
                                std::to_string(o.access_speed_kmh));
  }
  if (!(o.max_access_distance_m >= 0.0)) {
    throw std::invalid_argument("connectors: maximum access distance must be 0 or more metres, got " +
                                std::to_string(o.max_access_distance_m));
  }
  if (o.max_connectors < 1 || o.max_connectors > kMaxConnectorsLimit) {
    throw std::invalid_argument("connectors: connectors per cell must be 1 … " + std::to_string(kMaxConnectorsLimit) +
                                ", got " + std::to_string(o.max_connectors));
  }
}

bool passable(float time_s) {
  return time_s != kNoPassage;
}

/// Adds (node, time) to a cell's links, keeping one link per node (the shorter).
void add_link(CellLink* links, std::size_t& count, std::uint32_t node, double time_s) {
  const auto t = static_cast<float>(time_s);
  for (std::size_t i = 0; i < count; ++i) {
    if (links[i].node == node) {
      links[i].time_s = std::min(links[i].time_s, t);
      return;
    }
  }
  links[count++] = CellLink{node, t};
}

/// Removes the links that can never give a cell its minimum: link (n, t_n) goes when another kept link (m, t_m)
/// has a piece m → n with t_m + time(m → n) ≤ t_n, since then node m's time to any facility is at most
/// time(m → n) + node n's. Links are kept sorted by time (ties: node), and a link is only removed by an earlier
/// one, so two equal links never remove each other.
std::size_t drop_dominated_links(const ReverseCsr& reverse, CellLink* links, std::size_t count) {
  // Insertion sort: a cell has at most 2 K links, usually four to six.
  for (std::size_t i = 1; i < count; ++i) {
    const CellLink l = links[i];
    std::size_t j = i;
    for (; j > 0 && (l.time_s < links[j - 1].time_s || (l.time_s == links[j - 1].time_s && l.node < links[j - 1].node));
         --j)
      links[j] = links[j - 1];
    links[j] = l;
  }
  std::size_t kept = count > 0 ? 1 : 0;  // the first link is never dominated: no link comes before it
  for (std::size_t i = 1; i < count; ++i) {
    bool dominated = false;
    // Reversed arcs out of n lead to the nodes m from which one may travel to n.
    for (auto [it, end] = out_edges(links[i].node, reverse); it != end && !dominated; ++it) {
      const auto m = static_cast<std::uint32_t>(target(*it, reverse));
      const double via_m_s = static_cast<double>(reverse[*it].time_s);
      for (std::size_t j = 0; j < kept; ++j) {
        if (links[j].node == m &&
            static_cast<double>(links[j].time_s) + via_m_s <= static_cast<double>(links[i].time_s)) {
          dominated = true;
          break;
        }
      }
    }
    if (!dominated) links[kept++] = links[i];
  }
  return kept;
}

/// A connector before it is sorted under its piece (its cell slot is implied by the per-cell counts).
struct PieceEntry {
  std::uint32_t piece = 0;
  float fraction = 0.0F;
  float leg_s = 0.0F;
};

/// The output of one block of populated cells.
struct BlockOutput {
  std::vector<CellLink> links;
  std::vector<PieceEntry> piece_entries;
  std::vector<std::uint8_t> connectors_per_cell;
  std::size_t without_access = 0;
};

}  // namespace

ConnectorOptions ConnectorOptions::from_profile(const SpeedProfile& profile, SnapMode mode,
                                                std::uint32_t max_connectors) {
  ConnectorOptions o;
  o.mode = mode;
  o.max_connectors = max_connectors;
  o.access_speed_kmh = profile.access_speed_kmh;
  o.max_access_distance_m = profile.max_access_distance_m;
  return o;
}

std::size_t CellConnectors::memory_bytes() const {
  return (cell.capacity() + link_offset.capacity() + piece_offset.capacity()) * sizeof(std::uint32_t) +
         populated.capacity() * sizeof(std::uint64_t) + link_count.capacity() + links.capacity() * sizeof(CellLink) +
         piece_connectors.capacity() * sizeof(PieceConnector);
}

CellConnectors build_cell_connectors(const PopulationGrid& population, const RoadGraph& graph, const SnapIndex& index,
                                     const ConnectorOptions& options, ProgressSink* progress) {
  check_options(options);
  const Grid& grid = population.grid;
  if (population.persons.size() != grid.cell_count()) {
    throw std::invalid_argument("connectors: the population has " + std::to_string(population.persons.size()) +
                                " values for a grid of " + std::to_string(grid.cell_count()) + " cells");
  }
  if (grid.cell_count() >= std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("connectors: grids of 4 billion cells or more are not supported; use tiles");
  }
  if (index.piece_count() != graph.pieces.size()) {
    throw std::invalid_argument("connectors: the snap index was built on another graph");
  }
  const ProgressStep step(progress, "cell connectors");

  CellConnectors out;
  out.grid = grid;
  out.options = options;
  out.graph_nodes = graph.node_count();
  out.graph_pieces = graph.pieces.size();

  // --- populated cells, in grid order
  out.populated.assign((grid.cell_count() + 63) / 64, 0);
  for (std::size_t i = 0; i < grid.cell_count(); ++i) {
    if (population.persons[i] > 0.0) {
      out.populated[i >> 6U] |= std::uint64_t{1} << (i & 63U);
      out.cell.push_back(static_cast<std::uint32_t>(i));
    }
  }
  const std::size_t slots = out.cell.size();
  out.link_offset.assign(slots + 1, 0);
  out.link_count.assign(slots, 0);

  // --- connectors per strip of grid rows, in parallel; in edge mode tile by tile along the strip
  const double speed_mps = units::kmh_to_mps(options.access_speed_kmh);
  const std::size_t k = options.max_connectors;
  const bool edge_mode = options.mode == SnapMode::kEdge;
  const std::size_t tile =
      edge_mode && index.segment_bucket_size_m() >= kTilesFromBucketCells * grid.cell_size_m ? kTileCells : 1;
  // Whole bands of tiles per strip, about kCellsPerStrip cells or more.
  const std::size_t strip_rows =
      tile * std::max<std::size_t>(1, kCellsPerStrip / (static_cast<std::size_t>(grid.cols) * tile));
  const std::size_t block_count = (static_cast<std::size_t>(grid.rows) + strip_rows - 1) / strip_rows;
  auto first_slot_of_row = [&](std::size_t row) {
    const std::size_t first_cell = std::min<std::size_t>(row, grid.rows) * grid.cols;
    return static_cast<std::size_t>(std::lower_bound(out.cell.begin(), out.cell.end(), first_cell) - out.cell.begin());
  };
  std::vector<std::size_t> block_first_slot(block_count + 1);
  for (std::size_t b = 0; b <= block_count; ++b) block_first_slot[b] = first_slot_of_row(b * strip_rows);
  std::vector<BlockOutput> blocks(block_count);
  tbb::enumerable_thread_specific<std::vector<EdgePoint>> points_of_thread;

  auto run_block = [&](std::size_t b) {
    BlockOutput& bo = blocks[b];
    const std::size_t first = block_first_slot[b];
    const std::size_t last = block_first_slot[b + 1];
    if (first == last) return;
    bo.links.reserve((last - first) * (edge_mode ? k + 1 : 1));
    // Edge mode: per slot of the strip, its connectors at [(s − first) × k …]. Kept by the thread from one strip
    // to the next (strips are of about the same size), so that it is not filled with default points each time.
    std::vector<EdgePoint>& points = points_of_thread.local();
    std::vector<std::uint32_t> found;
    if (edge_mode) {
      bo.piece_entries.reserve((last - first) * k);
      bo.connectors_per_cell.reserve(last - first);
      if (points.size() < (last - first) * k) points.resize((last - first) * k);
      found.assign(last - first, 0);
      std::vector<double> xs;
      std::vector<double> ys;
      std::vector<std::size_t> local;
      std::vector<EdgePoint> tile_points;
      std::vector<std::uint32_t> tile_found;
      SnapIndex::GroupScratch scratch;
      const std::size_t strip_end_row = std::min<std::size_t>(grid.rows, (b + 1) * strip_rows);
      for (std::size_t row0 = b * strip_rows; row0 < strip_end_row; row0 += tile) {
        // Per row of this band of tiles, the next slot not yet given to a tile, and the row's end.
        const std::size_t rows = std::min<std::size_t>(tile, strip_end_row - row0);
        std::size_t next[kTileCells];
        std::size_t end[kTileCells];
        for (std::size_t j = 0; j < rows; ++j) {
          next[j] = first_slot_of_row(row0 + j);
          end[j] = first_slot_of_row(row0 + j + 1);
        }
        for (;;) {
          // The next tile holding a populated cell: the one of the leftmost cell not yet done.
          std::size_t col = grid.cols;
          for (std::size_t j = 0; j < rows; ++j)
            if (next[j] < end[j]) col = std::min<std::size_t>(col, out.cell[next[j]] % grid.cols);
          if (col == grid.cols) break;
          const std::size_t tile_end_col = (col / tile + 1) * tile;
          xs.clear();
          ys.clear();
          local.clear();
          for (std::size_t j = 0; j < rows; ++j) {
            for (; next[j] < end[j] && out.cell[next[j]] % grid.cols < tile_end_col; ++next[j]) {
              const std::uint32_t cell = out.cell[next[j]];
              xs.push_back(grid.centre_x_m(cell % grid.cols));
              ys.push_back(grid.centre_y_m(cell / grid.cols));
              local.push_back(next[j] - first);
            }
          }
          tile_points.resize(xs.size() * k);
          tile_found.resize(xs.size());
          index.nearest_pieces_group(xs, ys, options.max_access_distance_m, k, tile_points, tile_found, scratch);
          for (std::size_t i = 0; i < local.size(); ++i) {
            found[local[i]] = tile_found[i];
            std::copy_n(tile_points.begin() + static_cast<std::ptrdiff_t>(i * k), tile_found[i],
                        points.begin() + static_cast<std::ptrdiff_t>(local[i] * k));
          }
        }
      }
    }
    CellLink cell_links[2 * kMaxConnectorsLimit];
    std::uint32_t hint = kNoNode;
    for (std::size_t s = first; s < last; ++s) {
      const std::uint32_t cell = out.cell[s];
      std::size_t link_count = 0;
      if (edge_mode) {
        const std::size_t found_here = found[s - first];
        for (std::size_t j = 0; j < found_here; ++j) {
          const EdgePoint& p = points[(s - first) * k + j];
          const Piece& piece = graph.pieces[p.piece];
          const double leg_s = p.distance_m / speed_mps;
          // A point on an end node joins that node whatever the piece's directions.
          if (p.fraction == 0.0)
            add_link(cell_links, link_count, piece.from, leg_s);
          else if (passable(piece.backward_s))
            add_link(cell_links, link_count, piece.from, leg_s + piece.backward_s * p.fraction);
          if (p.fraction == 1.0)
            add_link(cell_links, link_count, piece.to, leg_s);
          else if (passable(piece.forward_s))
            add_link(cell_links, link_count, piece.to, leg_s + piece.forward_s * (1.0 - p.fraction));
          bo.piece_entries.push_back(PieceEntry{p.piece, static_cast<float>(p.fraction), static_cast<float>(leg_s)});
        }
        bo.connectors_per_cell.push_back(static_cast<std::uint8_t>(found_here));
        if (found_here == 0) ++bo.without_access;
      } else {
        const double cx = grid.centre_x_m(cell % grid.cols);
        const double cy = grid.centre_y_m(cell / grid.cols);
        const NodePoint n = index.nearest_node(cx, cy, kUnlimitedDistance, hint);
        hint = n.node;  // the next cell (usually the next one in the row) is likely to share it
        if (n.valid())
          add_link(cell_links, link_count, n.node, n.distance_m / speed_mps);
        else
          ++bo.without_access;
      }
      link_count = drop_dominated_links(graph.reverse, cell_links, link_count);
      out.link_offset[s + 1] = static_cast<std::uint32_t>(link_count);
      out.link_count[s] = static_cast<std::uint8_t>(link_count);
      bo.links.insert(bo.links.end(), cell_links, cell_links + link_count);
    }
    bo.links.shrink_to_fit();  // reserved for the worst case; this block's share of the peak memory matters
  };

  for (std::size_t chunk = 0; chunk < block_count;) {
    // Strips up to about kCellsPerProgressStep populated cells (at least one strip) between two reports.
    std::size_t chunk_end = chunk + 1;
    while (chunk_end < block_count &&
           block_first_slot[chunk_end + 1] - block_first_slot[chunk] <= kCellsPerProgressStep)
      ++chunk_end;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(chunk, chunk_end, 1),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t b = r.begin(); b != r.end(); ++b) run_block(b);
                      });
    step.update(block_first_slot[chunk_end], slots);
    chunk = chunk_end;
  }

  // --- links in CSR order, appended block after block (each block freed once copied, to keep the peak low)
  std::size_t total_links = 0;
  for (const BlockOutput& bo : blocks) {
    total_links += bo.links.size();
    out.cells_without_access += bo.without_access;
  }
  if (total_links >= std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("connectors: more than 4 billion links; use tiles");
  }
  for (std::size_t s = 0; s < slots; ++s) out.link_offset[s + 1] += out.link_offset[s];
  out.links.reserve(total_links);
  for (BlockOutput& bo : blocks) {
    out.links.insert(out.links.end(), bo.links.begin(), bo.links.end());
    std::vector<CellLink>().swap(bo.links);
  }

  // --- connectors under their pieces (counting sort; blocks in order keep slots ascending)
  if (edge_mode) {
    out.piece_offset.assign(graph.pieces.size() + 1, 0);
    for (const BlockOutput& bo : blocks) {
      for (const PieceEntry& e : bo.piece_entries) ++out.piece_offset[e.piece + 1];
    }
    for (std::size_t p = 0; p < graph.pieces.size(); ++p) out.piece_offset[p + 1] += out.piece_offset[p];
    out.piece_connectors.resize(out.piece_offset.back());
    out.connector_count = out.piece_connectors.size();
    std::vector<std::uint32_t> next(out.piece_offset.begin(), out.piece_offset.end() - 1);
    for (std::size_t b = 0; b < block_count; ++b) {
      BlockOutput& bo = blocks[b];
      auto slot = static_cast<std::uint32_t>(block_first_slot[b]);
      std::size_t e = 0;
      for (const std::uint8_t count : bo.connectors_per_cell) {
        for (std::uint8_t j = 0; j < count; ++j, ++e) {
          const PieceEntry& pe = bo.piece_entries[e];
          out.piece_connectors[next[pe.piece]++] = PieceConnector{slot, pe.fraction, pe.leg_s};
        }
        ++slot;
      }
      std::vector<PieceEntry>().swap(bo.piece_entries);
      std::vector<std::uint8_t>().swap(bo.connectors_per_cell);
    }
  } else {
    out.connector_count = out.links.size();
  }
  return out;
}

FacilitySources snap_facilities(const SnapIndex& index, const RoadGraph& graph, std::span<const PointM> positions,
                                std::span<const std::uint32_t> ids, const ConnectorOptions& options) {
  check_options(options);
  if (positions.size() != ids.size()) {
    throw std::invalid_argument("snap_facilities: " + std::to_string(positions.size()) + " positions but " +
                                std::to_string(ids.size()) + " ids");
  }
  if (index.piece_count() != graph.pieces.size()) {
    throw std::invalid_argument("snap_facilities: the snap index was built on another graph");
  }
  for (const std::uint32_t id : ids) {
    if (id == TravelTimeField::kNoFacility) {
      throw std::invalid_argument("snap_facilities: facility id " + std::to_string(id) + " is the no-facility value");
    }
  }
  const double speed_mps = units::kmh_to_mps(options.access_speed_kmh);
  FacilitySources out;
  out.options = options;
  out.facilities.resize(positions.size());
  // Snapping is independent per facility; the sources are gathered afterwards in input order.
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, positions.size(), 64),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t i = r.begin(); i != r.end(); ++i) {
                        SnappedFacility& f = out.facilities[i];
                        f.facility = ids[i];
                        f.x_m = positions[i].x_m;
                        f.y_m = positions[i].y_m;
                        if (options.mode == SnapMode::kEdge) {
                          f.point = index.nearest_point(f.x_m, f.y_m);
                          f.distance_m = f.point.distance_m;
                          f.leg_s = f.point.valid() ? f.point.distance_m / speed_mps : 0.0;
                        } else {
                          const NodePoint n = index.nearest_node(f.x_m, f.y_m);
                          f.node = n.node;
                          f.distance_m = n.distance_m;
                        }
                      }
                    });
  for (std::size_t i = 0; i < out.facilities.size(); ++i) {
    const SnappedFacility& f = out.facilities[i];
    const auto position = static_cast<std::uint32_t>(i);
    const std::size_t sources_before = out.sources.size();
    if (options.mode == SnapMode::kEdge) {
      if (f.point.valid()) {
        const Piece& piece = graph.pieces[f.point.piece];
        const double fraction = f.point.fraction;
        if (fraction == 0.0)
          out.sources.push_back(Source{piece.from, f.leg_s, f.facility});
        else if (passable(piece.forward_s))
          out.sources.push_back(Source{piece.from, f.leg_s + piece.forward_s * fraction, f.facility});
        if (fraction == 1.0)
          out.sources.push_back(Source{piece.to, f.leg_s, f.facility});
        else if (passable(piece.backward_s))
          out.sources.push_back(Source{piece.to, f.leg_s + piece.backward_s * (1.0 - fraction), f.facility});
      }
    } else if (f.node != kNoNode) {
      out.sources.push_back(Source{f.node, 0.0, f.facility});
    }
    if (out.sources.size() == sources_before)
      out.not_joined.push_back(position);
    else if (f.distance_m > options.max_access_distance_m)
      out.beyond_max_access.push_back(position);
  }
  return out;
}

}  // namespace carereach::network
