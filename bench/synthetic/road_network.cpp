#include "synthetic/road_network.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <set>
#include <stdexcept>
#include <utility>

#include "synthetic/random.hpp"

namespace carereach::synthetic {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr double kPi = 3.14159265358979323846;

/// Shape nodes on each lattice edge (between its two junctions) and on arterials (one every this many metres).
constexpr int kLatticeShapeNodes = 2;
constexpr double kArterialNodeSpacingM = 200.0;
/// Lattice edges per way at most (OSM ways are split at many junctions, rarely kept for kilometres).
constexpr std::size_t kMaxEdgesPerWay = 12;
/// Expected share of the nodes that the lattice holds (the rest: arterial shape nodes and crossings).
constexpr double kLatticeNodeShare = 0.93;
/// Expected share of lattice edges kept (the spanning tree plus the random extras); calibrates the spacing.
constexpr double kExpectedKeptShare = 0.80;

struct Point {
  double x = 0.0;
  double y = 0.0;
};

/// Proper crossing of segments p1–p2 and q1–q2 strictly inside both: parameters along each.
bool segments_cross(const Point& p1, const Point& p2, const Point& q1, const Point& q2, double& t, double& u) {
  const double rx = p2.x - p1.x, ry = p2.y - p1.y;
  const double sx = q2.x - q1.x, sy = q2.y - q1.y;
  const double d = rx * sy - ry * sx;
  if (std::abs(d) <= 1e-12 * std::hypot(rx, ry) * std::hypot(sx, sy)) return false;  // parallel
  const double qpx = q1.x - p1.x, qpy = q1.y - p1.y;
  t = (qpx * sy - qpy * sx) / d;
  u = (qpx * ry - qpy * rx) / d;
  constexpr double kEps = 1e-9;
  return t > kEps && t < 1.0 - kEps && u > kEps && u < 1.0 - kEps;
}

struct Insertion {
  std::uint32_t polyline = 0;
  std::uint32_t segment = 0;
  double t = 0.0;
  std::uint32_t node = 0;
};

struct Link {
  std::uint32_t a = 0;  ///< township indices
  std::uint32_t b = 0;
  Highway highway = Highway::kTertiary;
};

class UnionFind {
 public:
  explicit UnionFind(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0U); }
  std::uint32_t find(std::uint32_t v) {
    while (parent_[v] != v) {
      parent_[v] = parent_[parent_[v]];
      v = parent_[v];
    }
    return v;
  }
  bool unite(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    parent_[std::max(a, b)] = std::min(a, b);
    return true;
  }

 private:
  std::vector<std::uint32_t> parent_;
};

double dist2(const Point& a, const Point& b) {
  return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y);
}

/// Euclidean minimum spanning tree over the given points (Prim, O(n²)): pairs of indices into `ids`.
std::vector<std::pair<std::uint32_t, std::uint32_t>> spanning_tree(const std::vector<std::uint32_t>& ids,
                                                                   const std::vector<Point>& at) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  const std::size_t n = ids.size();
  if (n < 2) return edges;
  std::vector<double> best(n, std::numeric_limits<double>::infinity());
  std::vector<std::uint32_t> from(n, 0);
  std::vector<bool> in(n, false);
  in[0] = true;
  for (std::size_t k = 1; k < n; ++k) {
    best[k] = dist2(at[ids[0]], at[ids[k]]);
    from[k] = 0;
  }
  for (std::size_t step = 1; step < n; ++step) {
    std::size_t next = n;
    for (std::size_t k = 0; k < n; ++k)
      if (!in[k] && (next == n || best[k] < best[next])) next = k;
    in[next] = true;
    edges.emplace_back(ids[from[next]], ids[next]);
    for (std::size_t k = 0; k < n; ++k) {
      if (in[k]) continue;
      const double d = dist2(at[ids[next]], at[ids[k]]);
      if (d < best[k]) {
        best[k] = d;
        from[k] = static_cast<std::uint32_t>(next);
      }
    }
  }
  return edges;
}

/// For each point of `ids`, its `k` nearest others (brute force; the seat counts here are small).
std::vector<std::pair<std::uint32_t, std::uint32_t>> nearest_pairs(const std::vector<std::uint32_t>& ids,
                                                                   const std::vector<Point>& at, std::size_t k) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::vector<std::pair<double, std::uint32_t>> d;
  for (const std::uint32_t a : ids) {
    d.clear();
    for (const std::uint32_t b : ids)
      if (a != b) d.emplace_back(dist2(at[a], at[b]), b);
    const std::size_t take = std::min(k, d.size());
    std::partial_sort(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(take), d.end());
    for (std::size_t i = 0; i < take; ++i) pairs.emplace_back(a, d[i].second);
  }
  return pairs;
}

class Builder {
 public:
  Builder(const SyntheticSpec& spec, const Layout& layout, const PopulationRaster& population)
      : spec_(spec), layout_(layout), pop_(population), e_(layout.extent) {}

  RoadNetwork build() {
    make_lattice();
    make_arterials();
    cross_lattice();
    cross_arterials();
    assemble_ways();
    return std::move(net_);
  }

 private:
  // ------------------------------------------------------------------------------------------ lattice

  [[nodiscard]] std::size_t junction(std::size_t i, std::size_t j) const { return j * nx_ + i; }
  [[nodiscard]] std::size_t h_edge(std::size_t i, std::size_t j) const { return j * (nx_ - 1) + i; }
  [[nodiscard]] std::size_t v_edge(std::size_t i, std::size_t j) const { return h_count_ + j * nx_ + i; }
  [[nodiscard]] std::pair<std::size_t, std::size_t> edge_ends(std::size_t e) const {
    if (e < h_count_) {
      const std::size_t j = e / (nx_ - 1), i = e % (nx_ - 1);
      return {junction(i, j), junction(i + 1, j)};
    }
    const std::size_t k = e - h_count_;
    const std::size_t j = k / nx_, i = k % nx_;
    return {junction(i, j), junction(i, j + 1)};
  }
  [[nodiscard]] Point node(std::size_t n) const { return {net_.node_x_m[n], net_.node_y_m[n]}; }
  std::uint32_t add_node(double x, double y) {
    net_.node_x_m.push_back(x);
    net_.node_y_m.push_back(y);
    if (net_.node_x_m.size() >= kNone) throw std::length_error("more than 4 billion road nodes");
    return static_cast<std::uint32_t>(net_.node_x_m.size() - 1);
  }
  /// Node k (0 … 3) of lattice edge e: junction, two shape nodes, junction.
  [[nodiscard]] std::uint32_t edge_node(std::size_t e, int k) const {
    const auto [a, b] = edge_ends(e);
    if (k == 0) return static_cast<std::uint32_t>(a);
    if (k == kLatticeShapeNodes + 1) return static_cast<std::uint32_t>(b);
    return edge_shape_[e] + static_cast<std::uint32_t>(k - 1);
  }

  void make_lattice() {
    const double area = e_.width_m() * e_.height_m();
    const double target_junctions = static_cast<double>(spec_.road_nodes_target) * kLatticeNodeShare /
                                    (1.0 + 2.0 * kLatticeShapeNodes * kExpectedKeptShare);
    const double spacing = std::sqrt(area / std::max(4.0, target_junctions));
    nx_ = static_cast<std::size_t>(std::max(2.0, std::round(e_.width_m() / spacing)));
    ny_ = static_cast<std::size_t>(std::max(2.0, std::round(e_.height_m() / spacing)));
    sx_ = e_.width_m() / static_cast<double>(nx_);
    sy_ = e_.height_m() / static_cast<double>(ny_);
    net_.lattice_spacing_m = std::sqrt(sx_ * sy_);
    h_count_ = ny_ * (nx_ - 1);
    edge_count_ = h_count_ + (ny_ - 1) * nx_;
    net_.lattice_junctions = nx_ * ny_;
    net_.lattice_edges = edge_count_;

    const std::uint64_t seed = spec_.seed;
    net_.node_x_m.reserve(static_cast<std::size_t>(static_cast<double>(spec_.road_nodes_target) * 1.1));
    net_.node_y_m.reserve(net_.node_x_m.capacity());
    for (std::size_t j = 0; j < ny_; ++j)
      for (std::size_t i = 0; i < nx_; ++i) {
        const std::size_t k = junction(i, j);
        const double u = hash_unit(seed, Stream::kLatticeJitter, 2 * k) - 0.5;
        const double v = hash_unit(seed, Stream::kLatticeJitter, 2 * k + 1) - 0.5;
        add_node(e_.min_x_m + (static_cast<double>(i) + 0.5 + 0.6 * u) * sx_,
                 e_.max_y_m - (static_cast<double>(j) + 0.5 + 0.6 * v) * sy_);
      }

    // Connectivity: a random spanning tree (Kruskal over random weights) is always kept; other edges are kept
    // with a probability that grows with the population around them (denser roads in towns).
    std::vector<std::pair<std::uint64_t, std::uint32_t>> order(edge_count_);
    for (std::size_t e = 0; e < edge_count_; ++e)
      order[e] = {hash64(seed, Stream::kLatticeTree, e), static_cast<std::uint32_t>(e)};
    std::sort(order.begin(), order.end());
    std::vector<bool> keep(edge_count_, false);
    UnionFind uf(nx_ * ny_);
    for (const auto& [w, e] : order) {
      const auto [a, b] = edge_ends(e);
      if (uf.unite(static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b))) keep[e] = true;
    }
    const double cell_ha = pop_.cell_size_m * pop_.cell_size_m / 10'000.0;
    edge_class_.assign(edge_count_, Highway::kUnclassified);
    edge_shape_.assign(edge_count_, kNone);
    for (std::size_t e = 0; e < edge_count_; ++e) {
      const auto [a, b] = edge_ends(e);
      const Point pa = node(a), pb = node(b);
      const double density_per_ha = pop_.at((pa.x + pb.x) / 2, (pa.y + pb.y) / 2) / cell_ha;
      const double p_keep = 0.6 + 0.4 * std::min(1.0, density_per_ha / 8.0);
      if (!keep[e] && hash_unit(seed, Stream::kLatticeKeep, e) < p_keep) keep[e] = true;
      if (!keep[e]) continue;
      ++net_.lattice_edges_kept;
      Highway h = Highway::kUnclassified;
      if (density_per_ha >= 25.0)
        h = Highway::kResidential;
      else if (hash_unit(seed, Stream::kLatticeClass, e) < 0.12)
        h = Highway::kTrack;
      edge_class_[e] = h;
      // Shape nodes: at thirds of the edge, pushed sideways (tracks wander more).
      const double dx = pb.x - pa.x, dy = pb.y - pa.y;
      const double len = std::hypot(dx, dy);
      const double nxv = -dy / len, nyv = dx / len;
      const double amp = (h == Highway::kTrack ? 0.10 : 0.05) * len;
      for (int k = 1; k <= kLatticeShapeNodes; ++k) {
        const double t = static_cast<double>(k) / (kLatticeShapeNodes + 1);
        const double off =
            amp * (2.0 * hash_unit(seed, Stream::kLatticeShape, e * 4 + static_cast<std::size_t>(k)) - 1.0);
        const std::uint32_t n = add_node(pa.x + dx * t + nxv * off, pa.y + dy * t + nyv * off);
        if (k == 1) edge_shape_[e] = n;
      }
    }
  }

  // ------------------------------------------------------------------------------------------ arterials

  [[nodiscard]] std::uint32_t nearest_junction(double x, double y) const {
    const auto i0 = static_cast<long>(std::floor((x - e_.min_x_m) / sx_));
    const auto j0 = static_cast<long>(std::floor((e_.max_y_m - y) / sy_));
    std::uint32_t best = 0;
    double best_d = std::numeric_limits<double>::infinity();
    for (long j = j0 - 1; j <= j0 + 1; ++j)
      for (long i = i0 - 1; i <= i0 + 1; ++i) {
        if (i < 0 || j < 0 || i >= static_cast<long>(nx_) || j >= static_cast<long>(ny_)) continue;
        const auto n = static_cast<std::uint32_t>(junction(static_cast<std::size_t>(i), static_cast<std::size_t>(j)));
        const double d = dist2({x, y}, node(n));
        if (d < best_d) {
          best_d = d;
          best = n;
        }
      }
    return best;
  }

  void make_arterials() {
    const auto& towns = layout_.townships;
    std::vector<Point> at(towns.size());
    for (std::size_t t = 0; t < towns.size(); ++t) at[t] = {towns[t].x_m, towns[t].y_m};
    std::vector<std::uint32_t> seats, all(towns.size());
    for (const County& c : layout_.counties) seats.push_back(c.seat_township);
    std::iota(all.begin(), all.end(), 0U);

    // Trunk roads join the county towns (spanning tree), primary roads each county town to its two nearest,
    // secondary roads all seats (spanning tree), tertiary roads each township to its two nearest.
    std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
    std::vector<Link> links;
    auto add = [&](std::uint32_t a, std::uint32_t b, Highway h) {
      if (a == b) return;
      if (!seen.emplace(std::min(a, b), std::max(a, b)).second) return;
      links.push_back({a, b, h});
    };
    for (const auto& [a, b] : spanning_tree(seats, at)) add(a, b, Highway::kTrunk);
    for (const auto& [a, b] : nearest_pairs(seats, at, 2)) add(a, b, Highway::kPrimary);
    for (const auto& [a, b] : spanning_tree(all, at)) add(a, b, Highway::kSecondary);
    for (const auto& [a, b] : nearest_pairs(all, at, 2)) add(a, b, Highway::kTertiary);

    // Each link: a gently bowed line between the junctions nearest to the two seats, a node every ~200 m.
    art_offset_.push_back(0);
    for (std::size_t k = 0; k < links.size(); ++k) {
      const Link& link = links[k];
      const std::uint32_t ja = nearest_junction(at[link.a].x, at[link.a].y);
      const std::uint32_t jb = nearest_junction(at[link.b].x, at[link.b].y);
      if (ja == jb) continue;
      const Point pa = node(ja), pb = node(jb);
      const double dx = pb.x - pa.x, dy = pb.y - pa.y;
      const double len = std::hypot(dx, dy);
      const double nxv = -dy / len, nyv = dx / len;
      Rng rng(hash64(spec_.seed, Stream::kArterialShape, k), Stream::kArterialShape);
      const double a1 = len * 0.040 * (2.0 * rng.unit() - 1.0);
      const double a2 = len * 0.015 * (2.0 * rng.unit() - 1.0);
      const double a3 = len * 0.008 * (2.0 * rng.unit() - 1.0);
      const auto segments = static_cast<std::size_t>(std::max(1.0, std::ceil(len / kArterialNodeSpacingM)));
      art_nodes_.push_back(ja);
      for (std::size_t s = 1; s < segments; ++s) {
        const double t = static_cast<double>(s) / static_cast<double>(segments);
        const double off = a1 * std::sin(kPi * t) + a2 * std::sin(2 * kPi * t) + a3 * std::sin(3 * kPi * t);
        art_nodes_.push_back(add_node(pa.x + dx * t + nxv * off, pa.y + dy * t + nyv * off));
      }
      art_nodes_.push_back(jb);
      art_offset_.push_back(static_cast<std::uint32_t>(art_nodes_.size()));
      art_highway_.push_back(link.highway);
    }
    net_.arterials = art_highway_.size();
  }

  [[nodiscard]] std::size_t arterial_count() const { return art_highway_.size(); }
  [[nodiscard]] std::size_t arterial_segments(std::size_t k) const { return art_offset_[k + 1] - art_offset_[k] - 1; }
  [[nodiscard]] Point arterial_point(std::size_t k, std::size_t i) const {
    return node(art_nodes_[art_offset_[k] + i]);
  }

  // ------------------------------------------------------------------------------------------ crossings

  void add_crossing(std::uint32_t poly_a, std::uint32_t seg_a, double t, std::uint32_t poly_b, std::uint32_t seg_b,
                    double u, const Point& p1, const Point& p2) {
    const std::uint32_t n = add_node(p1.x + (p2.x - p1.x) * t, p1.y + (p2.y - p1.y) * t);
    insertions_.push_back({poly_a, seg_a, t, n});
    insertions_.push_back({poly_b, seg_b, u, n});
    ++net_.crossings;
  }

  /// Arterials cross the lattice roads at grade: a junction node on both at every crossing.
  void cross_lattice() {
    for (std::size_t k = 0; k < arterial_count(); ++k) {
      const auto poly = static_cast<std::uint32_t>(edge_count_ + k);
      for (std::size_t s = 0; s < arterial_segments(k); ++s) {
        const Point p1 = arterial_point(k, s), p2 = arterial_point(k, s + 1);
        const double min_x = std::min(p1.x, p2.x), max_x = std::max(p1.x, p2.x);
        const double min_y = std::min(p1.y, p2.y), max_y = std::max(p1.y, p2.y);
        const long i0 = static_cast<long>(std::floor((min_x - e_.min_x_m) / sx_ - 0.5)) - 1;
        const long i1 = static_cast<long>(std::floor((max_x - e_.min_x_m) / sx_ - 0.5)) + 1;
        const long j0 = static_cast<long>(std::floor((e_.max_y_m - max_y) / sy_ - 0.5)) - 1;
        const long j1 = static_cast<long>(std::floor((e_.max_y_m - min_y) / sy_ - 0.5)) + 1;
        for (long j = std::max(0L, j0); j <= std::min(static_cast<long>(ny_) - 1, j1); ++j)
          for (long i = std::max(0L, i0); i <= std::min(static_cast<long>(nx_) - 1, i1); ++i) {
            const auto ui = static_cast<std::size_t>(i), uj = static_cast<std::size_t>(j);
            if (ui + 1 < nx_) test_lattice_edge(h_edge(ui, uj), poly, s, p1, p2, min_x, min_y, max_x, max_y);
            if (uj + 1 < ny_) test_lattice_edge(v_edge(ui, uj), poly, s, p1, p2, min_x, min_y, max_x, max_y);
          }
      }
    }
  }

  void test_lattice_edge(std::size_t e, std::uint32_t poly, std::size_t s, const Point& p1, const Point& p2,
                         double min_x, double min_y, double max_x, double max_y) {
    if (edge_shape_[e] == kNone) return;
    for (int k = 0; k <= kLatticeShapeNodes; ++k) {
      const Point q1 = node(edge_node(e, k)), q2 = node(edge_node(e, k + 1));
      if (std::max(q1.x, q2.x) < min_x || std::min(q1.x, q2.x) > max_x || std::max(q1.y, q2.y) < min_y ||
          std::min(q1.y, q2.y) > max_y)
        continue;
      double t = 0.0, u = 0.0;
      if (segments_cross(p1, p2, q1, q2, t, u))
        add_crossing(poly, static_cast<std::uint32_t>(s), t, static_cast<std::uint32_t>(e),
                     static_cast<std::uint32_t>(k), u, p1, p2);
    }
  }

  /// Arterials that cross each other get a junction too (segments bucketed on a 2 km grid; a crossing is taken
  /// in the bucket that contains it, so it is found once).
  void cross_arterials() {
    constexpr double kBucketM = 2000.0;
    const auto cols = static_cast<std::size_t>(std::ceil(e_.width_m() / kBucketM)) + 1;
    const auto rows = static_cast<std::size_t>(std::ceil(e_.height_m() / kBucketM)) + 1;
    std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> buckets(cols * rows);
    auto col_of = [&](double x) {
      return static_cast<std::size_t>(std::clamp(std::floor((x - e_.min_x_m) / kBucketM), 0.0, double(cols - 1)));
    };
    auto row_of = [&](double y) {
      return static_cast<std::size_t>(std::clamp(std::floor((y - e_.min_y_m) / kBucketM), 0.0, double(rows - 1)));
    };
    for (std::size_t k = 0; k < arterial_count(); ++k)
      for (std::size_t s = 0; s < arterial_segments(k); ++s) {
        const Point p1 = arterial_point(k, s), p2 = arterial_point(k, s + 1);
        for (std::size_t r = row_of(std::min(p1.y, p2.y)); r <= row_of(std::max(p1.y, p2.y)); ++r)
          for (std::size_t c = col_of(std::min(p1.x, p2.x)); c <= col_of(std::max(p1.x, p2.x)); ++c)
            buckets[r * cols + c].emplace_back(static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(s));
      }
    for (std::size_t b = 0; b < buckets.size(); ++b) {
      const auto& items = buckets[b];
      for (std::size_t x = 0; x < items.size(); ++x)
        for (std::size_t y = x + 1; y < items.size(); ++y) {
          const auto [ka, sa] = items[x];
          const auto [kb, sb] = items[y];
          if (ka == kb) continue;
          const Point p1 = arterial_point(ka, sa), p2 = arterial_point(ka, sa + 1);
          const Point q1 = arterial_point(kb, sb), q2 = arterial_point(kb, sb + 1);
          double t = 0.0, u = 0.0;
          if (!segments_cross(p1, p2, q1, q2, t, u)) continue;
          const double cx = p1.x + (p2.x - p1.x) * t, cy = p1.y + (p2.y - p1.y) * t;
          if (row_of(cy) * cols + col_of(cx) != b) continue;
          add_crossing(static_cast<std::uint32_t>(edge_count_ + ka), sa, t,
                       static_cast<std::uint32_t>(edge_count_ + kb), sb, u, p1, p2);
        }
    }
  }

  // ------------------------------------------------------------------------------------------ ways

  void assemble_ways() {
    std::sort(insertions_.begin(), insertions_.end(), [](const Insertion& a, const Insertion& b) {
      if (a.polyline != b.polyline) return a.polyline < b.polyline;
      if (a.segment != b.segment) return a.segment < b.segment;
      if (a.t != b.t) return a.t < b.t;
      return a.node < b.node;
    });
    ins_begin_.assign(edge_count_ + arterial_count() + 1, 0);
    for (const Insertion& in : insertions_) ++ins_begin_[in.polyline + 1];
    std::partial_sum(ins_begin_.begin(), ins_begin_.end(), ins_begin_.begin());

    // Arterials first, numbered per class: G2xx 国道, S2xx 省道, X0xx 县道, Y0xx 乡道.
    std::array<std::size_t, kHighwayCount> numbered{};
    for (std::size_t k = 0; k < arterial_count(); ++k) {
      const auto poly = static_cast<std::uint32_t>(edge_count_ + k);
      way_nodes_.clear();
      std::uint32_t cursor = ins_begin_[poly];
      const std::uint32_t end = ins_begin_[poly + 1];
      for (std::size_t s = 0; s < arterial_segments(k); ++s) {
        push_node(art_nodes_[art_offset_[k] + s]);
        while (cursor < end && insertions_[cursor].segment == s) push_node(insertions_[cursor++].node);
      }
      push_node(art_nodes_[art_offset_[k + 1] - 1]);
      const Highway h = art_highway_[k];
      const std::size_t number = ++numbered[static_cast<std::size_t>(h)];
      char ref[16];
      std::string name;
      std::uint16_t maxspeed = 0;
      switch (h) {
        case Highway::kTrunk:
          std::snprintf(ref, sizeof ref, "G%zu", 200 + number);
          name = std::string(ref) + "国道";
          maxspeed = 80;
          break;
        case Highway::kPrimary:
          std::snprintf(ref, sizeof ref, "S%zu", 200 + number);
          name = std::string(ref) + "省道";
          maxspeed = 60;
          break;
        case Highway::kSecondary:
          std::snprintf(ref, sizeof ref, "X%03zu", number);
          name = std::string(ref) + "县道";
          break;
        default:
          std::snprintf(ref, sizeof ref, "Y%03zu", number);
          name = std::string(ref) + "乡道";
          break;
      }
      finish_way(h, ref, name, maxspeed);
    }

    // Lattice rows (west to east) and columns (north to south): runs of kept edges of one class.
    auto runs = [&](std::size_t lines, std::size_t steps, auto&& edge_at) {
      for (std::size_t line = 0; line < lines; ++line) {
        std::size_t step = 0;
        while (step < steps) {
          const std::size_t first = edge_at(line, step);
          if (edge_shape_[first] == kNone) {
            ++step;
            continue;
          }
          const Highway h = edge_class_[first];
          way_nodes_.clear();
          std::size_t n = 0;
          std::size_t last = first;
          while (step < steps && n < kMaxEdgesPerWay) {
            const std::size_t e = edge_at(line, step);
            if (edge_shape_[e] == kNone || edge_class_[e] != h) break;
            push_edge(e);
            last = e;
            ++step;
            ++n;
          }
          push_node(edge_node(last, kLatticeShapeNodes + 1));
          finish_way(h, "", "", 0);
        }
      }
    };
    runs(ny_, nx_ - 1, [&](std::size_t j, std::size_t i) { return h_edge(i, j); });
    runs(nx_, ny_ - 1, [&](std::size_t i, std::size_t j) { return v_edge(i, j); });
  }

  void push_node(std::uint32_t n) {
    if (way_nodes_.empty() || way_nodes_.back() != n) way_nodes_.push_back(n);
  }
  /// The nodes of lattice edge e without its last junction, with the crossings on each of its segments.
  void push_edge(std::size_t e) {
    std::uint32_t cursor = ins_begin_[e];
    const std::uint32_t end = ins_begin_[e + 1];
    for (int k = 0; k <= kLatticeShapeNodes; ++k) {
      push_node(edge_node(e, k));
      while (cursor < end && insertions_[cursor].segment == static_cast<std::uint32_t>(k))
        push_node(insertions_[cursor++].node);
    }
  }
  void finish_way(Highway h, const std::string& ref, const std::string& name, std::uint16_t maxspeed_kmh) {
    if (way_nodes_.size() < 2) return;
    net_.way_nodes.insert(net_.way_nodes.end(), way_nodes_.begin(), way_nodes_.end());
    net_.way_offset.push_back(static_cast<std::uint32_t>(net_.way_nodes.size()));
    net_.way_highway.push_back(h);
    net_.way_ref.push_back(ref);
    net_.way_name.push_back(name);
    net_.way_maxspeed_kmh.push_back(maxspeed_kmh);
  }

  const SyntheticSpec& spec_;
  const Layout& layout_;
  const PopulationRaster& pop_;
  Extent e_;
  RoadNetwork net_;

  std::size_t nx_ = 0, ny_ = 0, h_count_ = 0, edge_count_ = 0;
  double sx_ = 0.0, sy_ = 0.0;
  std::vector<Highway> edge_class_;
  std::vector<std::uint32_t> edge_shape_;  ///< first shape node of a kept edge; kNone for a dropped edge

  std::vector<std::uint32_t> art_nodes_;
  std::vector<std::uint32_t> art_offset_;
  std::vector<Highway> art_highway_;

  std::vector<Insertion> insertions_;
  std::vector<std::uint32_t> ins_begin_;
  std::vector<std::uint32_t> way_nodes_;
};

}  // namespace

std::string_view highway_tag(Highway h) {
  switch (h) {
    case Highway::kTrunk:
      return "trunk";
    case Highway::kPrimary:
      return "primary";
    case Highway::kSecondary:
      return "secondary";
    case Highway::kTertiary:
      return "tertiary";
    case Highway::kUnclassified:
      return "unclassified";
    case Highway::kResidential:
      return "residential";
    case Highway::kTrack:
      return "track";
  }
  return "road";
}

std::vector<double> RoadNetwork::length_km_by_class() const {
  std::vector<double> km(kHighwayCount, 0.0);
  for (std::size_t w = 0; w < way_count(); ++w) {
    double m = 0.0;
    for (std::uint32_t i = way_offset[w] + 1; i < way_offset[w + 1]; ++i) {
      const std::uint32_t a = way_nodes[i - 1], b = way_nodes[i];
      m += std::hypot(node_x_m[b] - node_x_m[a], node_y_m[b] - node_y_m[a]);
    }
    km[static_cast<std::size_t>(way_highway[w])] += m / 1000.0;
  }
  return km;
}

RoadNetwork make_roads(const SyntheticSpec& spec, const Layout& layout, const PopulationRaster& population) {
  return Builder(spec, layout, population).build();
}

}  // namespace carereach::synthetic
