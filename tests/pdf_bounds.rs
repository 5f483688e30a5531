//! Hostile PDFs built in the test with lopdf: each must end, quickly and
//! within bounded memory, with a document or a per-file error.

use lopdf::{dictionary, Document, Object, ObjectId, Stream};
use nianbao::ingest::pdf::read_pdf;
use nianbao::ingest::{IngestError, IngestOptions};
use nianbao::model::Document as Report;
use std::io::Write;

/// Characters of the test font: code i + 1 shows `CHARS[i]`.
const CHARS: [char; 8] = ['政', '府', '信', '息', '公', '开', '年', '报'];

/// A Type0 font (Identity-H) whose ToUnicode maps codes 1..=8 to [`CHARS`].
fn cjk_font(doc: &mut Document) -> ObjectId {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /T def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n8 beginbfchar\n",
    );
    for (i, c) in CHARS.iter().enumerate() {
        cmap.push_str(&format!("<{:04X}> <{:04X}>\n", i + 1, *c as u32));
    }
    cmap.push_str("endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "Test", "Flags" => 4,
        "FontBBox" => vec![0.into(), 0.into(), 1000.into(), 1000.into()],
        "ItalicAngle" => 0, "Ascent" => 880, "Descent" => -120, "CapHeight" => 700, "StemV" => 80,
    });
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Test",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "FontDescriptor" => descriptor, "DW" => 1000,
    });
    doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Test", "Encoding" => "Identity-H",
        "DescendantFonts" => vec![cid_font.into()], "ToUnicode" => to_unicode,
    })
}

/// `BT /F1 12 Tf x y Td <codes> Tj ET` showing `n` characters of [`CHARS`].
fn show(x: &str, y: &str, n: usize) -> String {
    let codes: String = (0..n)
        .map(|i| format!("{:04X}", i % CHARS.len() + 1))
        .collect();
    format!("BT /F1 12 Tf 1 0 0 1 {x} {y} Tm <{codes}> Tj ET\n")
}

/// A document whose pages have the given content streams and share one font
/// and the XObjects that `xobjects` adds (given the font).
fn build_with(
    contents: &[Vec<u8>],
    xobjects: impl FnOnce(&mut Document, ObjectId) -> Option<lopdf::Dictionary>,
) -> Document {
    let mut doc = Document::with_version("1.5");
    let font = cjk_font(&mut doc);
    let mut resources = dictionary! { "Font" => dictionary! { "F1" => font } };
    if let Some(x) = xobjects(&mut doc, font) {
        resources.set("XObject", x);
    }
    let resources = doc.add_object(resources);
    let pages_id = doc.new_object_id();
    let kids: Vec<Object> = contents
        .iter()
        .map(|c| {
            let content = doc.add_object(Stream::new(dictionary! {}, c.clone()));
            doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id, "Contents" => content,
                "Resources" => resources,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            })
            .into()
        })
        .collect();
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    doc
}

fn build(contents: &[Vec<u8>]) -> Document {
    build_with(contents, |_, _| None)
}

fn bytes(mut doc: Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

fn read(doc: Document) -> Result<Report, IngestError> {
    read_pdf(&bytes(doc), &IngestOptions::default())
}

fn longest_line(doc: &Report) -> usize {
    doc.pages
        .iter()
        .flat_map(|p| &p.lines)
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
}

#[test]
fn far_off_page_glyphs_are_moved_to_the_edge_and_counted() {
    for x in ["10000000000000", "-2147483649"] {
        let content = format!("{}{}", show("72", "760", 8), show(x, "700", 1));
        let doc = read(build(&[content.into_bytes()])).expect("read");
        let text: String = doc.pages[0].lines.concat();
        assert!(text.contains("政府信息公开年报"), "{text}");
        // A page is a few hundred columns wide, whatever the glyph's x.
        assert!(longest_line(&doc) < 400, "x = {x}: {}", longest_line(&doc));
        let repair = doc.repairs.iter().find(|r| r.kind == "pdf_off_page_glyphs");
        assert_eq!(
            repair.map(|r| r.before.as_str()),
            Some("1 glyphs"),
            "x = {x}"
        );
        assert_eq!(repair.and_then(|r| r.page), Some(1));
    }
}

#[test]
fn glyphs_on_the_page_are_not_repairs() {
    let doc = read(build(&[show("72", "760", 8).into_bytes()])).expect("read");
    assert!(doc.repairs.iter().all(|r| r.kind != "pdf_off_page_glyphs"));
}

#[test]
fn a_form_that_draws_itself_is_drawn_once() {
    let doc = build_with(&[b"/X0 Do\n".to_vec()], |doc, font| {
        let form_id = doc.new_object_id();
        let form = Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                "Resources" => dictionary! {
                    "Font" => dictionary! { "F1" => font },
                    "XObject" => dictionary! { "X0" => form_id },
                },
            },
            format!("{}/X0 Do\n", show("72", "700", 8)).into_bytes(),
        );
        doc.objects.insert(form_id, Object::Stream(form));
        Some(dictionary! { "X0" => form_id })
    });
    let report = read(doc).expect("read");
    let text: String = report.pages[0].lines.concat();
    assert_eq!(text.matches("政府信息公开年报").count(), 1, "{text}");
}

#[test]
fn a_page_that_is_its_own_parent_ends() {
    let mut doc = build(&[show("72", "760", 8).into_bytes()]);
    let page_id = doc.get_pages()[&1];
    let page = doc.get_dictionary_mut(page_id).unwrap();
    page.set("Parent", page_id);
    // Without resources of its own, the page's resources are looked up
    // through /Parent: the loop must end.
    page.remove(b"Resources");
    let result = read(doc);
    assert!(
        matches!(
            result,
            Err(IngestError::Pdf(_) | IngestError::DamagedPdf(_))
        ),
        "{result:?}"
    );
}

#[test]
fn an_inflate_bomb_is_refused() {
    // 80 MiB of spaces compress to about 80 KB.
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..80 {
        encoder.write_all(&chunk).unwrap();
    }
    let bomb = encoder.finish().unwrap();
    let mut doc = build(&[show("72", "760", 8).into_bytes()]);
    let page_id = doc.get_pages()[&1];
    let content_id = doc.get_page_contents(page_id)[0];
    let stream = Stream::new(dictionary! { "Filter" => "FlateDecode" }, bomb);
    doc.objects.insert(content_id, Object::Stream(stream));
    match read(doc) {
        Err(IngestError::DamagedPdf(m)) => assert!(m.contains("decodes to more than"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn many_pages_are_read() {
    // Pages were walked once per page (quadratic: 10,000 pages took 37 s);
    // scripts/bench_pdf.sh measures the time, this checks the result.
    let contents: Vec<Vec<u8>> = (0..2000)
        .map(|i| show("72", "760", i % 8 + 1).into_bytes())
        .collect();
    let doc = read(build(&contents)).expect("read");
    assert_eq!(doc.pages.len(), 2000);
    assert_eq!(doc.pages[1999].lines.concat(), "政府信息公开年报");
    assert_eq!(doc.pages[0].lines.concat(), "政");
}
