"""The SME batch input contract: one row per enterprise, these columns (money in 10,000 CNY, ratios in
percent). Every column but ``firm_id`` is optional; a column a rule needs that is absent or empty makes
that rule "cannot evaluate" (never a silent zero).

Kinds: text, money (>= 0, 10,000 CNY), signed_money (may be negative), count (whole number >= 0),
years (>= 0), percent (a ratio in percent, with bounds), level (whole number in bounds), score
(number in bounds), bool (yes/no, 是/否, true/false, 1/0), enum (one of ``values``).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    zh: str
    en: str
    unit: str = ""
    values: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    aliases: tuple[str, ...] = field(default=())

    @property
    def header(self) -> str:
        """The template header: machine name, Chinese label, unit (the reader takes the first word)."""
        unit = f"（{self.unit}）" if self.unit else ""
        return f"{self.name} {self.zh}{unit}"

    def expected(self) -> str:
        if self.kind == "enum":
            return "one of " + "|".join(self.values)
        if self.kind == "bool":
            return "yes or no (是/否, true/false, 1/0)"
        if self.kind in ("money",):
            return "an amount in 10,000 CNY (万元) >= 0"
        if self.kind == "signed_money":
            return "an amount in 10,000 CNY (万元)"
        if self.kind in ("count", "level"):
            rng = f" between {self.low:g} and {self.high:g}" if self.high is not None else " >= 0"
            return f"a whole number{rng}"
        if self.kind in ("percent", "score", "years"):
            hi = f" and {self.high:g}" if self.high is not None else ""
            lo = f"{self.low:g}" if self.low is not None else "-inf"
            what = {"percent": "a percentage", "score": "a score", "years": "a number of years"}[self.kind]
            return f"{what} between {lo}{hi}" if hi else f"{what} >= {lo}"
        return "text"


IP_LEVELS = ("none", "class2", "class1", "class1_own", "class1_high_value")
CHAIN_ROLES = ("breakthrough", "foundation", "none")
RD_INSTITUTIONS = ("none", "below_city", "city", "provincial", "national")
SCI_AWARDS = ("none", "provincial_top3", "national_top3", "national_top5", "other")
MAKER_CHINA = ("none", "national_500", "national_50")

COLUMNS: tuple[Column, ...] = (
    Column("firm_id", "text", "企业代码", "enterprise id (e.g. unified social credit code)",
           aliases=("统一社会信用代码", "企业代码", "id")),
    Column("name", "text", "企业名称", "enterprise name", aliases=("企业名称", "名称")),
    Column("region", "text", "地区", "province (GB/T 2260 code or name)", aliases=("地区", "省份")),
    Column("industry", "text", "行业代码", "industry, GB/T 4754-2017 code (division or finer, e.g. C3612)",
           aliases=("行业代码", "行业", "所属行业")),
    Column("employees", "count", "从业人员", "employees (persons)", "人", aliases=("从业人员", "从业人数", "职工总数")),
    Column("total_assets", "money", "资产总额", "total assets", "万元", aliases=("资产总额",)),
    Column("revenue", "money", "上年度营业收入", "operating revenue, last year", "万元", aliases=("营业收入", "上年度营业收入")),
    Column("revenue_prev1", "money", "上上年度营业收入", "operating revenue, the year before", "万元",
           aliases=("上上年度营业收入",)),
    Column("main_revenue", "money", "上年度主营业务收入", "main-business revenue, last year", "万元",
           aliases=("主营业务收入", "上年度主营业务收入")),
    Column("main_revenue_prev1", "money", "上上年度主营业务收入", "main-business revenue, the year before", "万元",
           aliases=("上上年度主营业务收入",)),
    Column("main_revenue_prev2", "money", "前第三年主营业务收入", "main-business revenue, three years back", "万元",
           aliases=("前第三年主营业务收入",)),
    Column("rd_expense", "money", "上年度研发费用", "R&D expense, last year", "万元", aliases=("研发费用", "上年度研发费用")),
    Column("rd_expense_prev1", "money", "上上年度研发费用", "R&D expense, the year before", "万元",
           aliases=("上上年度研发费用",)),
    Column("net_profit", "signed_money", "上年度净利润", "net profit, last year", "万元", aliases=("净利润", "上年度净利润")),
    Column("debt_ratio", "percent", "上年末资产负债率", "debt-to-asset ratio at end of last year", "%", low=0, high=1000,
           aliases=("资产负债率",)),
    Column("rd_staff", "count", "研发人员数", "R&D staff (persons)", "人", aliases=("研发人员", "研发人员数")),
    Column("niche_years", "years", "从事细分市场年限", "years in the niche market", "年", low=0, high=200,
           aliases=("从事细分市场年限", "细分市场年限")),
    Column("strategic_emerging", "bool", "主导产品属于战略性新兴产业", "main product in a strategic emerging industry", "是/否"),
    Column("chain_role", "enum", "产业链作用", "role in key industrial chains", "|".join(CHAIN_ROLES), values=CHAIN_ROLES),
    Column("ip_level", "enum", "知识产权最高类别", "highest class of valid IP related to the main product",
           "|".join(IP_LEVELS), values=IP_LEVELS),
    Column("class1_ip_applied", "count", "已应用Ⅰ类知识产权数", "class-I IP items applied with economic benefit", "项"),
    Column("digital_level", "level", "数字化水平等级", "digitalisation level (0-4)", "级", low=0, high=4,
           aliases=("数字化水平",)),
    Column("quality_award", "bool", "省级以上质量奖", "provincial or higher quality award", "是/否"),
    Column("quality_cert", "bool", "质量管理体系认证", "quality-management system certification (e.g. ISO 9001)", "是/否"),
    Column("own_brand", "bool", "自主品牌", "own brand", "是/否"),
    Column("standards", "bool", "参与制修订标准", "took part in drafting standards", "是/否"),
    Column("local_score", "score", "地方特色指标得分", "local-characteristics points assessed by the province", "分",
           low=0, high=15),
    Column("rd_institution", "enum", "研发机构级别", "level of the R&D institution", "|".join(RD_INSTITUTIONS),
           values=RD_INSTITUTIONS),
    Column("equity_financing_2y", "money", "近2年新增股权融资", "new equity financing (qualified investors), last 2 years",
           "万元"),
    Column("equity_financing_3y", "money", "近3年新增股权融资", "new equity financing (qualified investors), last 3 years",
           "万元"),
    Column("sci_award", "enum", "科技奖励", "science and technology award in the last 3 years",
           "|".join(SCI_AWARDS), values=SCI_AWARDS),
    Column("maker_china", "enum", "创客中国大赛", "Maker China contest result in the last 3 years",
           "|".join(MAKER_CHINA), values=MAKER_CHINA),
    Column("honours", "bool", "有效荣誉（高新技术企业等）", "valid honour: high-tech enterprise or similar", "是/否"),
    Column("market_share", "percent", "全国细分市场占有率", "national niche-market share of the main product", "%",
           low=0, high=100),
    Column("info_system", "bool", "核心业务信息系统支撑", "a core business supported by an information system", "是/否"),
    Column("mgmt_cert", "bool", "管理体系或发达国家产品认证", "management-system or developed-economy product certification", "是/否"),
    Column("credit_ok", "bool", "信用良好无重大违法", "good standing (no dishonesty listing, accident or violation)", "是/否"),
    Column("platform_score", "score", "专精特新发展评价得分", "SRDI development-evaluation score from the zjtx platform", "分",
           low=0, high=100),
    Column("digital_score", "score", "数字化水平评测总分", "digitalisation-evaluation total score (used when digital_level is empty)",
           "分", low=0, high=100),
)

BY_NAME = {c.name: c for c in COLUMNS}
NUMERIC_KINDS = ("money", "signed_money", "count", "years", "percent", "level", "score")
