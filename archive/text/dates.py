"""Days as the paper prints them."""

import datetime


def chinese_day(day: datetime.date) -> str:
    """2025年1月24日: no leading zeros, as ``|date:"Y年n月j日"`` gives it."""
    return f"{day.year}年{day.month}月{day.day}日"
