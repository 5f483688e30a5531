//! Fallback for Type0 fonts whose `/Encoding` is a predefined CJK CMap.
//!
//! pdf-extract 0.12.1 panics on any Type0 font encoded with a predefined CMap
//! other than `Identity-H/V` (`UniGB-UCS2-H`, `GBK-EUC-H`, …), and its parser
//! for embedded CMaps mishandles multi-byte code spaces. Such fonts are common
//! in 公文 typesetting and OFD→PDF output, usually not embedded and without
//! a ToUnicode map, because the CMap name itself says how to read the codes.
//!
//! Before extraction, this module rewrites the in-memory document so that
//! pdf-extract sees only what it supports:
//!
//! 1. Every string shown with such a font is split into codes following the
//!    CMap's code space, each code is decoded to Unicode (UCS-2/UTF-16 codes
//!    are Unicode already; GB/Big5/Shift-JIS/EUC codes go through
//!    `encoding_rs`), and the string is re-encoded as two-byte codes equal to
//!    the UTF-16 code unit of the character.
//! 2. The font's `/Encoding` becomes `Identity-H` (or `-V`), its `/ToUnicode`
//!    a synthesized CMap for the codes actually used, and the descendant
//!    font's `/W` is re-keyed by the new codes (see [`advance`]).
//!
//! For UCS-2 fonts the code bytes do not change, so content streams are only
//! re-encoded when a legacy multi-byte encoding (GBK, …) is involved. The
//! rewritten document is only good for text extraction, not for rendering
//! (CIDs no longer select the right glyphs). Not handled: fonts given as
//! direct objects in resource dictionaries (the extractor's panic is then
//! caught and reported), characters outside the BMP (decoded as missing, so
//! the quality check sees them), and word spacing (`Tw`), which after
//! re-encoding no longer applies to the space character.

use encoding_rs::{Encoding, BIG5, EUC_JP, EUC_KR, GB18030, SHIFT_JIS};
use lopdf::content::Operation;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// How the codes of one predefined CMap are split and decoded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decoder {
    /// `Uni*-UCS2-*`, `Uni*-UTF16-*`: UTF-16BE code units.
    Utf16,
    /// `Uni*-UTF8-*`.
    Utf8,
    /// `Uni*-UTF32-*`: UTF-32BE.
    Utf32,
    /// `GB-H` style 7-bit two-byte codes: GB 2312 rows without the high bit.
    Gb7Bit,
    /// An EUC or Shift-JIS style multi-byte legacy encoding.
    Legacy(&'static Encoding),
}

impl Decoder {
    /// The decoder for a predefined CMap name, if the name is one we can read.
    pub fn for_cmap(name: &str) -> Option<Decoder> {
        let base = name
            .strip_suffix("-H")
            .or_else(|| name.strip_suffix("-V"))?;
        if base.starts_with("Uni") {
            return if base.ends_with("-UCS2") || base.ends_with("-UTF16") {
                Some(Decoder::Utf16)
            } else if base.ends_with("-UTF8") {
                Some(Decoder::Utf8)
            } else if base.ends_with("-UTF32") {
                Some(Decoder::Utf32)
            } else {
                None
            };
        }
        let legacy = match base {
            // GBT-EUC (GB/T 12345, traditional forms) is deliberately absent:
            // decoding it as GBK would give simplified characters.
            "GB" => return Some(Decoder::Gb7Bit),
            "GB-EUC" | "GBpc-EUC" | "GBK-EUC" | "GBKp-EUC" | "GBK2K" => GB18030,
            "B5pc" | "ETen-B5" | "ETenms-B5" | "HKscs-B5" | "HKdla-B5" | "HKdlb-B5"
            | "HKgccs-B5" | "HKm314-B5" | "HKm471-B5" => BIG5,
            "90ms-RKSJ" | "90msp-RKSJ" | "90pv-RKSJ" | "83pv-RKSJ" | "Add-RKSJ" | "Ext-RKSJ"
            | "RKSJ" => SHIFT_JIS,
            "EUC" => EUC_JP,
            "KSC-EUC" | "KSCms-UHC" | "KSCms-UHC-HW" | "KSCpc-EUC" => EUC_KR,
            _ => return None,
        };
        Some(Decoder::Legacy(legacy))
    }

    /// Splits `bytes` into codes and decodes each one. A code that does not
    /// decode to a single BMP character yields `None`.
    pub fn decode(&self, bytes: &[u8]) -> Vec<Option<char>> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let len = self.code_len(&bytes[i..]).min(bytes.len() - i);
            out.push(self.decode_code(&bytes[i..i + len]));
            i += len;
        }
        out
    }

    /// Length in bytes of the code starting `rest` (never zero).
    fn code_len(&self, rest: &[u8]) -> usize {
        let b0 = rest[0];
        let b1 = rest.get(1).copied().unwrap_or(0);
        match self {
            Decoder::Utf16 => {
                let unit = u16::from_be_bytes([b0, b1]);
                if (0xD800..0xDC00).contains(&unit) {
                    4
                } else {
                    2
                }
            }
            Decoder::Utf8 => match b0 {
                0xF0..=0xF7 => 4,
                0xE0..=0xEF => 3,
                0xC0..=0xDF => 2,
                _ => 1,
            },
            Decoder::Utf32 => 4,
            Decoder::Gb7Bit => 2,
            Decoder::Legacy(enc) => legacy_code_len(enc, b0, b1),
        }
    }

    fn decode_code(&self, code: &[u8]) -> Option<char> {
        let s = match self {
            Decoder::Utf16 => {
                let units: Vec<u16> = code
                    .chunks_exact(2)
                    .map(|p| u16::from_be_bytes([p[0], p[1]]))
                    .collect();
                String::from_utf16(&units).ok()?
            }
            Decoder::Utf8 => std::str::from_utf8(code).ok()?.to_string(),
            Decoder::Utf32 => {
                let v = u32::from_be_bytes(code.try_into().ok()?);
                char::from_u32(v)?.to_string()
            }
            Decoder::Gb7Bit => {
                let high: Vec<u8> = code.iter().map(|b| b | 0x80).collect();
                decode_legacy(GB18030, &high)?
            }
            Decoder::Legacy(enc) => decode_legacy(enc, code)?,
        };
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if (c as u32) <= 0xFFFF && c != '\0' => Some(c),
            _ => None,
        }
    }
}

/// Code lengths of the legacy CJK encodings, following their CMaps' code spaces.
fn legacy_code_len(enc: &'static Encoding, b0: u8, b1: u8) -> usize {
    if enc == GB18030 {
        match (b0, b1) {
            (0x81..=0xFE, 0x30..=0x39) => 4,
            (0x81..=0xFE, _) => 2,
            _ => 1,
        }
    } else if enc == SHIFT_JIS {
        match b0 {
            0x81..=0x9F | 0xE0..=0xFC => 2,
            _ => 1,
        }
    } else if enc == EUC_JP {
        match b0 {
            0x8F => 3,
            0x8E | 0xA1..=0xFE => 2,
            _ => 1,
        }
    } else {
        // Big5 and EUC-KR/UHC: lead bytes 0x81–0xFE.
        match b0 {
            0x81..=0xFE => 2,
            _ => 1,
        }
    }
}

fn decode_legacy(enc: &'static Encoding, code: &[u8]) -> Option<String> {
    enc.decode_without_bom_handling_and_without_replacement(code)
        .map(|s| s.into_owned())
}

/// A font that was rewritten, for the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct FontFix {
    pub font: String,
    pub cmap: String,
    /// False if the CMap is unknown: the font was made harmless (no panic)
    /// but its text decodes to nothing, which the quality check reports.
    pub decoded: bool,
}

/// What is known about one font being rewritten.
struct FontPlan {
    decoder: Option<Decoder>,
    used: BTreeSet<u16>,
}

/// Rewrites every Type0 font with a predefined CMap (see the module docs).
/// Returns what was changed; an empty list means the document was left alone.
pub fn repair_predefined_cmaps(doc: &mut Document) -> Vec<FontFix> {
    let mut plans = find_fonts(doc);
    if plans.is_empty() {
        return Vec::new();
    }
    let edits = transcode_content(doc, &mut plans);
    for (target, bytes) in edits {
        apply_edit(doc, target, bytes);
    }
    let mut fixes = Vec::new();
    for (id, plan) in &plans {
        if let Some(fix) = rewrite_font(doc, *id, plan) {
            fixes.push(fix);
        }
    }
    fixes
}

/// Type0 fonts (indirect objects) whose encoding is a CMap name other than Identity.
/// Ordered by object id, so the repairs are listed in the same order on every run.
fn find_fonts(doc: &Document) -> BTreeMap<ObjectId, FontPlan> {
    let mut plans = BTreeMap::new();
    for (&id, obj) in &doc.objects {
        let Ok(dict) = obj.as_dict() else { continue };
        if dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Type0") {
            continue;
        }
        let Some(name) = predefined_cmap_name(doc, dict) else {
            continue;
        };
        plans.insert(
            id,
            FontPlan {
                decoder: Decoder::for_cmap(&name),
                used: BTreeSet::new(),
            },
        );
    }
    plans
}

fn predefined_cmap_name(doc: &Document, font: &Dictionary) -> Option<String> {
    let enc = font.get(b"Encoding").ok()?;
    let (_, enc) = doc.dereference(enc).ok()?;
    let name = String::from_utf8_lossy(enc.as_name().ok()?).into_owned();
    (name != "Identity-H" && name != "Identity-V").then_some(name)
}

/// Where re-encoded content goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    Page(ObjectId),
    Form(ObjectId),
}

/// Walks the content of every page (and the forms they draw), records the
/// characters shown with each planned font, and returns the content streams
/// whose bytes changed.
fn transcode_content(
    doc: &Document,
    plans: &mut BTreeMap<ObjectId, FontPlan>,
) -> Vec<(Target, Vec<u8>)> {
    let mut walker = Walker {
        doc,
        plans,
        edits: Vec::new(),
        seen_forms: HashSet::new(),
    };
    for (_, page_id) in doc.get_pages() {
        let fonts = page_fonts(doc, page_id);
        let resources = page_resources(doc, page_id);
        // Most pages of a document never use the rewritten fonts: their
        // content is not decoded here (pdf-extract decodes it anyway).
        let uses_plan = fonts.values().any(|id| walker.plans.contains_key(id));
        if !uses_plan && !draws_forms(doc, resources) {
            continue;
        }
        // Bounded: a content stream that inflates without end is refused.
        let Ok(content) = pdf_extract::page_content(doc, page_id) else {
            continue;
        };
        walker.walk(Target::Page(page_id), &content, &fonts, resources, 0);
    }
    walker.edits
}

struct Walker<'a, 'p> {
    doc: &'a Document,
    plans: &'p mut BTreeMap<ObjectId, FontPlan>,
    edits: Vec<(Target, Vec<u8>)>,
    seen_forms: HashSet<ObjectId>,
}

/// Forms nested deeper than this are not followed (guards against cycles
/// through direct objects and absurd nesting).
const MAX_FORM_DEPTH: usize = 12;

impl Walker<'_, '_> {
    fn walk(
        &mut self,
        target: Target,
        content: &[u8],
        fonts: &HashMap<Vec<u8>, ObjectId>,
        resources: Option<&Dictionary>,
        depth: usize,
    ) {
        // lopdf's operations, parsed by the patch's faster parser.
        let Ok(mut parsed) = pdf_extract::decode_content(content) else {
            return;
        };
        let mut font: Option<ObjectId> = None;
        let mut saved: Vec<Option<ObjectId>> = Vec::new();
        let mut changed = false;
        for op in &mut parsed.operations {
            match op.operator.as_str() {
                "q" => saved.push(font),
                "Q" => font = saved.pop().unwrap_or(font),
                "Tf" => {
                    font = op
                        .operands
                        .first()
                        .and_then(|n| n.as_name().ok())
                        .and_then(|n| fonts.get(n).copied());
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    if let Some(plan) = font.and_then(|id| self.plans.get_mut(&id)) {
                        changed |= transcode_operation(op, plan);
                    }
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    if let Some(name) = op.operands.first().and_then(|n| n.as_name().ok()) {
                        self.walk_form(name, resources, fonts, depth);
                    }
                }
                _ => {}
            }
        }
        if changed {
            if let Ok(bytes) = parsed.encode() {
                self.edits.push((target, bytes));
            }
        }
    }

    fn walk_form(
        &mut self,
        name: &[u8],
        resources: Option<&Dictionary>,
        fonts: &HashMap<Vec<u8>, ObjectId>,
        depth: usize,
    ) {
        let doc = self.doc;
        let Some(id) = resources
            .and_then(|r| dict_entry(doc, r, b"XObject"))
            .and_then(|x| x.get(name).ok())
            .and_then(|o| o.as_reference().ok())
        else {
            return;
        };
        if !self.seen_forms.insert(id) {
            return;
        }
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            return;
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form") {
            return;
        }
        let Ok(content) = pdf_extract::decode_stream(stream) else {
            return;
        };
        // A form without resources uses those of the page that draws it.
        let own = dict_entry(doc, &stream.dict, b"Resources");
        let form_fonts = own.map(|r| font_map(doc, r));
        let fonts = form_fonts.as_ref().unwrap_or(fonts);
        self.walk(
            Target::Form(id),
            &content,
            fonts,
            own.or(resources),
            depth + 1,
        );
    }
}

/// Re-encodes the string operands of one text-showing operation in place.
/// Returns whether any byte changed.
fn transcode_operation(op: &mut Operation, plan: &mut FontPlan) -> bool {
    let mut changed = false;
    for operand in &mut op.operands {
        match operand {
            Object::String(bytes, format) => changed |= transcode_string(bytes, format, plan),
            Object::Array(items) => {
                for item in items {
                    if let Object::String(bytes, format) = item {
                        changed |= transcode_string(bytes, format, plan);
                    }
                }
            }
            _ => {}
        }
    }
    changed
}

fn transcode_string(bytes: &mut Vec<u8>, format: &mut StringFormat, plan: &mut FontPlan) -> bool {
    let new: Vec<u8> = match plan.decoder {
        Some(decoder) => decoder
            .decode(bytes)
            .into_iter()
            .flat_map(|c| {
                // Code 0 stays unmapped: an undecodable code shows as missing text.
                let unit = c.map_or(0, |c| c as u16);
                if unit != 0 {
                    plan.used.insert(unit);
                }
                unit.to_be_bytes()
            })
            .collect(),
        // Unknown CMap: one empty code per byte keeps the glyph count visible.
        None => bytes.iter().flat_map(|_| [0u8, 0u8]).collect(),
    };
    if new == *bytes {
        return false;
    }
    *bytes = new;
    *format = StringFormat::Hexadecimal;
    true
}

fn apply_edit(doc: &mut Document, target: Target, bytes: Vec<u8>) {
    match target {
        Target::Page(page_id) => {
            let stream = doc.add_object(Stream::new(Dictionary::new(), bytes));
            if let Ok(page) = doc.get_dictionary_mut(page_id) {
                page.set("Contents", Object::Reference(stream));
            }
        }
        Target::Form(id) => {
            if let Ok(stream) = doc.get_object_mut(id).and_then(Object::as_stream_mut) {
                stream.set_plain_content(bytes);
            }
        }
    }
}

/// Points the font at Identity-H/V with a synthesized ToUnicode and re-keyed widths.
fn rewrite_font(doc: &mut Document, id: ObjectId, plan: &FontPlan) -> Option<FontFix> {
    let font = doc.get_dictionary(id).ok()?;
    let cmap = predefined_cmap_name(doc, font)?;
    let base = font
        .get(b"BaseFont")
        .and_then(Object::as_name)
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    let descendant = font
        .get(b"DescendantFonts")
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, a)| a.as_array().ok())
        .and_then(|a| a.first())
        .and_then(|d| d.as_reference().ok());
    let identity = if cmap.ends_with("-V") {
        "Identity-V"
    } else {
        "Identity-H"
    };
    let mut chars: BTreeMap<u16, char> = BTreeMap::new();
    if plan.decoder.is_some() {
        for &u in &plan.used {
            if let Some(c) = char::from_u32(u32::from(u)) {
                chars.insert(u, c);
            }
        }
    }
    let to_unicode = doc.add_object(Stream::new(Dictionary::new(), to_unicode_cmap(&chars)));
    if let Some(desc_id) = descendant {
        if let Ok(desc) = doc.get_dictionary_mut(desc_id) {
            let (old, default) = widths_by_cid(desc);
            desc.set("W", widths_by_code(&chars, &old, default));
        }
    }
    let font = doc.get_dictionary_mut(id).ok()?;
    font.set("Encoding", Object::Name(identity.as_bytes().to_vec()));
    font.set("ToUnicode", Object::Reference(to_unicode));
    Some(FontFix {
        font: base,
        cmap,
        decoded: plan.decoder.is_some(),
    })
}

/// A ToUnicode CMap with one `bfchar` entry per used code.
fn to_unicode_cmap(chars: &BTreeMap<u16, char>) -> Vec<u8> {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CMapName /Nianbao-UTF16 def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&u16, &char)> = chars.iter().collect();
    for chunk in entries.chunks(100) {
        s.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (code, c) in chunk {
            s.push_str(&format!("<{:04X}> <{:04X}>\n", code, **c as u32));
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s.into_bytes()
}

/// The descendant font's widths by CID, and its default width.
fn widths_by_cid(desc: &Dictionary) -> (HashMap<i64, f64>, f64) {
    let default = desc.get(b"DW").ok().and_then(number).unwrap_or(1000.0);
    let mut map = HashMap::new();
    let Ok(w) = desc.get(b"W").and_then(Object::as_array) else {
        return (map, default);
    };
    let mut i = 0;
    while i + 1 < w.len() {
        let Ok(first) = w[i].as_i64() else { break };
        if let Ok(list) = w[i + 1].as_array() {
            for (k, v) in list.iter().enumerate() {
                if let Some(v) = number(v) {
                    map.insert(first + k as i64, v);
                }
            }
            i += 2;
        } else {
            let (Ok(last), Some(v)) = (w[i + 1].as_i64(), w.get(i + 2).and_then(number)) else {
                break;
            };
            for cid in first..=last.min(first + 0xFFFF) {
                map.insert(cid, v);
            }
            i += 3;
        }
    }
    (map, default)
}

fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// A `/W` array keyed by the new codes.
fn widths_by_code(chars: &BTreeMap<u16, char>, old: &HashMap<i64, f64>, default: f64) -> Object {
    let mut w = Vec::new();
    for (&code, &c) in chars {
        let width = advance(c, old, default);
        if width != default {
            w.push(Object::Integer(i64::from(code)));
            w.push(Object::Array(vec![Object::Real(width as f32)]));
        }
    }
    Object::Array(w)
}

/// The advance of `c` in the original font. The CID of a character is not
/// known without the CMap's data, but the Adobe CJK character collections
/// share a layout for ASCII: CIDs 1–95 are the proportional forms of
/// U+0020–U+007E, and Adobe-GB1's EUC CMaps use the half-width forms at
/// 814–907 (space at 7716). Other characters take the default width, which
/// is full width in CJK fonts; ASCII without a known width is half width.
fn advance(c: char, old: &HashMap<i64, f64>, default: f64) -> f64 {
    let u = c as i64;
    if !(0x20..=0x7E).contains(&u) {
        return default;
    }
    let half_width = if u == 0x20 { 7716 } else { 814 + u - 0x21 };
    [u - 0x1F, half_width]
        .iter()
        .find_map(|cid| old.get(cid).copied())
        .unwrap_or(default.min(500.0))
}

/// True if the resources name a form XObject (whose own fonts may be planned).
fn draws_forms(doc: &Document, resources: Option<&Dictionary>) -> bool {
    let Some(xobjects) = resources.and_then(|r| dict_entry(doc, r, b"XObject")) else {
        return false;
    };
    xobjects.iter().any(|(_, o)| {
        doc.dereference(o)
            .ok()
            .and_then(|(_, o)| o.as_stream().ok())
            .is_some_and(|s| s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form"))
    })
}

fn page_resources(doc: &Document, page_id: ObjectId) -> Option<&Dictionary> {
    let page = doc.get_dictionary(page_id).ok()?;
    inherited(doc, page, b"Resources", 0)
}

/// A dictionary entry looked up through the page tree's `/Parent` chain.
fn inherited<'a>(
    doc: &'a Document,
    node: &'a Dictionary,
    key: &[u8],
    depth: usize,
) -> Option<&'a Dictionary> {
    if let Some(d) = dict_entry(doc, node, key) {
        return Some(d);
    }
    if depth > 64 {
        return None;
    }
    let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
    inherited(doc, doc.get_dictionary(parent).ok()?, key, depth + 1)
}

fn dict_entry<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    let o = dict.get(key).ok()?;
    doc.dereference(o).ok()?.1.as_dict().ok()
}

fn page_fonts(doc: &Document, page_id: ObjectId) -> HashMap<Vec<u8>, ObjectId> {
    page_resources(doc, page_id)
        .map(|r| font_map(doc, r))
        .unwrap_or_default()
}

/// Resource name → font object, for fonts given by reference.
fn font_map(doc: &Document, resources: &Dictionary) -> HashMap<Vec<u8>, ObjectId> {
    let Some(fonts) = dict_entry(doc, resources, b"Font") else {
        return HashMap::new();
    };
    fonts
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.as_reference().ok()?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(d: Decoder, bytes: &[u8]) -> String {
        d.decode(bytes)
            .into_iter()
            .map(|c| c.unwrap_or('\u{FFFD}'))
            .collect()
    }

    #[test]
    fn cmap_names() {
        assert_eq!(Decoder::for_cmap("UniGB-UCS2-H"), Some(Decoder::Utf16));
        assert_eq!(Decoder::for_cmap("UniGB-UTF16-V"), Some(Decoder::Utf16));
        assert_eq!(Decoder::for_cmap("UniGB-UTF8-H"), Some(Decoder::Utf8));
        assert_eq!(
            Decoder::for_cmap("GBK-EUC-H"),
            Some(Decoder::Legacy(GB18030))
        );
        assert_eq!(
            Decoder::for_cmap("GB-EUC-H"),
            Some(Decoder::Legacy(GB18030))
        );
        assert_eq!(Decoder::for_cmap("ETen-B5-H"), Some(Decoder::Legacy(BIG5)));
        assert_eq!(Decoder::for_cmap("GBT-EUC-H"), None);
        assert_eq!(Decoder::for_cmap("Adobe-GB1-5"), None);
    }

    #[test]
    fn ucs2_and_utf16() {
        let bytes: Vec<u8> = "政务公开2020"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(text(Decoder::Utf16, &bytes), "政务公开2020");
        // A surrogate pair is one code, outside the BMP, so undecodable.
        assert_eq!(text(Decoder::Utf16, &[0xD8, 0x40, 0xDC, 0x00]), "\u{FFFD}");
    }

    #[test]
    fn gbk_mixes_one_and_two_byte_codes() {
        let (bytes, _, _) = encoding_rs::GBK.encode("第711号（一）");
        let d = Decoder::for_cmap("GBK-EUC-H").unwrap();
        assert_eq!(d.decode(&bytes).len(), 8);
        assert_eq!(text(d, &bytes), "第711号（一）");
        let seven_bit: Vec<u8> = encoding_rs::GBK
            .encode("公开")
            .0
            .iter()
            .map(|b| b & 0x7F)
            .collect();
        assert_eq!(text(Decoder::Gb7Bit, &seven_bit), "公开");
    }

    #[test]
    fn tounicode_cmap_parses_back() {
        let chars: BTreeMap<u16, char> = [(0x653F, '政'), (0x0031, '1')].into_iter().collect();
        let cmap = String::from_utf8(to_unicode_cmap(&chars)).unwrap();
        assert!(cmap.contains("2 beginbfchar\n<0031> <0031>\n<653F> <653F>\nendbfchar"));
    }

    #[test]
    fn ascii_widths_come_from_the_proportional_cids() {
        let old: HashMap<i64, f64> = [(18, 460.0), (7716, 250.0)].into_iter().collect();
        assert_eq!(advance('1', &old, 1000.0), 460.0);
        assert_eq!(advance(' ', &old, 1000.0), 250.0);
        assert_eq!(advance('a', &old, 1000.0), 500.0);
        assert_eq!(advance('政', &old, 1000.0), 1000.0);
    }
}
