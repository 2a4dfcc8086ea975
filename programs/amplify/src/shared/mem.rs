//! Memory builtins routed to the runtime's syscalls. With fat LTO the compiler's
//! own `mem*` can be dropped; defining them here keeps the object free of
//! unresolved builtins, and a syscall copy is cheaper than a byte loop.

use pinocchio::syscalls::{sol_memcmp_, sol_memcpy_, sol_memmove_, sol_memset_};

/// # Safety
/// Standard `memcpy` contract.
#[no_mangle]
pub unsafe extern "C" fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: forwarded verbatim; the caller upholds memcpy's contract.
    unsafe { sol_memcpy_(dst, src, n as u64) };
    dst
}

/// # Safety
/// Standard `memmove` contract.
#[no_mangle]
pub unsafe extern "C" fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: forwarded verbatim; the caller upholds memmove's contract.
    unsafe { sol_memmove_(dst, src, n as u64) };
    dst
}

/// # Safety
/// Standard `memset` contract.
#[no_mangle]
pub unsafe extern "C" fn memset(dst: *mut u8, c: i32, n: usize) -> *mut u8 {
    // SAFETY: forwarded verbatim; the caller upholds memset's contract.
    unsafe { sol_memset_(dst, c as u8, n as u64) };
    dst
}

/// # Safety
/// Standard `memcmp` contract.
#[no_mangle]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut result = 0i32;
    // SAFETY: forwarded verbatim; `result` is a valid out pointer.
    unsafe { sol_memcmp_(a, b, n as u64, &mut result) };
    result
}

/// # Safety
/// Standard `bcmp` contract.
#[no_mangle]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: same contract as memcmp.
    unsafe { memcmp(a, b, n) }
}
