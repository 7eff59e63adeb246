"""Fifty texts for comparing two embedding backends: law sentences, Japanese questions, English.

Written like what the assistant embeds: passages from the statutes it indexes (with their
article numbers, long compound nouns and kanji numerals), users' questions in Japanese, and the
English questions of foreign-owned firms' compliance staff.
"""

from __future__ import annotations

LAW_SENTENCES = [
    "この法律は、国際情勢の複雑化、社会経済構造の変化等に伴い、安全保障を確保するためには、経済活動に関して行われる国家及び国民の安全を害する行為を未然に防止する重要性が増大していることに鑑み、基本的な方針を策定する。",
    "政府は、経済施策を一体的に講ずることによる安全保障の確保の推進に関する基本的な方針を定めなければならない。",
    "主務大臣は、特定重要物資の安定供給確保を図るため、特定重要物資等の生産、輸入又は販売の事業を行う者に対し、報告又は資料の提出を求めることができる。",
    "特定社会基盤事業者は、特定重要設備の導入を行おうとするときは、導入計画書を作成し、主務大臣に届け出なければならない。",
    "前項の規定による届出をした者は、その届出が受理された日から起算して三十日を経過する日までは、当該届出に係る特定重要設備の導入を行ってはならない。",
    "内閣総理大臣は、特許出願の明細書等に公にすることにより外部から行われる行為によって国家及び国民の安全を損なう事態を生ずるおそれが大きい発明が記載されていると認めるときは、保全指定をするものとする。",
    "居住者が非居住者との間で特定技術を提供することを目的とする取引を行おうとするときは、経済産業大臣の許可を受けなければならない。",
    "財務大臣又は事業所管大臣は、対内直接投資等の届出をした外国投資家に対し、当該対内直接投資等に係る内容の変更又は中止を勧告することができる。",
    "第五十五条の八の規定による報告は、当該報告を求める事項を指定した上で、書面により行うものとする。",
    "防衛大臣は、装備品等の製造等を行う事業者に対し、サプライチェーンの調査のために必要な事項の報告を求めることができる。",
    "認定供給確保事業者は、認定供給確保計画の変更をしようとするときは、主務省令で定めるところにより、主務大臣の認定を受けなければならない。",
    "指定を受けた法人は、毎事業年度、業務の実施状況を記載した報告書を作成し、当該事業年度終了後三月以内に主務大臣に提出しなければならない。",
    "この政令は、公布の日から施行する。ただし、第三条の規定は、令和五年四月一日から施行する。",
    "法第二十条第一項の政令で定める者は、次に掲げる者とする。",
    "外国為替及び外国貿易法（昭和二十四年法律第二百二十八号）第二十五条第一項の規定に基づき、貨物の設計、製造又は使用に係る技術を提供する取引は、許可を要する。",
    "特定重要技術の研究開発等に従事する者は、正当な理由がなく、その業務に関して知り得た秘密を漏らし、又は盗用してはならない。",
    "経済安全保障推進会議は、関係行政機関の長の協力を得て、施策の実施状況を定期的に検証する。",
    "前条第一項の規定に違反した者は、二年以下の懲役若しくは百万円以下の罰金に処し、又はこれを併科する。",
    "支援法人は、安定供給確保支援業務に関する基金を設け、助成金の交付に充てるものとする。",
    "外国為替令第十八条の規定により、経済産業大臣は、役務取引の許可の申請に係る審査の基準を定める。",
]

JAPANESE_QUESTIONS = [
    "特定重要設備を導入する前に届け出る必要はありますか？",
    "届出から何日経てば設備を導入できますか。",
    "特許出願の非公開制度の対象になるのはどんな発明ですか？",
    "外為法で技術提供に許可が必要なのはどのような場合ですか",
    "認定供給確保計画を変更するときの手続きを教えてください。",
    "主務大臣が事業者に報告を求められる根拠条文はどれですか？",
    "保全指定を受けた発明を外国に出願してもよいですか",
    "対内直接投資の届出をしたら中止を勧告されることはありますか？",
    "基幹インフラ制度の対象となる事業者はどのように指定されますか。",
    "秘密を漏らした場合の罰則はどうなっていますか？",
    "支援法人の基金は何に使われますか",
    "経済安全保障推進法はいつ施行されましたか？",
    "防衛装備品のサプライチェーン調査に協力する義務はありますか。",
    "特定重要物資にはどのような物資が指定されていますか？",
    "みなし輸出管理の対象となる居住者とは誰のことですか",
]

ENGLISH_QUESTIONS = [
    "Do we need to notify the minister before installing critical equipment?",
    "How many days after filing the notification can the equipment be introduced?",
    "Which inventions can be designated for patent non-disclosure?",
    "When is a license required to provide technology to a non-resident?",
    "What is the penalty for disclosing secrets learned in a designated research project?",
    "Which law is used for prior reporting of technology transfers?",
    "Can the government order a foreign investor to stop an inward direct investment?",
    "What must a certified supplier do to change its supply assurance plan?",
    "Who counts as a specified social infrastructure business operator?",
    "When did the Economic Security Promotion Act take effect?",
    "What reports can the Minister of Defense request from defense contractors?",
    "How are subsidies from the support corporation's fund granted?",
    "Is an annual business report required from designated corporations?",
    "What does the basic policy on economic security have to cover?",
    "Are semiconductors designated as specified critical products?",
]

PARITY_PASSAGES = LAW_SENTENCES
PARITY_QUERIES = JAPANESE_QUESTIONS + ENGLISH_QUESTIONS
assert len(PARITY_PASSAGES) + len(PARITY_QUERIES) == 50
