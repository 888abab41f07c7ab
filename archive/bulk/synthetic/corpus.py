"""The word stock synthetic stories are built from.

Sentences come from the two real stories of the sample page, with their place
names swapped for the story's county, so text has the rhythm, punctuation and
vocabulary of county reporting (and search has realistic terms to find).
"""

import re

from archive.demo import oracle

_ENDS = "。！？…"
_OPENING, _CLOSING = "“‘「", "”’」"
_PLACES = ["柯城区", "建德市", "柯城", "建德", "衢州市", "杭州市", "衢州", "杭州"]
_PLACE_RE = re.compile("|".join(_PLACES))


def sentences_of(text: str) -> list[str]:
    """Sentences, never cutting inside a quotation, so quote marks stay paired."""
    sentences, start, depth = [], 0, 0
    for i, char in enumerate(text):
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth = max(0, depth - 1)
        next_char = text[i + 1 : i + 2]
        if char in _ENDS and depth == 0 and next_char not in _ENDS + _CLOSING:
            sentences.append(text[start : i + 1])
            start = i + 1
    if text[start:]:
        sentences.append(text[start:])
    return sentences


def demo_sentences() -> list[str]:
    return [
        sentence
        for story in oracle.STORIES
        for kind, text in story["body"]
        if kind == "paragraph"
        for sentence in sentences_of(text)
        if len(sentence) >= 8
    ]


def localised(sentence: str, county: str, county_short: str, city: str, city_short: str) -> str:
    """The sentence with the sample's place names replaced by another county's."""
    names = {
        "柯城区": county,
        "建德市": county,
        "柯城": county_short,
        "建德": county_short,
        "衢州市": city,
        "杭州市": city,
        "衢州": city_short,
        "杭州": city_short,
    }
    return _PLACE_RE.sub(lambda m: names[m.group(0)], sentence)


SUBHEADS = [
    "筑牢扩大投资“压舱石”",
    "迸发产业发展新动能",
    "蹚出城乡融合新路径",
    "理清家底清单 客商需求精准匹配",
    "善于借势借力 乡村振兴更具潜力",
    "激活共富新引擎",
    "打造营商环境新高地",
    "绘就和美乡村新画卷",
    "跑出项目建设加速度",
    "守护绿水青山好底色",
    "答好民生实事幸福卷",
    "擦亮文旅融合金名片",
]

HEADLINE_PHRASES = [
    "进入新赛道",
    "扛起新担当",
    "以担当之“为”换高质量发展之“能”",
    "奋力跑出加速度",
    "打好产业升级组合拳",
    "盘活存量资产",
    "做强县域经济",
    "绘就共富新图景",
    "深耕山区海岛",
    "让群众有更多获得感",
    "项目建设按下快进键",
    "科技创新激发新活力",
    "小切口推动大变化",
    "书写城乡融合新篇章",
    "争当高质量发展排头兵",
    "聚力招大引强",
    "擦亮生态底色",
    "点燃消费新引擎",
    "打通服务群众最后一公里",
    "以数字化改革破题",
]

KICKERS = [
    "提升服务能力 挖掘存量价值",
    "经济大省挑大梁",
    "开局就是决战 起步就要冲刺",
    "奋进新征程 建功新时代",
    "聚焦“千项万亿”工程",
    "深化“千万工程”",
    "县域观察",
]

SECTIONS = [
    "经济大省挑大梁", "要闻", "县域经济", "乡村振兴", "共同富裕", "民生实事", "文化旅游",
    "生态环境", "科技创新", "营商环境", "项目建设", "城乡融合", "基层治理", "教育", "卫生健康",
    "交通", "农业农村", "工业强县", "数字经济", "党建引领", "政法", "文明创建", "体育",
    "社会保障", "就业创业", "海洋经济", "山区海岛", "千万工程", "开放型经济", "金融服务",
    "人才工作", "对口协作", "应急管理", "市场监管", "文化遗产", "非遗传承", "老年生活",
    "青春之声", "法治浙江", "平安建设", "县域观察", "记者调查", "新春走基层", "图片新闻",
    "专题报道", "人物", "评论", "读者来信", "档案钩沉", "一线视角",
]  # fmt: skip

PAGE_NAMES = ["要闻", "综合", "县域", "经济", "民生", "文化", "专版", "视觉"]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶"
    "程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛"
    "郝顾龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文单"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌晨卉燕秋立凯鹏飞琳雪慧"
    "婷倩颖辉宇浩然欣怡佳思晓梦雨博俊峰亮鑫海波云松柏晴蕾莉萍玲宁安乐康德仁义信诚智勤"
)
ORG_SUFFIXES = [
    "融媒体中心", "委宣传部", "文化和广电旅游体育局", "农业农村局", "发展和改革局",
    "经济和信息化局", "自然资源和规划局", "教育局", "卫生健康局", "人民政府新闻办公室",
    "文联", "科技局", "商务局", "住房和城乡建设局", "生态环境分局", "交通运输局",
    "水利局", "供电公司", "公安局", "人民法院",
]  # fmt: skip
STREETS = ["洋溪", "白云", "府山", "新安江", "航埠", "双港", "东湖", "南山", "城东", "城南"]
