"""Bylines and photo credits as Chinese papers print them.

A credit line is names and role marks and nothing else: ``许军 摄``, ``本报记者 张三
李四 通讯员 王五``, ``张三/文 李四/摄``, ``（图片由建德市洋溪街道提供）``,
``新华社发``. A role word before names (记者, 通讯员, 编辑) applies to the names after
it; a mark after a name (摄, /文, 译) to the names since the last mark.
"""

import re
from dataclasses import dataclass

WRITER, PHOTOGRAPHER, COURTESY = "writer", "photographer", "courtesy"
CORRESPONDENT, EDITOR, TRANSLATOR = "correspondent", "editor", "translator"
PHOTO_ROLES = frozenset({PHOTOGRAPHER, COURTESY})

PERSON, ORGANISATION = "person", "organisation"

# The commonest single-character surnames (about 99% of the population) and the
# compound ones still in use: a byline of bare names is recognised by them.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹"
    "申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳"
    "管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜"
    "冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
    "查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜"
    "海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦"
    "戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利"
    "於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
COMPOUND_SURNAMES = (  # noqa: SIM905 - a word list reads better as words
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 宇文 长孙 夏侯 轩辕 端木 独孤 南宫 西门 "
    "司徒 司空 澹台 公冶 太史 申屠 呼延 万俟 闻人 赫连"
).split()

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
_PERSON = re.compile(rf"[{_HAN}]{{2,4}}|[{_HAN}]{{1,8}}[·•][{_HAN}]{{1,8}}")

# Role words printed before names.
_BEFORE = {
    "本报记者": WRITER,
    "本报见习记者": WRITER,
    "本报特约记者": WRITER,
    "见习记者": WRITER,
    "特约记者": WRITER,
    "融媒体记者": WRITER,
    "记者": WRITER,
    "撰文": WRITER,
    "文": WRITER,
    "通讯员": CORRESPONDENT,
    "本报通讯员": CORRESPONDENT,
    "特约通讯员": CORRESPONDENT,
    "责任编辑": EDITOR,
    "本版编辑": EDITOR,
    "编辑": EDITOR,
    "摄影": PHOTOGRAPHER,
    "摄": PHOTOGRAPHER,
    "图": PHOTOGRAPHER,
    "翻译": TRANSLATOR,
    "编译": TRANSLATOR,
    "译": TRANSLATOR,
}
# Marks printed after names.
_AFTER = {
    "摄": PHOTOGRAPHER,
    "摄影": PHOTOGRAPHER,
    "文": WRITER,
    "图": PHOTOGRAPHER,
    "译": TRANSLATOR,
}
# Agencies whose name comes before 记者 ("新华社记者 张三 摄"): kept as the wording only.
_AGENCY = re.compile(r"^(新华社|中新社|人民日报|浙江日报|央视|中国新闻社)")

_COURTESY = re.compile(
    r"^[（(]?\s*(?:图片|照片|图)(?:均)?由\s*(?P<org>.+?)\s*提供\s*[）)]?$"
    r"|^[（(]?\s*(?P<org2>[^（）()\s]{2,30}?)\s*供图\s*[）)]?$"
)
_AGENCY_ISSUE = re.compile(r"^[（(]?\s*(?P<org>新华社|中新社)\s*发\s*[）)]?$")


@dataclass(frozen=True)
class Credit:
    name: str
    role: str
    kind: str = PERSON

    def as_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "kind": self.kind}


def is_person_name(word: str) -> bool:
    """Whether ``word`` reads as a person's name: two to four Han characters starting
    with a surname, or a name with a middle dot (阿依古丽·买买提)."""
    if not _PERSON.fullmatch(word):
        return False
    if "·" in word or "•" in word:
        return True
    if any(word.startswith(s) for s in COMPOUND_SURNAMES):
        return 3 <= len(word) <= 4
    return word[0] in SURNAMES


def _kind(name: str) -> str:
    return PERSON if is_person_name(name) else ORGANISATION


def _tokens(line: str) -> list[str]:
    # "张三/文" and "文/张三" are a name and a mark; "、" and "，" separate names.
    line = re.sub(r"[/／|｜]", " / ", line)
    line = re.sub(r"[、，,：:；;]", " ", line)
    return line.split()


def _split_role(token: str) -> tuple[str, str] | None:
    """A token such as "记者张三" or "张三摄" that runs a role word and a name together."""
    for word in sorted(_BEFORE, key=len, reverse=True):
        if token.startswith(word) and is_person_name(token[len(word) :]):
            return word, token[len(word) :]
    for word in sorted(_AFTER, key=len, reverse=True):
        if token.endswith(word) and is_person_name(token[: -len(word)]):
            return token[: -len(word)], word
    return None


def parse_line(line: str) -> list[Credit] | None:
    """The credits of a line made only of names and role marks, else None."""
    text = line.strip()
    if not text or len(text) > 60:
        return None
    if match := _COURTESY.match(text):
        org = (match.group("org") or match.group("org2")).strip()
        return [Credit(org, COURTESY, _kind(org))]
    if match := _AGENCY_ISSUE.match(text):
        return [Credit(match.group("org"), COURTESY, ORGANISATION)]
    inner = text
    if inner[0] in "（(" and inner[-1] in "）)":
        inner = inner[1:-1]
    inner = _AGENCY.sub("", inner)
    tokens: list[str] = []
    for token in _tokens(inner):
        split = None if token in _BEFORE or token in _AFTER else _split_role(token)
        tokens.extend(split or (token,))
    credits: list[Credit] = []
    pending: list[str] = []  # names waiting for a mark after them
    role = None  # the role word in force before names
    for i, token in enumerate(tokens):
        if token == "/":
            continue
        # "文/张三" puts the mark before the name, "张三/文" after it.
        mark_before = (
            i + 1 < len(tokens) and tokens[i + 1] == "/" and (i == 0 or tokens[i - 1] != "/")
        )
        if token in _AFTER and pending and not mark_before:
            credits.extend(Credit(name, _AFTER[token], _kind(name)) for name in pending)
            pending, role = [], None
        elif token in _BEFORE:
            credits.extend(Credit(name, role or WRITER, _kind(name)) for name in pending)
            pending, role = [], _BEFORE[token]
        elif is_person_name(token):
            pending.append(token)
        else:
            return None
    credits.extend(Credit(name, role or WRITER, _kind(name)) for name in pending)
    return credits or None


_TRAILING = re.compile(
    r"^(?P<caption>.+?[。！？!?”）)])\s*(?P<credit>[（(]?[^。！？]{2,40}(?:摄|摄影|供图|提供|新华社发)[）)]?)$"
    r"|^(?P<caption2>.+?)\s+(?P<credit2>[^\s。！？]{2,20}\s*摄)$"
)


def split_trailing(line: str) -> tuple[str, list[Credit]] | None:
    """A caption with its credit on the same line ("…开园运营。 许军 摄"), split."""
    match = _TRAILING.match(line.strip())
    if not match:
        return None
    caption = (match.group("caption") or match.group("caption2")).strip()
    credits = parse_line(match.group("credit") or match.group("credit2"))
    if not credits or not caption or not any(c.role in PHOTO_ROLES for c in credits):
        return None
    return caption, credits
