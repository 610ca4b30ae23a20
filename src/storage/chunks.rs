//! Stored files cut into chunks and put together again, a chunk at a time, for the blob store in
//! the database (`db::blobs`): the file is never whole in memory on the way in or out.

use sha2::{Digest, Sha256};
use std::io::{self, Read, Write};

/// The size of every chunk but a file's last.
pub const CHUNK_BYTES: usize = 256 * 1024;

/// How many chunks a file of `size` bytes is cut into.
pub fn count(size: u64) -> i32 {
    size.div_ceil(CHUNK_BYTES as u64) as i32
}

/// Reads `from` to its end and gives `each` its chunks in order (numbered from 0), each
/// [`CHUNK_BYTES`] long but the last; one chunk is in memory at a time. Returns the content's
/// SHA-256 and size.
pub fn each<E: From<io::Error>>(
    mut from: impl Read,
    mut each: impl FnMut(i32, &[u8]) -> Result<(), E>,
) -> Result<(String, u64), E> {
    let mut buf = vec![0u8; CHUNK_BYTES];
    let (mut hash, mut size, mut seq) = (Sha256::new(), 0u64, 0i32);
    loop {
        let mut filled = 0;
        while filled < CHUNK_BYTES {
            match from.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        if filled == 0 {
            break;
        }
        hash.update(&buf[..filled]);
        size += filled as u64;
        each(seq, &buf[..filled])?;
        seq += 1;
        if filled < CHUNK_BYTES {
            break;
        }
    }
    Ok((hex::encode(hash.finalize()), size))
}

/// A reader or writer that hashes what passes through it.
pub struct Hashing<T> {
    inner: T,
    sha: Sha256,
    bytes: u64,
}

impl<T> Hashing<T> {
    pub fn new(inner: T) -> Self {
        Hashing { inner, sha: Sha256::new(), bytes: 0 }
    }

    /// (lowercase hex SHA-256, bytes) of what passed, and the inner reader or writer.
    pub fn finish(self) -> (String, u64, T) {
        (hex::encode(self.sha.finalize()), self.bytes, self.inner)
    }
}

impl<T: Read> Read for Hashing<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.sha.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

impl<T: Write> Write for Hashing<T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{read_checked, sha256_hex, TempFile};

    /// A file of several chunks goes out a chunk at a time (never a buffer larger than one chunk)
    /// and comes back whole into a published file with the same checksum.
    #[test]
    fn a_large_file_round_trips_a_chunk_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let content: Vec<u8> = (0..CHUNK_BYTES * 4 + 1234).map(|i| (i * 31 % 251) as u8).collect();
        let source = dir.path().join("source.pdf");
        std::fs::write(&source, &content).unwrap();
        let mut chunks: Vec<(i32, Vec<u8>)> = Vec::new();
        let (sha, size) = each(std::fs::File::open(&source).unwrap(), |seq, chunk| -> io::Result<()> {
            chunks.push((seq, chunk.to_vec()));
            Ok(())
        })
        .unwrap();
        assert_eq!((sha.as_str(), size), (sha256_hex(&content).as_str(), content.len() as u64));
        assert_eq!(chunks.len(), 5);
        assert_eq!(count(size), 5);
        assert!(chunks.iter().all(|(_, c)| c.len() <= CHUNK_BYTES), "one chunk in memory at a time");
        assert_eq!(chunks.iter().map(|(seq, _)| *seq).collect::<Vec<_>>(), vec![0, 1, 2, 3, 4]);
        assert_eq!(chunks[4].1.len(), 1234);

        let target = dir.path().join("copy/source.pdf");
        let mut tmp = TempFile::beside(&target).unwrap();
        let mut out = Hashing::new(tmp.file());
        for (_, chunk) in &chunks {
            out.write_all(chunk).unwrap();
        }
        let (got, written, _) = out.finish();
        assert_eq!((got, written), (sha.clone(), size));
        drop(tmp.publish().unwrap());
        assert!(read_checked(&target, &sha).is_ok());
    }

    #[test]
    fn an_empty_file_has_no_chunk() {
        let mut seen = 0;
        let (sha, size) = each(&b""[..], |_, _| -> io::Result<()> {
            seen += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!((seen, size, count(0)), (0, 0, 0));
        assert_eq!(sha, sha256_hex(b""));
        assert_eq!(count(CHUNK_BYTES as u64), 1);
        assert_eq!(count(CHUNK_BYTES as u64 + 1), 2);
    }
}
