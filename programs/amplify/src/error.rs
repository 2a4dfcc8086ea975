//! Every error the program returns. Codes start at 6000 (Anchor's custom error
//! range) and are never reused or renumbered: clients match on them. The IDL's
//! `errors` list is checked against [`AmplifyError::ALL`] by `tests/idl.rs`.

use pinocchio::error::ProgramError;

macro_rules! errors {
    ($($name:ident = $code:literal, $msg:literal;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u32)]
        pub enum AmplifyError {
            $($name = $code,)*
        }

        impl AmplifyError {
            /// Every variant, in code order.
            pub const ALL: &'static [AmplifyError] = &[$(AmplifyError::$name,)*];

            pub const fn name(self) -> &'static str {
                match self { $(AmplifyError::$name => stringify!($name),)* }
            }

            pub const fn message(self) -> &'static str {
                match self { $(AmplifyError::$name => $msg,)* }
            }
        }
    };
}

errors! {
    InvalidInstructionData = 6000, "Instruction data is malformed";
    UnknownInstruction = 6001, "Unknown instruction discriminator";
    NotEnoughAccounts = 6002, "Not enough accounts for this instruction";
    MissingSigner = 6003, "A required signer did not sign";
    AccountNotWritable = 6004, "An account that must be writable is read-only";
    InvalidOwner = 6005, "Account is owned by the wrong program";
    InvalidPda = 6006, "Account address does not match its seeds";
    InvalidAccountData = 6007, "Account data is not of the expected type";
    InvalidProgramAccount = 6008, "Wrong program account";
    AlreadyInitialized = 6009, "The protocol is already initialized";
    FeeTooHigh = 6010, "Fee exceeds the hard ceiling of 1000 basis points";
    InvalidMint = 6011, "Not an initialized SPL token mint";
    Unauthorized = 6012, "Signer is not the authority for this account";
    ArithmeticOverflow = 6013, "Arithmetic overflow";
}

impl From<AmplifyError> for ProgramError {
    #[inline(always)]
    fn from(e: AmplifyError) -> Self {
        ProgramError::Custom(e as u32)
    }
}
