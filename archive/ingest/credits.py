"""Bylines and photo credits as Chinese papers print them.

A credit line is names and role marks and nothing else: ``许军 摄``, ``本报记者 张三
李四 通讯员 王五``, ``张三/文 李四/摄``, ``（图片由建德市洋溪街道提供）``,
``新华社发（朱涵 摄）``. A role word before names (记者, 通讯员, 编辑) applies to the
names after it; a mark after a name (摄, /文, 译) to every name since the last mark
(``记者 张三 通讯员 李四 摄``: both took the photo), unless the line opens with a mark
and so prints marks before names (``文/张三 图/李四``).
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
    "美术编辑": EDITOR,
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
# "新华社发", alone or around the photographer's credit: "新华社发（朱涵 摄）",
# "（新华社发 朱涵 摄）", "朱涵 摄（新华社发）".
_ISSUED = re.compile(r"[（(]?\s*(?P<org>新华社|中新社)\s*发\s*[）)]?")
# Names that end as organisations do (柯城区, 新昌县委宣传部, 开化县融媒体中心).
_ORGANISATION = re.compile(
    r"^.{2,}(?:省|市|县|区|镇|乡|街道|村|社区|局|委|办|部|厅|中心|公司|集团|社|馆|站|所|院|协会|台|报)$"
)


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


def _bare_name(word: str) -> bool:
    """A name standing with no role word beside it. Four characters after a single-
    character surname read as a phrase far more often than as a name (金秋硕果)."""
    if not is_person_name(word):
        return False
    compound = any(word.startswith(s) for s in COMPOUND_SURNAMES)
    return len(word) <= 3 or compound or "·" in word or "•" in word


def _kind(name: str) -> str:
    if _ORGANISATION.match(name) or not _PERSON.fullmatch(name):
        return ORGANISATION
    return PERSON


def _tokens(line: str) -> list[str]:
    # "张三/文" and "文/张三" are a name and a mark; "、" and "，" separate names.
    line = re.sub(r"[/／|｜]", " / ", line)
    line = re.sub(r"[、，,：:；;]", " ", line)
    return line.split()


# Run together with a name ("记者张三", "张三摄"), only the role words that cannot end
# or start a name: 文, 图 and 译 end many (张志文), and are printed apart ("张三/文").
_JOINED_BEFORE = sorted((w for w in _BEFORE if len(w) > 1), key=len, reverse=True)
_JOINED_AFTER = ("摄影", "摄")


def _split_role(token: str) -> list[str] | None:
    """A token such as "记者张三" or "张三摄" that runs role words and a name together."""
    before = next((w for w in _JOINED_BEFORE if token.startswith(w)), "")
    rest = token[len(before) :]
    after = next(
        (w for w in _JOINED_AFTER if rest.endswith(w) and is_person_name(rest[: -len(w)])), ""
    )
    name = rest[: len(rest) - len(after)]
    if (before or after) and is_person_name(name):
        return [w for w in (before, name, after) if w]
    return None


def _unbracket(text: str) -> str:
    text = text.strip()
    if text[:1] in "（(" and text[-1:] in "）)":
        return text[1:-1].strip()
    return text


# A mark printed before an author's name over a commentary: "□ 周立群".
AUTHOR_MARK = re.compile(r"^[□■◎●◆]\s*")


def parse_line(line: str) -> list[Credit] | None:
    """The credits of a line made only of names and role marks, else None."""
    text = AUTHOR_MARK.sub("", line.strip())
    if not text or len(text) > 60:
        return None
    if match := _COURTESY.match(text):
        org = (match.group("org") or match.group("org2")).strip()
        return [Credit(org, COURTESY, _kind(org))]
    inner = _unbracket(text)
    for match in _ISSUED.finditer(inner):
        if match.start() == 0 or match.end() == len(inner):
            agency = Credit(match.group("org"), COURTESY, ORGANISATION)
            rest = (inner[: match.start()] + " " + inner[match.end() :]).strip()
            if not rest:
                return [agency]
            credits = _names_and_roles(_unbracket(rest))
            if not credits or any(c.role not in PHOTO_ROLES for c in credits):
                return None
            return [agency, *credits] if match.start() == 0 else [*credits, agency]
    return _names_and_roles(inner)


def _names_and_roles(text: str) -> list[Credit] | None:
    """Names and the role words before them or marks after them, as credits."""
    tokens: list[str] = []
    for token in _tokens(_AGENCY.sub("", text)):
        split = None if token in _BEFORE or token in _AFTER else _split_role(token)
        tokens.extend(split or (token,))
    words = [t for t in tokens if t != "/"]
    # A line opening with a mark ("文/张三 图/李四", "摄影 李四") prints marks before names.
    marks_first = bool(words) and words[0] in _AFTER
    credits: list[Credit] = []
    group: list[Credit] = []  # credits since the last mark after names
    pending: list[str] = []  # names waiting for a role
    role = None  # the role word in force before names
    for i, token in enumerate(tokens):
        if token == "/":
            continue
        # "文/张三" puts the mark before the name, "张三/文" after it.
        slash_next = (
            i + 1 < len(tokens) and tokens[i + 1] == "/" and (i == 0 or tokens[i - 1] != "/")
        )
        following = next((t for t in tokens[i + 1 :] if t != "/"), None)
        if token in _AFTER and (pending or group) and not (marks_first or slash_next):
            # The mark closes every name since the last one: "记者 张三 通讯员 李四 摄".
            group += [Credit(name, role or WRITER, _kind(name)) for name in pending]
            credits += [Credit(c.name, _AFTER[token], c.kind) for c in group]
            group, pending, role = [], [], None
        elif token in _BEFORE:
            group += [Credit(name, role or WRITER, _kind(name)) for name in pending]
            pending, role = [], _BEFORE[token]
        elif _is_name(token, named_role=role is not None or following in _AFTER):
            pending.append(token)
        else:
            return None
    if len(words) == len(pending) and not all(_bare_name(n) for n in pending):
        return None  # bare names only, and one reads as a phrase
    credits += group + [Credit(name, role or WRITER, _kind(name)) for name in pending]
    return credits or None


def _is_name(token: str, named_role: bool) -> bool:
    # Beside a role word any two to four characters are a name (郦宁: not every surname
    # is on the list); standing alone, a name must start with a surname.
    return is_person_name(token) or (named_role and bool(_PERSON.fullmatch(token)))


def split_trailing(line: str) -> tuple[str, list[Credit]] | None:
    """A caption with its photo credit on the same line ("…开园运营。 许军 摄",
    "石塘渔港一角（图片由温岭市石塘镇提供）"), split; None for any other line."""
    text = line.strip()
    if parse_line(text):
        return None  # a credit line, with no caption
    # The credit starts after a space, at a bracket or after a sentence's end; the
    # first place that leaves a credit behind (the longest credit) is the split.
    for match in re.finditer(r"\s+|(?=[（(])|(?<=[。！？!?”）)])", text):
        caption, credit = text[: match.start()].strip(), text[match.end() :].strip()
        if not caption or len(credit) > 40:
            continue
        credits = parse_line(credit)
        if credits and any(c.role in PHOTO_ROLES for c in credits):
            return caption, credits
    return None
