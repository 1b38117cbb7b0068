//! The server's async runtime: tokio's multi-threaded scheduler with its LIFO slot off.
//!
//! The LIFO slot runs the task a worker just woke before anything queued, and no other worker may take
//! it. When the machine is busy (the database and the clients on the same cores), the operating system
//! suspends a worker with a task in that slot, and that request waits out the worker's whole time
//! slice. Without the slot, every woken task goes to the queue the other worker can steal from. With
//! 64 clients on one district (`bench/peer.sh` case B, 2 cores) it lowered p99 and raised throughput:
//! README, Performance. The switch needs `--cfg tokio_unstable` (`.cargo/config.toml`); a build without
//! it keeps the slot and is otherwise the same.

use std::io;

use tokio::runtime::{Builder, Runtime};

pub fn build() -> io::Result<Runtime> {
    let mut builder = Builder::new_multi_thread();
    builder.enable_all();
    #[cfg(tokio_unstable)]
    builder.disable_lifo_slot();
    builder.build()
}
