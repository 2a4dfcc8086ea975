"""Program errors, generated from idl/amplify.json by scripts/gen_sdk.py. Do not edit."""

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
}

__all__ = [
    "ERRORS_BY_CODE",
    "AccountNotWritable",
    "AlreadyInitialized",
    "ArithmeticOverflow",
    "FeeTooHigh",
    "InvalidAccountData",
    "InvalidInstructionData",
    "InvalidMint",
    "InvalidOwner",
    "InvalidPda",
    "InvalidProgramAccount",
    "MissingSigner",
    "NotEnoughAccounts",
    "Unauthorized",
    "UnknownInstruction",
]
