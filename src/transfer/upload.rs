//! A request body read by curl's read callback (never copied into curl at once).
use std::io::SeekFrom;

/// An in-memory request body with a read position.
pub(crate) struct Upload {
    data: Vec<u8>,
    pos: usize,
}

impl Upload {
    /// A body of these bytes.
    pub(crate) fn new(data: Vec<u8>) -> Self {
        Upload { data, pos: 0 }
    }

    /// Total size.
    pub(crate) fn len(&self) -> u64 {
        self.data.len() as u64
    }

    /// Copies the next bytes into `buf`; 0 at the end.
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> usize {
        let n = buf.len().min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        n
    }

    /// Moves the read position (curl rewinds on redirects and auth retries).
    pub(crate) fn seek(&mut self, whence: SeekFrom) -> bool {
        let target = match whence {
            SeekFrom::Start(p) => p as i128,
            SeekFrom::Current(d) => self.pos as i128 + d as i128,
            SeekFrom::End(d) => self.data.len() as i128 + d as i128,
        };
        if target < 0 || target > self.data.len() as i128 {
            return false;
        }
        self.pos = target as usize;
        true
    }
}
