"""Plans whose responsibilities sit in a 任务分工表, written by us for the table tests, rendered as
Word (python-docx) and PDF (reportlab, table drawn with lines) files.

Four layouts:
  appendix   numbered clauses without notes; an appendix table 序号|重点任务|牵头单位|配合单位|完成时限
             repeats them (plus one task only the table has)
  grouped    no numbered clauses; the table alone carries the tasks: 序号|任务类别 (merged down)|工作任务|
             责任单位 (one column: 区教体局（牵头）、… / X牵头，Y配合 / no mark)|时间进度
  pdf        clauses with notes AND a table over two pages repeating them: two header rows (责任单位 over
             牵头单位|参与单位), group rows spanning the table, a lead cell merged down two rows, narrow
             columns wrapping unit names
  firstlead  clauses with notes plus a table of other tasks inside 四、（二）; automatic Word numbering
             in the 序号 column, one 责任单位 column and the note "排在第一位的为牵头单位"
"""

from __future__ import annotations

from pathlib import Path

from tests.ingest.render import _font

APPENDIX_PLAN = [
    "淮阴区科普阵地建设三年行动方案",
    "（2024—2026年）",
    "为进一步夯实基层科普阵地，提升公众获取科普服务的便利程度，结合我区实际，制定本方案。",
    "一、工作目标",
    "到2026年，全区建成标准化社区科普e站30个以上，科普教育基地总数达到20家。",
    "二、重点任务",
    "（一）科普场馆提质工程",
    "1. 推动科技馆展项更新。围绕人工智能、航空航天等主题更新互动展项，每年更新展项不少于10件。",
    "2. 建设流动科普设施。配备科普大篷车2辆，定期深入镇村学校开展巡展。",
    "（二）基层科普阵地工程",
    "3. 建设社区科普e站。依托党群服务中心建设社区科普e站，配备科普屏和科普书架。",
    "4. 打造乡村科普广场。在有条件的村居建设科普宣传栏和科普广场，常态化更新展示内容。",
    "三、保障措施",
    "各责任单位要按照分工抓好落实，区科协定期调度工作进展。",
    "附件",
    "重点任务分工表",
]
APPENDIX_TABLE = [
    ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
    ["1", "推动科技馆展项更新", "区科协", "区科技局、区财政局", "2026年底"],
    ["2", "建设流动科普设施", "区科协", "区教体局、各镇（街道）", "2025年6月"],
    ["3", "建设社区科普e站", "区民政局", "区科协、各街道", "2025年底"],
    ["4", "打造乡村科普广场", "区农业农村局", "区科协、区文广旅局、各镇", "2026年底"],
    ["5", "开展科普阵地运行评估", "区科协", "区统计局", "每年12月"],
]

GROUPED_PLAN = [
    "淮阴区青少年科学素质提升工作方案",
    "为激发青少年好奇心和想象力，增强科学兴趣、创新意识和实践能力，制定本方案。",
    "一、总体要求",
    "坚持立德树人，把科学教育融入学校教育全过程。到2025年，全区中小学科技社团覆盖率达到90%。",
    "二、主要任务",
    "（一）科学教育课堂行动",
    "深化中小学科学课程教学改革，推进探究式、项目式学习。",
    "（二）校外实践行动",
    "用好科普教育基地、科技馆等资源，组织青少年开展研学实践。",
    "三、责任分工",
    "各项任务责任分工见下表。",
]
GROUPED_TABLE = [  # None: merged with the cell above
    ["序号", "任务类别", "工作任务", "责任单位", "时间进度"],
    ["1", "科学教育课堂行动", "配齐配强科学教师，每所中小学至少配备1名专职科学教师", "区教体局（牵头）、区人社局",
     "2024年起持续推进"],
    ["2", None, "开展科学教师专题培训，每年培训科学教师200人次", "区教体局牵头，区科协、区科技局配合", "每年"],
    ["3", "校外实践行动", "组织“科技之光”研学活动", "区科协、区教体局、团区委", "每年暑期"],
    ["4", None, "推动科普教育基地向学生免费开放", "区科协牵头，区文广旅局、各镇街配合", "2025年底"],
]

PDF_PLAN = [
    "淮阴区科普信息化与应急科普工作要点",
    "（2024—2025年）",
    "为提升科普信息化水平和应急科普能力，现制定以下工作要点。",
    "一、科普信息化工程",
    "1. 建设区级科普云平台。整合各部门科普资源，提供在线展览和直播服务。（牵头单位：区科协；配合单位：区融媒体中心）",
    "2. 培育科普自媒体账号。扶持科普创作者开设短视频账号，到2025年培育优质账号20个。",
    "二、应急科普工程",
    "3. 完善应急科普资源库。汇编防汛抗旱、地震避险、火灾逃生等应急科普资料。",
    "4. 开展应急科普进社区活动。每年开展应急演练和科普宣讲不少于50场。（区应急管理局牵头，区消防救援大队、区卫健委配合）",
    "三、任务分工",
]
PDF_TABLE = [  # "=" spans the row; None: merged with the cell above
    ["序号", "主要任务", "责任单位", "", "完成时限"],
    ["", "", "牵头单位", "参与单位", ""],
    ["=", "一、科普信息化工程"],
    ["1", "建设区级科普云平台", "区科协", "区融媒体中心、区委网信办", "2024年底"],
    ["2", "培育科普自媒体账号", "区委宣传部", "区融媒体中心、区文广旅局、区科协", "2025年底"],
    ["=", "二、应急科普工程"],
    ["3", "完善应急科普资源库", "区应急管理局", "区科协、区气象局、市自然资源和规划局淮阴分局", "2024年底"],
    ["4", "开展应急科普进社区活动", None, "区消防救援大队、区卫健委、各镇（街道）", "每年"],
    ["5", "建立应急科普专家队伍，吸纳医疗救护、防灾减灾等领域专家", "区科协", "区应急管理局、区卫健委",
     "2025年6月"],
    ["6", "开展防灾减灾日主题宣传", "区应急管理局", "区气象局、区融媒体中心", "每年5月"],
]

FIRSTLEAD_PLAN = [
    "淮阴区智慧助老科普行动方案",
    "为帮助老年人跨越数字鸿沟，提升老年人健康素养和防骗意识，制定本方案。",
    "一、行动目标",
    "到2025年，全区累计开展老年人智能技术培训500场次。",
    "二、重点行动",
    "1. 开展智能手机培训。依托老年大学和社区学校，开设智能手机使用课程。（责任单位：区科协、区民政局）",
    "2. 普及老年健康知识。组织医务人员进社区开展慢病防治讲座。（牵头单位：区卫健委；配合单位：区科协）",
    "三、组织实施",
    "（一）加强统筹协调",
    "区科协会同有关部门定期研究推进工作。",
    "（二）明确责任分工",
    "各项配套任务分工如下：",
]
FIRSTLEAD_TABLE = [
    ["序号", "具体措施", "责任单位", "备注"],
    ["", "开展老年人智能手机运用大赛", "区科协、区总工会、区老龄办", ""],
    ["", "组织老年人防诈骗科普讲座", "区公安分局、区科协、各镇街", "每季度一次"],
    ["", "建设社区助老科普角", "区民政局、区科协", ""],
]
FIRSTLEAD_AFTER = ["注：责任单位中排在第一位的为牵头单位。"]


# ---------------------------------------------------------------------------- Word


def _fill(table, rows: list[list[str | None]]) -> None:
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is None:
                table.cell(r - 1, c).merge(table.cell(r, c))
            else:
                table.cell(r, c).text = text


def write_table_docx(path: Path, paragraphs: list[str], rows: list[list[str | None]],
                     after: list[str] = ()) -> Path:
    """A Word plan: paragraphs, one bordered table (None merges a cell into the one above), paragraphs."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    _fill(table, rows)
    for text in after:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def write_appendix_docx(path: Path) -> Path:
    return write_table_docx(path, APPENDIX_PLAN, APPENDIX_TABLE)


def write_grouped_docx(path: Path) -> Path:
    return write_table_docx(path, GROUPED_PLAN, GROUPED_TABLE, ["本方案自印发之日起施行。"])


def write_firstlead_docx(path: Path) -> Path:
    """The 序号 column is numbered by Word (numPr), so its cells hold no text."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="91"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))
    for text in FIRSTLEAD_PLAN:
        document.add_paragraph(text)
    table = document.add_table(rows=len(FIRSTLEAD_TABLE), cols=4)
    table.style = "Table Grid"
    _fill(table, FIRSTLEAD_TABLE)
    for row in table.rows[1:]:
        paragraph = row.cells[0].paragraphs[0]
        paragraph.add_run("")
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="91"/></w:numPr>'))
    for text in FIRSTLEAD_AFTER:
        document.add_paragraph(text)
    document.save(str(path))
    return path


# ---------------------------------------------------------------------------- PDF


def _pdf_table(rows: list[list[str | None]], widths: list[float], font: str, size: float, repeat: bool = True):
    """A reportlab table with grid lines; "=" rows span the table, None cells merge upwards;
    `repeat`: the header is drawn again on each page the table goes on to."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table, TableStyle

    style = ParagraphStyle("cell", fontName=font, fontSize=size, leading=size * 1.3, wordWrap="CJK")
    data, commands = [], [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                          ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), size)]
    for r, row in enumerate(rows):
        if row[0] == "=":
            data.append([Paragraph(row[1], style)] + [""] * (len(widths) - 1))
            commands.append(("SPAN", (0, r), (-1, r)))
            continue
        cells = []
        for c, text in enumerate(row):
            if text is None:
                start = r - 1
                while rows[start][c] is None:
                    start -= 1
                commands.append(("SPAN", (c, start), (c, r)))
                cells.append("")
            else:
                cells.append(Paragraph(text, style) if text else "")
        data.append(cells)
    header = rows[1][0] == "" and rows[1][2] != ""  # two header rows: the spanning 责任单位 cell
    if header:
        commands += [("SPAN", (2, 0), (3, 0)), ("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)),
                     ("SPAN", (4, 0), (4, 1))]
    table = Table(data, colWidths=widths, repeatRows=(2 if header else 1) if repeat else 0)
    table.setStyle(TableStyle(commands))
    return table


def write_tabled_pdf(path: Path, paragraphs: list[str], rows: list[list[str | None]], widths: list[float],
                     after: list[str] = (), page_height: float = 420.0, repeat_header: bool = True) -> Path:
    """The plan's paragraphs, then the table (drawn with lines, split over pages as it falls)."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    font = _font()
    size = 9.0
    body = ParagraphStyle("body", fontName=font, fontSize=size, leading=size * 1.5, wordWrap="CJK",
                          firstLineIndent=2 * size)
    title = ParagraphStyle("title", parent=body, alignment=1, firstLineIndent=0)
    story = [Paragraph(text, title if i < 2 else body) for i, text in enumerate(paragraphs)]
    story.append(_pdf_table(rows, widths, font, size, repeat_header))
    story += [Paragraph(text, body) for text in after]
    doc = SimpleDocTemplate(str(path), pagesize=(sum(widths) + 80, page_height), leftMargin=40, rightMargin=40,
                            topMargin=40, bottomMargin=40)
    doc.build(story)
    return path


def write_pdf_plan(path: Path, repeat_header: bool = True) -> Path:
    return write_tabled_pdf(path, PDF_PLAN, PDF_TABLE, [28, 120, 62, 70, 50], repeat_header=repeat_header)


def write_appendix_pdf(path: Path) -> Path:
    return write_tabled_pdf(path, APPENDIX_PLAN, APPENDIX_TABLE, [28, 120, 60, 90, 50], page_height=600)
