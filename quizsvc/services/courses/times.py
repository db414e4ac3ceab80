"""A course's local times: entered and shown in its time zone, stored in UTC.

`datetime-local` inputs send "2026-12-14T17:00" with no zone; the course's zone says what that
means, including across a daylight-saving change (zoneinfo resolves it).
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, datetime

from quizsvc.services.errors import InvalidInput

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


@functools.cache
def zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def check_zone(name: str) -> str:
    name = name.strip()
    if name not in zone_names():
        raise InvalidInput(
            f"Choose a time zone such as Europe/Athens or UTC; {name[:64]!r} is not one."
        )
    return name


def to_utc(local: str, zone: str) -> datetime | None:
    """A local "YYYY-MM-DDTHH:MM" in `zone` as aware UTC; "" is None (no such time)."""
    local = local.strip()
    if not local:
        return None
    try:
        naive = datetime.strptime(local[:16], LOCAL_FORMAT)
    except ValueError:
        raise InvalidInput(
            f"Give times as YYYY-MM-DDTHH:MM, e.g. 2026-12-14T17:00; not {local[:30]!r}."
        ) from None
    try:
        return naive.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(UTC)
    except OverflowError:  # year 1 east of Greenwich, or 9999 west of it
        raise InvalidInput(f"{local[:16]} in {zone} is outside the calendar.") from None


def to_local(moment: datetime | None, zone: str) -> str:
    """The input value for `moment` in `zone` ("" for none)."""
    if moment is None:
        return ""
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).strftime(LOCAL_FORMAT)


def shown(moment: datetime | None, zone: str) -> str:
    """`moment` as people read it in the course: "Mon 14 Dec 2026, 17:00 EET"."""
    if moment is None:
        return ""
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%a %d %b %Y, %H:%M %Z")
