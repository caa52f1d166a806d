//! `norce-emulator`: serves the Order API emulator (work in progress).

#![forbid(unsafe_code)]

fn main() {
    eprintln!("norce-emulator: not implemented yet");
}
