// The phrase catalogue: the Chinese wording of messages and hints that have no problem code of their own (the
// scenario reader's key errors, input files, CRS, output folders, command-line usage). See core/messages.hpp.

#include <algorithm>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/messages.hpp"

namespace carereach {

namespace {

// English pattern → Chinese. In a pattern, {} stands for a part that is a value (a quoted name, a number, a list of
// ids, a path) or a phrase of this catalogue, which is then worded in Chinese too; {*} stands for a library's own
// detail (GDAL's, PROJ's or the TOML parser's message), carried over as it is. In the Chinese text {1}, {2} … are
// the parts in order. The first pattern that matches wins: specific patterns come before general ones.
struct Phrase {
  std::string_view en;
  std::string_view zh;
};

constexpr Phrase kPhrases[] = {
    // --- the scenario file and its keys (io/toml_reader.cpp, io/scenario.cpp) ---
    // tile plans, their job scripts and merge (pipeline/tile_jobs.cpp, tile_plan.cpp, cli/cmd_tile.cpp, cmd_jobs.cpp)
    Phrase{"is missing", "缺失"},
    Phrase{"is not a string", "不是字符串"},
    Phrase{"is not a number", "不是数字"},
    Phrase{"is negative", "为负数"},
    Phrase{"is not a whole number", "不是整数"},
    Phrase{"is too large", "过大"},
    Phrase{"is empty", "为空"},
    Phrase{"holds a control character or a double quote", "含有控制字符或双引号"},
    Phrase{"tile paths are written into the job scripts: use letters, digits, spaces, '-', '_', '.' and '/'", "分片路径会写入作业脚本：请只使用字母、数字、空格、'-'、'_'、'.' 和 '/'"},
    Phrase{"is not a JSON object", "不是 JSON 对象"},
    Phrase{"write the plan again with `carereach tile` of this version, or use the carereach that wrote it", "请用本版本的 `carereach tile` 重新生成分片方案，或使用生成它的 carereach"},
    Phrase{"is not positive", "不是正数"},
    Phrase{"is not a list", "不是列表"},
    Phrase{"is empty: the plan has no tile", "为空：分片方案中没有分片"},
    Phrase{"is not an object", "不是对象"},
    Phrase{"is larger than cells (the tile's own cells are among them)", "大于 cells（分片自有的格网单元包含在其中）"},
    Phrase{"move it to a folder whose name has none", "请将其移到名称中不含这些字符的文件夹"},
    Phrase{"cannot be read: is this the folder of a tile plan?", "无法读取：这是分片方案的文件夹吗？"},
    Phrase{"give the folder written by `carereach tile SCENARIO --out PLAN`", "请给出由 `carereach tile SCENARIO --out PLAN` 写出的文件夹"},
    Phrase{"has no tile", "没有分片"},
    Phrase{"write the plan again with `carereach tile`", "请用 `carereach tile` 重新生成分片方案"},
    Phrase{"check the permissions of the plan folder", "请检查分片方案文件夹的权限"},
    Phrase{"--by grid needs --size-km N (the side of a tile, km)", "--by grid 需要 --size-km N（分片边长，单位为公里）"},
    Phrase{"--size-km is for --by grid", "--size-km 仅用于 --by grid"},
    Phrase{"leave it out, or use --by grid", "请去掉该选项，或改用 --by grid"},
    Phrase{"--level is for --by county or prefecture", "--level 仅用于 --by county 或 --by prefecture"},
    Phrase{"leave it out", "请去掉该选项"},
    Phrase{"give --carereach PATH", "请给出 --carereach PATH"},
    Phrase{"give the path of the carereach executable", "请给出 carereach 可执行文件的路径"},
    // [tile] (io/scenario.cpp)
    Phrase{"run the tile again with this carereach (carereach run TILE --out DIR --overwrite)",
           "请用当前版本的 carereach 重新运行该分片（carereach run TILE --out DIR --overwrite）"},
    Phrase{"tile.json has no field {}", "tile.json 没有字段{1}"},
    Phrase{"tile.json field {} is not a number", "tile.json 的字段{1}不是数字"},
    Phrase{"tile.json is not valid JSON", "tile.json 不是有效的 JSON"},
    Phrase{"run the tile again (carereach run TILE --out DIR --overwrite)",
           "请重新运行该分片（carereach run TILE --out DIR --overwrite）"},
    Phrase{"check that every tile's run folder is complete", "请检查各分片的运行目录是否完整"},
    Phrase{"the halo in metres (docs/method/tiles.md)", "光环带宽度，单位为米（见 docs/method/tiles.md）"},
    Phrase{"must be a number of metres above 0", "须为大于 0 的米数"},
    Phrase{"docs/method/tiles.md says how carereach tile finds it", "docs/method/tiles.md 说明了 carereach tile 如何确定它"},
    Phrase{"is for tiles by county or prefecture, not by grid", "用于按县或按地市分片，不用于按网格分片"},
    Phrase{"give box = [x0, y0, x1, y1] alone", "请只给出 box = [x0, y0, x1, y1]"},
    Phrase{"must be an array of four numbers [x0, y0, x1, y1] (metres, analysis CRS)",
           "须为四个数的数组 [x0, y0, x1, y1]（米，分析坐标系）"},
    Phrase{"must be an array of four numbers [x0, y0, x1, y1]", "须为四个数的数组 [x0, y0, x1, y1]"},
    Phrase{"must have x0 < x1 and y0 < y1", "须满足 x0 < x1 且 y0 < y1"},
    Phrase{"is for tiles by grid", "用于按网格分片"},
    Phrase{"give level and codes", "请给出 level 与 codes"},
    Phrase{"is required: the zone codes of the tile's own region", "为必填项：本分片自身区域的区划代码"},
    // [siting] capacities and closures (io/scenario.cpp, pipeline/site.cpp)
    Phrase{"must be a number of persons from 0 to 1e9 (what one site serves at most)",
           "须为 0 至 1e9 之间的人数（一处选址最多服务的人数）"},
    Phrase{"applies to capacity_field: give capacity_field too", "仅与 capacity_field 一起使用：请同时给出 capacity_field"},
    Phrase{"must be more than 0 and at most 1e6 (persons one unit serves)", "须大于 0 且不超过 1e6（每单位服务的人数）"},
    Phrase{"use existing:<facility types or tags> or ids:<facility ids, comma-separated> (docs/cli/site.md)",
           "请使用 existing:<机构类型或标签> 或 ids:<机构编号，以逗号分隔>（见 docs/cli/site.md）"},
    Phrase{"use a type or tag of docs/method/taxonomy.md, or ids:<facility ids>",
           "请使用 docs/method/taxonomy.md 中的类型或标签，或 ids:<机构编号>"},
    Phrase{"--persons-per-unit applies to --capacity-field: give --capacity-field too",
           "--persons-per-unit 仅与 --capacity-field 一起使用：请同时给出 --capacity-field"},
    Phrase{"persons one unit (bed, doctor …) serves", "每单位（床位、医师……）服务的人数"},
    Phrase{"unknown key", "未知的键（该表没有这个键）"},
    Phrase{"did you mean {}?", "是否应为{1}？"},
    Phrase{"docs/scenario.md lists the keys of every table", "docs/scenario.md 列出了每个表的键"},
    Phrase{"is required", "为必填项"},
    Phrase{"must be a finite number", "须为有限的数字"},
    Phrase{"must be a list of strings; an item is {}", "须为字符串列表，但其中一项是{1}"},
    Phrase{"must be a list of tables ({}); an item is {}", "须为表的列表（{1}），但其中一项是{2}"},
    Phrase{"must be a list of tables ({})", "表的列表（{1}）"},
    Phrase{"must be a list of numbers", "须为数字列表"},
    Phrase{"is not valid TOML: {*} (column {})", "不是有效的 TOML（第 {2} 列）。解析器的说明：{1}"},
    Phrase{"check the TOML syntax: key = value, strings in double quotes, [tables] and [[lists of tables]]",
           "请检查 TOML 语法：键 = 值，字符串加双引号，[表] 与 [[表的列表]]"},
    Phrase{"scenario file not found", "找不到情景文件"},
    Phrase{"docs/scenario.md shows a complete example", "docs/scenario.md 给出了完整的示例"},
    Phrase{"give the path of a scenario .toml file (docs/scenario.md)", "请给出情景 .toml 文件的路径（见 docs/scenario.md）"},
    Phrase{"give the path of a scenario .toml file", "请给出情景 .toml 文件的路径"},
    Phrase{"is a folder, not a scenario file", "是文件夹，不是情景文件"},
    Phrase{"changed while carereach was reading it: {*}", "读取过程中文件被修改：{1}"},
    Phrase{"run the command again", "请重新运行该命令"},
    Phrase{"the key {}", "键名{1}"},
    Phrase{"the text {}", "文本{1}"},
    Phrase{"rename the key", "请修改键名"},
    Phrase{"shorten the text", "请缩短该文本"},
    Phrase{"remove the control character (\\u00XX)", "请删除该控制字符（\\u00XX）"},
    Phrase{"no zone level {} in this scenario", "本情景中没有区划级别{1}"},
    Phrase{"no standard {} in this scenario", "本情景中没有服务标准{1}"},
    Phrase{"no standard {} to disable", "没有可停用的服务标准{1}"},
    Phrase{"no standard {} to be a variant of", "没有服务标准{1}可作为其变体的基准"},
    Phrase{"the scenario has no standard {}", "情景中没有服务标准{1}"},
    Phrase{"the scenario has no population: siting needs persons per cell", "情景中没有人口数据：选址需要每个网格的人口"},
    Phrase{"unknown facility type {}", "未知的机构类别{1}"},
    Phrase{"unknown tag {}", "未知的标签{1}"},
    Phrase{"unknown mode {}", "未知的出行方式{1}"},
    Phrase{"unknown engine {}", "未知的计算引擎{1}"},
    Phrase{"unknown encoding {}", "未知的编码{1}"},
    Phrase{"unknown basemap {}", "未知的底图{1}"},
    Phrase{"{} is not a level", "{1}不是机构等级"},
    Phrase{"{} is not a known tag", "{1}不是已知的标签"},
    Phrase{"{} is not a facility type", "{1}不是机构类别"},
    Phrase{"{} is not a facility attribute", "{1}不是机构属性"},
    Phrase{"{} is neither a facility type nor a tag", "{1}既不是机构类别，也不是标签"},
    Phrase{"{} maps to unknown type id {}", "{1}映射到未知的类别编号{2}"},
    Phrase{"{} is a distance standard: travel times need a time standard (threshold_min)",
           "{1}是距离标准：出行时间需要时间标准（threshold_min）"},
    Phrase{"{} is a distance standard: siting needs a time standard", "{1}是距离标准：选址需要时间标准"},
    Phrase{"{} is a distance standard, not a time standard", "{1}是距离标准，不是时间标准"},
    Phrase{"{} is not a standard, planning indicator or density indicator of this scenario",
           "{1}不是本情景的服务标准、规划指标或密度指标"},
    Phrase{"{} is itself a variant; variants are grouped under one base standard",
           "{1}本身是变体；变体归在同一个基准标准之下"},
    Phrase{"a standard cannot be a variant of itself", "服务标准不能是其自身的变体"},
    Phrase{"level {} is given twice", "级别{1}重复给出"},
    Phrase{"class {} is given twice", "地类 {1} 重复给出"},
    Phrase{"at least one zone level is required", "至少需要一个区划级别"},
    Phrase{"the study area must be a polygon level", "研究区须为多边形级别"},
    Phrase{"the first zone level is the study area and must be polygons", "第一个区划级别是研究区，须为多边形"},
    Phrase{"is required when parent_level is given", "给出 parent_level 时为必填项"},
    Phrase{"x_field and y_field must be given together", "x_field 与 y_field 须同时给出"},
    Phrase{"filter_field and filter_values go together", "filter_field 与 filter_values 须同时给出"},
    Phrase{"a new standard needs name_zh or name_en", "新的服务标准需要 name_zh 或 name_en"},
    Phrase{"a new standard needs threshold_min (minutes) or distance_m (metres)",
           "新的服务标准需要 threshold_min（分钟）或 distance_m（米）"},
    Phrase{"an indicator needs name_zh or name_en", "指标需要 name_zh 或 name_en"},
    Phrase{"a new type needs name_zh or name_en", "新的机构类别需要 name_zh 或 name_en"},
    Phrase{"give threshold_min or distance_m, not both", "threshold_min 与 distance_m 只能给出其一"},
    Phrase{"give at least one zone class", "请至少给出一个区划类别"},
    Phrase{"bands are numbered from 1", "波段从 1 开始编号"},
    Phrase{"must be more than 0 and at most {} minutes", "须大于 0 且不超过 {1} 分钟"},
    Phrase{"must be more than 0 and at most {} km/h", "须大于 0 且不超过 {1} km/h"},
    Phrase{"must be more than 0 and at most {} metres", "须大于 0 且不超过 {1} 米"},
    Phrase{"must be more than 0 and at most {}", "须大于 0 且不超过 {1}"},
    Phrase{"distances must be more than 0 and at most {} km", "距离须大于 0 且不超过 {1} km"},
    Phrase{"must be between {} and {} metres", "须在 {1} 到 {2} 米之间"},
    Phrase{"must be between {} and {} km/h", "须在 {1} 到 {2} km/h 之间"},
    Phrase{"must be between {} and {}", "须在 {1} 到 {2} 之间"},
    Phrase{"must be at least {} and at most {}", "须不小于 {1} 且不超过 {2}"},
    Phrase{"must be from {} to {} seconds", "须为 {1} 到 {2} 秒"},
    Phrase{"must be from {} to {} ({*})", "须为 {1} 到 {2}（{3}）"},
    Phrase{"must be a share between 0 and 1 (e.g. {} for {} %)", "须为 0 到 1 之间的比例（如 {1} 表示 {2} %）"},
    Phrase{"must be a share from 0 to 1 (e.g. {})", "须为 0 到 1 之间的比例（如 {1}）"},
    Phrase{"must be a number of 0 or more", "须为大于等于 0 的数字"},
    Phrase{"must be a number of 0 or more ({*})", "须为大于等于 0 的数字（{1}）"},
    Phrase{"must be a whole number from {} to {} (new sites)", "须为 {1} 到 {2} 的整数（新增点位数）"},
    Phrase{"must be a number (the target)", "须为数字（目标值）"},
    Phrase{"must be weights between 0 and 1", "权重须在 0 到 1 之间"},
    Phrase{"must be {}, not {}", "应为{1}，而不是{2}"},
    Phrase{"must be {} or {}", "须为{1}或{2}"},
    Phrase{"must be {}, {} or {}", "须为{1}、{2}或{3}"},
    Phrase{"must be {}", "须为{1}"},
    Phrase{"{}, not {}", "{1}，而不是{2}"},
    Phrase{"give {} or {}, not both", "{1}与{2}只能给出其一"},
    Phrase{"applies to line layers, not OSM files (OSM tags are read directly)",
           "仅适用于线图层，不适用于 OSM 文件（OSM 标签直接读取）"},
    Phrase{"OSM data is always WGS 84; remove crs", "OSM 数据总是 WGS 84；请删除 crs"},
    Phrase{"budget and target_share are two objectives: give one", "budget 与 target_share 是两个目标：请只给出一个"},
    Phrase{"--budget and --target-share are two objectives: give one",
           "--budget 与 --target-share 是两个目标：请只给出一个"},
    Phrase{"is empty: list the capacity units of each facility type", "为空：请列出每类机构的服务能力单位数"},
    // --- whole messages and hints of the scenario reader and the input readers ---
    Phrase{"e.g. {*}", "例如 {1}"},
    Phrase{"{} = {}", "{1} = {2}"},
    Phrase{"--budget N: the most persons for N sites; --target-share 0.9: the fewest sites for 90 %", "--budget N：N 个点位覆盖最多的人；--target-share 0.9：覆盖 90 % 所需的最少点位"},
    Phrase{"budget = N: the most persons for N sites; target_share = 0.9: the fewest sites for 90 %", "budget = N：N 个点位覆盖最多的人；target_share = 0.9：覆盖 90 % 所需的最少点位"},
    Phrase{"100 m is the usual cell size for 15-minute circles", "15 分钟服务圈通常使用 100 m 的网格"},
    Phrase{"[density.zone_totals.fields] beds = \"床位数\", doctors = \"执业（助理）医师\", population = \"常住人口\"", "[density.zone_totals.fields] beds = \"床位数\", doctors = \"执业（助理）医师\", population = \"常住人口\""},
    Phrase{"a CSV of points needs x_field and y_field (and crs)", "点的 CSV 表需要 x_field 和 y_field（以及 crs）"},
    Phrase{"a land-cover raster needs its speed table", "土地覆盖栅格需要其速度表"},
    Phrase{"a referral needs the facilities it goes to: to_types, to_tags_any, to_min_level or to_standard", "转诊需要指定目标机构：to_types、to_tags_any、to_min_level 或 to_standard"},
    Phrase{"a referral needs the facilities it starts from: from_types, from_tags_any or from_min_level", "转诊需要指定起始机构：from_types、from_tags_any 或 from_min_level"},
    Phrase{"a road line layer needs class_field or speed_field", "道路线图层需要 class_field 或 speed_field"},
    Phrase{"a share indicator needs what the facilities should have: with_types, with_tags_any or with_min_level", "比例指标需要指定机构应具备的条件：with_types、with_tags_any 或 with_min_level"},
    Phrase{"a straight-line estimate has one speed, and mode mixed has two", "直线估算只有一个速度，而 mixed 方式有两个"},
    Phrase{"a table of seats needs x_field and y_field (and crs)", "驻地表需要 x_field 和 y_field（以及 crs）"},
    Phrase{"a table of settlement points needs x_field and y_field (and crs)", "居民点表需要 x_field 和 y_field（以及 crs）"},
    Phrase{"a 天地图 key holds letters and digits only", "天地图密钥只含字母和数字"},
    Phrase{"a 天地图 key is given but basemap is not \"tianditu\"", "给出了天地图密钥，但 basemap 不是 \"tianditu\""},
    Phrase{"add [raster.dem] source = \"dem.tif\"", "请添加 [raster.dem] source = \"dem.tif\""},
    Phrase{"add [zones.seats] (source, code_field, x_field, y_field, crs) to that [[zones]] level: the county towns (县政府驻地)", "请为该 [[zones]] 级别添加 [zones.seats]（source、code_field、x_field、y_field、crs）：县政府驻地"},
    Phrase{"add a [[zones]] table with level, source, code_field and name_field (docs/scenario.md)", "请添加含 level、source、code_field 和 name_field 的 [[zones]] 表（见 docs/scenario.md）"},
    Phrase{"add anisotropic = true and a [raster.dem] (docs/method/raster-travel-time.md, Bicycling on slopes)", "请添加 anisotropic = true 和 [raster.dem]（见 docs/method/raster-travel-time.md “坡地骑行”）"},
    Phrase{"add no_land_cover = \"default_speed\" to walk them at this speed (docs/method/raster-travel-time.md), or remove default_speed_kmh", "请添加 no_land_cover = \"default_speed\" 以按此速度步行通过（见 docs/method/raster-travel-time.md），或删除 default_speed_kmh"},
    Phrase{"another carereach command may be writing this folder; try again", "可能有另一个 carereach 命令正在写入此文件夹；请重试"},
    Phrase{"applies to decay = \"gaussian\"; a step decay has bands_min and weights", "仅适用于 decay = \"gaussian\"；阶梯衰减使用 bands_min 和 weights"},
    Phrase{"applies to decay = \"step\"; a Gaussian decay has t0_min", "仅适用于 decay = \"step\"；高斯衰减使用 t0_min"},
    Phrase{"applies to kind = \"presence\"; a share indicator has target_share", "仅适用于 kind = \"presence\"；比例指标使用 target_share"},
    Phrase{"applies to kind = \"share\"; a presence indicator counts facilities against min_count", "仅适用于 kind = \"share\"；存在性指标按 min_count 计数机构"},
    Phrase{"applies to kind = \"zone_totals\" only", "仅适用于 kind = \"zone_totals\""},
    Phrase{"applies with types, tags_any or min_level; otherwise the standard's selection is used", "仅与 types、tags_any 或 min_level 一起使用；否则使用服务标准的机构筛选"},
    Phrase{"apply for a browser key at console.tianditu.gov.cn and set tianditu_key, or use basemap = \"osm\"", "请在 console.tianditu.gov.cn 申请浏览器端密钥并设置 tianditu_key，或使用 basemap = \"osm\""},
    Phrase{"as in AccessMod's travel scenario table (docs/method/raster-travel-time.md, A mode per road class)", "与 AccessMod 的出行情景表相同（见 docs/method/raster-travel-time.md “每个道路等级一种出行方式”）"},
    Phrase{"cannot be decoded in memory", "无法在内存中解码"},
    Phrase{"cannot take the lock file beside it (it keeps changing)", "无法取得其旁边的锁文件（锁文件不断变化）"},
    Phrase{"capacity ids are lower-case letters, digits and _, at most 64 characters (e.g. thc_beds)", "服务能力编号由小写字母、数字和 _ 组成，最多 64 个字符（如 thc_beds）"},
    Phrase{"cells without land cover cannot be crossed (as in AccessMod) unless you choose \"default_speed\"", "没有土地覆盖的网格不可通行（与 AccessMod 相同），除非选择 \"default_speed\""},
    Phrase{"check population.weights", "请检查 population.weights"},
    Phrase{"check that the folder is writable", "请检查该文件夹是否可写"},
    Phrase{"choose another --out folder; --overwrite replaces only a folder carereach wrote, unchanged, that holds no input (delete the folder yourself if it is no longer needed)", "请另选 --out 文件夹；--overwrite 只替换 carereach 写出、未经改动且不含输入的文件夹（如不再需要，请自行删除该文件夹）"},
    Phrase{"choose another file, or add --overwrite", "请另选文件，或加 --overwrite"},
    Phrase{"class values are OSM highway names or Chinese road classes (高速公路, 国道, 省道, 县道 …)", "等级取值为 OSM highway 名称或中文道路等级（高速公路、国道、省道、县道 等）"},
    Phrase{"copy the key (tk) as the console shows it", "请按控制台显示的原样复制密钥（tk）"},
    Phrase{"create the folder first, or choose another file", "请先创建该文件夹，或另选文件"},
    Phrase{"direction = \"from\" is not available with the network engine: its search runs towards the facilities (one-way streets would be taken the wrong way)", "路网引擎不支持 direction = \"from\"：其搜索朝向机构进行（单行道会被逆向通行）"},
    Phrase{"distance standards are evaluated by `carereach run`", "距离标准由 carereach run 评估"},
    Phrase{"edge: nearest points on roads (the default); node: nearest graph node, as simpler tools do", "edge：道路上的最近点（默认）；node：最近的路网节点（较简单的工具如此）"},
    Phrase{"fields.id is required: every facility needs an id (scenarios close and upgrade facilities by id)", "fields.id 为必填项：每个机构都需要编码（情景按编码关闭和升级机构）"},
    Phrase{"free some memory", "请释放一些内存"},
    Phrase{"give a GeoPackage, Shapefile, GeoJSON … with one polygon per area, or use kind = \"points\" with x_field and y_field for a table of points", "请提供每个区域一个多边形的 GeoPackage、Shapefile、GeoJSON 等，或对点表使用 kind = \"points\" 及 x_field、y_field"},
    Phrase{"give a TOML file laid out like data/speeds.toml (docs/method/speeds.md)", "请提供格式与 data/speeds.toml 相同的 TOML 文件（见 docs/method/speeds.md）"},
    Phrase{"give a land cover with its speed table or a friction surface, not both", "请给出土地覆盖及其速度表，或摩擦面，不能两者都给"},
    Phrase{"give each its own id: the output files are named by it", "请为每个给出各自的编号：输出文件以编号命名"},
    Phrase{"give each output its own file", "请为每个输出指定各自的文件"},
    Phrase{"give fields.type (a column) or default_type", "请给出 fields.type（一列）或 default_type"},
    Phrase{"give one table per level (merge the columns into one file)", "每个级别给出一个表（将各列合并到一个文件）"},
    Phrase{"give source (one text for both languages) or source_zh / source_en, not both", "请给出 source（两种语言共用）或 source_zh / source_en，不能两者都给"},
    Phrase{"give the capacity from a facility attribute (field) or by type (table), one of them", "请按机构属性（field）或按类别（table）给出服务能力，二者选一"},
    Phrase{"give the indicator its own id: per-zone targets name standards and indicators by id", "请为该指标给出单独的编号：按区划的目标以编号指称服务标准和指标"},
    Phrase{"give the path of the scenario .toml file inside it", "请给出其中的情景 .toml 文件的路径"},
    Phrase{"give the speed table inline ([[raster.classes]]) or as a file, not both", "请在情景中（[[raster.classes]]）或以文件给出速度表，不能两者都给"},
    Phrase{"give the targets as a table (source) or inline (zones), one of them", "请以表（source）或在情景中（zones）给出目标，二者选一"},
    Phrase{"give the targets by to_standard or by to_types / to_tags_any / to_min_level, not both", "请用 to_standard 或 to_types / to_tags_any / to_min_level 指定目标，不能两者都用"},
    Phrase{"give the totals of a finer level (e.g. townships within counties)", "请给出更细一级的合计（如县内各乡镇）"},
    Phrase{"give the totals of the polygon level above it here (e.g. the counties) and the seats' totals under [population.finer_totals], which spreads each around its seat within its county", "请在此给出其上一级多边形级别（如县）的合计，驻地的合计放在 [population.finer_totals] 中，后者在县内围绕各驻地分配"},
    Phrase{"gives the roads' modes, but burn_roads = false leaves the roads out of the friction surface", "给出了道路的出行方式，但 burn_roads = false 使道路不进入摩擦面"},
    Phrase{"holds NUL bytes: it looks like UTF-16 text without a byte-order mark", "含有 NUL 字节：看起来是没有字节顺序标记的 UTF-16 文本"},
    Phrase{"ids are lower-case letters, digits and _, at most 64 characters (e.g. {})", "编号由小写字母、数字和 _ 组成，最多 64 个字符（如 {1}）"},
    Phrase{"{} ids are lower-case letters, digits and _, at most 64 characters (e.g. {})", "{1} 编号由小写字母、数字和 _ 组成，最多 64 个字符（如 {2}）"},
    Phrase{"indicator", "指标"},
    Phrase{"standard", "服务标准"},
    Phrase{"siting", "选址"},
    Phrase{"capacity", "服务能力"},
    Phrase{"is required (0 for classes that cannot be crossed, such as water)", "为必填项（不可通行的地类如水体为 0）"},
    Phrase{"is required with local targets: name the plan they come from", "给出本地目标时为必填项：请注明目标所依据的规划"},
    Phrase{"is required: the facility's x (longitude in a geographic CRS)", "为必填项：机构的 x（地理坐标系中为经度）"},
    Phrase{"is required: the facility's y (latitude in a geographic CRS)", "为必填项：机构的 y（地理坐标系中为纬度）"},
    Phrase{"is required: the ids of the facilities to change", "为必填项：要调整的机构的编码"},
    Phrase{"is required: the land-cover value of the class", "为必填项：该地类的土地覆盖值"},
    Phrase{"is used only with no_land_cover = \"default_speed\": cells without land cover are impassable by default", "仅在 no_land_cover = \"default_speed\" 时使用：没有土地覆盖的网格默认不可通行"},
    Phrase{"leave it out to derive it from the points' spacing (docs/method/population.md); village seats in the North China Plain give about 700 m, in the hilly south 900–1,200 m", "省略此项可按点的间距推算（见 docs/method/population.md）；华北平原的村驻地约为 700 m，南方丘陵为 900–1,200 m"},
    Phrase{"must be 8 or 16 (16 adds knight's moves, as GRASS r.cost -k)", "须为 8 或 16（16 增加“马步”方向，同 GRASS r.cost -k）"},
    Phrase{"must be a number of metres or a table such as { urban = 5000, rural = 15000 }", "须为米数，或如 { urban = 5000, rural = 15000 } 的表"},
    Phrase{"must be a short identifier of lower-case letters, digits and _, at most 64 characters (e.g. {})", "须为由小写字母、数字和 _ 组成的简短标识，最多 64 个字符（如 {1}）"},
    Phrase{"must be a table of zone code = { id = target, … }", "须为“区划代码 = { 编号 = 目标, … }”的表"},
    Phrase{"must be a table: facility type (or type/level) = units, e.g. \"乡镇卫生院\" = 40", "须为表：机构类别（或 类别/等级）= 单位数，如 \"乡镇卫生院\" = 40"},
    Phrase{"must be a whole number of 0 or more (facilities per zone)", "须为大于等于 0 的整数（每个区划的机构数）"},
    Phrase{"must be ascending times of more than 0 and at most 1440 minutes", "须为递增的时间，大于 0 且不超过 1440 分钟"},
    Phrase{"must be at least threshold_min (the minutes beyond which a referral is listed)", "须不小于 threshold_min（超过该分钟数的转诊被列出）"},
    Phrase{"must be lower-case letters, digits and _, at most 64 characters", "须由小写字母、数字和 _ 组成，最多 64 个字符"},
    Phrase{"must be more than 0 (persons one unit serves, e.g. 833 per bed)", "须大于 0（一个单位服务的人数，如每床 833 人）"},
    Phrase{"must be the observed share of visits that stay in the zone, between 0 and 1 (0.88)", "须为留在本区划就诊的观测比例，在 0 到 1 之间（如 0.88）"},
    Phrase{"must be two numbers [lo, hi] with 0 < lo < hi ≤ 100", "须为两个数 [lo, hi]，且 0 < lo < hi ≤ 100"},
    Phrase{"must be walking, bicycling or motorized (as in AccessMod's travel scenario table)", "须为 walking、bicycling 或 motorized（与 AccessMod 的出行情景表相同）"},
    Phrase{"name at least one column: beds, doctors, nurses, gps, tcm_beds, tcm_doctors or population", "请至少指定一列：beds、doctors、nurses、gps、tcm_beds、tcm_doctors 或 population"},
    Phrase{"name both coordinate columns, e.g. x_field = \"经度\", y_field = \"纬度\"", "请同时指定两个坐标列，如 x_field = \"经度\", y_field = \"纬度\""},
    Phrase{"names the population of fields.population, which is not given", "指称 fields.population 的人口，但未给出该字段"},
    Phrase{"needs a DEM", "需要数字高程模型（DEM）"},
    Phrase{"needs class_field (the field whose values are compared)", "需要 class_field（用于比较取值的字段）"},
    Phrase{"per-zone targets name a standard id (tcm_15min), an [indicators.<id>] or a density indicator (beds_per_1000 …)", "按区划的目标以服务标准编号（tcm_15min）、[indicators.<编号>] 或密度指标（beds_per_1000 等）指称"},
    Phrase{"population: the facilities with most persons within the threshold first, as AccessMod does", "population：阈值内人口最多的机构优先（与 AccessMod 相同）"},
    Phrase{"presence: every zone has at least min_count facilities; share: of the facilities selected, the share that also match with_types / with_tags_any / with_min_level", "presence：每个区划至少有 min_count 个机构；share：所选机构中同时符合 with_types / with_tags_any / with_min_level 的比例"},
    Phrase{"project it first (e.g. gdalwarp -t_srs EPSG:4548 -tr 100 100 in.tif out.tif, as AccessMod projects its inputs) and align to the projected raster", "请先投影（如 gdalwarp -t_srs EPSG:4548 -tr 100 100 in.tif out.tif，AccessMod 亦如此投影输入），再对齐到投影后的栅格"},
    Phrase{"project it to a metric CRS such as EPSG:4548 first", "请先将其投影到以米为单位的坐标系，如 EPSG:4548"},
    Phrase{"put the polygon level (e.g. counties) first, or set analysis.study_area_level", "请将多边形级别（如县）放在最前，或设置 analysis.study_area_level"},
    Phrase{"remove [raster.road_modes], or set burn_roads = true", "请删除 [raster.road_modes]，或设置 burn_roads = true"},
    Phrase{"remove [zones.seats] from this level", "请从该级别删除 [zones.seats]"},
    Phrase{"resample it (gdalwarp -tr 100 100)", "请重采样（gdalwarp -tr 100 100）"},
    Phrase{"resample it to square pixels first (gdalwarp -tr SIZE SIZE)", "请先重采样为正方形像元（gdalwarp -tr 尺寸 尺寸）"},
    Phrase{"road distance ÷ straight-line distance, e.g. 1.3 (docs/method/estimate.md)", "道路距离 ÷ 直线距离，如 1.3（见 docs/method/estimate.md）"},
    Phrase{"save the file again, as UTF-8 or as Excel's \"Unicode text\"", "请将文件另存为 UTF-8，或 Excel 的“Unicode 文本”"},
    Phrase{"save the file as UTF-8, or declare its encoding with the encoding key", "请将文件另存为 UTF-8，或用 encoding 键声明其编码"},
    Phrase{"seats: points (e.g. 乡镇政府驻地) from which zones are derived", "seats：由点（如 乡镇政府驻地）推导区划"},
    Phrase{"set basemap = \"tianditu\", or remove tianditu_key", "请设置 basemap = \"tianditu\"，或删除 tianditu_key"},
    Phrase{"set engine = \"estimate\" for a straight-line estimate, or remove the key", "请设置 engine = \"estimate\" 使用直线估算，或删除该键"},
    Phrase{"settlement points and finer totals say how census totals are spread over their zones", "居民点和更细一级的合计说明普查合计如何在其区划内分配"},
    Phrase{"source = \"targets.csv\" with code_field, or [zone_targets.zones] \"411521\" = { beds_per_1000 = 7 }", "source = \"targets.csv\" 加 code_field，或 [zone_targets.zones] \"411521\" = { beds_per_1000 = 7 }"},
    Phrase{"source = \"《某市“十四五”卫生健康规划》\"", "source = \"《某市“十四五”卫生健康规划》\""},
    Phrase{"source_zh = \"本地假设\" and source_en = \"local assumption\"", "source_zh = \"本地假设\" 与 source_en = \"local assumption\""},
    Phrase{"text is neither UTF-8 nor GB18030 (GBK)", "文本既不是 UTF-8，也不是 GB18030（GBK）"},
    Phrase{"the bicycling model follows the slope, and the search is isotropic", "骑行模型随坡度变化，而搜索是各向同性的"},
    Phrase{"the friction surface (seconds per metre) replaces the land cover; roads and barriers still apply", "摩擦面（秒/米）取代土地覆盖；道路和障碍仍然适用"},
    Phrase{"the grid aligned to a raster (align_to) takes its CRS and cell size from that raster", "对齐到栅格（align_to）的网格从该栅格取得坐标系和网格尺寸"},
    Phrase{"the level is given as seats already: its zones' seats are its points", "该级别已以驻地给出：其区划的驻地就是这些点"},
    Phrase{"the raster to align to is rotated (its geotransform has rotation terms)", "要对齐的栅格是旋转的（其地理变换含旋转项）"},
    Phrase{"the 天地图 basemap needs a key (tk)", "天地图底图需要密钥（tk）"},
    Phrase{"use \"auto\" (the CGCS2000 Gauss–Krüger zone in China, UTM elsewhere) or a projected metric CRS such as \"EPSG:4548\"", "请使用 \"auto\"（国内为 CGCS2000 高斯-克吕格分带，国外为 UTM），或以米为单位的投影坐标系，如 \"EPSG:4548\""},
    Phrase{"use \"osm\" (OpenStreetMap) or \"tianditu\" (天地图, with tianditu_key), or leave it out", "请使用 \"osm\"（OpenStreetMap）或 \"tianditu\"（天地图，需 tianditu_key），或省略此项"},
    Phrase{"use a larger cell size, or split the study area into prefectures", "请使用更大的网格尺寸，或按地级市拆分研究区"},
    Phrase{"use beds, doctors, nurses, gps, tcm_beds, tcm_doctors, capacity, count (1 per facility) or level (三级 3, 二级 2, 一级 and 未定级 1)", "请使用 beds、doctors、nurses、gps、tcm_beds、tcm_doctors、capacity、count（每个机构 1）或 level（三级 3、二级 2、一级和未定级 1）"},
    Phrase{"use engine = \"raster\" for outreach times on slopes, or direction = \"towards\"", "坡地上的外出服务时间请使用 engine = \"raster\"，或 direction = \"towards\""},
    Phrase{"use existing:<facility types or tags, comma-separated> (e.g. existing:村卫生室), layer:<point file> or grid:<spacing in metres> (docs/cli/site.md)", "请使用 existing:<机构类别或标签，逗号分隔>（如 existing:村卫生室）、layer:<点文件> 或 grid:<间距（米）>（见 docs/cli/site.md）"},
    Phrase{"use existing:<types or tags>, layer:<point file> or grid:<spacing in metres>", "请使用 existing:<类别或标签>、layer:<点文件> 或 grid:<间距（米）>"},
    Phrase{"use mode = \"car\" (or \"walk\") with engine = \"estimate\"", "请在 engine = \"estimate\" 时使用 mode = \"car\"（或 \"walk\"）"},
    Phrase{"values must be numbers (metres)", "取值须为数字（米）"},
    Phrase{"warp it to a north-up raster first (gdalwarp)", "请先将其重投影为正北朝上的栅格（gdalwarp）"},
    Phrase{"'carereach validate' lists what was left out and why", "carereach validate 会列出未读入的内容及原因"},
    Phrase{"--layers names no layer", "--layers 未指定任何图层"},
    Phrase{"--x-field and --y-field must be given together", "--x-field 与 --y-field 须同时给出"},
    Phrase{"a *_link way (ramp, 匝道) runs at link_factor × the speed of its class", "*_link 路段（匝道）的速度为其等级速度 × link_factor"},
    Phrase{"a barrier cannot be converted to the analysis CRS", "障碍无法转换到分析坐标系"},
    Phrase{"a straight-line estimate has one speed: use mode car (or walk) for such a standard", "直线估算只有一个速度：此类服务标准请使用 car（或 walk）出行方式"},
    Phrase{"add --overwrite to replace it", "加 --overwrite 以替换它"},
    Phrase{"check its CRS", "请检查其坐标系"},
    Phrase{"check its georeferencing", "请检查其地理参照"},
    Phrase{"check that the declared CRS matches the coordinates", "请检查所声明的坐标系与坐标是否相符"},
    Phrase{"check that the file is complete (not truncated) and readable", "请检查文件是否完整（未被截断）且可读"},
    Phrase{"check that the folder can be written", "请检查该文件夹是否可写"},
    Phrase{"check that the roads cover the study area and that their coordinate system is right (declare crs = \"…\" for the roads if the file has none or a wrong one)", "请检查道路是否覆盖研究区、其坐标系是否正确（如文件没有坐标系或坐标系有误，请为道路声明 crs = \"…\"）"},
    Phrase{"check the disk space and that the format can hold this data", "请检查磁盘空间，以及该格式能否容纳这些数据"},
    Phrase{"check the folder exists and is writable", "请检查该文件夹是否存在且可写"},
    Phrase{"check the input path (a run writes <run folder>/layers.gpkg)", "请检查输入路径（运行结果写在 <运行文件夹>/layers.gpkg）"},
    Phrase{"check the path and that it can be written", "请检查路径及其是否可写"},
    Phrase{"check x_field, y_field and the rows", "请检查 x_field、y_field 及各行"},
    Phrase{"does not overlap the analysis grid", "与分析网格不重叠"},
    Phrase{"export to another file or folder", "请导出到另一个文件或文件夹"},
    Phrase{"file not found", "找不到文件"},
    Phrase{"give --from: EPSG:4326 (WGS 84), EPSG:4490 (CGCS2000), gcj02 (Amap/Tencent), bd09 (Baidu) …", "请给出 --from：EPSG:4326（WGS 84）、EPSG:4490（CGCS2000）、gcj02（高德/腾讯）、bd09（百度）等"},
    Phrase{"give a GeoPackage (a run's layers.gpkg), Shapefile, GeoJSON … ; 'ogrinfo' shows what GDAL makes of it", "请提供 GeoPackage（运行结果的 layers.gpkg）、Shapefile、GeoJSON 等；可用 ogrinfo 查看 GDAL 的读取结果"},
    Phrase{"give a band of real numbers (Byte, Int8 … Int64, Float32, Float64)", "请提供实数波段（Byte、Int8 … Int64、Float32、Float64）"},
    Phrase{"give a georeferenced raster (GeoTIFF with its coordinates), or georeference it with gdal_translate -a_ullr / gdalwarp first", "请提供有地理参照的栅格（带坐标的 GeoTIFF），或先用 gdal_translate -a_ullr / gdalwarp 进行地理参照"},
    Phrase{"give a layer with features", "请提供含要素的图层"},
    Phrase{"give a line layer (LineString / MultiLineString) of the roads", "请提供道路的线图层（LineString / MultiLineString）"},
    Phrase{"give a line layer of the roads", "请提供道路的线图层"},
    Phrase{"give a points layer with one row per settlement", "请提供每个居民点一行的点图层"},
    Phrase{"give a polygon layer (GeoPackage, Shapefile, GeoJSON …) with a persons count per polygon, or use kind = \"points\" (with x_field and y_field) or kind = \"zone_totals\" for a table", "请提供每个多边形带人口数的多边形图层（GeoPackage、Shapefile、GeoJSON 等），表格请使用 kind = \"points\"（及 x_field、y_field）或 kind = \"zone_totals\""},
    Phrase{"give a polygon layer with one feature per area", "请提供每个区域一个要素的多边形图层"},
    Phrase{"give a polygon layer, or set geometry = \"seats\" with x_field/y_field for seat points", "请提供多边形图层，或对驻地点设置 geometry = \"seats\" 及 x_field/y_field"},
    Phrase{"give a polygon layer, or use kind = \"points\" for one point per settlement", "请提供多边形图层，或对每个居民点一个点使用 kind = \"points\""},
    Phrase{"give a table with one row per facility, or remove this [[facilities]] source", "请提供每个机构一行的表，或删除该 [[facilities]] 数据源"},
    Phrase{"give an OpenStreetMap extract (.osm.pbf) that covers the study area", "请提供覆盖研究区的 OpenStreetMap 提取文件（.osm.pbf）"},
    Phrase{"give an OpenStreetMap file: .osm.pbf (recommended), .osm, .osm.bz2 or .osm.gz, e.g. an extract from download.geofabrik.de; 'osmium fileinfo' checks a file", "请提供 OpenStreetMap 文件：.osm.pbf（推荐）、.osm、.osm.bz2 或 .osm.gz，如从 download.geofabrik.de 下载的提取文件；可用 osmium fileinfo 检查文件"},
    Phrase{"give lines (rivers, cliffs) or polygons (lakes)", "请提供线（河流、陡崖）或多边形（湖泊）"},
    Phrase{"give one row per land-cover class", "每个土地覆盖地类给出一行"},
    Phrase{"give one row per zone with its persons count", "每个区划给出一行及其人口数"},
    Phrase{"give one row per zone with its totals", "每个区划给出一行及其合计"},
    Phrase{"give seconds per metre (3.6 / km/h: 0.72 for 5 km/h); mark cells that cannot be crossed as no-data, which no_land_cover makes impassable", "请给出秒/米（3.6 / km/h：5 km/h 为 0.72）；不可通行的网格标为无数据，由 no_land_cover 设为不可通行"},
    Phrase{"give the new facility an id of its own", "请为新机构给出单独的编码"},
    Phrase{"give the output a name that fits --format, or change --format", "请给输出一个与 --format 相符的名称，或修改 --format"},
    Phrase{"give the totals of a zone level with boundary polygons, and the seats' totals under [population.finer_totals]; or give a population raster", "请给出有边界多边形的区划级别的合计，驻地的合计放在 [population.finer_totals] 中；或提供人口栅格"},
    Phrase{"give x as longitude and y as latitude for geographic CRSs", "地理坐标系中 x 为经度、y 为纬度"},
    Phrase{"has a geotransform that cannot be inverted", "其地理变换不可逆"},
    Phrase{"has no coordinate system", "没有坐标系"},
    Phrase{"has no extent (is the layer empty?)", "没有范围（图层为空？）"},
    Phrase{"has no features", "没有要素"},
    Phrase{"has no geometry", "没有几何"},
    Phrase{"has no georeferencing (no geotransform): its pixels cannot be placed", "没有地理参照（没有地理变换）：其像元无法定位"},
    Phrase{"has no layers to export", "没有可导出的图层"},
    Phrase{"has no readable coordinates", "没有可读取的坐标"},
    Phrase{"has no rows", "没有数据行"},
    Phrase{"has no speeds of its own", "没有自己的速度"},
    Phrase{"has no straight-line estimate", "没有直线估算"},
    Phrase{"has no target column: no column is named as a standard, planning indicator or density indicator id", "没有目标列：没有列以服务标准、规划指标或密度指标的编号命名"},
    Phrase{"holds no OpenStreetMap nodes or ways", "不含 OpenStreetMap 节点或路径"},
    Phrase{"is a folder", "是文件夹"},
    Phrase{"is a folder, not an OpenStreetMap file", "是文件夹，不是 OpenStreetMap 文件"},
    Phrase{"is a table without polygons", "是不含多边形的表"},
    Phrase{"is a table, not a line layer", "是表，不是线图层"},
    Phrase{"is a table, which holds no polygons", "是表，不含多边形"},
    Phrase{"is not a class of the speed profile", "不是速度配置中的等级"},
    Phrase{"is not a key of the estimate", "不是直线估算的键"},
    Phrase{"is not a road class or key of the speed profile", "不是道路等级，也不是速度配置的键"},
    Phrase{"is not a travel mode", "不是出行方式"},
    Phrase{"leave --crs out (KML is written in WGS 84), or give --crs EPSG:4326, gcj02 or bd09; for other coordinate systems choose another --format", "请省略 --crs（KML 以 WGS 84 写出），或给出 --crs EPSG:4326、gcj02 或 bd09；其他坐标系请另选 --format"},
    Phrase{"metres from a cell to the nearest road it may walk to, e.g. 1000", "网格到可步行到达的最近道路的米数，如 1000"},
    Phrase{"name a new folder; --overwrite replaces only a folder carereach wrote, unchanged", "请指定一个新文件夹；--overwrite 只替换 carereach 写出且未经改动的文件夹"},
    Phrase{"name the road-class column (class_field = \"…\") or a column of speeds in km/h (speed_field = \"…\")", "请指定道路等级列（class_field = \"…\"）或速度列（km/h，speed_field = \"…\"）"},
    Phrase{"or convert a vector file without --x-field/--y-field", "或不带 --x-field/--y-field 转换矢量文件"},
    Phrase{"road distance ÷ straight-line distance: 1.2–1.4 on dense road networks, more in hills (docs/method/estimate.md)", "道路距离 ÷ 直线距离：密集路网为 1.2–1.4，山区更大（见 docs/method/estimate.md）"},
    Phrase{"roads from a line layer need a class field or a speed field", "来自线图层的道路需要等级字段或速度字段"},
    Phrase{"roads must be lines: give a GeoPackage, Shapefile, GeoJSON … line layer or an OSM file", "道路须为线：请提供 GeoPackage、Shapefile、GeoJSON 等线图层或 OSM 文件"},
    Phrase{"see 'ogrinfo --formats'", "见 ogrinfo --formats"},
    Phrase{"set analysis.crs = \"auto\" or to a Gauss–Krüger / UTM CRS such as \"EPSG:4547\"", "请设置 analysis.crs = \"auto\"，或高斯-克吕格 / UTM 坐标系，如 \"EPSG:4547\""},
    Phrase{"speeds are km/h; a mode may not use a class when the roads' access says so (docs/method/speeds.md)", "速度单位为 km/h；道路的通行限制可禁止某出行方式使用某等级（见 docs/method/speeds.md）"},
    Phrase{"the average speed of a whole trip by the mode, e.g. 35 for cars on county roads", "该出行方式全程的平均速度，如县道上小汽车为 35"},
    Phrase{"the centre of the data cannot be converted to longitude/latitude", "数据的中心无法转换为经纬度"},
    Phrase{"the keys of [estimate.<mode>] are speed_kmh and circuity", "[estimate.<出行方式>] 的键为 speed_kmh 和 circuity"},
    Phrase{"the layer is empty", "图层为空"},
    Phrase{"the layer is empty: no facilities", "图层为空：没有机构"},
    Phrase{"the output format may not allow this field name", "输出格式可能不允许该字段名"},
    Phrase{"the output format may not allow this field name or type", "输出格式可能不允许该字段名或类型"},
    Phrase{"the output is the input file", "输出就是输入文件"},
    Phrase{"the speed table is empty", "速度表为空"},
    Phrase{"the speed table needs the columns class, label, speed_kmh (or speed) and mode", "速度表需要 class、label、speed_kmh（或 speed）和 mode 列"},
    Phrase{"the walking speed off the network, e.g. 5", "路网以外的步行速度，如 5"},
    Phrase{"this format writes one file per layer into a folder: name a new folder", "该格式在文件夹中每个图层写一个文件：请指定一个新文件夹"},
    Phrase{"use a tag of docs/method/taxonomy.md (e.g. tcm_corner 中医阁, tcm_hall 中医馆), or declare it in [[taxonomy.tags]]", "请使用 docs/method/taxonomy.md 中的标签（如 tcm_corner 中医阁、tcm_hall 中医馆），或在 [[taxonomy.tags]] 中声明"},
    Phrase{"use a type of docs/method/taxonomy.md (id or Chinese name)", "请使用 docs/method/taxonomy.md 中的机构类别（编号或中文名称）"},
    Phrase{"use an OpenStreetMap highway value: motorway, trunk, primary, secondary, tertiary, unclassified, residential, living_street, service, track, path, footway, cycleway, pedestrian, steps, bridleway (with _link for ramps) or other", "请使用 OpenStreetMap 的 highway 取值：motorway、trunk、primary、secondary、tertiary、unclassified、residential、living_street、service、track、path、footway、cycleway、pedestrian、steps、bridleway（匝道加 _link）或 other"},
    Phrase{"use an extension such as .gpkg, .shp, .geojson, .kml, .fgb or .csv, or give --format", "请使用 .gpkg、.shp、.geojson、.kml、.fgb 或 .csv 等扩展名，或给出 --format"},
    Phrase{"use the ids of the facility inputs (with their id_prefix); `carereach validate` lists the facilities", "请使用机构输入中的编码（含其 id_prefix）；carereach validate 会列出各机构"},
    Phrase{"with --x-field/--y-field the output is a table: give a .csv output", "使用 --x-field/--y-field 时输出为表：请给出 .csv 输出"},
    Phrase{"write the converted data to another file", "请将转换后的数据写到另一个文件"},
    Phrase{"zone levels need polygons; for points (seats) set geometry = \"seats\"", "区划级别需要多边形；点（驻地）请设置 geometry = \"seats\""},
    Phrase{"a geometry cannot be converted to the analysis CRS", "有几何无法转换到分析坐标系"},
    Phrase{"add a [population] table (docs/scenario.md)", "请添加 [population] 表（见 docs/scenario.md）"},
    Phrase{"candidate layer not found", "找不到候选点图层"},
    Phrase{"check that its folder exists and can be written", "请检查其所在文件夹是否存在且可写"},
    Phrase{"check that its folder exists and can be written, and the disk space", "请检查其所在文件夹是否存在且可写，以及磁盘空间"},
    Phrase{"check that the folder is writable and the disk is not full", "请检查该文件夹是否可写、磁盘是否已满"},
    Phrase{"check that the study area lies where the output coordinate system is defined", "请检查研究区是否位于输出坐标系的定义范围内"},
    Phrase{"check the free memory", "请检查可用内存"},
    Phrase{"check the layer's coordinate system (a .prj, or GCJ-02 coordinates) and that it covers the study area", "请检查图层的坐标系（.prj 文件，或 GCJ-02 坐标）及其是否覆盖研究区"},
    Phrase{"compare runs of scenarios with the same zones and [analysis]", "请比较区划和 [analysis] 相同的情景的运行结果"},
    Phrase{"compare the travel-time rasters of carereach runs", "请比较 carereach 运行结果中的出行时间栅格"},
    Phrase{"give a layer with at least one candidate point", "请提供至少含一个候选点的图层"},
    Phrase{"give a point layer (GeoPackage, GeoJSON, Shapefile)", "请提供点图层（GeoPackage、GeoJSON、Shapefile）"},
    Phrase{"give the folder of a finished `carereach run`", "请给出已完成的 carereach run 的文件夹"},
    Phrase{"give two folders written by `carereach run`", "请给出两个由 carereach run 写出的文件夹"},
    Phrase{"has no coverage results", "没有覆盖结果"},
    Phrase{"is not a north-up raster of square cells", "不是正北朝上、正方形像元的栅格"},
    Phrase{"is not the folder of a finished run (no run.json)", "不是已完成运行的文件夹（没有 run.json）"},
    Phrase{"run the scenario again with this version of carereach", "请用此版本的 carereach 重新运行该情景"},
    Phrase{"the candidate layer has no points", "候选点图层没有点"},
    Phrase{"the two runs are on different analysis grids (extent, cell size or CRS differ)", "两次运行的分析网格不同（范围、网格尺寸或坐标系不同）"},
    Phrase{"travel times need a population surface (its grid holds the times)", "出行时间需要人口分布面（其网格承载出行时间）"},
    Phrase{"use ASCII letters, digits and '_', not starting with gpkg_, rtree_ or sqlite_", "请使用 ASCII 字母、数字和 _，且不以 gpkg_、rtree_ 或 sqlite_ 开头"},
    Phrase{"write the share of visits that stay in the zone as a fraction (0.88 for 88 %)", "请将留在本区划就诊的比例写为小数（0.88 表示 88 %）"},
    Phrase{"the geometry is not a line", "几何不是线"},
    Phrase{"the geometry is not a point", "几何不是点"},
    Phrase{"the geometry is not a polygon", "几何不是多边形"},
    Phrase{"this is a bug in carereach", "这是 carereach 的缺陷"},
    Phrase{"this is a bug in carereach: please report it", "这是 carereach 的缺陷：请报告"},
    // value words inside the patterns above
    Phrase{"a string (in quotes)", "字符串（加引号）"},
    Phrase{"a string", "字符串"},
    Phrase{"an integer", "整数"},
    Phrase{"a number", "数字"},
    Phrase{"a whole number", "整数"},
    Phrase{"true/false", "true/false（布尔值）"},
    Phrase{"true or false", "true 或 false"},
    Phrase{"a list", "列表"},
    Phrase{"a list of strings", "字符串列表"},
    Phrase{"a table", "表"},
    Phrase{"a table of names to strings", "名称到字符串的表"},
    Phrase{"a date/time", "日期时间"},
    Phrase{"{}, {} or {}", "{1}、{2}或{3}"},
    Phrase{"{} or {}", "{1}或{2}"},
    // --- hints of the scenario reader ---
    Phrase{"known types: {} (docs/method/taxonomy.md; Chinese names such as 乡镇卫生院 work too)",
           "已知的机构类别：{1}（见 docs/method/taxonomy.md；也可用中文名称，如 乡镇卫生院）"},
    Phrase{"known tags: {}", "已知的标签：{1}"},
    Phrase{"the standards are: {}", "服务标准有：{1}"},
    Phrase{"standards of this scenario: {}", "本情景的服务标准：{1}"},
    Phrase{"its standards: {}", "其服务标准：{1}"},
    Phrase{"the levels are: {}", "区划级别有：{1}"},
    Phrase{"its levels: {}", "其区划级别：{1}"},
    Phrase{"name the standard it varies: one of {}", "请指定其所变化的服务标准：{1}之一"},
    Phrase{"use 三级/二级/一级/未定级 (or 3/2/1/0)", "请使用 三级/二级/一级/未定级（或 3/2/1/0）"},
    Phrase{"use walk, bicycle, ebike, car or mixed", "请使用 walk、bicycle、ebike、car 或 mixed"},
    Phrase{"use network, raster or estimate", "请使用 network、raster 或 estimate"},
    Phrase{"use a tag of docs/method/taxonomy.md (e.g. 中医阁)", "请使用 docs/method/taxonomy.md 中的标签（如 中医阁）"},
    Phrase{"use a type of docs/method/taxonomy.md", "请使用 docs/method/taxonomy.md 中的机构类别"},
    // --- input files (io) ---
    Phrase{"file not found (resolved to {})", "找不到文件（解析为 {1}）"},
    Phrase{"speed profile file not found or unreadable (resolved to {})", "找不到或无法读取速度配置文件（解析为 {1}）"},
    Phrase{"check the path in the scenario ({}); relative paths are relative to the scenario file",
           "请检查情景中的路径（{1}）；相对路径以情景文件所在文件夹为起点"},
    Phrase{"check {} in {}; relative paths are relative to the scenario file's folder",
           "请检查 {2} 中的 {1}；相对路径以情景文件所在文件夹为起点"},
    Phrase{"check the input path", "请检查输入路径"},
    Phrase{"is a folder, not a data file", "是文件夹，不是数据文件"},
    Phrase{"name the file itself in {}", "请在 {1} 中指定文件本身"},
    Phrase{"cannot be read (permission denied?)", "无法读取（权限不足？）"},
    Phrase{"check the file's permissions", "请检查文件的权限"},
    Phrase{"cannot be read", "无法读取"},
    Phrase{"cannot be opened as a vector dataset ({*})", "无法作为矢量数据打开（{1}）"},
    Phrase{"cannot be opened as a vector dataset", "无法作为矢量数据打开"},
    Phrase{"give a file GDAL/OGR can read (GeoPackage, Shapefile, GeoJSON, CSV …); 'ogrinfo' shows what GDAL makes of it",
           "请提供 GDAL/OGR 可读取的文件（GeoPackage、Shapefile、GeoJSON、CSV 等）；可用 ogrinfo 查看 GDAL 的读取结果"},
    Phrase{"has no layers", "没有图层"},
    Phrase{"give a file that holds vector data", "请提供含矢量数据的文件"},
    Phrase{"has {} layers and no layer is named", "有 {1} 个图层，但未指定图层"},
    Phrase{"has no layer {}", "没有图层{1}"},
    Phrase{"the layers are: {}", "图层有：{1}"},
    Phrase{"has no field {} (named by {})", "没有字段{1}（由 {2} 指定）"},
    Phrase{"has no field {}", "没有字段{1}"},
    Phrase{"the fields are: {}; correct {} in the scenario", "字段有：{1}；请在情景中修正 {2}"},
    Phrase{"the fields are: {}", "字段有：{1}"},
    Phrase{"a field name is required", "需要字段名"},
    Phrase{"has no coordinate system and none is given", "没有坐标系，也未声明坐标系"},
    Phrase{"has no coordinate system and the scenario declares none", "没有坐标系，情景中也未声明"},
    Phrase{"is not a regular file (a device, pipe, socket or folder): its checksum cannot be computed",
           "不是普通文件（设备、管道、套接字或文件夹），无法计算其校验和"},
    Phrase{"name a data file", "请指定数据文件"},
    Phrase{"cannot be read to compute its checksum", "无法读取以计算校验和"},
    Phrase{"cannot be written", "无法写入"},
    Phrase{"cannot be written: {*}", "无法写入：{1}"},
    Phrase{"cannot be written ({*})", "无法写入（{1}）"},
    Phrase{"check the disk space and permissions", "请检查磁盘空间和权限"},
    Phrase{"check the disk space", "请检查磁盘空间"},
    // --- coordinate reference systems (geo/crs.cpp, io/load.cpp) ---
    Phrase{"unknown coordinate reference system {} (PROJ: {*})", "未知的坐标系{1}（PROJ：{2}）"},
    Phrase{"give an EPSG code such as \"EPSG:4490\" (CGCS2000) or \"EPSG:4548\" (CGCS2000 / 3-degree Gauss-Kruger CM 117E), a WKT or PROJ string (\"+proj=... +type=crs\"), or \"gcj02\" / \"bd09\" for coordinates taken from Chinese web maps (Amap, Tencent / Baidu)", "请给出 EPSG 代码，如 \"EPSG:4490\"（CGCS2000）或 \"EPSG:4548\"（CGCS2000 / 3 度带高斯-克吕格 中央经线 117E），WKT 或 PROJ 字符串（\"+proj=... +type=crs\"），来自国内网络地图的坐标请用 \"gcj02\"（高德、腾讯）/ \"bd09\"（百度）"},
    Phrase{"use one of: GPKG (gpkg), \"ESRI Shapefile\" (shp), GeoJSON (geojson), KML (kml), FlatGeobuf (fgb), CSV (csv)", "请使用以下之一：GPKG（gpkg）、\"ESRI Shapefile\"（shp）、GeoJSON（geojson）、KML（kml）、FlatGeobuf（fgb）、CSV（csv）"},
    Phrase{"unknown coordinate reference system {} (the closest CRS name is {})", "未知的坐标系{1}（最接近的坐标系名称为{2}）"},
    Phrase{"unknown coordinate reference system {}", "未知的坐标系{1}"},
    Phrase{"{} is a coordinate operation, not a coordinate reference system", "{1}是坐标运算，不是坐标系"},
    Phrase{"cannot choose an analysis coordinate reference system for a study area centred at ({}, {})",
           "无法为中心位于（{1}，{2}）的研究区选择分析坐标系"},
    Phrase{"check that the study-area coordinates are longitude/latitude in degrees", "请检查研究区坐标是否为以度为单位的经纬度"},
    Phrase{"check that both coordinate reference systems are the ones intended", "请检查两个坐标系是否为所需的坐标系"},
    Phrase{"the analysis CRS {} is not a projected CRS in metres", "分析坐标系{1}不是以米为单位的投影坐标系"},
    // --- output folders (io/output_folder.cpp) ---
    Phrase{"already exists", "已存在"},
    Phrase{"choose another --out folder, or add --overwrite to replace it", "请另选 --out 文件夹，或加 --overwrite 替换它"},
    Phrase{"exists and is not a folder", "已存在且不是文件夹"},
    Phrase{"choose another --out path", "请另选 --out 路径"},
    Phrase{"choose another --out", "请另选 --out"},
    Phrase{"choose another --out folder", "请另选 --out 文件夹"},
    Phrase{"is a symbolic link; carereach writes and replaces only folders", "是符号链接；carereach 只写入和替换文件夹"},
    Phrase{"{} is empty", "{1} 为空"},
    Phrase{"name a new folder, e.g. {}", "请指定一个新文件夹，如 {1}"},
    Phrase{"name a new folder below it, e.g. {}", "请指定其下的新文件夹，如 {1}"},
    Phrase{"{} {} names the root of the file system", "{1} {2} 指向文件系统的根目录"},
    Phrase{"{} {} names the current folder or a folder above it; an output folder is written and replaced as a whole",
           "{1} {2} 指向当前文件夹或其上级文件夹；输出文件夹是整体写入和替换的"},
    Phrase{"the output {} is (or holds) an input of this command: {}", "输出{1}是（或包含）本命令的输入：{2}"},
    Phrase{"write the output somewhere else; an input is never overwritten", "请将输出写到别处；输入永远不会被覆盖"},
    Phrase{"cannot create the folder {}: {*}", "无法创建文件夹 {1}：{2}"},
    Phrase{"cannot create the lock file beside it: {*}", "无法在其旁边创建锁文件：{1}"},
    Phrase{"check that the folder above it can be written", "请检查其上级文件夹是否可写"},
    Phrase{"another carereach command (process {}) is writing this folder now", "另一个 carereach 命令（进程 {1}）正在写入此文件夹"},
    Phrase{"wait for it to finish, or choose another --out", "请等待其完成，或另选 --out"},
    Phrase{"{}; refusing to replace it", "{1}；拒绝替换"},
    Phrase{"is an input of this command ({})", "是本命令的输入（{1}）"},
    Phrase{"appeared while the command was working; not replaced", "在命令运行期间出现；未替换"},
    Phrase{"run again with another --out", "请用另一个 --out 重新运行"},
    // --- the command line (CLI11's messages and carereach's own) ---
    Phrase{"The following argument was not expected: {*}", "多余的参数：{1}"},
    Phrase{"The following arguments were not expected: {*}", "多余的参数：{1}"},
    Phrase{"{} is required", "{1} 为必填项"},
    Phrase{"A subcommand is required", "需要一个命令"},
    Phrase{"{}: File does not exist: {}", "{1}：文件不存在：{2}"},
    Phrase{"{}: {} not in {}", "{1}：{2} 不在 {3} 之中"},
    Phrase{"Could not convert: {} = {}", "无法转换：{1} = {2}"},
    Phrase{"The value {} is not an allowed value for {}", "值 {1} 不是 {2} 允许的取值"},
    Phrase{"{}: {} required {} missing", "{1}：缺少必需的 {2}"},
    Phrase{"a command is required ({})", "需要一个命令（{1}）"},
    Phrase{"run 'carereach --help' or 'carereach <command> --help'", "请运行 carereach --help 或 carereach <命令> --help"},
    Phrase{"nothing was written", "未写出任何文件"},
    Phrase{"nothing was written: fix the rows above, or remove them", "未写出任何文件：请修正上面列出的行，或删除它们"},
    Phrase{"out of memory; try a larger cell size or a smaller study area", "内存不足；请增大网格尺寸或缩小研究区"},
    Phrase{"… and {} more error(s)", "……另有 {1} 个错误"},
    Phrase{"unknown output format {}", "未知的输出格式{1}"},
    Phrase{"no output given", "未给出输出"},
    Phrase{"name the output file or folder", "请指定输出文件或文件夹"},
};

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/// A value rather than a phrase: outside quotes it has no two English words in a row ("a string", "not found").
bool value_like(std::string_view s) {
  std::string bare;
  char quote = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    else bare += c;
  }
  std::size_t word = 0;  // letters of the word before the last space
  for (std::size_t i = 0; i < bare.size();) {
    std::size_t j = i;
    while (j < bare.size() && is_letter(bare[j])) ++j;
    const std::size_t len = j - i;
    if (len >= 2 && word >= 2) return false;
    if (j < bare.size() && bare[j] == ' ' && len > 0) {
      word = len;
      i = j + 1;
    } else {
      word = 0;
      i = j == i ? j + 1 : j;
    }
  }
  return true;
}

/// One wording: the texts already tried (a part is tried against every pattern once), so that the work stays
/// polynomial in the length of the message.
class Wording {
 public:
  std::optional<std::string> translate(std::string_view text, int depth);

 private:
  std::optional<std::string> part_zh(std::string_view part, bool raw, int depth);
  bool match(std::string_view pattern, std::size_t p, std::string_view text, std::size_t t, int depth,
             std::vector<std::string>& parts);
  static constexpr std::size_t kMaxSteps = 100000;  // bounds the work on a long text
  std::map<std::string, std::optional<std::string>, std::less<>> memo_;
  std::size_t steps_ = 0;
};

/// Where the next part ({} or {*}) of a pattern starts at or after from, or the pattern's size (a "{" alone, as in
/// "{ urban = 5000 }", is text).
std::size_t next_part(std::string_view pattern, std::size_t from) {
  const std::size_t a = pattern.find("{}", from);
  const std::size_t b = pattern.find("{*}", from);
  const std::size_t at = std::min(a, b);
  return at == std::string_view::npos ? pattern.size() : at;
}

/// The pattern's literal pieces occur in the text in their order: a cheap test before matching.
bool pieces_in_order(std::string_view pattern, std::string_view text) {
  std::size_t at = 0;
  for (std::size_t p = 0; p < pattern.size();) {
    if (pattern.substr(p, 2) == "{}") { p += 2; continue; }
    if (pattern.substr(p, 3) == "{*}") { p += 3; continue; }
    const std::size_t next = next_part(pattern, p);
    const std::size_t found = text.find(pattern.substr(p, next - p), at);
    if (found == std::string_view::npos) return false;
    at = found + (next - p);
    p = next;
  }
  return true;
}

/// A whole phrase of the catalogue (one without parts), or nullptr.
const Phrase* whole_phrase(std::string_view text) {
  for (const Phrase& ph : kPhrases)
    if (ph.en == text && next_part(ph.en, 0) == ph.en.size()) return &ph;
  return nullptr;
}

/// A part of a message in Chinese: a whole phrase of the catalogue (such as a type name), or a value: 'x' shown as
/// 「x」, a list of values joined by " or " with 或.
std::optional<std::string> Wording::part_zh(std::string_view part, bool raw, int /*depth*/) {
  if (part.empty()) return std::nullopt;
  if (raw) return std::string(part);
  if (const Phrase* ph = whole_phrase(part)) return std::string(ph->zh);
  if (!value_like(part)) return std::nullopt;
  if (part.size() >= 2 && part.front() == '\'' && part.back() == '\'' &&
      part.substr(1, part.size() - 2).find('\'') == std::string_view::npos)
    return "「" + std::string(part.substr(1, part.size() - 2)) + "」";
  std::string out(part);
  for (std::size_t at = out.find(" or "); at != std::string::npos; at = out.find(" or ", at + 3)) out.replace(at, 4, "或");
  return out;
}

/// Matches text against pattern from pattern[p], text[t]; the parts found so far in parts.
bool Wording::match(std::string_view pattern, std::size_t p, std::string_view text, std::size_t t, int depth,
                    std::vector<std::string>& parts) {
  if (p == pattern.size()) return t == text.size();
  if (++steps_ > kMaxSteps) return false;
  const bool wild = pattern.substr(p, 2) == "{}";
  const bool raw = pattern.substr(p, 3) == "{*}";
  if (!wild && !raw) {
    const std::size_t next = next_part(pattern, p);
    const std::string_view lit = pattern.substr(p, next - p);
    if (text.substr(t, lit.size()) != lit) return false;
    return match(pattern, next, text, t + lit.size(), depth, parts);
  }
  const std::size_t after = p + (raw ? 3 : 2);
  std::string_view lit;  // the literal after the part; empty when the part ends the pattern
  if (after < pattern.size()) {
    lit = pattern.substr(after, next_part(pattern, after) - after);
  }
  // Each place the literal after the part occurs (or the end), the shortest part first.
  for (std::size_t end = t + 1; end <= text.size(); ++end) {
    if (lit.empty() ? end != text.size() : text.substr(end, lit.size()) != lit) continue;
    std::optional<std::string> zh = part_zh(text.substr(t, end - t), raw, depth);
    if (!zh) continue;
    parts.push_back(std::move(*zh));
    if (match(pattern, after, text, end, depth, parts)) return true;
    parts.pop_back();
  }
  return false;
}

std::optional<std::string> Wording::translate(std::string_view text, int depth) {
  if (const auto it = memo_.find(text); it != memo_.end()) return it->second;
  // A whole phrase first (most messages are one), then the patterns with parts.
  if (const Phrase* ph = whole_phrase(text)) return std::string(ph->zh);
  std::optional<std::string> result;
  for (const Phrase& ph : kPhrases) {
    if (steps_ > kMaxSteps) break;  // a long text that matches nothing: it stays English
    if (!pieces_in_order(ph.en, text)) continue;
    std::vector<std::string> parts;
    if (!match(ph.en, 0, text, 0, depth, parts)) continue;
    std::string out(ph.zh);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const std::string mark = "{" + std::to_string(i + 1) + "}";
      for (std::size_t at = out.find(mark); at != std::string::npos; at = out.find(mark, at + parts[i].size()))
        out.replace(at, mark.size(), parts[i]);
    }
    result = std::move(out);
    break;
  }
  memo_.emplace(std::string(text), result);
  return result;
}

}  // namespace

std::optional<std::string> translate_phrase(std::string_view english) {
  if (english.empty()) return std::nullopt;
  Wording w;
  return w.translate(english, 0);
}

std::vector<std::pair<std::string_view, std::string_view>> phrase_catalogue() {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  for (const Phrase& ph : kPhrases) out.emplace_back(ph.en, ph.zh);
  return out;
}

}  // namespace carereach
