"""The country -> time zone table and the zone a new patient gets by default."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from crm.timezones import COUNTRY_ZONES, country_zones, main_zone, zone_for_offset

WINTER = dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)
SUMMER = dt.datetime(2027, 7, 1, 12, tzinfo=dt.UTC)


def test_every_zone_in_the_table_exists():
    assert len(COUNTRY_ZONES) > 200
    for zones in COUNTRY_ZONES.values():
        for name in zones:
            zoneinfo.ZoneInfo(name)


def test_a_country_with_one_clock_has_a_main_zone_and_one_with_several_asks():
    assert main_zone("tr") == "Europe/Istanbul"
    # Germany lists Busingen too, on the same clock as Berlin.
    assert country_zones("DE")[:1] == ("Europe/Berlin",) and main_zone("DE") == "Europe/Berlin"
    assert main_zone("ES") is None and "Atlantic/Canary" in country_zones("ES")
    assert main_zone("US") is None and main_zone("ZZ") is None and country_zones("") == ()


def test_the_zone_matching_an_offset_follows_daylight_saving():
    one_hour = dt.timedelta(hours=1)
    assert zone_for_offset("ES", one_hour, at=WINTER) == "Europe/Madrid"
    assert zone_for_offset("ES", one_hour, at=SUMMER) == "Atlantic/Canary"
    assert zone_for_offset("US", dt.timedelta(hours=-5), at=WINTER) == "America/New_York"
    assert zone_for_offset("DE", None, at=WINTER) == "Europe/Berlin"
    assert zone_for_offset("DE", dt.timedelta(hours=9), at=WINTER) == "UTC"
