"""Other ways of writing an answer that a marker accepts, and a form of text where they are one:
百分之六十 = 60%, 三十日内 = 30日内, 二十万元 = 20万元.

Usage::

    accepted_variants("百分之六十")      # ("60%",)
    accepted_variants("30日内")          # ("三十日内",)
    arabic_numbers("处二十万元以上的罚款")  # "处20万元以上的罚款"
"""

from __future__ import annotations

import re

from corpus.numerals import CN_NUMERAL_CHARS, cn_to_int, int_to_cn

_CN_NUMBER = re.compile(rf"[{CN_NUMERAL_CHARS}]+(?:[万亿][{CN_NUMERAL_CHARS}]*)*")
_AR_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PERCENT_CN = re.compile(rf"百分之([{CN_NUMERAL_CHARS}]+|\d+(?:\.\d+)?)")
_PERCENT_AR = re.compile(r"(\d+(?:\.\d+)?)%")


def arabic(numeral: str) -> str:
    """A Chinese numeral in digits, 万 and 亿 kept: 三十 → 30, 二十万 → 20万, 一千五百万 → 1500万."""
    parts = re.split(r"([万亿])", numeral)
    return "".join(part if part in ("万", "亿") else str(cn_to_int(part)) if part else "" for part in parts)


def chinese(numeral: str) -> str:
    """Digits as a Chinese numeral, 万 and 亿 kept: 30 → 三十, 20万 → 二十万; "" when it cannot be written."""
    parts = re.split(r"([万亿])", numeral)
    out = []
    for part in parts:
        if part in ("万", "亿") or not part:
            out.append(part)
        elif part.isdigit() and 0 < int(part) < 10000:
            out.append(int_to_cn(int(part)))
        else:
            return ""
    return "".join(out)


def arabic_numbers(text: str) -> str:
    """The text with its Chinese numerals in digits and 百分之N as N%, for comparing two wordings (一般
    becomes 1般 on both sides alike)."""
    text = _PERCENT_CN.sub(lambda m: f"{m[1] if m[1][0].isdigit() else arabic(m[1])}%", text)
    return _CN_NUMBER.sub(lambda m: _try_arabic(m.group()), text)


def _try_arabic(numeral: str) -> str:
    try:
        return arabic(numeral)
    except ValueError:
        return numeral


def accepted_variants(answer: str) -> tuple[str, ...]:
    """The answer written the other way (digits ↔ Chinese numerals, 百分之N ↔ N%); () when there is none."""
    if "至" in answer:  # 40%至80% ↔ 百分之四十至百分之八十
        parts = [accepted_variants(part) for part in answer.split("至")]
        return ("至".join(p[0] for p in parts),) if all(parts) else ()
    if _PERCENT_CN.fullmatch(answer):
        number = _PERCENT_CN.fullmatch(answer)[1]  # type: ignore[index]
        return (f"{number if number[0].isdigit() else arabic(number)}%",)
    if _PERCENT_AR.fullmatch(answer):
        written = chinese(_PERCENT_AR.fullmatch(answer)[1])  # type: ignore[index]
        return (f"百分之{written}",) if written else ()
    if _AR_NUMBER.search(answer):
        converted = _AR_NUMBER.sub(lambda m: chinese(m.group()) or m.group(), answer)
        converted = re.sub(r"([一二三四五六七八九十百千]+)([万亿])", r"\1\2", converted)
        return (converted,) if converted != answer and not _AR_NUMBER.search(converted) else ()
    if any(ch in CN_NUMERAL_CHARS for ch in answer):
        converted = arabic_numbers(answer)
        return (converted,) if converted != answer else ()
    return ()
