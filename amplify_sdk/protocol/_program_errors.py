"""Program errors, generated from idl/amplify.json by scripts/gen.py. Do not edit."""

from __future__ import annotations

from ._exceptions import ProgramError


class InvalidInstructionData(ProgramError):
    """Instruction data is malformed."""

    code = 6000
    name = "InvalidInstructionData"
    msg = "Instruction data is malformed"


class UnknownInstruction(ProgramError):
    """Unknown instruction discriminator."""

    code = 6001
    name = "UnknownInstruction"
    msg = "Unknown instruction discriminator"


class NotEnoughAccounts(ProgramError):
    """Not enough accounts for this instruction."""

    code = 6002
    name = "NotEnoughAccounts"
    msg = "Not enough accounts for this instruction"


class MissingSigner(ProgramError):
    """A required signer did not sign."""

    code = 6003
    name = "MissingSigner"
    msg = "A required signer did not sign"


class AccountNotWritable(ProgramError):
    """An account that must be writable is read-only."""

    code = 6004
    name = "AccountNotWritable"
    msg = "An account that must be writable is read-only"


class InvalidOwner(ProgramError):
    """Account is owned by the wrong program."""

    code = 6005
    name = "InvalidOwner"
    msg = "Account is owned by the wrong program"


class InvalidPda(ProgramError):
    """Account address does not match its seeds."""

    code = 6006
    name = "InvalidPda"
    msg = "Account address does not match its seeds"


class InvalidAccountData(ProgramError):
    """Account data is not of the expected type."""

    code = 6007
    name = "InvalidAccountData"
    msg = "Account data is not of the expected type"


class InvalidProgramAccount(ProgramError):
    """Wrong program account."""

    code = 6008
    name = "InvalidProgramAccount"
    msg = "Wrong program account"


class AlreadyInitialized(ProgramError):
    """The protocol is already initialized."""

    code = 6009
    name = "AlreadyInitialized"
    msg = "The protocol is already initialized"


class FeeTooHigh(ProgramError):
    """Fee exceeds the hard ceiling of 1000 basis points."""

    code = 6010
    name = "FeeTooHigh"
    msg = "Fee exceeds the hard ceiling of 1000 basis points"


class InvalidMint(ProgramError):
    """Not an initialized SPL token mint."""

    code = 6011
    name = "InvalidMint"
    msg = "Not an initialized SPL token mint"


class Unauthorized(ProgramError):
    """Signer is not the authority for this account."""

    code = 6012
    name = "Unauthorized"
    msg = "Signer is not the authority for this account"


class ArithmeticOverflow(ProgramError):
    """Arithmetic overflow."""

    code = 6013
    name = "ArithmeticOverflow"
    msg = "Arithmetic overflow"


class ProtocolPaused(ProgramError):
    """The protocol is paused."""

    code = 6014
    name = "ProtocolPaused"
    msg = "The protocol is paused"


class InvalidPrice(ProgramError):
    """Price must be greater than zero."""

    code = 6015
    name = "InvalidPrice"
    msg = "Price must be greater than zero"


class InvalidRedundancy(ProgramError):
    """Redundancy must be 1 to 64."""

    code = 6016
    name = "InvalidRedundancy"
    msg = "Redundancy must be 1 to 64"


class InvalidExpiry(ProgramError):
    """Expiry must be in the future."""

    code = 6017
    name = "InvalidExpiry"
    msg = "Expiry must be in the future"


class InvalidReservation(ProgramError):
    """Reservation timeout and active limit must be at least 1."""

    code = 6018
    name = "InvalidReservation"
    msg = "Reservation timeout and active limit must be at least 1"


class InvalidMinRating(ProgramError):
    """Minimum rating must be at most 5000 milli-stars."""

    code = 6019
    name = "InvalidMinRating"
    msg = "Minimum rating must be at most 5000 milli-stars"


class UriTooLong(ProgramError):
    """Base URI is longer than 200 bytes."""

    code = 6020
    name = "UriTooLong"
    msg = "Base URI is longer than 200 bytes"


class BatchCancelled(ProgramError):
    """The batch is cancelled."""

    code = 6021
    name = "BatchCancelled"
    msg = "The batch is cancelled"


class BatchPaused(ProgramError):
    """The batch is paused."""

    code = 6022
    name = "BatchPaused"
    msg = "The batch is paused"


class BatchExpired(ProgramError):
    """The batch has expired."""

    code = 6023
    name = "BatchExpired"
    msg = "The batch has expired"


class IndexMismatch(ProgramError):
    """start_index is not the batch's item count; resume from the on-chain count."""

    code = 6024
    name = "IndexMismatch"
    msg = "start_index is not the batch's item count; resume from the on-chain count"


class EmptyTaskList(ProgramError):
    """No items given."""

    code = 6025
    name = "EmptyTaskList"
    msg = "No items given"


class PageFull(ProgramError):
    """(retired in 0.2) Tasks do not fit in this item page."""

    code = 6026
    name = "PageFull"
    msg = "(retired in 0.2) Tasks do not fit in this item page"


class WrongPage(ProgramError):
    """(retired in 0.2) Item page does not belong to this batch and item."""

    code = 6027
    name = "WrongPage"
    msg = "(retired in 0.2) Item page does not belong to this batch and item"


class ItemNotFound(ProgramError):
    """No such item in this batch."""

    code = 6028
    name = "ItemNotFound"
    msg = "No such item in this batch"


class RatingTooLow(ProgramError):
    """Worker rating is below the batch minimum."""

    code = 6029
    name = "RatingTooLow"
    msg = "Worker rating is below the batch minimum"


class ItemFull(ProgramError):
    """Item already has enough workers."""

    code = 6030
    name = "ItemFull"
    msg = "Item already has enough workers"


class AlreadyAccepted(ProgramError):
    """Worker already holds this item."""

    code = 6031
    name = "AlreadyAccepted"
    msg = "Worker already holds this item"


class WorkerCapReached(ProgramError):
    """Worker reached the per-worker cap for this batch."""

    code = 6032
    name = "WorkerCapReached"
    msg = "Worker reached the per-worker cap for this batch"


class NonCanonicalBump(ProgramError):
    """(retired in 0.2) Bump is not the canonical bump for this address."""

    code = 6033
    name = "NonCanonicalBump"
    msg = "(retired in 0.2) Bump is not the canonical bump for this address"


class WrongWorker(ProgramError):
    """Account belongs to another worker."""

    code = 6034
    name = "WrongWorker"
    msg = "Account belongs to another worker"


class WrongBatch(ProgramError):
    """Account belongs to another batch."""

    code = 6035
    name = "WrongBatch"
    msg = "Account belongs to another batch"


class NotReserved(ProgramError):
    """Assignment is not reserved."""

    code = 6036
    name = "NotReserved"
    msg = "Assignment is not reserved"


class NotSubmitted(ProgramError):
    """Assignment has no submitted result."""

    code = 6037
    name = "NotSubmitted"
    msg = "Assignment has no submitted result"


class AlreadyRated(ProgramError):
    """Assignment was already rated."""

    code = 6038
    name = "AlreadyRated"
    msg = "Assignment was already rated"


class InvalidStars(ProgramError):
    """Rating must be 1 to 5 stars."""

    code = 6039
    name = "InvalidStars"
    msg = "Rating must be 1 to 5 stars"


class ReservationActive(ProgramError):
    """Reservation has not expired yet."""

    code = 6040
    name = "ReservationActive"
    msg = "Reservation has not expired yet"


class BatchActive(ProgramError):
    """Batch is still running."""

    code = 6041
    name = "BatchActive"
    msg = "Batch is still running"


class ReservationsOutstanding(ProgramError):
    """Batch has outstanding reservations."""

    code = 6042
    name = "ReservationsOutstanding"
    msg = "Batch has outstanding reservations"


class PagesOutstanding(ProgramError):
    """(retired in 0.2) Batch still has item pages."""

    code = 6043
    name = "PagesOutstanding"
    msg = "(retired in 0.2) Batch still has item pages"


class WrongRentPayer(ProgramError):
    """(retired in 0.2) Rent must return to the account that paid it."""

    code = 6044
    name = "WrongRentPayer"
    msg = "(retired in 0.2) Rent must return to the account that paid it"


class AlreadyExists(ProgramError):
    """Account already exists."""

    code = 6045
    name = "AlreadyExists"
    msg = "Account already exists"


class ResultUriTooLong(ProgramError):
    """Result URI is longer than 200 bytes."""

    code = 6046
    name = "ResultUriTooLong"
    msg = "Result URI is longer than 200 bytes"


class InsufficientDeposit(ProgramError):
    """Batch deposit does not cover the escrow for these tasks; fund the batch first."""

    code = 6047
    name = "InsufficientDeposit"
    msg = "Batch deposit does not cover the escrow for these tasks; fund the batch first"


class LedgerFull(ProgramError):
    """(retired in 0.2) Worker ledger has no free slot or does not cover this item; grow it first."""

    code = 6048
    name = "LedgerFull"
    msg = (
        "(retired in 0.2) Worker ledger has no free slot or does not cover this item; grow it first"
    )


class SlotNotFound(ProgramError):
    """(retired in 0.2) No such slot in this ledger."""

    code = 6049
    name = "SlotNotFound"
    msg = "(retired in 0.2) No such slot in this ledger"


class LedgerActive(ProgramError):
    """(retired in 0.2) Ledger still has reserved slots."""

    code = 6050
    name = "LedgerActive"
    msg = "(retired in 0.2) Ledger still has reserved slots"


class LedgerTooLarge(ProgramError):
    """(retired in 0.2) Ledger growth exceeds 10 KiB in one instruction."""

    code = 6051
    name = "LedgerTooLarge"
    msg = "(retired in 0.2) Ledger growth exceeds 10 KiB in one instruction"


class RosterFull(ProgramError):
    """Batch roster is full and no place is free; the requester must grow it (grow_roster)."""

    code = 6052
    name = "RosterFull"
    msg = "Batch roster is full and no place is free; the requester must grow it (grow_roster)"


class RosterTooLarge(ProgramError):
    """Roster growth exceeds 10 KiB in one instruction or 16383 workers."""

    code = 6053
    name = "RosterTooLarge"
    msg = "Roster growth exceeds 10 KiB in one instruction or 16383 workers"


class TableFull(ProgramError):
    """Tasks do not fit in this task table; initialize the next table."""

    code = 6054
    name = "TableFull"
    msg = "Tasks do not fit in this task table; initialize the next table"


class WrongTable(ProgramError):
    """Task table does not belong to this batch or does not hold these items."""

    code = 6055
    name = "WrongTable"
    msg = "Task table does not belong to this batch or does not hold these items"


class InvalidTable(ProgramError):
    """Task table has the wrong address, size or state."""

    code = 6056
    name = "InvalidTable"
    msg = "Task table has the wrong address, size or state"


class ActiveLimitReached(ProgramError):
    """Worker holds the batch's maximum of active reservations."""

    code = 6057
    name = "ActiveLimitReached"
    msg = "Worker holds the batch's maximum of active reservations"


class InvalidAnswers(ProgramError):
    """Answers must hold 1 to 64 bytes for each item."""

    code = 6058
    name = "InvalidAnswers"
    msg = "Answers must hold 1 to 64 bytes for each item"


class SelfRating(ProgramError):
    """A requester cannot rate its own work."""

    code = 6059
    name = "SelfRating"
    msg = "A requester cannot rate its own work"


class RatingWindowClosed(ProgramError):
    """The rating window of this batch has closed."""

    code = 6060
    name = "RatingWindowClosed"
    msg = "The rating window of this batch has closed"


class BatchNotDone(ProgramError):
    """Batch has reserved or open work; cancel it or wait for expiry."""

    code = 6061
    name = "BatchNotDone"
    msg = "Batch has reserved or open work; cancel it or wait for expiry"


class TablesOutstanding(ProgramError):
    """Every task table of the batch must be closed with it."""

    code = 6062
    name = "TablesOutstanding"
    msg = "Every task table of the batch must be closed with it"


class PriceBelowFee(ProgramError):
    """Price must exceed the protocol fee."""

    code = 6063
    name = "PriceBelowFee"
    msg = "Price must exceed the protocol fee"


class KeyNotDelivered(ProgramError):
    """The item key has not been delivered to this worker yet."""

    code = 6064
    name = "KeyNotDelivered"
    msg = "The item key has not been delivered to this worker yet"


class NotInRoster(ProgramError):
    """Worker has taken no item of this batch."""

    code = 6065
    name = "NotInRoster"
    msg = "Worker has taken no item of this batch"


class DuplicateAccount(ProgramError):
    """The same account was passed in two roles."""

    code = 6066
    name = "DuplicateAccount"
    msg = "The same account was passed in two roles"


class NotEncrypted(ProgramError):
    """The batch is not encrypted."""

    code = 6067
    name = "NotEncrypted"
    msg = "The batch is not encrypted"


class KeyAlreadyDelivered(ProgramError):
    """The item key was already delivered to this worker."""

    code = 6068
    name = "KeyAlreadyDelivered"
    msg = "The item key was already delivered to this worker"


class SealedKeyCountMismatch(ProgramError):
    """Give one sealed key per item."""

    code = 6069
    name = "SealedKeyCountMismatch"
    msg = "Give one sealed key per item"


class InvalidParams(ProgramError):
    """Parameters out of bounds."""

    code = 6070
    name = "InvalidParams"
    msg = "Parameters out of bounds"


class RequesterNotRegistered(ProgramError):
    """The requester has no requester profile: register_requester first."""

    code = 6071
    name = "RequesterNotRegistered"
    msg = "The requester has no requester profile: register_requester first"


class GovernanceActive(ProgramError):
    """Governance decides this now: make a proposal."""

    code = 6072
    name = "GovernanceActive"
    msg = "Governance decides this now: make a proposal"


class NotAuthorityOfProgram(ProgramError):
    """The program's upgrade authority must be the governance PDA."""

    code = 6073
    name = "NotAuthorityOfProgram"
    msg = "The program's upgrade authority must be the governance PDA"


class WrongMint(ProgramError):
    """Not the AMP mint or its token account."""

    code = 6074
    name = "WrongMint"
    msg = "Not the AMP mint or its token account"


class InsufficientStake(ProgramError):
    """Not enough AMP staked."""

    code = 6075
    name = "InsufficientStake"
    msg = "Not enough AMP staked"


class StakeLocked(ProgramError):
    """Stake is locked until the votes it cast have ended."""

    code = 6076
    name = "StakeLocked"
    msg = "Stake is locked until the votes it cast have ended"


class VotingClosed(ProgramError):
    """The vote on this proposal has ended."""

    code = 6077
    name = "VotingClosed"
    msg = "The vote on this proposal has ended"


class VotingActive(ProgramError):
    """The vote on this proposal has not ended."""

    code = 6078
    name = "VotingActive"
    msg = "The vote on this proposal has not ended"


class TimelockActive(ProgramError):
    """The proposal's time lock has not passed."""

    code = 6079
    name = "TimelockActive"
    msg = "The proposal's time lock has not passed"


class ProposalExpired(ProgramError):
    """The proposal expired unexecuted."""

    code = 6080
    name = "ProposalExpired"
    msg = "The proposal expired unexecuted"


class QuorumNotMet(ProgramError):
    """Not enough votes were cast."""

    code = 6081
    name = "QuorumNotMet"
    msg = "Not enough votes were cast"


class ThresholdNotMet(ProgramError):
    """The proposal did not win enough for-votes."""

    code = 6082
    name = "ThresholdNotMet"
    msg = "The proposal did not win enough for-votes"


class ProposalNotActive(ProgramError):
    """The proposal was already executed, defeated or expired."""

    code = 6083
    name = "ProposalNotActive"
    msg = "The proposal was already executed, defeated or expired"


class InvalidChoice(ProgramError):
    """A vote is 0 (for), 1 (against) or 2 (abstain)."""

    code = 6084
    name = "InvalidChoice"
    msg = "A vote is 0 (for), 1 (against) or 2 (abstain)"


class InsufficientHeld(ProgramError):
    """The treasury does not hold that much of its own."""

    code = 6085
    name = "InsufficientHeld"
    msg = "The treasury does not hold that much of its own"


class WrongActionAccounts(ProgramError):
    """The accounts given do not match the proposal's action."""

    code = 6086
    name = "WrongActionAccounts"
    msg = "The accounts given do not match the proposal's action"


class NothingToClaim(ProgramError):
    """Nothing to claim."""

    code = 6087
    name = "NothingToClaim"
    msg = "Nothing to claim"


class InvalidEncryptionKey(ProgramError):
    """The X25519 key is a low-order point: no sealed box can be addressed to it."""

    code = 6088
    name = "InvalidEncryptionKey"
    msg = "The X25519 key is a low-order point: no sealed box can be addressed to it"


class ExpiryTooFar(ProgramError):
    """Expiry is more than 65,534 x reservation_secs ahead: deadlines would round up by more than a
    reservation.
    """

    code = 6089
    name = "ExpiryTooFar"
    msg = "Expiry is more than 65,534 x reservation_secs ahead: deadlines would round up by more than a reservation"


class UnreachableRating(ProgramError):
    """min_rating is above the highest score the reputation formula lets any worker reach under the
    current parameters.
    """

    code = 6090
    name = "UnreachableRating"
    msg = "min_rating is above the highest score the reputation formula lets any worker reach under the current parameters"


class SkillProofRequired(ProgramError):
    """The batch requires skills: accept with accept_skilled_tasks and a proof per required skill."""

    code = 6091
    name = "SkillProofRequired"
    msg = (
        "The batch requires skills: accept with accept_skilled_tasks and a proof per required skill"
    )


class WrongSkill(ProgramError):
    """A skill account is not the skill the batch requires at that place (or not a skill account)."""

    code = 6092
    name = "WrongSkill"
    msg = (
        "A skill account is not the skill the batch requires at that place (or not a skill account)"
    )


class InvalidSkillProof(ProgramError):
    """The skill proof does not lead to the skill's current root for this worker and value."""

    code = 6093
    name = "InvalidSkillProof"
    msg = "The skill proof does not lead to the skill's current root for this worker and value"


class SkillTooLow(ProgramError):
    """The worker's value of a required skill is below the batch's minimum."""

    code = 6094
    name = "SkillTooLow"
    msg = "The worker's value of a required skill is below the batch's minimum"


class MalformedSkillProof(ProgramError):
    """Skill proofs are malformed: per required skill a value (0-100), a depth (at most
    MAX_SKILL_DEPTH) and depth x 20 bytes, nothing left over.
    """

    code = 6095
    name = "MalformedSkillProof"
    msg = "Skill proofs are malformed: per required skill a value (0-100), a depth (at most MAX_SKILL_DEPTH) and depth x 20 bytes, nothing left over"


class InvalidSkillRequirement(ProgramError):
    """A batch requires at most 3 distinct skills, one skill account per minimum, each minimum
    1-100.
    """

    code = 6096
    name = "InvalidSkillRequirement"
    msg = "A batch requires at most 3 distinct skills, one skill account per minimum, each minimum 1-100"


class BatchSkillsOutstanding(ProgramError):
    """The batch requires skills: pass its batch_skills account after its task tables, so that it
    closes with the batch.
    """

    code = 6097
    name = "BatchSkillsOutstanding"
    msg = "The batch requires skills: pass its batch_skills account after its task tables, so that it closes with the batch"


class ItemSettled(ProgramError):
    """The item is settled: its open slots were refunded and no worker can take it."""

    code = 6098
    name = "ItemSettled"
    msg = "The item is settled: its open slots were refunded and no worker can take it"


#: The exception class of each program error code (6000 up).
ERRORS_BY_CODE: dict[int, type[ProgramError]] = {
    InvalidInstructionData.code: InvalidInstructionData,
    UnknownInstruction.code: UnknownInstruction,
    NotEnoughAccounts.code: NotEnoughAccounts,
    MissingSigner.code: MissingSigner,
    AccountNotWritable.code: AccountNotWritable,
    InvalidOwner.code: InvalidOwner,
    InvalidPda.code: InvalidPda,
    InvalidAccountData.code: InvalidAccountData,
    InvalidProgramAccount.code: InvalidProgramAccount,
    AlreadyInitialized.code: AlreadyInitialized,
    FeeTooHigh.code: FeeTooHigh,
    InvalidMint.code: InvalidMint,
    Unauthorized.code: Unauthorized,
    ArithmeticOverflow.code: ArithmeticOverflow,
    ProtocolPaused.code: ProtocolPaused,
    InvalidPrice.code: InvalidPrice,
    InvalidRedundancy.code: InvalidRedundancy,
    InvalidExpiry.code: InvalidExpiry,
    InvalidReservation.code: InvalidReservation,
    InvalidMinRating.code: InvalidMinRating,
    UriTooLong.code: UriTooLong,
    BatchCancelled.code: BatchCancelled,
    BatchPaused.code: BatchPaused,
    BatchExpired.code: BatchExpired,
    IndexMismatch.code: IndexMismatch,
    EmptyTaskList.code: EmptyTaskList,
    PageFull.code: PageFull,
    WrongPage.code: WrongPage,
    ItemNotFound.code: ItemNotFound,
    RatingTooLow.code: RatingTooLow,
    ItemFull.code: ItemFull,
    AlreadyAccepted.code: AlreadyAccepted,
    WorkerCapReached.code: WorkerCapReached,
    NonCanonicalBump.code: NonCanonicalBump,
    WrongWorker.code: WrongWorker,
    WrongBatch.code: WrongBatch,
    NotReserved.code: NotReserved,
    NotSubmitted.code: NotSubmitted,
    AlreadyRated.code: AlreadyRated,
    InvalidStars.code: InvalidStars,
    ReservationActive.code: ReservationActive,
    BatchActive.code: BatchActive,
    ReservationsOutstanding.code: ReservationsOutstanding,
    PagesOutstanding.code: PagesOutstanding,
    WrongRentPayer.code: WrongRentPayer,
    AlreadyExists.code: AlreadyExists,
    ResultUriTooLong.code: ResultUriTooLong,
    InsufficientDeposit.code: InsufficientDeposit,
    LedgerFull.code: LedgerFull,
    SlotNotFound.code: SlotNotFound,
    LedgerActive.code: LedgerActive,
    LedgerTooLarge.code: LedgerTooLarge,
    RosterFull.code: RosterFull,
    RosterTooLarge.code: RosterTooLarge,
    TableFull.code: TableFull,
    WrongTable.code: WrongTable,
    InvalidTable.code: InvalidTable,
    ActiveLimitReached.code: ActiveLimitReached,
    InvalidAnswers.code: InvalidAnswers,
    SelfRating.code: SelfRating,
    RatingWindowClosed.code: RatingWindowClosed,
    BatchNotDone.code: BatchNotDone,
    TablesOutstanding.code: TablesOutstanding,
    PriceBelowFee.code: PriceBelowFee,
    KeyNotDelivered.code: KeyNotDelivered,
    NotInRoster.code: NotInRoster,
    DuplicateAccount.code: DuplicateAccount,
    NotEncrypted.code: NotEncrypted,
    KeyAlreadyDelivered.code: KeyAlreadyDelivered,
    SealedKeyCountMismatch.code: SealedKeyCountMismatch,
    InvalidParams.code: InvalidParams,
    RequesterNotRegistered.code: RequesterNotRegistered,
    GovernanceActive.code: GovernanceActive,
    NotAuthorityOfProgram.code: NotAuthorityOfProgram,
    WrongMint.code: WrongMint,
    InsufficientStake.code: InsufficientStake,
    StakeLocked.code: StakeLocked,
    VotingClosed.code: VotingClosed,
    VotingActive.code: VotingActive,
    TimelockActive.code: TimelockActive,
    ProposalExpired.code: ProposalExpired,
    QuorumNotMet.code: QuorumNotMet,
    ThresholdNotMet.code: ThresholdNotMet,
    ProposalNotActive.code: ProposalNotActive,
    InvalidChoice.code: InvalidChoice,
    InsufficientHeld.code: InsufficientHeld,
    WrongActionAccounts.code: WrongActionAccounts,
    NothingToClaim.code: NothingToClaim,
    InvalidEncryptionKey.code: InvalidEncryptionKey,
    ExpiryTooFar.code: ExpiryTooFar,
    UnreachableRating.code: UnreachableRating,
    SkillProofRequired.code: SkillProofRequired,
    WrongSkill.code: WrongSkill,
    InvalidSkillProof.code: InvalidSkillProof,
    SkillTooLow.code: SkillTooLow,
    MalformedSkillProof.code: MalformedSkillProof,
    InvalidSkillRequirement.code: InvalidSkillRequirement,
    BatchSkillsOutstanding.code: BatchSkillsOutstanding,
    ItemSettled.code: ItemSettled,
}

__all__ = [
    "ERRORS_BY_CODE",
    "AccountNotWritable",
    "ActiveLimitReached",
    "AlreadyAccepted",
    "AlreadyExists",
    "AlreadyInitialized",
    "AlreadyRated",
    "ArithmeticOverflow",
    "BatchActive",
    "BatchCancelled",
    "BatchExpired",
    "BatchNotDone",
    "BatchPaused",
    "BatchSkillsOutstanding",
    "DuplicateAccount",
    "EmptyTaskList",
    "ExpiryTooFar",
    "FeeTooHigh",
    "GovernanceActive",
    "IndexMismatch",
    "InsufficientDeposit",
    "InsufficientHeld",
    "InsufficientStake",
    "InvalidAccountData",
    "InvalidAnswers",
    "InvalidChoice",
    "InvalidEncryptionKey",
    "InvalidExpiry",
    "InvalidInstructionData",
    "InvalidMinRating",
    "InvalidMint",
    "InvalidOwner",
    "InvalidParams",
    "InvalidPda",
    "InvalidPrice",
    "InvalidProgramAccount",
    "InvalidRedundancy",
    "InvalidReservation",
    "InvalidSkillProof",
    "InvalidSkillRequirement",
    "InvalidStars",
    "InvalidTable",
    "ItemFull",
    "ItemNotFound",
    "ItemSettled",
    "KeyAlreadyDelivered",
    "KeyNotDelivered",
    "LedgerActive",
    "LedgerFull",
    "LedgerTooLarge",
    "MalformedSkillProof",
    "MissingSigner",
    "NonCanonicalBump",
    "NotAuthorityOfProgram",
    "NotEncrypted",
    "NotEnoughAccounts",
    "NotInRoster",
    "NotReserved",
    "NotSubmitted",
    "NothingToClaim",
    "PageFull",
    "PagesOutstanding",
    "PriceBelowFee",
    "ProposalExpired",
    "ProposalNotActive",
    "ProtocolPaused",
    "QuorumNotMet",
    "RatingTooLow",
    "RatingWindowClosed",
    "RequesterNotRegistered",
    "ReservationActive",
    "ReservationsOutstanding",
    "ResultUriTooLong",
    "RosterFull",
    "RosterTooLarge",
    "SealedKeyCountMismatch",
    "SelfRating",
    "SkillProofRequired",
    "SkillTooLow",
    "SlotNotFound",
    "StakeLocked",
    "TableFull",
    "TablesOutstanding",
    "ThresholdNotMet",
    "TimelockActive",
    "Unauthorized",
    "UnknownInstruction",
    "UnreachableRating",
    "UriTooLong",
    "VotingActive",
    "VotingClosed",
    "WorkerCapReached",
    "WrongActionAccounts",
    "WrongBatch",
    "WrongMint",
    "WrongPage",
    "WrongRentPayer",
    "WrongSkill",
    "WrongTable",
    "WrongWorker",
]
