#![forbid(unsafe_code)]
pub mod callbacks;
