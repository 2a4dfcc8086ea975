//! The cluster's unix time, from the Clock sysvar (syscall), for instructions
//! that do not take the clock account.

use pinocchio::error::ProgramError;

/// `unix_timestamp` of the Clock sysvar (slot, epoch_start_timestamp, epoch,
/// leader_schedule_epoch, unix_timestamp: five 8-byte fields).
#[cfg(target_arch = "bpf")]
#[inline(always)]
pub fn now() -> Result<i64, ProgramError> {
    let mut clock = [0u64; 5];
    // SAFETY: `clock` is 40 writable bytes, the size of the Clock sysvar.
    #[allow(deprecated)]
    let rc = unsafe { pinocchio::syscalls::sol_get_clock_sysvar(clock.as_mut_ptr() as *mut u8) };
    if rc != 0 {
        return Err(ProgramError::UnsupportedSysvar);
    }
    Ok(clock[4] as i64)
}

/// Host builds (unit tests) have no clock.
#[cfg(not(target_arch = "bpf"))]
pub fn now() -> Result<i64, ProgramError> {
    Ok(0)
}
