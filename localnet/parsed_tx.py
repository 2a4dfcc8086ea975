"""Transactions under `encoding: jsonParsed`, in the shape Agave's RPC gives
them: account keys as `{pubkey, writable, signer, source}`, and each
instruction (top-level and inner) parsed for the programs this node knows
— System, SPL Token (and Token-2022's base instructions), Associated Token
Account, Memo — or else "partially decoded" (`{programId, accounts, data,
stackHeight}`), as Agave leaves a program it has no parser for (Compute
Budget, Amplify, ...). Agave's names and fields are those of its
transaction-status crate (parse_system, parse_token, parse_associated_token,
parse_accounts); tests/validator/test_node_parity.py compares the two.

Not parsed here though Agave parses them: the BPF loaders, Stake, Vote,
Address Lookup Table and Token-2022's extension instructions (shown
partially decoded)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from solders.message import Message, MessageV0
from solders.pubkey import Pubkey
from solders.transaction_metadata import TransactionMetadata

from .codec import b58encode
from .params import JSON
from .tokens import TOKEN_PROGRAMS, token_amount

SYSTEM = Pubkey.from_string("11111111111111111111111111111111")
ASSOCIATED_TOKEN = Pubkey.from_string("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL")
MEMO_PROGRAMS = {
    Pubkey.from_string("Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo"),
    Pubkey.from_string("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr"),
}
UPGRADEABLE_LOADER = Pubkey.from_string("BPFLoaderUpgradeab1e11111111111111111111111")

#: Keys a message can never write (builtin programs and sysvars): Agave shows
#: them read-only whatever the header says (its reserved account keys).
_RESERVED = """
    11111111111111111111111111111111 Vote111111111111111111111111111111111111111
    Stake11111111111111111111111111111111111111 Config1111111111111111111111111111111111111
    BPFLoader1111111111111111111111111111111111 BPFLoader2111111111111111111111111111111111
    BPFLoaderUpgradeab1e11111111111111111111111 LoaderV411111111111111111111111111111111111
    ComputeBudget111111111111111111111111111111 AddressLookupTab1e1111111111111111111111111
    Ed25519SigVerify111111111111111111111111111 KeccakSecp256k11111111111111111111111111111
    Secp256r1SigVerify1111111111111111111111111 ZkE1Gama1Proof11111111111111111111111111111
    ZkTokenProof1111111111111111111111111111111 NativeLoader1111111111111111111111111111111
    Feature111111111111111111111111111111111111 Sysvar1111111111111111111111111111111111111
    SysvarC1ock11111111111111111111111111111111 SysvarEpochRewards1111111111111111111111111
    SysvarEpochSchedu1e111111111111111111111111 SysvarFees111111111111111111111111111111111
    Sysvar1nstructions1111111111111111111111111 SysvarLastRestartS1ot1111111111111111111111
    SysvarRecentB1ockHashes11111111111111111111 SysvarRent111111111111111111111111111111111
    SysvarRewards111111111111111111111111111111 SysvarS1otHashes111111111111111111111111111
    SysvarS1otHistory11111111111111111111111111 SysvarStakeHistory1111111111111111111111111
"""
RESERVED = {Pubkey.from_string(a) for a in _RESERVED.split()}

_AUTHORITY_NAMES = (
    "mintTokens freezeAccount accountOwner closeAccount transferFeeConfig withheldWithdraw "
    "closeMint interestRate permanentDelegate confidentialTransferMint transferHookProgramId "
    "confidentialTransferFeeConfig metadataPointer groupPointer groupMemberPointer "
    "scaledUiAmount pause"
)
_AUTHORITY_TYPES = _AUTHORITY_NAMES.split()
#: Token-2022's ExtensionType, by its u16 value, as Agave names them.
_EXTENSION_NAMES = (
    "uninitialized transferFeeConfig transferFeeAmount mintCloseAuthority "
    "confidentialTransferMint confidentialTransferAccount defaultAccountState immutableOwner "
    "memoTransfer nonTransferable interestBearingConfig cpiGuard permanentDelegate "
    "nonTransferableAccount transferHook transferHookAccount confidentialTransferFeeConfig "
    "confidentialTransferFeeAmount metadataPointer tokenMetadata groupPointer tokenGroup "
    "groupMemberPointer tokenGroupMember confidentialMintBurn scaledUiAmount pausable "
    "pausableAccount"
)
_EXTENSION_TYPES = _EXTENSION_NAMES.split()


class NotParsable(Exception):
    """Data or accounts a parser cannot read: the instruction is shown
    partially decoded, as Agave does."""


def account_keys_json(msg: Message | MessageV0) -> list[JSON]:
    """`accountKeys` of a parsed message (no lookup tables here: every key
    is the transaction's own)."""
    keys = list(msg.account_keys)
    h = msg.header
    signed = h.num_required_signatures
    called = {keys[ix.program_id_index] for ix in msg.instructions}
    # A program called by the message is read-only unless the upgradeable
    # loader is among the keys (Agave's demotion of program ids).
    demote = UPGRADEABLE_LOADER not in keys
    out: list[JSON] = []
    for i, key in enumerate(keys):
        if i < signed:
            writable = i < signed - h.num_readonly_signed_accounts
        else:
            writable = i < len(keys) - h.num_readonly_unsigned_accounts
        writable = writable and key not in RESERVED and not (demote and key in called)
        signer = i < signed
        out.append(
            {"pubkey": str(key), "writable": writable, "signer": signer, "source": "transaction"}
        )
    return out


def instruction_json(
    program: Pubkey, accounts: bytes, data: bytes, keys: Sequence[Pubkey], stack_height: int | None
) -> JSON:
    """One instruction, parsed where this node has a parser for its program."""
    parser = _PARSERS.get(program)
    if parser is not None:
        name, parse = parser
        try:
            if any(i >= len(keys) for i in accounts):
                raise NotParsable
            parsed = parse(data, [keys[i] for i in accounts])
        except NotParsable:
            pass
        else:
            return {
                "program": name,
                "programId": str(program),
                "parsed": parsed,
                "stackHeight": stack_height,
            }
    return {
        "programId": str(program),
        "accounts": [str(keys[i]) for i in accounts if i < len(keys)],
        "data": b58encode(data),
        "stackHeight": stack_height,
    }


def message_json(msg: Message | MessageV0) -> JSON:
    keys = list(msg.account_keys)
    out: dict[str, JSON] = {
        "accountKeys": account_keys_json(msg),
        "recentBlockhash": str(msg.recent_blockhash),
        "instructions": [
            # Top-level instructions are at stack height 1, as in `json`.
            instruction_json(keys[ix.program_id_index], bytes(ix.accounts), bytes(ix.data), keys, 1)
            for ix in msg.instructions
        ],
    }
    if isinstance(msg, MessageV0):
        out["addressTableLookups"] = [
            {
                "accountKey": str(lookup.account_key),
                "writableIndexes": list(bytes(lookup.writable_indexes)),
                "readonlyIndexes": list(bytes(lookup.readonly_indexes)),
            }
            for lookup in msg.address_table_lookups
        ]
    return out


def inner_instructions_json(meta: TransactionMetadata, keys: Sequence[Pubkey]) -> list[JSON]:
    out: list[JSON] = []
    for index, inner in enumerate(meta.inner_instructions()):
        if inner:
            instructions = []
            for i in inner:
                ix = i.instruction()
                program = keys[ix.program_id_index]
                instructions.append(
                    instruction_json(
                        program, bytes(ix.accounts), bytes(ix.data), keys, i.stack_height()
                    )
                )
            out.append({"index": index, "instructions": instructions})
    return out


# -- readers -------------------------------------------------------------------


class _Reader:
    """Little-endian fields of instruction data; NotParsable when short."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def take(self, n: int) -> bytes:
        if self.at + n > len(self.data):
            raise NotParsable
        out = self.data[self.at : self.at + n]
        self.at += n
        return out

    def int(self, n: int) -> int:
        return int.from_bytes(self.take(n), "little")

    def key(self) -> str:
        return str(Pubkey.from_bytes(self.take(32)))

    def bincode_str(self) -> str:
        try:
            return self.take(self.int(8)).decode()
        except UnicodeDecodeError:
            raise NotParsable from None

    def option_key(self) -> str | None:
        """A `COption<Pubkey>` as SPL Token packs it in instructions (a u8 tag)."""
        tag = self.int(1)
        if tag == 0:
            return None
        if tag != 1:
            raise NotParsable
        return self.key()


def _need(accounts: list[Pubkey], n: int) -> list[str]:
    if len(accounts) < n:
        raise NotParsable
    return [str(a) for a in accounts]


# -- System ---------------------------------------------------------------------


def _parse_system(data: bytes, accounts: list[Pubkey]) -> JSON:
    r = _Reader(data)
    tag = r.int(4)
    a = [str(k) for k in accounts]
    info: dict[str, JSON]
    if tag == 0:
        lamports, space, owner = r.int(8), r.int(8), r.key()
        a = _need(accounts, 2)
        kind = "createAccount"
        info = {"source": a[0], "newAccount": a[1], "lamports": lamports, "space": space}
        info["owner"] = owner
    elif tag == 1:
        owner = r.key()
        a = _need(accounts, 1)
        kind, info = "assign", {"account": a[0], "owner": owner}
    elif tag == 2:
        lamports = r.int(8)
        a = _need(accounts, 2)
        kind, info = "transfer", {"source": a[0], "destination": a[1], "lamports": lamports}
    elif tag == 3:
        base, seed, lamports, space, owner = r.key(), r.bincode_str(), r.int(8), r.int(8), r.key()
        a = _need(accounts, 2)
        kind = "createAccountWithSeed"
        info = {"source": a[0], "newAccount": a[1], "base": base, "seed": seed}
        info |= {"lamports": lamports, "space": space, "owner": owner}
    elif tag == 4:
        a = _need(accounts, 3)
        kind = "advanceNonce"
        info = {"nonceAccount": a[0], "recentBlockhashesSysvar": a[1], "nonceAuthority": a[2]}
    elif tag == 5:
        lamports = r.int(8)
        a = _need(accounts, 5)
        kind = "withdrawFromNonce"
        info = {"nonceAccount": a[0], "destination": a[1], "recentBlockhashesSysvar": a[2]}
        info |= {"rentSysvar": a[3], "nonceAuthority": a[4], "lamports": lamports}
    elif tag == 6:
        authority = r.key()
        a = _need(accounts, 3)
        kind = "initializeNonce"
        info = {"nonceAccount": a[0], "recentBlockhashesSysvar": a[1], "rentSysvar": a[2]}
        info["nonceAuthority"] = authority
    elif tag == 7:
        authority = r.key()
        a = _need(accounts, 2)
        kind = "authorizeNonce"
        info = {"nonceAccount": a[0], "nonceAuthority": a[1], "newAuthorized": authority}
    elif tag == 8:
        space = r.int(8)
        a = _need(accounts, 1)
        kind, info = "allocate", {"account": a[0], "space": space}
    elif tag == 9:
        base, seed, space, owner = r.key(), r.bincode_str(), r.int(8), r.key()
        a = _need(accounts, 2)
        kind = "allocateWithSeed"
        info = {"account": a[0], "base": base, "seed": seed, "space": space, "owner": owner}
    elif tag == 10:
        base, seed, owner = r.key(), r.bincode_str(), r.key()
        a = _need(accounts, 2)
        kind = "assignWithSeed"
        info = {"account": a[0], "base": base, "seed": seed, "owner": owner}
    elif tag == 11:
        lamports, seed, owner = r.int(8), r.bincode_str(), r.key()
        a = _need(accounts, 3)
        kind = "transferWithSeed"
        info = {"source": a[0], "sourceBase": a[1], "destination": a[2], "lamports": lamports}
        info |= {"sourceSeed": seed, "sourceOwner": owner}
    elif tag == 12:
        a = _need(accounts, 1)
        kind, info = "upgradeNonce", {"nonceAccount": a[0]}
    else:
        raise NotParsable
    return {"type": kind, "info": info}


# -- SPL Token ------------------------------------------------------------------


def _signers(
    info: dict[str, JSON], accounts: list[str], last: int, single: str, multisig: str
) -> None:
    """The authority at `last`, or a multisig there and its signers after it."""
    if len(accounts) > last + 1:
        info[multisig] = accounts[last]
        info["signers"] = accounts[last + 1 :]
    else:
        info[single] = accounts[last]


#: Instructions of the shape (accounts..., authority) with an amount:
#: tag -> (type, account names before the authority, authority, multisig name).
_AMOUNT_IXS = {
    3: ("transfer", ("source", "destination"), "authority", "multisigAuthority"),
    4: ("approve", ("source", "delegate"), "owner", "multisigOwner"),
    7: ("mintTo", ("mint", "account"), "mintAuthority", "multisigMintAuthority"),
    8: ("burn", ("account", "mint"), "authority", "multisigAuthority"),
}
_CHECKED_IXS = {
    12: ("transferChecked", ("source", "mint", "destination"), "authority", "multisigAuthority"),
    13: ("approveChecked", ("source", "mint", "delegate"), "owner", "multisigOwner"),
    14: ("mintToChecked", ("mint", "account"), "mintAuthority", "multisigMintAuthority"),
    15: ("burnChecked", ("account", "mint"), "authority", "multisigAuthority"),
}
_PLAIN_IXS = {
    5: ("revoke", ("source",), "owner", "multisigOwner"),
    9: ("closeAccount", ("account", "destination"), "owner", "multisigOwner"),
    10: ("freezeAccount", ("account", "mint"), "freezeAuthority", "multisigFreezeAuthority"),
    11: ("thawAccount", ("account", "mint"), "freezeAuthority", "multisigFreezeAuthority"),
}


def _parse_token(data: bytes, accounts: list[Pubkey]) -> JSON:
    r = _Reader(data)
    tag = r.int(1)
    a = [str(k) for k in accounts]
    info: dict[str, JSON]
    if tag in _AMOUNT_IXS or tag in _CHECKED_IXS or tag in _PLAIN_IXS:
        kind, names, single, multisig = (
            _AMOUNT_IXS.get(tag) or _CHECKED_IXS.get(tag) or _PLAIN_IXS[tag]
        )
        # Every one of these needs its accounts and an authority (Agave's
        # counts: 2 for revoke, 3 for the rest, 4 for the checked 3-account ones).
        _need(accounts, len(names) + 1)
        info = dict(zip(names, a, strict=False))
        if tag in _AMOUNT_IXS:
            info["amount"] = str(r.int(8))
        elif tag in _CHECKED_IXS:
            amount, decimals = r.int(8), r.int(1)
            info["tokenAmount"] = token_amount(amount, decimals)
        _signers(info, a, len(names), single, multisig)
        return {"type": kind, "info": info}
    if tag in (0, 20):  # InitializeMint, InitializeMint2
        decimals, authority, freeze = r.int(1), r.key(), r.option_key()
        _need(accounts, 2 if tag == 0 else 1)
        info = {"mint": a[0], "decimals": decimals, "mintAuthority": authority}
        if tag == 0:
            info["rentSysvar"] = a[1]
        if freeze is not None:
            info["freezeAuthority"] = freeze
        return {"type": "initializeMint" if tag == 0 else "initializeMint2", "info": info}
    if tag == 1:
        _need(accounts, 4)
        info = {"account": a[0], "mint": a[1], "owner": a[2], "rentSysvar": a[3]}
        return {"type": "initializeAccount", "info": info}
    if tag == 16:
        owner = r.key()
        _need(accounts, 3)
        info = {"account": a[0], "mint": a[1], "owner": owner, "rentSysvar": a[2]}
        return {"type": "initializeAccount2", "info": info}
    if tag == 18:
        owner = r.key()
        _need(accounts, 2)
        info = {"account": a[0], "mint": a[1], "owner": owner}
        return {"type": "initializeAccount3", "info": info}
    if tag in (2, 19):  # InitializeMultisig, InitializeMultisig2
        m = r.int(1)
        first_signer = 2 if tag == 2 else 1
        _need(accounts, first_signer + 1)
        info = {"multisig": a[0]}
        if tag == 2:
            info["rentSysvar"] = a[1]
        info |= {"signers": a[first_signer:], "m": m}
        return {"type": "initializeMultisig" if tag == 2 else "initializeMultisig2", "info": info}
    if tag == 6:
        kind_index, new = r.int(1), r.option_key()
        if kind_index >= len(_AUTHORITY_TYPES):
            raise NotParsable
        authority_type = _AUTHORITY_TYPES[kind_index]
        _need(accounts, 2)
        owned = "account" if authority_type in ("accountOwner", "closeAccount") else "mint"
        info = {owned: a[0], "authorityType": authority_type, "newAuthority": new}
        _signers(info, a, 1, "authority", "multisigAuthority")
        return {"type": "setAuthority", "info": info}
    if tag in (17, 22):
        _need(accounts, 1)
        kind = "syncNative" if tag == 17 else "initializeImmutableOwner"
        return {"type": kind, "info": {"account": a[0]}}
    if tag == 21:  # GetAccountDataSize, with the extensions the account will have
        if len(data) % 2 != 1:
            raise NotParsable
        values = [int.from_bytes(data[i : i + 2], "little") for i in range(1, len(data), 2)]
        if any(v >= len(_EXTENSION_TYPES) for v in values):
            raise NotParsable
        _need(accounts, 1)
        info = {"mint": a[0]}
        if values:
            info["extensionTypes"] = [_EXTENSION_TYPES[v] for v in values]
        return {"type": "getAccountDataSize", "info": info}
    if tag == 23:
        amount = r.int(8)
        _need(accounts, 1)
        return {"type": "amountToUiAmount", "info": {"mint": a[0], "amount": str(amount)}}
    if tag == 24:
        try:
            ui_amount = data[1:].decode()
        except UnicodeDecodeError:
            raise NotParsable from None
        _need(accounts, 1)
        return {"type": "uiAmountToAmount", "info": {"mint": a[0], "uiAmount": ui_amount}}
    raise NotParsable


# -- Associated Token Account, Memo --------------------------------------------------


def _parse_associated_token(data: bytes, accounts: list[Pubkey]) -> JSON:
    tag = data[0] if data else 0
    if len(data) > 1 or tag > 2:
        raise NotParsable
    if tag == 2:
        a = _need(accounts, 7)
        names = ("nestedSource", "nestedMint", "destination", "nestedOwner", "ownerMint")
        info = dict(zip((*names, "wallet", "tokenProgram"), a, strict=False))
        return {"type": "recoverNested", "info": info}
    a = _need(accounts, 6)
    creating = ("source", "account", "wallet", "mint", "systemProgram", "tokenProgram")
    kind = "create" if tag == 0 else "createIdempotent"
    return {"type": kind, "info": dict(zip(creating, a, strict=False))}


def _parse_memo(data: bytes, accounts: list[Pubkey]) -> JSON:
    try:
        return data.decode()
    except UnicodeDecodeError:
        raise NotParsable from None


_Parser = Callable[[bytes, list[Pubkey]], JSON]
_PARSERS: dict[Pubkey, tuple[str, _Parser]] = {
    SYSTEM: ("system", _parse_system),
    ASSOCIATED_TOKEN: ("spl-associated-token-account", _parse_associated_token),
    **{program: ("spl-token", _parse_token) for program in TOKEN_PROGRAMS},
    **{program: ("spl-memo", _parse_memo) for program in MEMO_PROGRAMS},
}
