//! Structured values out of fuzz bytes, without `arbitrary` (the root crate's replay test has no such
//! dependency). Reading past the end yields zeros, so every input decodes.
// Each target uses only some of these.
#![allow(dead_code)]

pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    pub fn new(data: &'a [u8]) -> Input<'a> {
        Input { data }
    }

    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((first, rest)) => {
                self.data = rest;
                *first
            }
            None => 0,
        }
    }

    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let (taken, rest) = self.data.split_at(n.min(self.data.len()));
        self.data = rest;
        taken
    }

    pub fn i64(&mut self) -> i64 {
        let mut buf = [0u8; 8];
        let taken = self.bytes(8);
        buf[..taken.len()].copy_from_slice(taken);
        i64::from_le_bytes(buf)
    }

    pub fn rest(self) -> &'a [u8] {
        self.data
    }
}
