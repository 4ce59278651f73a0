"""Parts of the exam generator that need no index: accepted writings, controlled changes, difficulty, the law
in force between documents, and the quiz floors of the benchmark."""

from __future__ import annotations

from datetime import date

from assistant.quiz import LawInForce, QuizItem
from assistant.quiz.difficulty import features, rate
from assistant.quiz.validate import one_controlled_change, same_meaning
from assistant.quiz.variants import accepted_variants
from corpus.model import DocumentInfo, Paragraph, Provision
from evals.quiz import check_quiz_floors


def test_accepted_writings_of_numbers():
    assert accepted_variants("百分之六十") == ("60%",)
    assert accepted_variants("60%") == ("百分之六十",)
    assert accepted_variants("三十日内") == ("30日内",)
    assert accepted_variants("二万元以上五万元以下") == ("2万元以上5万元以下",)
    assert accepted_variants("40%至80%") == ("百分之四十至百分之八十",)
    assert accepted_variants("安全生产责任制") == ()


def test_false_statements_are_one_reviewed_change():
    text = "受理的举报事项经调查核实后，应当形成书面材料"
    assert one_controlled_change(text, text.replace("书面", "口头"))  # a condition turned
    assert one_controlled_change(text, text.replace("应当", "可以"))  # a modal word turned
    assert not one_controlled_change(text, text.replace("书面", "电子"))  # not a reviewed swap
    scope = "重大事故隐患排查治理情况应当及时向负有安全生产监督管理职责的部门报告"
    assert one_controlled_change(scope, scope.replace("重大事故隐患", "事故隐患"))  # widened: claims more
    assert not one_controlled_change(scope.replace("重大事故隐患", "事故隐患"), scope)  # narrowed: still true
    assert same_meaning("应当在三十日内报告", "必须在30日内报告") is False  # two rewordings at once
    assert same_meaning("应当在三十日内报告", "应当在30日内报告")


def _item(**fields: object) -> QuizItem:
    base = {
        "type": "判断",
        "stem": "依据《安全生产法》规定，生产经营单位应当具备安全生产条件。",
        "options": {"A": "正确", "B": "错误"},
        "answer": "正确",
        "explanation": "",
        "doc_id": "law",
        "unit": "第二十条",
        "citation": "",
        "difficulty": "易",
    }
    return QuizItem(**{**base, **fields})  # type: ignore[arg-type]


def test_difficulty_follows_stated_features():
    assert rate(_item(topic="原文")).difficulty == "易"
    modal = _item(answer="错误", change="情态", topic="情态")
    scope = _item(answer="错误", change="范围", topic="范围")
    assert features(modal)["fact"] < features(scope)["fact"]
    long_case = _item(
        type="单选",
        stem="某企业发生一起生产安全事故，造成4人死亡、2人重伤，直接经济损失600万元。依据《条例》，该事故应当由（  ）负责调查。",
        options={"A": "省级人民政府", "B": "设区的市级人民政府", "C": "县级人民政府", "D": "国务院"},
        answer="B",
        topic="案例",
        units=("第三条", "第十九条"),
    )
    assert rate(long_case).difficulty == "难"


def test_the_law_in_force_prefers_higher_and_later_documents():
    def doc(doc_id: str, level: str, effective: str) -> DocumentInfo:
        return DocumentInfo(doc_id, doc_id, level, f"{doc_id}.txt", "txt", "0", effective=effective)

    def article(doc_id: str, text: str) -> Provision:
        return Provision(doc_id, "第一条", 1, text, [Paragraph(text)])

    sentence = "危险化学品经营企业的销售记录保存期限不得少于{}"
    documents = {
        "old-rule": doc("old-rule", "行政法规", "2013-12-07"),
        "new-law": doc("new-law", "法律", "2026-05-01"),
        "future": doc("future", "法律", "2030-01-01"),
    }
    provisions = [
        article("old-rule", sentence.format("1年")),
        article("new-law", sentence.format("三年")),
        article("future", sentence.format("五年")),
    ]
    law = LawInForce.build(provisions, documents, today=date(2026, 11, 29))
    assert [s.by_doc for s in law.superseded("old-rule", "第一条")] == ["new-law"]
    assert not law.superseded("new-law", "第一条")  # a law not yet in force does not prevail
    assert not law.is_current("old-rule", ["第一条"], sentence.format("1年"))
    assert law.is_current("new-law", ["第一条"], sentence.format("三年"))
    assert any("尚未生效" in note for note in law.notes(["future"]))
    assert any(
        "old-rule》第一条中的数额或规定已被《new-law》第一条取代" in n for n in law.notes(["old-rule"])
    )
    before = LawInForce.build(provisions, documents, today=date(2026, 1, 1))
    assert not before.superseded("old-rule", "第一条")  # before 2026-05-01 the regulation stands
    narrower = [article("old-rule", sentence.format("五年")), article("new-law", sentence.format("三年"))]
    assert LawInForce.build(narrower, documents, today=date(2026, 11, 29)).superseded("old-rule", "第一条")


def test_quiz_floors_report_each_figure_out_of_bounds():
    paper = {
        "mix": {"单选": 25, "多选": 25, "判断": 25, "填空": 25},
        "independent": {"passed": 100, "n": 100},
        "false": 10,
        "modal_flips": 4,
        "judge": 25,
        "true": 12,
        "single": 25,
        "subject_single": 5,
        "outside_distractors": 0,
        "fill_given": 0,
        "fill_selection_word": 0,
        "repeats": 1,
        "superseded": 0,
        "max_per_provision": 2,
        "difficulty": {"易": 40, "中": 60, "难": 0},
    }
    report = {"papers": {"安全生产法": paper}, "independent": {"rate": 0.99}}
    floors = {
        "independent": 0.98,
        "max_modal_share": 0.3,
        "true_share": [0.4, 0.6],
        "max_repeats": 0,
        "max_per_provision": 2,
        "law_mix": {"单选": 25, "多选": 25, "判断": 25, "填空": 25},
        "law_difficulty_levels": 3,
    }
    messages = check_quiz_floors(report, floors)
    assert len(messages) == 3
    assert any("改情态词" in m for m in messages) and any("重复题" in m for m in messages)
    assert any("只有 2 种难度" in m for m in messages)
    assert check_quiz_floors(report, {}) == []
