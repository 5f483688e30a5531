#!/usr/bin/env python3
"""Generate web and office renderings of reports, each with its expected CSV.

Two reports are rendered:
  * the repository's real sample report (corpus/000_yiyuan_zrzyj_2020.txt): its
    prose as printed, its tables rebuilt on the official form from its expected
    values (so the tables carry the form's merged cells);
  * a generated 2021-format report whose values are written below (they satisfy
    the template's identities; its expected CSV follows from them).

Each report is written as
  * tab-separated text (the reference: the same cells must come out of every form),
  * HTML pasted from Word (`mso` styles, `<o:p>`, conditional comments, a cell's
    words split over two paragraphs, source lines wrapped inside Chinese text),
  * a portal page around the article (navigation, breadcrumbs, related links,
    footer, script, hidden element), GBK-encoded with `<meta charset=gb2312>`,
  * `.docx` built by hand with zipfile (tables with `w:gridSpan` and `w:vMerge`),
    and the sample also with its heading numbers drawn by Word's list numbering
    (`word/numbering.xml`, a heading style and `w:numPr`) instead of typed,
and the 2021 report also as crawled text: one cell per paragraph (cells separated
by a fixed run of line breaks, an empty cell as one more run, CR line ends) and
cells separated by ideographic spaces.

Rowspan/colspan sit where the official form has them: the corner note and the
column-group headers (申请人情况, 法人或其他组织, 行政复议/行政诉讼), the row-group
labels (三、本年度办理结果, （三）不予公开 …) and the 2021 table 2 value cells.

Usage: scripts/make_web_fixtures.py [REPO_DIR]   (default: this repository)
Output is deterministic: rerunning gives byte-identical files.
"""

import csv
import hashlib
import shutil
import subprocess
import tempfile
import io
import sys
import tomllib
import zipfile
from pathlib import Path

SAMPLE = "000_yiyuan_zrzyj_2020"
GEN = "gen_anping_scjgj_2021"

# Prose lines are wrapped in the HTML source after this many characters, as Word
# does when it saves a page (the reader must not turn the break into a space).
WRAP = 38

# ---------------------------------------------------------------- the 2021 report

GEN_AGENCY = "安平县市场监督管理局"
GEN_YEAR = 2021
GEN_PUBLISHED = ("2022-01-20", "2022年1月20日")

T2_2021 = {
    ("regulations", "issued"): "0",
    ("regulations", "repealed"): "0",
    ("regulations", "in_force"): "3",
    ("normative_docs", "issued"): "5",
    ("normative_docs", "repealed"): "2",
    ("normative_docs", "in_force"): "48",
    ("admin_license", "decisions"): "1260",
    ("admin_penalty", "decisions"): "87",
    ("admin_coercion", "decisions"): "12",
    ("admin_fees", "fee_amount"): "35.6",
}

# Table 3 rows: natural person, commercial enterprise, research institution,
# social welfare org, legal service org, other org (the total is computed).
T3_2021 = {
    "new_received": [81, 6, 0, 1, 2, 0],
    "carried_over": [3, 0, 0, 0, 0, 0],
    "granted": [40, 3, 0, 1, 1, 0],
    "partial": [8, 1, 0, 0, 0, 0],
    "denied_state_secret": [0, 0, 0, 0, 0, 0],
    "denied_law_prohibited": [1, 0, 0, 0, 0, 0],
    "denied_three_safety_one_stability": [0, 0, 0, 0, 0, 0],
    "denied_third_party": [2, 0, 0, 0, 0, 0],
    "denied_internal_affairs": [1, 0, 0, 0, 0, 0],
    "denied_process_info": [3, 1, 0, 0, 0, 0],
    "denied_enforcement_file": [0, 0, 0, 0, 0, 0],
    "denied_admin_query": [2, 0, 0, 0, 0, 0],
    "unable_not_held": [12, 1, 0, 0, 1, 0],
    "unable_need_creation": [2, 0, 0, 0, 0, 0],
    "unable_unclear": [1, 0, 0, 0, 0, 0],
    "np_petition": [3, 0, 0, 0, 0, 0],
    "np_repeat": [2, 0, 0, 0, 0, 0],
    "np_publication": [0, 0, 0, 0, 0, 0],
    "np_massive": [0, 0, 0, 0, 0, 0],
    "np_confirm": [1, 0, 0, 0, 0, 0],
    "other_overdue_correction": [1, 0, 0, 0, 0, 0],
    "other_overdue_fee": [0, 0, 0, 0, 0, 0],
    "other_other": [1, 0, 0, 0, 0, 0],
}
OUTCOME_ROWS = [r for r in T3_2021 if r not in ("new_received", "carried_over")]

# Cells the generated report prints empty (as many reports do for a zero): they
# stay empty in every form (an empty <td>, an empty tab field, one more separator).
BLANK_2021 = {("applications", "np_publication", "research_institution"),
              ("applications", "denied_enforcement_file", "other_org")}

T4_2021 = [2, 1, 0, 1, 4, 1, 0, 0, 2, 3, 0, 0, 0, 1, 1]


def gen_values(grammar):
    """(table, row, column) -> value of the generated 2021 report."""
    vals = {}
    for (r, c), v in T2_2021.items():
        vals[("active_disclosure", r, c)] = v
    t3 = grammar["tables"]["applications"]
    cols = [c["id"] for c in t3["columns"]]
    rows = dict(T3_2021)
    rows["total_processed"] = [sum(rows[r][i] for r in OUTCOME_ROWS) for i in range(6)]
    rows["carried_forward"] = [
        rows["new_received"][i] + rows["carried_over"][i] - rows["total_processed"][i]
        for i in range(6)
    ]
    for r, v in rows.items():
        if min(v) < 0:
            sys.exit(f"row {r} has a negative value")
        for c, x in zip(cols, v + [sum(v)]):
            key = ("applications", r, c)
            vals[key] = "" if key in BLANK_2021 else str(x)
            if key in BLANK_2021 and x != 0:
                sys.exit(f"blank cell {key} must be a zero")
    for c, x in zip(grammar["tables"]["review_litigation"]["columns"], T4_2021):
        vals[("review_litigation", "cases", c["id"])] = str(x)
    return vals


def gen_prose(vals):
    """The 2021 report's text around its tables: (kind, text) with kind in
    title/p/table:<id>."""
    v = lambda t, r, c: vals[(t, r, c)]
    new_total = v("applications", "new_received", "total")
    return [
        ("title", GEN_AGENCY),
        ("title", f"{GEN_YEAR}年政府信息公开工作年度报告"),
        ("p", f"本报告根据《中华人民共和国政府信息公开条例》要求编制，内容包括总体情况、主动公开政府信息情况、"
              f"收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、"
              f"其他需要报告的事项。本报告中所列数据的统计期限自{GEN_YEAR}年1月1日起至{GEN_YEAR}年12月31日止。"),
        ("p", "一、总体情况"),
        ("p", f"{GEN_YEAR}年，我局坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。"
              f"全年本年新收政府信息公开申请{new_total}件，均在法定期限内答复。现行有效行政规范性文件"
              f"{v('active_disclosure', 'normative_docs', 'in_force')}件。"),
        ("p", "二、主动公开政府信息情况"),
        ("table", "active_disclosure"),
        ("p", "三、收到和处理政府信息公开申请情况"),
        ("table", "applications"),
        ("p", "四、政府信息公开行政复议、行政诉讼情况"),
        ("table", "review_litigation"),
        ("p", "五、存在的主要问题及改进情况"),
        ("p", "一是公开内容的深度和广度有待加强；二是政策解读形式较为单一。下一步，我局将进一步规范公开流程，"
              "丰富解读形式，提升公开质量。"),
        ("p", "六、其他需要报告的事项"),
        ("p", "本年度未收取信息处理费。"),
        ("p", GEN_AGENCY),
        ("p", GEN_PUBLISHED[1]),
    ]


def gen_expected(grammar, vals):
    rows = [
        ["table", "row", "column", "value"],
        ["meta", "report", "agency", GEN_AGENCY],
        ["meta", "report", "year", str(GEN_YEAR)],
        ["meta", "report", "format", "f2021"],
        ["meta", "report", "published", GEN_PUBLISHED[0]],
    ]
    for key in table_order(grammar):
        if key in vals:
            rows.append(list(key) + [vals[key]])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def table_order(grammar):
    out = []
    for b in grammar["tables"]["active_disclosure"]["blocks"]:
        for r in b["rows"]:
            for c in b["columns"]:
                out.append(("active_disclosure", r["id"], c["id"]))
    t3 = grammar["tables"]["applications"]
    for r in t3["rows"]:
        for c in t3["columns"]:
            out.append(("applications", r["id"], c["id"]))
    for c in grammar["tables"]["review_litigation"]["columns"]:
        out.append(("review_litigation", "cases", c["id"]))
    return out


# ------------------------------------------------------------ the sample report


def sample_prose(text):
    """The sample's lines with each run of table lines replaced by its table id."""
    out = []
    tables = iter(["active_disclosure", "applications", "review_litigation"])
    lines = text.split("\n")
    i = 0
    seen_title = 0
    while i < len(lines):
        line = lines[i]
        if "\t" in line:
            while i < len(lines) and ("\t" in lines[i] or not lines[i].strip()):
                i += 1
            out.append(("table", next(tables)))
            continue
        if line.strip():
            kind = "title" if seen_title < 2 else "p"
            seen_title += 1
            out.append((kind, line.strip()))
        i += 1
    return out


def read_expected(path):
    vals = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["table"] != "meta":
                vals[(row["table"], row["row"], row["column"])] = row["value"]
    return vals


# ---------------------------------------------------------------- table forms
# A table is a list of rows; a row a list of cells (text, rowspan, colspan).


def cell(text, rs=1, cs=1):
    return (text, rs, cs)


def form_active(grammar, vals, signed_plus):
    """Table 2 on the official form: four columns, a caption row per block."""
    rows = []
    for b in grammar["tables"]["active_disclosure"]["blocks"]:
        cols = b["columns"]
        rows.append([cell(b["caption"], 1, 4)])
        if len(cols) == 1:
            rows.append([cell("信息内容"), cell(cols[0]["label"], 1, 3)])
        else:
            hdr = [cell("信息内容")] + [cell(c["label"]) for c in cols]
            if len(cols) < 3:
                hdr[-1] = cell(cols[-1]["label"], 1, 4 - len(cols))
            rows.append(hdr)
        for r in b["rows"]:
            vs = []
            for c in cols:
                v = vals.get(("active_disclosure", r["id"], c["id"]), "")
                if signed_plus and c.get("value") == "signed_int" and v not in ("", "0") and not v.startswith("-"):
                    v = "+" + v
                vs.append(v)
            row = [cell(r["label"])] + [cell(v) for v in vs]
            if len(cols) == 1:
                row = [cell(r["label"]), cell(vs[0], 1, 3)]
            elif len(cols) < 3:
                row += [cell("")] * (3 - len(cols))
            rows.append(row)
    return rows


def form_applications(grammar, vals):
    t3 = grammar["tables"]["applications"]
    cols = t3["columns"]
    legal = [c for c in cols if c.get("parent")]
    rows = [
        [cell(t3["corner_note"], 3, 3), cell(t3["column_group_label"], 1, len(cols))],
        [cell(cols[0]["label"], 2), cell("法人或其他组织", 1, len(legal)), cell(cols[-1]["label"], 2)],
        [cell(c["label"]) for c in legal],
    ]
    data = t3["rows"]
    children = {}
    for r in data:
        children.setdefault(r.get("parent", ""), []).append(r)

    def span_of(r):
        if r["kind"] == "data":
            return 1
        return sum(span_of(c) for c in children.get(r["id"], []))

    def values(r):
        return [cell(vals.get(("applications", r["id"], c["id"]), "")) for c in cols]

    def emit(r, prefix):
        level = r["level"]
        if r["kind"] == "data":
            rows.append(prefix + [cell(r["label"], 1, 4 - level)] + values(r))
            return
        kids = children.get(r["id"], [])
        first = True
        for k in kids:
            p = (prefix if first else []) + ([cell(r["label"], span_of(r))] if first else [])
            emit(k, p)
            first = False

    for r in children.get("", []):
        emit(r, [])
    return rows


def form_review(grammar, vals):
    cols = grammar["tables"]["review_litigation"]["columns"]
    labels = [c["label"] for c in cols]
    return [
        [cell("行政复议", 1, 5), cell("行政诉讼", 1, 10)],
        [cell(l, 2) for l in labels[:5]] + [cell("未经复议直接起诉", 1, 5), cell("复议后起诉", 1, 5)],
        [cell(l) for l in labels[5:]],
        [cell(vals.get(("review_litigation", "cases", c["id"]), "")) for c in cols],
    ]


def forms(grammar, vals, signed_plus):
    return {
        "active_disclosure": form_active(grammar, vals, signed_plus),
        "applications": form_applications(grammar, vals),
        "review_litigation": form_review(grammar, vals),
    }


def grid(rows):
    """The expanded grid: a spanned value in its origin cell only."""
    g = {}
    for r, row in enumerate(rows):
        c = 0
        for text, rs, cs in row:
            while (r, c) in g:
                c += 1
            for dr in range(rs):
                for dc in range(cs):
                    g[(r + dr, c + dc)] = text if dr == 0 and dc == 0 else ""
            c += cs
    height = max(r for r, _ in g) + 1
    width = max(c for _, c in g) + 1
    return [[g.get((r, c), "") for c in range(width)] for r in range(height)]


# ------------------------------------------------------------------- renderers


def render_text(blocks, tables):
    out = []
    for kind, x in blocks:
        if kind == "table":
            out.extend("\t".join(r) for r in grid(tables[x]))
        else:
            out.append(x)
        out.append("")
    return "\n".join(out)


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap(s, n=WRAP):
    """Source line breaks inside a paragraph, as Word writes them."""
    return "\n".join(esc(s[i:i + n]) for i in range(0, len(s), n))


# Cell words Word-pasted pages split over two paragraphs of one cell.
SPLIT_WORDS = {"商业企业": ("商业", "企业"), "法律服务机构": ("法律服务", "机构"),
               "未经复议直接起诉": ("未经复议", "直接起诉")}

WORD_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"
xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv=Content-Type content="text/html; charset=utf-8">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<title>{title}</title>
<!--[if gte mso 9]><xml>
 <w:WordDocument>
  <w:View>Normal</w:View>
  <w:Zoom>0</w:Zoom>
  <w:PunctuationKerning/>
 </w:WordDocument>
</xml><![endif]-->
<style>
<!--
 /* Font Definitions */
 @font-face {{font-family:仿宋_GB2312; panose-1:2 1 6 9 3 1 1 1 1 1;}}
p.MsoNormal, li.MsoNormal, div.MsoNormal
	{{mso-style-unhide:no; margin:0cm; text-align:justify; text-justify:inter-ideograph;
	font-size:10.5pt; font-family:等线; mso-bidi-font-family:"Times New Roman";}}
@page WordSection1 {{size:595.3pt 841.9pt; margin:72.0pt 90.0pt 72.0pt 90.0pt;}}
div.WordSection1 {{page:WordSection1;}}
-->
</style>
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>
<div class=WordSection1 style='layout-grid:15.6pt'>
"""


def word_para(text, title=False):
    if title:
        return ("<p class=MsoNormal align=center style='text-align:center'><b><span "
                "style='font-size:22.0pt;font-family:方正小标宋简体'>" + esc(text) +
                "<span lang=EN-US><o:p></o:p></span></span></b></p>\n")
    return ("<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0'><span\n"
            "style='font-size:16.0pt;font-family:仿宋_GB2312;mso-hansi-font-family:\"Times New Roman\"'>" +
            wrap(text) + "<span lang=EN-US><o:p></o:p></span></span></p>\n")


def word_cell_paras(text):
    if text == "":
        return "<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US><o:p>&nbsp;</o:p></span></p>"
    parts = SPLIT_WORDS.get(text, (text,))
    return "".join(
        "<p class=MsoNormal align=center style='text-align:center'><span style='font-size:9.0pt;"
        "font-family:宋体;mso-bidi-font-family:宋体;mso-font-kerning:0pt'>" + esc(p) +
        "<span lang=EN-US><o:p></o:p></span></span></p>" for p in parts)


def word_table(rows):
    width = len(grid(rows)[0])
    out = ["<div align=center>\n<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0\n"
           " style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;\n"
           " mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>\n"]
    for i, row in enumerate(rows):
        out.append(f" <tr style='mso-yfti-irow:{i};height:20.0pt'>\n")
        for text, rs, cs in row:
            attrs = ""
            if cs > 1:
                attrs += f" colspan={cs}"
            if rs > 1:
                attrs += f" rowspan={rs}"
            out.append(f"  <td width={40 * cs}{attrs} valign=center style='border:solid windowtext 1.0pt;"
                       f"mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>\n  "
                       + word_cell_paras(text) + "</td>\n")
        out.append(" </tr>\n")
    # Word's hidden sizing row for misaligned columns.
    out.append(" <![if !supportMisalignedColumns]>\n <tr height=0>\n")
    out.extend(f"  <td width=40 style='border:none'></td>\n" for _ in range(width))
    out.append(" </tr>\n <![endif]>\n</table>\n</div>\n")
    return "".join(out)


def render_word_html(blocks, tables):
    titles = [x for k, x in blocks if k == "title"]
    out = [WORD_HEAD.format(title=esc("".join(titles)))]
    for kind, x in blocks:
        if kind == "table":
            out.append(word_table(tables[x]))
        else:
            out.append(word_para(x, kind == "title"))
    out.append("</div>\n</body>\n</html>\n")
    return "".join(out)


def plain_table(rows):
    out = ["<table border=\"1\" cellspacing=\"0\" style=\"width:100%\"><tbody>\n"]
    for row in rows:
        out.append("<tr>")
        for text, rs, cs in row:
            attrs = (f' colspan="{cs}"' if cs > 1 else "") + (f' rowspan="{rs}"' if rs > 1 else "")
            out.append(f"<td{attrs}>{esc(text) if text else '&nbsp;'}</td>")
        out.append("</tr>\n")
    out.append("</tbody></table>\n")
    return "".join(out)


def render_portal(blocks, tables, charset, published):
    titles = [x for k, x in blocks if k == "title"]
    title = "".join(titles)
    out = [f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{esc(title)}_{esc(titles[0])}门户网站</title>
<link rel="stylesheet" href="/css/main.css">
<script type="text/javascript">var site = {{name: "一、总体情况 二、主动公开 年度报告"}};</script>
<style>.nav a {{ margin: 0 8px; }}</style>
</head>
<body>
<div class="top"><a href="/">网站首页</a> | <a href="/wza">无障碍</a> | <a href="/en">English</a></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/bsfw">办事服务</a></li><li><a href="/hdjl">互动交流</a></li></ul></div>
<div class="container">
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; <a href="/zwgk/ndbg">政府信息公开年报</a></div>
<div class="article">
<h1 class="title">{esc(title)}</h1>
<div class="info">发布时间：{published} &nbsp; 来源：本站 &nbsp; 浏览次数：<span id="hits">128</span></div>
<div class="content" id="zoom">
"""]
    for kind, x in blocks:
        if kind == "title":
            continue
        if kind == "table":
            out.append(plain_table(tables[x]))
        else:
            out.append(f"<p style=\"text-indent:2em\">{esc(x)}</p>\n")
    out.append("""<p style="display:none">二、此段隐藏 不应读出 9999</p>
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
</div>
<div class="related"><h3>相关链接</h3><ul>
<li><a href="/a/2020.html">2020年政府信息公开工作年度报告</a></li>
<li><a href="/a/2019.html">2019年政府信息公开工作年度报告</a></li></ul></div>
</div>
<div class="footer"><p>主办单位：安平县人民政府办公室　承办单位：安平县大数据中心</p>
<p>网站标识码：1311000001　冀ICP备12345678号　冀公网安备 13110002000001号</p></div>
</body>
</html>
""")
    return "".join(out)


# ------------------------------------------------------------------------ docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def x(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def docx_para(text, center=False, numbering=""):
    ppr = f"<w:pPr>{numbering}<w:jc w:val=\"center\"/></w:pPr>" if center else (
        f"<w:pPr>{numbering}</w:pPr>" if numbering else "")
    return f"<w:p>{ppr}<w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/></w:rPr><w:t xml:space=\"preserve\">{x(text)}</w:t></w:r></w:p>"


def docx_table(rows):
    g = grid(rows)
    width = len(g[0])
    # Which grid positions a cell covers: (origin r, c, rs, cs).
    origin = {}
    for r, row in enumerate(rows):
        c = 0
        for text, rs, cs in row:
            while (r, c) in origin:
                c += 1
            for dr in range(rs):
                for dc in range(cs):
                    origin[(r + dr, c + dc)] = (r, c, rs, cs, text)
            c += cs
    out = ["<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid>"]
    out.extend("<w:gridCol w:w=\"600\"/>" for _ in range(width))
    out.append("</w:tblGrid>")
    for r in range(len(g)):
        out.append("<w:tr>")
        c = 0
        while c < width:
            orow, ocol, rs, cs, text = origin[(r, c)]
            pr = ""
            if cs > 1:
                pr += f"<w:gridSpan w:val=\"{cs}\"/>"
            if rs > 1:
                pr += "<w:vMerge w:val=\"restart\"/>" if orow == r else "<w:vMerge/>"
            body = text if orow == r else ""
            parts = SPLIT_WORDS.get(body, (body,))
            paras = "".join(docx_para(p, True) for p in parts)
            out.append(f"<w:tc><w:tcPr><w:tcW w:w=\"{600 * cs}\" w:type=\"dxa\"/>{pr}</w:tcPr>{paras}</w:tc>")
            c += cs
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


CN_DIGITS = "一二三四五六七八九"
# Word's list levels for the two heading numbers: `一、` (level 0, through the
# heading style) and `（一）` (level 1, set on the paragraph).
HEADING_LEVELS = [("", "、"), ("（", "）")]


def chinese_counting(n):
    if n < 10:
        return CN_DIGITS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens - 1]) + "十" + (CN_DIGITS[ones - 1] if ones else "")


def auto_numbered(blocks):
    """Paragraphs whose heading number Word would print itself: (text without the
    number, level) where the number equals what Word's counters give at that
    place, else (text, None). Word counts a level-1 list afresh after each level-0
    heading."""
    counters = [0, 0]
    out = []
    for kind, t in blocks:
        level = None
        if kind == "p":
            for lv, (open_, close) in enumerate(HEADING_LEVELS):
                want = counters[lv] + 1
                prefix = f"{open_}{chinese_counting(want)}{close}"
                if t.startswith(prefix) and len(t) > len(prefix):
                    level = lv
                    counters[lv] = want
                    if lv == 0:
                        counters[1] = 0
                    t = t[len(prefix):]
                    break
        out.append((kind, t, level))
    return out


NUMBERING_XML = (
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    f"<w:numbering xmlns:w=\"{W_NS}\"><w:abstractNum w:abstractNumId=\"0\">"
    + "".join(
        f"<w:lvl w:ilvl=\"{lv}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/>"
        f"<w:lvlText w:val=\"{o}%{lv + 1}{c}\"/><w:suff w:val=\"nothing\"/></w:lvl>"
        for lv, (o, c) in enumerate(HEADING_LEVELS))
    + "</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>")

STYLES_XML = (
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    f"<w:styles xmlns:w=\"{W_NS}\">"
    "<w:style w:type=\"paragraph\" w:styleId=\"1\"><w:name w:val=\"heading 1\"/>"
    "<w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr><w:outlineLvl w:val=\"0\"/></w:pPr></w:style>"
    "</w:styles>")


def render_docx(blocks, tables, autonum=False):
    """`autonum`: heading numbers (一、 through the heading style, （一） set on the
    paragraph) drawn by Word's list numbering (numbering.xml), not typed."""
    body = []
    for kind, t, level in auto_numbered(blocks) if autonum else [(k, t, None) for k, t in blocks]:
        if kind == "table":
            body.append(docx_table(tables[t]))
            body.append("<w:p/>")
        elif level == 0:
            body.append(docx_para(t, numbering="<w:pStyle w:val=\"1\"/>"))
        elif level == 1:
            body.append(docx_para(t, numbering="<w:numPr><w:ilvl w:val=\"1\"/><w:numId w:val=\"1\"/></w:numPr>"))
        else:
            body.append(docx_para(t, kind == "title"))
    document = (f"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                f"<w:document xmlns:w=\"{W_NS}\"><w:body>{''.join(body)}"
                f"<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>")
    overrides = "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    parts = []
    if autonum:
        overrides += ("<Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>"
                      "<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>")
        doc_rels = ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>"
                    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
                    "</Relationships>")
        parts = [("word/_rels/document.xml.rels", doc_rels), ("word/numbering.xml", NUMBERING_XML),
                 ("word/styles.xml", STYLES_XML)]
    content_types = ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                     "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                     "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                     "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                     f"{overrides}</Types>")
    rels = ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
            "</Relationships>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [("[Content_Types].xml", content_types), ("_rels/.rels", rels),
                           ("word/document.xml", document)] + parts:
            info = zipfile.ZipInfo(name, date_time=(2022, 1, 20, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


# ------------------------------------------------------------- crawled layouts

# Line breaks between two cells in the one-cell-per-paragraph layout (a crawler
# that writes each table cell as a paragraph followed by a blank line).
CELL_BREAKS = 2


def render_cell_per_paragraph(blocks, tables):
    """Each table cell (each <td>, as a crawler walks them: spanned positions are
    not cells) its own line, cells CELL_BREAKS line breaks apart, so an empty cell
    is one more run; CR line ends. The crawler cut the title short (某局2021年度报...)."""
    out = []
    titles = [t for k, t in blocks if k == "title"]
    if titles:
        whole = "".join(titles)
        out.append(whole[: whole.index("年度") + 3] + "...")
    for kind, t in blocks:
        if kind == "title":
            continue
        if kind == "table":
            out.append(("\r" * CELL_BREAKS).join(text for row in tables[t] for text, _, _ in row))
        else:
            out.append(t)
    return ("\r" * CELL_BREAKS).join(out) + "\r"


def render_glued(blocks, tables):
    """A web page's text with the table borders lost: each table's cells run
    together on one line (an empty cell, which such text cannot show, printed 0)."""
    out = []
    for kind, t in blocks:
        if kind == "table":
            out.append("".join(text or ("0" if i > 0 and any(c[0] for c in row[:i]) else "")
                               for row in tables[t] for i, (text, _, _) in enumerate(row)))
        else:
            out.append(t)
    return "\n".join(out) + "\n"


def render_mineru(blocks, tables):
    """Markdown as PDF-to-markdown converters (MinerU) write it: headings with #,
    each table one line of HTML with rowspan/colspan."""
    out = []
    for kind, t in blocks:
        if kind == "table":
            rows = "".join(
                "<tr>" + "".join(
                    f"<td{f' rowspan={rs}' if rs > 1 else ''}{f' colspan={cs}' if cs > 1 else ''}>{esc(x)}</td>"
                    for x, rs, cs in row) + "</tr>" for row in tables[t])
            out.append(f"<table>{rows}</table>")
        elif kind == "title":
            out.append("# " + t)
        else:
            out.append(t)
    return "\n\n".join(out) + "\n"


def render_ideographic(blocks, tables):
    """Each table row on a line, its cells (each <td>) separated by one
    ideographic space, so an empty cell leaves two in a row; paragraphs indented
    with two ideographic spaces."""
    out = []
    for kind, t in blocks:
        if kind == "table":
            out.extend("\u3000".join(text for text, _, _ in row) for row in tables[t])
        else:
            out.append("\u3000\u3000" + t)
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------ main


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def main(argv):
    repo = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    corpus = repo / "corpus"
    out = corpus / "web"
    g2019 = tomllib.loads((repo / "grammars" / "f2019.toml").read_text(encoding="utf-8"))
    g2021 = tomllib.loads((repo / "grammars" / "f2021.toml").read_text(encoding="utf-8"))

    # The sample report.
    text = (corpus / f"{SAMPLE}.txt").read_text(encoding="utf-8")
    expected = (corpus / f"{SAMPLE}.expected.csv").read_bytes()
    vals = read_expected(corpus / f"{SAMPLE}.expected.csv")
    blocks = sample_prose(text)
    tables = forms(g2019, vals, signed_plus=True)
    for name, data in [
        (f"{SAMPLE}_word.html", render_word_html(blocks, tables)),
        (f"{SAMPLE}_portal_gbk.html", render_portal(blocks, tables, "gb2312", "2021-01-28").encode("gbk")),
        (f"{SAMPLE}.docx", render_docx(blocks, tables)),
        (f"{SAMPLE}_autonum.docx", render_docx(blocks, tables, autonum=True)),
    ]:
        write(out / name, data)
        write(out / (name.rsplit(".", 1)[0] + ".expected.csv"), expected)

    # The generated 2021 report.
    vals = gen_values(g2021)
    blocks = gen_prose(vals)
    tables = forms(g2021, vals, signed_plus=False)
    expected = gen_expected(g2021, vals)
    for name, data in [
        (f"{GEN}.txt", render_text(blocks, tables)),
        (f"{GEN}_word.html", render_word_html(blocks, tables)),
        (f"{GEN}_portal_gbk.html", render_portal(blocks, tables, "gbk", GEN_PUBLISHED[0]).encode("gbk")),
        (f"{GEN}.docx", render_docx(blocks, tables)),
        (f"{GEN}_cells.txt", render_cell_per_paragraph(blocks, tables)),
        (f"{GEN}_ideographic.txt", render_ideographic(blocks, tables)),
        (f"{GEN}_mineru.md", render_mineru(blocks, tables)),
    ]:
        write(out / name, data)
        write(out / (name.rsplit(".", 1)[0] + ".expected.csv"), expected)
    # Glued text cannot show an empty cell: its blank cells are printed 0.
    glued_vals = {k: (v if v != "" else "0") for k, v in vals.items()}
    write(out / f"{GEN}_glued.txt", render_glued(blocks, forms(g2021, glued_vals, signed_plus=False)))
    write(out / f"{GEN}_glued.expected.csv", gen_expected(g2021, glued_vals))

    # Legacy Word, converted by LibreOffice when it is installed. LibreOffice output
    # is not byte-reproducible, so the .doc is rebuilt only when the .docx it comes
    # from changed (its SHA-256 is kept beside it). Read by tests/web_office.rs.
    legacy = repo / "tests" / "data" / "word" / f"{GEN}.doc"
    source = render_docx(blocks, tables)
    digest = hashlib.sha256(source).hexdigest() + "\n"
    stamp = legacy.with_name(legacy.name + ".source-sha256")
    stale = not legacy.exists() or not stamp.exists() or stamp.read_text() != digest
    if stale and shutil.which("soffice"):
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / f"{GEN}.docx"
            src.write_bytes(source)
            subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                            "--convert-to", "doc", "--outdir", tmp, str(src)],
                           check=True, capture_output=True, timeout=120)
            write(legacy, (Path(tmp) / f"{GEN}.doc").read_bytes())
            write(stamp, digest)
    elif stale:
        print(f"note: {legacy} is stale and LibreOffice is not installed", file=sys.stderr)

if __name__ == "__main__":
    main(sys.argv)
