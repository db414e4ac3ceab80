"""QTI 1.2 content packages in the flavour Canvas imports ("QTI .zip file").

Layout, following what Canvas itself exports and imports::

    imsmanifest.xml                 the package: the assessment, its metadata, every image
    <ident>/<ident>.xml             the assessment: one question group per template
    <ident>/assessment_meta.xml     Canvas's quiz settings (title, points)
    images/<name>.png               figures, referenced as $IMS-CC-FILEBASE$/images/<name>.png

Each template becomes a question group (a ``section`` with ``selection_number`` 1) holding its
pre-generated variants, so each learner gets one variant of every question. Each kind names its
Canvas question type and writes its responses and scoring (``QuestionKind.qti``), e.g. numeric
-> numerical_question graded by the tolerance's range, ordering -> matching_question (each item
matched to its position).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable
from urllib.parse import quote
from xml.etree import ElementTree as ET

from quizsvc.analytics.labels import ordinal, plain
from quizsvc.export.bank import Bank, ExportVariant, Image, choice_html, question_html
from quizsvc.kinds import get as kind_of
from quizsvc.quiz import Variant

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
IMAGE_DIR = "images"
# A zip entry's timestamp is stored in it; a fixed one makes the same export byte-identical.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def ident(*parts: object) -> str:
    """A stable XML identifier (letters and digits, starting with a letter)."""
    return "qz" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:24]


def image_src(image: Image) -> str:
    # "$" percent-encoded, as Canvas's own exports write it inside HTML attributes.
    return f"%24IMS-CC-FILEBASE%24/{IMAGE_DIR}/{quote(image.name)}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def _mattext(parent: ET.Element, html: str) -> None:
    _sub(_sub(parent, "material"), "mattext", html, texttype="text/html")


def _metadata(item: ET.Element, fields: Iterable[tuple[str, str]]) -> None:
    meta = _sub(_sub(item, "itemmetadata"), "qtimetadata")
    for label, entry in fields:
        field = _sub(meta, "qtimetadatafield")
        _sub(field, "fieldlabel", label)
        _sub(field, "fieldentry", entry)


def _condition(
    processing: ET.Element, *, score: str | None = None, action: str = "Set", cont: str = "No"
) -> tuple[ET.Element, ET.Element]:
    condition = _sub(processing, "respcondition", **{"continue": cont})
    variables = _sub(condition, "conditionvar")
    if score is not None:
        _sub(condition, "setvar", score, action=action, varname="SCORE")
    return condition, variables


def _feedback_link(condition: ET.Element, feedback_id: str) -> None:
    _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=feedback_id)


def _item_feedback(item: ET.Element, feedback_id: str, html: str) -> None:
    material = _sub(_sub(item, "itemfeedback", ident=feedback_id), "flow_mat")
    _mattext(material, html)


class _Item:
    """``quizsvc.kinds.base.QtiItem``: one item's parts and the vocabulary to fill them."""

    ident = staticmethod(ident)
    sub = staticmethod(_sub)
    plain = staticmethod(plain)
    ordinal = staticmethod(ordinal)

    def __init__(self, entry: ExportVariant, item_id: str, processing: ET.Element) -> None:
        self.entry = entry
        self.ids = {c["id"]: f"{item_id}_{c['id']}" for c in entry.variant.choices}
        self.processing = processing
        self.presentation = ET.Element("presentation")

    @property
    def variant(self) -> Variant:
        return self.entry.variant

    def condition(
        self, *, score: str | None = None, action: str = "Set", cont: str = "No"
    ) -> tuple[ET.Element, ET.Element]:
        return _condition(self.processing, score=score, action=action, cont=cont)

    def choice_list(self, cardinality: str) -> None:
        response = _sub(self.presentation, "response_lid", ident="response1",
                        rcardinality=cardinality)  # fmt: skip
        render = _sub(response, "render_choice")
        for choice in self.variant.choices:
            label = _sub(render, "response_label", ident=self.ids[choice["id"]])
            _mattext(label, choice_html(self.entry, choice, image_src))

    def choice_feedback(self) -> dict[str, str]:
        feedback = {}
        for choice_id, html in self.variant.answer_key["feedback"].items():
            if html:
                condition, variables = self.condition(cont="Yes")
                _sub(variables, "varequal", self.ids[choice_id], respident="response1")
                _feedback_link(condition, f"{self.ids[choice_id]}_fb")
                feedback[f"{self.ids[choice_id]}_fb"] = html
        return feedback


def _item(section: ET.Element, entry: ExportVariant) -> None:
    variant = entry.variant
    kind = kind_of(variant.kind)
    item_id = ident("item", variant.template_id, variant.content_hash, variant.seed)
    item = _sub(section, "item", ident=item_id, title=entry.title)
    processing = ET.Element("resprocessing")
    writer = _Item(entry, item_id, processing)
    _metadata(
        item,
        [
            ("question_type", kind.qti_type),
            ("points_possible", "1.0"),
            ("original_answer_ids", ",".join(writer.ids.values())),
            ("assessment_question_identifierref", f"{item_id}_ref"),
        ],
    )
    item.append(writer.presentation)
    _mattext(writer.presentation, question_html(entry, image_src))
    item.append(processing)
    outcomes = _sub(processing, "outcomes")
    _sub(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    if variant.explanation_html:
        condition, variables = _condition(processing, cont="Yes")
        _sub(variables, "other")
        _feedback_link(condition, "general_fb")
    feedback = kind.qti(writer)
    if variant.explanation_html:
        _item_feedback(item, "general_fb", variant.explanation_html)
    for feedback_id, html in feedback.items():
        _item_feedback(item, feedback_id, html)


def assessment_xml(bank: Bank, assessment_id: str) -> bytes:
    root = ET.Element("questestinterop", xmlns=QTI_NS)
    assessment = _sub(root, "assessment", ident=assessment_id, title=bank.lesson.title)
    meta = _sub(assessment, "qtimetadata")
    field = _sub(meta, "qtimetadatafield")
    _sub(field, "fieldlabel", "cc_maxattempts")
    _sub(field, "fieldentry", "1")
    root_section = _sub(assessment, "section", ident="root_section")
    for group in bank.groups:
        if not group.variants:
            continue
        section = _sub(
            root_section,
            "section",
            ident=ident("group", group.template.id),
            title=group.template.id,
        )
        selection = _sub(_sub(section, "selection_ordering"), "selection")
        _sub(selection, "selection_number", "1")
        _sub(_sub(selection, "selection_extension"), "points_per_item", "1.0")
        for entry in group.variants:
            _item(section, entry)
    return _serialize(root)


def meta_xml(bank: Bank, assessment_id: str, points: int) -> bytes:
    root = ET.Element("quiz", identifier=assessment_id, xmlns=CANVAS_NS)
    _sub(root, "title", bank.lesson.title)
    _sub(root, "description", f"<p>{bank.lesson.summary}</p>" if bank.lesson.summary else "")
    _sub(root, "shuffle_answers", "false")
    _sub(root, "scoring_policy", "keep_highest")
    _sub(root, "quiz_type", "assignment")
    _sub(root, "points_possible", f"{points:.1f}")
    _sub(root, "show_correct_answers", "true")
    _sub(root, "allowed_attempts", "1")
    return _serialize(root)


def manifest_xml(bank: Bank, assessment_id: str, images: Iterable[Image]) -> bytes:
    root = ET.Element("manifest", identifier=ident("manifest", assessment_id), xmlns=CP_NS)
    metadata = _sub(root, "metadata")
    _sub(metadata, "schema", "IMS Content")
    _sub(metadata, "schemaversion", "1.1.3")
    _sub(root, "organizations")
    resources = _sub(root, "resources")
    meta_id = ident("meta", assessment_id)
    quiz = _sub(resources, "resource", identifier=assessment_id, type="imsqti_xmlv1p2")
    _sub(quiz, "file", href=f"{assessment_id}/{assessment_id}.xml")
    _sub(quiz, "dependency", identifierref=meta_id)
    meta = _sub(
        resources,
        "resource",
        identifier=meta_id,
        type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
        href=f"{assessment_id}/assessment_meta.xml",
    )
    _sub(meta, "file", href=f"{assessment_id}/assessment_meta.xml")
    for image in images:
        path = f"{IMAGE_DIR}/{image.name}"
        resource = _sub(
            resources,
            "resource",
            identifier=ident("image", image.name),
            type="webcontent",
            href=path,
        )
        _sub(resource, "file", href=path)
    return _serialize(root)


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def qti_package(bank: Bank) -> bytes:
    """The zip Canvas imports: Settings › Import course content › QTI .zip file."""
    assessment_id = ident(
        "assessment", bank.lesson.id, *(g.template.content_hash for g in bank.groups)
    )
    images = [image for group in bank.groups for entry in group.variants for image in entry.images]
    points = sum(1 for group in bank.groups if group.variants)
    files: dict[str, bytes] = {
        "imsmanifest.xml": manifest_xml(bank, assessment_id, images),
        f"{assessment_id}/{assessment_id}.xml": assessment_xml(bank, assessment_id),
        f"{assessment_id}/assessment_meta.xml": meta_xml(bank, assessment_id, points),
    }
    files.update((f"{IMAGE_DIR}/{image.name}", image.data) for image in images)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, ZIP_DATE), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
