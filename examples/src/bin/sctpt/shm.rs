//! The stats shared memory: a POSIX shm object (`/dev/shm/<name>`) mapped as 32-bit words
//! that several processes update with relaxed atomics, as the C tool's `shmem.c` does.
//!
//! The only unsafe code of sctpt lives here: mapping the file and viewing it as atomics.
#![allow(unsafe_code)]

use std::ffi::c_void;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::num::NonZeroUsize;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::ptr::NonNull;
use std::sync::atomic::AtomicU32;

use nix::sys::mman::{mmap, munmap, MapFlags, ProtFlags};

/// Where `shm_open(name)` puts the object on Linux (glibc drops one leading '/').
fn path(name: &str) -> io::Result<PathBuf> {
    let n = name.strip_prefix('/').unwrap_or(name);
    if n.is_empty() || n.contains('/') || n == "." || n == ".." {
        return Err(nix::errno::Errno::EINVAL.into());
    }
    Ok(PathBuf::from("/dev/shm").join(n))
}

/// Create or truncate the object `name` (mode 0600) and fill it with `data`.
pub fn create(name: &str, data: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path(name)?)?;
    f.write_all(data)
}

/// A mapping of a shm object as 32-bit words.
#[derive(Debug)]
pub struct Words {
    ptr: NonNull<c_void>,
    len: usize,
}

// SAFETY: the mapping is only reached through `&[AtomicU32]`, which is Sync and Send.
unsafe impl Send for Words {}
// SAFETY: as above.
unsafe impl Sync for Words {}

impl Words {
    /// Map the existing object `name`. `writable: false` opens it read-only (as the C tool
    /// does for `show`/`json`) and maps it privately, so stores could never reach the file.
    /// `None` when it does not exist, is empty, or cannot be mapped.
    pub fn map(name: &str, writable: bool) -> Option<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(writable)
            .open(path(name).ok()?)
            .ok()?;
        let size = usize::try_from(file.metadata().ok()?.len()).ok()?;
        let len = NonZeroUsize::new(size / 4 * 4)?;
        Self::map_file(&file, len, writable)
    }

    fn map_file(file: &File, len: NonZeroUsize, writable: bool) -> Option<Self> {
        let flags = if writable {
            MapFlags::MAP_SHARED
        } else {
            MapFlags::MAP_PRIVATE
        };
        let prot = ProtFlags::PROT_READ | ProtFlags::PROT_WRITE;
        // SAFETY: a fresh mapping chosen by the kernel (no address hint), of a length the
        // file has, offset 0; it aliases no Rust object. Another process may shrink the file
        // afterwards, which would make accesses fault (SIGBUS) — the C tool shares that.
        let ptr = unsafe { mmap(None, len, prot, flags, file, 0) }.ok()?;
        Some(Self {
            ptr,
            len: len.get(),
        })
    }

    /// The mapping as words, updated with atomics by every process that maps it.
    pub fn words(&self) -> &[AtomicU32] {
        // SAFETY: `ptr` is page-aligned (so aligned for u32), valid for `len` bytes (a
        // multiple of 4) while `self` lives, readable and writable, and only ever accessed
        // atomically here and, across processes, by the C tool's relaxed atomics.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr().cast::<AtomicU32>(), self.len / 4) }
    }
}

impl Drop for Words {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping made in `map_file`; no borrow of `words()` can
        // outlive `self`.
        let _ = unsafe { munmap(self.ptr, self.len) };
    }
}
