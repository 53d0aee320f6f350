//! Writes `$OUT_DIR/spins.rs`: `many_spins!(spin_0, spin_1, ..., spin_999);`, the scene suite's
//! 1000 copies of one small system under different names (src/lib.rs defines the macro).

use std::fmt::Write as _;

/// How many copies of `spin` the library exports (the scene suite runs 10, 100 and 1000).
const SPINS: usize = 1000;

fn main() {
    let mut names = String::new();
    for i in 0..SPINS {
        let _ = write!(names, "{}spin_{i}", if i == 0 { "" } else { ", " });
    }
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("spins.rs"), format!("many_spins!({names});\n"))
        .expect("write spins.rs");
    println!("cargo::rerun-if-changed=build.rs");
}
