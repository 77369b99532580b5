#pragma once
// Snapping points onto the road graph: a flat uniform-grid bucket index over the straight segments of every
// piece (RoadData vertices, analysis-CRS metres) and over the graph nodes. It answers "the nearest point on any
// piece", "the nearest points of the k nearest distinct pieces within a radius" and "the nearest graph node".
// Queries are const and may run concurrently. docs/method/network.md ("Snapping") describes the rules.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "core/road_data.hpp"
#include "network/graph.hpp"

namespace carereach::network {

inline constexpr std::uint32_t kNoPiece = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::uint32_t kNoNode = std::numeric_limits<std::uint32_t>::max();
inline constexpr double kUnlimitedDistance = std::numeric_limits<double>::infinity();

/// A point on a piece: where a query point meets the network.
struct EdgePoint {
  std::uint32_t piece = kNoPiece;
  double offset_m = 0.0;  ///< along the piece's polyline from its `from` node
  double fraction = 0.0;  ///< offset_m / the polyline's length, 0 … 1 (0 on a piece of length 0)
  double x_m = 0.0;       ///< the point on the piece, analysis CRS
  double y_m = 0.0;
  double distance_m = kUnlimitedDistance;  ///< straight-line distance from the query point

  [[nodiscard]] bool valid() const { return piece != kNoPiece; }
};

/// The nearest graph node to a query point.
struct NodePoint {
  std::uint32_t node = kNoNode;
  double distance_m = kUnlimitedDistance;

  [[nodiscard]] bool valid() const { return node != kNoNode; }
};

struct SnapIndexOptions {
  /// Side of the square buckets, metres; 0 chooses it from the data (about one segment per bucket on average
  /// over the bounding box, at least 10 m).
  double bucket_size_m = 0.0;
};

class SnapIndex {
 public:
  /// Indexes every piece of `graph` with its geometry from `roads` (the RoadData the graph was built from) and
  /// every graph node. Keeps its own copy of the coordinates: neither argument needs to outlive the index.
  SnapIndex(const RoadData& roads, const RoadGraph& graph, const SnapIndexOptions& options = {});

  /// The nearest point on any piece within max_distance_m (inclusive); invalid when there is none. Ties: the
  /// smaller piece index, then the smaller offset.
  [[nodiscard]] EdgePoint nearest_point(double x_m, double y_m, double max_distance_m = kUnlimitedDistance) const;

  /// The nearest point of each of the out.size() nearest distinct pieces within radius_m (inclusive), sorted by
  /// distance, then piece index. Writes them to the front of `out` and returns how many there are.
  std::size_t nearest_pieces(double x_m, double y_m, double radius_m, std::span<EdgePoint> out) const;
  /// The same, returned as a vector of at most k points.
  [[nodiscard]] std::vector<EdgePoint> nearest_pieces(double x_m, double y_m, double radius_m, std::size_t k) const;

  /// Working memory of nearest_pieces_group, kept from one call to the next (one per thread).
  struct GroupScratch {
    struct Candidate {
      double centre_distance_m;  ///< from the group's centre to the segment
      std::uint32_t vertex;      ///< the segment's first vertex
    };
    struct Box {
      double min_x;
      double max_x;
      double min_y;
      double max_y;
    };
    /// What a point's distance to a candidate segment, and the point's offset along its piece, are computed from.
    struct Segment {
      double ax;               ///< start
      double ay;
      double dx;               ///< end − start
      double dy;
      double offset_m;         ///< of the start along the piece
      double offset_step_m;    ///< of the end less that of the start
      double piece_length_m;   ///< the piece's polyline
      std::uint32_t piece;
    };
    std::vector<Candidate> candidates;
    std::vector<Segment> segments;
    std::vector<Box> boxes;
    std::vector<double> centre_distance_m;
    std::vector<EdgePoint> probe;
    /// The previous call's points that found k pieces: x, y and the k-th distance; with its k and radius.
    std::vector<std::array<double, 3>> previous;
    std::size_t previous_k = 0;
    double previous_radius_m = -1.0;
    bool previous_found_none = false;  ///< no point of the previous call found any piece
    std::vector<double> offset_m;  ///< per point, its distance from the group's centre
  };

  /// nearest_pieces(x_m[i], y_m[i], radius_m, k) for every point i of a group of points that lie close together
  /// (the populated cells of a small tile of the grid), with the same answers: point i's go to out[i × k …] and
  /// their number to count[i]. The segments near the group are gathered once, from the buckets within a bound
  /// that no point's answer can pass (the k-th distance from the group's centre plus the group's radius), and
  /// each point checks them nearest to the centre first, stopping where the triangle inequality shows that the
  /// rest are farther than its k-th piece. out.size() must be at least x_m.size() × k.
  void nearest_pieces_group(std::span<const double> x_m, std::span<const double> y_m, double radius_m, std::size_t k,
                            std::span<EdgePoint> out, std::span<std::uint32_t> count, GroupScratch& scratch) const;

  /// The nearest graph node within max_distance_m (inclusive); ties: the smaller node index. `hint`, a node
  /// likely to be near (the answer for a neighbouring point), only bounds the search: the answer is the same.
  [[nodiscard]] NodePoint nearest_node(double x_m, double y_m, double max_distance_m = kUnlimitedDistance,
                                       std::uint32_t hint = kNoNode) const;

  /// Length of the piece's polyline, metres (what EdgePoint::fraction divides by).
  [[nodiscard]] double polyline_length_m(std::uint32_t piece) const;
  [[nodiscard]] std::size_t piece_count() const {
    return piece_first_vertex_.empty() ? 0 : piece_first_vertex_.size() - 1;
  }
  [[nodiscard]] std::size_t segment_count() const { return segment_count_; }
  [[nodiscard]] double segment_bucket_size_m() const { return segment_buckets_.size_m; }
  [[nodiscard]] double node_bucket_size_m() const { return node_buckets_.size_m; }
  /// Bytes held (capacity of every array).
  [[nodiscard]] std::size_t memory_bytes() const;

  /// A uniform grid of square buckets, each listing the items (segments or nodes) that touch it, in CSR
  /// layout. Rows count upwards from min_y_m.
  struct Buckets {
    double min_x_m = 0.0;
    double min_y_m = 0.0;
    double size_m = 1.0;
    std::int64_t cols = 0;
    std::int64_t rows = 0;
    std::vector<std::uint32_t> offset;  ///< cols × rows + 1 entries; bucket (c, r) at r × cols + c
    std::vector<std::uint32_t> items;
    /// Per bucket, the Chebyshev distance in buckets to the nearest bucket with an item (0 for a bucket with
    /// items; capped at 65535): the rings of buckets nearer than that are empty and a search skips them.
    std::vector<std::uint16_t> empty_rings;

    [[nodiscard]] std::size_t memory_bytes() const {
      return (offset.capacity() + items.capacity()) * sizeof(std::uint32_t) +
             empty_rings.capacity() * sizeof(std::uint16_t);
    }
  };

 private:
  std::size_t segment_count_ = 0;
  // Polyline vertices of every piece, piece after piece (shared end points repeated); the segment that starts
  // at vertex v runs to v + 1 and belongs to vertex_piece_[v]. Bucket items are such vertex indices.
  std::vector<double> vertex_x_m_;
  std::vector<double> vertex_y_m_;
  std::vector<double> vertex_offset_m_;  ///< along its piece, from the piece's first vertex
  std::vector<std::uint32_t> vertex_piece_;
  std::vector<std::uint32_t> piece_first_vertex_;  ///< piece_count() + 1 entries
  Buckets segment_buckets_;

  std::vector<double> node_x_m_;
  std::vector<double> node_y_m_;
  Buckets node_buckets_;
};

}  // namespace carereach::network
