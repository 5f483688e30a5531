//! Excel workbook output (`--xlsx FILE`), built from the CSV files of an output
//! folder so it works the same after `nianbao merge`.
//!
//! Sheets: reports.csv, one sheet per standard table (tables 2, 3 and 4) with a
//! row per report, and findings.csv, named by `[workbook]` in `common.toml`
//! (`报告`, `主动公开`, `申请`, `复议诉讼`, `检查`). Table sheets have two header
//! rows: the template's labels (`行政许可/本年处理决定数量`) and the canonical keys,
//! so a person can read it and a script can address it. A cell is filled red when an error finding names it
//! (its table, row and column, or its table and row with an empty column).
//!
//! Everything streams: the worksheets run in rust_xlsxwriter's constant-memory mode,
//! and the findings are read in step with `wide.csv` (both sorted by report id), so
//! only one report's error findings are held at a time. A sheet that would pass
//! Excel's row limit continues on `name 2`, `name 3`, ….

use crate::csvfile::{
    open_csv, row_fields, CsvReader, CsvRow, FindingRow, ReportRow, RowReader, WideRow,
};
use crate::grammar::Grammars;
use rust_xlsxwriter::{Color, Format, Workbook, Worksheet, XlsxError};
use std::collections::HashSet;
use std::io;
use std::path::Path;

/// Excel's limits: rows per sheet and characters per cell.
const MAX_ROWS: u32 = 1_048_576;
const MAX_CHARS: usize = 32_767;

fn xerr(e: XlsxError) -> io::Error {
    io::Error::other(e.to_string())
}

/// The fills used.
struct Styles {
    header: Format,
    key: Format,
    error: Format,
    warning: Format,
}

impl Styles {
    fn new() -> Self {
        Styles {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2)),
            key: Format::new()
                .set_font_color(Color::RGB(0x808080))
                .set_background_color(Color::RGB(0xF2F2F2)),
            error: Format::new()
                .set_background_color(Color::RGB(0xFFC7CE))
                .set_font_color(Color::RGB(0x9C0006)),
            warning: Format::new().set_background_color(Color::RGB(0xFFEB9C)),
        }
    }
}

/// A logical sheet that rolls over to a new worksheet at Excel's row limit,
/// repeating its header rows.
struct Sheet {
    name: String,
    headers: Vec<Vec<String>>,
    widths: Vec<f64>,
    freeze: (u32, u16),
    done: Vec<Worksheet>,
    current: Option<Worksheet>,
    row: u32,
}

impl Sheet {
    fn new(name: &str, headers: Vec<Vec<String>>, widths: Vec<f64>, freeze: (u32, u16)) -> Self {
        Sheet {
            name: name.to_string(),
            headers,
            widths,
            freeze,
            done: Vec::new(),
            current: None,
            row: 0,
        }
    }

    /// The worksheet and row index for the next data row.
    fn next_row(&mut self, wb: &mut Workbook, st: &Styles) -> io::Result<(&mut Worksheet, u32)> {
        if self.current.is_none() || self.row >= MAX_ROWS {
            if let Some(ws) = self.current.take() {
                self.done.push(ws);
            }
            let mut ws = wb.new_worksheet_with_constant_memory();
            let n = self.done.len() + 1;
            let name = if n == 1 {
                self.name.clone()
            } else {
                format!("{} {n}", self.name)
            };
            ws.set_name(name).map_err(xerr)?;
            for (c, w) in self.widths.iter().enumerate() {
                ws.set_column_width(col(c)?, *w).map_err(xerr)?;
            }
            for (r, h) in self.headers.iter().enumerate() {
                let fmt = if r == 0 { &st.header } else { &st.key };
                for (c, text) in h.iter().enumerate() {
                    ws.write_string_with_format(r as u32, col(c)?, clip(text), fmt)
                        .map_err(xerr)?;
                }
            }
            ws.set_freeze_panes(self.freeze.0, self.freeze.1)
                .map_err(xerr)?;
            self.row = self.headers.len() as u32;
            self.current = Some(ws);
        }
        let row = self.row;
        self.row += 1;
        let ws = self
            .current
            .as_mut()
            .ok_or_else(|| io::Error::other("no worksheet"))?;
        Ok((ws, row))
    }

    fn finish(mut self, wb: &mut Workbook) {
        if let Some(ws) = self.current.take() {
            self.done.push(ws);
        }
        for ws in self.done {
            wb.push_worksheet(ws);
        }
    }
}

fn col(c: usize) -> io::Result<u16> {
    u16::try_from(c).map_err(|_| io::Error::other("too many columns for Excel"))
}

fn clip(s: &str) -> &str {
    match s.char_indices().nth(MAX_CHARS) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Whether `s` is a canonical number (`-12`, `3.5`), written as a number cell.
fn is_number(s: &str) -> bool {
    let t = s.strip_prefix('-').unwrap_or(s);
    !t.is_empty()
        && t.len() <= 15
        && t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && t.chars().filter(|&c| c == '.').count() <= 1
        && t.chars().next().is_some_and(|c| c.is_ascii_digit())
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    c: usize,
    text: &str,
    numeric: bool,
    fmt: Option<&Format>,
) -> io::Result<()> {
    let c = col(c)?;
    let res = if text.is_empty() {
        // Only a highlighted blank needs a cell at all.
        fmt.map(|f| ws.write_blank(row, c, f).map(|_| ()))
            .unwrap_or(Ok(()))
    } else if numeric && is_number(text) {
        let v: f64 = text.parse().unwrap_or_default();
        match fmt {
            Some(f) => ws.write_number_with_format(row, c, v, f).map(|_| ()),
            None => ws.write_number(row, c, v).map(|_| ()),
        }
    } else {
        match fmt {
            Some(f) => ws
                .write_string_with_format(row, c, clip(text), f)
                .map(|_| ()),
            None => ws.write_string(row, c, clip(text)).map(|_| ()),
        }
    };
    res.map_err(xerr)
}

fn read(reader: &mut CsvReader) -> io::Result<Option<csv::StringRecord>> {
    let mut rec = csv::StringRecord::new();
    Ok(if reader.read_record(&mut rec)? {
        Some(rec)
    } else {
        None
    })
}

/// Writes the workbook `file` from the CSV files in `out_dir`.
pub fn write_workbook(out_dir: &Path, file: &Path, grammars: &Grammars) -> io::Result<()> {
    let st = Styles::new();
    let mut wb = Workbook::new();
    let reports = copy_sheet::<ReportRow>(
        &mut wb,
        &st,
        out_dir,
        &grammars.common.workbook.reports_sheet,
        &["year", "pages", "cells", "repairs", "findings"],
        "status",
    )?;
    let tables = table_sheets(&mut wb, &st, out_dir, grammars)?;
    let findings = copy_sheet::<FindingRow>(
        &mut wb,
        &st,
        out_dir,
        &grammars.common.workbook.findings_sheet,
        &["expected", "actual"],
        "severity",
    )?;
    reports.finish(&mut wb);
    for t in tables {
        t.finish(&mut wb);
    }
    findings.finish(&mut wb);
    wb.save(file).map_err(xerr)
}

/// A sheet holding an output file as it is (its header must be `T`'s); `numeric`
/// columns become numbers and the `flag` column (status or severity) is filled for
/// errors and warnings/partials.
fn copy_sheet<T: CsvRow>(
    wb: &mut Workbook,
    st: &Styles,
    dir: &Path,
    sheet: &str,
    numeric: &[&str],
    flag: &str,
) -> io::Result<Sheet> {
    let path = dir.join(T::FILE);
    let named = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
    let (mut rd, _) = open_csv(&path).map_err(named)?;
    let head: Vec<String> = T::header().iter().map(|h| h.to_string()).collect();
    if read(&mut rd)
        .map_err(named)?
        .is_none_or(|h| h.iter().ne(T::header().iter().copied()))
    {
        return Err(named(io::Error::other(format!(
            "header is not `{}`",
            T::header().join(",")
        ))));
    }
    let numeric: Vec<bool> = head.iter().map(|h| numeric.contains(&h.as_str())).collect();
    let flag = head.iter().position(|h| h == flag);
    let widths = head
        .iter()
        .map(|h| {
            if h == "report" || h == "message" || h == "error" {
                40.0
            } else {
                12.0
            }
        })
        .collect();
    let mut out = Sheet::new(sheet, vec![head], widths, (1, 1));
    while let Some(rec) = read(&mut rd)? {
        let (ws, row) = out.next_row(wb, st)?;
        for (c, text) in rec.iter().enumerate() {
            let fill = match (Some(c) == flag, text) {
                (true, "error") => Some(&st.error),
                (true, "warning" | "partial") => Some(&st.warning),
                _ => None,
            };
            write_cell(
                ws,
                row,
                c,
                text,
                numeric.get(c).copied().unwrap_or(false),
                fill,
            )?;
        }
    }
    Ok(out)
}

/// Error findings of one report: `(table, row, column)`, column empty for a row.
struct Flags {
    cells: HashSet<(String, String, String)>,
}

impl Flags {
    fn flagged(&self, table: &str, row: &str, column: &str) -> bool {
        self.cells
            .contains(&(table.to_string(), row.to_string(), column.to_string()))
            || self
                .cells
                .contains(&(table.to_string(), row.to_string(), String::new()))
    }
}

/// Reads findings.csv in step with another file sorted by report id.
struct FindingCursor {
    reader: RowReader<FindingRow<'static>>,
    next: Option<FindingRow<'static>>,
}

impl FindingCursor {
    fn open(dir: &Path) -> io::Result<Self> {
        let mut reader = RowReader::open_in(dir)?;
        let next = reader.next_row()?;
        Ok(FindingCursor { reader, next })
    }

    /// The error findings of `report`, skipping any of earlier reports.
    fn take(&mut self, report: &str) -> io::Result<Flags> {
        let mut flags = Flags {
            cells: HashSet::new(),
        };
        while let Some(f) = &self.next {
            match f.report.as_ref().cmp(report) {
                std::cmp::Ordering::Greater => break,
                std::cmp::Ordering::Equal
                    if f.severity == "error" && !f.table.is_empty() && !f.row.is_empty() =>
                {
                    flags.cells.insert((
                        f.table.to_string(),
                        f.row.to_string(),
                        f.column.to_string(),
                    ));
                }
                _ => {}
            }
            self.next = self.reader.next_row()?;
        }
        Ok(flags)
    }
}

/// The three table sheets, from one pass over wide.csv.
fn table_sheets(
    wb: &mut Workbook,
    st: &Styles,
    dir: &Path,
    grammars: &Grammars,
) -> io::Result<Vec<Sheet>> {
    let mut rd = RowReader::<WideRow>::open_in(dir)?;
    let keys: Vec<String> = rd.extra_columns().map(str::to_string).collect();
    // For each sheet: the cell keys it shows (by position among the keys), split
    // into (table, row, column).
    // The tables in document order (every template has the same three).
    let ids: Vec<&str> = grammars
        .formats
        .first()
        .map(|f| f.tables.ids().map(|(id, _)| id).to_vec())
        .unwrap_or_default();
    let names = &grammars.common.workbook;
    let mut columns: Vec<Vec<(usize, [String; 3])>> = vec![Vec::new(); ids.len()];
    for (i, key) in keys.iter().enumerate() {
        let parts: Vec<&str> = key.splitn(3, '.').collect();
        let [t, r, c] = parts.as_slice() else {
            continue;
        };
        if let Some(s) = ids.iter().position(|id| id == t) {
            columns[s].push((i, [t.to_string(), r.to_string(), c.to_string()]));
        }
    }
    let mut sheets: Vec<Sheet> = ids
        .iter()
        .zip(&columns)
        .map(|(id, cols)| {
            let mut labels: Vec<String> = WideRow::header()
                .iter()
                .map(|h| names.labels.get(*h).map_or(*h, String::as_str).to_string())
                .collect();
            let mut head: Vec<String> = WideRow::header().iter().map(|s| s.to_string()).collect();
            for (i, [t, r, c]) in cols {
                labels.push(
                    grammars
                        .formats
                        .iter()
                        .find_map(|f| f.key_label(t, r, c))
                        .unwrap_or_else(|| keys[*i].clone()),
                );
                head.push(keys[*i].clone());
            }
            let mut widths = vec![40.0, 20.0, 6.0, 7.0];
            widths.extend(std::iter::repeat_n(14.0, cols.len()));
            Sheet::new(names.table_sheet(id), vec![labels, head], widths, (2, 1))
        })
        .collect();
    let mut findings = FindingCursor::open(dir)?;
    while let Some(w) = rd.next_row()? {
        let flags = findings.take(&w.report)?;
        let values: Vec<&str> = rd.extra_fields().collect();
        let lead = row_fields::<WideRow>(&w)?;
        for (sheet, cols) in sheets.iter_mut().zip(&columns) {
            let (ws, row) = sheet.next_row(wb, st)?;
            for (c, (name, text)) in lead.iter().enumerate() {
                write_cell(ws, row, c, text, *name == "year", None)?;
            }
            for (n, (i, [t, r, c])) in cols.iter().enumerate() {
                let fill = flags.flagged(t, r, c).then_some(&st.error);
                write_cell(
                    ws,
                    row,
                    lead.len() + n,
                    values.get(*i).copied().unwrap_or(""),
                    true,
                    fill,
                )?;
            }
        }
    }
    Ok(sheets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_clipping() {
        assert!(is_number("12") && is_number("-3.5") && is_number("0"));
        assert!(
            !is_number("")
                && !is_number("-")
                && !is_number("1.2.3")
                && !is_number(".5")
                && !is_number("12万")
        );
        let long = "字".repeat(MAX_CHARS + 10);
        assert_eq!(clip(&long).chars().count(), MAX_CHARS);
    }
}
