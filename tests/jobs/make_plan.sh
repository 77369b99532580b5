#!/bin/sh
# make_plan.sh PLAN_DIR: writes a small hand-made tile plan for the job-script tests (tests/jobs).
# Until `carereach tile` writes real tile scenarios ([tile]), the "tiles" here are ordinary small scenarios — the
# scheduler side does not care what a tile's scenario is: it runs `carereach run SCENARIO --out OUT --overwrite`.
# Each tile is the two-county synthetic scenario of tests/cli/fixture.hpp (two 0.1° square counties near 116°E
# 33.5°N, census totals, three facilities in a CSV with Chinese headers) on a 500 m grid, with its own facility
# list so the tiles differ; it runs in well under a second. The estimates in plan.json are made up: three tiles of
# different sizes, so that submit_slurm.sh makes two size classes. Every path has a space in it.
set -eu
plan=$1
mkdir -p "$plan"
data="$plan/input data"
mkdir -p "$data"
cat >"$data/zones.geojson" <<JSON
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"100001","name":"甲县"},"geometry":{"type":"Polygon","coordinates":[[[116.0,33.5],[116.1,33.5],[116.1,33.6],[116.0,33.6],[116.0,33.5]]]}},
{"type":"Feature","properties":{"code":"100002","name":"乙县"},"geometry":{"type":"Polygon","coordinates":[[[116.1,33.5],[116.2,33.5],[116.2,33.6],[116.1,33.6],[116.1,33.5]]]}}]}
JSON
printf 'code,pop\n100001,1000\n100002,2000\n' >"$data/census.csv"

for id in north south-1 big_3; do
  t="$plan/tiles/$id"
  mkdir -p "$t"
  case $id in
    north) printf '机构代码,机构名称,机构类别,标签,经度,纬度\nF1,甲镇卫生院,乡镇卫生院,中医馆,116.05,33.55\n' ;;
    south-1) printf '机构代码,机构名称,机构类别,标签,经度,纬度\nF2,乙县中医院,中医医院,县级医院,116.15,33.55\n' ;;
    *) printf '机构代码,机构名称,机构类别,标签,经度,纬度\nF1,甲镇卫生院,乡镇卫生院,中医馆,116.05,33.55\nF3,丙村卫生室,村卫生室,,116.12,33.52\n' ;;
  esac >"$t/facilities.csv"
  cat >"$t/scenario.toml" <<TOML
[scenario]
name = "测试分块 $id"
name_en = "Test tile $id"

[analysis]
cell_size_m = 500

[[zones]]
level = "county"
source = "../../input data/zones.geojson"
code_field = "code"
name_field = "name"

[population]
kind = "zone_totals"
source = "../../input data/census.csv"
level = "county"
code_field = "code"
count_field = "pop"

[[facilities]]
source = "facilities.csv"
crs = "EPSG:4326"
x_field = "经度"
y_field = "纬度"
[facilities.fields]
id = "机构代码"
name = "机构名称"
type = "机构类别"
tags = "标签"
TOML
done

# Estimates: north 40 MiB, 30 s; south-1 100 MiB, 10 s; big_3 300 MiB, 200 s. With the margin (1.5 x + 256 MiB,
# 2 x + 5 min): big_3 706 MiB, 12 min; south-1 406 MiB, 6 min; north 316 MiB, 6 min. tiles.txt order: big_3,
# south-1, north; size classes: big_3 + south-1 (706 MiB, 00:12:00) and north (316 MiB, 00:06:00).
cat >"$plan/plan.json" <<JSON
{
  "schema_version": 1,
  "carereach_version": "0.0.0",
  "scenario": "../scenario.toml",
  "scenario_sha256": "0000000000000000000000000000000000000000000000000000000000000000",
  "by": "county", "level": "county",
  "halo_m": 5000.0,
  "crs": "EPSG:4548",
  "cell_size_m": 500.0,
  "tiles": [
    { "id": "north", "scenario": "tiles/north/scenario.toml", "out": "out/north", "own_cells": 400, "cells": 600,
      "memory_bytes": 41943040, "seconds": 30 },
    { "id": "south-1", "scenario": "tiles/south-1/scenario.toml", "out": "out/south-1", "own_cells": 400, "cells": 600,
      "memory_bytes": 104857600, "seconds": 10 },
    { "id": "big_3", "scenario": "tiles/big_3/scenario.toml", "out": "out/big 3", "own_cells": 800, "cells": 900,
      "memory_bytes": 314572800, "seconds": 200 }
  ]
}
JSON
