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
    if !pinocchio::address::address_eq(program_id, &crate::ID) {
        return Err(AmplifyError::InvalidProgramAccount.into());
    }
    if data.len() < 8 {
        return Err(AmplifyError::UnknownInstruction.into());
    }
    let (disc, args) = data.split_at(8);
    let disc: [u8; 8] = disc
        .try_into()
        .map_err(|_| ProgramError::from(AmplifyError::UnknownInstruction))?;
    // One 64-bit compare per arm instead of an 8-byte array compare.
    match u64::from_le_bytes(disc) {
        x if x == u64::from_le_bytes(ix::ACCEPT_TASK) => {
            instructions::accept_task::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::SUBMIT_RESULT) => {
            instructions::submit_result::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::OPEN_LEDGER) => {
            instructions::open_ledger::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::GROW_LEDGER) => {
            instructions::grow_ledger::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::ADD_TASKS) => {
            instructions::add_tasks::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::RELEASE_EXPIRED) => {
            instructions::release_expired::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::RATE_ASSIGNMENT) => {
            instructions::rate_assignment::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::CREATE_PAGE) => {
            instructions::create_page::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::CREATE_BATCH) => {
            instructions::create_batch::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::REGISTER_WORKER) => {
            instructions::register_worker::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::SET_BATCH_PAUSED) => {
            instructions::set_batch_paused::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::CANCEL_BATCH) => {
            instructions::cancel_batch::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::SWEEP_FEES) => {
            instructions::sweep_fees::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::CLOSE_LEDGER) => {
            instructions::close_ledger::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::CLOSE_PAGE) => {
            instructions::close_page::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::CLOSE_BATCH) => {
            instructions::close_batch::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::SET_PAUSED) => {
            instructions::set_paused::process(accounts, args)
        }
        x if x == u64::from_le_bytes(ix::INITIALIZE) => {
            instructions::initialize::process(accounts, args)
        }
        _ => Err(AmplifyError::UnknownInstruction.into()),
    }
}
