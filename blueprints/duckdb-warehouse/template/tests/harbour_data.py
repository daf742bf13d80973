"""The raw exports read again in plain Python, to check the warehouse against.

Nothing here uses DuckDB or dbt: these answers are computed independently of your
models, from the same CSV files the build read. ``add_test_rows`` also appends
rows of its own to a copy of the data before the build (a new station, a new
member who changes plan, rides exported twice, a ride whose clock went wrong, a
ride on a day after the shipped ones, chosen at random), so a model that only knows
the shipped files, or these rows, does not pass.
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


def add_test_rows(data_dir: Path) -> None:
    """Append the tests' own rows to the copy of the data in ``data_dir``."""
    later = datetime(2026, 12, 3, 8) + timedelta(days=random.randrange(60))
    append_rows(
        data_dir / "stations.csv",
        ("station_id", "station_name", "capacity", "opened_on"),
        [(" hb13", " Pier Head ", "8", "2026-11-20")],
    )
    append_rows(
        data_dir / "members.csv",
        ("member_id", "full_name", "plan", "home_station", "updated_at"),
        [
            ("M9001", "Tegen Bolitho", "Casual ", "hb13", "2026-11-20 08:00:00"),
            ("M9001", "Tegen Bolitho", "ANNUAL", "HB13", "2026-11-25 12:30:00"),
            ("M9001", "Tegen Bolitho", "ANNUAL", "HB13", "2026-11-25 12:30:00"),
        ],
    )
    append_rows(
        data_dir / "rides" / "rides_tests.csv",
        RIDE_COLUMNS,
        [
            # before and after the member's change of plan
            (
                "R900001",
                "M9001",
                "hb13",
                "HB01 ",
                "2026-11-21 09:15:00",
                "2026-11-21 09:40:10",
                "2026-12-02 03:00:00",
            ),
            (
                "R900002",
                "M9001",
                "HB01",
                " Hb13",
                "2026-11-26 17:05:00",
                "2026-11-26 17:31:00",
                "2026-12-02 03:00:00",
            ),
            # exported twice: the later export corrected the end
            (
                "R900003",
                "M9001",
                "HB13",
                "HB13",
                "2026-11-27 07:00:00",
                "2026-11-27 09:00:00",
                "2026-12-01 03:00:00",
            ),
            (
                "R900003",
                "M9001",
                "HB13",
                "HB13",
                "2026-11-27 07:00:00",
                "2026-11-27 07:20:00",
                "2026-12-02 03:00:00",
            ),
            # the dock's clock went wrong: it ends before it starts
            (
                "R900004",
                "M0001",
                "HB02",
                "HB03",
                "2026-10-10 10:00:00",
                "2026-10-10 09:50:00",
                "2026-12-02 03:00:00",
            ),
            # a ride on a day after every shipped one, days without rides between
            (
                "R900005",
                "M9001",
                "HB13",
                "HB05",
                str(later),
                str(later + timedelta(minutes=25, seconds=30)),
                str(later + timedelta(days=1)),
            ),
        ],
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
