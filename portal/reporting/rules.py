"""The checks a submission goes through: errors stop it, warnings need a note.

Errors are figures that cannot both be true (more clients in standard
service than registered, a county without services whose clients are in
standard service). Warnings are figures that may well be true but that the
reviewer will ask about (a count that moved by more than half since the
last approved round, institutions that fell to zero): the reporter explains
them in 情况说明 and the submission goes through with the explanation.
"""

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"

# "Changed by more than half" since the last approved round.
CHANGE_LIMIT = 0.5


@dataclass(frozen=True)
class Finding:
    level: str
    subject: str
    message: str
    fix: str = ""

    def __str__(self):
        text = f"{self.subject}：{self.message}" if self.subject else self.message
        return f"{text}。{self.fix}" if self.fix else f"{text}。"

    @property
    def is_error(self):
        return self.level == ERROR


def errors(findings):
    return [f for f in findings if f.is_error]


def warnings(findings):
    return [f for f in findings if not f.is_error]


def check_report(report, county_name):
    """The errors of one county's figures (a SubmittedReport or CountyReport, saved or not)."""
    found = []
    registered = report.registered_clients or 0
    standard = report.standard_service_clients or 0
    if standard > registered:
        found.append(Finding(ERROR, county_name, f"接受规范服务人数（{standard}）超过登记康复对象人数（{registered}）",
                             "核对两项人数：接受规范服务的人应当是登记康复对象中的一部分"))
    if not report.offers_service and standard:
        found.append(Finding(ERROR, county_name, f"填报为未开展服务，但接受规范服务人数为 {standard}",
                             "已开展服务的请勾选“已开展精神障碍社区康复服务”；未开展的，接受规范服务人数应为 0"))
    total, with_service = report.townships_total, report.townships_with_service
    if total is not None and with_service is not None and with_service > total:
        found.append(Finding(ERROR, county_name, f"已开展服务的街道（乡镇）数（{with_service}）超过总数（{total}）",
                             "核对街道（乡镇）数"))
    return found


@dataclass(frozen=True)
class Figures:
    """What a submission adds up to, for comparing one round with the last."""

    institutions: int
    clients: int
    registered: int
    counties_with_institutions: frozenset

    @classmethod
    def of(cls, institutions, reports):
        return cls(
            institutions=len(institutions),
            clients=sum(i.clients_count or 0 for i in institutions),
            registered=sum(r.registered_clients or 0 for r in reports),
            counties_with_institutions=frozenset(i.county_id for i in institutions),
        )


def _moved_by_more_than_half(old, new):
    return old > 0 and abs(new - old) / old > CHANGE_LIMIT


def check_submission(region_name, institutions, reports, expected_counties, collects_institutions,
                     collects_reports, previous=None, previous_label=""):
    """Every finding of a submission about to be made.

    ``institutions`` and ``reports`` are the snapshot rows (unsaved);
    ``expected_counties`` the {id: name} of the counties that must have
    figures; ``previous`` the Figures of the region's last approved round.
    """
    found = []
    names = dict(expected_counties)
    if collects_reports:
        reported = {r.county_id for r in reports}
        missing = [name for pk, name in expected_counties.items() if pk not in reported]
        if missing:
            found.append(Finding(ERROR, region_name, f"缺少进展情况：{'、'.join(missing)}",
                                 "先填写这些县（市、区）本报告期的县级进展报告"))
        for report in reports:
            found.extend(check_report(report, names.get(report.county_id, region_name)))
    now = Figures.of(institutions, reports)
    if collects_institutions and collects_reports:
        for report in reports:
            if report.offers_service and report.county_id not in now.counties_with_institutions:
                found.append(Finding(WARNING, names.get(report.county_id, region_name),
                                     "填报为已开展服务，但没有报送任何精康服务机构",
                                     "补充机构，或在情况说明中说明服务由哪里提供"))
    if previous is not None:
        since = f"（与{previous_label}审核通过的数据相比）" if previous_label else ""
        if collects_institutions and previous.institutions and not now.institutions:
            found.append(Finding(WARNING, region_name, f"精康服务机构由 {previous.institutions} 家降为 0 家{since}",
                                 "确认机构确已撤销，或补报机构"))
        if collects_institutions and _moved_by_more_than_half(previous.clients, now.clients):
            found.append(Finding(WARNING, region_name, f"患者人数合计由 {previous.clients} 变为 {now.clients}，变化超过一半{since}",
                                 "核对各机构的患者人数，或在情况说明中说明原因"))
        if collects_reports and _moved_by_more_than_half(previous.registered, now.registered):
            found.append(Finding(WARNING, region_name, f"登记康复对象人数由 {previous.registered} 变为 {now.registered}，变化超过一半{since}",
                                 "核对登记康复对象人数，或在情况说明中说明原因"))
    return found
