// The few SPL Token, associated-token-account and upgradeable-loader
// instructions the Anchor flow needs around governance (holders' AMP, handing
// the mint and the program to the governance PDAs), built by hand as the SDK
// does (amplify_sdk/_token.py). `@solana/spl-token` 0.4 would do it too, but
// pulls in a pre-release `@solana/codecs` and the native `bigint-buffer`
// (flagged by npm audit) for five instructions.
import { PublicKey, SystemProgram, TransactionInstruction } from "@solana/web3.js";
import BN from "bn.js";

export const TOKEN_PROGRAM_ID = new PublicKey("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
export const ATA_PROGRAM_ID = new PublicKey("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
export const BPF_LOADER_UPGRADEABLE = new PublicKey("BPFLoaderUpgradeab1e11111111111111111111111");

const meta = (pubkey: PublicKey, isSigner: boolean, isWritable: boolean) => ({
  pubkey,
  isSigner,
  isWritable,
});

export function associatedTokenAddress(owner: PublicKey, mint: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync(
    [owner.toBuffer(), TOKEN_PROGRAM_ID.toBuffer(), mint.toBuffer()],
    ATA_PROGRAM_ID,
  )[0];
}

/** `CreateIdempotent`: a no-op when the account exists. */
export function createAssociatedTokenAccount(payer: PublicKey, owner: PublicKey, mint: PublicKey) {
  return new TransactionInstruction({
    programId: ATA_PROGRAM_ID,
    data: Buffer.from([1]),
    keys: [
      meta(payer, true, true),
      meta(associatedTokenAddress(owner, mint), false, true),
      meta(owner, false, false),
      meta(mint, false, false),
      meta(SystemProgram.programId, false, false),
      meta(TOKEN_PROGRAM_ID, false, false),
    ],
  });
}

export function mintTo(mint: PublicKey, account: PublicKey, authority: PublicKey, amount: BN) {
  return new TransactionInstruction({
    programId: TOKEN_PROGRAM_ID,
    data: Buffer.concat([Buffer.from([7]), amount.toArrayLike(Buffer, "le", 8)]),
    keys: [meta(mint, false, true), meta(account, false, true), meta(authority, true, false)],
  });
}

/** Token `SetAuthority` (MintTokens) to `next`. */
export function setMintAuthority(mint: PublicKey, current: PublicKey, next: PublicKey) {
  return new TransactionInstruction({
    programId: TOKEN_PROGRAM_ID,
    data: Buffer.concat([Buffer.from([6, 0, 1]), next.toBuffer()]),
    keys: [meta(mint, false, true), meta(current, true, false)],
  });
}

/** The program's ProgramData: PDA [program id] of the upgradeable loader. */
export function programDataAddress(program: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync([program.toBuffer()], BPF_LOADER_UPGRADEABLE)[0];
}

/** Loader `SetAuthority` on the program's ProgramData. */
export function setUpgradeAuthority(program: PublicKey, current: PublicKey, next: PublicKey) {
  return new TransactionInstruction({
    programId: BPF_LOADER_UPGRADEABLE,
    data: Buffer.from([4, 0, 0, 0]),
    keys: [
      meta(programDataAddress(program), false, true),
      meta(current, true, false),
      meta(next, false, false),
    ],
  });
}

/** A token account's amount (offset 64). */
export const tokenAmount = (data: Buffer) => new BN(data.subarray(64, 72), "le");

/** A mint's mint authority (COption: tag u32, then the key), or null. */
export const mintAuthorityOf = (data: Buffer) =>
  data.readUInt32LE(0) === 1 ? new PublicKey(data.subarray(4, 36)) : null;

/** ProgramData's upgrade authority (tag u32, slot u64, Option<Pubkey>), or null. */
export const upgradeAuthorityOf = (data: Buffer) =>
  data[12] === 1 ? new PublicKey(data.subarray(13, 45)) : null;
