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
    ProtocolPaused = 6014, "The protocol is paused";
    InvalidPrice = 6015, "Price must be greater than zero";
    InvalidRedundancy = 6016, "Redundancy must be at least 1";
    InvalidExpiry = 6017, "Expiry must be in the future";
    InvalidReservation = 6018, "Reservation timeout must be at least one second";
    InvalidMinRating = 6019, "Minimum rating must be at most 5000 milli-stars";
    UriTooLong = 6020, "Base URI is longer than 200 bytes";
    BatchCancelled = 6021, "The batch is cancelled";
    BatchPaused = 6022, "The batch is paused";
    BatchExpired = 6023, "The batch has expired";
    IndexMismatch = 6024, "start_index is not the batch's item count; resume from the on-chain count";
    EmptyTaskList = 6025, "No tasks given";
    PageFull = 6026, "Tasks do not fit in this item page";
    WrongPage = 6027, "Item page does not belong to this batch and item";
    ItemNotFound = 6028, "No such item in this batch";
    RatingTooLow = 6029, "Worker rating is below the batch minimum";
    ItemFull = 6030, "Item already has enough workers";
    AlreadyAccepted = 6031, "Worker already holds this item";
    WorkerCapReached = 6032, "Worker reached the per-worker cap for this batch";
    NonCanonicalBump = 6033, "Bump is not the canonical bump for this address";
    WrongWorker = 6034, "Account belongs to another worker";
    WrongBatch = 6035, "Account belongs to another batch";
    NotReserved = 6036, "Assignment is not reserved";
    NotSubmitted = 6037, "Assignment has no submitted result";
    AlreadyRated = 6038, "Assignment was already rated";
    InvalidStars = 6039, "Rating must be 1 to 5 stars";
    ReservationActive = 6040, "Reservation has not expired yet";
    BatchActive = 6041, "Batch is still running";
    ReservationsOutstanding = 6042, "Batch has outstanding reservations";
    PagesOutstanding = 6043, "Batch still has item pages";
    WrongRentPayer = 6044, "Rent must return to the account that paid it";
    AlreadyExists = 6045, "Account already exists";
    ResultUriTooLong = 6046, "Result URI is longer than 200 bytes";
    InsufficientDeposit = 6047, "Batch deposit does not cover the escrow for these tasks; fund the batch first";
    LedgerFull = 6048, "Worker ledger has no free slot or does not cover this item; grow it first";
    SlotNotFound = 6049, "No such slot in this ledger";
    LedgerActive = 6050, "Ledger still has reserved slots";
    LedgerTooLarge = 6051, "Ledger growth exceeds 10 KiB in one instruction";
}

impl From<AmplifyError> for ProgramError {
    #[inline(always)]
    fn from(e: AmplifyError) -> Self {
        ProgramError::Custom(e as u32)
    }
}
