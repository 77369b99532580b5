// map.html: the page's HTML, CSS and script around the data (report/map_page.hpp). Leaflet comes from the
// generated header report/leaflet_assets.hpp (src/report/CMakeLists.txt, scripts/vendor-leaflet.sh).

#include "report/map_page.hpp"

#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "report/html_escape.hpp"
#include "report/leaflet_assets.hpp"

namespace carereach::report {

namespace {

using nlohmann::ordered_json;

/// Degrees rounded to 5 decimals (about a metre on the ground).
double rounded(double deg) { return std::round(deg * 1e5) / 1e5; }

ordered_json ring_json(const geo::Ring& r) {
  ordered_json a = ordered_json::array();
  for (std::size_t i = 0; i < r.x.size() && i < r.y.size(); ++i) a.push_back({rounded(r.x[i]), rounded(r.y[i])});
  // GeoJSON rings are closed.
  if (!a.empty() && a.front() != a.back()) a.push_back(a.front());
  return a;
}

ordered_json polygons_json(const std::vector<geo::PolygonRings>& polygons) {
  ordered_json multi = ordered_json::array();
  for (const geo::PolygonRings& p : polygons) {
    if (p.shell.x.empty()) continue;
    ordered_json poly = ordered_json::array();
    poly.push_back(ring_json(p.shell));
    for (const geo::Ring& h : p.holes)
      if (!h.x.empty()) poly.push_back(ring_json(h));
    multi.push_back(std::move(poly));
  }
  return {{"type", "MultiPolygon"}, {"coordinates", std::move(multi)}};
}

ordered_json ui_text(Lang lang) {
  const bool zh = lang == Lang::kZh;
  return {
      {"standard", zh ? "服务标准" : "Service standard"},
      {"level", zh ? "区划层级" : "Zones"},
      {"legend", zh ? "覆盖率" : "Share covered"},
      {"population", zh ? "常住人口" : "Population"},
      {"covered", zh ? "标准内人口" : "Covered"},
      {"share", zh ? "覆盖率" : "Share"},
      {"target", zh ? "目标" : "Target"},
      {"notReported", zh ? "本标准不在此层级统计" : "not reported at this level"},
      {"facilities", zh ? "医疗卫生机构" : "Facilities"},
      {"counted", zh ? "纳入本标准" : "counted by this standard"},
      {"notCounted", zh ? "不纳入本标准" : "not counted by this standard"},
      {"type", zh ? "类型" : "Type"},
      {"facilityLevel", zh ? "级别" : "Level"},
      {"countedBy", zh ? "纳入的标准" : "Counted by"},
      {"none", zh ? "无" : "none"},
      {"changes", zh ? "覆盖人口有变化的区域" : "Zones whose covered population changed"},
      {"noChanges", zh ? "本标准下没有区域的覆盖人口变化" : "No zone's covered population changed under this standard"},
      {"gained", zh ? "覆盖人口增加" : "Covered population gained"},
      {"lost", zh ? "覆盖人口减少" : "Covered population lost"},
      {"unchanged", zh ? "无变化" : "Unchanged"},
      {"before", zh ? "基线" : "Baseline"},
      {"after", zh ? "情景" : "Scenario"},
      {"change", zh ? "变化" : "Change"},
      {"persons", zh ? " 人" : ""},
      {"changedFacility", zh ? "新增、关闭或调整的机构" : "Facilities added, closed or changed"},
      {"otherFacility", zh ? "其他机构" : "Other facilities"},
  };
}

// The page's layout. The map fills the window below a header; panels are Leaflet controls.
constexpr const char* kCss = R"css(
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; color: #222;
       font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
         "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "WenQuanYi Micro Hei", sans-serif; }
header.map-head { padding: 8px 16px; border-bottom: 1px solid #d0d4d9; }
header.map-head h1 { font-size: 20px; margin: 0; color: #1f5f8b; }
header.map-head p { margin: 2px 0 0; font-size: 13px; color: #5f6368; }
#map { flex: 1; min-height: 360px; background: #f4f4f0; }
.leaflet-container { font: inherit; font-size: 13px; }
.cr-panel { background: #fff; padding: 8px 10px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.3);
            max-width: 22em; line-height: 1.5; }
.cr-panel h2 { font-size: 13px; margin: 0 0 4px; }
.cr-panel label { display: block; cursor: pointer; white-space: nowrap; }
.cr-panel fieldset { border: 0; margin: 0 0 6px; padding: 0; }
.cr-legend i { display: inline-block; width: 14px; height: 12px; margin-right: 6px; vertical-align: -1px;
               border: 1px solid #999; }
.cr-legend i.dot { border-radius: 50%; width: 9px; height: 9px; margin: 0 8px 0 3px; border-color: #fff; }
.cr-changes { max-height: 40vh; overflow-y: auto; }
.cr-changes ol { margin: 0; padding-left: 1.6em; }
.cr-changes li { cursor: pointer; }
.cr-changes li:hover { text-decoration: underline; }
.cr-changes .gain { color: #1a7f37; } .cr-changes .loss { color: #b3261e; }
table.cr-figures { border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.cr-figures th, table.cr-figures td { padding: 1px 6px; border-bottom: 1px solid #e0e0e0; text-align: right; }
table.cr-figures th:first-child, table.cr-figures td:first-child { text-align: left; }
table.cr-figures tr.current td { font-weight: bold; background: #f2f6fa; }
footer.map-foot { padding: 4px 16px; font-size: 12px; color: #5f6368; border-top: 1px solid #d0d4d9; }
)css";

// The page's own script: reads the data, draws the layers, the switchers, the legend and (in a comparison) the list
// of changes. Only text nodes and escaped strings reach the DOM.
constexpr const char* kScript = R"js(
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('carereach-map-data').textContent);
  var T = D.text;
  var map = L.map('map', {zoomSnap: 0.25, zoomControl: true});
  map.attributionControl.setPrefix('Leaflet ' + L.version);
  map.createPane('outlines').style.zIndex = 440;
  map.getPane('outlines').style.pointerEvents = 'none';
  map.createPane('facilities').style.zIndex = 460;
  var state = {standard: 0, level: 0};
  // A comparison opens on the first standard with a change.
  if (D.comparison && D.changes.length)
    state.standard = Math.min.apply(null, D.changes.map(function (c) { return c.standard; }));
  // The finest level that has figures for the first standard, else the finest level.
  for (var k = D.levels.length - 1; k >= 0; k--) {
    var zs = D.levels[k].zones.features;
    if (zs.some(function (f) { return f.properties.figures[state.standard]; })) { state.level = k; break; }
    if (k === D.levels.length - 1) state.level = k;
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  function persons(n) { return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
  function percent(x) { return x === null || x === undefined ? '\u2014' : (100 * x).toFixed(1) + '%'; }
  function signed(n) { return (n > 0 ? '+' : n < 0 ? '\u2212' : '') + persons(Math.abs(n)); }
  var changeOf = {};  // "standard/level/zone" -> change
  D.changes.forEach(function (c) { changeOf[c.standard + '/' + c.level + '/' + c.zone] = c; });

  function fillOf(props, zoneIndex) {
    if (D.comparison) {
      var c = changeOf[state.standard + '/' + state.level + '/' + zoneIndex];
      if (!c) return D.classes.noData;
      return c.after > c.before ? '#1a9641' : '#d7191c';
    }
    var f = props.figures[state.standard];
    if (!f || f.cls === null) return D.classes.noData;
    return D.classes.colours[f.cls];
  }
  function zoneStyle(feature) {
    return {fillColor: fillOf(feature.properties, feature.properties.index), fillOpacity: 0.8, color: '#ffffff',
            weight: 0.8, opacity: 1};
  }
  function tooltipHtml(p) {
    var f = p.figures[state.standard];
    var s = '<b>' + esc(p.name) + '</b>';
    if (D.comparison) {
      var c = changeOf[state.standard + '/' + state.level + '/' + p.index];
      return s + (c ? ' ' + signed(c.after - c.before) + esc(T.persons) : ' ' + esc(T.unchanged));
    }
    return s + ' ' + (f ? percent(f.share) : esc(T.notReported));
  }
  function popupHtml(p) {
    var h = '<div class="cr-popup"><b>' + esc(p.name) + '</b>' + (p.code ? ' <small>' + esc(p.code) + '</small>' : '');
    h += '<table class="cr-figures"><tr><th>' + esc(T.standard) + '</th><th>' + esc(T.population) + '</th><th>' +
         esc(T.covered) + '</th><th>' + esc(T.share) + '</th>' +
         (D.comparison ? '<th>' + esc(T.before) + '</th><th>' + esc(T.change) + '</th>' : '') + '</tr>';
    D.standards.forEach(function (st, i) {
      var f = p.figures[i];
      h += '<tr' + (i === state.standard ? ' class="current"' : '') + '><td>' + esc(st.name) + '</td>';
      if (!f) {
        h += '<td colspan="' + (D.comparison ? 5 : 3) + '">' + esc(T.notReported) + '</td></tr>';
        return;
      }
      h += '<td>' + persons(f.population) + '</td><td>' + persons(f.covered) + '</td><td>' + percent(f.share) + '</td>';
      if (D.comparison) {
        var c = changeOf[i + '/' + state.level + '/' + p.index];
        var before = c ? c.before : f.covered;
        h += '<td>' + persons(before) + '</td><td>' + signed(f.covered - before) + '</td>';
      }
      h += '</tr>';
    });
    return h + '</table></div>';
  }

  var zoneLayers = D.levels.map(function (lv) {
    return L.geoJSON(lv.zones, {
      style: zoneStyle,
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(function () { return tooltipHtml(feature.properties); }, {sticky: true});
        layer.bindPopup(function () { return popupHtml(feature.properties); }, {maxWidth: 520});
        layer.on('mouseover', function () { layer.setStyle({weight: 2.5, color: '#222'}); });
        layer.on('mouseout', function () { layer.setStyle({weight: 0.8, color: '#ffffff'}); });
      }
    });
  });
  var outlineLayers = D.levels.map(function (lv, k) {
    return L.geoJSON(lv.zones, {pane: 'outlines', interactive: false,
                                style: {fill: false, color: k === 0 ? '#333333' : '#8c8c8c', weight: k === 0 ? 1.8 : 0.8}});
  });
  // Markers grow as the map zooms in: a prefecture's village clinics would hide the zones at full size.
  function facilityRadius() { return Math.max(2, Math.min(6, (map.getZoom() || 0) - 7)); }
  function facilityStyle(counted) {
    var r = facilityRadius();
    if (counted && D.comparison) r += 2;  // the few facilities that changed stand out
    return counted ? {radius: r, color: '#ffffff', weight: 0.8, fillColor: '#1f3b73', fillOpacity: 1}
                   : {radius: Math.max(1.5, r - 1), color: '#ffffff', weight: 0.5, fillColor: '#9e9e9e', fillOpacity: 0.9};
  }
  // A comparison marks the facilities that changed; a run those the chosen standard counts.
  function counted(p) { return D.comparison ? p.change !== '' : p.standards.indexOf(state.standard) >= 0; }
  var facilityLayer = L.geoJSON(D.facilities, {
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, Object.assign({pane: 'facilities', className: 'cr-facility'},
                                                  facilityStyle(counted(feature.properties))));
    },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      layer.bindTooltip(esc(p.name));
      layer.bindPopup(function () {
        var names = p.standards.map(function (i) { return esc(D.standards[i].name); });
        return '<div class="cr-popup"><b>' + esc(p.name) + '</b>' + (p.change ? ' (' + esc(p.change) + ')' : '') +
               '<br>' + esc(T.type) + ': ' + esc(p.type) + '<br>' + esc(T.facilityLevel) + ': ' + esc(p.level) +
               (D.comparison ? '' : '<br>' + esc(T.countedBy) + ': ' + (names.length ? names.join(', ') : esc(T.none))) +
               '</div>';
      });
    }
  }).addTo(map);

  function showLevel() {
    zoneLayers.forEach(function (l, k) { if (k !== state.level && map.hasLayer(l)) map.removeLayer(l); });
    outlineLayers.forEach(function (l, k) {
      if (k < state.level && !map.hasLayer(l)) l.addTo(map);
      if (k >= state.level && map.hasLayer(l)) map.removeLayer(l);
    });
    if (zoneLayers.length && !map.hasLayer(zoneLayers[state.level])) zoneLayers[state.level].addTo(map);
  }
  function restyle() {
    if (zoneLayers.length) zoneLayers[state.level].setStyle(zoneStyle);
    facilityLayer.eachLayer(function (l) { l.setStyle(facilityStyle(counted(l.feature.properties))); });
    map.closePopup();
    legend.update();
    if (changes) changes.update();
  }

  // The switchers: standard and level.
  var Switcher = L.Control.extend({
    onAdd: function () {
      var div = L.DomUtil.create('div', 'cr-panel cr-switcher');
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      function group(title, name, items, current, onPick) {
        var fs = L.DomUtil.create('fieldset', '', div);
        var h = L.DomUtil.create('h2', '', fs);
        h.textContent = title;
        items.forEach(function (text, i) {
          var label = L.DomUtil.create('label', '', fs);
          var input = L.DomUtil.create('input', '', label);
          input.type = 'radio';
          input.name = name;
          input.value = String(i);
          input.checked = i === current;
          input.addEventListener('change', function () { if (input.checked) onPick(i); });
          label.appendChild(document.createTextNode(' ' + text));
        });
      }
      group(T.standard, 'cr-standard', D.standards.map(function (s) { return s.name; }), state.standard,
            function (i) { state.standard = i; restyle(); });
      if (D.levels.length > 1)
        group(T.level, 'cr-level', D.levels.map(function (l) { return l.label; }), state.level,
              function (k) { state.level = k; showLevel(); restyle(); });
      return div;
    }
  });
  var Legend = L.Control.extend({
    onAdd: function () {
      this.div = L.DomUtil.create('div', 'cr-panel cr-legend');
      this.update();
      return this.div;
    },
    update: function () {
      if (!this.div) return;
      var st = D.standards[state.standard];
      var h = '<h2>' + esc(D.comparison ? T.change : T.legend) + (st ? ' \u2014 ' + esc(st.name) : '') + '</h2>';
      if (D.comparison) {
        h += '<div><i style="background:#1a9641"></i>' + esc(T.gained) + '</div>' +
             '<div><i style="background:#d7191c"></i>' + esc(T.lost) + '</div>' +
             '<div><i style="background:' + D.classes.noData + '"></i>' + esc(T.unchanged) + '</div>';
      } else {
        for (var i = D.classes.colours.length - 1; i >= 0; i--)
          h += '<div><i style="background:' + D.classes.colours[i] + '"></i>' + esc(D.classes.labels[i]) + '</div>';
        h += '<div><i style="background:' + D.classes.noData + '"></i>' + esc(D.classes.noDataLabel) + '</div>';
        if (st) h += '<div>' + esc(T.target) + ' ' + percent(st.target) + '</div>';
      }
      h += '<div><i class="dot" style="background:#1f3b73"></i>' + esc(D.comparison ? T.changedFacility : T.counted) +
           '</div><div><i class="dot" style="background:#9e9e9e"></i>' +
           esc(D.comparison ? T.otherFacility : T.notCounted) + '</div>';
      this.div.innerHTML = h;
    }
  });
  var Changes = L.Control.extend({
    onAdd: function () {
      this.div = L.DomUtil.create('div', 'cr-panel cr-changes');
      L.DomEvent.disableClickPropagation(this.div);
      L.DomEvent.disableScrollPropagation(this.div);
      this.update();
      return this.div;
    },
    update: function () {
      if (!this.div) return;
      var div = this.div;
      div.textContent = '';
      var h = L.DomUtil.create('h2', '', div);
      h.textContent = T.changes;
      var list = D.changes.filter(function (c) { return c.standard === state.standard && c.level === state.level; });
      if (!list.length) {
        L.DomUtil.create('p', '', div).textContent = T.noChanges;
        return;
      }
      var ol = L.DomUtil.create('ol', '', div);
      list.forEach(function (c) {
        var li = L.DomUtil.create('li', c.after > c.before ? 'gain' : 'loss', ol);
        var feature = D.levels[c.level].zones.features[c.zone];
        li.textContent = feature.properties.name + ' ' + signed(c.after - c.before) + T.persons;
        li.addEventListener('click', function () {
          var layer = null;
          zoneLayers[c.level].eachLayer(function (l) { if (l.feature === feature) layer = l; });
          if (!layer) return;
          map.fitBounds(layer.getBounds(), {maxZoom: 12, animate: false});
          layer.openPopup(layer.getBounds().getCenter());
        });
      });
    }
  });

  var legend = new Legend({position: 'bottomright'});
  var changes = D.comparison ? new Changes({position: 'topleft'}) : null;
  showLevel();
  var bounds = L.latLngBounds([]);
  zoneLayers.forEach(function (l) { bounds.extend(l.getBounds()); });
  if (!bounds.isValid()) bounds = facilityLayer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, {animate: false, padding: [8, 8]});
  else map.setView([0, 0], 2);
  new Switcher({position: 'topright'}).addTo(map);
  legend.addTo(map);
  if (changes) changes.addTo(map);
  map.on('zoomend', function () {
    facilityLayer.eachLayer(function (l) { l.setStyle(facilityStyle(counted(l.feature.properties))); });
  });
  facilityLayer.eachLayer(function (l) { l.setStyle(facilityStyle(counted(l.feature.properties))); });
  window.carereachMap = {map: map, zoneLayers: zoneLayers, facilityLayer: facilityLayer, state: state};
})();
)js";

/// JSON text safe inside a <script> element: every "<" escaped (JSON syntax has "<" only inside strings).
std::string script_safe(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (const char c : json) {
    if (c == '<') out += "\\u003c";
    else out += c;
  }
  return out;
}

/// Text safe inside an HTML comment: no "--" (which could end it), no "<!" or ">" that could confuse a parser.
std::string comment_safe(std::string text) {
  for (std::size_t p = text.find("--"); p != std::string::npos; p = text.find("--", p)) text.replace(p, 2, "- -");
  for (char& c : text)
    if (c == '>' || c == '<') c = ' ';
  return text;
}

}  // namespace

std::optional<std::size_t> share_class(double share, const std::vector<double>& breaks) {
  if (std::isnan(share)) return std::nullopt;
  std::size_t cls = 0;
  while (cls < breaks.size() && share >= breaks[cls]) ++cls;
  return cls;
}

const char* leaflet_version() { return embedded::kLeafletVersion; }

std::string render_map_page(const MapPage& page) {
  const MapPageClasses& cl = page.classes;
  if (cl.colours.size() != cl.breaks.size() + 1 || cl.labels.size() != cl.colours.size())
    throw std::invalid_argument("map page: " + std::to_string(cl.breaks.size()) + " class breaks need " +
                                std::to_string(cl.breaks.size() + 1) + " colours and labels");
  const bool zh = page.lang == Lang::kZh;

  ordered_json data;
  data["lang"] = zh ? "zh" : "en";
  data["text"] = ui_text(page.lang);
  data["standards"] = ordered_json::array();
  for (const MapPageStandard& s : page.standards)
    data["standards"].push_back({{"id", s.id}, {"name", s.name}, {"target", s.target_share}});
  data["classes"] = {{"breaks", cl.breaks},
                     {"colours", cl.colours},
                     {"labels", cl.labels},
                     {"noData", cl.no_data_colour},
                     {"noDataLabel", cl.no_data_label}};
  data["levels"] = ordered_json::array();
  for (const MapPageLevel& lv : page.levels) {
    ordered_json features = ordered_json::array();
    for (std::size_t z = 0; z < lv.zones.size(); ++z) {
      const MapPageZone& zone = lv.zones[z];
      ordered_json figures = ordered_json::array();
      for (std::size_t s = 0; s < page.standards.size(); ++s) {
        if (s >= zone.figures.size() || !zone.figures[s]) {
          figures.push_back(nullptr);
          continue;
        }
        const MapPageFigures& f = *zone.figures[s];
        const double share = f.population > 0 ? static_cast<double>(f.covered) / static_cast<double>(f.population)
                                              : std::nan("");
        const auto cls = share_class(share, cl.breaks);
        figures.push_back({{"population", f.population},
                           {"covered", f.covered},
                           {"share", std::isnan(share) ? ordered_json(nullptr) : ordered_json(share)},
                           {"cls", cls ? ordered_json(*cls) : ordered_json(nullptr)}});
      }
      features.push_back({{"type", "Feature"},
                          {"properties",
                           {{"index", z}, {"name", zone.name}, {"code", zone.code}, {"figures", std::move(figures)}}},
                          {"geometry", polygons_json(zone.polygons)}});
    }
    data["levels"].push_back({{"id", lv.id},
                              {"label", lv.label},
                              {"zones", {{"type", "FeatureCollection"}, {"features", std::move(features)}}}});
  }
  ordered_json facilities = ordered_json::array();
  for (const MapPageFacility& f : page.facilities)
    facilities.push_back(
        {{"type", "Feature"},
         {"properties",
          {{"name", f.name}, {"type", f.type}, {"level", f.level}, {"standards", f.standards}, {"change", f.change}}},
         {"geometry", {{"type", "Point"}, {"coordinates", {rounded(f.lon), rounded(f.lat)}}}}});
  data["facilities"] = {{"type", "FeatureCollection"}, {"features", std::move(facilities)}};
  data["comparison"] = page.comparison;
  data["changes"] = ordered_json::array();
  for (const MapPageChange& c : page.changes)
    data["changes"].push_back({{"standard", c.standard},
                               {"level", c.level},
                               {"zone", c.zone},
                               {"before", c.covered_before},
                               {"after", c.covered_after},
                               {"population", c.population}});

  std::string h;
  h.reserve(256 * 1024);
  h += "<!DOCTYPE html>\n<html lang=\"";
  h += zh ? "zh-CN" : "en";
  h += "\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Nothing is loaded from elsewhere: every script and style is inline, images only as data: URLs.
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
       "style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>" + escape_html(page.title) + "</title>\n";
  h += "<!--\nLeaflet " + std::string(embedded::kLeafletVersion) +
       " (https://leafletjs.com) is included in this page under its licence:\n\n" +
       comment_safe(embedded::kLeafletLicense) + "\n-->\n";
  h += "<style>\n";
  h += embedded::kLeafletCss;
  h += "\n</style>\n<style>";
  h += kCss;
  h += "</style>\n</head>\n<body>\n<header class=\"map-head\"><h1>" + escape_html(page.title) + "</h1>\n<p>";
  std::string line = page.subtitle;
  if (!page.date.empty()) line += (line.empty() ? "" : zh ? "　" : " · ") + std::string(zh ? "日期：" : "Date: ") + page.date;
  h += escape_html(line) + "</p></header>\n";
  h += "<div id=\"map\" role=\"region\" aria-label=\"" + escape_html(page.title) + "\"></div>\n";
  if (!page.note.empty()) h += "<footer class=\"map-foot\">" + escape_html(page.note) + "</footer>\n";
  h += "<script type=\"application/json\" id=\"carereach-map-data\">";
  h += script_safe(data.dump(-1, ' ', false, ordered_json::error_handler_t::replace));
  h += "</script>\n<script>\n";
  h += embedded::kLeafletJs;
  h += "\n</script>\n<script>";
  h += kScript;
  h += "</script>\n</body>\n</html>\n";
  return h;
}

}  // namespace carereach::report
