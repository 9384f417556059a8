"""Narrative Markdown for a synthetic report: the format's outline, ~4 KB of plausible Chinese prose.

Sections follow the format's outline headings (a format without one gets the headings most
narrative-only reports use). Figures are stated in sentences built from the indicators' own
patterns, so the lint reads back exactly the values in the tables.
"""

from __future__ import annotations

import random

from generator.formats.spec import OutlineSection

FREE_OUTLINE = (
    OutlineSection("overview", "一、总体情况"),
    OutlineSection("proactive", "二、主动公开政府信息情况"),
    OutlineSection("applications", "三、依申请公开政府信息情况"),
    OutlineSection("problems", "四、存在的主要问题及改进情况"),
    OutlineSection("other", "五、其他需要报告的事项"),
)

SUBJECTS = """政务公开 信息公开 公开目录 公开指南 政府网站 政务新媒体 便民服务中心 公开专栏 办事指南 权责清单
财政预决算 重大建设项目 惠民惠农资金 乡村振兴政策 社会救助 就业创业 义务教育 医疗卫生 生态环境
安全生产 食品安全 征地补偿 农村危房改造 民生实事 政策文件 解读材料 村务公开 党务公开 公共服务事项
依申请公开 保密审查 档案管理 工作机制 考核评议 业务培训 队伍建设 信息发布 舆情回应 政民互动""".split()

ACTIONS = """推进 加强 完善 规范 落实 深化 优化 健全 拓展 强化 提升 细化 统筹 更新 梳理 公开 发布 解读
宣传 督促 整改 核查 归集 维护""".split()

MANNERS = """稳步 持续 全面 扎实 有序 切实 及时 准确 主动 依法 进一步 不断 着力 认真""".split()

QUALITIES = """更加规范 更加透明 明显提升 逐步完善 运行平稳 覆盖全面 便捷高效 及时准确 有力有序 取得实效""".split()

CHANNELS = ["镇政府网站", "政务公开栏", "微信公众号", "便民服务中心", "村务公开栏", "政务服务大厅", "镇政务新媒体"]

MEASURES = """建立健全 坚持 推行 实行 落实""".split()

PROBLEMS = """公开内容还不够全面 信息更新还不够及时 政策解读形式较为单一 工作人员业务能力有待提高
基层公开标准化规范化程度不高 公开栏目设置还不够科学 互动回应还不够充分""".split()

PLANS = """加强业务培训 完善公开目录 丰富解读形式 提高更新频率 强化监督考核 拓展公开渠道 规范申请办理""".split()


class Prose:
    """Sentences about a town's disclosure work, drawn from small phrase tables."""

    def __init__(self, rng: random.Random, town: str) -> None:
        self.rng = rng
        self.town = town

    def sentence(self) -> str:
        r = self.rng
        kind = r.random()
        if kind < 0.3:
            return f"{r.choice(MANNERS)}{r.choice(ACTIONS)}{r.choice(SUBJECTS)}工作，{r.choice(SUBJECTS)}{r.choice(QUALITIES)}。"
        if kind < 0.5:
            return (
                f"{r.choice(MEASURES)}{r.choice(SUBJECTS)}制度，通过{r.choice(CHANNELS)}、{r.choice(CHANNELS)}等渠道"
                f"{r.choice(ACTIONS)}{r.choice(SUBJECTS)}相关信息，方便群众查阅。"
            )
        if kind < 0.65:
            return f"{self.town}{r.choice(MANNERS)}{r.choice(ACTIONS)}{r.choice(SUBJECTS)}，{r.choice(ACTIONS)}{r.choice(SUBJECTS)}，做到应公开尽公开。"
        if kind < 0.8:
            return (
                f"围绕{r.choice(SUBJECTS)}和{r.choice(SUBJECTS)}等群众关心的事项，{r.choice(MANNERS)}{r.choice(ACTIONS)}"
                f"{r.choice(SUBJECTS)}，{r.choice(SUBJECTS)}{r.choice(QUALITIES)}。"
            )
        if kind < 0.9:
            return f"对照上级要求，{r.choice(MANNERS)}{r.choice(ACTIONS)}{r.choice(SUBJECTS)}，确保{r.choice(SUBJECTS)}{r.choice(QUALITIES)}。"
        return f"全年组织{r.choice(SUBJECTS)}专题学习，{r.choice(ACTIONS)}{r.choice(SUBJECTS)}，**{r.choice(SUBJECTS)}{r.choice(QUALITIES)}**。"

    def paragraph(self, figures: list[str] = ()) -> str:  # type: ignore[assignment]
        parts = [self.sentence() for _ in range(self.rng.randint(3, 5))]
        for figure in figures:
            parts.insert(self.rng.randint(1, len(parts)), figure)
        return "".join(parts)

    def problems_list(self) -> str:
        r = self.rng
        items = r.sample(PROBLEMS, 3)
        plans = r.sample(PLANS, 3)
        return "\n".join(f"{i}. {p}，下一步将{q}，{r.choice(MANNERS)}{r.choice(ACTIONS)}{r.choice(SUBJECTS)}。" for i, (p, q) in enumerate(zip(items, plans), 1))


def figure_sentence(phrase: str, rng: random.Random) -> str:
    lead = rng.choice(["全年", "本年度", "年内", "截至年底，", ""])
    return f"{lead}{phrase}。"


def compose(
    rng: random.Random,
    town: str,
    title: str,
    sections: tuple[OutlineSection, ...],
    figures_by_section: dict[str, list[str]],
    target_bytes: int = 1500,
) -> list[str]:
    """The narrative as a list of lines (paragraphs are single lines, so one can be redrawn alone)."""
    sections = sections or FREE_OUTLINE
    prose = Prose(rng, town)
    per_section = max(300, target_bytes // len(sections))
    lines: list[str] = [f"根据《中华人民共和国政府信息公开条例》要求，现公布{title}。", ""]
    for index, section in enumerate(sections):
        lines += [f"## {section.heading}", ""]
        pending = list(figures_by_section.get(section.id, ()))
        if index == 0:
            for other, figs in figures_by_section.items():
                if other not in {s.id for s in sections}:
                    pending += figs  # figures of a section the outline lacks go to the first section
        size = 0
        while size < per_section or pending:
            take, pending = pending[:3], pending[3:]
            para = prose.paragraph(take)
            lines += [para, ""]
            size += len(para.encode())
        if section.id == "problems" or index == len(sections) - 1 and "problems" not in {s.id for s in sections}:
            lines += [prose.problems_list(), ""]
    return lines
