"""A small corpus of SearchDocs with planted terms, and the brute-force truth of a query over it."""

from __future__ import annotations

import random

from generator.search.documents import SearchDoc, searched_text
from generator.search.normalise import run_text, search_terms

FILLER = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可也你"
NAME = "庄山镇"  # a town's name: its reports (one a year), and cited in the narrative of two others
PHRASE = "依申请公开办理及时"  # in exactly PHRASE_DOCS reports
PHRASE_DOCS = 7
NONE = "区块链"  # in no report
ALL = "政务公开"  # in every report
LONG = "甲乙丙丁戊己"  # every four-character gram of it occurs in one report, the term itself nowhere
YEARS = (2019, 2020, 2021, 2022, 2023)


def corpus(towns: int = 24, seed: int = 7) -> list[SearchDoc]:
    rng = random.Random(seed)
    docs: list[SearchDoc] = []
    phrase_at = set(rng.sample(range(towns * len(YEARS)), PHRASE_DOCS))
    for t in range(towns):
        name = NAME if t == 3 else f"{FILLER[t % len(FILLER)]}{FILLER[(t * 7) % len(FILLER)]}镇"
        county = ("东县", "西县", "南县")[t % 3]
        city = "甲市" if t < towns // 2 else "乙市"
        path = f"sheng/{'jia' if t < towns // 2 else 'yi'}/{('dong', 'xi', 'nan')[t % 3]}/t{t:03d}"
        for y in YEARS:
            n = len(docs)
            words = [rng.choice(FILLER) + rng.choice(FILLER) for _ in range(rng.randint(20, 60))]
            text = "".join(words) + f"。{ALL}工作，共受理 {rng.randint(1, 99)} 件，其中 PDF 文件 {rng.randint(0, 9)} 份。"
            if n in phrase_at:
                text += PHRASE + "。"
            if n % 11 == 0:
                text += "行政复议" * (1 + n % 4) + "。ＰＤＦ格式。"
            if n in (40, 77):
                text += f"与{NAME}联合开展。"
            if n == 50:
                text += "甲乙丙丁。乙丙丁戊。丙丁戊己。"
            fmt = ("f2017", "2017 年版") if y < 2021 else ("f2021", "2021 年版")
            docs.append(SearchDoc(key=f"{path}/{y}", url=f"{path}/{y}/", title=f"{name}{y}年政府信息公开工作年度报告",
                                  town=name, town_path=path, region=("某省", city, county), year=y,
                                  format=fmt[0], format_name=fmt[1], text=text))
    return docs


def truth(docs: list[SearchDoc], query: str) -> set[str]:
    """Keys of the reports whose searched text holds every term of `query`."""
    terms = search_terms(query)
    return {d.key for d in docs if terms and all(t in run_text(searched_text(d)) for t in terms)}
