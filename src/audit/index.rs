//! The index: one row per report, worst first, with totals and two bar charts
//! (which checks fail most, which repairs are most frequent) as inline SVG.
//! Sorting, filtering and paging are a few lines of plain JavaScript; without
//! JavaScript every row is shown.

use super::escape::esc;
use super::page::page;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One report's row of the index, all from `reports.csv` and `findings.csv`.
#[derive(Debug, Clone, Default)]
pub struct IndexRow {
    pub href: String,
    pub report: String,
    pub agency: String,
    pub year: String,
    pub format: String,
    pub status: String,
    pub cells: String,
    pub repairs: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub error_text: String,
}

/// How many rows the JavaScript shows per page of the index.
pub const PAGE_ROWS: usize = 100;

/// How many bars a chart shows at most (the rest are summed in the last bar), so
/// a chart stays readable whatever the corpus.
pub const MAX_BARS: usize = 15;

fn status_rank(s: &str) -> u8 {
    match s {
        "error" => 0,
        "partial" => 1,
        "ok" => 2,
        _ => 3,
    }
}

/// Worst first: errors, then partial reports, then by error, warning and repair
/// counts; ties by report id so the order is stable.
pub fn sort_worst_first(rows: &mut [IndexRow]) {
    rows.sort_by(|a, b| {
        status_rank(&a.status)
            .cmp(&status_rank(&b.status))
            .then(b.errors.cmp(&a.errors))
            .then(b.warnings.cmp(&a.warnings))
            .then(b.repairs.cmp(&a.repairs))
            .then(a.report.cmp(&b.report))
    });
}

/// A horizontal bar chart as inline SVG.
pub fn bar_chart(title: &str, counts: &BTreeMap<String, usize>, colour: &str) -> String {
    let mut bars: Vec<(String, usize)> = counts.iter().map(|(k, v)| (k.clone(), *v)).collect();
    bars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if bars.len() > MAX_BARS {
        let rest: usize = bars[MAX_BARS - 1..].iter().map(|b| b.1).sum();
        let n = bars.len() - (MAX_BARS - 1);
        bars.truncate(MAX_BARS - 1);
        bars.push((format!("{n} others"), rest));
    }
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (190, 260, 18);
    let h = row_h * bars.len().max(1) + 4;
    let mut s = format!(
        "<figure class=\"chart\"><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">",
        esc(title),
        label_w + bar_w + 60,
        esc(title)
    );
    if bars.is_empty() {
        let _ = write!(s, "<text x=\"0\" y=\"14\">none</text>");
    }
    for (i, (k, v)) in bars.iter().enumerate() {
        let y = i * row_h + 2;
        let w = (v * bar_w).div_ceil(max);
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{}\" y=\"{y}\" width=\"{w}\" height=\"{}\" fill=\"{colour}\"><title>{}: {v}</title></rect><text x=\"{}\" y=\"{}\">{v}</text>",
            label_w - 6,
            y + 13,
            esc(k),
            label_w,
            row_h - 4,
            esc(k),
            label_w + w + 4,
            y + 13
        );
    }
    s.push_str("</svg></figure>");
    s
}

/// Sorting by a column (click its header), a text filter, a status filter and
/// pages of [`PAGE_ROWS`] rows.
const SCRIPT: &str = r#"
(function(){
var tb=document.querySelector('#reports tbody'),rows=[].slice.call(tb.rows),pageRows=+tb.dataset.pageRows,page=0,shown=rows;
var q=document.getElementById('q'),st=document.getElementById('st'),info=document.getElementById('pageinfo');
function apply(){var t=q.value.toLowerCase(),s=st.value;shown=rows.filter(function(r){return (!s||r.dataset.status===s)&&(!t||r.textContent.toLowerCase().indexOf(t)>=0);});
var pages=Math.max(1,Math.ceil(shown.length/pageRows));if(page>=pages)page=pages-1;
rows.forEach(function(r){r.hidden=true;});shown.slice(page*pageRows,(page+1)*pageRows).forEach(function(r){r.hidden=false;});
info.textContent=shown.length+' reports · page '+(page+1)+' of '+pages;}
document.querySelectorAll('#reports th[data-k]').forEach(function(th,i){var dir=1;th.style.cursor='pointer';th.addEventListener('click',function(){var k=th.dataset.k,num=th.dataset.num==='1';dir=-dir;
rows.sort(function(a,b){var x=a.cells[i].dataset.v||a.cells[i].textContent,y=b.cells[i].dataset.v||b.cells[i].textContent;return (num?(+x)-(+y):x.localeCompare(y,'zh'))*dir;});
rows.forEach(function(r){tb.appendChild(r);});page=0;apply();});});
q.addEventListener('input',function(){page=0;apply();});st.addEventListener('change',function(){page=0;apply();});
document.getElementById('prev').addEventListener('click',function(){if(page>0){page--;apply();}});
document.getElementById('next').addEventListener('click',function(){page++;apply();});
document.getElementById('controls').hidden=false;apply();
})();
"#;

/// The index page.
pub fn render(
    rows: &[IndexRow],
    findings_by_check: &BTreeMap<String, usize>,
    repairs_by_kind: &BTreeMap<String, usize>,
    source_dir: &str,
) -> String {
    let count = |s: &str| rows.iter().filter(|r| r.status == s).count();
    let cells: usize = rows
        .iter()
        .filter_map(|r| r.cells.parse::<usize>().ok())
        .sum();
    let repairs: usize = rows.iter().map(|r| r.repairs).sum();
    let (e, w, i) = rows.iter().fold((0, 0, 0), |a, r| {
        (a.0 + r.errors, a.1 + r.warnings, a.2 + r.infos)
    });
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<p class=\"totals\"><span><b>{}</b> reports</span><span><span class=\"badge s-ok\">ok</span> {}</span><span><span class=\"badge s-partial\">partial</span> {}</span><span><span class=\"badge s-error\">error</span> {}</span><span><b>{cells}</b> cells</span><span><b>{repairs}</b> repairs</span><span>findings: <span class=\"badge sev-error\">error</span> {e} <span class=\"badge sev-warning\">warning</span> {w} <span class=\"badge sev-info\">info</span> {i}</span></p>",
        rows.len(),
        count("ok"),
        count("partial"),
        count("error")
    );
    body.push_str("<div class=\"charts\">");
    body.push_str(&bar_chart(
        "Findings by check",
        findings_by_check,
        "#ef6c00",
    ));
    body.push_str(&bar_chart("Repairs by kind", repairs_by_kind, "#1565c0"));
    body.push_str("</div>\n");
    let _ = writeln!(
        body,
        "<div class=\"controls\" id=\"controls\" hidden><input id=\"q\" type=\"search\" placeholder=\"filter: agency, file, check…\" size=\"30\"><select id=\"st\"><option value=\"\">any status</option><option>error</option><option>partial</option><option>ok</option></select><button id=\"prev\" type=\"button\">‹ prev</button><button id=\"next\" type=\"button\">next ›</button> <span id=\"pageinfo\"></span></div>"
    );
    let _ = write!(
        body,
        "<table id=\"reports\"><thead><tr><th data-k=\"report\">report</th><th data-k=\"agency\">agency</th><th data-k=\"year\" data-num=\"1\">year</th><th data-k=\"format\">format</th><th data-k=\"status\" data-num=\"1\">status</th><th data-k=\"cells\" data-num=\"1\">cells</th><th data-k=\"repairs\" data-num=\"1\">repairs</th><th data-k=\"errors\" data-num=\"1\">errors</th><th data-k=\"warnings\" data-num=\"1\">warnings</th><th data-k=\"infos\" data-num=\"1\">info</th></tr></thead>\n<tbody data-page-rows=\"{PAGE_ROWS}\">\n"
    );
    for r in rows {
        let err = if r.error_text.is_empty() {
            String::new()
        } else {
            format!("<br><span class=\"muted\">{}</span>", esc(&r.error_text))
        };
        let _ = writeln!(
            body,
            "<tr data-status=\"{st}\"><td><a href=\"{}\">{}</a>{err}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td data-v=\"{}\"><span class=\"badge s-{st}\">{st}</span></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&r.href),
            esc(&r.report),
            esc(&r.agency),
            esc(&r.year),
            esc(&r.format),
            status_rank(&r.status),
            esc(&r.cells),
            r.repairs,
            r.errors,
            r.warnings,
            r.infos,
            st = esc(&r.status),
        );
    }
    body.push_str("</tbody></table>\n");
    let header = format!(
        "<h1>nianbao audit</h1><div>{} · worst reports first · click a report to see its text, repairs, findings and tables</div>",
        esc(source_dir)
    );
    page("nianbao audit", &header, &body, Some(SCRIPT))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(report: &str, status: &str, errors: usize, warnings: usize) -> IndexRow {
        IndexRow {
            report: report.into(),
            status: status.into(),
            errors,
            warnings,
            ..Default::default()
        }
    }

    #[test]
    fn worst_first() {
        let mut rows = vec![
            row("a", "ok", 0, 1),
            row("b", "partial", 1, 0),
            row("c", "error", 0, 0),
            row("d", "partial", 3, 0),
            row("e", "ok", 0, 2),
        ];
        sort_worst_first(&mut rows);
        let ids: Vec<&str> = rows.iter().map(|r| r.report.as_str()).collect();
        assert_eq!(ids, vec!["c", "d", "b", "e", "a"]);
    }

    #[test]
    fn chart_caps_bars_and_escapes() {
        let mut m = BTreeMap::new();
        for i in 0..30 {
            m.insert(format!("check_{i:02}"), i + 1);
        }
        m.insert("<b>".into(), 1);
        let svg = bar_chart("t", &m, "#000");
        assert_eq!(svg.matches("<rect").count(), MAX_BARS);
        assert!(svg.contains("17 others"));
        assert!(!svg.contains("<b>"));
    }
}
