#!/usr/bin/env python3
"""Writes protocol/calendar/<year>.json with the fixed holidays and ESTIMATED lunar holidays.

Lunar months start the day after the evening on which the crescent is first seen in Morocco. The
estimate: new moons from Meeus, "Astronomical Algorithms", ch. 49 (error of minutes), and the
crescent counted as seen when the moon is at least MIN_AGE_HOURS old at sunset in Rabat (about
19:00 UTC all year is close enough at the scale of this rule). Checked against the announced 2025
dates. Every lunar entry is written with status "estimated": replace it with the ministry's
announcement when it comes. Usage: python3 scripts/calendar/estimate.py 2028 [2029 ...]
"""
import json
import math
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

MIN_AGE_HOURS = 20
SUNSET_UTC_HOUR = 19
# Anchor: 1 Muharram 1447 began on 27 June 2025 in Morocco (announced).
ANCHOR_YEAR, ANCHOR_START = 1447, date(2025, 6, 27)

FIXED = [
    ("01-01", "New Year's Day"),
    ("01-11", "Proclamation of Independence Manifesto"),
    ("01-14", "Amazigh New Year (Yennayer)"),
    ("05-01", "Labour Day"),
    ("07-30", "Throne Day"),
    ("08-14", "Oued Ed-Dahab Day"),
    ("08-20", "Revolution of the King and the People"),
    ("08-21", "Youth Day"),
    ("10-31", "Unity Day"),
    ("11-06", "Green March"),
    ("11-18", "Independence Day"),
]
# (Hijri month 1-12, first day, number of days, name)
LUNAR = [
    (10, 1, 2, "Eid al-Fitr"),
    (12, 10, 2, "Eid al-Adha"),
    (1, 1, 1, "Islamic New Year (1 Muharram)"),
    (3, 12, 2, "Prophet's Birthday (Mawlid)"),
]


def new_moon(k: int) -> datetime:
    """Meeus ch. 49: instant (UTC, ignoring ΔT's ~1 min) of lunation k (k=0 ≈ 6 Jan 2000)."""
    t = k / 1236.85
    jde = 2451550.09766 + 29.530588861 * k + 0.00015437 * t**2 - 0.000000150 * t**3 + 0.00000000073 * t**4
    e = 1 - 0.002516 * t - 0.0000074 * t**2
    r = math.radians
    m = r(2.5534 + 29.10535670 * k - 0.0000014 * t**2 - 0.00000011 * t**3)
    mp = r(201.5643 + 385.81693528 * k + 0.0107582 * t**2 + 0.00001238 * t**3 - 0.000000058 * t**4)
    f = r(160.7108 + 390.67050284 * k - 0.0016118 * t**2 - 0.00000227 * t**3 + 0.000000011 * t**4)
    om = r(124.7746 - 1.56375588 * k + 0.0020672 * t**2 + 0.00000215 * t**3)
    corr = (
        -0.40720 * math.sin(mp) + 0.17241 * e * math.sin(m) + 0.01608 * math.sin(2 * mp)
        + 0.01039 * math.sin(2 * f) + 0.00739 * e * math.sin(mp - m) - 0.00514 * e * math.sin(mp + m)
        + 0.00208 * e * e * math.sin(2 * m) - 0.00111 * math.sin(mp - 2 * f) - 0.00057 * math.sin(mp + 2 * f)
        + 0.00056 * e * math.sin(2 * mp + m) - 0.00042 * math.sin(3 * mp) + 0.00042 * e * math.sin(m + 2 * f)
        + 0.00038 * e * math.sin(m - 2 * f) - 0.00024 * e * math.sin(2 * mp - m) - 0.00017 * math.sin(om)
    )
    jd = jde + corr
    return datetime(2000, 1, 1, 12, tzinfo=timezone.utc) + timedelta(days=jd - 2451545.0)


def month_start(conjunction: datetime) -> date:
    """First day of the month: the day after the first evening with a crescent old enough to be seen."""
    day = conjunction.date()
    while True:
        sunset = datetime(day.year, day.month, day.day, SUNSET_UTC_HOUR, tzinfo=timezone.utc)
        if sunset > conjunction and (sunset - conjunction).total_seconds() / 3600 >= MIN_AGE_HOURS:
            return day + timedelta(days=1)
        day += timedelta(days=1)


def hijri_months(until: date):
    """(hijri year, month, first day) from the anchor onwards."""
    k = round((datetime(2025, 6, 25, tzinfo=timezone.utc) - new_moon(0)).days / 29.530588861)
    year, month = ANCHOR_YEAR, 1
    while True:
        start = month_start(new_moon(k))
        if start > until:
            return
        yield year, month, start
        k += 1
        month += 1
        if month == 13:
            year, month = year + 1, 1


def calendar(year: int) -> dict:
    holidays = [{"date": f"{year}-{md}", "name": name, "kind": "fixed"} for md, name in FIXED]
    for hy, hm, start in hijri_months(date(year + 1, 12, 31)):
        for month, first, days, name in LUNAR:
            if hm != month:
                continue
            for i in range(days):
                d = start + timedelta(days=first - 1 + i)
                if d.year == year:
                    label = f"{name} {hy}" + (f" (day {i + 1})" if days > 1 else "")
                    holidays.append({"date": d.isoformat(), "name": label, "kind": "lunar", "status": "estimated"})
    holidays.sort(key=lambda h: h["date"])
    return {
        "year": year,
        "notes": "Lunar dates are estimates (scripts/calendar/estimate.py: astronomical new moon plus a "
        f"{MIN_AGE_HOURS}-hour-old crescent at sunset in Morocco). Replace each with the ministry's "
        "announcement, set status to 'announced', and add any exceptional day off.",
        "holidays": holidays,
    }


if __name__ == "__main__":
    out = Path(__file__).resolve().parents[2] / "protocol" / "calendar"
    for arg in (a for a in sys.argv[1:] if a != "--print"):
        y = int(arg)
        if "--print" in sys.argv:
            print(json.dumps(calendar(y), ensure_ascii=False, indent=2))
            continue
        (out / f"{y}.json").write_text(json.dumps(calendar(y), ensure_ascii=False, indent=2) + "\n")
        print(f"wrote {out / f'{y}.json'}")
