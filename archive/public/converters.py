"""URL converters of the print edition's dates."""

import datetime


class DayConverter:
    """``2025-01-24`` in a URL; an impossible date (2025-02-30) matches no route: a 404."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"  # ASCII: \d would match ２０２５

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)  # ValueError: no match

    def to_url(self, value) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else str(value)


class MonthConverter:
    """``2025-01`` in a URL, as the month's first day."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> datetime.date:
        year, month = value.split("-")
        return datetime.date(int(year), int(month), 1)  # ValueError: no match

    def to_url(self, value) -> str:
        if isinstance(value, datetime.date):
            return f"{value.year:04d}-{value.month:02d}"
        return str(value)
