//! SHA-256 over a list of byte slices (the `sol_sha256` syscall on chain).

/// `sha256(parts[0] || parts[1] || ...)`.
#[cfg(target_arch = "bpf")]
#[inline(always)]
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut out = [0u8; 32];
    // SAFETY: `parts` is a slice of fat pointers, the (ptr, len) array layout the
    // syscall reads; `out` is 32 writable bytes.
    unsafe {
        pinocchio::syscalls::sol_sha256(
            parts.as_ptr() as *const u8,
            parts.len() as u64,
            out.as_mut_ptr(),
        )
    };
    out
}

#[cfg(not(target_arch = "bpf"))]
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}
