#include "network/snap.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace carereach::network {

namespace {

using Buckets = SnapIndex::Buckets;

/// Bucket count above which the bucket side is enlarged (keeps the offset array small for sparse data).
constexpr double kMaxBucketsPerItem = 4.0;
constexpr double kMinBucketSizeM = 10.0;
/// Bucket coordinates are clamped to this range before conversion to integers (far-away query points).
constexpr double kBucketCoordLimit = 1.0e12;
/// Squared distances are compared with a bound's square times this, so that a point whose rounded distance is
/// within the bound is never dropped by the rounding of the squares (the exact test follows on the root).
constexpr double kSquareSlack = 1.0 + 1.0e-12;

/// Margin added to the geometric lower bounds that skip buckets and candidates (distances of boxes and centres,
/// rounded in other ways than a point's own distance): far above the rounding of coordinates of this size, far
/// below anything that matters. A skip only saves work, so a wider margin changes no answer.
double prune_slack_m(double x, double y) {
  return 1.0e-11 * (1.0 + std::abs(x) + std::abs(y));
}

struct Box {
  double min_x = kUnlimitedDistance;
  double min_y = kUnlimitedDistance;
  double max_x = -kUnlimitedDistance;
  double max_y = -kUnlimitedDistance;
  void add(double x, double y) {
    min_x = std::min(min_x, x);
    min_y = std::min(min_y, y);
    max_x = std::max(max_x, x);
    max_y = std::max(max_y, y);
  }
  [[nodiscard]] bool empty() const { return !(min_x <= max_x); }
};

/// The bucket geometry for `items` items over `box`: side from the options or from the density, enlarged until
/// the bucket count stays within a few times the item count.
Buckets make_bucket_grid(const Box& box, std::size_t items, double requested_size_m) {
  Buckets b;
  if (box.empty() || items == 0) return b;
  const double w = box.max_x - box.min_x;
  const double h = box.max_y - box.min_y;
  double size = requested_size_m;
  if (!(size > 0.0)) {
    const double area = std::max(w, kMinBucketSizeM) * std::max(h, kMinBucketSizeM);
    size = std::max(std::sqrt(area / static_cast<double>(items)), kMinBucketSizeM);
  }
  const double max_buckets = kMaxBucketsPerItem * static_cast<double>(items) + 1024.0;
  while ((std::floor(w / size) + 1.0) * (std::floor(h / size) + 1.0) > max_buckets) size *= 1.25;
  b.min_x_m = box.min_x;
  b.min_y_m = box.min_y;
  b.size_m = size;
  b.cols = static_cast<std::int64_t>(std::floor(w / size)) + 1;
  b.rows = static_cast<std::int64_t>(std::floor(h / size)) + 1;
  return b;
}

std::int64_t bucket_coord(double v) {
  return static_cast<std::int64_t>(std::floor(std::clamp(v, -kBucketCoordLimit, kBucketCoordLimit)));
}

/// Calls visit(bucket) for every bucket the segment (ax, ay)–(bx, by) passes through (conservatively: a bucket
/// it only grazes may be included).
template <class Visit>
void for_each_bucket_on_segment(const Buckets& b, double ax, double ay, double bx, double by, Visit&& visit) {
  const double s = b.size_m;
  const double seg_min_y = std::min(ay, by);
  const double seg_max_y = std::max(ay, by);
  const double seg_min_x = std::min(ax, bx);
  const double seg_max_x = std::max(ax, bx);
  const std::int64_t r0 = std::clamp<std::int64_t>(bucket_coord((seg_min_y - b.min_y_m) / s), 0, b.rows - 1);
  const std::int64_t r1 = std::clamp<std::int64_t>(bucket_coord((seg_max_y - b.min_y_m) / s), 0, b.rows - 1);
  const double slack = 1e-9 * s;
  for (std::int64_t r = r0; r <= r1; ++r) {
    double x_lo = seg_min_x;
    double x_hi = seg_max_x;
    if (ay != by && r0 != r1) {
      // The part of the segment inside this row's band of y.
      const double band_lo = std::max(seg_min_y, b.min_y_m + static_cast<double>(r) * s);
      const double band_hi = std::min(seg_max_y, b.min_y_m + static_cast<double>(r + 1) * s);
      const double t_lo = (band_lo - ay) / (by - ay);
      const double t_hi = (band_hi - ay) / (by - ay);
      const double x_at_lo = ax + t_lo * (bx - ax);
      const double x_at_hi = ax + t_hi * (bx - ax);
      x_lo = std::max(seg_min_x, std::min(x_at_lo, x_at_hi));
      x_hi = std::min(seg_max_x, std::max(x_at_lo, x_at_hi));
    }
    const std::int64_t c0 = std::clamp<std::int64_t>(bucket_coord((x_lo - slack - b.min_x_m) / s), 0, b.cols - 1);
    const std::int64_t c1 = std::clamp<std::int64_t>(bucket_coord((x_hi + slack - b.min_x_m) / s), 0, b.cols - 1);
    for (std::int64_t c = c0; c <= c1; ++c) visit(static_cast<std::size_t>(r * b.cols + c));
  }
}

/// Fills b.offset and b.items from `for_each(emit)`, which calls emit(bucket, item) for every pair; twice, so it
/// must give the same pairs both times.
template <class ForEach>
void fill_buckets(Buckets& b, ForEach&& for_each) {
  const auto bucket_count = static_cast<std::size_t>(b.cols * b.rows);
  b.offset.assign(bucket_count + 1, 0);
  for_each([&](std::size_t bucket, std::uint32_t /*item*/) { ++b.offset[bucket + 1]; });
  for (std::size_t i = 0; i < bucket_count; ++i) b.offset[i + 1] += b.offset[i];
  if (b.offset.back() == std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("snap index: more than 4 billion bucket entries");
  }
  b.items.resize(b.offset.back());
  std::vector<std::uint32_t> next(b.offset.begin(), b.offset.end() - 1);
  for_each([&](std::size_t bucket, std::uint32_t item) { b.items[next[bucket]++] = item; });

  // Chessboard distance transform (two passes over the bucket grid) to the nearest bucket with items.
  constexpr std::uint16_t kFar = std::numeric_limits<std::uint16_t>::max();
  b.empty_rings.assign(bucket_count, kFar);
  for (std::size_t i = 0; i < bucket_count; ++i)
    if (b.offset[i + 1] > b.offset[i]) b.empty_rings[i] = 0;
  auto relax = [&](std::size_t i, std::int64_t c, std::int64_t r) {
    if (c < 0 || r < 0 || c >= b.cols || r >= b.rows) return;
    const std::uint16_t d = b.empty_rings[static_cast<std::size_t>(r * b.cols + c)];
    if (d != kFar && d + 1 < b.empty_rings[i]) b.empty_rings[i] = static_cast<std::uint16_t>(d + 1);
  };
  for (std::int64_t r = 0; r < b.rows; ++r)
    for (std::int64_t c = 0; c < b.cols; ++c) {
      const auto i = static_cast<std::size_t>(r * b.cols + c);
      relax(i, c - 1, r);
      relax(i, c - 1, r - 1);
      relax(i, c, r - 1);
      relax(i, c + 1, r - 1);
    }
  for (std::int64_t r = b.rows - 1; r >= 0; --r)
    for (std::int64_t c = b.cols - 1; c >= 0; --c) {
      const auto i = static_cast<std::size_t>(r * b.cols + c);
      relax(i, c + 1, r);
      relax(i, c + 1, r + 1);
      relax(i, c, r + 1);
      relax(i, c - 1, r + 1);
    }
}

/// Visits the buckets around (x, y) ring by ring (Chebyshev rings of buckets around the point's bucket), nearest
/// rings first, while a ring can still hold something within bound(); buckets farther than bound() are skipped.
/// visit(first_item, last_item) gets each bucket's item range.
template <class Bound, class Visit>
void search_rings(const Buckets& b, double x, double y, Bound&& bound, Visit&& visit) {
  if (b.cols == 0 || b.rows == 0 || !std::isfinite(x) || !std::isfinite(y)) return;
  const double s = b.size_m;
  const std::int64_t qc = bucket_coord((x - b.min_x_m) / s);
  const std::int64_t qr = bucket_coord((y - b.min_y_m) / s);
  std::int64_t first_ring = std::max({std::int64_t{0}, -qc, qc - (b.cols - 1), -qr, qr - (b.rows - 1)});
  if (first_ring == 0) {
    // A point inside the grid: the rings nearer than the nearest bucket with items are empty.
    first_ring = b.empty_rings[static_cast<std::size_t>(qr * b.cols + qc)];
  }
  const std::int64_t last_ring = std::max({qc, b.cols - 1 - qc, qr, b.rows - 1 - qr});
  const double slack = prune_slack_m(x, y);

  auto visit_bucket = [&](std::int64_t c, std::int64_t r) {
    const double x0 = b.min_x_m + static_cast<double>(c) * s;
    const double y0 = b.min_y_m + static_cast<double>(r) * s;
    const double dx = std::max({0.0, x0 - x, x - (x0 + s)});
    const double dy = std::max({0.0, y0 - y, y - (y0 + s)});
    const double limit = bound() + slack;
    if (dx * dx + dy * dy > limit * limit) return;
    const auto bucket = static_cast<std::size_t>(r * b.cols + c);
    visit(b.offset[bucket], b.offset[bucket + 1]);
  };

  for (std::int64_t ring = first_ring; ring <= last_ring; ++ring) {
    if (ring > 0) {
      // Everything in this ring lies outside the block of buckets qc ± (ring − 1), qr ± (ring − 1).
      const double block_x0 = b.min_x_m + static_cast<double>(qc - ring + 1) * s;
      const double block_x1 = b.min_x_m + static_cast<double>(qc + ring) * s;
      const double block_y0 = b.min_y_m + static_cast<double>(qr - ring + 1) * s;
      const double block_y1 = b.min_y_m + static_cast<double>(qr + ring) * s;
      const double lower_bound = std::min({x - block_x0, block_x1 - x, y - block_y0, block_y1 - y});
      if (lower_bound > bound() + slack) return;
    }
    const std::int64_t c0 = qc - ring;
    const std::int64_t c1 = qc + ring;
    const std::int64_t r0 = qr - ring;
    const std::int64_t r1 = qr + ring;
    const std::int64_t cc0 = std::max<std::int64_t>(c0, 0);
    const std::int64_t cc1 = std::min<std::int64_t>(c1, b.cols - 1);
    if (ring == 0) {
      visit_bucket(qc, qr);
      continue;
    }
    if (r0 >= 0) {
      for (std::int64_t c = cc0; c <= cc1; ++c) visit_bucket(c, r0);
    }
    if (r1 < b.rows) {
      for (std::int64_t c = cc0; c <= cc1; ++c) visit_bucket(c, r1);
    }
    const std::int64_t rr0 = std::max<std::int64_t>(r0 + 1, 0);
    const std::int64_t rr1 = std::min<std::int64_t>(r1 - 1, b.rows - 1);
    for (std::int64_t r = rr0; r <= rr1; ++r) {
      if (c0 >= 0) visit_bucket(c0, r);
      if (c1 < b.cols) visit_bucket(c1, r);
    }
  }
}

/// Orders candidate points: nearer first, then the smaller piece, then the smaller offset.
bool closer(const EdgePoint& a, const EdgePoint& b) {
  if (a.distance_m != b.distance_m) return a.distance_m < b.distance_m;
  if (a.piece != b.piece) return a.piece < b.piece;
  return a.offset_m < b.offset_m;
}

/// The best point of each of up to out.size() distinct pieces, kept sorted by closer().
class NearestPieces {
 public:
  NearestPieces(std::span<EdgePoint> out, double radius_m) : out_(out), radius_m_(radius_m) {}

  /// Distance beyond which nothing can enter any more.
  [[nodiscard]] double bound() const { return count_ < out_.size() ? radius_m_ : out_[count_ - 1].distance_m; }

  void offer(const EdgePoint& p) {
    for (std::size_t i = 0; i < count_; ++i) {
      if (out_[i].piece != p.piece) continue;
      if (!closer(p, out_[i])) return;
      out_[i] = p;
      bubble_up(i);
      return;
    }
    if (count_ < out_.size()) {
      out_[count_] = p;
      bubble_up(count_++);
    } else if (closer(p, out_[count_ - 1])) {
      out_[count_ - 1] = p;
      bubble_up(count_ - 1);
    }
  }

  [[nodiscard]] std::size_t count() const { return count_; }

 private:
  void bubble_up(std::size_t i) {
    while (i > 0 && closer(out_[i], out_[i - 1])) {
      std::swap(out_[i], out_[i - 1]);
      --i;
    }
  }

  std::span<EdgePoint> out_;
  double radius_m_;
  std::size_t count_ = 0;
};

/// The polyline vertices of the index.
struct SegmentArrays {
  const double* x_m;
  const double* y_m;
  const double* offset_m;
  const std::uint32_t* piece;
  const std::uint32_t* piece_first_vertex;
};

using Segment = SnapIndex::GroupScratch::Segment;

/// Segment v as the distance computation reads it. Every query computes a point's distance, offset and fraction
/// from this by nearest_on_segment and offer_nearest, so that answers found in different ways are equal to the
/// last bit.
inline Segment segment_of(const SegmentArrays& a, std::uint32_t v) {
  const std::uint32_t piece = a.piece[v];
  return {a.x_m[v],
          a.y_m[v],
          a.x_m[v + 1] - a.x_m[v],
          a.y_m[v + 1] - a.y_m[v],
          a.offset_m[v],
          a.offset_m[v + 1] - a.offset_m[v],
          a.offset_m[a.piece_first_vertex[piece + 1] - 1],
          piece};
}

/// The nearest point of a segment to (x, y): its parameter t (0 … 1), position and squared distance.
struct SegmentNearest {
  double t;
  double px;
  double py;
  double d2;
};

inline SegmentNearest nearest_on_segment(const Segment& g, double x_m, double y_m) {
  const double len2 = g.dx * g.dx + g.dy * g.dy;
  double t = 0.0;
  if (len2 > 0.0) t = std::clamp(((x_m - g.ax) * g.dx + (y_m - g.ay) * g.dy) / len2, 0.0, 1.0);
  const double px = g.ax + t * g.dx;
  const double py = g.ay + t * g.dy;
  const double ex = x_m - px;
  const double ey = y_m - py;
  return {t, px, py, ex * ex + ey * ey};
}

/// Offers the nearest point of segment g to (x, y) to `best`, when its distance is within best's bound. Only
/// g's start and extent are read before that test; complete(g) fills in the rest of it, for a point that passes.
template <class Complete>
inline void offer_nearest(Segment& g, double x_m, double y_m, NearestPieces& best, Complete&& complete) {
  const SegmentNearest n = nearest_on_segment(g, x_m, y_m);
  const double limit = best.bound();
  if (n.d2 > limit * limit * kSquareSlack) return;
  const double distance = std::sqrt(n.d2);
  if (distance > limit) return;
  complete(g);
  EdgePoint p;
  p.piece = g.piece;
  p.distance_m = distance;
  p.x_m = n.px;
  p.y_m = n.py;
  p.offset_m = g.offset_m + n.t * g.offset_step_m;
  p.fraction = g.piece_length_m > 0.0 ? std::clamp(p.offset_m / g.piece_length_m, 0.0, 1.0) : 0.0;
  best.offer(p);
}

/// Segment v's start and extent only (the rest follows from complete_segment).
inline Segment segment_start_of(const SegmentArrays& a, std::uint32_t v) {
  return {a.x_m[v], a.y_m[v], a.x_m[v + 1] - a.x_m[v], a.y_m[v + 1] - a.y_m[v], 0.0, 0.0, 0.0, 0};
}

inline void complete_segment(const SegmentArrays& a, std::uint32_t v, Segment& g) {
  const Segment full = segment_of(a, v);
  g.offset_m = full.offset_m;
  g.offset_step_m = full.offset_step_m;
  g.piece_length_m = full.piece_length_m;
  g.piece = full.piece;
}

}  // namespace

SnapIndex::SnapIndex(const RoadData& roads, const RoadGraph& graph, const SnapIndexOptions& options) {
  if (graph.pieces.size() >= kNoPiece || graph.node_count() >= kNoNode) {
    throw std::length_error("snap index: more than 4 billion pieces or nodes");
  }
  // --- polyline vertices, piece after piece
  std::size_t vertex_total = 0;
  for (const Piece& p : graph.pieces) vertex_total += static_cast<std::size_t>(p.last_vertex - p.first_vertex) + 1;
  if (vertex_total >= kNoPiece) throw std::length_error("snap index: more than 4 billion vertices");
  vertex_x_m_.reserve(vertex_total);
  vertex_y_m_.reserve(vertex_total);
  vertex_offset_m_.reserve(vertex_total);
  vertex_piece_.reserve(vertex_total);
  piece_first_vertex_.reserve(graph.pieces.size() + 1);
  Box segment_box;
  for (std::size_t pi = 0; pi < graph.pieces.size(); ++pi) {
    const Piece& p = graph.pieces[pi];
    piece_first_vertex_.push_back(static_cast<std::uint32_t>(vertex_x_m_.size()));
    double offset = 0.0;
    for (std::uint32_t v = p.first_vertex; v <= p.last_vertex; ++v) {
      const std::uint32_t node = roads.way_nodes[v];
      const double x = roads.node_x_m[node];
      const double y = roads.node_y_m[node];
      if (v != p.first_vertex) offset += std::hypot(x - vertex_x_m_.back(), y - vertex_y_m_.back());
      vertex_x_m_.push_back(x);
      vertex_y_m_.push_back(y);
      vertex_offset_m_.push_back(offset);
      vertex_piece_.push_back(static_cast<std::uint32_t>(pi));
      segment_box.add(x, y);
    }
    segment_count_ += p.last_vertex - p.first_vertex;
  }
  piece_first_vertex_.push_back(static_cast<std::uint32_t>(vertex_x_m_.size()));

  // --- segment buckets
  segment_buckets_ = make_bucket_grid(segment_box, std::max<std::size_t>(segment_count_, 1), options.bucket_size_m);
  if (segment_buckets_.cols > 0) {
    fill_buckets(segment_buckets_, [&](auto&& emit) {
      for (std::size_t pi = 0; pi < graph.pieces.size(); ++pi) {
        const std::uint32_t first = piece_first_vertex_[pi];
        const std::uint32_t last = piece_first_vertex_[pi + 1] - 1;
        for (std::uint32_t v = first; v < last; ++v) {
          for_each_bucket_on_segment(segment_buckets_, vertex_x_m_[v], vertex_y_m_[v], vertex_x_m_[v + 1],
                                     vertex_y_m_[v + 1], [&](std::size_t bucket) { emit(bucket, v); });
        }
      }
    });
  }

  // --- node buckets
  node_x_m_ = graph.node_x_m;
  node_y_m_ = graph.node_y_m;
  Box node_box;
  for (std::size_t n = 0; n < node_x_m_.size(); ++n) node_box.add(node_x_m_[n], node_y_m_[n]);
  node_buckets_ = make_bucket_grid(node_box, node_x_m_.size(), options.bucket_size_m);
  if (node_buckets_.cols > 0) {
    fill_buckets(node_buckets_, [&](auto&& emit) {
      const double s = node_buckets_.size_m;
      for (std::size_t n = 0; n < node_x_m_.size(); ++n) {
        const std::int64_t c = std::clamp<std::int64_t>(bucket_coord((node_x_m_[n] - node_buckets_.min_x_m) / s), 0,
                                                        node_buckets_.cols - 1);
        const std::int64_t r = std::clamp<std::int64_t>(bucket_coord((node_y_m_[n] - node_buckets_.min_y_m) / s), 0,
                                                        node_buckets_.rows - 1);
        emit(static_cast<std::size_t>(r * node_buckets_.cols + c), static_cast<std::uint32_t>(n));
      }
    });
  }
}

double SnapIndex::polyline_length_m(std::uint32_t piece) const {
  return vertex_offset_m_[piece_first_vertex_[piece + 1] - 1];
}

std::size_t SnapIndex::nearest_pieces(double x_m, double y_m, double radius_m, std::span<EdgePoint> out) const {
  if (out.empty() || !(radius_m >= 0.0)) return 0;
  NearestPieces best(out, radius_m);
  const SegmentArrays arrays{vertex_x_m_.data(), vertex_y_m_.data(), vertex_offset_m_.data(), vertex_piece_.data(),
                             piece_first_vertex_.data()};
  const std::uint32_t* items = segment_buckets_.items.data();
  search_rings(
      segment_buckets_, x_m, y_m, [&] { return best.bound(); },
      [&](std::uint32_t first_item, std::uint32_t last_item) {
        for (std::uint32_t i = first_item; i < last_item; ++i) {
          const std::uint32_t v = items[i];
          Segment g = segment_start_of(arrays, v);
          offer_nearest(g, x_m, y_m, best, [&](Segment& h) { complete_segment(arrays, v, h); });
        }
      });
  return best.count();
}

void SnapIndex::nearest_pieces_group(std::span<const double> x_m, std::span<const double> y_m, double radius_m,
                                     std::size_t k, std::span<EdgePoint> out, std::span<std::uint32_t> count,
                                     GroupScratch& scratch) const {
  const std::size_t n = x_m.size();
  if (y_m.size() != n || count.size() < n || out.size() / std::max<std::size_t>(k, 1) < n) {
    throw std::invalid_argument("nearest_pieces_group: the spans do not match");
  }
  std::fill(count.begin(), count.begin() + static_cast<std::ptrdiff_t>(n), 0U);
  if (n == 0 || k == 0 || !(radius_m >= 0.0)) return;
  auto answer = [&](std::size_t i) { return out.subspan(i * k, k); };
  Box box;
  for (std::size_t i = 0; i < n; ++i) box.add(x_m[i], y_m[i]);
  const Buckets& b = segment_buckets_;
  if (n == 1 || !std::isfinite(box.min_x) || !std::isfinite(box.max_x) || !std::isfinite(box.min_y) ||
      !std::isfinite(box.max_y) || b.cols == 0) {
    for (std::size_t i = 0; i < n; ++i) count[i] = static_cast<std::uint32_t>(nearest_pieces(x_m[i], y_m[i], radius_m, answer(i)));
    return;
  }
  // The group's centre and radius h: every point is within h of the centre.
  const double cx = 0.5 * (box.min_x + box.max_x);
  const double cy = 0.5 * (box.min_y + box.max_y);
  scratch.offset_m.resize(n);
  double h = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double ox = x_m[i] - cx;
    const double oy = y_m[i] - cy;
    scratch.offset_m[i] = std::sqrt(ox * ox + oy * oy);
    h = std::max(h, scratch.offset_m[i]);
  }
  const double slack = prune_slack_m(std::max(std::abs(box.min_x), std::abs(box.max_x)),
                                     std::max(std::abs(box.min_y), std::abs(box.max_y)));
  h += slack;
  // Reach: no point's answer lies farther from it than this. If a point q has k pieces within the radius, the
  // k-th at distance d, those k pieces are within d + |p − q| of any point p, so p's k-th piece is no farther.
  // q: the points of the previous call (usually the neighbouring tile) that found k; without any, the group's
  // centre, when the previous call found nothing anywhere … or when there was no previous call.
  double reach = radius_m;
  const bool same_query = scratch.previous_k == k && scratch.previous_radius_m == radius_m;
  bool bounded = false;
  if (same_query) {
    for (const auto& q : scratch.previous) {
      const double fx = std::max(std::abs(q[0] - box.min_x), std::abs(q[0] - box.max_x));
      const double fy = std::max(std::abs(q[1] - box.min_y), std::abs(q[1] - box.max_y));
      reach = std::min(reach, q[2] + std::sqrt(fx * fx + fy * fy) + slack);
      bounded = true;
    }
  }
  if (!bounded && !(same_query && scratch.previous_found_none)) {
    scratch.probe.resize(k);
    if (nearest_pieces(cx, cy, radius_m, std::span<EdgePoint>(scratch.probe)) == k) {
      reach = std::min(radius_m, scratch.probe[k - 1].distance_m + h);
    }
  }
  reach += slack;

  // Candidates: the segments of the buckets within reach of the box (a segment within reach of a point passes
  // through such a bucket), unless they are farther than reach + h from the centre (then they are farther than
  // reach from every point). Nearest to the centre first; a segment listed in several buckets is kept once.
  const SegmentArrays arrays{vertex_x_m_.data(), vertex_y_m_.data(), vertex_offset_m_.data(), vertex_piece_.data(),
                             piece_first_vertex_.data()};
  const double s = b.size_m;
  const double keep_within = reach + h;
  auto clamp_col = [&](double v) { return std::clamp<std::int64_t>(bucket_coord((v - b.min_x_m) / s), 0, b.cols - 1); };
  auto clamp_row = [&](double v) { return std::clamp<std::int64_t>(bucket_coord((v - b.min_y_m) / s), 0, b.rows - 1); };
  const std::int64_t c0 = clamp_col(box.min_x - reach);
  const std::int64_t c1 = clamp_col(box.max_x + reach);
  const std::int64_t r0 = clamp_row(box.min_y - reach);
  const std::int64_t r1 = clamp_row(box.max_y + reach);
  auto& candidates = scratch.candidates;
  candidates.clear();
  for (std::int64_t r = r0; r <= r1; ++r) {
    const double y0 = b.min_y_m + static_cast<double>(r) * s;
    const double dy = std::max({0.0, y0 - box.max_y, box.min_y - (y0 + s)});
    for (std::int64_t c = c0; c <= c1; ++c) {
      const auto bucket = static_cast<std::size_t>(r * b.cols + c);
      const std::uint32_t first = b.offset[bucket];
      const std::uint32_t last = b.offset[bucket + 1];
      if (first == last) continue;
      const double x0 = b.min_x_m + static_cast<double>(c) * s;
      const double dx = std::max({0.0, x0 - box.max_x, box.min_x - (x0 + s)});
      if (dx * dx + dy * dy > reach * reach) continue;
      for (std::uint32_t i = first; i < last; ++i) {
        const std::uint32_t v = b.items[i];
        const double d = std::sqrt(nearest_on_segment(segment_start_of(arrays, v), cx, cy).d2);
        if (d <= keep_within) candidates.push_back({d, v});
      }
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const auto& p, const auto& q) {
    return p.centre_distance_m < q.centre_distance_m ||
           (p.centre_distance_m == q.centre_distance_m && p.vertex < q.vertex);
  });
  candidates.erase(std::unique(candidates.begin(), candidates.end(),
                               [](const auto& p, const auto& q) { return p.vertex == q.vertex; }),
                   candidates.end());

  // The candidates' geometry side by side, with their bounding boxes.
  const std::size_t m = candidates.size();
  auto& segments = scratch.segments;
  auto& box_of = scratch.boxes;
  segments.resize(m);
  box_of.resize(m);
  scratch.centre_distance_m.resize(m);
  for (std::size_t j = 0; j < m; ++j) {
    const std::uint32_t v = candidates[j].vertex;
    segments[j] = segment_of(arrays, v);
    scratch.centre_distance_m[j] = candidates[j].centre_distance_m;
    box_of[j] = {std::min(vertex_x_m_[v], vertex_x_m_[v + 1]), std::max(vertex_x_m_[v], vertex_x_m_[v + 1]),
                 std::min(vertex_y_m_[v], vertex_y_m_[v + 1]), std::max(vertex_y_m_[v], vertex_y_m_[v + 1])};
  }

  // A point's own bound starts at the radius, or lower: the previous point's k-th distance plus the distance
  // between the two (the previous point's k pieces are that near), when the previous point found k.
  for (std::size_t i = 0; i < n; ++i) {
    double cap = radius_m;
    if (i > 0 && count[i - 1] == k) {
      const double sx = x_m[i] - x_m[i - 1];
      const double sy = y_m[i] - y_m[i - 1];
      cap = std::min(radius_m, out[i * k - 1].distance_m + std::sqrt(sx * sx + sy * sy) + slack);
    }
    NearestPieces best(answer(i), cap);
    const double x = x_m[i];
    const double y = y_m[i];
    const double lead = scratch.offset_m[i] + slack;
    const double* dc = scratch.centre_distance_m.data();
    for (std::size_t j = 0; j < m; ++j) {
      const double bound = best.bound();
      if (dc[j] - lead > bound) break;
      const GroupScratch::Box& bb = box_of[j];
      const double ex = std::max(std::max(bb.min_x - x, x - bb.max_x), 0.0);
      const double ey = std::max(std::max(bb.min_y - y, y - bb.max_y), 0.0);
      const double limit = bound + slack;
      if (ex * ex + ey * ey > limit * limit) continue;
      offer_nearest(segments[j], x, y, best, [](Segment&) {});
    }
    count[i] = static_cast<std::uint32_t>(best.count());
  }

  // For the next call.
  scratch.previous_k = k;
  scratch.previous_radius_m = radius_m;
  scratch.previous.clear();
  scratch.previous_found_none = true;
  for (std::size_t i = 0; i < n; ++i) {
    if (count[i] > 0) scratch.previous_found_none = false;
    if (count[i] == k) scratch.previous.push_back({x_m[i], y_m[i], out[i * k + k - 1].distance_m});
  }
}

std::vector<EdgePoint> SnapIndex::nearest_pieces(double x_m, double y_m, double radius_m, std::size_t k) const {
  std::vector<EdgePoint> out(k);
  out.resize(nearest_pieces(x_m, y_m, radius_m, std::span<EdgePoint>(out)));
  return out;
}

EdgePoint SnapIndex::nearest_point(double x_m, double y_m, double max_distance_m) const {
  EdgePoint p;
  nearest_pieces(x_m, y_m, max_distance_m, std::span<EdgePoint>(&p, 1));
  return p;
}

NodePoint SnapIndex::nearest_node(double x_m, double y_m, double max_distance_m, std::uint32_t hint) const {
  NodePoint best;
  if (!(max_distance_m >= 0.0)) return best;
  double best_d2 = max_distance_m * max_distance_m;
  if (hint < node_x_m_.size()) {
    // Start from the hint when it is within the limit: the rings then stop at its distance. Every node at that
    // distance or nearer is still visited, so ties keep going to the smaller index.
    const double ex = x_m - node_x_m_[hint];
    const double ey = y_m - node_y_m_[hint];
    const double d2 = ex * ex + ey * ey;
    if (d2 <= best_d2) {
      best_d2 = d2;
      best.node = hint;
      best.distance_m = std::sqrt(d2);
    }
  }
  const std::uint32_t* items = node_buckets_.items.data();
  search_rings(
      node_buckets_, x_m, y_m, [&] { return best.valid() ? best.distance_m : max_distance_m; },
      [&](std::uint32_t first_item, std::uint32_t last_item) {
        for (std::uint32_t i = first_item; i < last_item; ++i) {
          const std::uint32_t n = items[i];
          const double ex = x_m - node_x_m_[n];
          const double ey = y_m - node_y_m_[n];
          const double d2 = ex * ex + ey * ey;
          if (d2 < best_d2 || (d2 == best_d2 && n < best.node)) {
            best_d2 = d2;
            best.node = n;
            best.distance_m = std::sqrt(d2);
          }
        }
      });
  if (best.valid() && best.distance_m > max_distance_m) best = NodePoint{};
  return best;
}

std::size_t SnapIndex::memory_bytes() const {
  return (vertex_x_m_.capacity() + vertex_y_m_.capacity() + vertex_offset_m_.capacity() + node_x_m_.capacity() +
          node_y_m_.capacity()) *
             sizeof(double) +
         (vertex_piece_.capacity() + piece_first_vertex_.capacity()) * sizeof(std::uint32_t) +
         segment_buckets_.memory_bytes() + node_buckets_.memory_bytes();
}

}  // namespace carereach::network
