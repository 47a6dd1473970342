import re
from pathlib import Path

import pytest

from portal.pages.policy_text import reflow, visible_characters

SEEDS = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "seeds").glob("*.txt"))


def test_there_are_five_seed_documents():
    assert len(SEEDS) == 5


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_reflow_keeps_every_character(seed):
    raw = seed.read_text(encoding="utf-8")
    blocks = reflow(raw)
    assert re.sub(r"\s+", "", "".join(b.text for b in blocks)) == visible_characters(raw)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_reflow_finds_headings(seed):
    blocks = reflow(seed.read_text(encoding="utf-8"))
    assert any(b.kind == "h2" for b in blocks)


def test_lines_broken_mid_sentence_are_joined():
    text = "各市(州)民政局、财政局、卫生健康委、残联；长白山管理委员会民政局、财\n\n政局、卫生健康委、残联：\n"
    blocks = reflow(text)
    assert [b.text for b in blocks] == ["各市(州)民政局、财政局、卫生健康委、残联；长白山管理委员会民政局、财政局、卫生健康委、残联："]


def test_headings_numbered_items_and_labels_stay_apart():
    text = (
        "二、重点任务\n(一)全市精神障碍社区康复服务体系建设布局优化行动\n1.科学规划精神障碍社区康复服务体系建设\n"
        "(1)各县(市)区、开发区民政部门研究制定具体实施方案，组织开展动员部署\n责任部门：各级民政、卫健、残联\n"
        "完成时限：2023年11月\n"
    )
    blocks = reflow(text)
    assert [(b.kind, b.text[:6]) for b in blocks] == [
        ("h2", "二、重点任务"), ("h3", "(一)全市精"), ("p", "1.科学规划"), ("p", "(1)各县("), ("p", "责任部门：各"),
        ("p", "完成时限：2"),
    ]


def test_signatures_dates_and_document_numbers_stay_on_their_own_line():
    text = "吉民发〔2023〕40 号\n  吉林省民政厅         吉林省财政厅\n               2023 年 7 月 19 日\n"
    assert len(reflow(text)) == 3


def test_markdown_markers_and_rules_are_dropped():
    blocks = reflow("## 一、总体要求\n---\n正文。\n")
    assert [(b.kind, b.text) for b in blocks] == [("h2", "一、总体要求"), ("p", "正文。")]


def test_the_seed_title_split_over_two_lines_is_joined():
    raw = SEEDS[4].read_text(encoding="utf-8")
    texts = [b.text for b in reflow(raw)]
    assert "关于印发《如皋市精神障碍社区康复服务项目试点实施方案》的通知" in texts


def test_the_signature_lines_above_a_date_are_marked_and_kept_apart():
    text = ("（三）加强督查指导。共同推进工作的持续发展。\n\n上 海 市 民 政 局 上 海 市 财 政 局\n\n"
            "上海市卫生健康委员会 上 海 市 公 安 局\n\n2023年 10月 7日\n\n（此件主动公开）\n\n"
            "上海市民政局办公室 2023年 10月 16日印发\n")
    assert [b.kind for b in reflow(text)] == ["p", "sign", "sign", "sign", "p", "p"]
    # A sentence right above a date is body text, not a signature.
    assert [b.kind for b in reflow("请结合实际抓好贯彻落实。\n2025年6月5日\n")] == ["p", "sign"]
