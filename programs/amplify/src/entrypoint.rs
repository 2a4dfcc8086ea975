//! Program entrypoint (SBPF only): route by the 8-byte Anchor discriminator.

use crate::{error::AmplifyError, generated::instructions::dispatch};
use pinocchio::{AccountView, Address, ProgramResult};

pinocchio::program_entrypoint!(process_instruction);
pinocchio::no_allocator!();

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // Minimal on purpose: reading the location would pull `core::fmt` in.
    // SAFETY: plain syscalls with a static message.
    unsafe {
        pinocchio::syscalls::sol_log_(b"panic".as_ptr(), 5);
        pinocchio::syscalls::abort()
    }
}

fn process_instruction(
    program_id: &Address,
    accounts: &mut [AccountView],
    data: &[u8],
) -> ProgramResult {
    if !pinocchio::address::address_eq(program_id, &crate::ID) {
        return Err(AmplifyError::InvalidProgramAccount.into());
    }
    dispatch(accounts, data)
}
