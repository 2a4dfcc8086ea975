//! The upgradeable BPF loader's accounts, as far as this program reads them,
//! and the two instructions governance makes it run.

use crate::{error::AmplifyError, shared::accounts::BPF_LOADER_UPGRADEABLE_ID};
use pinocchio::{
    cpi::{invoke_signed, Signer},
    error::ProgramError,
    instruction::{InstructionAccount, InstructionView},
    AccountView, Address, ProgramResult,
};

/// This program's ProgramData account: `find_program_address([ID], loader)`,
/// fixed by the program's own address (a host test derives it again). A loader
/// instruction signed by governance must name this account and no other: the
/// loader's `SetAuthority` accepts a buffer just as well.
pub const PROGRAM_DATA_ID: Address =
    Address::from_str_const(match option_env!("AMPLIFY_PROGRAM_DATA_ID") {
        Some(id) => id,
        None => "419WvTJWKgaP85VF1ZWLbtH8JPUe3rFvCJCmGyK5P37L",
    });

// A build for another address must say where its ProgramData is too (a PDA
// cannot be derived at compile time); the build script sets both.
const _: () = assert!(
    option_env!("AMPLIFY_PROGRAM_ID").is_some() == option_env!("AMPLIFY_PROGRAM_DATA_ID").is_some(),
    "AMPLIFY_PROGRAM_ID and AMPLIFY_PROGRAM_DATA_ID are set together (scripts/build-program.sh --program-id)"
);

/// The upgrade authority of `program`, read from its ProgramData: `program` is
/// `tag 2 (u32) || programdata address`, ProgramData is `tag 3 (u32) || slot
/// (u64) || Option<authority>`. None: the program is immutable.
pub fn upgrade_authority(
    program: &AccountView,
    program_data: &AccountView,
) -> Result<Option<Address>, ProgramError> {
    if !program.owned_by(&BPF_LOADER_UPGRADEABLE_ID)
        || !program_data.owned_by(&BPF_LOADER_UPGRADEABLE_ID)
    {
        return Err(AmplifyError::InvalidProgramAccount.into());
    }
    let in_use = |_| ProgramError::from(AmplifyError::DuplicateAccount);
    let p = program.try_borrow().map_err(in_use)?;
    let pd = program_data.try_borrow().map_err(in_use)?;
    let points_here =
        p.len() >= 36 && p[..4] == [2, 0, 0, 0] && p[4..36] == *program_data.address().as_array();
    if !points_here || pd.len() < 45 || pd[..4] != [3, 0, 0, 0] {
        return Err(AmplifyError::InvalidProgramAccount.into());
    }
    match pd[12] {
        0 => Ok(None),
        1 => {
            let mut a = [0u8; 32];
            a.copy_from_slice(&pd[13..45]);
            Ok(Some(Address::new_from_array(a)))
        }
        _ => Err(AmplifyError::InvalidProgramAccount.into()),
    }
}

/// `Upgrade` (loader instruction 3): replace the program's code with the
/// buffer's, signed by `authority` (a PDA of this program).
#[allow(clippy::too_many_arguments)]
pub struct Upgrade<'a> {
    pub program_data: &'a AccountView,
    pub program: &'a AccountView,
    pub buffer: &'a AccountView,
    pub spill: &'a AccountView,
    pub rent: &'a AccountView,
    pub clock: &'a AccountView,
    pub authority: &'a AccountView,
}

impl Upgrade<'_> {
    pub fn invoke_signed(&self, signer: &[Signer]) -> ProgramResult {
        let metas = [
            InstructionAccount::new(self.program_data.address(), true, false),
            InstructionAccount::new(self.program.address(), true, false),
            InstructionAccount::new(self.buffer.address(), true, false),
            InstructionAccount::new(self.spill.address(), true, false),
            InstructionAccount::new(self.rent.address(), false, false),
            InstructionAccount::new(self.clock.address(), false, false),
            InstructionAccount::new(self.authority.address(), false, true),
        ];
        let ix = InstructionView {
            program_id: &BPF_LOADER_UPGRADEABLE_ID,
            data: &[3, 0, 0, 0],
            accounts: &metas,
        };
        invoke_signed(
            &ix,
            &[
                self.program_data,
                self.program,
                self.buffer,
                self.spill,
                self.rent,
                self.clock,
                self.authority,
            ],
            signer,
        )
    }
}

/// `SetAuthority` (loader instruction 4) on a ProgramData account.
pub fn set_authority(
    program_data: &AccountView,
    authority: &AccountView,
    new_authority: &AccountView,
    signer: &[Signer],
) -> ProgramResult {
    let metas = [
        InstructionAccount::new(program_data.address(), true, false),
        InstructionAccount::new(authority.address(), false, true),
        InstructionAccount::new(new_authority.address(), false, false),
    ];
    let ix = InstructionView {
        program_id: &BPF_LOADER_UPGRADEABLE_ID,
        data: &[4, 0, 0, 0],
        accounts: &metas,
    };
    invoke_signed(&ix, &[program_data, authority, new_authority], signer)
}
