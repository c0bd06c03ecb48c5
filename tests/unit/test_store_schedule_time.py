"""Schedule slot arithmetic: next full hour, next 6-hour boundary, next daily time, in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.domain.schedule_time import from_utc_text, next_run, normalise_at, to_utc_text


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("every", "at", "after", "expected"),
    [
        ("1h", None, "2024-03-10 10:15:00", "2024-03-10 11:00"),
        ("1h", None, "2024-03-10 10:00:00", "2024-03-10 11:00"),
        ("1h", None, "2024-03-10 10:59:59.999999", "2024-03-10 11:00"),
        ("1h", None, "2024-03-10 23:30:00", "2024-03-11 00:00"),
        ("1h", None, "2024-01-31 23:59:00", "2024-02-01 00:00"),
        ("1h", None, "2023-12-31 23:00:01", "2024-01-01 00:00"),
        ("6h", None, "2024-03-10 00:00:00", "2024-03-10 06:00"),
        ("6h", None, "2024-03-10 05:59:59", "2024-03-10 06:00"),
        ("6h", None, "2024-03-10 06:00:00", "2024-03-10 12:00"),
        ("6h", None, "2024-03-10 13:20:00", "2024-03-10 18:00"),
        ("6h", None, "2024-03-10 18:00:00", "2024-03-11 00:00"),
        ("6h", None, "2024-02-29 19:00:00", "2024-03-01 00:00"),
        ("6h", None, "2023-12-31 23:59:59", "2024-01-01 00:00"),
        ("daily", None, "2024-03-10 08:59:00", "2024-03-10 09:00"),
        ("daily", None, "2024-03-10 09:00:00", "2024-03-11 09:00"),
        ("daily", None, "2024-03-10 23:00:00", "2024-03-11 09:00"),
        ("daily", None, "2024-02-28 10:00:00", "2024-02-29 09:00"),
        ("daily", None, "2023-02-28 10:00:00", "2023-03-01 09:00"),
        ("daily", None, "2024-04-30 09:30:00", "2024-05-01 09:00"),
        ("daily", "21:30", "2024-03-10 21:29:59", "2024-03-10 21:30"),
        ("daily", "21:30", "2024-03-10 21:30:00", "2024-03-11 21:30"),
        ("daily", "00:00", "2024-03-10 00:00:00", "2024-03-11 00:00"),
        ("daily", "00:00", "2024-12-31 12:00:00", "2025-01-01 00:00"),
        ("daily", "23:59", "2024-01-31 23:59:30", "2024-02-01 23:59"),
        ("daily", "7:05", "2024-03-10 06:00:00", "2024-03-10 07:05"),
        ("1h", "12:00", "2024-03-10 10:15:00", "2024-03-10 11:00"),
    ],
    ids=[
        "1h-mid-hour",
        "1h-on-the-hour",
        "1h-just-before",
        "1h-across-midnight",
        "1h-month-end",
        "1h-year-end",
        "6h-midnight",
        "6h-just-before-6",
        "6h-on-6",
        "6h-afternoon",
        "6h-18-to-midnight",
        "6h-leap-day-end",
        "6h-year-end",
        "daily-before-9",
        "daily-on-9",
        "daily-after-9",
        "daily-into-leap-day",
        "daily-no-leap-day",
        "daily-month-end",
        "daily-at-before",
        "daily-at-on",
        "daily-midnight",
        "daily-midnight-new-year",
        "daily-23-59-month-end",
        "daily-single-digit-hour",
        "1h-ignores-at",
    ],
)
def test_next_run(every: str, at: str | None, after: str, expected: str) -> None:
    result = next_run(every, at, utc(after))

    assert result == utc(expected)
    assert result.tzinfo is UTC
    assert result > utc(after)


def test_next_run_works_in_utc_whatever_the_input_zone() -> None:
    india = timezone(timedelta(hours=5, minutes=30))

    # 08:00 in India is 02:30 UTC: the next daily 09:00 UTC is the same UTC day.
    assert next_run("daily", None, datetime(2024, 3, 10, 8, 0, tzinfo=india)) == utc(
        "2024-03-10 09:00"
    )
    assert next_run("6h", None, datetime(2024, 3, 10, 5, 0, tzinfo=india)) == utc(
        "2024-03-10 00:00"
    )


def test_next_run_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="timezone"):
        next_run("1h", None, datetime(2024, 3, 10, 10, 0))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("every", "at", "expected"),
    [
        ("daily", None, "09:00"),
        ("daily", "7:05", "07:05"),
        ("daily", " 23:59 ", "23:59"),
        ("1h", None, None),
        ("6h", None, None),
    ],
    ids=["default", "padded", "trimmed", "hourly", "six-hourly"],
)
def test_normalise_at(every: str, at: str | None, expected: str | None) -> None:
    assert normalise_at(every, at) == expected


@pytest.mark.parametrize(
    ("every", "at"),
    [
        ("2h", None),
        ("weekly", None),
        ("daily", "24:00"),
        ("daily", "09:60"),
        ("daily", "9"),
        ("daily", "0900"),
        ("daily", "9:0"),
        ("daily", ""),
        ("1h", "09:00"),
        ("6h", "06:00"),
    ],
    ids=[
        "2h",
        "weekly",
        "hour-24",
        "minute-60",
        "hour-only",
        "no-colon",
        "one-digit-minute",
        "empty",
        "at-with-1h",
        "at-with-6h",
    ],
)
def test_normalise_at_refuses_bad_values(every: str, at: str | None) -> None:
    with pytest.raises(ValueError, match=r"must|only goes"):
        normalise_at(every, at)


def test_utc_text_is_fixed_width_and_sorts_like_time() -> None:
    moments = [
        utc("2024-01-01 09:00:00"),
        utc("2024-01-01 09:00:00.5"),
        utc("2024-01-01 09:00:01"),
        datetime(2024, 1, 1, 15, 0, tzinfo=timezone(timedelta(hours=5))),  # 10:00 UTC
    ]

    texts = [to_utc_text(moment) for moment in moments]

    assert texts[0] == "2024-01-01T09:00:00.000Z"
    assert texts[3] == "2024-01-01T10:00:00.000Z"
    assert {len(text) for text in texts} == {24}
    assert sorted(texts) == texts
    assert [from_utc_text(text) for text in texts] == moments
