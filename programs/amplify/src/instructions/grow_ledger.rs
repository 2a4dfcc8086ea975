//! `grow_ledger(extra_slots: u32)`: add slots to a worker's ledger and extend its
//! item bitmap to the batch's current item count. At most 10 KiB per
//! instruction (the runtime's limit); call again for more.
//!
//! Accounts:
//! 0. `[signer, writable]` payer — must be the ledger's rent payer
//! 1. `[]` batch
//! 2. `[writable]` ledger
//! 3. `[]` system_program

use crate::{
    error::AmplifyError,
    instructions::open_ledger::write_lengths,
    shared::{accounts, args::Args, rent::rent_exempt},
    state::{
        self,
        ledger::{bitmap_for, ledger_size},
        Batch, Layout, Ledger, LedgerHeader,
    },
    ID,
};
use pinocchio::{
    account::MAX_PERMITTED_DATA_INCREASE, address::address_eq, AccountView, ProgramResult, Resize,
};
use pinocchio_system::instructions::Transfer;

pub fn process(accounts: &mut [AccountView], data: &[u8]) -> ProgramResult {
    let ([payer, batch, ledger, system_program], _) = accounts::take::<4>(accounts)?;
    let mut args = Args::new(data);
    let extra_slots = args.u32()?;
    args.finish()?;

    accounts::signer(payer)?;
    accounts::system_program(system_program)?;
    let b = state::load::<Batch>(batch, &ID)?;
    let header = state::load_mut::<LedgerHeader>(ledger, &ID)?;
    if !header.belongs_to(batch, b) {
        return Err(AmplifyError::WrongBatch.into());
    }
    if !address_eq(&header.rent_payer, payer.address()) {
        return Err(AmplifyError::WrongRentPayer.into());
    }
    let old_bitmap = header.bitmap_bytes() as usize;
    let capacity = header
        .capacity()
        .checked_add(extra_slots)
        .ok_or(AmplifyError::ArithmeticOverflow)?;
    let bitmap = old_bitmap.max(bitmap_for(b.item_count()));
    let old_size = ledger.data_len();
    let new_size = ledger_size(bitmap, capacity as usize);
    if new_size.saturating_sub(old_size) > MAX_PERMITTED_DATA_INCREASE {
        return Err(AmplifyError::LedgerTooLarge.into());
    }
    let shortfall = rent_exempt(new_size)?.saturating_sub(ledger.lamports());
    if shortfall > 0 {
        Transfer {
            from: payer,
            to: ledger,
            lamports: shortfall,
        }
        .invoke()?;
    }
    ledger.resize(new_size)?;

    // SAFETY: no other view of the ledger data is alive (`header` is not used
    // again), and the region is `new_size` bytes long after the resize.
    let data = unsafe { ledger.borrow_unchecked_mut() };
    if bitmap > old_bitmap {
        // Shift the slot vector (length prefix included) right to make room for
        // the larger bitmap, then clear the bytes it leaves behind.
        let from = LedgerHeader::LEN
            .saturating_add(4)
            .saturating_add(old_bitmap);
        let to = LedgerHeader::LEN.saturating_add(4).saturating_add(bitmap);
        let len = old_size.saturating_sub(from);
        data.copy_within(from..from.saturating_add(len), to);
        data[from..to].fill(0);
    }
    write_lengths(data, bitmap, capacity);
    Ledger::view(data).ok_or(AmplifyError::InvalidAccountData)?;
    Ok(())
}
