"""The keys of site.yaml, region.yaml and town.yaml, with what each means (checked by the validate
stage, described in the JSON schemas)."""

from __future__ import annotations

SITE_FIELDS = {
    "title": "门户名称",
    "authority": "主办单位",
    "description": "门户简介",
    "base_url": "正式发布地址（以 / 结尾）",
    "column_name": "栏目名称",
    "site_id_code": "网站标识码",
    "icp": "ICP备案号",
    "police_filing": "公安机关备案号",
    "police_filing_code": "公安机关备案号中的数字编号（用于备案查询链接）",
    "badge": "党政机关网站标识图片（内容目录内的相对路径）",
    "error_report_url": "“我为政府网站找错”链接",
    "contact": "联系方式（phone、email、address）",
    "show_consistency_notes": "是否在年报页面公开显示一致性提示（true/false）",
    "theme": "自定义主题目录（相对于内容目录的上级目录）",
}
REGION_FIELDS = {"name": "地区名称，如 山东省", "code": "行政区划代码（如已知）", "kind": "级别，如 省、市、县"}
TOWN_FIELDS = {"name": "镇（乡、街道）名称", "kind": "类别：镇、乡、街道等", "authority": "发布机关，如 羊郡镇人民政府", "code": "行政区划代码（如已知）"}
