//! Compressed WASM segments (LZ4, ZSTD): the same runs as uncompressed, and
//! the lies a compressed header can tell.

use super::*;

/// A WASM segment storing `stored` (already compressed, or not) under a
/// header whose sizes and compression the caller sets; the bytecode hash
/// is SHAKE-256 of `module`.
fn wasm_stored(
    module: &[u8],
    stored: &[u8],
    edit: impl FnOnce(&mut rvf_spec::format::WasmHeader),
) -> SegmentSpec {
    let (mut h, _, _) = wasm_payload(Path::new("m.wasm"), module, &Default::default()).unwrap();
    edit(&mut h);
    let mut p = h.to_bytes().to_vec();
    p.extend_from_slice(stored);
    SegmentSpec {
        seg_type: seg::WASM,
        payload: p.into(),
    }
}

/// Compressed WASM segments: the same runs as uncompressed, and the lies a
/// compressed header can tell.
pub(super) fn compressed_cases() -> Vec<Case> {
    let mut v = Vec::new();
    let payload = karate().encode_segment(None, true).unwrap();
    let fwd = Params {
        source: 0,
        epsilon: 1e-6,
        ..params(Method::PprForward)
    };
    let base = kernel("baseline");
    for (name, c) in [("lz4", 1u8), ("zstd", 2u8)] {
        let o = SolverOptions {
            compression: c,
            ..Default::default()
        };
        let b = build(
            &[
                sparse(&karate(), true),
                wasm(&base, o.clone()),
                wasm(&kernel("simd"), o),
            ],
            algo::SHAKE256_128,
        );
        let mut k = case(
            &format!("compressed-{name}.rvf"),
            if c == 1 {
                "both kernels stored LZ4-compressed (block format)"
            } else {
                "both kernels stored ZSTD-compressed (frame format)"
            },
            b,
        );
        k.hashes = ["verified"; 3].to_vec();
        k.selections = vec![
            sel(ALL, &[(1, "eligible"), (2, "selected")]),
            sel(NONE, &[(1, "selected"), (2, "rejected:features")]),
        ];
        k.runs = vec![
            Run {
                method: Method::PprForward,
                host: ALL,
                options: vec![("source", json!(0)), ("epsilon", json!(1e-6))],
                expect: native_run(&payload, fwd),
            },
            Run {
                method: Method::PprForward,
                host: NONE,
                options: vec![("source", json!(0)), ("epsilon", json!(1e-6))],
                expect: native_run(&payload, fwd),
            },
        ];
        v.push(k);
    }

    // The lies: each segment's hashes are right for what it stores.
    let zstd = rvf_pack::payload::compress(&base, 2).unwrap();
    let n = base.len() as u32;
    // A bomb: 64 MiB of zeros in a few KB, under a header claiming 4 KiB.
    let bomb = rvf_pack::payload::compress(&vec![0u8; 64 << 20], 2).unwrap();
    assert!(bomb.len() < 8 << 10);
    let mut garbage = zstd.clone();
    let mid = garbage.len() / 2;
    garbage[mid..mid + 16].fill(0xA5);
    let b = build(
        &[
            sparse(&karate(), true),
            // 1: bytecode_size one byte short of the real size.
            wasm_stored(&base, &zstd, |h| {
                h.compression = 2;
                h.compressed_size = zstd.len() as u32;
                h.bytecode_size = n - 1;
            }),
            // 2: a bomb claiming 4 KiB.
            wasm_stored(&base, &bomb, |h| {
                h.compression = 2;
                h.compressed_size = bomb.len() as u32;
                h.bytecode_size = 4096;
            }),
            // 3: claims 4 GiB: more than 255 times what it stores.
            wasm_stored(&base, &zstd, |h| {
                h.compression = 2;
                h.compressed_size = zstd.len() as u32;
                h.bytecode_size = u32::MAX;
            }),
            // 4: corrupt frame.
            wasm_stored(&base, &garbage, |h| {
                h.compression = 2;
                h.compressed_size = garbage.len() as u32;
            }),
            // 5: compressed_size disagrees with the payload.
            wasm_stored(&base, &zstd, |h| {
                h.compression = 2;
                h.compressed_size = zstd.len() as u32 + 1;
            }),
            // 6: an unknown compression.
            wasm_stored(&base, &zstd, |h| {
                h.compression = 3;
                h.compressed_size = zstd.len() as u32;
            }),
            // 7: the honest segment, last.
            wasm_stored(&base, &zstd, |h| {
                h.compression = 2;
                h.compressed_size = zstd.len() as u32;
            }),
        ],
        algo::SHAKE256_128,
    );
    let mut k = case(
        "compressed-lies.rvf",
        "compressed modules whose headers lie (short size, bomb, a size above 255x what is stored, corrupt frame, size mismatch, unknown algorithm), then an honest one",
        b,
    );
    k.hashes = ["verified"; 8].to_vec();
    k.selections = vec![sel(
        NONE,
        &[
            (1, "rejected:malformed"),
            (2, "rejected:malformed"),
            (3, "rejected:malformed"),
            (4, "rejected:malformed"),
            (5, "rejected:malformed"),
            (6, "rejected:malformed"),
            (7, "selected"),
        ],
    )];
    k.runs = vec![Run {
        method: Method::PprForward,
        host: NONE,
        options: vec![("source", json!(0)), ("epsilon", json!(1e-6))],
        expect: native_run(&payload, fwd),
    }];
    v.push(k);
    v
}
