//! X25519 keys a sealed box can be addressed to.
//!
//! A libsodium sealed box multiplies the recipient's key by a fresh clamped
//! scalar (a multiple of 8) and refuses an all-zero result: a point whose
//! order divides 8 always gives one, so a worker registered with such a key can
//! never be sent its item keys (`SealedBox.encrypt` raises). Those points are
//! the five u-coordinates below; X25519 ignores bit 255 and reads u modulo
//! p = 2^255 - 19, so u = p and p + 1 (0 and 1 again) and every one of them
//! with bit 255 set are the same points: 14 encodings, the list libsodium's
//! own `has_small_order` refuses. `tests/test_register_worker.py` derives the
//! list from the curve and checks it against libsodium.

/// The low-order u-coordinates with bit 255 cleared, little-endian.
const LOW_ORDER: [[u8; 32]; 7] = [
    // 0 (order 2)
    [0; 32],
    // 1 (order 4)
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    // 325606250916557431795983626356110631294008115727848805560023387167927233504 (order 8)
    [
        0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4,
        0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49,
        0xb8, 0x00,
    ],
    // 39382357235489614581723060781553021112529911719440698176882885853963445705823 (order 8)
    [
        0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef,
        0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f,
        0x11, 0x57,
    ],
    // p - 1 (order 4, on the twist)
    ff_then(0xec),
    // p: 0 again
    ff_then(0xed),
    // p + 1: 1 again
    ff_then(0xee),
];

/// `first, 0xff × 30, 0x7f`: p - 1, p and p + 1 differ in their first byte.
const fn ff_then(first: u8) -> [u8; 32] {
    let mut k = [0xff; 32];
    k[0] = first;
    k[31] = 0x7f;
    k
}

/// The key as four little-endian words, bit 255 cleared (X25519 ignores it).
#[inline(always)]
fn words(key: &[u8; 32]) -> [u64; 4] {
    let word = |i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&key[i..i.saturating_add(8)]);
        u64::from_le_bytes(w)
    };
    [word(0), word(8), word(16), word(24) & !(1u64 << 63)]
}

/// Whether a sealed box can be addressed to `key`: it is not one of the
/// low-order points, in any encoding.
pub fn sealable(key: &[u8; 32]) -> bool {
    let k = words(key);
    !LOW_ORDER.iter().any(|p| words(p) == k)
}
