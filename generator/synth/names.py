"""Place names for synthetic content: Chinese names built from syllables, each with an ASCII slug.

Every syllable is a character and its pinyin (without tones), so a name such as 青石镇 comes with
the folder name `qingshi`. Names are unique among all places of a level, slugs among siblings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SYLLABLES: tuple[tuple[str, str], ...] = tuple(
    (pair[0], pair[1:])
    for pair in """
    青qing 石shi 东dong 西xi 南nan 北bei 中zhong 山shan 水shui 河he 湖hu 田tian 林lin 桥qiao
    庄zhuang 湾wan 岭ling 坪ping 坡po 塘tang 溪xi 源yuan 泉quan 口kou 关guan 堡bao 寨zhai 营ying
    集ji 店dian 塔ta 龙long 凤feng 马ma 鹤he 鹿lu 云yun 霞xia 金jin 银yin 玉yu 宝bao 兴xing 隆long
    安an 宁ning 平ping 和he 丰feng 富fu 盛sheng 昌chang 永yong 长chang 新xin 古gu 清qing 白bai
    红hong 黄huang 绿lv 松song 柏bai 桃tao 李li 杏xing 梅mei 兰lan 竹zhu 菊ju 花hua 星xing 月yue
    阳yang 明ming 德de 仁ren 义yi 信xin 福fu 寿shou 康kang 乐le 华hua 荣rong 祥xiang 瑞rui 吉ji
    双shuang 三san 五wu 七qi 九jiu 上shang 下xia 前qian 后hou 大da 小xiao 高gao 岗gang 峰feng
    """.split()
)

# level -> (suffix, weight) choices
SUFFIXES: dict[str, tuple[tuple[str, str], ...]] = {
    "province": (("省", ""),),
    "city": (("市", ""),),
    "county": (("县", ""), ("县", ""), ("区", "qu"), ("市", "shi")),
    "town": (("镇", ""), ("镇", ""), ("镇", ""), ("乡", "xiang"), ("街道", "jiedao")),
}
KIND = {"镇": "镇", "乡": "乡", "街道": "街道"}


@dataclass(frozen=True)
class Place:
    name: str  # 青石镇
    slug: str  # qingshi
    suffix: str  # 镇


class Namer:
    """Draws names that are unique per level and slugs that are unique among siblings."""

    def __init__(self, rng: random.Random, reserved: frozenset[str] = frozenset()) -> None:
        self.rng = rng
        self.reserved = reserved
        self.used: dict[str, set[str]] = {}
        self.sibling_slugs: dict[str, set[str]] = {}

    def draw(self, level: str, parent: str) -> Place:
        used = self.used.setdefault(level, set())
        slugs = self.sibling_slugs.setdefault(parent, set())
        for attempt in range(10_000):
            length = 2 if attempt < 200 else 3
            parts = [self.rng.choice(SYLLABLES) for _ in range(length)]
            suffix, slug_tail = self.rng.choice(SUFFIXES[level])
            name = "".join(p[0] for p in parts) + suffix
            if name in used:
                continue
            slug = "".join(p[1] for p in parts) + (f"-{slug_tail}" if slug_tail else "")
            base, n = slug, 2
            while slug in slugs or slug in self.reserved:
                slug, n = f"{base}-{n}", n + 1
            used.add(name)
            slugs.add(slug)
            return Place(name, slug, suffix)
        raise RuntimeError(f"ran out of names for {level}")  # pragma: no cover - 3-syllable names are plenty
