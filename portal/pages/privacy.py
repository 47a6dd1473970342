"""Checks a case write-up for what looks like personal data (精神卫生法第四条).

They warn, they do not decide: an editor confirms consent and anonymisation
before submitting, and these patterns catch the usual slips.
"""

import re

PHONE_RE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?[1-9]\d{6,7})(?!\d)")
ID_CARD_RE = re.compile(r"(?<![\dXx])(?:\d{17}[\dXx]|\d{15})(?![\dXx])")
# The hundred-odd most common surnames cover the great majority of names.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
DIAGNOSES = (
    "精神分裂症", "分裂症", "抑郁症", "双相", "躁郁症", "躁狂", "焦虑症", "强迫症", "偏执", "精神发育迟滞",
    "癫痫", "精神障碍", "精神病", "妄想",
)
_NAME = rf"[{SURNAMES}][\u4e00-\u9fff]{{1,2}}"
_NOT_ANONYMISED = "某先女"  # 张某, 李先生, 王女士 are already anonymised
ANONYMISED_MARKERS = ("某", "先生", "女士", "老师", "阿姨", "大爷", "同学")
_DIAG = "|".join(DIAGNOSES)
NAME_NEAR_DIAGNOSIS_RE = re.compile(
    rf"({_NAME})(?<![{_NOT_ANONYMISED}])[^。；\n]{{0,12}}(?:{_DIAG})|(?:{_DIAG})[^。；\n]{{0,12}}?患者({_NAME})(?<![{_NOT_ANONYMISED}])"
)


def personal_data_warnings(text):
    """Human-readable warnings (in Chinese) for ``text``; empty when nothing was found."""
    text = text or ""
    warnings = []
    for match in PHONE_RE.finditer(text):
        warnings.append(f"疑似电话号码“{match.group(0)}”")
    for match in ID_CARD_RE.finditer(text):
        warnings.append(f"疑似身份证号“{match.group(0)[:6]}…”")
    for match in NAME_NEAR_DIAGNOSIS_RE.finditer(text):
        name = match.group(1) or match.group(2)
        if any(marker in name for marker in ANONYMISED_MARKERS):
            continue
        warnings.append(f"疑似真实姓名“{name}”与诊断同时出现：“{match.group(0)}”")
    return warnings
