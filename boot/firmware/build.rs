//! Writes the memory layout (memory.x) for the target being built and
//! passes build facts to the firmware.
//!
//! Environment (all optional):
//!   FW_RAM    RAM given to the firmware in all: static data, heap and
//!             stack, e.g. 512K (the default), 4M
//!   FW_STACK  stack reserved at the top of RAM (default 24K); the heap is
//!             everything between the end of .bss and the stack
//!   RVF_EMBED with feature `embed`: the .rvf file to include_bytes!
use std::{env, fs, path::PathBuf};

fn bytes(var: &str, default: u64) -> u64 {
    println!("cargo:rerun-if-env-changed={var}");
    let Ok(s) = env::var(var) else { return default };
    let s = s.trim();
    let (n, mul) = match s.chars().last() {
        Some('K' | 'k') => (&s[..s.len() - 1], 1 << 10),
        Some('M' | 'm') => (&s[..s.len() - 1], 1 << 20),
        _ => (s, 1),
    };
    n.parse::<u64>()
        .unwrap_or_else(|_| panic!("{var}: a byte count like 512K, not '{s}'"))
        * mul
}

fn main() {
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap();
    let ram = bytes("FW_RAM", 512 << 10);
    let stack = bytes("FW_STACK", 24 << 10);
    assert!(
        stack >= 4096 && stack < ram,
        "FW_STACK must be at least 4K and below FW_RAM"
    );
    let memory = match arch.as_str() {
        // mps2-an386: SSRAM1 (4 MiB at 0x0) holds the image, as flash would;
        // SSRAM2/3 (4 MiB at 0x20000000) is the RAM.
        "arm" => {
            assert!(ram <= 4 << 20, "mps2-an386 has 4 MiB of RAM at 0x20000000");
            format!(
                "MEMORY\n{{\n  FLASH : ORIGIN = 0x00000000, LENGTH = 4M\n  \
                 RAM   : ORIGIN = 0x20000000, LENGTH = {ram}\n}}\n"
            )
        }
        // virt: DRAM at 0x80000000, where `-bios none` jumps. The first
        // 16 MiB stand in for flash, RAM follows.
        "riscv32" => format!(
            "MEMORY\n{{\n  FLASH : ORIGIN = 0x80000000, LENGTH = 16M\n  \
             RAM   : ORIGIN = 0x81000000, LENGTH = {ram}\n}}\n\
             REGION_ALIAS(\"REGION_TEXT\", FLASH);\nREGION_ALIAS(\"REGION_RODATA\", FLASH);\n\
             REGION_ALIAS(\"REGION_DATA\", RAM);\nREGION_ALIAS(\"REGION_BSS\", RAM);\n\
             REGION_ALIAS(\"REGION_HEAP\", RAM);\nREGION_ALIAS(\"REGION_STACK\", RAM);\n"
        ),
        other => panic!("rvf-firmware builds for arm or riscv32, not {other}"),
    };
    let memory = format!(
        "{memory}/* stack reserved below _stack_start; the heap ends there */\n\
         _fw_stack_size = {stack};\n"
    );
    fs::write(out.join("memory.x"), memory).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-env=FW_RAM_BYTES={ram}");
    println!(
        "cargo:rustc-env=FW_OPT_LEVEL={}",
        env::var("OPT_LEVEL").unwrap()
    );

    println!("cargo:rerun-if-env-changed=RVF_EMBED");
    if env::var_os("CARGO_FEATURE_EMBED").is_some() {
        let path = env::var("RVF_EMBED").expect("feature `embed` needs RVF_EMBED=path/to/file.rvf");
        let path = fs::canonicalize(&path).expect("RVF_EMBED: no such file");
        println!("cargo:rerun-if-changed={}", path.display());
        println!("cargo:rustc-env=RVF_EMBED_PATH={}", path.display());
    }
}
