"""Excel number formats: a number shown as the spreadsheet shows it (ids with leading zeros, dates).

Covers General, zero padding with literals (``00000``, ``"A"0000``, ``\\A0000``, ``000-0000``),
decimals, thousands separators, percent, sections (positive;negative;zero), colour and
locale prefixes (``[Red]``, ``[$-411]``) and dates and times (``yyyy/m/d``, ``m"月"d"日"``,
AM/PM). Fractions, scientific notation, conditions and era years fall back to General, which
still shows the stored value. Checked against LibreOffice's "save as shown" CSV export.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

# The built-in formats a workbook refers to by number without writing them out. 14 is the
# system's short date: Japanese Excel shows it as yyyy/m/d (the locale of this tool's users).
BUILTIN: dict[int, str] = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
    12: "# ?/?", 13: "# ??/??", 14: "yyyy/m/d", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
    18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "yyyy/m/d h:mm",
    37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)",
    45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
    27: 'yyyy"年"m"月"', 28: 'm"月"d"日"', 29: 'm"月"d"日"', 30: "m/d/yy", 31: 'yyyy"年"m"月"d"日"',
    32: 'h"時"mm"分"', 33: 'h"時"mm"分"ss"秒"', 34: 'yyyy"年"m"月"', 35: 'm"月"d"日"', 36: 'yyyy"年"m"月"',
    50: 'yyyy"年"m"月"', 51: 'm"月"d"日"', 52: 'yyyy"年"m"月"', 53: 'm"月"d"日"', 54: 'm"月"d"日"',
    55: 'yyyy"年"m"月"', 56: 'm"月"d"日"', 57: 'yyyy"年"m"月"', 58: 'm"月"d"日"',
}  # fmt: skip

_TOKEN = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.|.', re.S)
_PLACEHOLDERS = ("0", "#", "?")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_LAST_SERIAL = 2_958_465  # 9999-12-31


def builtin_format(number: int) -> str:
    """The format code of a built-in format number (General for one this tool does not know)."""
    return BUILTIN.get(number, "General")


def _sections(code: str) -> list[list[str]]:
    sections: list[list[str]] = [[]]
    for token in _TOKEN.findall(code):
        if token == ";":
            sections.append([])
        else:
            sections[-1].append(token)
    return sections


def _is_date_tokens(tokens: list[str]) -> bool:
    for token in tokens:
        if len(token) == 1 and token.lower() in "ymdhs":
            return True
        if token.startswith("[") and token[1:2].lower() in ("h", "m", "s"):
            return True
    return False


def is_date_format(code: str) -> bool:
    """Whether a number in this format shows as a date or a time."""
    return _is_date_tokens(_sections(code)[0])


def general(value: float) -> str:
    """A number as Excel's General format shows it."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"
    return text


def format_number(value: float, code: str, date1904: bool = False) -> str:
    """The text a spreadsheet shows for ``value`` in the number format ``code``."""
    if code in ("General", "", "@") or value != value or value in (float("inf"), float("-inf")):
        return general(value)
    sections = _sections(code)
    if any(token.startswith("[") and token[1:2] in "<>=" for section in sections for token in section):
        return general(value)  # conditional sections
    negative_section = value < 0 and len(sections) >= 2 and bool(sections[1])
    if negative_section:
        section, value = sections[1], -value
    elif value == 0 and len(sections) >= 3:
        section = sections[2]
    else:
        section = sections[0]
    if _is_date_tokens(section):
        return _format_date(value, section, date1904) or general(value)
    shown = _format_plain(abs(value), section)
    if shown is None:
        return general(value)
    return "-" + shown if value < 0 and not negative_section else shown


def _literal(token: str) -> str | None:
    if token.startswith('"'):
        return token[1:-1]
    if token.startswith("\\"):
        return token[1:]
    if token.startswith("_"):
        return " "
    if token.startswith("*"):
        return ""
    if token.startswith("[$"):  # [$€-407]: the currency text before the locale
        return token[2:-1].split("-")[0]
    if token.startswith("["):  # [Red], [Color10]
        return ""
    if token in "0#?.,%Ee@/":
        return None
    return token


def _format_plain(value: float, section: list[str]) -> str | None:
    """A number in a section without dates; None for what this module leaves to General."""
    if any(token in ("E", "e", "/", "@") for token in section):
        return None
    places = [i for i, token in enumerate(section) if token in _PLACEHOLDERS]
    if not places:
        return "".join(_literal(token) or "" for token in section)
    first, last = places[0], places[-1]
    dot = next((i for i, token in enumerate(section) if token == "." and first <= i <= last + 1), None)
    int_part = section[first : dot if dot is not None else last + 1]
    dec_part = section[dot + 1 : last + 1] if dot is not None else []
    scale = 0
    while last + 1 + scale < len(section) and section[last + 1 + scale] == ",":
        scale += 1  # each comma after the last digit divides by a thousand
    percent = section.count("%")
    scaled = value * (100**percent) / (1000**scale)
    decimals = sum(1 for token in dec_part if token in _PLACEHOLDERS)
    rounded = Decimal(f"{scaled:.15g}").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    int_digits, _, dec_digits = f"{rounded:f}".partition(".")
    int_text = _integer_text(int_digits, int_part)
    dec_text = _decimal_text(dec_digits, dec_part) if dot is not None else ""
    prefix = "".join(_literal(token) or "" for token in section[:first])
    suffix = "".join(_literal(token) or "" for token in section[last + 1 + scale :] if token != "%")
    return prefix + int_text + dec_text + suffix + "%" * percent


def _integer_text(digits: str, int_part: list[str]) -> str:
    """The integer digits laid into the placeholders from the right, literals kept in place."""
    if digits == "0" and "0" not in int_part:
        digits = ""
    thousands = "," in int_part
    pending = list(f"{int(digits):,}" if thousands and digits else digits)
    laid: list[str] = []
    for token in reversed(int_part):
        if token in _PLACEHOLDERS:
            if pending:
                char = pending.pop()
                while char == "," and pending:
                    laid.append(char)
                    char = pending.pop()
                laid.append(char)
            elif token == "0":
                laid.append("0")
            elif token == "?":
                laid.append(" ")
        elif token != ",":
            laid.append(_literal(token) or "")
    return "".join(pending) + "".join(reversed(laid))


def _decimal_text(digits: str, dec_part: list[str]) -> str:
    pending = list(digits)
    laid = [
        (pending.pop(0) if pending else "0") if token in _PLACEHOLDERS else (_literal(token) or "")
        for token in dec_part
    ]
    text = "".join(laid)
    optional = sum(1 for token in dec_part if token == "#")
    while optional and text.endswith("0"):  # '#' decimals drop trailing zeros
        text, optional = text[:-1], optional - 1
    return "." + text


def serial_to_datetime(value: float, date1904: bool = False) -> dt.datetime | None:
    """The date and time of a spreadsheet serial number (Excel's 1900 leap-year bug included)."""
    if value < 0 or value > _LAST_SERIAL:
        return None
    if date1904:
        base = dt.datetime(1904, 1, 1)
    elif value < 60:
        base = dt.datetime(1899, 12, 31)
    else:
        base = dt.datetime(1899, 12, 30)  # serial 60 is Excel's invented 1900-02-29
    days = int(value)
    return base + dt.timedelta(days=days, seconds=round((value - days) * 86400))


def _date_tokens(section: list[str]) -> list[str]:
    """Runs of one letter joined (yyyy, mm, d), and AM/PM and A/P as single tokens."""
    merged: list[str] = []
    i = 0
    while i < len(section):
        five = "".join(section[i : i + 5]).upper()
        if five == "AM/PM":
            merged.append("AM/PM")
            i += 5
        elif five[:3] == "A/P":
            merged.append("A/P")
            i += 3
        else:
            merged.append(section[i])
            i += 1
    tokens: list[str] = []
    for token in merged:
        previous = tokens[-1] if tokens else ""
        same_letter = previous.isalpha() and previous not in ("AM/PM", "A/P") and previous[0].lower() == token.lower()
        if len(token) == 1 and token.isalpha() and same_letter:
            tokens[-1] += token
        else:
            tokens.append(token)
    return tokens


def _format_date(value: float, section: list[str], date1904: bool) -> str | None:
    when = serial_to_datetime(value, date1904)
    if when is None:
        return None
    twelve_hour = any(key in "".join(section).upper() for key in ("AM/PM", "A/P"))
    tokens = _date_tokens(section)
    return "".join(_date_part(tokens, i, when, twelve_hour) for i in range(len(tokens)))


def _date_part(tokens: list[str], i: int, when: dt.datetime, twelve_hour: bool) -> str:
    token = tokens[i]
    low, size = token.lower(), len(token)
    if low.startswith("y"):
        return str(when.year) if size > 2 else f"{when.year % 100:02d}"
    if low.startswith("m"):
        return _month_or_minute(tokens, i, when)
    if low.startswith("d"):
        return (str(when.day), f"{when.day:02d}", _DAYS[when.weekday()][:3], _DAYS[when.weekday()])[min(size, 4) - 1]
    if low.startswith("h"):
        hour = (when.hour % 12 or 12) if twelve_hour else when.hour
        return f"{hour:02d}" if size == 2 else str(hour)
    if low.startswith("s"):
        return f"{when.second:02d}" if size == 2 else str(when.second)
    if token in ("AM/PM", "A/P"):
        return ("AM" if when.hour < 12 else "PM")[: 2 if token == "AM/PM" else 1]
    literal = _literal(token)
    return (token if token in "/.,:" else "") if literal is None else literal


def _month_or_minute(tokens: list[str], i: int, when: dt.datetime) -> str:
    """'m' is the minute after an hour or before a second, else the month."""
    token, size = tokens[i], len(tokens[i])
    before = next((t.lower() for t in reversed(tokens[:i]) if t.isalpha()), "")
    after = next((t.lower() for t in tokens[i + 1 :] if t.isalpha()), "")
    if size <= 2 and (before.startswith("h") or after.startswith("s")):
        return f"{when.minute:02d}" if size == 2 else str(when.minute)
    names = (str(when.month), f"{when.month:02d}", _MONTHS[when.month - 1][:3], _MONTHS[when.month - 1])
    return names[min(size, 4) - 1] if token else ""
