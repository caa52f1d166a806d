//! The end-to-end checkout flow (work in progress).

fn main() {}
