#include "core/messages.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace carereach {

MessageLang message_lang_from_locale(const char* lc_all, const char* lc_messages, const char* lang) {
  for (const char* v : {lc_all, lc_messages, lang}) {
    if (v == nullptr || *v == '\0') continue;
    const std::string_view s(v);
    return s.substr(0, 2) == "zh" ? MessageLang::kZh : MessageLang::kEn;
  }
  return MessageLang::kEn;
}

namespace {

// One entry per code of docs/exit-codes.md (tests/core/test_messages.cpp checks that none is missing).
constexpr std::array kCatalogue = {
    ZhTemplate{"analysis.align_to_partial", "网格对齐的栅格未覆盖整个研究区，其外的人口和机构不计入出行时间",
               "请对齐到覆盖研究区的栅格，或缩小研究区"},
    ZhTemplate{"access_model.not_computed", "该可达性模型的服务标准无法计算出行时间，结果表标为“未计算”",
               "请添加 [roads]，或改用其他计算引擎的服务标准"},
    ZhTemplate{"accessibility.supply_missing", "部分机构缺少供给属性（如床位数），按供给为 0 计算",
               "请在机构表中填写该字段，或改用其他供给指标"},
    ZhTemplate{"huff.attractiveness_missing", "部分机构缺少吸引力属性，模型中无人选择这些机构",
               "请填写该字段，或使用 attractiveness = \"level\""},
    ZhTemplate{"huff.beta_at_bound", "标定的距离衰减参数位于搜索范围的端点，观测比例在范围内无法吻合",
               "请扩大 beta_range，或检查观测比例"},
    ZhTemplate{"huff.not_calibrated", "有观测比例的区划内无人可达任何机构，衰减参数未标定，使用给定（或默认）值",
               "请检查观测比例的区划代码"},
    ZhTemplate{"cells.no_road_access", "部分有人口的网格距该出行方式可用的道路过远，只能步行直达附近的机构",
               "请调大 [travel] max_access_distance_m，或补充缺失的道路"},
    ZhTemplate{"capacity.no_facility", "服务能力覆盖未计入任何机构，全部人口均为未服务人口",
               "请检查服务标准的机构筛选，或 [capacity] 中的 types / tags_any"},
    ZhTemplate{"capacity.not_joined", "部分机构未连接道路或位于网格之外，不服务任何人口",
               "请检查这些机构的位置（facility_access.csv）"},
    ZhTemplate{"changes.already_closed", "[changes] close 指定的机构{value}已是关闭状态",
               "请从 close 中删除该编码"},
    ZhTemplate{"coordinate.empty", "坐标为空", "请填写坐标或删除该行"},
    ZhTemplate{"coordinate.empty_copied", "没有坐标的行或要素已原样复制到输出", "如需定位，请补充其坐标"},
    ZhTemplate{"coordinate.not_a_number", "坐标{value}不是数字",
               "请用十进制数书写坐标（如 115.7826），不要用度分秒；几何坐标请在源数据中修正"},
    ZhTemplate{"coordinate.out_of_range", "坐标超出范围",
               "经纬度可能写反了；如为投影坐标，请为数据源声明其投影坐标系（crs = \"EPSG:…\"）；否则请修正坐标或所声明的坐标系"},
    ZhTemplate{"coordinate.not_convertible", "该点无法转换到分析坐标系或输出坐标系",
               "请检查坐标以及为数据源声明的坐标系"},
    ZhTemplate{"coordinate.transform_failed", "该行或要素无法转换到目标坐标系，未写出任何文件",
               "请检查 --from 和 --to 以及该行的坐标"},
    ZhTemplate{"crs.offset_suspected", "坐标疑似存在火星坐标（GCJ-02）或百度坐标（BD-09）偏移",
               "如坐标来自高德、腾讯或阿里云 DataV，请声明 crs = \"gcj02\"（百度为 \"bd09\"），或修正另一方的数据"},
    ZhTemplate{"export.long_wkt", "CSV 中有几何的 WKT 超过电子表格单元格的长度（32,767 个字符）",
               "几何请导出为 GeoPackage 或 GeoJSON；CSV 适合属性"},
    ZhTemplate{"export.no_crs", "图层没有坐标系，导出结果也没有坐标系", "请在打开输出的 GIS 中声明坐标系"},
    ZhTemplate{"export.text_cut", "Shapefile 文本字段最多 254 字节，较长的值已被截断",
               "请导出为 GeoPackage 以保留完整文本"},
    ZhTemplate{"export.transform_failed", "要素无法转换到 --crs 指定的坐标系，未写出任何文件",
               "请检查图层是否位于输出坐标系的适用范围内"},
    ZhTemplate{"facilities.missing", "情景没有 [[facilities]]，无可计算可达性的机构",
               "请至少添加一个 [[facilities]] 数据源"},
    ZhTemplate{"facility.bad_number", "数量{value}不是大于等于 0 的数字",
               "请将数量写为普通数字（如 床位数 120），或留空"},
    ZhTemplate{"facility.duplicate_id", "机构编码{value}重复",
               "机构编码必须唯一；两个数据源编码重复时，请为其中一个设置 id_prefix"},
    ZhTemplate{"facility.empty_id", "机构编码为空", "请为每个机构填写唯一编码"},
    ZhTemplate{"facility.empty_type", "机构类别为空，且数据源未设置 default_type",
               "请填写机构类别，或设置 default_type"},
    ZhTemplate{"facility.far_from_road", "机构距该出行方式的道路过远", "请检查其坐标，或补充通往该机构的道路"},
    ZhTemplate{"facility.not_joined", "机构无法连接到该出行方式的路网，只有步行可达范围内的网格能到达",
               "请检查其坐标及附近的道路"},
    ZhTemplate{"facility.on_barrier", "机构所在网格无法进入（障碍、速度为 0 或无速度的地类）",
               "请检查其坐标（河岸边的机构可能落入河中），或障碍和土地覆盖图层"},
    ZhTemplate{"facility.outside_grid", "机构位于分析网格之外，不作为该服务标准的起点",
               "网格覆盖研究区范围，其外的机构不计入"},
    ZhTemplate{"facility.outside_study_area", "机构位于研究区之外，已保留（附近居民仍可能使用）",
               "如距离超过 50 km，请检查其坐标及所声明的坐标系"},
    ZhTemplate{"facility.transform_failed", "机构位置无法转换到分析坐标系或经纬度", "请检查该数据源所声明的坐标系"},
    ZhTemplate{"facility.unknown_level", "无法识别的机构等级{value}，按未定级处理",
               "请使用 三级甲等、二级、一级、未定级 等，或 3/2/1/0"},
    ZhTemplate{"facility.unknown_status", "无法识别的机构状态{value}，按在用处理",
               "请使用 在用/运营、停业/关闭 或 规划/拟建"},
    ZhTemplate{"facility.unknown_tag", "标签{value}不在分类体系中，已忽略",
               "请将其添加到 [[taxonomy.tags]]（如作为已有标签的别名）"},
    ZhTemplate{"facility.unknown_type", "机构类别{value}既不在 type_map 中，也不是分类体系中的类别、名称或别名",
               "请在 type_map 中映射该值，或将其作为别名添加到 [[taxonomy.types]]"},
    ZhTemplate{"geometry.missing", "要素没有几何", "请为每个要素提供点位，或删除该要素"},
    ZhTemplate{"geometry.not_point", "要素不是点", "请提供点要素（机构或居民点位置）"},
    ZhTemplate{"indicator.zone_without_seat", "部分区划没有驻地，按驻地距离统计的存在性指标不评估这些区划",
               "请在 [zones.seats] 中为每个区划提供驻地（政府驻地）"},
    ZhTemplate{"input.encoding_detected", "文本不是 UTF-8 而是有效的 GB18030（GBK），已按 GB18030 读取",
               "请检查名称是否正确显示；可在情景中添加 encoding = \"gbk\"，或将文件另存为 UTF-8"},
    ZhTemplate{"input.encoding_mixed", "CSV 中部分行为 UTF-8、部分行为 GBK，已逐行按各自编码读取",
               "请检查这些行的名称是否正确显示，并将整个表保存为同一编码（UTF-8）"},
    ZhTemplate{"input.network", "输入位于网络上，未给出 --allow-network 时不读取",
               "请将文件复制到本机并在情景中指定该副本；如信任其来源，可使用 --allow-network 运行"},
    ZhTemplate{"input.not_a_file", "输入不是普通文件（设备、管道、套接字或标准输入）",
               "请将数据保存为文件并在情景中指定该文件"},
    ZhTemplate{"input.not_loaded", "该输入未能加载", ""},
    ZhTemplate{"merge.mismatch", "分片结果与分片计划不一致（版本、设置或上级情景不同）", "请用同一版本的 carereach 按当前计划重新运行该分片，或重新生成计划并运行全部分片"},
    ZhTemplate{"merge.missing_tiles", "部分分片尚未运行（没有 tile.json）", "请逐个运行所列的分片后再合并"},
    ZhTemplate{"population.bad_geometry", "人口多边形无法读取", "请在 GIS 中修复该多边形，或删除该要素"},
    ZhTemplate{"population.code_empty", "区划代码为空", "请填写区划代码或删除该行"},
    ZhTemplate{"population.count_empty", "人口数为空", "请将人口数写为大于等于 0 的数字，或删除该行"},
    ZhTemplate{"population.count_negative", "人口数{value}为负数", "请将人口数写为大于等于 0 的数字，或删除该行"},
    ZhTemplate{"population.count_not_a_number", "人口数{value}不是数字",
               "请将人口数写为大于等于 0 的数字，或删除该行"},
    ZhTemplate{"population.duplicate_code", "区划代码{value}有多行人口数", "每个区划只保留一行：删除或合并重复的行"},
    ZhTemplate{"population.empty", "研究区内没有该数据源的人口",
               "请检查数据源的坐标系、是否覆盖研究区，以及其无数据值"},
    ZhTemplate{"population.empty_polygon", "人口多边形面积为零（修复后亦然）", "请在 GIS 中修复该多边形，或删除该要素"},
    ZhTemplate{"population.finer_seat_outside_parent", "乡镇驻地位于其上级代码所指的县之外，其人口在该县内分配",
               "请检查驻地坐标及其上级代码"},
    ZhTemplate{"population.finer_totals_differ", "县内各乡镇人口之和与主表中该县人口不一致，已按县人口缩放",
               "请检查两个表是否来自同一次普查、使用相同的区划代码"},
    ZhTemplate{"population.finer_totals_unused", "该县无法使用乡镇人口，按县级人口分配",
               "请为该县的每个乡镇提供人口数"},
    ZhTemplate{"population.finer_zone_without_parent", "有人口数的乡镇不属于主表中的任何县，其人口未使用",
               "请为乡镇级设置 parent_field，或检查代码"},
    ZhTemplate{"population.missing", "情景没有 [population]，无法计算覆盖比例",
               "请添加 [population] 表（见 docs/scenario.md）"},
    ZhTemplate{"population.negative_values", "人口（或权重）栅格中有负值像元",
               "负值通常是无数据标记：请声明栅格的无数据值（gdal_edit.py -a_nodata 值 文件），或在无人处设为 0"},
    ZhTemplate{"population.no_geometry", "人口要素没有几何", "请为该要素提供多边形，或删除该要素"},
    ZhTemplate{"population.not_polygon", "人口要素不是多边形", "每个区域请提供一个多边形（或多部件多边形）"},
    ZhTemplate{"population.outside_study_area", "数据源中部分人口位于研究区之外，不计入人口分布",
               "数据源大于研究区时属正常；否则请检查其坐标系和研究区的区划级别"},
    ZhTemplate{"population.polygon_without_cells", "部分多边形小于一个网格，不含网格中心，其人口计入其内部点所在的网格",
               "多边形小于网格时属正常；减小网格尺寸（analysis.cell_size_m）可细化"},
    ZhTemplate{"population.polygons_overlap", "部分网格中心位于多个多边形内，取其份额之和",
               "仅在多边形有意重叠时属正常；否则请检查重复要素"},
    ZhTemplate{"population.polygons_repaired", "无效的人口多边形已用 GEOS MakeValid 修复",
               "如其人口数重要，请在 GIS 中检查这些多边形"},
    ZhTemplate{"population.settlement_no_coordinates", "部分居民点没有坐标，未计入居民点分布",
               "请补充坐标，或删除这些行"},
    ZhTemplate{"population.settlement_outside_zone", "居民点位于其代码所指的区划之外（仍对附近网格加权）",
               "请检查该点的坐标、代码和坐标系"},
    ZhTemplate{"population.settlement_weight_invalid", "居民点权重{value}为空、不是数字或为负数",
               "请将权重写为大于等于 0 的数字"},
    ZhTemplate{"population.unknown_code", "部分行的区划代码不对应该级别的任何区划，其人口未分配",
               "请检查人口表与区划图层是否使用相同的代码（及同一年份的边界）"},
    ZhTemplate{"population.unplaced_pixels", "部分栅格像元无法转换到分析坐标系，已略去", "请检查栅格的坐标系"},
    ZhTemplate{"population.weights_zero", "部分区划或多边形在权重栅格中权重为零，其人口已均匀分配",
               "请检查权重栅格是否覆盖每个区划"},
    ZhTemplate{"population.zone_without_cells", "部分区划小于一个网格，不含网格中心，其人口计入其内部点所在的网格",
               "减小网格尺寸（analysis.cell_size_m）可细化小区划"},
    ZhTemplate{"population.zone_without_settlements", "区划内没有居民点，其人口按权重栅格（否则均匀）分配",
               "请补充该区划的居民点（村驻地），或检查其坐标"},
    ZhTemplate{"population.zone_without_total", "该级别部分区划没有人口行，人口为零", "请为每个区划添加一行，或检查代码"},
    ZhTemplate{"raster.class_mode_slowed", "较快出行方式的地类按出行者自身速度通行",
               "如属有意则无需处理；否则请为该地类设置使用者的出行方式"},
    ZhTemplate{"raster.friction_invalid", "摩擦面中负值或无定义的网格按不可通行处理", "请检查速度表和土地覆盖"},
    ZhTemplate{"raster.land_cover_class_unknown", "土地覆盖中有地类{value}没有速度",
               "请将该地类加入速度表（速度 0 表示不可通行）"},
    ZhTemplate{"raster.no_land_cover", "道路以外部分网格没有土地覆盖，默认不可通行",
               "请将土地覆盖扩展到研究区，或设置 [raster] no_land_cover = \"default_speed\""},
    ZhTemplate{"raster.source_beyond_limit", "起始时间为负或超出搜索上限的机构已略去", ""},
    ZhTemplate{"raster.source_impassable", "位于不可通行网格的机构只能到达其自身网格",
               "请对照土地覆盖和障碍检查机构位置"},
    ZhTemplate{"raster.source_outside_grid", "网格之外的机构已略去", ""},
    ZhTemplate{"raster.unknown_class", "地类{value}不在 [[raster.classes]] 中，其网格不可通行",
               "请将该地类加入 [[raster.classes]]（speed_kmh = 0 表示不可通行并消除此警告）"},
    ZhTemplate{"raster.window_too_large", "栅格在研究区内的窗口过大（超过 40 亿像元或超出可用内存）",
               "请将栅格重采样到接近分析网格尺寸（gdalwarp -tr 100 100），或裁剪到研究区"},
    ZhTemplate{"referral.empty_group", "转诊分析的起点组或目标组未选中任何机构，其表为空",
               "请对照机构的类别和标签检查分组"},
    ZhTemplate{"resources.memory", "运行所需内存超过可用内存",
               "请增大 analysis.cell_size_m，或缩小研究区（analysis.study_area_level 或筛选区划）；见 docs/performance.md"},
    ZhTemplate{"roads.bad_oneway", "无法识别的单行道取值{value}，按双向处理",
               "请使用 1（沿线方向单行）、-1（逆向）或 0（双向）"},
    ZhTemplate{"roads.bad_speed", "道路速度{value}不是 0 以上、200 以下的 km/h 数值，按道路等级速度计算",
               "请将速度写为 km/h 数值（如 40），或留空"},
    ZhTemplate{"roads.islands_dropped", "与主路网不连通的路段已从该出行方式中略去",
               "请检查道路数据是否有断口；模拟或裁剪的路网常有小孤岛"},
    ZhTemplate{"roads.not_a_line", "没有线几何的道路要素已略去", "请为每条道路提供 LineString 或 MultiLineString 几何"},
    ZhTemplate{"roads.osm_crs_ignored", "为 OpenStreetMap 文件声明的非 WGS 84 坐标系被忽略", "请从 roads 中删除 crs"},
    ZhTemplate{"roads.osm_missing_nodes", "OpenStreetMap 提取文件中有节点缺少位置，道路在缺口处断开",
               "请用 osmium extract --strategy complete_ways 并在研究区周围留出余量来提取"},
    ZhTemplate{"roads.transform_failed", "部分道路顶点无法转换到分析坐标系，道路在该处断开",
               "请检查道路的坐标系（在 roads 中声明 crs = \"…\"）"},
    ZhTemplate{"roads.unknown_class", "无法识别的道路等级{value}，按 other 处理",
               "请在情景中映射：[roads.class_map] \"田间便道\" = \"tertiary\""},
    ZhTemplate{"site.candidate_outside", "部分候选点位于研究区之外，已略去", "请检查这些点"},
    ZhTemplate{"site.no_solver", "此版本未包含 COIN-OR CBC 求解器，给出贪心结果及其与拉格朗日界的差距",
               "请在安装 coinor-libcbc-dev 后编译 carereach"},
    ZhTemplate{"site.solver_fallback", "求解器在证明最优前达到时间上限，给出较优结果及与界的差距",
               "差距随结果给出；调大 --time-limit 可求得已证明的最优解"},
    ZhTemplate{"site.target_not_reached", "即使使用全部候选点也无法达到 --target-share",
               "请增加候选点（另一种 --candidates），或降低 --target-share"},
    ZhTemplate{"standard.no_facilities", "服务标准的筛选条件未匹配任何机构，无人被覆盖",
               "请对照机构的类别和标签检查该标准的 types、tags 和 min_level"},
    ZhTemplate{"standard.not_computed", "该服务标准的出行时间无法计算，各输出标为“未计算”",
               "请添加 [roads]、含该出行方式地类的土地覆盖，或为该标准设置 engine = \"estimate\""},
    ZhTemplate{"standard.zone_class_unknown", "部分区划没有城乡分类，其人口按农村半径计算",
               "请为最低一级 [[zones]] 添加 class_field（及 urban_values）"},
    ZhTemplate{"targets.bad_value", "目标值{value}不是数字或不适用（比例应在 0–1 之间，数量应为非负整数）",
               "请将目标写为数字（比例如 0.9 表示 90 %，数量为整数），或留空以使用情景统一目标"},
    ZhTemplate{"targets.duplicate_zone", "同一区划的目标重复给出", "每个区划的目标只给出一次"},
    ZhTemplate{"targets.unknown_column", "目标表中的列{value}不对应任何服务标准或指标，未读取",
               "请以其所对应的编号命名该列，或在 columns 中映射"},
    ZhTemplate{"targets.unknown_zone", "部分按区划目标的代码不对应该级别的任何区划，未使用",
               "请对照区划代码检查（无单独目标的区划使用情景统一目标）"},
    ZhTemplate{"text.control_character", "文本含有控制字符", "请从该值中删除控制字符"},
    ZhTemplate{"text.not_utf8", "文本解码后不是 UTF-8", "请以 UTF-8 保存数据源（Shapefile 请附 .cpg 文件注明编码）"},
    ZhTemplate{"text.too_long", "文本超过 4,000 个字符", "请将该值缩短到 4,000 个字符以内"},
    ZhTemplate{"tile.align_to", "上级情景的格网对齐到栅格，分片不支持", "请不分片计算，或取消 align_to"},
    ZhTemplate{"tile.box_off_grid", "分片范围不在上级格网的单元边线上", "请用 carereach tile --by grid 生成分片"},
    ZhTemplate{"tile.crs", "分片坐标系不是上级情景的分析坐标系", "请用 carereach tile 按上级情景重新生成分片"},
    ZhTemplate{"tile.duplicate_id", "两个区划得出相同的分片编号", "请使区划代码互不相同"},
    ZhTemplate{"tile.missing_parent", "分片所指的上级情景不存在", "请给出相对于分片文件的上级情景路径"},
    ZhTemplate{"tile.nested", "上级情景本身是分片", "请指向生成分片所用的原始情景"},
    ZhTemplate{"tile.not_tileable", "该分析不能逐片精确计算", "请不分片计算，或按 docs/method/tiles.md 修改该项（去掉，或给出所需的设定值，如 bandwidth_m）"},
    ZhTemplate{"tile.outside", "分片的本区及缓冲区在研究区之外", "请用 carereach tile 重新生成分片"},
    ZhTemplate{"tile.partial_zones", "部分区划被分片切分，只计本分片的格网", "合并各分片时按 tile.json 的精确值相加"},
    ZhTemplate{"tile.speed_unknown", "读入数据前无法确定最快速度，无法确定缓冲区宽度", "请在情景中给出速度，或不分片计算"},
    ZhTemplate{"tile.unknown_code", "分片的区划代码不在上级情景中", "请用 carereach tile 按上级情景重新生成分片"},
    ZhTemplate{"tile.unknown_level", "分片的区划级别不是上级情景的面状区划级别", "请改用上级情景中的区划级别"},
    ZhTemplate{"zone_totals.bad_number", "区划合计值{value}不是大于等于 0 的数字",
               "请将合计值写为普通数字（如 床位数 35300），或留空"},
    ZhTemplate{"zone_totals.duplicate_code", "区划代码{value}在区划合计表中重复", "每个区划只保留一行"},
    ZhTemplate{"zone_totals.missing_zone", "该级别部分区划没有合计行，其资源按机构、人口按网格计算",
               "请为该级别的每个区划添加一行"},
    ZhTemplate{"zone_totals.unknown_code", "部分合计行的区划代码不对应该级别的任何区划，未使用",
               "请检查该表与区划图层是否使用相同的代码"},
    ZhTemplate{"zone.bad_geometry", "区划几何无法读取", "请在 GIS 中修复该区划的边界"},
    ZhTemplate{"zone.duplicate_code", "区划代码{value}在同一级别中重复", "同一级别内区划代码必须唯一：请合并或重新编码"},
    ZhTemplate{"zone.empty_code", "区划代码为空", "每个区划都需要代码（如 6 位行政区划代码）"},
    ZhTemplate{"zone.empty_polygon", "区划多边形面积为零（修复后亦然）", "请修复或删除该区划"},
    ZhTemplate{"zone.no_geometry", "区划要素没有几何", "请为该区划提供多边形，或删除该区划"},
    ZhTemplate{"zone.not_polygon", "区划要素不是多边形", "请提供该区划的多边形"},
    ZhTemplate{"zone.repaired", "无效的区划多边形已用 GEOS MakeValid 修复", "请在 GIS 中检查该区划的边界"},
    ZhTemplate{"zone.transform_failed", "区划多边形或驻地无法转换到分析坐标系", "请检查区划所声明的坐标系"},
    ZhTemplate{"zone.unknown_parent", "部分区划的上级代码不对应 parent_level 的任何区划",
               "请检查上级代码，或用 filter_field 将该级别筛选到研究区"},
    ZhTemplate{"zones.parent_without_seat", "上级区划（或研究区）内没有该级别的驻地，其网格不归属该级别的任何区划",
               "请补充缺失的驻地"},
    ZhTemplate{"zones.seat_duplicate", "同一区划有第二个驻地", "每个区划只给一个驻地"},
    ZhTemplate{"zones.seat_unknown_code", "部分驻地的代码不对应该级别的任何区划，已略去", "请对照区划代码检查驻地代码"},
    ZhTemplate{"zones.seat_without_parent", "驻地的上级代码不对应上级区划，不分配网格", "请检查该驻地的上级代码"},
};

std::string replace(std::string s, std::string_view from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const ZhTemplate* zh_template(std::string_view code) {
  for (const ZhTemplate& t : kCatalogue)
    if (t.code == code) return &t;
  return nullptr;
}

std::vector<std::string_view> zh_template_codes() {
  std::vector<std::string_view> out;
  for (const ZhTemplate& t : kCatalogue) out.push_back(t.code);
  return out;
}

std::string quoted_value(const std::string& message) {
  const std::size_t open = message.find('\'');
  if (open == std::string::npos) return {};
  for (std::size_t close = message.find('\'', open + 1); close != std::string::npos;
       close = message.find('\'', close + 1)) {
    const char next = close + 1 < message.size() ? message[close + 1] : ' ';
    const bool ends = next == ' ' || next == ',' || next == ';' || next == ':' || next == ')' || next == '.';
    if (ends && close > open + 1) return message.substr(open + 1, close - open - 1);
  }
  return {};
}

std::string describe_location_zh(const Location& where) {
  std::string out;
  auto add = [&out](const std::string& part) {
    if (part.empty()) return;
    if (!out.empty()) out += "，";
    out += part;
  };
  if (!where.file.empty()) add("文件 " + where.file);
  if (where.line > 0) add("第 " + std::to_string(where.line) + " 行");
  if (!where.layer.empty()) add("图层「" + where.layer + "」");
  if (!where.feature.empty()) {
    const std::string& f = where.feature;
    if (f.rfind("row ", 0) == 0 && all_digits(std::string_view(f).substr(4))) add("第 " + f.substr(4) + " 行");
    else if (f.rfind("feature ", 0) == 0) add("要素 " + f.substr(8));
    else add("要素 " + f);
  }
  if (!where.field.empty()) add("字段「" + where.field + "」");
  return out;
}

LocalisedMessage localise(std::string_view code, const std::string& message, const Location& where,
                          const std::string& hint, MessageLang lang) {
  LocalisedMessage m;
  if (lang == MessageLang::kEn) {
    const std::string at = where.describe();
    m.message = message;
    m.headline = at.empty() ? message : at + ": " + message;
    m.hint = hint;
    return m;
  }
  const ZhTemplate* t = code.empty() ? nullptr : zh_template(code);
  const std::string hint_zh = translate_phrase(hint).value_or(hint);
  if (t != nullptr && code == "input.not_loaded") {
    // It records an error without a code of its own: its message says what went wrong.
    m.message = std::string(t->headline) + "：" + translate_phrase(message).value_or(message);
    m.hint = hint_zh;
    m.translated = true;
  } else if (t != nullptr) {
    const std::string value = quoted_value(message);
    m.message = replace(std::string(t->headline), "{value}", value.empty() ? std::string() : "「" + value + "」");
    m.hint = t->hint.empty() ? hint_zh : std::string(t->hint);
    m.translated = true;
  } else if (std::optional<std::string> zh = translate_phrase(message)) {
    m.message = std::move(*zh);
    m.hint = hint_zh;
    m.translated = true;
  } else {
    m.message = message;
    m.hint = hint_zh;
  }
  const std::string at = describe_location_zh(where);
  m.headline = at.empty() ? m.message : at + "：" + m.message;
  return m;
}

}  // namespace carereach
