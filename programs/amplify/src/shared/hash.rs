//! SHA-256 over a list of byte slices (the `sol_sha256` syscall on chain).

/// `sha256(parts[0] || parts[1] || ...)`.
#[inline(always)]
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut out = [0u8; 32];
    sha256_into(parts, &mut out);
    out
}

/// `sha256` written into `out`: a caller that hashes in a loop keeps its
/// buffers instead of copying a returned array each round.
#[cfg(target_arch = "bpf")]
#[inline(always)]
pub fn sha256_into(parts: &[&[u8]], out: &mut [u8; 32]) {
    // SAFETY: `parts` is a slice of fat pointers, the (ptr, len) array layout the
    // syscall reads; `out` is 32 writable bytes.
    unsafe {
        pinocchio::syscalls::sol_sha256(
            parts.as_ptr() as *const u8,
            parts.len() as u64,
            out.as_mut_ptr(),
        )
    };
}

#[cfg(not(target_arch = "bpf"))]
pub fn sha256_into(parts: &[&[u8]], out: &mut [u8; 32]) {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    *out = h.finalize().into();
}
