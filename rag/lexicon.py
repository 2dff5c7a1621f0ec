"""The genre's words, written once: what a question word is, which words name a shortcoming or a kind of
section, the measure words of figures, the domain terms kept whole, and the synonyms that let a question
find a report written in other words.

Every stage reads them from here: the keyword extraction of the answer stage, the BM25 tokenizer of the
index, the section classifier of ingestion, and the question planner. Words are in simplified Chinese (the
text is normalised before it is matched); English cues are lower case.
"""

from __future__ import annotations

import re
from functools import lru_cache

# ------------------------------------------------------------------ words that carry no topic

# Function words, question words and the genre's filler: dropped from a question's keywords and from
# BM25 tokens alike. Among them the frame of a question about reports: the verbs of stating (反映, 给出, 说明)
# and the nouns that ask for a figure (数量, 次数, 百分比): a figure asked for is required by FIGURE_QUESTION,
# not matched as a word.
STOP_WORDS: frozenset[str] = frozenset(
    """的 了 和 与 及 或 或者 是 在 有 对 原来 原先 为 把 被 将 从 向 到 以 于 由 等 等等 之 其 并 并且 而 而且 也 都 又 就 还
    及其 以及 这 那 这些 那些 这个 那个 该 此 各 每 个 上 下 中 内 里 吗 呢 吧 啊 么 请 请问 我 我们 你 你们 他 他们 它
    哪 哪个 哪些 哪里 哪儿 哪几个 哪几 多少 几 几个 几名 几件 几项 几次 有几个 什么 怎么 怎样 怎么样 如何 为何 为什么
    是否 是不是 有没有 有无 有何 谁 何 何时 什么时候 乡镇 各乡镇 哪些乡镇 镇街 各镇街 哪些镇街 街镇 镇 乡 街道 提到 提及 说到 谈到 涉及 报告 报道
    报告中 年度 年 全年 今年 情况 方面 相关 有关 一下 说 讲 了解 介绍 关于 地 得 给 之间 其中 分别 共 共计 一共 共有 总共 合计 那么
    这个 所 第 据 按 做法 做了 做过 哪些工作 什么工作 采取 采取了 开展了 进行了 具体 主要 怎么做 还有 列出 列举 找出 帮我
    请列出 告诉 说说 所有 全部 名 件 宗 份 项 次 场 处 人 条 起 家 万 元 多 少
    反映 承认 给出 说明 表示 指出 写到 写明 写了 披露 公布 列明 载明 讲到 讲了 说起 聊到 谈及 论及 述及 已经 已 已有 曾经 曾 期间
    去年 前年 上年 上一年 大概 大约 大致 左右 差不多 帮忙 帮着 专门 啥 咋 咋样 哪样 下来 自己 自身
    一遍 一番 一下子 现在 目前 当前 如今 起来 加起来 算起来 抱怨 吐槽 提起 说过 提过 某 某项 某些 某个 某种 比如 例如 诸如 譬如
    那边 这边 那里 这里 只有 仅有 只 仅 哪家 哪所 来自 所聘 所在 部分 作为 存在 存在问题 存在的问题
    数量 件数 次数 场次 人次 个数 人数 数字 统计数字 数据 具体数字 具体数据 具体数 百分比 百分数 比例 比率
    名字 姓名 叫什么 叫 称为 全称 各有 分别有 各是 哪些地方 哪些单位 搞 搞了 弄 比较 较为 出来 列为 当作 看作
    每年 每一年 历年 逐年 这几年 近几年 这些年 各年 各年度 每个年度 月份
    没有 尚未 从未 不曾 本年度 本年 当年 年内 村里 镇里 乡里 具备 具有 认为 觉得 坦言 自认 称 声称 指标 经过 一起 关注 重视
    实际 实际上 真正 确实 的确 实实在在 至少 最少 至多 最多 起码 最起码
    the a an of in on to and or did does do is are was were how many much what which who when where""".split()
)

# Characters that work as function words (particles, auxiliaries, postpositions, measure and question words): a
# two-character word the tokenizer made up with one of them glued on (上花, 人考, 要花, 数涨) is a slip, not a word
# (rag.evidence.uninvented)
FUNCTION_CHARS = frozenset("上下中里内外前后要会能可样数人所个了过着得地的在有是就都也还又再才把被给让向往从对为和与及或等这那哪几多少每各些其该"
                           "共总全均已将并且而但很较更最太只仅")

# The body that signs a report, on the line above its date (…镇人民政府, …街道党工委): the signature block
# (rag.ingest.sections) and the signing date (rag.ingest.metadata)
SIGNING_BODY = r"(?:人民政府|人民政府办公室|委员会|党委|党工委|政府|办公室|党政办|街道办事处|办事处)$"

# Words every report of this genre is about: "法治政府建设存在哪些问题" asks for the problems section.
GENRE_WORDS: frozenset[str] = frozenset(
    {"法治", "政府", "法治政府", "建设", "法治建设", "法治政府建设", "工作", "情况", "年度", "报告"}
)

# A sentence that continues the one before it: what that one names holds for it too.
CONTINUATION: tuple[str, ...] = ("其中", "包括", "其余", "另有", "分别")

# A figure a change starts from (执法人员由7人增至12人, 从5名增加到9名): the figure after it is the one now.
# A year as a question or a report writes it: 2022年, 2022年度, 二〇二二年
YEAR_WORD = r"(?:\d{4}|[〇零一二三四五六七八九]{4})年度?"
# A year said with its last two digits, as staff say it (23年 for 2023年; 2010–2039): not a span of years
# (连续12年, 近10年, 20年来, 10年间) and not a digit of a longer figure.
SHORT_YEAR = re.compile(r"(?<![\d.％%第近连续过去共已多这那余])([1-3]\d)\s*年(?!来|间|以来|内|多|余|左右|之内|以上|以内)")
CHANGE_FROM = re.compile(r"(?:由|从)(?:原来的|原有的|原|以前的|过去的|(?:上|去|前)一?年度?(?:底|末)?的?|"
                         + YEAR_WORD + r"(?:底|末)?的?)?$")
CHANGE_TO = re.compile(r"^\s*(?:增至|增加到|增加至|增长到|增长至|提高到|提高至|提升到|提升至|上升到|上升至|扩大到|扩大至"
                       r"|充实到|充实至|达到|减少到|减少至|减至|降至|降到|下降到|下降至|压减到|压减至|变为|调整为)")

# A figure for each one of a kind (每村1名, 每个网格至少1名, 各村至少3名, 人均2次, 平均每月): not the whole, unless
# asked so
EACH_ONE = re.compile(r"每[\u4e00-\u9fff]|各[村户社组]|人均|户均|村均|平均")
# ... and this year's new ones (新增2个), not the total a 累计/一共 question asks (累计建成7个)
NEW_ONES = re.compile(r"新增|新建|新创建|新培育|新发展|新聘|新设|今年新")

# Measure words that follow a figure: 582宗, 2500人次, 七个.
MEASURE_WORDS = "个名位件宗份项次场处人条起家户所座支批期篇天元万亿辆册本套台张块亩间回遍趟轮卷岁"
# ... and the units of a figure that are no single measure word: area, length, time (2600平方米, 3个工作日)
MEASURE_PHRASES = r"(?:平方米|平方公里|公里|千米|米|小时|个?工作日|分钟)"
# Measure words that count the same kind of thing: a question's 多少件 may be answered by 46宗, not by 3人.
MEASURE_FAMILIES: tuple[str, ...] = ("个件宗项起份处条家户所座支批篇套台张块册本间辆卷", "名人位", "次场期回遍趟轮", "元万亿", "天日时",
                                     "米亩顷", "岁")


def measure_family(unit: str) -> str:
    """The measure words that count the same kind of thing as ``unit`` (件 -> 个件宗…), else ``unit`` itself."""
    return next((f for f in MEASURE_FAMILIES if unit in f), unit)


def counts_as(figure: str, unit: str) -> bool:
    """Whether a figure (simplified: "2600余人次") is in the family of the measure word ``unit``. 人次 counts
    attendances, not heads: no answer to 几名 or 几位."""
    if unit in "名位" and "人次" in figure:
        return False
    return any(u in figure for u in measure_family(unit))

# ... as a traditional report writes them (figures are read from the report's own script); a test keeps this
# in step with MEASURE_WORDS
MEASURE_WORDS_TRADITIONAL = "個項場處條戶萬億輛冊臺張塊畝間輪歲"

# ------------------------------------------------------------------ kinds of statement and section

# A stated shortcoming: 执法力量薄弱, 宣传方式单一, 参差不齐.
SHORTCOMING_WORDS: tuple[str, ...] = (
    "问题", "不足", "短板", "弱项", "差距", "困难", "薄弱", "有待", "不够", "欠缺", "缺少", "不平衡", "参差不齐", "参差",
    "不强", "不高", "不到位", "滞后", "缺乏", "匮乏", "短缺", "紧缺", "不健全", "不完善", "不充分", "不规范",
    "不明显", "单一", "较少", "较弱", "难以", "瓶颈", "难点", "亟待", "仍需", "还需",
    # the genre's other ways of saying "weak" (意识淡薄, 衔接不畅, 监管缺失, 落实不力, 流于形式); not 较低/偏低, which
    # also praise (发案率较低)
    "淡薄", "较差", "欠佳", "不畅", "缺失", "不力", "不深入", "流于形式", "跟不上", "不适应", "不熟悉",
    "人手紧张", "人员紧张", "力量紧张", "经费紧张", "编制紧张",  # (not 紧张 alone: 紧张有序)
    "没有充分", "未充分", "未能充分", "不充分",  # 作用没有充分发挥
)
SHORTCOMING = re.compile("|".join(SHORTCOMING_WORDS))
# ... of them, the nouns that work solves (研究解决法治建设中的难点问题, 补齐短板, 查找差距): a clause that names
# one after a verb of SOLVING reports work done, not a shortcoming (rag.evidence.states_shortcoming); 不到位, 滞后
# and the other predicates state one wherever they stand (发现的问题整改不到位)
SHORTCOMING_NOUNS = frozenset({"问题", "难点", "短板", "弱项", "差距", "困难", "瓶颈", "不足"})
# (in a question too: 解决问题 asks for no shortcoming, rag.lexicon.PROBLEM_NOT_CUE; nor 咨询法律问题)
SOLVING = re.compile(r"解决|化解|破解|攻克|补齐|补强|弥补|克服|整改|纠正|查处|查出|查找|查摆|梳理|排查|处理|处置|发现|针对"
                     r"|聚焦|回应|答复|咨询")

# A shortage of staff (rag.decide.said_of): the staff by the ends of their words (执法人员, 执法力量, 法治人才)
STAFF_WORDS = ("人员", "力量", "队伍", "人手", "人才")
# ... the words that keep it one of headcount between the staff and the shortage (执法人员数量不足, 配备不足)
HEADCOUNT_WORDS = frozenset({"数量", "人数", "配备", "编制", "力量", "人手", "人员", "队伍"})
# ... a count that says they are few without a shortcoming word (执法人员仅3名, 仅有在编执法人员5名, 只有2人)
SCARCE_COUNT = re.compile(r"(?:仅|只)有?[^，,。；;0-9]{0,8}?[0-9一二两三四五六七八九十]+\s*[名人个位]")
# ... a question that asks for their number beside their quality (数量不够或专业素质不高)
HEADCOUNT_ASKED = re.compile(r"数量|人数|人手|配备|编制|不够用|短缺|紧缺|in number|understaffed|short of")
# ... a verb of lacking, whose object is what is short (缺少执法人员: the people after it)
LACK = re.compile(r"缺少|缺乏|欠缺|缺|短缺|紧缺|匮乏")
# ... a quality of theirs (执法人员业务能力不足 says their skill is short, not they): a question that names one
# asks about it
ATTRIBUTES = re.compile(r"能力|素质|水平|意识|观念|理念|业务|专业|知识|技能|本领|积极性|主动性|方式|方法|模式|思维|作风|经验|效率"
                        r"|质量")
# ... of them, the ones that say what is wrong, not only that something is (宣传形式单一, 发展不平衡): a list
# question's supporting sentence must say it too, where any 不足 or 薄弱 does for 执法人员不足
# a question that asks for one thing or another: 或, 还是 (rag.evidence.alternative_sides reads its sides)
OR_WORDS = r"或者|或是|或"
EITHER = re.compile(OR_WORDS + r"|还是")
# the end of a sentence that announces the points after it (存在以下短板：, 主要表现在：, 仍有差距：)
LEAD_IN = re.compile(r"(?:以下|如下|下列|方面|表现在|体现在|差距|短板|不足|问题|困难)[^，。,；;]{0,4}[：:]\s*$")
SPECIFIC_SHORTCOMINGS = frozenset({"单一", "滞后", "不平衡", "参差不齐", "参差", "不规范", "流于形式", "不畅"})
# 经费不足 -> 经费 + 不足: the topic and the kind of statement are matched separately.
SHORTCOMING_TAIL = re.compile(
    r"^(.{2,})(紧张|不足|不够|不强|不高|缺乏|缺少|薄弱|欠缺|滞后|不到位|不完善|不健全|不规范|短缺|紧缺|匮乏|单一|淡薄|较差|欠佳|不畅|缺失|不力)$"
)

# Words in a question that show which kind of section it is about.
KIND_CUES: dict[str, tuple[str, ...]] = {
    "problems": SHORTCOMING_WORDS + ("problem", "shortcoming", "weakness", "lack", "insufficient", "inadequate",
                                     "short of", "understaffed", "not enough",
                                     "uneven", "challenge", "shortage"),
    "plans": ("下一步", "计划", "打算", "思路", "今后", "明年", "下一年", "来年", "工作安排", "将如何", "将采取",
              "将要", "展望", "next year", "plan", "going forward"),
    "leadership": ("第一责任人", "主要负责人", "履职", "述法", "党政主要负责", "first responsible", "principal leader"),
}
# A plan that continues what was done (继续加大信息公开力度, 进一步规范…): it speaks of work the report did.
ONGOING_PLAN = re.compile(r"继续|持续|进一步|坚持|深化|巩固|保持|不断")
# ... unless it names a target still to reach (深化…建设，力争2025年创建示范村1个): that is not done yet
PLAN_TARGET = re.compile(r"力争|争取|争创|确保.{0,12}(?:达到|实现)|目标")
# Further words of a section question that name no topic: "下一步的工作目标和举措".
CUE_REST: frozenset[str] = frozenset(
    {"一步", "下一步", "工作", "存在", "存在问题", "主要", "方面", "目标", "举措", "安排", "哪些", "什么"}
)

# The kind of section a heading names (matched on the simplified heading; the first match wins).
HEADING_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("problems", re.compile(
        r"存在的?(主要)?(问题|不足|困难|短板|差距)|问题(和|与|及)(不足|短板|原因|差距)|不足|短板|弱项|差距|薄弱环节|问题$"
        r"|(有待|需要|需)(改进|提高|加强|完善)的?(方面|地方|问题)|面临的?(主要)?(困难|挑战)|困难(和|与)挑战")),
    ("plans", re.compile(
        r"下一步|下一年度?|工作思路|思路(和|与|及)?目标|打算|工作(安排|计划)|主要安排|意见建议|工作举措和?(目标|计划)|明年|今后")),
    ("leadership", re.compile(r"第一责任人|履职情况|负责人.{0,6}(履职|职责|情况)|述法")),
)

# ------------------------------------------------------------------ domain terms and synonyms

# Kept whole by the tokenizers (jieba's search mode still adds their sub-words).
DOMAIN_TERMS: tuple[str, ...] = tuple(
    """法律明白人 综合行政执法 行政执法 执法人员 执法队伍 执法力量 法治政府 法治政府建设 法治建设 依法行政 依法治国
    依法治县 依法治镇 第一责任人 主要负责人 矛盾纠纷 纠纷调解 人民调解 调解委员会 人民调解委员会 法律顾问
    一村一法律顾问 普法 普法宣传 法治宣传 法治教育 放管服 网格化 网格员 行政复议 行政诉讼 行政应诉 行政决策
    重大行政决策 合法性审查 规范性文件 权责清单 双随机一公开 政务公开 信访 扫黑除恶 平安建设 综治中心 法治乡村
    民主法治示范村 法治示范村 习近平法治思想 述法 学法 考法 学法考试 法治理论考试 行政执法监督员 执法监督 安全隐患
    道路交通安全 劳动纠纷 劳动关系 精神障碍患者 公共法律服务 法律援助 营商环境 全程代办 邻里服务站 下一步 存在问题
    法治意识""".split()
)

# Kept whole when a question is split into keywords (they are matched as substrings, so longer domain terms
# would miss their variants: 法治理论考试 vs 法治理论学习考试).
KEYWORD_UNITS: tuple[str, ...] = (
    "下一步", "存在问题", "工作思路", "第一责任人", "成功率", "合格率", "化解率", "法律明白人", "执法力量", "执法队伍", "执法人员",
    "不强", "不高", "不够", "不到位", "不平衡", "不完善", "不健全", "不充分", "不畅", "不力", "淡薄", "欠佳", "缺失",
    "律师事务所", "摸排",  # (摸排出: not 摸 + 排出)
)

# Words a report may use for the same thing. A question word in a group matches any word of its group
# (rag.plan turns it into alternatives "a|b|c"). Groups are the genre's usual variants, not one question's.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("执法人员", "执法力量", "执法队伍", "执法人手", "执法队员", "执法者", "执法干部", "执法主体"),
    ("不足", "不够", "短缺", "紧缺", "匮乏", "欠缺", "缺乏", "薄弱", "有限", "短板", "弱项", "不充分", "不充足", "较少", "偏少", "较弱", "偏弱"),
    ("不强", "淡薄", "不高", "较差", "欠佳"),  # 意识不强 ~ 意识淡薄, 积极性不高
    ("素质", "能力", "水平", "素养", "本领"),
    ("有待提高", "有待提升", "有待加强", "亟待提高", "需进一步提高", "仍需提高", "有待增强", "有待进一步提高", "有待进一步提升", "有待进一步加强", "亟待提升", "亟待加强",
     "亟需提高", "亟需加强", "仍需加强", "仍需提升", "还需加强", "还需提高", "还需提升", "还有差距", "存在差距"),
    ("不平衡", "参差不齐", "不均衡", "差异较大", "不均", "参差", "差距较大", "差别较大"),
    ("普法", "法治宣传", "普法宣传", "法治宣传教育", "以案释法", "法律宣传", "法制宣传", "法治宣讲", "普法宣讲", "法律宣讲", "普法教育", "法治教育", "法制教育",
     "法律知识宣传", "送法", "法律法规宣传"),
    ("队伍", "团队", "中队", "服务队"),
    ("调解", "调处", "化解", "人民调解"),  # (人民调解成功率: the reports' 调解成功率)
    ("审查", "审核"),  # 审查合同 ~ 审核合同
    ("参加", "参与", "参训"),
    ("矛盾纠纷", "纠纷", "矛盾", "纠纷矛盾", "民间纠纷", "社会矛盾"),
    ("法律顾问", "律师顾问", "驻村律师", "顾问律师", "常年法律顾问", "政府法律顾问", "法律顾问团"),
    ("聘请", "聘任", "选聘", "配备", "聘用", "外聘"),
    ("培养", "培育"),
    # a report does what a question asks in its own verb (推行全程代办 ~ 实现全程代办 ~ 开展全程代办)
    ("推行", "推进", "实行", "实施", "实现", "开展", "推广", "提供"),
    ("获评", "获得", "荣获", "被评为", "评为", "被命名为"),
    ("案件", "案子"),
    ("经费", "资金", "费用", "经费投入", "资金投入"),  # money a report spends (普法经费, 法律顾问费用)
    ("律师事务所", "律所"),
    ("食品安全", "食安"),
    ("领导干部", "党政领导", "党政领导干部"),
    ("考试", "考法", "测试", "考核"),
    ("学法", "学习法律", "法治学习", "法律知识学习", "法律学习", "学习法律法规", "法律法规学习", "学习法规"),
    ("行政诉讼", "行政应诉", "诉讼案件", "应诉", "被诉", "民告官", "行政官司", "被告"),
    ("行政复议", "复议"),
    ("合法性审查", "法制审核", "合法性审核", "法律审核", "法制审查", "法律审查", "合规性审查", "合法合规审查", "合法合规性审查", "合法性把关", "法律把关"),
    ("规范性文件", "行政规范性文件", "红头文件"),
    ("重大行政决策", "重大决策", "重大事项决策", "重大行政事项"),
    ("信访", "来信来访", "群众来访", "上访", "来访", "接访", "下访"),
    ("网格员", "网格管理员", "网格管理人员", "网格工作人员", "网格工作者", "网格信息员"),
    ("村（社区）", "村社区", "村居", "村(社区)", "村(居)", "村、社区", "村和社区"),
    ("法治意识", "法律意识", "法治观念", "法制意识", "法制观念", "法律观念", "法治素养", "法律素养", "守法意识", "用法意识"),
    ("成功率", "化解率", "调解成功率"),
    ("增加", "增至", "增加到", "增加至", "增长到", "增长至", "充实到", "充实至", "扩大到", "扩大至"),
    # general vocabulary of the genre, written by a helper from knowledge of the genre (without the evaluation
    # questions) and checked against report wording
    ("群众", "老百姓", "百姓", "人民群众", "居民", "村民", "居民群众", "辖区群众", "村居民"),
    ("干部", "工作人员", "干部职工", "机关干部", "公职人员", "国家工作人员", "机关工作人员", "人手"),
    ("第一责任人", "主要负责人", "党政主要负责人", "主要领导", "党政主要领导", "一把手", "党政一把手"),
    ("村干部", "两委", "村两委", "两委干部", "村两委干部", "两委成员", "村两委成员", "村组干部", "村居干部", "社区干部", "村(社区)干部"),
    ("镇长", "乡长", "乡镇长", "办事处主任"),
    ("党委书记", "党工委书记"),
    ("党委", "党工委"),
    ("镇政府", "乡政府", "镇人民政府", "乡人民政府", "乡镇政府", "乡镇人民政府", "街道办事处", "街道办"),
    ("法律专业人才", "法律人才", "专业法律人才", "法治人才", "法律专业人员", "专业法律人员", "法治专业人才"),
    ("社区矫正", "社区矫正对象", "社区服刑人员", "矫正对象", "社区矫正人员", "社矫对象", "社区服刑"),
    ("刑满释放人员", "刑释人员", "刑满释放", "安置帮教", "安置帮教对象", "安置帮教人员", "刑释解教人员", "两劳释放人员"),
    ("禁毒", "毒品", "涉毒", "毒品预防"),
    # a day's name with and without its scope (a report writes 禁毒日 as often as 国际禁毒日)
    ("国际禁毒日", "禁毒日"),
    ("国家宪法日", "宪法日"),
    ("吸毒人员", "吸毒者", "吸毒", "戒毒人员", "社区戒毒", "社区康复人员", "戒毒康复人员", "涉毒人员", "吸毒人群", "瘾君子"),
    ("严重精神障碍患者", "精神障碍患者", "精神障碍", "精神病人", "精神病患者", "精神病", "精神疾病患者", "精神障碍人员"),
    ("特殊人群", "重点人群", "重点人员", "特殊人员"),
    ("弱势群体", "困难群众", "特殊群体", "困难群体", "弱势人群"),
    ("网格化", "网格化管理", "网格管理", "网格化服务管理", "网格治理", "网格化治理", "全科网格"),
    ("综治中心", "社会治安综合治理中心", "综治工作中心", "综治办", "综治维稳中心"),
    ("矛调中心", "矛盾纠纷调处化解中心", "矛盾纠纷多元化解中心", "矛盾调处中心", "矛盾纠纷化解中心", "矛盾纠纷调解中心"),
    ("枫桥经验", "枫桥式"),
    ("扫黑除恶", "扫黑", "黑恶", "涉黑涉恶", "黑恶势力"),
    ("村规民约", "居民公约", "乡规民约", "村民公约"),
    ("民主法治示范村", "法治示范村", "民主法治示范社区", "法治示范社区", "民主法治村"),
    ("法治建设领导小组", "法治政府建设领导小组", "依法治镇领导小组", "依法治乡领导小组", "依法治镇委员会", "依法治乡委员会", "法治建设工作领导小组"),
    ("依法行政", "依法履职", "依法履行职责"),
    ("人民调解委员会", "调解委员会", "调委会", "人调委", "调解组织"),
    ("人民调解员", "调解员", "调解人员"),
    ("排查", "摸排", "排摸", "摸底排查"),
    ("劳动纠纷", "劳动争议", "劳资纠纷", "劳动人事争议", "劳资矛盾"),
    ("欠薪", "拖欠工资", "拖欠农民工工资", "根治欠薪", "讨薪", "工资拖欠"),
    ("工资", "工钱"),  # (工钱: wages said plainly)
    ("走访", "入户走访", "走村入户", "进村入户", "走访入户"),
    ("普法志愿者", "法治志愿者", "法律志愿者", "普法志愿服务队", "普法志愿队", "法治宣传志愿者"),
    # two roles a report counts apart (法律明白人85名、法治带头人34名)
    ("法律明白人", "法治明白人"),
    ("法治带头人", "法律带头人"),
    ("普法责任制", "谁执法谁普法", "谁主管谁普法", "普法责任清单"),
    ("法治进校园", "普法进校园", "送法进校园", "法律进校园"),
    ("法治进乡村", "普法进乡村", "法律进乡村", "法治下乡", "普法下乡", "法律下乡", "送法下乡", "送法进村", "普法进村", "法律进农村", "法治进农村"),
    ("法治讲座", "法律讲座", "法治专题讲座", "普法讲座", "法律知识讲座", "法治课", "法治课堂", "法治讲堂", "法治大讲堂"),
    ("法治文化阵地", "法治宣传阵地", "普法阵地", "法治阵地", "普法宣传阵地"),
    ("宣传资料", "宣传材料", "宣传册", "宣传手册", "宣传单", "宣传页", "宣传折页", "传单", "普法资料", "法治宣传资料", "普法宣传资料"),
    ("读本", "读物", "普及读物", "普法读物", "普法读本", "宣传读本", "单行本"),
    ("学校", "校园", "中小学", "中小学校"),
    ("事项", "事情", "事宜"),  # not 事务: 律师事务所 holds it
    ("指挥长", "总指挥", "总指挥长"),
    ("宣传方式", "宣传形式", "宣传手段", "宣传方法", "普法方式", "普法形式", "宣传载体", "普法载体"),
    ("集中学法", "集体学法", "集中学习法律", "组织学法"),
    ("中心组学法", "中心组集体学法", "中心组专题学法", "中心组学习法律"),
    ("会前学法", "常务会学法", "常务会议学法", "会前学习法律"),
    ("学法考试", "法律知识考试", "法治理论考试", "法治理论学习考试", "法律考试", "法治考试", "法律知识测试", "法治理论知识考试", "学法用法考试"),
    ("合格率", "通过率", "及格率"),
    ("法治培训", "法律培训", "法律知识培训", "法治教育培训", "法治专题培训"),
    ("执法培训", "行政执法培训", "执法业务培训", "执法能力培训", "执法人员培训"),
    ("法律援助", "法援"),
    ("公共法律服务工作站", "公共法律服务站", "法律服务工作站", "法律服务站"),
    ("公共法律服务工作室", "公共法律服务室", "法律服务室", "法律服务工作室"),
    ("一村一法律顾问", "一村(社区)一法律顾问", "一村(居)一法律顾问", "一村一顾问", "一社区一法律顾问", "村法律顾问", "村级法律顾问", "村(居)法律顾问", "村(社区)法律顾问",
     "村居法律顾问", "驻村法律顾问"),
    ("法律咨询", "解答法律问题", "法律问题咨询", "法律答疑", "解答法律咨询"),
    ("综合行政执法", "综合执法", "综合执法队", "综合执法大队", "综合执法中队", "综合行政执法队", "综合行政执法办公室", "综合执法办"),
    ("执法检查", "行政检查", "执法巡查"),
    ("涉企行政检查", "涉企检查", "入企检查", "涉企执法检查", "扫码入企", "扫码检查"),
    ("督查", "督察", "督导", "督导检查", "督查检查", "督促检查"),
    ("首违不罚", "轻微违法不罚", "轻微免罚", "免罚清单", "首违免罚", "轻微不罚", "不予处罚"),
    ("执法证", "执法证件", "执法资格", "持证执法", "执法资格证"),
    ("执法公示", "执法信息公示", "执法信息公开", "执法公开"),
    ("出庭应诉", "出庭", "出庭出声", "负责人出庭"),
    ("权责清单", "权力清单", "责任清单", "权力和责任清单", "权责事项"),
    ("违法建设", "违法建筑", "违建", "违章建筑", "违章搭建", "私搭乱建", "乱搭乱建"),
    ("台账", "台帐"),
    ("政务公开", "信息公开", "政府信息公开", "政务信息公开"),
    ("依申请公开", "申请公开", "信息公开申请"),
    ("征求意见", "听取意见", "征集意见", "意见征集", "意见征求"),
    ("社会稳定风险评估", "稳评", "社稳评估", "稳定风险评估", "社会风险评估"),
    ("集体讨论", "集体讨论决定", "集体研究", "集体决策"),
    ("便民服务中心", "政务服务中心", "为民服务中心", "便民服务大厅", "政务服务大厅", "政务大厅", "服务大厅", "行政服务中心"),
    ("政务服务", "便民服务", "为民服务"),
    ("全程代办", "代办", "帮办代办", "帮代办", "代办服务", "帮办", "代跑"),
    ("一网通办", "网上办理", "网上办", "一网办", "掌上办", "线上办理"),
    ("放管服", "简政放权", "放管结合"),
    ("疫情防控", "疫情", "新冠肺炎疫情", "新冠疫情", "新冠肺炎", "新冠", "防疫", "抗疫"),
    ("安全生产", "生产安全", "安监"),
    ("安全隐患", "隐患", "风险隐患", "事故隐患"),
    ("隐患排查", "排查隐患", "排查整治隐患", "隐患排查整治"),
    ("整改", "立行立改", "即知即改", "立查立改"),
    ("电信网络诈骗", "电信诈骗", "电诈", "网络诈骗", "反诈", "反电诈", "防诈", "防电诈"),
    ("新增", "新加", "新装", "新建", "增设"),
    ("雪亮工程", "天网工程", "天网"),
    ("创建", "争创", "创评", "创建工作"),
    ("经费", "工作经费", "经费保障", "资金保障", "专项经费"),
    ("身兼数职", "一人多岗", "一人多职", "一岗多责", "身兼多职"),
    ("人员流动", "人员变动", "流动性大", "流动频繁", "变动频繁", "人员调整"),
    ("年龄偏大", "年龄老化", "年龄结构老化", "年龄较大", "年纪偏大", "年纪较大", "岁数偏大"),
    ("年龄", "年纪", "岁数"),
    ("流于形式", "走过场", "形式主义", "重形式轻实效", "形式化", "走形式"),
    ("重视程度", "思想认识", "重视度", "认识程度"),
    ("不规范", "欠规范", "不够规范", "不标准"),
    ("单一", "单调", "老套", "陈旧", "缺乏创新", "创新不足"),
    ("积极性", "主动性", "参与热情", "参与度"),
    ("实效性", "实效", "实际效果", "有效性"),
)

# Long names the reports write short: 第八个五年法治宣传教育规划 is "八五"普法.
ABBREVIATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    # money said plainly (法治工作的钱不够用, 用于普法的钱): a report says 经费 (not 多少钱, a sum asked; not 价钱, 挣钱,
    # 工钱: wages)
    (re.compile(r"(?<!多少)(?<![价金本挣赚花工])钱(?![款财])"), " 经费 "),
    (re.compile(r"第?([一二三四五六七八九])个五年(?:法治宣传教育|普法)(?:规划)?"), r" \1五 普法 "),
    # the county's court, said short (县法院): a report names it whole (霍城县人民法院), found by 法院
    (re.compile(r"[县市区](?:人民)?(法院|检察院)"), r" \1 "),
)

# ------------------------------------------------------------------ question forms

# the words that ask when
WHEN_WORDS = r"(?:什么时候|啥时候|啥时|何时|哪天|哪一天|几月份?(?!几)|哪个月份?|哪一个月)"
# how big, how long: an ask, whose 大 the tokenizer would glue to the word after (多大面积 -> 多 + 大面积)
HOW_MUCH = re.compile(r"有?多(?:大|长|久|高|远|重|宽|深)")
# ... the dimension it asks, which a report gives by its unit alone (占地约2600平方米)
HOW_MUCH_DIMENSION = re.compile(r"面积|长度|时长|时间|距离|高度|宽度|深度")
# ... and the unit it is answered in: a size in 米 (平方米, 亩, 公顷 of its family), a time in 天 (工作日, 小时)
HOW_MUCH_UNIT = ((re.compile(r"多(?:久|长时间)"), "天"), (re.compile(r"多大(?:年纪|岁数|年龄)|(?:年纪|岁数|年龄)有?多大|多少岁|几岁"), "岁"),
                 (re.compile(r"多(?:大|长|高|远|宽|深)(?!的|作用|成效|效果|变化|进展|影响|规模|力度|比例)"), "米"))
# the last words of a title (组长, 党委书记, 办事处主任, 法律顾问)
TITLE_TAILS = r"(?:长|书记|主任|委员|主席|负责人|顾问)"

# a title a place earns, no place's name: 民主法治示范村, 文明乡镇, 平安社区 (文明乡 alone may be a name)
PLACE_TITLE = re.compile(r"(?:..(?:示范|先进|文明|模范|卫生|平安|美丽|和谐|生态|特色|试点)(?:村|镇|乡|社区|街道|乡村)"
                         r"|(?:示范|先进|文明|模范|卫生|平安|美丽|和谐|生态|特色|试点)乡镇)$")

# the words for the places a question asks about (镇街: the office's word for towns and subdistricts together)
PLACE_WORDS = r"(?:乡镇街道|乡镇|镇街|街镇|乡|镇|街道)"
# the subject of a list question: 哪些乡镇, 有哪几个镇街
ASKED_PLACES = r"^(?:有)?(?:哪些|哪个|哪几个)" + PLACE_WORDS
_PLACE_NOUN = r"(?:乡镇|镇街|街镇|乡|镇|街道|地方|报告|单位)"
LIST_QUESTION = re.compile(
    r"哪些" + _PLACE_NOUN + r"|哪几个" + _PLACE_NOUN + r"|哪几" + _PLACE_NOUN + r"|有几个" + _PLACE_NOUN
    + r"|几个" + _PLACE_NOUN + r"|各乡镇|各镇街|各镇|各个乡镇|所有乡镇|哪个乡镇都|which (?:towns|townships|reports)"
    + r"|(?:列出|列举|找出)\S{0,20}?(?:乡镇|镇|乡|街道)"
    # "有没有乡镇发生过…", "发生过…的乡镇是哪些": which, asked of the whole library
    + r"|(?:有没有|是否有|有无)(?:哪个|哪些)?(?:乡镇|镇街|街镇|街道)|(?:乡镇|镇街|街镇)(?:都)?(?:有哪些|是哪些)"
    + r"|\b(?:are|were) there (?:any )?(?:towns|townships)\b"
    + r"|what (?:towns|townships)|list (?:the|all) (?:towns|townships)",
    re.I,
)
FACT_QUESTION = re.compile(
    r"多少|(?<!哪)几[" + MEASURE_WORDS + r"]|是谁|谁|" + WHEN_WORDS + r"|哪一?个|哪位|哪家|哪一?年|名字|名称|叫什么|称为什么|比例|率是|率为"
    r"|有?多[高大长久]|多高|多大"
    r"|how many|how much|\bwho\b|\bwhen\b|\bwhich\b"
    r"|what (?:is|was|were|are)\b.*\b(?:number|rate|name|percentage|total|amount|figure|budget|cost|spending"
    r"|funding)",
    re.I,
)
# Adverbs of how a count is asked, between the thing and the ask (执法人员到底有几个, 一共有多少)
ASKED_HOW = r"(?:一共|总共|共计?|合计|总计|到底|究竟|大概|大约|约|目前|现在|实际上?)*"
# A time said with 几 (那几天, 这几年, 前几个月): when, not a count asked
TIME_FEW = re.compile(r"[这近前那头后最]几(?:天|年|个?月|周|日)")
# One-character complements of result after a verb (评上了, 办完了, 拿到了): the verb is what was done
RESULT_CHARS = "掉取走住成好到上完出起"
# the clause of a question that asks (哪些乡镇…, …是多少, 是否…, 请问…): the clauses before it say why it is asked
# (县里要汇总各乡镇的数据，请问…)
ASKING_CLAUSE = re.compile(r"请问|想问|想了解|想知道|列出|列举|找出|告诉我|帮我|哪些|哪个|哪几|哪里|哪家|哪位|什么|多少|(?<!哪)几[" + MEASURE_WORDS
                           + r"]|是否|有没有|有无|是不是|吗|如何|怎样|怎么|谁|"
                           r"\b(?:which|what|how|who|when|where|whether|did|does|do|is|are|was|were|has|have)\b", re.I)
# A question that asks a sum of money (花了多少钱, 罚款多少, 投入经费多少): counted in 元, 万元
_NOT_MONEY_UNIT = r"(?![" + MEASURE_WORDS.replace("元", "").replace("万", "") + r"]|时间|天|小时|精力)"  # (处罚了多少起: cases)
MONEY_ASKED = re.compile(r"多少钱|多少(?:经费|资金|费用|金额|罚款|罚金|工钱|工资|欠薪)|(?:(?:金额|经费|资金|费用|罚款|罚金|罚没款?|投入|预算|开支|支出|花费)"
                         r"(?:是|为|有|达到?|共计?|总计|合计|一共)?了?|花(?:了|费了?)?|罚了?)多少" + _NOT_MONEY_UNIT)
ENGLISH_MONEY = re.compile(r"\bhow much (?:money|funding|funds?|budget)\b|\bhow much\b.*\b(?:spen[dt]|cost|paid|pay|invest(?:ed)?|"
                           r"allocat(?:e|ed))\b|\b(?:yuan|rmb)\b", re.I)
# The percentage a question asks a rate to reach: 达到了100%, 为100%, 在95%以上, 超过90% (rag.decide.Asked.at_least)
_ABOVE = r"超过|高于|不低于|大于|不少于|多于"
# ... or stay below: 没有达到100%, 低于97%, 不到90% (rag.decide.Asked.below)
_BELOW = r"没有达到|没达到|未达到|未达|不到|(?<!不)低于|(?<!不)少于|不足|(?<!不)小于"  # (不低于 is at least)
VALUE_BELOW = re.compile(r"(?:" + _BELOW + r")了?\s*(\d+(?:\.\d+)?)\s*[%％]|(\d+(?:\.\d+)?)\s*[%％]以下")
VALUE_ASKED = re.compile(r"(?:达到了?|达|为|是|(?:" + _ABOVE + r"|在)了?)\s*(\d+(?:\.\d+)?)\s*[%％](?:以上|及以上)?"
                         r"|(\d+(?:\.\d+)?)\s*[%％](?:以上|及以上)")
# ... its words of comparison, which no report writes of its own rate (超过了98%: the 98% is kept, as 达到100%'s is)
VALUE_COMPARED = re.compile(r"(?:" + _ABOVE + "|" + _BELOW + r")了?(?=\s*\d+(?:\.\d+)?\s*[%％])|(?<=[%％])(?:及以上|以上|以下)")
# ... and the count a question asks a figure to exceed: 超过50份, 100件以上 (rag.decide.Asked.count_at_least)
COUNT_ASKED_AT = re.compile(r"(?:" + _ABOVE + r")了?\s*(\d+)\s*([" + MEASURE_WORDS + r"])次?(?:以上|及以上)?"
                            r"|在?(\d+)\s*([" + MEASURE_WORDS + r"])次?(?:以上|及以上)")
_FEW = r"不足|不够|(?:太|过|偏|较)?(?:少|低)|有限|紧张|短缺"  # 人数太少: a shortcoming, no figure asked
# A question that asks for a figure, or which reports give one: 多少, 具体件数, 化解率, how many.
FIGURE_QUESTION = re.compile(
    r"多少|(?<!哪)几[" + MEASURE_WORDS + r"]|数[量目](?!" + _FEW + r")|[" + MEASURE_WORDS
    + r"]数(?![字据量]|" + _FEW + r")|场次|人次|具体数|比例|百分"
    r"|(?<![效频税汇概])率(?!先)"
    r"|how many|how much|\bnumber of\b|\bfigures?\b|\brates?\b|percentage|\bcount\b",
    re.I,
)
# Nouns of people: "几个干部", "多少个调解员" count people (名, 人), not things (个).
PERSON_NOUNS = ("人", "人员", "干部", "同志", "党员", "民警", "律师", "村民", "群众", "居民", "志愿者", "调解员", "网格员", "执法人员",
                "工作人员", "法律明白人", "老师", "学生", "代表", "委员")
# China's ethnic groups, as place names carry them (石柱土家族自治县, 青杠坪彝族乡), the longest first: 土家族
# is read before 土族
ETHNIC_GROUPS: tuple[str, ...] = tuple(sorted((
    "土家族", "苗族", "彝族", "藏族", "回族", "满族", "蒙古族", "壮族", "侗族", "瑶族", "白族", "哈尼族", "傣族", "黎族", "畲族", "羌族", "仡佬族",
    "布依族", "水族", "纳西族", "傈僳族", "土族", "撒拉族", "朝鲜族", "锡伯族", "哈萨克族", "柯尔克孜族", "达斡尔族", "鄂温克族", "鄂伦春族", "毛南族",
    "仫佬族", "京族", "拉祜族", "佤族", "景颇族", "普米族", "独龙族", "怒族", "德昂族", "布朗族", "阿昌族", "基诺族", "门巴族", "珞巴族", "塔吉克族",
    "裕固族", "东乡族", "保安族", "俄罗斯族", "维吾尔族", "高山族", "乌孜别克族", "塔塔尔族", "赫哲族",
), key=len, reverse=True))
ETHNIC = "(?:" + "|".join(ETHNIC_GROUPS) + ")"  # one of them, as a pattern

# the last character of a word naming people that PERSON_NOUNS does not hold: 游客, 患者, 农民工, 教师
PERSON_HEADS = "人员客者民众生工师"

# The people a report says a shortcoming of (群众法治意识不强, 村干部依法办事能力不足): a question about one group
# is not answered by another's (rag.decide)
SHORTCOMING_SUBJECTS = frozenset({"群众", "村民", "居民", "老百姓", "干部", "村干部", "领导干部", "党员", "执法人员",
                                  "工作人员", "律师", "调解员", "网格员", "志愿者", "法律明白人", "民警"})

# What an English count is counted in: "how many people" -> 人 (人次 too), "how many sessions" -> 次.
ENGLISH_UNITS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("人", re.compile(r"people|persons?|residents|villagers|participants|attendees|officials|cadres|officers|staff"
                     r"|trainees|attendances|person-times")),  # (人次 is of 人's family: 1500人次 trainees)
    ("次", re.compile(r"times|sessions|events|activities|lectures|meetings|campaigns|trainings|rounds")),
    ("件", re.compile(r"cases|disputes|items|contracts|documents|complaints|matters|petitions|applications")),
    ("辆", re.compile(r"vehicles|cars|trucks")),
    ("个", re.compile(r"stations|workstations|centres|centers|offices|rooms|points|platforms|teams|villages"
                     r"|communities|groups|mechanisms")),
    ("份", re.compile(r"copies|brochures|leaflets|pamphlets|booklets|handbooks")),
)
# ... the nouns that only count, right after "how many" (how many cases: 件, not a topic word 案件)
ENGLISH_COUNT_ONLY = re.compile(r"cases?|items?|matters?|times|pieces?", re.I)
# words that end the noun phrase after "how many" (a verb or a determiner): "how many people | attended the …"
ENGLISH_PHRASE_END = re.compile(r"did|do|does|were|was|are|is|have|has|had|the|a|an|of|in|at|by|for|to|from|on|with"
                                r"|that|will")
ENGLISH_COUNT = re.compile(r"how many\s+((?:[\w'-]+\s+){0,5}[\w'-]+)", re.I)

# A question that asks for a person's name: "党委书记叫什么名字", "镇长是谁", "who is the party secretary".
# ("name" in English asks a person's name only with a person: "the name of the party secretary", not "the name
# of the mechanism")
_PERSON_EN = (r"\bname of (?:the |its |their )?(?:\w+ ){0,3}?(?:person|official|head|leader|secretary|director|chief"
              r"|mayor|lawyer|adviser|advisor|chairman|chair|commander|deputy)\b|\bwhose name\b")
PERSON_QUESTION = re.compile(r"是谁|由谁|谁任|谁担任|谁来|谁挂帅|谁牵头|叫什么|名字|姓名|哪位|哪(?:一名|一位|一个|一|个|名)(?=律师|同志|干部|书记|镇长|乡长|主任)"
                             r"|\bwho\b|" + _PERSON_EN, re.I)
# ... of a person, not of a thing: "书记叫什么名字", not "那个晚会叫什么", "这个机制的名字"
_PERSON_WORD = re.compile(r"谁|哪位|" + TITLE_TAILS + r"|律师|干部|同志|人员|\bwho|" + _PERSON_EN, re.I)


def asks_person(question: str) -> bool:
    """Whether a (simplified) question asks who someone is, or a person's name."""
    return bool(PERSON_QUESTION.search(question) and _PERSON_WORD.search(question))

# A question answered yes or no: "共和镇有没有设立涉外公共法律服务工作站？", "Does Daxie have a legal adviser?"
YESNO_QUESTION = re.compile(r"有没有|有无|是否|是不是|有未|吗[？?]?\s*$|^\s*(?:does|did|do|is|are|was|were|has|have)\b", re.I)

# A question that asks for a name, not a role: "叫什么名字" (a role answers "组长是谁").
# The title whose holder a question asks for: 指挥长 in "…指挥部的指挥长由谁担任", 党委书记 in "党委书记叫什么名字".
_TITLE = r"((?:(?!的|之|和|与|及)[\u4e00-\u9fff]){0,3}" + TITLE_TAILS + r")"
TITLE_ASKED = re.compile(_TITLE + r"(?:由谁|是谁|谁任|谁担任|谁来|叫什么|的名字|的姓名|名字|姓名)"
                         r"|(?:由谁|谁)(?:来|挂帅|牵头)?(?:任|担任|出任|当|做)" + _TITLE)
# the words of the question's frame around a title ("由谁担任"): no topic of it
TITLE_FRAME = re.compile(r"(?:由谁|谁)(?:来|挂帅|牵头)?(?:担任|出任|任|当|做)|由谁|是谁|谁挂帅|谁牵头")


def asked_title(question: str) -> str | None:
    """The title whose holder a (compact, simplified) question asks for: 指挥长, 副组长, 党委书记."""
    m = TITLE_ASKED.search(question)
    if not m:
        return None
    title = m.group(1) or m.group(2)
    return title[title.index("副"):] if "副" in title else title  # 小组副组长 -> 副组长


def title_forms(question: str) -> list[str]:
    """The asked title and its shorter tails of two or more characters (组组长 -> 组组长, 组长), or none; a
    deputy's title only whole (副组长 is not 组长)."""
    title = asked_title(question)
    if not title:
        return []
    if "副" in title:
        return [title[title.index("副"):]]
    return [title[i:] for i in range(len(title) - 1)]


# A figure's kind said alone (an English "GDP growth rate" whose glossary words leave only 率): no topic
BARE_FIGURE_WORDS = frozenset({"率", "数", "量", "额", "值", "比", "比例", "比率", "数量", "数字"})
# A question that asks what a thing is called: "学习机制叫什么", "the name of the workstation" (not a person's name)
# The kind of answer a question asks for after 什么/哪些: a report writes the honour, not the word 荣誉称号
# ("丁河村获评全国民主法治示范村" answers "获得了什么荣誉称号").
ANSWER_KIND = re.compile(r"(?:什么|哪些|哪种|哪项|何种)(?:荣誉称号|荣誉|称号|奖项|名称|名字|文号)"
                         r"|(?:荣誉称号|称号|奖项|名称|名字|文号)(?:是|叫)?(?:什么|多少)"
                         r"|(?:处理|办理|审理|判决)?结果(?:怎样|如何|怎么样|是什么)"  # the outcome a report states
                         r"|叫(?:什么|啥)(?:名字|名称)?")  # 工作法叫什么: the tokenizer would glue 法叫
# A total said before its verb ("全镇一共建了几个"): the tokenizer glues 共 to the verb (共建), which no report
# writes
# One character that makes the word before it a thing of its own: a day, week or month named for a cause
# (宪法日, 宣传月), a room, an office or a post (调解室, 司法所, 服务站, 网格员); the tokenizer cuts it off
NOUN_SUFFIXES = "日周月节室所站员队庭"
TOTAL_ADVERB = re.compile(r"一共|总共|共计|合计|总计|累计|加起来")
# The form a figure is asked in ("百分比形式的指标", "以数字形式"): no topic (RATE_QUESTION reads the 百分比)
FIGURE_FORM = re.compile(r"(?:以|用)?(?:百分比|百分数|数字|数据|比例|表格)的?形式|百分之(?:几|多少)?(?![百\d一二三四五六七八九十])")
# An aside that tells what counts, not what to find: "（不算下一年的计划）", "（只算已经做的）", "，明年的打算不算",
# "(excluding plans)". A list counts work done by itself (rag.decide: a plan alone supports no township), so the
# aside says nothing more; read as words it would ask for 计划 and 不算.
COUNTING_ASIDE = re.compile(
    r"[（(][^（）()]{0,30}?(?:不算|不计|不含|不包括|除外|排除|只算|仅算|只计|只统计|仅统计|只看|仅看|仅限|只限"
    r"|excluding|not counting|do(?:es)? not count|don't count|only count)[^（）()]{0,30}?[）)]"
    r"|[，,]\s*[^，,。？?]{0,16}(?:不算|不计|除外)(?:在内)?(?=[。？?]?\s*$)", re.I)
# Where in the reports a question looks ("在报告中写了", "文中提到", "材料里说"): no topic, and the tokenizer
# glues its pieces into words no report holds (中写)
REPORT_FRAME = re.compile(r"(?:在|于)?(?:报告|文中|文件|材料|原文|全文)(?:中|里|内|里面|当中)?"
                          r"(?:写|提|说|谈|讲|记|载)(?:到|了|过|明|及)?"
                          # (把扫黑除恶写进了法治政府建设报告: where it is said, not what)
                          r"|(?:写进|写入|列入|纳入)了?(?:年度)?(?:法治政府建设)?(?:工作)?(?:情况)?(?:年度)?报告"
                          r"|明确地?(?:说|表示|指出|提到|提出|写明?|承认)(?:了|过)?")  # 明确说: how, not what
# Where in a report a question looks, by its section ("在问题部分提到", "下一步计划那部分里"): the kind of section
# (kind_cues reads it from the question), no shortcoming or word to find
SECTION_FRAME = re.compile(r"在?(?:存在的?)?(?:主要)?(?:问题|不足|短板|下一步|计划|打算|成效|成绩|主要工作|工作情况)"
                           r"(?:和不足|与不足)?(?:部分|一节|章节|段落|那一?部分|板块|一栏)(?:中|里|内|里面)?"
                           # "把…当作存在的问题", "列为短板": what the report calls it
                           r"|(?:当作|当成|作为|列为|列入|归为|算作|视为|看作)了?(?:存在的|一个|一项|主要|突出)?"
                           r"(?:问题|不足|短板|弱项|薄弱环节)")
# The township speaking of itself in a question ("本单位行政执法人员有多少人", "我镇"): the scope, no word to find
SELF_REFERENCE = re.compile(r"本单位|本部门|本辖区|本镇|本乡|本街道|我单位|我镇|我乡|我街道")
THING_NAME_QUESTION = re.compile(r"叫什么|名字|名称|称为什么|什么名|\bname of\b|\bcalled\b", re.I)
NAME_ASKED = re.compile(r"名字|姓名|叫什么|" + _PERSON_EN, re.I)
# A question that asks whose report says something: "…的那份报告是哪个乡的？", "which township's report …"
IDENTITY_QUESTION = re.compile(r"(?:是|属于|来自)?哪(?:个|一个)" + PLACE_WORDS + r"(?:的)?(?:报告)?[？?。]?$"
                               r"|\bwhich (?:town|township|subdistrict)(?:'s)? report\b|\bwhose report\b", re.I)
# A question that asks for a day: "什么时候主持召开", "哪天", "when did".
WHEN_QUESTION = re.compile(WHEN_WORDS + r"|几月几日|几号|\bwhen\b|\bwhat date\b|\bon what day\b", re.I)

# The common surnames (about nine in ten people bear one): a person's name begins with one; 多次 and 亲自 do not.
SURNAMES = frozenset(
    """王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 袁 潘
    于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹
    薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 莫 孔 向 汤 常 温 康 施 文 牛 樊 葛 邢 安 齐 易 乔
    伍 庞 颜 倪 庄 聂 章 鲁 岳 翟 殷 詹 申 欧 耿 关 兰 焦 俞 左 柳 甘 祝 包 宁 尚 符 舒 阮 柯 纪 梅 童 凌 毕 单 季 裴
    霍 涂 成 苗 谷 盛 曲 翁 冉 骆 蓝 路 游 辛 靳 管 柴 蒙 鲍 华 喻 祁 蒲 房 滕 屈 饶 解 牟 艾 尤 阳 时 穆 农 司 卓 古
    吉 缪 简 车 项 连 芦 麦 褚 娄 窦 戚 岑 景 党 宫 费 卜 冷 晏 席 卫 米 柏 宗 瞿 桂 全 佟 应 臧 闵 苟 邬 边 卞 姬 师
    和 仇 栾 隋 商 刁 沙 荣 巫 寇 桑 郎 甄 丛 仲 虞 敖 巩 明 佘 池 查 麻 苑 迟 邝 欧阳 上官 司马 诸葛 东方 皇甫""".split()
)

# A comparison of figures: "哪个化解的纠纷更多", "which handled more".
MORE_QUESTION = re.compile(r"更多|最多|较多|最高|更高|\bhighest\b|\bhigher\b|多还是少|(?:哪个|哪一个|谁)\S*多[？?]?$|\bmore\b|\bmost\b")
LESS_QUESTION = re.compile(r"更少|最少|较少|最低|更低|\blowest\b|\blower\b|(?:哪个|哪一个|谁)\S*少[？?]?$|\bfewer\b|\bless\b|\bleast\b")

# Nouns that hold a place for a thing without naming it (便民服务事项, 普法活动): a report names the thing alone
# (办理便民服务2000件), so no sentence must hold them
PLACEHOLDER_NOUNS = frozenset({"事项", "事情", "事务", "活动", "方面", "内容", "特点", "东西"})

# Words that deny what follows them in a clause: 未制定规范性文件, 无行政复议变更…和行政诉讼败诉案件.
NEGATIONS: tuple[str, ...] = ("未", "没有", "尚未", "从未", "不曾", "无")
# words that begin with one and negate nothing: 《未成年人保护法》, 无偿法律咨询, 无障碍
NOT_NEGATIONS = re.compile(r"未成年|未来|无偿|无障碍|无人机|无论|无缝|无纸化|无害化|无私|无线")
# ... and what says it after its word: 行政诉讼案件均为零, 行政复议案件0件
ZERO_AFTER = re.compile(r"[^，,。；;！!？?]{0,12}?(?:均?为零|均?为0(?![\d.])|是零|零发生|零起|(?<![\d.])0(?:件|起|宗|例|个)"
                        r"|(?:清零|归零))")
# A list question that asks which reports had none of a thing (全年没有发生行政诉讼案件, 未受理行政复议)
# A list question that asks which reports do not mention a thing at all ("哪些乡镇没有提到法律顾问", "完全没有写
# 存在的问题"): the reports the same question without the negation would not cite
NOT_MENTIONED = re.compile(r"(?:完全|并|都|均|从来)?(?:没有|没|未|并未|未曾)(?:在(?:报告|文中|材料)?[里中内]?)?"
                           r"(?:提到|提及|谈到|说到|写到|写|涉及|列出|列|反映)"
                           r"(?:过|了)?|\b(?:do|does|did) not mention\b|\bmake no mention of\b", re.I)
# ... its frame, no topic of its own: "没出现过行政诉讼" is about 行政诉讼
_NONE_OF = r"(?:没有?|未|尚未|从未|不曾|无)(?:发生|出现|受理|收到|接到|新增|制发|制定|出台|印发)"
ABSENCE_FRAME = re.compile(_NONE_OF + "过?")
ABSENCE_QUESTION = re.compile(_NONE_OF +
                              r"|零发生|为零|都没有?(?:发生|出现)"
                              r"|(?:没有|无)[^，,。；;？?]{0,10}?(?:案件|案子|事件|事故|申请|投诉|上访)"
                              r"|\b(?:no|zero)\b|\bwithout\b|\bdid not have\b|\bhad no\b", re.I)
# A list question that asks which reports mention a thing or report on its situation (a report that says it did
# not happen does), or asks about its absence; any other asks which did it (全年未发生行政诉讼案件 reports no
# lawsuit for "哪些乡镇报告了行政诉讼案件", and answers "哪些乡镇报告了行政诉讼案件的情况").
MENTION_OR_ABSENCE = re.compile(r"提到|提及|谈到|说到|讲到|谈及|涉及|反映|情况|说|未|没有|尚未|从未|不曾|无"
                                r"|mention|report(?:s|ed)? on|situation|\bno\b|\bnot\b|without", re.I)
# ... unless what is mentioned is that there was some: "提到本年度有行政诉讼案件", "提及发生了…" ask which had some
MENTION_OF_SOME = re.compile(r"(?:提到|提及|谈到|说到|讲到|谈及|反映|说|称)了?(?:本年度|全年|当年|年内|今年|去年)?"
                             r"(?:有过?|发生[了过]?|出现[了过]?|受理[了过]?)(?!没有|无|否)"
                             r"|(?:提到|提及|谈到|说到|讲到|谈及|反映|说|称|表示)(?:自己|本镇|本乡)?(?:已经|已)(?!经?(?:没有|无|不))")  # 说已经修订了: what was done

# A word that asks for a count by its measure word: 项数, 件数, 户数 (the figure is asked, FIGURE_QUESTION)
COUNT_NOUN = re.compile(r"^(?:[" + MEASURE_WORDS + r"]数|总数|总量|总额|数量|数目|总计|总和|合计)$")  # 件数, 总数: how much, no topic
# A question word that is a count or a span, no topic: 两名, 三个, 一年(里), 三个月. Not 一村 (一村一法律顾问).
COUNT_WORD = re.compile(r"^(?:[二两三四五六七八九十百几数半][一二两三四五六七八九十百几数半]*个?[" + MEASURE_WORDS + r"年月周]"
                        r"|一个?[年月周]|[那这该此][" + MEASURE_WORDS + r"])$")  # 那起 (行政诉讼案件): which one, no topic  # not 一支, 一件, 一张: slogans are made of them (一支队伍管执法, 一件事一次办)

# "第三个问题", "第二点不足": which point of a section is asked for.
ORDINAL = re.compile(r"第([一二三四五六七八九十]{1,3}|\d{1,2})(?:个|条|项|点|方面)(?!五年)")  # not 第八个五年(规划)
_CN_NUMBER = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)}


def ordinal(question: str) -> int | None:
    """The point a question asks for: "第三个问题" -> 3 (None without one)."""
    m = ORDINAL.search(question)
    if not m:
        return None
    n = m.group(1)
    if n.isdigit():
        return int(n) or None
    tens, _, ones = n.partition("十")
    if "十" not in n:
        return _CN_NUMBER.get(n)
    return (_CN_NUMBER.get(tens, 1) if tens else 1) * 10 + (_CN_NUMBER.get(ones, 0) if ones else 0)


# A question that asks which place or body did something names the kind of name it wants: 哪个村 -> 村.
ENTITY_QUESTION = re.compile(
    r"(?:哪|哪一|哪几)(?:个|家|所|位)?(村|社区|居委会|律师事务所|事务所|律所|公司|单位|部门|学校|法庭|派出所|站所|科室)"
    r"|(?:哪|哪一)个(乡|镇)(?=的)"  # 学习推广了哪个乡的经验 (not 哪个乡镇, which asks for the reports' townships)
)
ENTITY_QUESTION_EN: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b(?:which|what)\s+{en}\b", re.I), zh) for en, zh in (
        ("villages?", "村"), ("communit(?:y|ies)", "社区"), ("law firms?", "律师事务所"), ("compan(?:y|ies)", "公司"),
        ("departments?", "部门"), ("schools?", "学校"),
    )
)


def entity_asked(question: str) -> str | None:
    """The kind of name a (simplified) question asks for: "哪个村…", "Which village…" -> 村."""
    m = ENTITY_QUESTION.search(question)
    if m:
        return m.group(1) or m.group(2)
    return next((zh for rx, zh in ENTITY_QUESTION_EN if rx.search(question)), None)


# ... a rate or a share (not 效率, 频率: a rate of the reports' kind is a percentage)
RATE_QUESTION = re.compile(r"(?<![效频税汇概])率(?!先)|比例|百分|percentage|\brates?\b", re.I)  # not 率先


@lru_cache(maxsize=1)
def synonym_index() -> dict[str, tuple[str, ...]]:
    """word -> every word of the groups it belongs to (itself first)."""
    out: dict[str, list[str]] = {}
    for group in SYNONYMS:
        for w in group:
            merged = out.setdefault(w, [w])
            merged.extend(x for x in group if x not in merged)
    return {w: tuple(v) for w, v in out.items()}


# 问题 that is no shortcoming of the report's own: a problem handled (解决问题, 查出整改的隐患、问题数量), a
# person's legal question (法律问题), or a count of them (问题数量).
PROBLEM_NOT_CUE = re.compile(
    # a verb of handling, at most ten characters before (no 存在, 哪, 什么, 有, 中 between: "排查工作存在哪些问题"
    # asks for shortcomings; 处理过拖欠工资（欠薪）的问题 asks for work)
    rf"(?:{SOLVING.pattern})(?:(?!存在|哪|什么|有|中)[^，。,;；?？!！]){{0,10}}问题"
    r"|(?:法律|隐患、?|纠纷、?)问题"  # a person's legal question, hazards and problems found: side by side only
    r"|问题(?:数量|件数|个数|数|线索|清单|台账)"
)


def kind_cues(text: str) -> set[str]:
    """The kinds of section a (normalised, simplified) question is about."""
    lower = PROBLEM_NOT_CUE.sub(" ", text.lower())
    return {kind for kind, cues in KIND_CUES.items() if any(c in lower for c in cues)}


def heading_kind(simple_heading: str) -> str | None:
    """The kind of section a simplified heading names by itself, or None."""
    for kind, pattern in HEADING_KINDS:
        if any(kind != "problems" or not _MENDED.search(simple_heading[:m.start()])
               for m in pattern.finditer(simple_heading)):
            return kind
    return None


# a shortcoming named as the object of the work that mends it (1.补齐执法队伍短板, 着力解决执法力量不足问题): a point
# of work, not of problems; the verb at most ten characters before, in the same clause
_MENDED = re.compile(rf"(?:{SOLVING.pattern})[^，。,;；:：]{{0,10}}$")


# Questions about the reports themselves (matched on the simplified question, lower case, spaces kept).
_ASK = r"(?:哪个|哪一个|哪一|哪|什么|何|which|what)"
META_CORPUS = re.compile(
    r"(有哪些|有几份|多少份|几份|哪几份)(年度)?报告|报告库|收录了|(?:哪些|哪几个)乡镇(?:的报告|有报告)|^哪些(?:年度)?报告"
    r"|有哪些\S{0,8}?" + PLACE_WORDS + r"的?(?:年度)?报告|有哪些" + PLACE_WORDS + r"[？?]?$"
    r"|(?:哪些|哪几个)" + PLACE_WORDS + r"(?:的报告)?(?:属于|位于|隶属于?|来自|在|是)"
    r"|(?:哪些|哪几个)" + PLACE_WORDS + r"(?:提交|上报|报送|交)了?|报告(?:有哪些|有几份|有多少份|一共有?多少份|共有?几份)"
    r"|which reports|what reports|how many reports|which (?:town|township|subdistrict)(?:s'|'s) reports?\b"
)
# ... in other words: an ask of which places or reports (not "提到了哪些工作", which asks about content) that
# names a report as a thing (not "which townships report X", a verb) and nothing else (rag.metadata_answers)
WHICH_PLACES_ASKED = re.compile(r"(?:哪些|哪几个?|哪几份)(?:" + PLACE_WORDS + r"|报告)"
                                r"|\bwhich (?:towns?|townships?|subdistricts?|reports?)\b")
REPORT_NOUN = re.compile(r"报告|\b(?:a|an|the|their|its|any|\d{4}) (?:annual )?reports?\b|\breports? (?:for|from|of|in|exist)\b")
# "哪些报告是繁体字的", "which reports are in traditional characters": the reports by their script
META_SCRIPT = re.compile(r"(?:哪些|哪几份|有几份|多少份|哪份)报告.{0,8}?(?:繁体|正体)|(?:繁体|正体)字?的?报告|(?:繁体|正体)字?(?:写|撰写)的"
                         r"|\btraditional (?:chinese|characters|script)\b", re.I)
# the frame of a question about the script of the reports, and of one asking whether a report exists: what is
# left without it names a topic, if anything ("繁体字报告里提到了哪些普法活动", "有没有召开…听取…报告")
SCRIPT_FRAME = re.compile(r"繁体字?|正体字?|traditional (?:chinese )?(?:characters|script)|chinese|written|in|哪些|哪几份"
                          r"|有几份|多少份|哪份|是|用|写的|撰写")
EXISTS_FRAME = re.compile(r"有没有|有无|是否有|有|报告|吗|嘛|呢|is there|are there|do you have|do we have|reports?|any|an?\b")
# "有没有桑柘镇2023年的报告", "is there a report for Gaoguan town": whether the library holds a named report
META_EXISTS = re.compile(
    r"(?:有没有|有无|是否有|有)\S{0,16}?报告(?:吗|嘛|呢)?[？?]?$|报告(?:有没有|有吗|在不在|收录了吗|吗)"
    r"|\b(?:is|are) there (?:a |any )?reports?\b|\bdo (?:you|we) have (?:a |the |any )?reports?\b"
)
META_DATE = re.compile(
    r"(报告|落款|成文|印发|签发|发布)\S{0,8}?(日期|时间|" + WHEN_WORDS + r")"
    r"|(" + WHEN_WORDS + r")\S{0,6}?(印发|签发|发布|落款|成文)"
    r"|\b(signed|dated|signing date|date of)\b|\bwhen\b.*\breport\b.*\b(?:published|issued|released|posted|written|generated)\b"
    # a web page's dates, of the report itself (大中街道什么时候公开政府信息 asks about its work, not the page)
    r"|报告\S{0,6}?(生成|公开|上网)\S{0,4}?(日期|时间|" + WHEN_WORDS + r")|报告\S{0,6}?(" + WHEN_WORDS
    + r")\S{0,6}?(生成|公开|上网)"
)
# the words that ask for a web page's date rather than the signature's (rag.metadata_answers)
PAGE_DATE_ASKED = re.compile(r"发布|印发|生成|公开|上网|publish|issued|released|posted|generated")  # (成文: written, the signing)
META_PROVINCE = re.compile(
    _ASK + r"\s*(?:个)?(?:省|省份|省级|直辖市|自治区)|(?:省|省份)是(?:哪|什么)|所属省|\bprovince|municipality\b"
)
META_COUNTY = re.compile(
    _ASK + r"\s*(?:个)?(?:县|区|县区|区县|县级市|市辖区|旗)|所属(?:的)?(?:县|区|县区|旗)|归哪|隶属|属于哪|位于哪|在哪个(?:县|区|旗|市)"
    r"|\b(?:county|district)\b"
)
META_ADDRESSEE = re.compile(
    r"(?:写给|报送|呈报|报给|上报|递交|提交|主送|送给|发给)\S{0,6}?(?:哪个|哪一个|哪|什么|谁|何)|主送(?:单位|机关)|收件"
    r"|\baddress(?:ed|ee)\b|\bsubmitted to\b|\bsent to\b"
)
META_YEAR = re.compile(
    r"(?:哪一?年|哪个年度|哪一年度|什么年份|年份|which year|what year|year does|year is)"
)
REPORT_WORD = re.compile(r"报告|report|总结|年度|工作")
# A fact asked of each year a township reported on (这几年的法律明白人分别有多少名, 每年审查多少份合同).
EACH_YEAR = re.compile(r"分别|各是|各为|各有|每年|每一年|历年|逐年|这几年|近几年|这些年|各年|每个年度|\beach year\b|\bevery year\b"
                       r"|\bper year\b|\bin each of\b")
# "库里有哪几个年度的报告", "which years do the reports cover": the years the library holds (not one township's)
META_YEARS = re.compile(r"哪些年份|哪几个年份|哪几个?年度?|哪些年度?|哪几年|年份|分别是哪一?年|都是哪一?年|哪一?年的"
                        r"|\b(?:which|what) years\b|\byears? (?:do|does) the reports\b")
# The words of a question about the report library that name no topic ("语料库里一共有多少份报告").
CORPUS_REST: frozenset[str] = frozenset({
    "收录", "已收录", "库里", "现有", "目前", "现在", "一共", "总共", "共有", "已经", "来自", "语料库", "资料库", "数据库", "库",
    "提交", "上报", "报送", "上传", "已提交", "哪些", "有哪些", "哪几个", "县", "区", "市", "省", "里面", "系统", "library", "list",
    "分别", "各", "各个", "都", "cover", "covered",
})
# A place name by its suffix (重庆市, 城口县): a scope, not a topic.
PLACE_NAME = re.compile(r"\S{1,8}(?:省|市|县|区|镇|乡|街道)")
