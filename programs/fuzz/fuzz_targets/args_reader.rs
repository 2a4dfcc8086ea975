//! `codec::args::Args`, the bounds-checked borsh reader every parser is built
//! from, against a model: a fuzz-chosen sequence of reads over fuzz-chosen
//! bytes. Each read must return exactly the model's value and consume exactly
//! its bytes, or fail exactly where the model runs out (no panic, no read past
//! the end, a lying length refused before anything is read); `finish` succeeds
//! exactly when every byte was consumed.
#![no_main]

use amplify::codec::args::Args;
use amplify::generated::layouts::ReputationParams;
use amplify_fuzz::Cursor;
use libfuzzer_sys::fuzz_target;

/// What the model expects of one read at `at`: the bytes it returns (the
/// value's encoding, or the slice) and where the next read starts.
fn model(op: u8, data: &[u8], at: usize) -> Option<(Vec<u8>, usize)> {
    let fixed = |n: usize| {
        data.get(at..at.checked_add(n)?)
            .map(|b| (b.to_vec(), at + n))
    };
    let prefixed = |size: usize| {
        let n = u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?) as usize;
        let end = (at + 4).checked_add(n.checked_mul(size)?)?;
        data.get(at + 4..end).map(|b| (b.to_vec(), end))
    };
    match op {
        0 => fixed(1),
        1 => fixed(1).filter(|(b, _)| b[0] <= 1),
        2 => fixed(2),
        3 => fixed(4),
        4 | 5 => fixed(8),
        6 => fixed(32),
        7 => prefixed(1),
        8 => prefixed(1).filter(|(b, _)| std::str::from_utf8(b).is_ok()),
        9 => prefixed(4),
        10 => prefixed(80),
        _ => fixed(56),
    }
}

fn read(op: u8, args: &mut Args<'_>) -> Option<Vec<u8>> {
    Some(match op {
        0 => vec![args.u8().ok()?],
        1 => vec![args.bool().ok()? as u8],
        2 => args.u16().ok()?.to_le_bytes().to_vec(),
        3 => args.u32().ok()?.to_le_bytes().to_vec(),
        4 => args.u64().ok()?.to_le_bytes().to_vec(),
        5 => args.i64().ok()?.to_le_bytes().to_vec(),
        6 => args.address().ok()?.as_array().to_vec(),
        7 => args.byte_vec().ok()?.to_vec(),
        8 => args.string().ok()?.as_bytes().to_vec(),
        9 => args.vec_of::<4>().ok()?.concat(),
        10 => args.vec_of::<80>().ok()?.concat(),
        _ => {
            let p: &ReputationParams = args.pod().ok()?;
            // SAFETY: a pod struct of byte arrays, alignment 1.
            unsafe { std::slice::from_raw_parts(p as *const _ as *const u8, 56) }.to_vec()
        }
    })
}

fuzz_target!(|input: &[u8]| {
    let mut c = Cursor::new(input);
    let n = c.u8() % 12;
    let ops: Vec<u8> = (0..n).map(|_| c.u8() % 12).collect();
    let data = c.rest();
    let mut args = Args::new(data);
    let mut at = 0usize;
    for op in ops {
        let want = model(op, data, at);
        // `encoded` keeps the bytes a read consumed: they must be exactly the
        // model's, whatever the read.
        let got = args.encoded(|a| read(op, a).ok_or(pinocchio::error::ProgramError::Custom(0)));
        match (got, want) {
            (Ok(e), Some((value, next))) => {
                assert_eq!(e.value, value, "op {op} at {at}: value");
                assert_eq!(e.raw, &data[at..next], "op {op} at {at}: consumed");
                at = next;
            }
            (Err(_), None) => return, // a parser stops at its first error
            (got, want) => panic!(
                "op {op} at {at}: reader {:?}, model {:?}",
                got.is_ok(),
                want
            ),
        }
    }
    assert_eq!(
        args.finish().is_ok(),
        at == data.len(),
        "finish at {at} of {}",
        data.len()
    );
});
