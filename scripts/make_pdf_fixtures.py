#!/usr/bin/env python3
"""Renders the sample report corpus/000_yiyuan_zrzyj_2020.txt to test PDFs.

Install (Debian 12):
    apt-get install -y fonts-arphic-uming fonts-wqy-zenhei python3 python3-pip
    pip install typst reportlab pikepdf      # pillow comes with reportlab

Run from the repository root (re-runnable; overwrites its outputs):
    python3 scripts/make_pdf_fixtures.py
    python3 scripts/make_pdf_fixtures.py --variety [NAME...]   # only the layout variety

The layout variety needs only `pip install typst`, LibreOffice (`soffice`, Debian
libreoffice-writer-nogui 7.4) and fonts-noto-cjk (Noto Serif/Sans CJK SC):
    corpus/pdf/variety_typst_serif_narrow.pdf        Typst, serif, ruled, narrow columns
        (header and label words wrap), title as running header on every page including
        page 1 above the same one-line title, table 3 header rows repeated
    corpus/pdf/variety_typst_sans_borderless_landscape.pdf   Typst, sans, no rules (header
        cells glue), table 3 on a landscape page, header from page 2 equal to the title
    corpus/pdf/variety_lo_sans_borderless_split.pdf  LibreOffice, sans, no rules, table 3
        split over pages with its header rows repeated, header above a two-line title
    corpus/pdf/variety_lo_serif_landscape.pdf        LibreOffice, serif, ruled, table 4 on
        a landscape page with 结果维 / 持 wrapped, header from page 2
    corpus/pdf/variety_typst_serif_interleaved.pdf   Typst, serif, no rules: group and
        sub-row labels wrap and interleave line by line (（三）不予公 on the number line
        of 2.其他法律行政 / 法规禁止公开)

Tool versions used for the committed files: typst (PyPI) 0.15.2, reportlab
5.1.0, pikepdf 10.18.0 (qpdf 11.x), Pillow 13.0.0, fonts-arphic-uming
0.2.20080216.2, fonts-wqy-zenhei 0.9.45.

Outputs (each good PDF gets X.expected.csv, a copy of the sample's CSV):
    corpus/pdf/report_typst.pdf    Typst: Type0 CID fonts, Identity-H, subset,
                                   ToUnicode (like Word/WPS output)
    corpus/pdf/report_stsong.pdf   reportlab: STSong-Light, UniGB-UCS2-H, not
                                   embedded, no ToUnicode (公文/OFD style)
    corpus/pdf/report_gbk.pdf      report_stsong.pdf re-encoded to GBK-EUC-H
    tests/data/bad/encrypted.pdf       user password "secret"
    tests/data/bad/truncated.pdf       first 40 % of a short Typst PDF
    tests/data/bad/no_tounicode.pdf    short Typst PDF with /ToUnicode deleted
    tests/data/bad/image_only.pdf      a scanned-looking page, no text layer
    tests/data/bad/not_a_pdf.pdf       a PNG file named .pdf
"""

import io
import os
import re
import shutil
import subprocess
import sys
import tempfile

import typst

# reportlab, pikepdf and Pillow are needed only for the encoding fixtures and the
# bad inputs; `--variety` needs only typst and LibreOffice.
try:
    import pikepdf
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
except ImportError:  # pragma: no cover - only --variety then
    pikepdf = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = "000_yiyuan_zrzyj_2020"
GOOD = os.path.join(ROOT, "corpus", "pdf")
BAD = os.path.join(ROOT, "tests", "data", "bad")
SERIF = "AR PL UMing CN"  # stands in for 仿宋_GB2312 / 宋体
SANS = "WenQuanYi Zen Hei"  # stands in for 黑体


def sample_paths():
    """The sample text and CSV: corpus/ copy, else ../shared/corpus (then copied)."""
    own = os.path.join(ROOT, "corpus")
    shared = os.path.join(ROOT, "..", "shared", "corpus")
    for ext in (".txt", ".expected.csv"):
        dst = os.path.join(own, SAMPLE + ext)
        if not os.path.exists(dst):
            shutil.copy(os.path.join(shared, SAMPLE + ext), dst)
    return os.path.join(own, SAMPLE + ".txt"), os.path.join(own, SAMPLE + ".expected.csv")


# ---------------------------------------------------------------- the report


def read_sample(path):
    """Returns (title lines, prose blocks before/after tables, table values)."""
    lines = [l.rstrip("\n") for l in open(path, encoding="utf-8")]
    prose = [l.strip() for l in lines if l.strip() and "\t" not in l]
    rows = [[f.strip() for f in l.split("\t")] for l in lines if "\t" in l]
    # Join paragraphs broken by the source's page-break artifact (`16` / `条`).
    joined = []
    for p in prose:
        if joined and not re.search(r"[。；：！？）]$|情况$|措施$|问题$", joined[-1]) \
                and not is_heading(p) and not is_heading(joined[-1]) and len(joined) > 2:
            joined[-1] += p
        else:
            joined.append(p)
    return joined, rows


def is_heading(p):
    return bool(re.match(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\))", p)) \
        and len(p) < 40


def numbers(row):
    return [f for f in row if re.fullmatch(r"[+-]?\d+(\.\d+)?", f)]


def table_values(rows):
    """Table 1 values by label, table 2 as 23 rows of 7, table 3 as 15 values."""
    t1 = {}
    t2 = []
    t3 = None
    for r in rows:
        nums = numbers(r)
        label = next((f for f in r if f and not re.fullmatch(r"[+-]?\d+(\.\d+)?", f)), "")
        if len(nums) >= 15:  # the sample row has a stray 16th value
            t3 = nums[:15]
        elif len(nums) == 7:
            t2.append(nums)
        elif nums and label:
            t1[label] = nums
    assert len(t2) == 23 and t3, (len(t2), t3)
    return t1, t2, t3


class Grid:
    """A table as positioned cells: (row, col, rowspan, colspan, text)."""

    def __init__(self, ncols, widths):
        self.ncols, self.widths, self.cells, self.nrows = ncols, widths, [], 0

    def add(self, r, c, text, rs=1, cs=1):
        self.cells.append((r, c, rs, cs, str(text)))
        self.nrows = max(self.nrows, r + rs)


def table1(t1):
    g = Grid(4, [3.2, 2, 2, 2])
    r = 0
    parts = [
        ("第二十条第（一）项", ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
         ["规章", "规范性文件"]),
        ("第二十条第（五）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
         ["行政许可", "其他对外管理服务事项"]),
        ("第二十条第（六）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
         ["行政处罚", "行政强制"]),
        ("第二十条第（八）项", ["信息内容", "上一年项目数量", "本年增/减", ""], ["行政事业性收费"]),
        ("第二十条第（九）项", ["信息内容", "采购项目数量", "采购总金额", ""], ["政府集中采购"]),
    ]
    for title, head, labels in parts:
        g.add(r, 0, title, cs=4)
        r += 1
        for c, h in enumerate(head):
            g.add(r, c, h)
        r += 1
        for label in labels:
            g.add(r, 0, label)
            for c, v in enumerate(t1[label]):
                g.add(r, c + 1, v)
            r += 1
    return g


T2_ROWS = [
    ("一、本年新收政府信息公开申请数量", None, None),
    ("二、上年结转政府信息公开申请数量", None, None),
    ("三、本年度办理结果", "（一）予以公开", None),
    (None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    (None, "（三）不予公开", "1.属于国家秘密"),
    (None, None, "2.其他法律行政法规禁止公开"),
    (None, None, "3.危及“三安全一稳定”"),
    (None, None, "4.保护第三方合法权益"),
    (None, None, "5.属于三类内部事务信息"),
    (None, None, "6.属于四类过程性信息"),
    (None, None, "7.属于行政执法案卷"),
    (None, None, "8.属于行政查询事项"),
    (None, "（四）无法提供", "1.本机关不掌握相关政府信息"),
    (None, None, "2.没有现成信息需要另行制作"),
    (None, None, "3.补正后申请内容仍不明确"),
    (None, "（五）不予处理", "1.信访举报投诉类申请"),
    (None, None, "2.重复申请"),
    (None, None, "3.要求提供公开出版物"),
    (None, None, "4.无正当理由大量反复申请"),
    (None, None, "5.要求行政机关确认或重新出具已获取信息"),
    (None, "（六）其他处理", None),
    (None, "（七）总计", None),
    ("四、结转下年度继续办理", None, None),
]


def table2(t2):
    g = Grid(10, [1.3, 1.7, 3.6] + [1.05] * 7)
    g.add(0, 0, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rs=3, cs=3)
    g.add(0, 3, "申请人情况", cs=7)
    g.add(1, 3, "自然人", rs=2)
    g.add(1, 4, "法人或其他组织", cs=5)
    g.add(1, 9, "总计", rs=2)
    for c, h in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]):
        g.add(2, 4 + c, h)
    spans = {"三、本年度办理结果": 20, "（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5}
    for i, ((a, b, c), vals) in enumerate(zip(T2_ROWS, t2)):
        r = 3 + i
        if a and not b:
            g.add(r, 0, a, cs=3)
        elif a:
            g.add(r, 0, a, rs=spans[a])
        if b and not c:
            g.add(r, 1, b, cs=2)
        elif b:
            g.add(r, 1, b, rs=spans[b])
        if c:
            g.add(r, 2, c)
        for k, v in enumerate(vals):
            g.add(r, 3 + k, v)
    return g


def table3(t3):
    g = Grid(15, [1] * 15)
    g.add(0, 0, "行政复议", cs=5)
    g.add(0, 5, "行政诉讼", cs=10)
    for c, h in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]):
        g.add(1, c, h, rs=2)
    g.add(1, 5, "未经复议直接起诉", cs=5)
    g.add(1, 10, "复议后起诉", cs=5)
    for k in range(2):
        for c, h in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]):
            g.add(2, 5 + 5 * k + c, h)
    for c, v in enumerate(t3):
        g.add(3, c, v)
    return g


def blocks(sample):
    """The report as a list of ('title'|'h'|'p'|'table', payload)."""
    prose, rows = read_sample(sample)
    t1, t2, t3 = table_values(rows)
    tables = {"二、主动公开政府信息情况": table1(t1), "三、收到和处理政府信息公开申请情况": table2(t2),
              "四、政府信息公开行政复议、行政诉讼情况": table3(t3)}
    out = [("title", prose[0]), ("title", prose[1])]
    for p in prose[2:]:
        out.append(("h" if is_heading(p) else "p", p))
        if p in tables:
            out.append(("table", tables[p]))
    return out


# ---------------------------------------------------------------- Typst


def typst_escape(s):
    return re.sub(r"([\\#*_`$<>@\[\]=/+-])", r"\\\1", s)


def typst_source(doc):
    src = [f"""#set page(paper: "a4", margin: (x: 26mm, top: 30mm, bottom: 28mm),
  footer: context align(center, text(font: "{SERIF}", size: 14pt)[— #counter(page).display() —]))
#set text(font: ("{SERIF}", "{SANS}"), size: 16pt, lang: "zh")
#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 0.9em, spacing: 0.9em)
"""]
    for kind, x in doc:
        if kind == "title":
            src.append(f'#align(center, text(font: "{SANS}", size: 20pt)[{typst_escape(x)}])\n')
        elif kind == "h":
            src.append(f'#text(font: "{SANS}")[{typst_escape(x)}]\n')
        elif kind == "p":
            src.append(typst_escape(x) + "\n")
        else:
            cols = ", ".join(f"{w}fr" for w in x.widths)
            cells = ",\n".join(
                f"table.cell(x: {c}, y: {r}, rowspan: {rs}, colspan: {cs})[{typst_escape(t)}]"
                for r, c, rs, cs, t in x.cells)
            src.append(f"""#block(breakable: true, text(size: 10.5pt, table(columns: ({cols}),
  align: center + horizon, stroke: 0.5pt, inset: 4pt,
{cells})))
""")
        src.append("\n")
    return "".join(src)


def render_typst(doc, out):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "report.typ")
        with open(src, "w", encoding="utf-8") as f:
            f.write(typst_source(doc))
        typst.compile(src, output=out)


# ---------------------------------------------------------------- reportlab


def render_stsong(doc, out):
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # UniGB-UCS2-H
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=14, leading=24,
                          firstLineIndent=28, alignment=TA_JUSTIFY, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=28, alignment=TA_CENTER,
                           firstLineIndent=0)
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=9, leading=11,
                          alignment=TA_CENTER, wordWrap="CJK")
    story = []
    width = A4[0] - 50 * mm
    for kind, x in doc:
        if kind == "title":
            story.append(Paragraph(x, title))
        elif kind in ("h", "p"):
            story.append(Paragraph(x, body))
        else:
            data = [[""] * x.ncols for _ in range(x.nrows)]
            style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                     ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
            for r, c, rs, cs, t in x.cells:
                data[r][c] = Paragraph(t, cell)
                if rs > 1 or cs > 1:
                    style.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
            total = sum(x.widths)
            story.append(Table(data, colWidths=[width * w / total for w in x.widths],
                               style=TableStyle(style), repeatRows=0))
            story.append(Spacer(1, 8))

    def footer(canvas, d):
        canvas.setFont("STSong-Light", 12)
        canvas.drawCentredString(A4[0] / 2, 15 * mm, f"— {d.page} —")

    SimpleDocTemplate(out, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm,
                      topMargin=25 * mm, bottomMargin=25 * mm).build(
        story, onFirstPage=footer, onLaterPages=footer)


def reencode_gbk(src, out):
    """Re-encodes every UniGB-UCS2-H string to GBK and renames the CMap GBK-EUC-H."""
    pdf = pikepdf.open(src)
    fonts = set()
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Encoding") == "/UniGB-UCS2-H":
            obj.Encoding = pikepdf.Name("/GBK-EUC-H")
            fonts.add(obj.objgen)
    for page in pdf.pages:
        names = {str(k) for k, v in page.Resources.Font.items() if v.objgen in fonts}
        ops, font = [], None
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) == "Tf":
                font = str(operands[0])
            if str(op) in ("Tj", "TJ", "'", '"') and font in names:
                operands = [gbk(o) for o in operands]
            ops.append((operands, op))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
    pdf.save(out)


def gbk(o):
    if isinstance(o, pikepdf.String):
        return pikepdf.String(bytes(o).decode("utf-16-be").encode("gbk"))
    if isinstance(o, pikepdf.Array):
        return pikepdf.Array([gbk(x) for x in o])
    return o


# ---------------------------------------------------------------- failures


def short_doc(doc):
    """The title and first paragraphs: enough text for a one-page PDF."""
    return [b for b in doc if b[0] != "table"][:6]


def make_bad(doc):
    os.makedirs(BAD, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        short = os.path.join(tmp, "short.pdf")
        render_typst(short_doc(doc), short)
        with pikepdf.open(short) as pdf:
            pdf.save(os.path.join(BAD, "encrypted.pdf"),
                     encryption=pikepdf.Encryption(user="secret", owner="owner", R=6))
        data = open(short, "rb").read()
        open(os.path.join(BAD, "truncated.pdf"), "wb").write(data[: len(data) * 4 // 10])
        with pikepdf.open(short) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary) and "/ToUnicode" in obj:
                    del obj["/ToUnicode"]
            pdf.save(os.path.join(BAD, "no_tounicode.pdf"))
    img = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 22)
    y = 60
    for _, text in short_doc(doc):
        for i in range(0, len(text), 24):
            draw.text((50, y), text[i:i + 24], font=font, fill=0)
            y += 32
    img.save(os.path.join(BAD, "image_only.pdf"), resolution=75)
    png = io.BytesIO()
    img.resize((155, 219)).save(png, format="PNG")
    open(os.path.join(BAD, "not_a_pdf.pdf"), "wb").write(png.getvalue())


# ---------------------------------------------------------------- layout variety
#
# The same report as office producers lay it out in the wild: label and header
# columns so narrow that words wrap over lines, tables without rules, running
# headers that repeat the title, a table split over pages with its header rows
# repeated, a landscape page; two fonts and two producers (Typst and LibreOffice).
# Each variant is one PDF in corpus/pdf/ with the sample's expected CSV.

VARIETY_SERIF = "Noto Serif CJK SC"  # fonts-noto-cjk
VARIETY_SANS = "Noto Sans CJK SC"

# Column widths in points (9 pt cell text, 2.5–3 pt padding). The label columns of
# table 3 are narrow enough to wrap （五）不予处理 as （五）不 / 予处理 and
# 4.无正当理由大量反复申请 over two lines; table 4 has fifteen narrow columns, so
# 结果维持 wraps as 结果维 / 持.
NARROW = {
    "active_disclosure": [78, 62, 62, 62],
    "applications": [34, 43, 104] + [30] * 7,
    "review_litigation": [31] * 15,
}

# A table on a landscape page gets this much wider columns (still wrapping 结果维持
# in table 4).
LANDSCAPE_SCALE = 1.3

# Vertical alignment of table cells ("middle" as most reports; "top" is Word's default).
CELL_VALIGN = "middle"

VARIANTS = [
    # header: the running header (the title in one line) on every page, or on every
    # page but the first (Word's "different first page"); one_line_title: the title
    # printed as one line, equal to the running header.
    dict(name="variety_typst_serif_narrow", producer="typst", font=VARIETY_SERIF, ruled=True,
         header="title_all_pages", one_line_title=True, landscape=None, repeat=True),
    dict(name="variety_typst_sans_borderless_landscape", producer="typst", font=VARIETY_SANS,
         ruled=False, header="title_after_first", one_line_title=True, landscape="applications",
         repeat=False),
    dict(name="variety_lo_sans_borderless_split", producer="lo", font=VARIETY_SANS, ruled=False,
         header="title_all_pages", one_line_title=False, landscape=None, repeat=True),
    dict(name="variety_lo_serif_landscape", producer="lo", font=VARIETY_SERIF, ruled=True,
         header="title_after_first", one_line_title=False, landscape="review_litigation",
         repeat=True),
    # A wider group column beside a narrow sub-row column: the wrapped group label
    # （三）不予公 / 开 interleaves line by line with 2.其他法律行政 / 法规禁止公开 and
    # its first part sits on that sub-row's number line.
    dict(name="variety_typst_serif_interleaved", producer="typst", font=VARIETY_SERIF,
         ruled=False, header="title_all_pages", one_line_title=True,
         landscape="review_litigation", repeat=False,
         widths={"applications": [48, 52, 70] + [34] * 7, "review_litigation": [29] * 15}),
]

TABLE_OF_HEADING = {"二、主动公开政府信息情况": "active_disclosure",
                    "三、收到和处理政府信息公开申请情况": "applications",
                    "四、政府信息公开行政复议、行政诉讼情况": "review_litigation"}

# Header rows of each table (repeated on every page the table runs onto).
HEADER_ROWS = {"active_disclosure": 0, "applications": 3, "review_litigation": 3}


def variety_blocks(sample, one_line_title, widths=None):
    """The report's blocks with each table tagged by its id; the title as one line
    ("沂源县自然资源局2020年…报告") is what the running header repeats."""
    out, heading, widths = [], None, widths or {}
    for kind, x in blocks(sample):
        if kind == "h":
            heading = x
        if kind == "table":
            x.id = TABLE_OF_HEADING[heading]
            x.pt = widths.get(x.id, NARROW[x.id])
        out.append((kind, x))
    if one_line_title:
        out[0:2] = [("title", out[0][1] + out[1][1])]
    return out


def running_header(doc):
    return "".join(x for k, x in doc if k == "title")


def typst_table(g, v, width_scale=1.0):
    cols = ", ".join(f"{w * width_scale:.1f}pt" for w in g.pt)
    stroke = "0.5pt" if v["ruled"] else "none"
    head_n = HEADER_ROWS[g.id] if v["repeat"] else 0

    def cell(r, c, rs, cs, t):
        return f"table.cell(x: {c}, y: {r}, rowspan: {rs}, colspan: {cs})[{typst_escape(t)}]"

    head = [cell(*x) for x in g.cells if x[0] < head_n]
    body = [cell(*x) for x in g.cells if x[0] >= head_n]
    parts = []
    if head:
        parts.append("table.header(repeat: true,\n" + ",\n".join(head) + ")")
    parts.extend(body)
    inner = ",\n".join(parts)
    return (f"#block(breakable: true, text(size: 9pt, table(columns: ({cols}), "
            f"align: center + {'horizon' if CELL_VALIGN == 'middle' else 'top'}, stroke: {stroke}, inset: 2.5pt,\n{inner})))\n")


def typst_variety_source(doc, v):
    header = typst_escape(running_header(doc))
    when = "true" if v["header"] == "title_all_pages" else "counter(page).get().first() > 1"
    src = [f"""#set page(paper: "a4", margin: (x: 22mm, top: 30mm, bottom: 28mm),
  header: context if {when} {{ align(center, text(size: 10pt)[{header}]) }},
  footer: context align(center, text(size: 12pt)[— #counter(page).display() —]))
#set text(font: "{v['font']}", size: 14pt, lang: "zh")
#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 0.8em, spacing: 0.8em)
"""]
    for kind, x in doc:
        if kind == "title":
            src.append(f'#align(center, text(size: 20pt)[{typst_escape(x)}])\n')
        elif kind in ("h", "p"):
            src.append(typst_escape(x) + "\n")
        elif v["landscape"] == x.id:
            src.append("#page(flipped: true)[\n" + typst_table(x, v, LANDSCAPE_SCALE) + "]\n")
        else:
            src.append(typst_table(x, v))
        src.append("\n")
    return "".join(src)


def render_typst_variety(doc, v, out):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "report.typ")
        with open(src, "w", encoding="utf-8") as f:
            f.write(typst_variety_source(doc, v))
        typst.compile(src, output=out)


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def odf_table(g, v, n):
    """A Grid as an ODF table: spanned cells start a span, the cells under it are covered."""
    start = {(r, c): (rs, cs, t) for r, c, rs, cs, t in g.cells}
    covered = set()
    for r, c, rs, cs, _ in g.cells:
        for i in range(r, r + rs):
            for j in range(c, c + cs):
                if (i, j) != (r, c):
                    covered.add((i, j))
    style = f"T{n}L" if v["landscape"] == g.id else f"T{n}"
    xml = [f'<table:table table:name="Table{n}" table:style-name="{style}">']
    for j, w in enumerate(g.pt):
        xml.append(f'<table:table-column table:style-name="T{n}C{j}"/>')
    head_n = HEADER_ROWS[g.id] if v["repeat"] else 0
    for r in range(g.nrows):
        if r == 0 and head_n:
            xml.append("<table:table-header-rows>")
        xml.append("<table:table-row>")
        for c in range(g.ncols):
            if (r, c) in start:
                rs, cs, t = start[(r, c)]
                span = ""
                if rs > 1:
                    span += f' table:number-rows-spanned="{rs}"'
                if cs > 1:
                    span += f' table:number-columns-spanned="{cs}"'
                xml.append(f'<table:table-cell table:style-name="Cell"{span} office:value-type="string">'
                           f'<text:p text:style-name="CellText">{xml_escape(t)}</text:p></table:table-cell>')
            elif (r, c) in covered:
                xml.append("<table:covered-table-cell/>")
            else:
                xml.append('<table:table-cell table:style-name="Cell"><text:p text:style-name="CellText"/>'
                           "</table:table-cell>")
        xml.append("</table:table-row>")
        if head_n and r == head_n - 1:
            xml.append("</table:table-header-rows>")
    xml.append("</table:table>")
    return "".join(xml)


def odf_styles(doc, v):
    font = v["font"]
    tables = [x for k, x in doc if k == "table"]
    auto = []
    for n, g in enumerate(tables):
        scale = LANDSCAPE_SCALE if v["landscape"] == g.id else 1.0
        total = sum(g.pt) * scale
        for name, extra in ((f"T{n}", ""), (f"T{n}L", ' style:master-page-name="Landscape"')):
            auto.append(f'<style:style style:name="{name}" style:family="table"{extra}>'
                        f'<style:table-properties style:width="{total:.1f}pt" table:align="center"/>'
                        "</style:style>")
        for j, w in enumerate(g.pt):
            auto.append(f'<style:style style:name="T{n}C{j}" style:family="table-column">'
                        f'<style:table-column-properties style:column-width="{w * scale:.1f}pt"/>'
                        "</style:style>")
    border = "0.5pt solid #000000" if v["ruled"] else "none"
    auto.append('<style:style style:name="Cell" style:family="table-cell">'
                f'<style:table-cell-properties fo:border="{border}" fo:padding="2.5pt" '
                f'style:vertical-align="{CELL_VALIGN}"/></style:style>')
    auto.append('<style:style style:name="FirstPage" style:family="paragraph" style:parent-style-name="Title" '
                'style:master-page-name="First"/>')
    auto.append('<style:style style:name="BackToPortrait" style:family="paragraph" '
                'style:parent-style-name="Body" style:master-page-name="Standard"/>')
    text_props = (f'style:font-name="F" style:font-name-asian="F" fo:font-size="{{}}pt" '
                  'style:font-size-asian="{}pt"')

    def props(size):
        return text_props.format(size, size)

    page = ('<style:page-layout style:name="{name}"><style:page-layout-properties fo:page-width="{w}" '
            'fo:page-height="{h}" style:print-orientation="{o}" fo:margin-top="20mm" fo:margin-bottom="15mm" '
            'fo:margin-left="22mm" fo:margin-right="22mm"/>'
            '<style:header-style><style:header-footer-properties fo:min-height="0mm" fo:margin-bottom="5mm"/>'
            '</style:header-style><style:footer-style><style:header-footer-properties fo:min-height="0mm" '
            'fo:margin-top="5mm"/></style:footer-style></style:page-layout>')
    header = f'<style:header><text:p text:style-name="Header">{xml_escape(running_header(doc))}</text:p></style:header>'
    footer = ('<style:footer><text:p text:style-name="Footer">— <text:page-number text:select-page="current">1'
              '</text:page-number> —</text:p></style:footer>')
    first_header = header if v["header"] == "title_all_pages" else ""
    return f"""<office:font-face-decls><style:font-face style:name="F" svg:font-family="'{font}'"/></office:font-face-decls>
<office:styles>
<style:style style:name="Body" style:family="paragraph"><style:paragraph-properties fo:text-align="justify" fo:text-indent="28pt" fo:margin-bottom="4pt" fo:line-height="130%"/><style:text-properties {props(14)}/></style:style>
<style:style style:name="Title" style:family="paragraph"><style:paragraph-properties fo:text-align="center" fo:margin-bottom="8pt"/><style:text-properties {props(20)}/></style:style>
<style:style style:name="CellText" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties {props(9)}/></style:style>
<style:style style:name="Header" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties {props(10)}/></style:style>
<style:style style:name="Footer" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties {props(12)}/></style:style>
</office:styles>
<office:automatic-styles>
{page.format(name="Portrait", w="210mm", h="297mm", o="portrait")}
{page.format(name="Wide", w="297mm", h="210mm", o="landscape")}
{"".join(auto)}
</office:automatic-styles>
<office:master-styles>
<style:master-page style:name="First" style:page-layout-name="Portrait" style:next-style-name="Standard">{first_header}{footer}</style:master-page>
<style:master-page style:name="Standard" style:page-layout-name="Portrait">{header}{footer}</style:master-page>
<style:master-page style:name="Landscape" style:page-layout-name="Wide">{header}{footer}</style:master-page>
</office:master-styles>"""


def fodt_source(doc, v):
    body, n, first, back = [], 0, True, False
    for kind, x in doc:
        if kind == "table":
            body.append(odf_table(x, v, n))
            n += 1
            back = v["landscape"] == x.id
            continue
        style = "Title" if kind == "title" else "Body"
        if first:
            style, first = "FirstPage", False
        elif back:
            style, back = "BackToPortrait", False
        body.append(f'<text:p text:style-name="{style}">{xml_escape(x)}</text:p>')
    ns = " ".join(f'xmlns:{k}="urn:oasis:names:tc:opendocument:xmlns:{u}"' for k, u in [
        ("office", "office:1.0"), ("style", "style:1.0"), ("text", "text:1.0"), ("table", "table:1.0"),
        ("fo", "xsl-fo-compatible:1.0"), ("svg", "svg-compatible:1.0")])
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {ns} office:version="1.3" '
            f'office:mimetype="application/vnd.oasis.opendocument.text">\n{odf_styles(doc, v)}\n'
            f'<office:body><office:text>{"".join(body)}</office:text></office:body></office:document>\n')


def render_lo_variety(doc, v, out):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "report.fodt")
        with open(src, "w", encoding="utf-8") as f:
            f.write(fodt_source(doc, v))
        # A fresh profile's first start occasionally exits without converting: retry.
        for _ in range(3):
            subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                            "--convert-to", "pdf", "--outdir", tmp, src],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if os.path.exists(os.path.join(tmp, "report.pdf")):
                break
        shutil.copy(os.path.join(tmp, "report.pdf"), out)


def make_variety(txt, csv, only=None):
    for v in VARIANTS:
        if only and v["name"] not in only:
            continue
        doc = variety_blocks(txt, v["one_line_title"], v.get("widths"))
        out = os.path.join(GOOD, v["name"] + ".pdf")
        (render_typst_variety if v["producer"] == "typst" else render_lo_variety)(doc, v, out)
        shutil.copy(csv, out[: -len(".pdf")] + ".expected.csv")
        print(f"{os.path.getsize(out):>8}  pdf/{os.path.basename(out)}")


def main():
    txt, csv = sample_paths()
    if len(sys.argv) > 1 and sys.argv[1] == "--variety":
        make_variety(txt, csv, set(sys.argv[2:]))
        return 0
    doc = blocks(txt)
    os.makedirs(GOOD, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        stsong = os.path.join(tmp, "stsong.pdf")
        render_stsong(doc, stsong)
        outputs = {
            "report_typst.pdf": lambda out: render_typst(doc, out),
            "report_stsong.pdf": lambda out: shutil.copy(stsong, out),
            "report_gbk.pdf": lambda out: reencode_gbk(stsong, out),
        }
        for name, make in outputs.items():
            out = os.path.join(GOOD, name)
            make(out)
            shutil.copy(csv, out[: -len(".pdf")] + ".expected.csv")
    make_bad(doc)
    for d in (GOOD, BAD):
        for f in sorted(os.listdir(d)):
            print(f"{os.path.getsize(os.path.join(d, f)):>8}  {os.path.join(os.path.basename(d), f)}")


if __name__ == "__main__":
    sys.exit(main())
