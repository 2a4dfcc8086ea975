use super::Layout;
use crate::discriminator;
use pinocchio::Address;

pub const ITEM_PAGE_VERSION: u8 = 1;
/// Items per page: 256 × 34 bytes + header = 8,760 bytes, under the 10 KiB a
/// CPI may allocate.
pub const ITEMS_PER_PAGE: usize = 256;
/// `index >> PAGE_SHIFT` is the page of item `index`, `index & PAGE_MASK` its record.
pub const PAGE_SHIFT: u32 = 8;
pub const PAGE_MASK: u64 = 0xFF;

/// One task item: its content hash (the off-chain data is at
/// `base_uri` + hex(hash)) and its slot counters.
#[repr(C)]
pub struct ItemRecord {
    pub content_hash: [u8; 32],
    /// Workers currently holding a reservation on this item.
    pub reserved: u8,
    /// Workers who completed this item.
    pub completed: u8,
}

/// A page of up to 256 items of a batch, PDA `["page", batch, page_index (u32 LE)]`.
/// Item `i` of the batch is record `i % 256` of page `i / 256`.
#[repr(C)]
pub struct ItemPage {
    pub discriminator: [u8; 8],
    pub version: u8,
    pub bump: u8,
    pub _pad0: [u8; 2],
    pub page_index: [u8; 4],
    pub batch: Address,
    /// Records filled so far.
    pub count: [u8; 4],
    pub _pad1: [u8; 4],
    pub items: [ItemRecord; ITEMS_PER_PAGE],
}

// SAFETY: repr(C), only byte arrays, `Address` and `ItemRecord` (all alignment 1),
// no padding.
unsafe impl Layout for ItemPage {
    const DISCRIMINATOR: [u8; 8] = discriminator::account::ITEM_PAGE;
}

le_fields!(ItemPage {
    page_index / set_page_index: u32,
    count / set_count: u32,
});
