//! `shared::x25519`: the keys a sealed box cannot be addressed to.

use crate::shared::x25519::sealable;

/// p = 2^255 - 19 plus `k` (k small), little-endian.
fn p_plus(k: u8) -> [u8; 32] {
    let mut v = [0xff; 32];
    v[0] = 0xed + k;
    v[31] = 0x7f;
    v
}

#[test]
fn low_order_points_in_every_encoding_are_refused() {
    let mut one = [0u8; 32];
    one[0] = 1;
    let mut p_minus_1 = p_plus(0);
    p_minus_1[0] = 0xec;
    let canonical = [[0u8; 32], one, p_minus_1, p_plus(0), p_plus(1)];
    for key in canonical {
        assert!(!sealable(&key));
        let mut high = key;
        high[31] |= 0x80;
        assert!(!sealable(&high), "bit 255 is ignored by X25519");
    }
    // Neighbours are ordinary points (libsodium seals to them).
    let mut two = [0u8; 32];
    two[0] = 2;
    for key in [two, p_plus(2), [0xff; 32]] {
        assert!(sealable(&key));
    }
}
