"""Transaction assembly and error translation shared by the backends."""

from __future__ import annotations

from collections.abc import Sequence

from solders.hash import Hash
from solders.instruction import AccountMeta, Instruction
from solders.keypair import Keypair
from solders.message import Message, MessageV0
from solders.pubkey import Pubkey
from solders.transaction import Transaction
from solders.transaction_status import (
    InstructionErrorCustom,
    TransactionErrorInstructionError,
)

from ..protocol._codecs import events_from_logs
from ..protocol._exceptions import SigningError, TransactionError, TransactionTooLargeError
from ..protocol._program_errors import ERRORS_BY_CODE
from ._backend import Event

#: Solana's packet limit for a serialized transaction.
PACKET_DATA_SIZE = 1232


def build_transaction(
    instructions: Sequence[Instruction],
    signers: Sequence[Keypair],
    payer: Keypair,
    blockhash: Hash,
) -> Transaction:
    """Sign a legacy transaction; refuse one the network would drop for size."""
    unique: dict[bytes, Keypair] = {bytes(payer.pubkey()): payer}
    for s in signers:
        unique.setdefault(bytes(s.pubkey()), s)
    message = Message.new_with_blockhash(list(instructions), payer.pubkey(), blockhash)
    required = message.account_keys[: message.header.num_required_signatures]
    missing = [str(k) for k in required if bytes(k) not in unique]
    if missing:
        raise SigningError(f"missing signatures of {', '.join(missing)}")
    tx = Transaction([unique[bytes(k)] for k in required], message, blockhash)
    size = len(bytes(tx))
    if size > PACKET_DATA_SIZE:
        raise TransactionTooLargeError(
            f"transaction is {size} bytes, over the {PACKET_DATA_SIZE}-byte limit"
        )
    return tx


def transaction_size(instructions: Sequence[Instruction], payer: Keypair, n_signers: int) -> int:
    """Serialized size of a transaction with these instructions and signer count."""
    message = Message.new_with_blockhash(list(instructions), payer.pubkey(), Hash.default())
    # compact-u16 signature count (1 byte below 128) + 64 bytes per signature.
    return 1 + 64 * max(n_signers, message.header.num_required_signatures) + len(bytes(message))


def program_error(code: int, logs: list[str], index: int | None = None) -> TransactionError:
    cls = ERRORS_BY_CODE.get(code)
    if cls is None:
        return TransactionError(f"instruction {index} failed with custom error {code}", logs)
    return cls(logs=logs, instruction_index=index)


def error_from_litesvm(err: object, logs: list[str]) -> TransactionError:
    """Translate a LiteSVM/solders transaction error into the SDK's exceptions."""
    if isinstance(err, TransactionErrorInstructionError):
        inner = err.err
        if isinstance(inner, InstructionErrorCustom):
            return program_error(inner.code, logs, err.index)
        return TransactionError(f"instruction {err.index} failed: {inner}", logs)
    return TransactionError(f"transaction failed: {err}", logs)


def decode_events(logs: list[str], program_id: Pubkey) -> list[Event]:
    """The events `program_id` (our program's deployment) logged."""
    return [Event(name, fields) for name, fields in events_from_logs(logs, program_id)]


def message_instructions(
    message: Message | MessageV0,
    loaded_writable: Sequence[Pubkey] = (),
    loaded_readonly: Sequence[Pubkey] = (),
) -> list[Instruction]:
    """The instructions of a compiled message, with their account metas (signer
    and writable flags from the header; lookup-table addresses from the meta)."""
    h = message.header
    static = list(message.account_keys)
    keys = static + list(loaded_writable) + list(loaded_readonly)
    n_signed = h.num_required_signatures
    signed_writable = n_signed - h.num_readonly_signed_accounts
    unsigned_writable_end = len(static) - h.num_readonly_unsigned_accounts
    n_loaded_writable = len(static) + len(loaded_writable)

    def meta(i: int) -> AccountMeta:
        if i < n_signed:
            writable = i < signed_writable
        elif i < len(static):
            writable = i < unsigned_writable_end
        else:
            writable = i < n_loaded_writable
        return AccountMeta(keys[i], is_signer=i < n_signed, is_writable=writable)

    return [
        Instruction(
            keys[ix.program_id_index], bytes(ix.data), [meta(i) for i in bytes(ix.accounts)]
        )
        for ix in message.instructions
    ]
