//! The cluster's unix time, from the Clock sysvar (syscall), for instructions
//! that do not take the clock account.

use pinocchio::error::ProgramError;

/// `unix_timestamp` of the Clock sysvar (slot, epoch_start_timestamp, epoch,
/// leader_schedule_epoch, unix_timestamp: five 8-byte fields), read alone by
/// `sol_get_sysvar` (110 CU; the whole sysvar by `sol_get_clock_sysvar`, 140).
#[cfg(target_arch = "bpf")]
#[inline(always)]
pub fn now() -> Result<i64, ProgramError> {
    const CLOCK: pinocchio::Address =
        pinocchio::Address::from_str_const("SysvarC1ock11111111111111111111111111111111");
    let mut t = [0u8; 8];
    // SAFETY: `CLOCK` is 32 readable bytes, `t` 8 writable ones: the length
    // asked for.
    let rc = unsafe {
        pinocchio::syscalls::sol_get_sysvar(CLOCK.as_array().as_ptr(), t.as_mut_ptr(), 32, 8)
    };
    if rc != 0 {
        return Err(ProgramError::UnsupportedSysvar);
    }
    Ok(i64::from_le_bytes(t))
}

/// Host builds (unit tests) have no clock.
#[cfg(not(target_arch = "bpf"))]
pub fn now() -> Result<i64, ProgramError> {
    Ok(0)
}
