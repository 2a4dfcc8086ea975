//! Shared by the fuzz targets: an independent oracle for the generated
//! argument parsers (a strict borsh reader interpreting the IDL itself), and
//! a small byte cursor that turns fuzz input into structured choices.

pub mod parsers;

use serde_json::Value;
use std::sync::OnceLock;

/// The IDL, the one source of truth the parsers were generated from.
pub const IDL_JSON: &str = include_str!("../../../idl/amplify.json");

pub fn idl() -> &'static Value {
    static IDL: OnceLock<Value> = OnceLock::new();
    IDL.get_or_init(|| serde_json::from_str(IDL_JSON).expect("the IDL is JSON"))
}

/// The IDL's instructions, in order: (name, argument fields).
pub fn instructions() -> &'static [(String, Vec<Value>)] {
    static IXS: OnceLock<Vec<(String, Vec<Value>)>> = OnceLock::new();
    IXS.get_or_init(|| {
        idl()["instructions"]
            .as_array()
            .expect("instructions")
            .iter()
            .map(|ix| {
                let args = ix["args"].as_array().cloned().unwrap_or_default();
                (ix["name"].as_str().expect("name").to_string(), args)
            })
            .collect()
    })
}

fn defined(name: &str) -> &'static Value {
    idl()["types"]
        .as_array()
        .expect("types")
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("type {name} not in the IDL"))
}

/// Whether `data` is exactly one strict borsh encoding of `fields`: every
/// byte consumed, bools 0 or 1, strings UTF-8, enum tags in range, vector
/// lengths backed by data.
pub fn valid_fields(fields: &[Value], data: &[u8]) -> bool {
    let mut at = 0usize;
    fields.iter().all(|f| walk(&f["type"], data, &mut at)) && at == data.len()
}

/// Bytes one strict borsh value of `ty` takes at the start of `data`, if valid.
pub fn value_len(ty: &Value, data: &[u8]) -> Option<usize> {
    let mut at = 0usize;
    walk(ty, data, &mut at).then_some(at)
}

fn take<'a>(data: &'a [u8], at: &mut usize, n: usize) -> Option<&'a [u8]> {
    let end = at.checked_add(n)?;
    let out = data.get(*at..end)?;
    *at = end;
    Some(out)
}

fn len_prefix(data: &[u8], at: &mut usize) -> Option<usize> {
    let b = take(data, at, 4)?;
    Some(u32::from_le_bytes(b.try_into().ok()?) as usize)
}

fn walk(ty: &Value, data: &[u8], at: &mut usize) -> bool {
    match ty {
        Value::String(s) => {
            let size = match s.as_str() {
                "u8" | "i8" => 1,
                "u16" | "i16" => 2,
                "u32" | "i32" => 4,
                "u64" | "i64" => 8,
                "u128" | "i128" => 16,
                "pubkey" => 32,
                "bool" => return matches!(take(data, at, 1), Some([0 | 1])),
                "bytes" => {
                    return len_prefix(data, at).is_some_and(|n| take(data, at, n).is_some())
                }
                "string" => {
                    return len_prefix(data, at)
                        .and_then(|n| take(data, at, n))
                        .is_some_and(|b| std::str::from_utf8(b).is_ok())
                }
                other => panic!("unsupported IDL type {other}"),
            };
            take(data, at, size).is_some()
        }
        Value::Object(o) => {
            if let Some(arr) = o.get("array") {
                let n = arr[1].as_u64().expect("array length");
                (0..n).all(|_| walk(&arr[0], data, at))
            } else if let Some(inner) = o.get("vec") {
                // A lying length fails at the first missing element.
                len_prefix(data, at).is_some_and(|n| (0..n).all(|_| walk(inner, data, at)))
            } else if let Some(d) = o.get("defined") {
                let name = d["name"].as_str().expect("defined name");
                let t = &defined(name)["type"];
                match t["kind"].as_str() {
                    Some("struct") => t["fields"]
                        .as_array()
                        .expect("fields")
                        .iter()
                        .all(|f| walk(&f["type"], data, at)),
                    Some("enum") => {
                        let variants = t["variants"].as_array().expect("variants");
                        let Some([tag]) = take(data, at, 1) else {
                            return false;
                        };
                        let Some(v) = variants.get(*tag as usize) else {
                            return false;
                        };
                        v["fields"]
                            .as_array()
                            .map(|fs| fs.iter().all(|f| walk(&f["type"], data, at)))
                            .unwrap_or(true)
                    }
                    other => panic!("unsupported type kind {other:?}"),
                }
            } else {
                panic!("unsupported IDL type {ty}")
            }
        }
        _ => panic!("unsupported IDL type {ty}"),
    }
}

/// Fuzz input read as a stream of choices; runs dry as zeros.
pub struct Cursor<'a> {
    data: &'a [u8],
}

impl<'a> Cursor<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let n = N.min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        out
    }

    pub fn u8(&mut self) -> u8 {
        self.bytes::<1>()[0]
    }

    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.bytes())
    }

    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.bytes())
    }

    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.bytes())
    }

    /// A value in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        let span = hi - lo;
        if span == u64::MAX {
            return self.u64();
        }
        lo + self.u64() % (span + 1)
    }

    /// The rest of the input.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.data)
    }
}
