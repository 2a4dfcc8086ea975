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
        SET_PAUSED = "set_paused" => [91, 60, 125, 192, 176, 225, 166, 218];
        REGISTER_WORKER = "register_worker" => [22, 253, 23, 225, 230, 31, 6, 192];
        CREATE_BATCH = "create_batch" => [159, 198, 248, 43, 248, 31, 235, 86];
        CREATE_PAGE = "create_page" => [90, 127, 28, 131, 203, 232, 77, 26];
        ADD_TASKS = "add_tasks" => [230, 146, 252, 116, 248, 33, 121, 145];
        SET_BATCH_PAUSED = "set_batch_paused" => [245, 114, 210, 36, 241, 65, 14, 98];
        ACCEPT_TASK = "accept_task" => [222, 196, 79, 165, 120, 30, 38, 120];
        RELEASE_EXPIRED = "release_expired" => [150, 199, 225, 10, 15, 244, 46, 47];
        SUBMIT_RESULT = "submit_result" => [240, 42, 89, 180, 10, 239, 9, 214];
        RATE_ASSIGNMENT = "rate_assignment" => [12, 193, 14, 57, 155, 11, 231, 206];
        CANCEL_BATCH = "cancel_batch" => [234, 119, 48, 250, 255, 221, 77, 45];
        SWEEP_FEES = "sweep_fees" => [175, 225, 98, 71, 118, 66, 34, 148];
        OPEN_LEDGER = "open_ledger" => [54, 103, 189, 232, 236, 251, 119, 42];
        GROW_LEDGER = "grow_ledger" => [201, 164, 44, 194, 6, 84, 105, 11];
        CLOSE_LEDGER = "close_ledger" => [236, 179, 19, 235, 59, 77, 121, 118];
        CLOSE_PAGE = "close_page" => [205, 141, 25, 179, 31, 1, 103, 43];
        CLOSE_BATCH = "close_batch" => [166, 174, 35, 253, 209, 211, 181, 28];
    }
}

pub mod account {
    table! {
        CONFIG = "Config" => [155, 12, 170, 224, 30, 250, 204, 130];
        TREASURY = "Treasury" => [238, 239, 123, 238, 89, 1, 168, 253];
        WORKER_PROFILE = "WorkerProfile" => [40, 244, 208, 98, 69, 236, 70, 229];
        BATCH = "Batch" => [156, 194, 70, 44, 22, 88, 137, 44];
        LEDGER = "Ledger" => [43, 41, 21, 213, 180, 176, 95, 32];
        ITEM_PAGE = "ItemPage" => [37, 25, 253, 146, 120, 62, 17, 126];
    }
}

pub mod event {
    table! {
        PROTOCOL_INITIALIZED = "ProtocolInitialized" => [173, 122, 168, 254, 9, 118, 76, 132];
        PAUSE_CHANGED = "PauseChanged" => [238, 188, 213, 78, 134, 209, 178, 218];
        WORKER_REGISTERED = "WorkerRegistered" => [32, 196, 68, 85, 235, 201, 213, 179];
        BATCH_CREATED = "BatchCreated" => [231, 92, 210, 203, 2, 59, 109, 234];
        TASKS_ADDED = "TasksAdded" => [11, 238, 32, 72, 68, 214, 207, 61];
        TASK_ACCEPTED = "TaskAccepted" => [125, 164, 36, 103, 193, 116, 66, 27];
        TASK_RELEASED = "TaskReleased" => [206, 87, 144, 39, 45, 254, 186, 247];
        RESULT_SUBMITTED = "ResultSubmitted" => [156, 153, 163, 89, 245, 144, 63, 94];
        ASSIGNMENT_RATED = "AssignmentRated" => [255, 99, 132, 39, 212, 175, 248, 22];
        BATCH_CANCELLED = "BatchCancelled" => [59, 115, 236, 211, 209, 249, 121, 225];
        FEES_SWEPT = "FeesSwept" => [96, 218, 115, 136, 74, 170, 202, 172];
        BATCH_CLOSED = "BatchClosed" => [192, 76, 201, 211, 10, 212, 139, 232];
    }
}
