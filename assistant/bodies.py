"""Names of responsible bodies: the comparison key that makes short and long forms meet, and collective names.

A name given by a user resolves by a key that drops 市/临汾/各, the final 局 and bracketed parts and
contracts common long forms (应急管理→应急, 市场监督管理→市场监管, 人民政府→政府, 县（市、区）→县), so
能源局, 市应急局 and 应急管理局 all meet 市应急管理局.

Usage::

    body_key("临汾市应急管理局") == body_key("市应急局") == "应急"
    is_collective("市安委会有关成员单位")       # True: it stands for several bodies
    by_remit("市安委会有关成员单位")            # True: only the members whose remit a task names carry it
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

CLOSE_MATCHES = 5  # close names offered for a name that matches none

# Long forms and the short forms cadres write for them, applied to both sides of a name comparison.
_CONTRACTIONS = (
    ("住房和城乡建设", "住建"),
    ("市场监督管理", "市场监管"),
    ("监督管理", "监管"),
    ("应急管理", "应急"),
    ("城市管理", "城管"),
    ("交通运输", "交通"),
    ("规划和自然资源", "自然资源"),
    ("消防救援", "消防"),
    ("经济开发区", "开发区"),
    ("经济技术开发区", "开发区"),
    ("经开区", "开发区"),
    ("管理委员会", "管委会"),
    ("人民政府", "政府"),
    ("县市区", "县"),  # 各县（市、区） as cadres write it: 各县市区政府, 各县区政府
    ("县区", "县"),
)
_PREFIX = re.compile(r"^(?:临汾市|临汾|市级|各|市(?![场政]))")
_SUFFIX = re.compile(r"(?:总局|分局|局)$")
_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")
# A collective body whose members carry a task only when it lies in their remit: 有关成员单位, 负有…职责的部门.
_BY_REMIT = re.compile(r"有关|相关|负有.*职责")


def normalize_name(name: str) -> str:
    """A body name without spaces and a trailing 等部门/等, brackets full-width."""
    name = "".join(name.split()).replace("(", "（").replace(")", "）")
    return name.removesuffix("等部门").removesuffix("等")


def body_key(name: str) -> str:
    """The comparison key of a body name: 市应急管理局, 应急管理局 and 市应急局 all give 应急."""
    key = _BRACKETED.sub("", normalize_name(name))
    key = _SUFFIX.sub("", _PREFIX.sub("", key))
    for long, short in _CONTRACTIONS:
        key = key.replace(long, short)
    return key


def is_collective(name: str) -> bool:
    """A body that stands for several: 市安委会有关成员单位, 市级…的部门, 各县（市、区）人民政府."""
    return name.startswith("各") or name.endswith(("单位", "部门"))


def by_remit(name: str) -> bool:
    """A collective whose members carry only the tasks of their remit (有关成员单位), not every task
    (市安委会成员单位, 各县（市、区）人民政府)."""
    return bool(_BY_REMIT.search(name))


def group_key(name: str) -> str:
    """The key of a collective as a member list names it: 市安委会有关成员单位 and 市安委会成员单位 meet."""
    return body_key(re.sub(r"有关|相关", "", normalize_name(name)))


class UnknownBodyError(ValueError):
    """A body name that matches no body of the notice (or several); the message lists close names."""


def resolve_name(name: str, names: Sequence[str], where: str = "") -> str:
    """The one of ``names`` that ``name`` means, written in full or as a short or partial form (能源局);
    UnknownBodyError in Chinese, with the close names, otherwise."""
    key = body_key(name)
    keys = {body: body_key(body) for body in names}
    if len(key) >= 2:
        exact = next((body for body, k in keys.items() if k == key), None)
        if exact is not None:
            return exact
    partial = [body for body, k in keys.items() if len(key) >= 2 and (key in k or k in key)]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise UnknownBodyError(f"“{name}”可能是指：{'、'.join(partial)}，请写出完整的单位名称。")
    close = difflib.get_close_matches(key, keys.values(), n=CLOSE_MATCHES, cutoff=0.3)
    named = [body for body, k in keys.items() if k in close] or list(names)[:CLOSE_MATCHES]
    raise UnknownBodyError(f"{where}没有找到责任单位“{name}”。相近的单位有：{'、'.join(named)}。")
