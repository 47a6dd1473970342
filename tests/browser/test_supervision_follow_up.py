"""The supervision channel as a service loop, in Chromium: submit, note the two codes,
look the message up, rate the reply (不满意 reopens it). At 1280 px and 375 px,
with a screenshot of every new page for a person to look at."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .site_helpers import demo_site, site_db  # noqa: F401  (fixture)

pytestmark = site_db

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "tmp" / "test-artifacts"))
WIDTHS = {"desktop": 1280, "phone": 375}


def shoot(page, name, width):
    folder = ARTIFACTS / "supervision"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)


def assert_fits(page, width):
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{page.url} is {overflow} px wide at {width} px"


def submit_message(page, base):
    page.goto(base + "/jiandu/")
    page.select_option("#id_region", label="　铁东区")
    page.fill("#id_concerns", "浏览器测试康复驿站")
    page.fill("#id_content", "开放时间与公示不一致。")
    page.fill("#id_contact_phone", "13800138000")
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url(re.compile(r"/jiandu/thanks/$"))
    return page.locator(".reference").inner_text(), page.locator(".check-code").inner_text()


def look_up(page, reference, code):
    page.get_by_role("textbox", name="留言编号").fill(reference)
    page.get_by_role("textbox", name="查询码").fill(code.lower())  # typed as it comes: case does not matter
    page.get_by_role("button", name="查询").click()


@pytest.mark.parametrize("screen", WIDTHS)
def test_follow_up_and_rating_flow(page, demo_site, screen):
    from portal.supervision.models import MessageStatus, SupervisionMessage

    width = WIDTHS[screen]
    page.set_viewport_size({"width": width, "height": 900})
    base, _ = demo_site
    page.goto(base + "/jiandu/")
    expect(page.get_by_role("link", name="查询办理进度、评价答复")).to_have_attribute("href", "/jiandu/chaxun/")
    assert_fits(page, width)
    shoot(page, "supervision-page", width)
    reference, code = submit_message(page, base)
    assert reference.startswith("JK") and re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    expect(page.get_by_text("查询码只显示这一次")).to_be_visible()
    assert_fits(page, width)
    shoot(page, "thanks", width)

    page.get_by_role("link", name="留言进度查询").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("留言进度查询")
    assert_fits(page, width)
    shoot(page, "lookup-form", width)
    look_up(page, reference, "WRON-GCOD")
    expect(page.get_by_role("alert")).to_contain_text("留言编号或查询码不正确")
    look_up(page, reference, code)
    result = page.locator(".follow-up-result")
    expect(result).to_contain_text("已受理")
    expect(result).to_contain_text("尚未答复")
    expect(page.locator("body")).not_to_contain_text("13800138000")
    expect(page.get_by_role("heading", name="评价答复")).to_have_count(0)

    message = SupervisionMessage.objects.get(reference=reference)
    message.status, message.reply = MessageStatus.ANSWERED, "经核实，驿站周六上午已安排专人值守。"
    message.save()

    page.get_by_role("link", name="查询其他留言").click()
    look_up(page, reference, code)
    expect(result).to_contain_text("已答复")
    expect(result).to_contain_text("驿站周六上午已安排专人值守")
    assert_fits(page, width)
    shoot(page, "lookup-answered", width)

    # 不满意 without a reason is refused; with one, the message is reopened.
    page.get_by_label("不满意").check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_role("alert")).to_contain_text("请写明不满意的原因")
    assert_fits(page, width)
    shoot(page, "rating-error", width)
    page.get_by_label("不满意").check()
    page.get_by_label("评价意见").fill("周六上午仍然无人。")
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_role("status")).to_contain_text("留言已重新办理")
    expect(result).to_contain_text("重新办理")
    expect(result).to_contain_text("您的评价：不满意")
    assert_fits(page, width)
    shoot(page, "rated-dissatisfied", width)
    message.refresh_from_db()
    assert message.status == MessageStatus.REOPENED and message.needs_callback()


def test_a_satisfied_rating_in_elder_mode(page, demo_site):
    from portal.supervision.models import MessageStatus, SupervisionMessage

    base, _ = demo_site
    page.set_viewport_size({"width": 375, "height": 900})
    reference, code = submit_message(page, base)
    message = SupervisionMessage.objects.get(reference=reference)
    message.status, message.reply = MessageStatus.ANSWERED, "已答复。"
    message.save()
    page.goto(base + "/elder-mode/?on=1&next=/jiandu/chaxun/")
    look_up(page, reference, code)
    choice = page.locator(".rating-choice", has_text="基本满意")
    assert choice.bounding_box()["height"] >= 44  # large targets in 长者模式
    page.get_by_label("基本满意").check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_role("status")).to_contain_text("感谢您的评价")
    expect(page.get_by_role("heading", name="评价答复")).to_have_count(0)
    assert_fits(page, 375)
    shoot(page, "rated-elder", 375)
    assert message.ratings.get().rating == "basically_satisfied"
