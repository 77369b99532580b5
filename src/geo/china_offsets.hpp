#pragma once
// GCJ-02 (国测局坐标, the offset of Chinese web maps such as Amap and Tencent) and BD-09 (Baidu) as functions of
// WGS 84 longitude/latitude in degrees. Outside China (the bounding box 72.004–137.8347°E, 0.8293–55.8271°N of
// the published algorithm) both offsets are zero. The inverses are iterative: the forward image of their result
// matches the input to 1e-9 degrees (about 0.1 mm). docs/method/coordinates.md gives formulas and accuracy.

namespace carereach::geo {

struct LonLat {
  double lon = 0.0;
  double lat = 0.0;
};

bool in_china_offset_area(LonLat p);
LonLat wgs84_to_gcj02(LonLat p);
LonLat gcj02_to_wgs84(LonLat p);
LonLat gcj02_to_bd09(LonLat p);
LonLat bd09_to_gcj02(LonLat p);
LonLat wgs84_to_bd09(LonLat p);
LonLat bd09_to_wgs84(LonLat p);

}  // namespace carereach::geo
