//! The frame every page shares: UTF-8, system CJK fonts, one inline style sheet,
//! and a content-security policy that allows no network at all (report pages
//! allow no script either, so even an escaping slip could not run one).

use super::escape::esc;

/// The style sheet, inline in every page so a page works alone (file://, a zip).
pub const CSS: &str = r#"
:root{--ok:#e8f5e9;--fail:#ffcdd2;--blank:#eceff1;--missing:#fff8e1;--ambig:#ffe0b2;--err:#c62828;--warn:#ef6c00;--info:#546e7a;--rep:#1565c0}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 "Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",system-ui,sans-serif;color:#212121;background:#fafafa}
header{background:#263238;color:#fff;padding:.6em 1em}
header a{color:#90caf9}
header h1{font-size:1.25em;margin:.1em 0}
main{padding:.5em 1em 3em}
h2{font-size:1.1em;margin:1.2em 0 .4em;border-bottom:1px solid #cfd8dc}
h3{font-size:1em;margin:.8em 0 .3em}
table{border-collapse:collapse;background:#fff}
th,td{border:1px solid #cfd8dc;padding:2px 6px;vertical-align:top}
th{background:#eceff1;font-weight:600;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;border-radius:3px;padding:0 5px;color:#fff;font-size:.85em}
.s-error,.sev-error{background:var(--err)}.s-partial,.sev-warning{background:var(--warn)}.s-ok{background:#2e7d32}.sev-info{background:var(--info)}
.kind{background:var(--rep)}
.totals span,.summary span{margin-right:1.2em}
.charts{display:flex;flex-wrap:wrap;gap:2em}
.chart{margin:0}.chart text{font-size:12px}
.controls{margin:.5em 0}
.controls input,.controls select,.controls button{font:inherit;margin-right:.5em}
.grid td a,.grid td span{display:block;text-decoration:none;color:inherit;min-width:2.2em;text-align:right}
.grid td.c-ok{background:var(--ok)}.grid td.c-fail{background:var(--fail);font-weight:700}.grid td.c-blank{background:var(--blank);color:#607d8b}
.grid td.c-missing{background:var(--missing);color:#a1887f}.grid td.c-ambig{background:var(--ambig)}.grid td.c-flag{outline:2px solid var(--warn)}
.grid td.grp{background:#f5f5f5}
.grid th.row{font-weight:400;max-width:26em}
.legend span{display:inline-block;padding:0 6px;margin-right:.5em;border:1px solid #cfd8dc}
.text{display:grid;grid-template-columns:minmax(0,1fr) auto;gap:1em}
.lines{font-family:"Noto Sans Mono CJK SC","Sarasa Mono SC",ui-monospace,monospace;white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;border:1px solid #cfd8dc}
.ln{display:flex}
.ln .no{flex:0 0 4.5em;text-align:right;padding-right:.8em;color:#90a4ae;text-decoration:none;user-select:none}
.ln .tx{flex:1}
.ln:target,.note:target,li:target,tr:target{background:#fff59d!important}
.ln.has-rep{background:#e3f2fd}.ln.has-error{background:#ffebee}.ln.has-warning{background:#fff3e0}
.cut{color:#fff;background:#d81b60;padding:0 2px;border-radius:2px;font-weight:700}
.note{white-space:normal;margin:0 0 2px 4.5em;padding:2px 8px;border-left:4px solid var(--rep);background:#f1f8ff;font-family:"Noto Sans CJK SC",sans-serif;font-size:.92em}
.note.finding{border-color:var(--warn);background:#fff8f0}
.note.sev-error-note{border-color:var(--err);background:#fff5f5}
.note code,.list code{background:#eceff1;padding:0 3px}
.before{background:#ffebee}
.after{background:#e8f5e9}
.arith{font-family:ui-monospace,monospace;background:#ffebee;padding:0 4px}
.pageimg img{max-width:420px;border:1px solid #cfd8dc;position:sticky;top:0}
.muted{color:#78909c}
.list li{margin:2px 0}
"#;

/// A complete page. `script` is inline JavaScript for this page (the index's
/// sorting and paging); pages without it forbid scripts altogether.
pub fn page(title: &str, header: &str, body: &str, script: Option<&str>) -> String {
    let script_src = if script.is_some() {
        "'unsafe-inline'"
    } else {
        "'none'"
    };
    let mut out = String::with_capacity(body.len() + CSS.len() + 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-Hans\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' data: file:; style-src 'unsafe-inline'; script-src {script_src}\">\n"
    ));
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!(
        "<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(title)
    ));
    out.push_str("<header>");
    out.push_str(header);
    out.push_str("</header>\n<main>\n");
    out.push_str(body);
    out.push_str("</main>\n");
    if let Some(js) = script {
        out.push_str("<script>");
        out.push_str(js);
        out.push_str("</script>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}
