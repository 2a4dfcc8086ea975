//! Anchor discriminators: the first 8 bytes of `sha256("global:<ix>")`,
//! `sha256("account:<Name>")` and `sha256("event:<Name>")`. Written out as
//! constants (no hashing on chain); `idl_check` recomputes every one and
//! compares it with `idl/amplify.json`. Never reuse or change one.

macro_rules! table {
    ($($konst:ident = $name:literal => $bytes:expr;)*) => {
        $(pub const $konst: [u8; 8] = $bytes;)*
        /// Every discriminator with the name it is derived from.
        pub const ALL: &[(&str, [u8; 8])] = &[$(($name, $konst),)*];
    };
}

pub mod ix {
    table! {
        INITIALIZE = "initialize" => [175, 175, 109, 31, 13, 152, 155, 237];
    }
}

pub mod account {
    table! {
        CONFIG = "Config" => [155, 12, 170, 224, 30, 250, 204, 130];
        TREASURY = "Treasury" => [238, 239, 123, 238, 89, 1, 168, 253];
    }
}

pub mod event {
    table! {
        PROTOCOL_INITIALIZED = "ProtocolInitialized" => [173, 122, 168, 254, 9, 118, 76, 132];
    }
}
