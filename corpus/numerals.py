"""Chinese numerals as used in article labels: 二十一 ↔ 21, 一百零五 ↔ 105.

Usage::

    cn_to_int("一百零五")  # 105
    int_to_cn(21)          # "二十一"
"""

from __future__ import annotations

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "零一二三四五六七八九"

CN_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS)


def cn_to_int(text: str) -> int:
    """Parse a numeral below ten thousand: Arabic digits, a well-formed Chinese numeral (一百零五, 十一,
    两千) or Chinese digits read in place (一二〇 → 120); raise ValueError for anything else (九十九十, 百五)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if len(text) > 1 and not any(ch in _UNITS for ch in text):
        return int("".join(str(_DIGITS[ch]) for ch in text))  # digits in place: 二〇二五, 九九九
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
    value = total + (digit or 0)
    written = text.replace("两", "二").replace("〇", "零")
    if not 0 < value < 10000 or written not in (int_to_cn(value), "一" + int_to_cn(value)):
        raise ValueError(f"not a well-formed Chinese numeral: {text!r}")
    return value


def int_to_cn(number: int) -> str:
    """Write a number from 1 to 9999 the way article labels do (十一, 二十, 一百零五, 一百一十)."""
    if not 0 < number < 10000:
        raise ValueError(f"out of range: {number}")
    parts: list[str] = []
    zero_pending = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // value % 10
        if digit == 0:
            zero_pending = bool(parts)
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        parts.append(_CN[digit] + unit)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text
