//! Fast, fixed hashing for keys in hot loops: no input here is an adversary's choice that
//! could slow a table, and the same key hashes the same on every run.

/// A multiplicative hash for short keys in hot loops (SipHash's strength buys nothing
/// here, and no input is an adversary's choice that could slow it).
#[derive(Clone, Copy, Default)]
pub(crate) struct FastHash;

impl std::hash::BuildHasher for FastHash {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(0)
    }
}

/// The hasher of [`FastHash`] (FxHash's rule: rotate, xor, multiply).
pub(crate) struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            self.add(word);
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        tail[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(tail) ^ (rest.len() as u64) << 56);
    }
    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }
    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7C_C1_B7_27_22_0A_95);
    }
}

/// Mixes a hash's bits so that every input bit moves every output bit (MurmurHash3's
/// finaliser).
pub(crate) fn avalanche(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The hash of a text under a tag (which kind of key it is).
pub(crate) fn text(tag: u8, text: &str) -> u64 {
    use std::hash::Hasher;
    let mut hasher = FastHasher(u64::from(tag));
    hasher.write(text.as_bytes());
    avalanche(hasher.finish())
}

/// The hash of a number under a tag.
pub(crate) fn number(tag: u8, value: i64) -> u64 {
    avalanche((u64::from(tag) << 56) ^ avalanche(value as u64))
}

/// The hash of two hashes in order.
pub(crate) fn combine(first: u64, second: u64) -> u64 {
    avalanche(first.rotate_left(23) ^ second.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}
