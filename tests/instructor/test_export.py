"""Exports parsed back: the QTI zip unzipped and its XML read, the GIFT text parsed the way
Moodle's importer reads it."""

from __future__ import annotations

import base64
import html
import io
import math
import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from quizsvc.cli import main
from quizsvc.content import load_catalog
from quizsvc.export.bank import Bank, build_bank
from quizsvc.export.gift import gift_text
from quizsvc.export.moodle import moodle_xml
from quizsvc.export.qti import qti_package
from quizsvc.kinds.numeric import shown_answer
from quizsvc.kinds.tolerance import tolerance_interval, within
from tests.web.helpers import FIXTURE_CONTENT

pytestmark = pytest.mark.xdist_group("export")  # one worker draws the figures once

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
PNG = b"\x89PNG\r\n\x1a\n"
VARIANTS = 2


@pytest.fixture(scope="module")
def bank() -> Bank:
    lesson = load_catalog(FIXTURE_CONTENT).lesson("web-gradients")
    return build_bank(lesson, VARIANTS)


def variants_by_title(bank: Bank) -> dict[str, Any]:
    return {entry.title: entry.variant for g in bank.groups for entry in g.variants}


# --- QTI ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def qti(bank: Bank) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(qti_package(bank)))


def test_the_manifest_lists_every_file_of_the_zip(qti: zipfile.ZipFile) -> None:
    manifest = ET.fromstring(qti.read("imsmanifest.xml"))
    hrefs = {f.attrib["href"] for f in manifest.iter(f"{CP}file")}
    assert hrefs == set(qti.namelist()) - {"imsmanifest.xml"}
    types = {r.attrib["type"] for r in manifest.iter(f"{CP}resource")}
    assert {"imsqti_xmlv1p2", "webcontent"} <= types
    images = [name for name in qti.namelist() if name.startswith("images/")]
    assert images and all(qti.read(name).startswith(PNG) for name in images)


def assessment(qti: zipfile.ZipFile) -> ET.Element:
    (path,) = [
        n
        for n in qti.namelist()
        if n.count("/") == 1 and not n.endswith("_meta.xml") and not n.startswith("images/")
    ]
    return ET.fromstring(qti.read(path))


def fields(item: ET.Element) -> dict[str, str]:
    return {
        f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry") or ""
        for f in item.iter(f"{QTI}qtimetadatafield")
    }


def scoring(item: ET.Element) -> ET.Element:
    """The condition that sets the full score."""
    for condition in item.iter(f"{QTI}respcondition"):
        setvar = condition.find(f"{QTI}setvar")
        if setvar is not None and setvar.attrib["action"] == "Set" and setvar.text == "100":
            return condition.find(f"{QTI}conditionvar")
    raise AssertionError("no scoring condition")


def test_each_template_is_a_question_group_of_its_variants(
    qti: zipfile.ZipFile, bank: Bank
) -> None:
    root = assessment(qti)
    groups = root.findall(f"{QTI}assessment/{QTI}section/{QTI}section")
    assert [g.attrib["title"] for g in groups] == [g.template.id for g in bank.groups]
    for group in groups:
        assert group.findtext(f".//{QTI}selection_number") == "1"
        assert len(group.findall(f"{QTI}item")) == VARIANTS


def test_every_item_grades_like_quizsvc(qti: zipfile.ZipFile, bank: Bank) -> None:
    by_title = variants_by_title(bank)
    kinds = {
        "numeric": "numerical_question",
        "single": "multiple_choice_question",
        "plot_choice": "multiple_choice_question",
        "multiple": "multiple_answers_question",
        "ordering": "matching_question",
    }
    for item in assessment(qti).iter(f"{QTI}item"):
        variant = by_title[item.attrib["title"]]
        key = variant.answer_key
        kind = variant.kind
        assert fields(item)["question_type"] == kinds[kind]
        prompt = item.find(f"{QTI}presentation/{QTI}material/{QTI}mattext")
        assert prompt is not None and variant.prompt_html in (prompt.text or "")
        if kind == "numeric":
            condition = scoring(item)
            low = float(condition.findtext(f"{QTI}vargte"))
            high = float(condition.findtext(f"{QTI}varlte"))
            assert low < key["value"] < high
            assert within(low, key["value"], key["tolerance"])
            assert not within(low - (high - low) * 1e-3, key["value"], key["tolerance"])
        elif kind in ("single", "plot_choice"):
            (chosen,) = [v.text for v in scoring(item).iter(f"{QTI}varequal")]
            assert chosen.endswith("_" + key["correct"][0])
        elif kind == "multiple":
            conjunction = scoring(item).find(f"{QTI}and")
            required = {v.text[-1] for v in conjunction.findall(f"{QTI}varequal")}
            refused = {v.text[-1] for v in conjunction.findall(f"{QTI}not/{QTI}varequal")}
            assert required == set(key["correct"]) and not required & refused
        else:
            labels = {
                r.attrib["ident"]: {
                    lab.attrib["ident"]: lab.findtext(f".//{QTI}mattext")
                    for lab in r.iter(f"{QTI}response_label")
                }
                for r in item.iter(f"{QTI}response_lid")
            }
            shares = [
                c for c in item.iter(f"{QTI}respcondition") if c.find(f"{QTI}setvar") is not None
            ]
            assert len(shares) == len(variant.choices)
            for condition in shares:
                match = condition.find(f"{QTI}conditionvar/{QTI}varequal")
                response, position = match.attrib["respident"], match.text
                item_id = response[-1]
                expected = key["order"].index(item_id) + 1
                assert labels[response][position].startswith(str(expected))


def test_plot_choice_options_and_prompt_figures_are_packaged_images(qti: zipfile.ZipFile) -> None:
    names = set(qti.namelist())
    sources = []
    for mattext in assessment(qti).iter(f"{QTI}mattext"):
        sources += re.findall(r'<img src="([^"]+)"', mattext.text or "")
    assert sources
    for src in sources:
        src = html.unescape(src)
        assert src.startswith("%24IMS-CC-FILEBASE%24/images/")
        assert src.replace("%24IMS-CC-FILEBASE%24/", "") in names


# --- GIFT -----------------------------------------------------------------------------------

PLACEHOLDERS = {
    "\\:": "\x01",
    "\\#": "\x02",
    "\\=": "\x03",
    "\\{": "\x04",
    "\\}": "\x05",
    "\\~": "\x06",
    "\\n": "\x07",
}


def unescape(text: str) -> str:
    for placeholder, char in zip(PLACEHOLDERS.values(), ":#={}~\n", strict=True):
        text = text.replace(placeholder, char)
    return text


def parse_gift(source: str) -> list[dict[str, Any]]:
    """Moodle's reading of a GIFT file: blocks between blank lines, escapes swapped for
    placeholders first, the answer block from the first "{" to the first "}"."""
    questions, category = [], None
    for block in re.split(r"\n\s*\n", source):
        lines = [line for line in block.split("\n") if not line.strip().startswith("//")]
        block = "\n".join(lines).strip().replace("\\\\", "\x00")
        if not block:
            continue
        for escaped, placeholder in PLACEHOLDERS.items():
            block = block.replace(escaped, placeholder)
        block = block.replace("\x00", "\\")
        if block.startswith("$CATEGORY:"):
            category = block.removeprefix("$CATEGORY:").strip()
            continue
        name, rest = re.fullmatch(r"::(.*?)::(.*)", block, re.DOTALL).groups()
        start, end = rest.index("{"), rest.index("}")
        text, answers = rest[:start], rest[start + 1 : end].strip()
        general = ""
        if "####" in answers:
            answers, general = answers.rsplit("####", 1)
        assert text.startswith("[html]")
        questions.append({
            "category": category, "name": unescape(name), "html": unescape(text[6:]),
            "answers": answers.strip(), "general": unescape(general.strip()),
        })  # fmt: skip
    return questions


@pytest.fixture(scope="module")
def gift(bank: Bank) -> list[dict[str, Any]]:
    return parse_gift(gift_text(bank))


def test_one_category_per_template_with_its_variants(
    gift: list[dict[str, Any]], bank: Bank
) -> None:
    for group in bank.groups:
        mine = [q for q in gift if q["category"] == f"quizsvc/web-gradients/{group.template.id}"]
        assert [q["name"] for q in mine] == [entry.title for entry in group.variants]


def answer_lines(question: dict[str, Any]) -> list[str]:
    return [line.strip() for line in question["answers"].split("\n") if line.strip()]


def test_gift_answers_grade_like_quizsvc(gift: list[dict[str, Any]], bank: Bank) -> None:
    by_title = variants_by_title(bank)
    for question in gift:
        variant = by_title[question["name"]]
        key = variant.answer_key
        assert variant.prompt_html.strip() in question["html"]
        if variant.explanation_html:
            assert question["general"] == variant.explanation_html
        lines = answer_lines(question)
        if variant.kind == "numeric":
            assert lines[0] == "#"
            # Moodle shows the first 100 % answer as the right one: our display value.
            shown, eps = re.fullmatch(r"=%100%([^:]+):(\S+?)#.*", lines[1]).groups()
            assert float(shown) == float(key["display"]) and 0 < float(eps) < 1e-6 * abs(
                key["value"]
            )
            weight, low, high, feedback = re.fullmatch(
                r"=%(-?\d+)%(\S+)\.\.(\S+?)#(.*)", lines[2]
            ).groups()
            assert weight == "100" and float(low) < key["value"] < float(high)
            assert float(low) < float(shown) < float(high)
            for line, misconception in zip(lines[3:], key["misconceptions"], strict=True):
                weight, low, high, feedback = re.fullmatch(
                    r"=%(-?\d+)%(\S+)\.\.(\S+?)#(.*)", line
                ).groups()
                assert weight == "0" and float(low) < misconception["value"] < float(high)
                assert unescape(feedback) == misconception["feedback_html"]
        elif variant.kind == "ordering":
            pairs = dict(unescape(line[1:]).split(" -> ") for line in lines)
            labels = {c["id"]: re.sub("<[^>]+>", "", c["html"]).strip() for c in variant.choices}
            for item_id, label in labels.items():
                assert pairs[label].startswith(str(key["order"].index(item_id) + 1))
        else:
            marks = [re.match(r"(=|~%-?[\d.]+%|~)", line).group(1) for line in lines]
            right = [c["id"] in key["correct"] for c in variant.choices]
            if variant.kind == "multiple":
                total = sum(float(m[2:-1]) for m, r in zip(marks, right, strict=True) if r)
                assert total == pytest.approx(100, abs=1e-3)
                assert all(float(m[2:-1]) < 0 for m, r in zip(marks, right, strict=True) if not r)
            else:
                assert [m == "=" for m in marks] == right


def test_gift_figures_are_inline_png(gift: list[dict[str, Any]]) -> None:
    sources = [
        src
        for q in gift
        for src in re.findall(
            r'src="data:image/png;base64,([^"]+)"', q["html"] + unescape(q["answers"])
        )
    ]
    assert sources
    assert all(base64.b64decode(src).startswith(PNG) for src in sources)


# --- Moodle XML -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def moodle(bank: Bank) -> ET.Element:
    return ET.fromstring(moodle_xml(bank))


def moodle_questions(root: ET.Element) -> list[tuple[str, ET.Element]]:
    """(category, question) as Moodle's importer pairs them: each question goes to the last
    category named before it."""
    found, current = [], ""
    for question in root.findall("question"):
        if question.attrib["type"] == "category":
            current = question.findtext("category/text") or ""
        else:
            found.append((current, question))
    return found


def test_moodle_xml_has_a_category_per_template_without_course_prefix(
    moodle: ET.Element, bank: Bank
) -> None:
    questions = moodle_questions(moodle)
    for group in bank.groups:
        mine = [q for c, q in questions if c == f"quizsvc/web-gradients/{group.template.id}"]
        assert [q.findtext("name/text") for q in mine] == [e.title for e in group.variants]


def accepts(answer: ET.Element, x: float) -> bool:
    """Moodle's numerical grading of one answer: |x - value| <= tolerance."""
    value, tolerance = float(answer.findtext("text")), float(answer.findtext("tolerance"))
    return abs(x - value) <= tolerance * (1 + 1e-12)


def test_moodle_xml_answers_grade_like_quizsvc(moodle: ET.Element, bank: Bank) -> None:
    by_title = variants_by_title(bank)
    types = {"numeric": "numerical", "single": "multichoice", "plot_choice": "multichoice",
             "multiple": "multichoice", "ordering": "matching"}  # fmt: skip
    for _, question in moodle_questions(moodle):
        variant = by_title[question.findtext("name/text")]
        key = variant.answer_key
        assert question.attrib["type"] == types[variant.kind]
        assert variant.prompt_html in (question.findtext("questiontext/text") or "")
        answers = question.findall("answer")
        fractions = [float(a.attrib["fraction"]) for a in answers]
        if variant.kind == "numeric":
            assert float(answers[0].findtext("text")) == float(key["display"])
            low, high = tolerance_interval(key["value"], key["tolerance"])
            width = high - low
            for x in (low + width * 1e-6, key["value"], high - width * 1e-6):
                first = next(a for a in answers if accepts(a, x))
                assert first.attrib["fraction"] == "100"
            for x in (low - width * 1e-3, high + width * 1e-3):
                assert not any(accepts(a, x) and a.attrib["fraction"] == "100" for a in answers)
            feedback = [a.findtext("feedback/text") for a in answers[2:]]
            assert feedback == [m["feedback_html"] for m in key["misconceptions"]]
        elif variant.kind == "ordering":
            pairs = {
                s.findtext("text"): s.findtext("answer/text") for s in question.iter("subquestion")
            }
            for choice in variant.choices:
                assert pairs[choice["html"]].startswith(str(key["order"].index(choice["id"]) + 1))
        else:
            right = [c["id"] in key["correct"] for c in variant.choices]
            assert question.findtext("single") == (
                "false" if variant.kind == "multiple" else "true"
            )
            assert sum(f for f, r in zip(fractions, right, strict=True) if r) == pytest.approx(100)
            assert all(f <= 0 for f, r in zip(fractions, right, strict=True) if not r)


def test_moodle_xml_figures_are_attached_files(moodle: ET.Element) -> None:
    referenced = 0
    for holder in moodle.iter():
        text = holder.findtext("text") or ""
        names = {unquote(n) for n in re.findall(r'src="@@PLUGINFILE@@/([^"]+)"', text)}
        files = {f.attrib["name"]: f.text or "" for f in holder.findall("file")}
        assert names == set(files)
        assert all(base64.b64decode(data).startswith(PNG) for data in files.values())
        referenced += len(names)
    assert referenced
    assert "data:image" not in ET.tostring(moodle, encoding="unicode")


# --- tolerance ranges -------------------------------------------------------------------------


@given(
    value=st.floats(1e-6, 1e6) | st.floats(-1e6, -1e-6),
    kind=st.sampled_from(["relative", "absolute", "sigfigs", "log10"]),
    amount=st.floats(0.01, 0.5),
)
def test_the_shown_answer_lies_inside_the_graded_range(
    value: float, kind: str, amount: float
) -> None:
    tolerance = {kind: float(math.ceil(amount * 10)) if kind == "sigfigs" else amount}
    key = {"value": value, "tolerance": tolerance, "display": format(value, ".4g")}
    shown = shown_answer(key)
    if shown is None:  # only when the rounded display value is itself refused
        assert not within(float(key["display"]), value, tolerance)
        return
    number, eps = shown
    assert number == float(key["display"])
    for x in (number - eps, number + eps):
        assert within(x, value, tolerance)


@given(
    value=st.floats(1e-6, 1e6) | st.floats(-1e6, -1e-6),
    kind=st.sampled_from(["relative", "absolute", "sigfigs", "log10"]),
    amount=st.floats(0.01, 0.5),
)
def test_the_exported_range_is_what_quizsvc_accepts(value: float, kind: str, amount: float) -> None:
    tolerance = {kind: float(math.ceil(amount * 10)) if kind == "sigfigs" else amount}
    low, high = tolerance_interval(value, tolerance)
    width = high - low
    assert low < value < high
    for inside in (low + width * 1e-6, high - width * 1e-6, (low + high) / 2):
        assert within(inside, value, tolerance)
    for outside in (low - width * 1e-3, high + width * 1e-3):
        assert not within(outside, value, tolerance)


# --- command line -----------------------------------------------------------------------------


def test_export_commands_write_files(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "facts.zip"
    args = ["--content-dir", str(FIXTURE_CONTENT), "--variants", "1"]
    result = runner.invoke(main, ["export", "qti", "web-facts", *args, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "web-sigmoid-bound: 1 variants" in result.output
    assert zipfile.ZipFile(target).testzip() is None

    result = runner.invoke(main, ["export", "gift", "web-facts", *args, "-o", "-"])
    assert result.exit_code == 0, result.output
    assert len([q for q in parse_gift(result.stdout)]) == 3

    target = tmp_path / "facts.xml"
    result = runner.invoke(main, ["export", "moodle-xml", "web-facts", *args, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert len(moodle_questions(ET.parse(target).getroot())) == 3


def test_an_unknown_lesson_is_refused_with_a_suggestion() -> None:
    result = CliRunner().invoke(
        main, ["export", "gift", "web-fact", "--content-dir", str(FIXTURE_CONTENT)]
    )
    assert result.exit_code == 1 and "did you mean web-facts?" in result.output
