#pragma once
// Names of coordinate reference systems as a Chinese report shows them. PROJ names the systems in English
// ("EPSG:4548 CGCS2000 / 3-degree Gauss-Kruger CM 117E"); the systems Chinese data come in have Chinese names
// (2000国家大地坐标系, 高斯-克吕格投影 3度带), which a Chinese report uses. Other names stay as PROJ gives them: they
// are proper names, with their EPSG code in front.

#include <string>
#include <string_view>

namespace carereach {

/// The display text of a CRS (geo::CrsSpec::display(): "EPSG:4548 CGCS2000 / 3-degree Gauss-Kruger CM 117E") in
/// Chinese where carereach knows the system: CGCS2000 (geographic and Gauss-Kruger 3° and 6°, by central meridian or
/// zone), WGS 84 and its UTM zones, GCJ-02 and BD-09. Anything else is returned unchanged.
std::string crs_name_zh(std::string_view display);

}  // namespace carereach
