"""Zhejiang province, its 11 prefecture-level cities and 90 county-level divisions.

Codes and names are GB/T 2260 as published by the Ministry of Civil Affairs
(民政部 行政区划代码), current as of 2024: they include the 2021 Hangzhou
reform (临平区 330113 and 钱塘区 330114 created; 江干区 and 下城区 abolished)
and 龙港市 330383 (2019). Slugs are the pinyin of the short names, written
out here so that a later change to the pinyin code cannot rewrite URLs; a
test checks them against archive.text.pinyin.

Migration 0002 loads these rows; the page importer's dry run, the county map's
builder and the tests read them here. A snapshot: later gazetteers are data of
their own, so this file never changes.
"""

# (code, full name, short name, slug)
REGIONS = [
    ("330000", "浙江省", "浙江", "zhejiang"),
    ("330100", "杭州市", "杭州", "hangzhou"),
    ("330102", "上城区", "上城", "shangcheng"),
    ("330105", "拱墅区", "拱墅", "gongshu"),
    ("330106", "西湖区", "西湖", "xihu"),
    ("330108", "滨江区", "滨江", "binjiang"),
    ("330109", "萧山区", "萧山", "xiaoshan"),
    ("330110", "余杭区", "余杭", "yuhang"),
    ("330111", "富阳区", "富阳", "fuyang"),
    ("330112", "临安区", "临安", "linan"),
    ("330113", "临平区", "临平", "linping"),
    ("330114", "钱塘区", "钱塘", "qiantang"),
    ("330122", "桐庐县", "桐庐", "tonglu"),
    ("330127", "淳安县", "淳安", "chunan"),
    ("330182", "建德市", "建德", "jiande"),
    ("330200", "宁波市", "宁波", "ningbo"),
    ("330203", "海曙区", "海曙", "haishu"),
    ("330205", "江北区", "江北", "jiangbei"),
    ("330206", "北仑区", "北仑", "beilun"),
    ("330211", "镇海区", "镇海", "zhenhai"),
    ("330212", "鄞州区", "鄞州", "yinzhou"),
    ("330213", "奉化区", "奉化", "fenghua"),
    ("330225", "象山县", "象山", "xiangshan"),
    ("330226", "宁海县", "宁海", "ninghai"),
    ("330281", "余姚市", "余姚", "yuyao"),
    ("330282", "慈溪市", "慈溪", "cixi"),
    ("330300", "温州市", "温州", "wenzhou"),
    ("330302", "鹿城区", "鹿城", "lucheng"),
    ("330303", "龙湾区", "龙湾", "longwan"),
    ("330304", "瓯海区", "瓯海", "ouhai"),
    ("330305", "洞头区", "洞头", "dongtou"),
    ("330324", "永嘉县", "永嘉", "yongjia"),
    ("330326", "平阳县", "平阳", "pingyang"),
    ("330327", "苍南县", "苍南", "cangnan"),
    ("330328", "文成县", "文成", "wencheng"),
    ("330329", "泰顺县", "泰顺", "taishun"),
    ("330381", "瑞安市", "瑞安", "ruian"),
    ("330382", "乐清市", "乐清", "yueqing"),
    ("330383", "龙港市", "龙港", "longgang"),
    ("330400", "嘉兴市", "嘉兴", "jiaxing"),
    ("330402", "南湖区", "南湖", "nanhu"),
    ("330411", "秀洲区", "秀洲", "xiuzhou"),
    ("330421", "嘉善县", "嘉善", "jiashan"),
    ("330424", "海盐县", "海盐", "haiyan"),
    ("330481", "海宁市", "海宁", "haining"),
    ("330482", "平湖市", "平湖", "pinghu"),
    ("330483", "桐乡市", "桐乡", "tongxiang"),
    ("330500", "湖州市", "湖州", "huzhou"),
    ("330502", "吴兴区", "吴兴", "wuxing"),
    ("330503", "南浔区", "南浔", "nanxun"),
    ("330521", "德清县", "德清", "deqing"),
    ("330522", "长兴县", "长兴", "changxing"),
    ("330523", "安吉县", "安吉", "anji"),
    ("330600", "绍兴市", "绍兴", "shaoxing"),
    ("330602", "越城区", "越城", "yuecheng"),
    ("330603", "柯桥区", "柯桥", "keqiao"),
    ("330604", "上虞区", "上虞", "shangyu"),
    ("330624", "新昌县", "新昌", "xinchang"),
    ("330681", "诸暨市", "诸暨", "zhuji"),
    ("330683", "嵊州市", "嵊州", "shengzhou"),
    ("330700", "金华市", "金华", "jinhua"),
    ("330702", "婺城区", "婺城", "wucheng"),
    ("330703", "金东区", "金东", "jindong"),
    ("330723", "武义县", "武义", "wuyi"),
    ("330726", "浦江县", "浦江", "pujiang"),
    ("330727", "磐安县", "磐安", "panan"),
    ("330781", "兰溪市", "兰溪", "lanxi"),
    ("330782", "义乌市", "义乌", "yiwu"),
    ("330783", "东阳市", "东阳", "dongyang"),
    ("330784", "永康市", "永康", "yongkang"),
    ("330800", "衢州市", "衢州", "quzhou"),
    ("330802", "柯城区", "柯城", "kecheng"),
    ("330803", "衢江区", "衢江", "qujiang"),
    ("330822", "常山县", "常山", "changshan"),
    ("330824", "开化县", "开化", "kaihua"),
    ("330825", "龙游县", "龙游", "longyou"),
    ("330881", "江山市", "江山", "jiangshan"),
    ("330900", "舟山市", "舟山", "zhoushan"),
    ("330902", "定海区", "定海", "dinghai"),
    ("330903", "普陀区", "普陀", "putuo"),
    ("330921", "岱山县", "岱山", "daishan"),
    ("330922", "嵊泗县", "嵊泗", "shengsi"),
    ("331000", "台州市", "台州", "taizhou"),
    ("331002", "椒江区", "椒江", "jiaojiang"),
    ("331003", "黄岩区", "黄岩", "huangyan"),
    ("331004", "路桥区", "路桥", "luqiao"),
    ("331022", "三门县", "三门", "sanmen"),
    ("331023", "天台县", "天台", "tiantai"),
    ("331024", "仙居县", "仙居", "xianju"),
    ("331081", "温岭市", "温岭", "wenling"),
    ("331082", "临海市", "临海", "linhai"),
    ("331083", "玉环市", "玉环", "yuhuan"),
    ("331100", "丽水市", "丽水", "lishui"),
    ("331102", "莲都区", "莲都", "liandu"),
    ("331121", "青田县", "青田", "qingtian"),
    ("331122", "缙云县", "缙云", "jinyun"),
    ("331123", "遂昌县", "遂昌", "suichang"),
    ("331124", "松阳县", "松阳", "songyang"),
    ("331125", "云和县", "云和", "yunhe"),
    ("331126", "庆元县", "庆元", "qingyuan"),
    ("331127", "景宁畲族自治县", "景宁", "jingning"),
    ("331181", "龙泉市", "龙泉", "longquan"),
]


def level_and_parent(code):
    if code.endswith("0000"):
        return "province", None
    if code.endswith("00"):
        return "city", code[:2] + "0000"
    return "county", code[:4] + "00"


def load(region_model) -> None:
    """Create the rows with ``region_model`` (the migration's historical model, or the
    real one where a test needs them committed again)."""
    by_code = {}
    for code, name, short_name, slug in REGIONS:  # parents come before children
        level, parent_code = level_and_parent(code)
        by_code[code] = region_model.objects.create(
            code=code,
            name=name,
            short_name=short_name,
            slug=slug,
            level=level,
            parent=by_code.get(parent_code),
        )
