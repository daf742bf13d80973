"""The raw exports read again in plain Python, to check the warehouse against.

Nothing here uses DuckDB or dbt: these answers are computed independently of your
models, from the same CSV files the build read. ``add_test_rows`` also appends
rows of its own, drawn at random, to a copy of the data before the build (a new
station, a new member who changes plan, new and shipped rides exported again with
another end, a ride whose clock went wrong, a ride on a day after the shipped ones),
so a model that only knows the shipped files, or one draw of these rows, does not
pass.
"""

import csv
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

PLANS = ("annual", "monthly", "casual")
RIDE_COLUMNS = (
    "ride_id",
    "member_id",
    "start_station",
    "end_station",
    "started_at",
    "ended_at",
    "exported_at",
)


def _timestamp(text: str) -> datetime:
    return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def append_rows(
    path: Path, columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]
) -> None:
    exists = path.exists()
    with path.open("a", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        if not exists:
            writer.writerow(columns)
        writer.writerows(rows)


NAMES = (
    "Tegen Bolitho",
    "Morwenna Trevail",
    "Kerensa Polglase",
    "Jory Penhaligon",
    "Demelza Rowe",
    "Piran Tresize",
)
STATION_NAMES = ("Pier Head", "Net Loft", "Chapel Steps", "Old Quay", "Harbour Gate")


@dataclass(frozen=True)
class TestRows:
    """What ``add_test_rows`` drew: the tests look these up in the warehouse."""

    station_id: str
    station_name: str
    opened_on: date
    member_id: str
    plans: tuple[str, str]
    """The new member's plan before and after the change."""
    exported_again: dict[str, datetime]
    """Rides exported more than once, with the ``ended_at`` of their latest export."""


def _messy(text: str, draw: random.Random) -> str:
    """``text`` as a careless export writes it: odd case, stray spaces."""
    cased = draw.choice((text.lower(), text.upper(), text.title()))
    return draw.choice(("", " ")) + cased + draw.choice(("", " "))


def add_test_rows(data_dir: Path) -> TestRows:
    """Append the tests' own rows, drawn at random, to the copy of the data."""
    draw = random.Random()
    shipped = Reference(data_dir)
    station_id = draw.choice([f"HB{n}" for n in range(20, 90)])
    station_name = draw.choice(STATION_NAMES)
    opened_on = date(2026, 11, 1) + timedelta(days=draw.randrange(10))
    append_rows(
        data_dir / "stations.csv",
        ("station_id", "station_name", "capacity", "opened_on"),
        [
            (
                _messy(station_id, draw),
                f" {station_name} ",
                str(draw.randrange(4, 40)),
                str(opened_on),
            )
        ],
    )
    taken = {v.member_id for v in shipped.versions}
    member_id = draw.choice(
        [f"M{n}" for n in range(5000, 10000) if f"M{n}" not in taken]
    )
    name = draw.choice(NAMES)
    first_plan, second_plan = draw.sample(PLANS, 2)
    joined = datetime(2026, 11, 12) + timedelta(minutes=draw.randrange(3 * 24 * 60))
    changed = joined + timedelta(minutes=draw.randrange(2 * 24 * 60, 8 * 24 * 60))
    append_rows(
        data_dir / "members.csv",
        ("member_id", "full_name", "plan", "home_station", "updated_at"),
        [
            (
                member_id,
                name,
                _messy(first_plan, draw),
                _messy(station_id, draw),
                str(joined),
            ),
            (member_id, name, second_plan.upper(), station_id, str(changed)),
            (member_id, name, second_plan.upper(), station_id, str(changed)),
        ],
    )
    ids = iter(draw.sample(range(910000, 950000), 8))
    export = "2026-12-02 03:00:00"
    stations = sorted(shipped.stations)
    rows: list[tuple[str, ...]] = []
    exported_again: dict[str, datetime] = {}

    def ride(member: str, start: datetime, minutes: float) -> list[str]:
        return [
            f"R{next(ids)}",
            member,
            _messy(draw.choice([*stations, station_id]), draw),
            _messy(draw.choice([*stations, station_id]), draw),
            str(start),
            str(start + timedelta(seconds=round(minutes * 60))),
        ]

    # before and after the member's change of plan
    before = joined + (changed - joined) * draw.uniform(0.1, 0.9)
    rows.append((*ride(member_id, before.replace(microsecond=0), 25), export))
    after = changed + timedelta(minutes=draw.randrange(30, 3000))
    rows.append((*ride(member_id, after, 26), export))
    # new rides exported twice, the later export correcting the end: sometimes the
    # later export is written first
    for _ in range(2):
        start = datetime(2026, 11, 20) + timedelta(minutes=draw.randrange(9 * 24 * 60))
        first = ride(draw.choice([member_id, "M0001", "M0002"]), start, 120)
        ended = start + timedelta(minutes=draw.randrange(5, 90))
        second = [*first[:5], str(ended)]
        exports = [(*first, "2026-12-01 03:00:00"), (*second, export)]
        draw.shuffle(exports)
        rows.extend(exports)
        exported_again[first[0]] = ended
    # shipped rides exported again, later, with a corrected end
    for old in draw.sample(sorted(shipped.rides.values(), key=lambda r: r.ride_id), 3):
        ended = old.started_at + timedelta(minutes=draw.randrange(3, 100), seconds=7)
        if ended == old.ended_at:
            ended += timedelta(minutes=1)
        exported = old.exported_at + timedelta(hours=draw.randrange(1, 72))
        rows.append(
            (
                old.ride_id,
                old.member_id,
                old.start_station_id,
                old.end_station_id,
                str(old.started_at),
                str(ended),
                str(exported),
            )
        )
        exported_again[old.ride_id] = ended
    # the dock's clock went wrong: it ends before it starts
    start = datetime(2026, 10, 1) + timedelta(minutes=draw.randrange(30 * 24 * 60))
    rows.append((*ride("M0001", start, -draw.randrange(1, 30)), export))
    # a ride on a day after every shipped one, days without rides between
    later = datetime(2026, 12, 3, 8) + timedelta(
        days=draw.randrange(60), minutes=draw.randrange(600)
    )
    rows.append((*ride(member_id, later, 25.5), str(later + timedelta(days=1))))
    append_rows(data_dir / "rides" / "rides_tests.csv", RIDE_COLUMNS, rows)
    return TestRows(
        station_id,
        station_name,
        opened_on,
        member_id,
        (first_plan, second_plan),
        exported_again,
    )


@dataclass(frozen=True)
class Ride:
    ride_id: str
    member_id: str
    start_station_id: str
    end_station_id: str
    started_at: datetime
    ended_at: datetime
    exported_at: datetime


@dataclass(frozen=True)
class MemberVersion:
    member_id: str
    full_name: str
    plan: str
    home_station_id: str
    valid_from: datetime
    valid_to: datetime | None


@dataclass(frozen=True)
class Station:
    station_id: str
    station_name: str
    capacity: int
    opened_on: date


class Reference:
    """What the warehouse should hold, computed from the CSV files in ``data_dir``."""

    def __init__(self, data_dir: Path) -> None:
        self.stations = {
            row["station_id"].strip().upper(): Station(
                row["station_id"].strip().upper(),
                row["station_name"].strip(),
                int(row["capacity"]),
                date.fromisoformat(row["opened_on"].strip()),
            )
            for row in _rows(data_dir / "stations.csv")
        }
        self.member_rows = _rows(data_dir / "members.csv")
        self.versions = self._versions()
        self.raw_rides = [
            row
            for path in sorted((data_dir / "rides").glob("*.csv"))
            for row in _rows(path)
        ]
        self.rides = self._rides()

    def _versions(self) -> list[MemberVersion]:
        changes: dict[str, dict[datetime, tuple[str, str, str]]] = defaultdict(dict)
        for row in self.member_rows:
            changes[row["member_id"].strip()][_timestamp(row["updated_at"])] = (
                row["full_name"].strip(),
                row["plan"].strip().lower(),
                row["home_station"].strip().upper(),
            )
        versions = []
        for member_id, by_time in changes.items():
            times = sorted(by_time)
            for index, start in enumerate(times):
                end = times[index + 1] if index + 1 < len(times) else None
                name, plan, home = by_time[start]
                versions.append(MemberVersion(member_id, name, plan, home, start, end))
        return versions

    def _rides(self) -> dict[str, Ride]:
        latest: dict[str, Ride] = {}
        for row in self.raw_rides:
            ride = Ride(
                row["ride_id"].strip(),
                row["member_id"].strip(),
                row["start_station"].strip().upper(),
                row["end_station"].strip().upper(),
                _timestamp(row["started_at"]),
                _timestamp(row["ended_at"]),
                _timestamp(row["exported_at"]),
            )
            kept = latest.get(ride.ride_id)
            if kept is None or ride.exported_at > kept.exported_at:
                latest[ride.ride_id] = ride
        return {
            key: ride for key, ride in latest.items() if ride.ended_at > ride.started_at
        }

    def version_at(self, member_id: str, moment: datetime) -> MemberVersion:
        """The version of the member that was valid at ``moment``."""
        for version in self.versions:
            if (
                version.member_id == member_id
                and version.valid_from <= moment
                and (version.valid_to is None or moment < version.valid_to)
            ):
                return version
        raise LookupError(f"{member_id} had not signed up at {moment}")

    def rides_per_day(self) -> dict[date, int]:
        """Rides started on each day from the first ride to the last, 0 included."""
        counts: dict[date, int] = defaultdict(int)
        for ride in self.rides.values():
            counts[ride.started_at.date()] += 1
        day, last = min(counts), max(counts)
        days = {}
        while day <= last:
            days[day] = counts[day]
            day += timedelta(days=1)
        return days

    def retention(self) -> dict[tuple[date, int], int]:
        """Members active in each month after the month of their first ride."""
        months: dict[str, set[date]] = defaultdict(set)
        for ride in self.rides.values():
            months[ride.member_id].add(ride.started_at.date().replace(day=1))
        active: dict[tuple[date, int], int] = defaultdict(int)
        for ridden in months.values():
            first = min(ridden)
            for month in ridden:
                since = (month.year - first.year) * 12 + month.month - first.month
                active[(first, since)] += 1
        return dict(active)

    def station_month_rides(self) -> dict[tuple[date, str], int]:
        """Rides started at each station in each month."""
        counts: dict[tuple[date, str], int] = defaultdict(int)
        for ride in self.rides.values():
            counts[(ride.started_at.date().replace(day=1), ride.start_station_id)] += 1
        return dict(counts)
