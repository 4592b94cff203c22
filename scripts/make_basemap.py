#!/usr/bin/env python3
"""Builds crates/reckon-server/assets/kz-regions.geojson: a SCHEMATIC base map of
Kazakhstan's regions for the offline map page.

No boundary data is copied from anywhere. The country outline is a coarse hand-made
polygon of about 70 points; each region is the union of the Voronoi cells of the
gazetteer's cities in it (crates/reckon-names/src/places.rs), clipped to that outline.
The shapes are therefore approximate, and every feature says so (`schematic: true`).

Run: python3 -m venv /tmp/geo && /tmp/geo/bin/pip install shapely scipy numpy &&
     /tmp/geo/bin/python scripts/make_basemap.py
"""
import json
import pathlib
import re

import numpy as np
from scipy.spatial import Voronoi
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.ops import unary_union

ROOT = pathlib.Path(__file__).resolve().parent.parent
PLACES = (ROOT / "crates/reckon-names/src/places.rs").read_text()

# A coarse outline (longitude, latitude), clockwise from the lower Volga.
OUTLINE = [
    (46.5, 48.4), (46.8, 49.4), (47.5, 50.4), (48.7, 50.6), (48.8, 51.4), (50.8, 51.7),
    (52.3, 51.8), (53.4, 51.5), (55.7, 50.5), (57.2, 50.9), (58.6, 51.1), (59.9, 50.6),
    (61.4, 50.8), (61.6, 52.0), (60.0, 52.4), (61.0, 53.0), (61.2, 53.9), (63.0, 54.2),
    (65.2, 54.6), (67.0, 54.8), (68.2, 55.2), (69.2, 55.4), (70.8, 55.2), (71.2, 54.2),
    (73.4, 53.9), (73.7, 54.1), (76.5, 54.2), (76.2, 53.5), (77.9, 53.3), (79.8, 50.9),
    (80.8, 51.2), (83.4, 51.0), (85.2, 49.9), (86.7, 49.8), (87.3, 49.2), (85.7, 48.4),
    (85.5, 47.1), (83.0, 47.2), (82.3, 45.5), (80.2, 45.0), (80.0, 44.0), (80.3, 42.9),
    (79.2, 42.8), (76.0, 43.0), (74.2, 43.2), (73.5, 42.5), (71.8, 42.8), (70.9, 42.3),
    (70.0, 41.5), (68.6, 40.7), (68.0, 41.2), (66.6, 41.2), (66.0, 42.9), (64.0, 43.6),
    (62.0, 43.5), (61.0, 44.4), (58.5, 45.6), (56.0, 45.0), (56.0, 41.3), (55.0, 41.3),
    (54.0, 42.3), (52.8, 42.1), (52.6, 42.8), (51.3, 43.2), (50.3, 44.5), (51.3, 45.0),
    (53.0, 45.3), (53.2, 46.6), (51.0, 47.0), (49.2, 46.4), (48.6, 46.8), (47.0, 47.7),
]

# Cities of republican status belong, on the map, to the region around them.
SURROUNDING = {"astana": "akmola-region", "almaty": "almaty-region", "shymkent": "turkistan-region"}


def main():
    cities = []
    for m in re.finditer(
        r'city\(\s*"([a-z-]+)",.*?(None|Some\("([a-z-]+)"\)),\s*\(([\d.]+),\s*([\d.]+)\)', PLACES, re.S
    ):
        region = m.group(3) or SURROUNDING[m.group(1)]
        cities.append((m.group(1), region, float(m.group(5)), float(m.group(4))))
    names = {}
    for m in re.finditer(r'region\(\s*"([a-z-]+)",\s*"([^"]+)",\s*"([^"]+)",\s*"([^"]+)"', PLACES):
        names[m.group(1)] = (m.group(2), m.group(3), m.group(4))
    outline = Polygon(OUTLINE)
    points = np.array([(lon, lat) for _, _, lon, lat in cities])
    # Far-away helper points close every city's cell.
    far = np.array([(20, 20), (20, 80), (120, 20), (120, 80)])
    vor = Voronoi(np.vstack([points, far]))
    cells = {}
    for index, (_, region, _, _) in enumerate(cities):
        vertices = vor.regions[vor.point_region[index]]
        cell = Polygon([vor.vertices[v] for v in vertices]).intersection(outline)
        cells.setdefault(region, []).append(cell)
    features = []
    for region, parts in sorted(cells.items()):
        shape = unary_union(parts).simplify(0.05)
        if isinstance(shape, Polygon):
            shape = MultiPolygon([shape])
        kk, ru, en = names[region]
        geometry = mapping(shape)
        geometry["coordinates"] = [
            [[[round(x, 3), round(y, 3)] for x, y in ring] for ring in polygon]
            for polygon in geometry["coordinates"]
        ]
        features.append({
            "type": "Feature",
            "properties": {"id": region, "name_kk": kk, "name_ru": ru, "name_en": en, "schematic": True},
            "geometry": geometry,
        })
    collection = {
        "type": "FeatureCollection",
        "note": "Schematic regions of Kazakhstan made by scripts/make_basemap.py from the gazetteer's "
        "cities and a coarse outline; not official boundaries.",
        "features": features,
    }
    out = ROOT / "crates/reckon-server/assets/kz-regions.geojson"
    out.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{len(features)} regions written to {out}")


main()
