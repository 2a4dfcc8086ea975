//! Program entrypoint (SBPF only): dispatch on the 8-byte Anchor discriminator.

use crate::{discriminator::ix, error::AmplifyError, instructions};
use pinocchio::{error::ProgramError, AccountView, Address, ProgramResult};

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
    if program_id != &crate::ID {
        return Err(AmplifyError::InvalidProgramAccount.into());
    }
    if data.len() < 8 {
        return Err(AmplifyError::UnknownInstruction.into());
    }
    let (disc, args) = data.split_at(8);
    let disc: [u8; 8] = disc
        .try_into()
        .map_err(|_| ProgramError::from(AmplifyError::UnknownInstruction))?;
    match disc {
        ix::INITIALIZE => instructions::initialize::process(accounts, args),
        _ => Err(AmplifyError::UnknownInstruction.into()),
    }
}
