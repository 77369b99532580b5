#include "report/problem_text.hpp"

#include <algorithm>
#include <array>

namespace carereach::report {

namespace {

// One entry per problem code of src/ (tests/report/test_problem_text.cpp checks both ways), sorted by code. A code
// that is an error may also be a warning (facility rows with on_invalid = "skip" are left out with a warning), so
// the sentences of such codes say that the row was not read.
constexpr std::array kTexts = {
    ProblemText{"access_model.not_computed", "转诊、可及性或就诊流向分析未计算",
                "所依据服务标准的出行时间无法计算（如路网法缺少道路数据），相应附表标注“未计算”；请补充道路数据，或改用其他计算方法的服务标准。"},
    ProblemText{"accessibility.supply_missing", "部分机构缺少供给指标",
                "可及性指数所用的供给字段（如床位数）在部分机构中缺失，按 0 计；请在机构名录中补齐该字段，或改用其他供给指标。"},
    ProblemText{"analysis.align_to_partial", "对齐栅格未覆盖研究区域",
                "分析格网所对齐的栅格未覆盖整个研究区域，栅格以外的人口和机构不计入出行时间；请对齐覆盖研究区域的栅格。"},
    ProblemText{"capacity.no_facility", "服务能力分析未选中机构",
                "服务能力分析没有选中任何机构，全部人口均留在剩余人口中；请检查所依据服务标准的机构选择或该分析的机构类别。"},
    ProblemText{"capacity.not_joined", "机构未接入路网，不计服务",
                "部分机构未接入路网或位于分析范围之外，在服务能力分析中不服务任何人口；请检查其位置。"},
    ProblemText{"cells.no_road_access", "格网距道路过远",
                "部分有人口的格网距可用道路超过接入距离上限，只能直线步行到达该距离内的机构；请补充缺失的道路，或提高 "
                "travel.max_access_distance_m。"},
    ProblemText{"changes.already_closed", "情景调整：机构已关闭",
                "情景调整要关闭的机构在数据中已是关闭状态，该项调整未起作用。"},
    ProblemText{"coordinate.empty", "坐标为空", "坐标为空，该行未能读入；请填写坐标或删除该行。"},
    ProblemText{"coordinate.empty_copied", "无坐标的记录原样复制", "部分行（要素）没有坐标，已原样复制到输出。"},
    ProblemText{"coordinate.not_a_number", "坐标不是数字",
                "坐标不是有限的十进制数字，该行（要素）未能读入；请用十进制度数（如 115.7826）填写坐标。"},
    ProblemText{"coordinate.not_convertible", "坐标无法转换",
                "坐标无法转换到分析坐标系或输出坐标系，该行（要素）未能读入；请检查坐标及其声明的坐标系。"},
    ProblemText{"coordinate.out_of_range", "坐标超出范围",
                "坐标超出其坐标系的有效范围，该行（要素）未能读入；请检查坐标及其声明的坐标系。"},
    ProblemText{"coordinate.transform_failed", "坐标转换失败",
                "坐标无法转换到目标坐标系；请检查坐标及其声明的坐标系。"},
    ProblemText{
        "crs.offset_suspected", "坐标系疑似声明有误（火星坐标/百度坐标偏移）",
        "该数据的坐标看起来属于另一坐标系（如高德、腾讯地图的 GCJ-02 火星坐标或百度的 BD-09 坐标），与声明的坐标系"
        "不符，位置可能偏移数百米；请核对数据来源，并在情景文件中为该数据声明正确的坐标系。"},
    ProblemText{
        "export.long_wkt", "WKT 文本过长",
        "部分要素的几何写成 WKT 文本超过 32,767 个字符，Excel 和 WPS 会截断此类单元格（QGIS 与 GDAL 可完整读取）。"},
    ProblemText{"export.no_crs", "图层没有坐标系",
                "图层没有坐标系，输出时不带坐标系；请在打开输出的 GIS 软件中声明坐标系。"},
    ProblemText{"export.text_cut", "文本被截断",
                "部分文本超过 254 字节（约 84 个汉字），Shapefile 的文本字段容纳不下，已截断。"},
    ProblemText{"export.transform_failed", "几何转换失败",
                "几何无法转换到输出坐标系；请检查该图层是否位于输出坐标系的定义范围内。"},
    ProblemText{"facilities.missing", "缺少机构数据",
                "情景文件未给出医疗卫生机构数据（[[facilities]]），无法计算覆盖情况；请至少添加一个机构数据来源。"},
    ProblemText{"facility.bad_number", "机构数量值无效",
                "机构的床位、人员等数量不是非负数字，该值留空（或该行未能读入）；请填写数字或留空。"},
    ProblemText{"facility.duplicate_id", "机构代码重复",
                "机构代码重复，该行未能读入；机构代码须唯一，多个来源代码相同时请为其中一个设置 id_prefix。"},
    ProblemText{"facility.empty_id", "机构代码为空", "机构没有代码，该行未能读入；请为每个机构填写唯一代码。"},
    ProblemText{"facility.empty_type", "机构类别为空",
                "机构没有类别，该行未能读入；请填写类别，或为该来源设置 default_type。"},
    ProblemText{"facility.far_from_road", "机构距道路过远",
                "机构距最近的可用道路（或路网节点）较远，到道路的一段按步行计入或视为零；请核对机构坐标，或补充道路。"},
    ProblemText{"facility.not_joined", "机构未接入道路网络",
                "机构无法接入该出行方式的道路网络，只有步行可及范围内的格网能到达它；请核对机构坐标，或补充道路。"},
    ProblemText{"facility.on_barrier", "机构位于障碍或不可通行格网",
                "机构所在格网为障碍或不可通行（水体、速度为零的类别或无土地覆盖），栅格法不以其为起点，该机构不覆盖任何人；"
                "请核对机构坐标、障碍和土地覆盖图层。"},
    ProblemText{"facility.outside_grid", "机构在格网范围外",
                "机构位于分析格网以外，栅格法无法以其为起点，已不计入（格网覆盖研究区域的范围）。"},
    ProblemText{"facility.outside_study_area", "机构位于研究区域外",
                "机构位于研究区域以外，仍予保留（区内居民可能前往）；距边界很远时请核对其坐标及声明的坐标系。"},
    ProblemText{"facility.transform_failed", "机构坐标转换失败",
                "机构坐标无法转换到分析坐标系，该行未能读入；请检查该数据来源声明的坐标系。"},
    ProblemText{"facility.unknown_level", "机构等级无法识别",
                "机构等级无法识别，按未定级处理；请使用三级甲等、二级、一级、未定级等写法。"},
    ProblemText{"facility.unknown_status", "机构状态无法识别",
                "机构状态无法识别，按在用处理；请使用在用、停业（关闭）或规划（拟建）。"},
    ProblemText{"facility.unknown_tag", "机构标签无法识别",
                "机构标签无法识别，已忽略；可在情景文件的 [[taxonomy.tags]] 中添加该标签或其别名。"},
    ProblemText{"facility.unknown_type", "机构类别无法识别",
                "机构类别无法识别，该行未能读入；请使用机构分类中的类别名称，或在 [[taxonomy.types]] 中添加别名。"},
    ProblemText{"geometry.missing", "要素没有几何", "要素没有几何，未能读入；请为每个要素提供点位，或删除该要素。"},
    ProblemText{"geometry.not_point", "要素不是点", "要素不是点，未能读入；机构和驻地须为点要素。"},
    ProblemText{"huff.attractiveness_missing", "部分机构缺少吸引力指标",
                "就诊流向模型所用的吸引力字段（如床位数）在部分机构中缺失，模型中无人选择这些机构；请补齐该字段，或改用医院等级作为吸引力。"},
    ProblemText{"huff.beta_at_bound", "衰减参数校准到搜索范围端点",
                "按实际县域就诊率校准的距离衰减参数落在搜索范围的端点，范围内无法拟合实际值；请放宽 [huff] 的参数范围，或核对实际就诊率。"},
    ProblemText{"huff.not_calibrated", "衰减参数未校准",
                "给出实际就诊率的区划均无可达机构的居民，距离衰减参数未校准，仍用给定值；请核对实际就诊率的区划代码。"},
    ProblemText{"indicator.zone_without_seat", "区划缺少驻地，指标未评估",
                "规划指标按驻地距离计数，但部分区划没有驻地，这些区划未评估；请在 [zones.seats] 中为每个区划提供驻地（政府驻地）。"},
    ProblemText{"input.encoding_detected", "文本按 GBK 编码读取",
                "文件不是 UTF-8 编码，已按 GB18030（GBK）读取；请在情景文件中声明该编码，或将文件另存为 UTF-8。"},
    ProblemText{"input.encoding_mixed", "文本编码混用",
                "表格中部分行为 UTF-8 编码、部分行为 GB18030（GBK）编码，已逐行按各自的编码读取；请统一另存为 UTF-8。"},
    ProblemText{"input.network", "输入位于网络上",
                "输入位于网络上，未经允许不访问网络；请将文件复制到本机，并在情景文件中指向副本。"},
    ProblemText{"input.not_a_file", "输入不是数据文件",
                "输入不是数据文件（设备、管道、标准输入或系统文件）；请将数据保存为文件后再指定。"},
    ProblemText{"input.not_loaded", "输入未能读入", "该输入未能读入；请按位置所指修正文件、图层或字段。"},
    ProblemText{"merge.mismatch", "分片与计划不一致",
                "某个分片的版本、设置或上级情景与分片计划不同，不能合并；请按当前计划重新运行该分片。"},
    ProblemText{"merge.missing_tiles", "分片尚未运行",
                "部分分片没有结果（tile.json），不能合并；请运行所列分片后再合并。"},
    ProblemText{"population.bad_geometry", "人口面几何无法读取",
                "人口面的几何无法读取，未能读入；请在 GIS 软件中修复该多边形，或删除该要素。"},
    ProblemText{"population.code_empty", "人口数据区划代码为空",
                "人口数据的区划代码为空，该行未能读入；请填写代码或删除该行。"},
    ProblemText{"population.count_empty", "人口数为空", "人口数为空，该行未能读入；请填写人口数。"},
    ProblemText{"population.count_negative", "人口数为负值", "人口数为负值，该行未能读入；请更正。"},
    ProblemText{"population.count_not_a_number", "人口数不是数字", "人口数不是数字，该行未能读入；请填写数字。"},
    ProblemText{"population.duplicate_code", "人口数据区划代码重复",
                "同一区划代码出现多行，重复的行未能读入；每个区划只保留一行（或先合并）。"},
    ProblemText{"population.empty", "研究区域内没有人口",
                "人口数据中没有任何人口位于研究区域内；请核对人口数据的范围和坐标系。"},
    ProblemText{"population.empty_polygon", "人口面面积为零",
                "人口面没有面积，未能读入；请在 GIS 软件中修复或删除该要素。"},
    ProblemText{"population.finer_seat_outside_parent", "乡镇驻地不在所属区县内",
                "乡镇驻地位于其上级代码所指区县之外，其人口仍在该区县内分配；请核对驻地坐标与上级代码。"},
    ProblemText{"population.finer_totals_differ", "乡镇人口合计与区县总数不符，已按比例校准",
                "区县内各乡镇人口合计与该区县人口总数不一致，已按比例缩放到区县总数；请核对两份表格是否同一次普查、区划代码是否一致。"},
    ProblemText{"population.finer_totals_unused", "乡镇人口总数未使用",
                "该区县的乡镇人口总数无法使用（有乡镇缺少数据、区县无总数、合计为零或驻地无法覆盖区县格网），该区县按区县总数分配；请为区县内每个乡镇填写人口。"},
    ProblemText{"population.finer_zone_without_parent", "乡镇不属于任何区县",
                "有人口总数的乡镇不属于任何区县，其人口未被使用（以区县表为准）；请为乡镇层级设置 parent_field 或核对代码。"},
    ProblemText{"population.missing", "缺少人口数据",
                "情景文件未给出人口数据（[population]），无法计算覆盖率；请添加人口数据。"},
    ProblemText{"population.negative_values", "人口为负值",
                "人口栅格中有负值像元（多为未声明的无数据值）；请为栅格声明无数据值。"},
    ProblemText{"population.no_geometry", "人口面缺少几何", "该要素没有多边形，未能读入；请补上多边形，或删除该要素。"},
    ProblemText{"population.not_polygon", "人口要素不是面",
                "该要素不是多边形，未能读入；每个统计区须为一个多边形（或多部件多边形）。"},
    ProblemText{"population.outside_study_area", "人口位于研究区域外", "部分人口位于研究区域以外，不计入人口分布。"},
    ProblemText{"population.polygon_without_cells", "人口面未覆盖任何格网",
                "部分人口面内没有格网中心，其人口放入面内一点所在的格网。"},
    ProblemText{
        "population.polygons_overlap", "人口面相互重叠",
        "部分格网中心同时落在多个人口面内，各面的人口分别分配，这些格网的人口为各面份额之和；请检查人口面是否重叠。"},
    ProblemText{"population.polygons_repaired", "人口面几何已修复",
                "部分无效的人口面（自相交、环有误）在分配人口前已修复；如这些面的人口重要，请在 GIS 软件中核查。"},
    ProblemText{"population.settlement_no_coordinates", "居民点缺少坐标",
                "部分居民点没有坐标，未参与人口分配权重；请补充坐标或删除这些行。"},
    ProblemText{"population.settlement_outside_zone", "居民点不在所属区域内",
                "居民点位于其代码所指区域之外，仍按其位置参与附近格网的加权；请核对坐标、代码及坐标系。"},
    ProblemText{"population.settlement_weight_invalid", "居民点权重无效",
                "居民点权重为空、不是数字或为负数；请填写不小于 0 的数字。"},
    ProblemText{"population.unknown_code", "人口数据区划代码无法匹配",
                "部分行的区划代码与任何区划都不匹配，其人口未能分配；请核对代码。"},
    ProblemText{"population.unplaced_pixels", "部分人口栅格未能落入格网",
                "部分人口栅格像元无法从其坐标系转换到分析坐标系，已不计入；请检查栅格的坐标系。"},
    ProblemText{"population.weights_zero", "人口分配权重为零",
                "部分区划（统计区）在权重数据中没有权重，其人口在区划内均匀分布；请检查权重数据是否覆盖每个区划。"},
    ProblemText{"population.zone_without_cells", "区域未覆盖任何格网",
                "部分区划内没有格网中心，其人口放入区划内一点所在的格网。"},
    ProblemText{"population.zone_without_settlements", "区域内没有居民点，人口未按居民点分配",
                "该区域内没有居民点，其人口按权重栅格分配，无栅格时均匀分配；请补充该区域的村委会或驻地位置，或核对其坐标。"},
    ProblemText{"population.zone_without_total", "区域缺少人口总数",
                "部分区划在人口表中没有对应的行，人口记为零；请为每个区划补一行，或核对代码。"},
    ProblemText{"raster.class_mode_slowed", "土地覆盖类别按出行方式自身速度通行",
                "某土地覆盖类别属于更快的出行方式（如机动车），该标准的出行者按自身速度通过这些格网；如非所愿，请调整该类别的出行方式。"},
    ProblemText{"raster.friction_invalid", "摩擦面取值无效", "部分格网的摩擦值为负或未定义，按不可通行处理。"},
    ProblemText{"raster.land_cover_class_unknown", "土地覆盖类别不在速度表中",
                "部分土地覆盖类别不在速度表中，相应格网不可通行；请在速度表中补充这些类别。"},
    ProblemText{"raster.no_land_cover", "格网无土地覆盖",
                "道路以外的部分格网没有土地覆盖数据（超出土地覆盖栅格范围或为无数据值），默认不可通行（与 AccessMod 相同），或按 no_land_cover = \"default_speed\" 以默认步行速度通过；请扩展土地覆盖数据覆盖研究区域。"},
    ProblemText{"raster.source_beyond_limit", "机构起始时间超出上限",
                "部分机构的起始时间为负或超出计算上限，已不计入。"},
    ProblemText{"raster.source_impassable", "机构所在格网不可通行",
                "部分机构所在的格网不可通行（障碍、水体或速度为零的类别），这些机构只能到达其所在格网；请核对机构位置或"
                "土地覆盖。"},
    ProblemText{"raster.source_outside_grid", "机构在格网范围外", "部分机构位于格网以外，已不计入。"},
    ProblemText{"raster.unknown_class", "土地覆盖类别无法识别",
                "土地覆盖栅格中有速度表未列出的类别，这些格网不可通行；请在速度表中补充。"},
    ProblemText{"raster.window_too_large", "栅格范围过大",
                "栅格在研究区域内的范围过大，拒绝读取；请先重采样或裁剪后再使用。"},
    ProblemText{"referral.empty_group", "转诊分析的机构组为空",
                "转诊分析的起点组或目标组没有匹配的机构，转诊表为空或全部未到达；请对照机构类别和标签检查两组的设置。"},
    ProblemText{"resources.memory", "内存不足",
                "按当前设置计算所需的内存超过可用内存；请增大格网尺寸（analysis.cell_size_m）或缩小研究区域。"},
    ProblemText{"roads.bad_oneway", "道路单行属性无法识别",
                "部分道路的单行属性无法识别，按双向通行处理；请使用 1（顺线单行）、-1（逆线单行）或 0（双向）。"},
    ProblemText{"roads.bad_speed", "道路速度无法识别",
                "部分道路的速度不是 0–200 千米/小时之间的数字，改用该等级道路的速度。"},
    ProblemText{"roads.islands_dropped", "孤立路段已剔除", "部分与主路网不连通的路段已剔除。"},
    ProblemText{"roads.not_a_line", "道路要素不是线", "部分道路要素没有线几何，已剔除；请为每条道路提供线几何。"},
    ProblemText{
        "roads.osm_crs_ignored", "OSM 道路坐标系设置被忽略",
        "情景文件为 OpenStreetMap 文件声明了坐标系，但 OpenStreetMap 坐标总是 WGS 84，已按此读取；请删除该设置。"},
    ProblemText{"roads.osm_missing_nodes", "OSM 道路缺少节点",
                "OpenStreetMap "
                "文件中部分道路引用的节点没有位置（提取时未保留完整道路），这些道路在缺失处断开；请使用含完整道路的"
                "提取文件。"},
    ProblemText{"roads.transform_failed", "道路坐标转换失败",
                "部分道路节点无法转换到分析坐标系，道路在该处断开；请检查分析坐标系是否适合该区域。"},
    ProblemText{"roads.unknown_class", "道路等级无法识别",
                "部分道路等级无法识别，按“其他”等级处理；可在情景文件的道路等级对照（class_map）中补充。"},
    ProblemText{"site.candidate_outside", "选址：候选点在研究区外",
                "候选点图层中有部分点位于研究区以外，已剔除；请检查这些点的坐标。"},
    ProblemText{"site.no_solver", "选址：未包含精确求解器",
                "本程序构建时未包含精确求解器，结果为贪心算法的解，没有最优性上界。"},
    ProblemText{"site.solver_fallback", "选址：求解达到时限",
                "精确求解在时限内未能证明最优，结果取求解器的最好解与贪心解中较优者，并给出与上界的差距。"},
    ProblemText{"site.target_not_reached", "选址：目标覆盖率无法达到",
                "全部候选点建成后仍达不到目标覆盖率，结果列出所有能增加覆盖的候选点。"},
    ProblemText{"standard.no_facilities", "服务标准没有纳入机构",
                "服务标准没有选中任何机构，覆盖人口为零；请核对该标准的机构类别、标签和等级条件。"},
    ProblemText{"standard.not_computed", "服务标准未计算",
                "服务标准未能计算（如路网法缺少道路数据，或栅格法没有该出行方式的速度来源）；请补充道路数据、含该出行方式类别的土地覆盖数据，或为该标准改用直线距离估算（见 docs/method/estimate.md）。"},
    ProblemText{
        "standard.zone_class_unknown", "区域城乡类别未知",
        "部分人口所在的区划没有城乡类别，按农村半径计算；请在最低一级区划中设置 class_field（及 urban_values）。"},
    ProblemText{"targets.bad_value", "分区目标值无效",
                "分区目标值不是数字或超出范围（比例为 0–1，机构数为非负整数），该目标未采用；请改正，或留空以采用全域目标。"},
    ProblemText{"targets.duplicate_zone", "分区目标重复",
                "同一区划的同一指标给出了两个目标值，后一个未采用；每个区划每项指标只给一个目标。"},
    ProblemText{"targets.unknown_column", "分区目标表的列无法识别",
                "分区目标表中有列名形如指标代码，但不是本情景的服务标准、规划指标或资源配置指标，未读取；请按指标代码命名该列。"},
    ProblemText{"targets.unknown_zone", "分区目标的区划代码无法匹配",
                "部分分区目标的区划代码不属于该层级的任何区划，这些目标未采用；请核对区划代码。"},
    ProblemText{"text.control_character", "文本含控制字符",
                "文本中含有无法写入输出的控制字符，未能读入；请删除该字符。"},
    ProblemText{"text.not_utf8", "文本编码无法识别",
                "文本既不是有效的 UTF-8，也不是 GB18030（GBK），未能读入；请声明正确的编码，或另存为 UTF-8。"},
    ProblemText{"text.too_long", "文本过长", "文本超过 4,000 个字符，未能读入；请缩短。"},
    ProblemText{"tile.align_to", "分片不支持对齐栅格",
                "上级情景的分析格网对齐到栅格，分片计算不支持；请不分片计算，或取消对齐设置。"},
    ProblemText{"tile.box_off_grid", "分片范围不在格网边线上",
                "分片的矩形范围不在上级格网的单元边线上；请用分片命令重新生成分片。"},
    ProblemText{"tile.crs", "分片坐标系与上级情景不一致",
                "分片指定的坐标系不是上级情景计算所用的分析坐标系；请用分片命令按上级情景重新生成分片。"},
    ProblemText{"tile.duplicate_id", "分片编号重复",
                "两个区划的代码得出相同的分片编号；请使区划代码互不相同。"},
    ProblemText{"tile.missing_parent", "找不到上级情景",
                "分片所指的上级情景文件不存在；请给出相对于分片文件的上级情景路径。"},
    ProblemText{"tile.nested", "分片的上级情景本身是分片",
                "分片的上级情景本身也是分片；请指向生成分片所用的原始情景。"},
    ProblemText{"tile.not_tileable", "该分析不能分片计算",
                "情景中的某项分析或设定依赖整个研究区域，不能逐片精确计算，已拒绝；请不分片计算，或在分片的情景中去掉该项（或给出所需的设定值，如居民点核密度带宽 bandwidth_m）。"},
    ProblemText{"tile.outside", "分片在研究区域之外",
                "分片的本区及缓冲区都在上级情景的研究区域之外；请用分片命令重新生成分片。"},
    ProblemText{"tile.partial_zones", "区划被分片切分",
                "部分区划只有一部分在本分片内，其数字只计本分片的格网；合并各分片时按精确值相加。"},
    ProblemText{"tile.speed_unknown", "无法确定最快速度",
                "缓冲区宽度需要最快速度，而该速度在数据中，读入数据前无法确定；请在情景中给出速度，或不分片计算。"},
    ProblemText{"tile.unknown_code", "分片的区划代码不存在",
                "分片所列的区划代码不在上级情景的区划中；请用分片命令按上级情景重新生成分片。"},
    ProblemText{"tile.unknown_level", "分片的区划级别不存在",
                "分片所用的区划级别不是上级情景的面状区划级别；请改为上级情景中的区划级别。"},
    ProblemText{"zone.bad_geometry", "区划几何无法读取", "区划的几何无法读取，未能读入；请在 GIS 软件中修复。"},
    ProblemText{"zone.duplicate_code", "区划代码重复", "同一级区划中代码重复，未能读入；请合并或重新编码。"},
    ProblemText{"zone.empty_code", "区划代码为空", "区划没有代码，未能读入；请填写代码（如 6 位行政区划代码）。"},
    ProblemText{"zone.empty_polygon", "区划面积为零", "区划没有面积，未能读入；请修复或删除该区划。"},
    ProblemText{"zone.no_geometry", "区划缺少几何", "区划没有几何，未能读入；请补上多边形，或删除该区划。"},
    ProblemText{"zone.not_polygon", "区划不是面", "区划不是多边形，未能读入；请为每个区划提供多边形。"},
    ProblemText{"zone.repaired", "区划边界几何已修复", "区划的无效多边形已修复；请在 GIS 软件中核查其边界。"},
    ProblemText{"zone.transform_failed", "区划坐标转换失败",
                "区划（或驻地）无法转换到分析坐标系，未能读入；请检查声明的坐标系。"},
    ProblemText{"zone.unknown_parent", "区划上级代码无法匹配", "部分区划的上级代码不是上一级的区划；请核对上级代码。"},
    ProblemText{"zone_totals.bad_number", "分区资源总量不是有效数字",
                "分区资源总量（床位、医师等）不是非负数字，未采用；请填写数字，或留空。"},
    ProblemText{"zone_totals.duplicate_code", "分区资源总量的区划代码重复",
                "同一区划在分区资源总量表中出现两次，后一行未采用；每个区划只给一行。"},
    ProblemText{"zone_totals.missing_zone", "部分区划没有资源总量",
                "部分区划在分区资源总量表中没有数据，其资源数取自机构数据、人口取自格网；请为该层级的每个区划提供一行。"},
    ProblemText{"zone_totals.unknown_code", "分区资源总量的区划代码无法匹配",
                "分区资源总量表中部分行的区划代码不属于该层级的任何区划，未采用；请核对区划代码。"},
    ProblemText{"zones.parent_without_seat", "上级区域内没有驻地",
                "上级区划内没有下级驻地，其格网不属于任何下级区划，不计入下级区划的表格；请补充缺失的驻地。"},
    ProblemText{"zones.seat_duplicate", "区划驻地重复",
                "同一区划给出了两个驻地，后一个未采用；每个区划只给一个驻地。"},
    ProblemText{"zones.seat_unknown_code", "驻地的区划代码无法匹配",
                "部分驻地的区划代码不属于该层级的任何区划，未采用；请核对驻地的区划代码。"},
    ProblemText{"zones.seat_without_parent", "驻地不在任何上级区域内",
                "驻地的上级代码不是上一级的区划，不分配格网；请核对驻地的上级代码。"},
};

constexpr bool sorted_by_code() {
  for (std::size_t i = 1; i < kTexts.size(); ++i)
    if (!(kTexts[i - 1].code < kTexts[i].code)) return false;
  return true;
}
static_assert(sorted_by_code(), "keep kTexts sorted by code, each code once");

/// "row 12" → "第 12 行", "feature 3" → "要素 3", "the field's name" → "字段名"; anything else after 要素.
std::string feature_zh(const std::string& feature) {
  auto number_after = [&](std::string_view prefix) -> std::string {
    if (!feature.starts_with(prefix)) return {};
    const std::string rest = feature.substr(prefix.size());
    if (rest.empty() || rest.find_first_not_of("0123456789") != std::string::npos) return {};
    return rest;
  };
  if (const std::string n = number_after("row "); !n.empty()) return "第 " + n + " 行";
  if (const std::string n = number_after("feature "); !n.empty()) return "要素 " + n;
  if (feature == "the field's name") return "字段名";
  return "要素 " + feature;
}

}  // namespace

std::span<const ProblemText> problem_texts_zh() {
  return kTexts;
}

const ProblemText* problem_text_zh(std::string_view code) {
  const auto it = std::lower_bound(kTexts.begin(), kTexts.end(), code,
                                   [](const ProblemText& t, std::string_view c) { return t.code < c; });
  return it != kTexts.end() && it->code == code ? &*it : nullptr;
}

std::string location_zh(const Location& where) {
  std::string out;
  auto add = [&out](const std::string& part) {
    if (!out.empty()) out += "，";
    out += part;
  };
  if (!where.file.empty()) add("文件 " + where.file);
  if (where.line > 0) add("第 " + std::to_string(where.line) + " 行");
  if (!where.layer.empty()) add("图层 " + where.layer);
  if (!where.feature.empty()) add(feature_zh(where.feature));
  if (!where.field.empty()) add("字段 " + where.field);
  return out;
}

std::string describe_zh(const Problem& p) {
  const ProblemText* t = problem_text_zh(p.code.view());
  const std::string where = location_zh(p.where);
  if (t == nullptr) return "【" + p.code.str() + "】" + p.describe();
  std::string out = "【" + std::string(t->kind_zh) + "】" + std::string(t->sentence_zh);
  if (!where.empty()) out += "（位置：" + where + "）";
  return out;
}

}  // namespace carereach::report
