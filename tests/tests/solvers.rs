//! The solver family against independent truth: exact inverse entries of
//! the 1-D (2,−1) matrix, manufactured Poisson solutions, scipy's CG
//! iteration counts, dense exact PPR, brute-force k-NN; plus parity of the
//! sandboxed variants with the native kernel and flat work in n.

mod common;
use common::solve::*;
use rvf_pack::sparse::Csr;
use rvf_spec::abi::{method, metric, status, Params};
use rvf_spec::format::seg;
use rvf_spec::format::{WASM_FEAT_BULK_MEMORY, WASM_FEAT_SIMD};

const ALL: u16 = 0xFFFF;
const NO_SIMD: u16 = 0xFFFE;

fn params(m: u32) -> Params {
    Params {
        method: m,
        ..Default::default()
    }
}

#[test]
fn tridiagonal_inverse_entries_are_exact() {
    // (A⁻¹)_ij = i (n+1−j) / (n+1) for i ≤ j (1-based), A = tridiag(−1, 2, −1).
    let n = 40usize;
    let mut t = Vec::new();
    for i in 0..n {
        t.push((i as u32, i as u32, 2.0));
        if i > 0 {
            t.push((i as u32, i as u32 - 1, -1.0));
            t.push((i as u32 - 1, i as u32, -1.0));
        }
    }
    let a = Csr::from_triplets(n as u32, n as u32, t).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for j in [1usize, 7, 20, 40] {
        let mut e = vec![0.0; n];
        e[j - 1] = 1.0;
        let p = Params {
            tol: 1e-13,
            ..params(method::CG)
        };
        let path = pack(
            dir.path(),
            &format!("t{j}.rvf"),
            vec![sparse_spec(&a, Some(&e), false)],
        );
        let (out, feats) = sandboxed(&path, &p, &[], NO_SIMD);
        assert_eq!(feats, 0, "the baseline variant ran");
        let x = dense_f64(&out.output);
        for i in 1..=n {
            let (lo, hi) = (i.min(j) as f64, i.max(j) as f64);
            let exact = lo * (n as f64 + 1.0 - hi) / (n as f64 + 1.0);
            assert!(
                (x[i - 1] - exact).abs() < 1e-10,
                "entry ({i},{j}): {} vs {exact}",
                x[i - 1]
            );
        }
    }
}

#[test]
fn cg_poisson_manufactured_solutions() {
    let m = 100;
    let a = poisson(m, 0.0);
    // (1) an exact eigenvector: x* = sin(πi/(m+1)) sin(πj/(m+1)), b = λ x*.
    let h = std::f64::consts::PI / (m as f64 + 1.0);
    let lam = 4.0 - 2.0 * (h).cos() - 2.0 * (h).cos();
    let xs: Vec<f64> = (0..m * m)
        .map(|k| ((k / m + 1) as f64 * h).sin() * ((k % m + 1) as f64 * h).sin())
        .collect();
    let b: Vec<f64> = xs.iter().map(|v| lam * v).collect();
    let payload = a.encode_segment(Some(&b), false).unwrap();
    let out = native(
        &payload,
        &Params {
            tol: 1e-10,
            ..params(method::CG)
        },
    );
    assert_eq!(out.report.status, status::OK);
    let x = dense_f64(&out.output);
    let err = x
        .iter()
        .zip(&xs)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(err < 1e-8, "eigenvector solution error {err}");
    // CG on an eigenvector converges in one step.
    assert_eq!(out.report.iterations, 1);

    // (2) random x*, b = A x*: recomputed relative residual ≤ 1e-8 and the
    // iteration count scipy reports for the same system (252; see
    // tests/scripts/scipy_cg_counts.py).
    let xs = lcg(42, m * m);
    let b = spmv(&a, &xs);
    let payload = a.encode_segment(Some(&b), false).unwrap();
    let out = native(&payload, &params(method::CG));
    let x = dense_f64(&out.output);
    let r: Vec<f64> = spmv(&a, &x).iter().zip(&b).map(|(ax, b)| b - ax).collect();
    let rel =
        r.iter().map(|v| v * v).sum::<f64>().sqrt() / b.iter().map(|v| v * v).sum::<f64>().sqrt();
    assert!(rel <= 1e-8, "relative residual {rel}");
    assert!(
        (out.report.iterations as i64 - 252).abs() <= 2,
        "iterations {}",
        out.report.iterations
    );
    let ferr = x
        .iter()
        .zip(&xs)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(ferr < 1e-5, "forward error {ferr}");

    // (3) the notes' system: b itself random (scipy: 304 iterations).
    let b = lcg(42, m * m);
    let out = native(
        &a.encode_segment(Some(&b), false).unwrap(),
        &params(method::CG),
    );
    assert!(
        (out.report.iterations as i64 - 304).abs() <= 2,
        "iterations {}",
        out.report.iterations
    );

    // (4) shift 1 (scipy: 26), with and without the Jacobi preconditioner.
    let a1 = poisson(m, 1.0);
    let b1 = spmv(&a1, &lcg(42, m * m));
    let pl = a1.encode_segment(Some(&b1), false).unwrap();
    let out = native(&pl, &params(method::CG));
    assert!(
        (out.report.iterations as i64 - 26).abs() <= 2,
        "iterations {}",
        out.report.iterations
    );
    let pre = native(
        &pl,
        &Params {
            flags: 1,
            ..params(method::CG)
        },
    );
    assert_eq!(pre.report.status, status::OK);
    assert!(pre.report.residual <= 1e-8);
}

#[test]
fn cg_detects_breakdown_on_indefinite_matrix() {
    let a = Csr::from_triplets(2, 2, vec![(0, 0, 1.0), (1, 1, -1.0)]).unwrap();
    let out = native(
        &a.encode_segment(Some(&[1.0, 1.0]), false).unwrap(),
        &params(method::CG),
    );
    assert_eq!(out.report.status, status::BREAKDOWN);
}

#[test]
fn jacobi_refuses_without_margin_and_converges_with_it() {
    let b = lcg(3, 400);
    // Poisson, shift 0: rows on the interior have margin exactly 0.
    let out = native(
        &poisson(20, 0.0).encode_segment(Some(&b), false).unwrap(),
        &params(method::JACOBI),
    );
    assert_eq!(out.report.status, status::NOT_DOMINANT);
    assert!(out.output.is_empty());
    // Poisson + I: margin 1/5 everywhere.
    let a = poisson(20, 1.0);
    let out = native(
        &a.encode_segment(Some(&b), false).unwrap(),
        &Params {
            tol: 1e-10,
            ..params(method::JACOBI)
        },
    );
    assert_eq!(out.report.status, status::OK);
    let x = dense_f64(&out.output);
    let r: Vec<f64> = spmv(&a, &x).iter().zip(&b).map(|(ax, b)| b - ax).collect();
    let rel =
        r.iter().map(|v| v * v).sum::<f64>().sqrt() / b.iter().map(|v| v * v).sum::<f64>().sqrt();
    assert!(rel <= 1e-10, "{rel}");
    // ‖e_k‖∞ ≤ (1 − δ)^k ‖e_0‖∞ with δ = 0.2: ~100 iterations at most.
    assert!(out.report.iterations < 150, "{}", out.report.iterations);
    // A margin below the user's minimum is refused too.
    let out = native(
        &a.encode_segment(Some(&b), false).unwrap(),
        &Params {
            min_margin: 0.5,
            ..params(method::JACOBI)
        },
    );
    assert_eq!(out.report.status, status::NOT_DOMINANT);
}

fn graphs() -> Vec<(&'static str, Csr)> {
    let (karate, _) = rvf_pack::inputs::mtx::read(&common::sample("karate.mtx")).unwrap();
    let (lesmis, _) = rvf_pack::inputs::mtx::read(&common::sample("lesmis.mtx")).unwrap();
    vec![
        ("karate", karate),
        ("lesmis", lesmis),
        ("digraph", random_digraph(80, 5)),
    ]
}

#[test]
fn forward_push_against_exact_ppr() {
    let alpha = 0.15;
    for (name, g) in graphs() {
        let exact = exact_ppr(&g, alpha);
        let payload = g.encode_segment(None, true).unwrap();
        for s in [0u32, 5, 33 % g.rows] {
            for eps in [1e-4, 1e-7] {
                let out = native(
                    &payload,
                    &Params {
                        source: s,
                        epsilon: eps,
                        alpha,
                        ..params(method::PPR_FORWARD)
                    },
                );
                assert_eq!(out.report.status, status::OK);
                let mut p = vec![0.0; g.rows as usize];
                for (i, v) in pairs(&out.output) {
                    p[i as usize] = v;
                }
                // Mass identity: Σp + Σr = 1.
                assert!(
                    (out.report.estimate + out.report.residual - 1.0).abs() < 1e-12,
                    "{name}"
                );
                for v in 0..g.rows as usize {
                    let d = exact[s as usize][v] - p[v];
                    // π − p = Σ_u r(u) π_u(v) ∈ [0, Σr].
                    assert!(
                        d >= -1e-12 && d <= out.report.residual + 1e-12,
                        "{name} s={s} v={v}: {d}"
                    );
                    if name != "digraph" {
                        // Undirected: |π_s(v) − p(v)| ≤ ε·deg(v).
                        let deg = (g.row_ptr[v + 1] - g.row_ptr[v]) as f64;
                        assert!(d <= eps * deg + 1e-12, "{name} s={s} v={v}: {d} > ε·deg");
                    }
                }
            }
        }
    }
}

#[test]
fn backward_push_against_exact_ppr() {
    let alpha = 0.2;
    for (name, g) in graphs() {
        let exact = exact_ppr(&g, alpha);
        let payload = g.encode_segment(None, true).unwrap();
        for t in [0u32, 9, (g.rows - 1)] {
            let eps = 1e-6;
            let out = native(
                &payload,
                &Params {
                    target: t,
                    epsilon: eps,
                    alpha,
                    ..params(method::PPR_BACKWARD)
                },
            );
            assert_eq!(out.report.status, status::OK);
            let mut p = vec![0.0; g.rows as usize];
            for (i, v) in pairs(&out.output) {
                p[i as usize] = v;
            }
            let worst = (0..g.rows as usize)
                .map(|s| (exact[s][t as usize] - p[s]).abs())
                .fold(0.0, f64::max);
            assert!(worst <= eps, "{name} t={t}: max error {worst} > ε");
        }
    }
}

#[test]
fn walk_estimates_within_standard_errors_and_shrinking() {
    let g = random_digraph(60, 11);
    let alpha = 0.2;
    let exact = exact_ppr(&g, alpha);
    let payload = g.encode_segment(None, false).unwrap();
    // Pick an entry with a sizeable value.
    let (s, t) = (
        0u32,
        (1..60)
            .max_by(|&a, &b| exact[0][a].total_cmp(&exact[0][b]))
            .unwrap() as u32,
    );
    let truth = exact[s as usize][t as usize];
    let mut mean_err = Vec::new();
    for walks in [1_000u32, 100_000] {
        let mut errs = 0.0;
        for seed in 0..8u64 {
            let p = Params {
                source: s,
                target: t,
                alpha,
                num_walks: walks,
                seed,
                ..params(method::WALK_ESTIMATE)
            };
            let out = native(&payload, &p);
            assert_eq!(out.report.status, status::OK);
            let (est, se) = (out.report.estimate, out.report.residual);
            assert!(
                (est - truth).abs() <= 4.0 * se + 1e-12,
                "walks={walks} seed={seed}: {est} vs {truth} ± {se}"
            );
            errs += (est - truth).abs();
        }
        mean_err.push(errs / 8.0);
    }
    // 100x the walks: the error should shrink ~10x; demand at least 3x.
    assert!(mean_err[1] * 3.0 < mean_err[0], "errors {mean_err:?}");
    // Same seed, same answer.
    let p = Params {
        source: s,
        target: t,
        alpha,
        num_walks: 5000,
        seed: 9,
        ..params(method::WALK_ESTIMATE)
    };
    assert_eq!(native(&payload, &p), native(&payload, &p));
}

/// Exact k-NN against a brute force, in both variants, for dimensions that
/// exercise every shape of the SIMD kernel (whole f32x4 quads, a leftover
/// pair, an odd tail, a tail alone).
#[test]
fn knn_equals_brute_force_in_both_variants() {
    for dim in [24usize, 7, 6, 5, 1] {
        knn_case(1500, dim);
    }
}

fn knn_file(dir: &std::path::Path, dim: usize, data: &[f32]) -> std::path::PathBuf {
    let v = rvf_pack::inputs::Vectors {
        dim,
        data: data.to_vec(),
    };
    pack(
        dir,
        &format!("v{dim}.rvf"),
        vec![rvf_pack::writer::SegmentSpec {
            seg_type: seg::VEC,
            payload: rvf_pack::payload::vec_payload(&v, 0).unwrap().into(),
        }],
    )
}

fn knn_case(n: usize, dim: usize) {
    let data: Vec<f32> = lcg(8, n * dim).iter().map(|&v| v as f32).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = knn_file(dir.path(), dim, &data);
    let q: Vec<f32> = lcg(77, dim).iter().map(|&v| v as f32).collect();
    let qb: Vec<u8> = q.iter().flat_map(|x| x.to_le_bytes()).collect();
    for m in [metric::L2, metric::INNER_PRODUCT, metric::COSINE] {
        // Brute force in f64, sequential sums: an independent reference.
        let qd: Vec<f64> = q.iter().map(|&x| x as f64).collect();
        let qn = qd.iter().map(|x| x * x).sum::<f64>().sqrt();
        let mut all: Vec<(f64, u32)> = data
            .chunks_exact(dim)
            .enumerate()
            .map(|(i, r)| {
                let r: Vec<f64> = r.iter().map(|&x| x as f64).collect();
                let dot: f64 = r.iter().zip(&qd).map(|(a, b)| a * b).sum();
                let d = match m {
                    metric::L2 => r.iter().zip(&qd).map(|(a, b)| (a - b) * (a - b)).sum(),
                    metric::INNER_PRODUCT => -dot,
                    _ => 1.0 - dot / (qn * r.iter().map(|x| x * x).sum::<f64>().sqrt()),
                };
                (d, i as u32)
            })
            .collect();
        all.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let p = Params {
            k: 10,
            metric: m,
            ..params(method::KNN)
        };
        let (simd, f1) = sandboxed(&path, &p, &qb, ALL);
        let (base, f0) = sandboxed(&path, &p, &qb, NO_SIMD);
        assert_eq!((f1, f0), (WASM_FEAT_SIMD | WASM_FEAT_BULK_MEMORY, 0));
        assert_eq!(
            simd.output, base.output,
            "SIMD and baseline agree bit for bit (dim {dim}, metric {m})"
        );
        let got = pairs(&base.output);
        let ids: Vec<u32> = got.iter().map(|x| x.0).collect();
        let want: Vec<u32> = all.iter().take(10).map(|x| x.1).collect();
        assert_eq!(ids, want, "dim {dim}, metric {m}");
        for ((_, d), (w, _)) in got.iter().zip(&all) {
            assert!((d - w).abs() <= 1e-12 * w.abs().max(1.0));
        }
    }
}

/// A NaN or an infinity anywhere in a stored row (in a quad, in the
/// leftover pair, in the tail) is refused as bad data by both variants and
/// every metric, never ranked.
#[test]
fn knn_refuses_non_finite_rows_in_both_variants() {
    let (n, dim) = (40usize, 7usize);
    let q: Vec<u8> = lcg(3, dim)
        .iter()
        .flat_map(|&v| (v as f32).to_le_bytes())
        .collect();
    for (pos, bad) in [
        (0, f32::NAN),
        (3, f32::INFINITY),
        (5, f32::NEG_INFINITY),
        (6, f32::NAN),
    ] {
        let mut data: Vec<f32> = lcg(4, n * dim).iter().map(|&v| v as f32).collect();
        data[33 * dim + pos] = bad;
        let dir = tempfile::tempdir().unwrap();
        let path = knn_file(dir.path(), dim, &data);
        for m in [metric::L2, metric::INNER_PRODUCT, metric::COSINE] {
            let p = Params {
                k: 3,
                metric: m,
                ..params(method::KNN)
            };
            for host in [ALL, NO_SIMD] {
                let (out, _) = sandboxed(&path, &p, &q, host);
                assert_eq!(
                    out.report.status,
                    status::BAD_DATA,
                    "{bad} at {pos}, metric {m}, host {host:#x}"
                );
            }
        }
    }
}

/// Every method: the baseline variant in wasmi equals the native kernel bit
/// for bit (report and output); the SIMD variant agrees too.
#[test]
fn sandboxed_variants_match_native_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    let g = random_digraph(200, 3);
    let a = poisson(12, 1.0);
    let b = lcg(5, 144);
    let gp = g.encode_segment(None, true).unwrap();
    let ap = a.encode_segment(Some(&b), false).unwrap();
    // n = 121 is odd: every two-lane reduction and SIMD pass has a tail.
    let odd = poisson(11, 1.0)
        .encode_segment(Some(&lcg(6, 121)), false)
        .unwrap();
    let packed = |name: &str, payload: &[u8]| {
        let data = rvf_pack::writer::SegmentSpec {
            seg_type: seg::SPARSE,
            payload: payload.to_vec().into(),
        };
        pack(dir.path(), name, vec![data])
    };
    let (gfile, afile, oddfile) = (
        packed("g.rvf", &gp),
        packed("a.rvf", &ap),
        packed("odd.rvf", &odd),
    );
    // CG, Jacobi-preconditioned CG and Jacobi on both linear systems.
    let mut cases = Vec::new();
    for (f, payload) in [(&oddfile, &odd), (&afile, &ap)] {
        for (m, flags) in [(method::CG, 0), (method::CG, 1), (method::JACOBI, 0)] {
            let p = Params {
                tol: 1e-12,
                flags,
                ..params(m)
            };
            cases.push((f, payload, p));
        }
    }
    cases.extend([
        (
            &gfile,
            &gp,
            Params {
                source: 3,
                epsilon: 1e-6,
                ..params(method::PPR_FORWARD)
            },
        ),
        (
            &gfile,
            &gp,
            Params {
                target: 7,
                epsilon: 1e-6,
                ..params(method::PPR_BACKWARD)
            },
        ),
        (
            &gfile,
            &gp,
            Params {
                source: 3,
                target: 7,
                num_walks: 20_000,
                seed: 42,
                ..params(method::WALK_ESTIMATE)
            },
        ),
    ]);
    for (file, payload, p) in cases {
        let want = native(payload, &p);
        assert_eq!(want.report.status, status::OK, "{}", method::name(p.method));
        for host in [NO_SIMD, ALL] {
            let (got, _) = sandboxed(file, &p, &[], host);
            assert_eq!(
                got.report,
                want.report,
                "{} host {host:#x}",
                method::name(p.method)
            );
            assert_eq!(
                got.output,
                want.output,
                "{} host {host:#x}",
                method::name(p.method)
            );
        }
    }
}

/// Rows read per forward-push query stay flat from n = 10⁴ to 10⁶.
#[test]
fn push_work_is_flat_in_n() {
    use rvf_spec::source::ArraySource;
    let mut works = Vec::new();
    for n in [10_000usize, 100_000, 1_000_000] {
        let deg = 5usize;
        let mut s = 12345u64;
        let row_ptr: Vec<u8> = (0..=n)
            .flat_map(|i| ((i * deg) as u32).to_le_bytes())
            .collect();
        let cols: Vec<u8> = (0..n * deg)
            .flat_map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (((s >> 33) % n as u64) as u32).to_le_bytes()
            })
            .collect();
        let vals = vec![0u8; n * deg * 8];
        let mut src = ArraySource::empty();
        src.sparse[0] = &row_ptr;
        src.sparse[1] = &cols;
        src.sparse[2] = &vals;
        src.rows = n as i64;
        src.cols = n as i64;
        src.nnz = (n * deg) as i64;
        let mut total = 0u64;
        for source in [1u32, 77, 4242] {
            let p = Params {
                source,
                epsilon: 1e-4,
                alpha: 0.15,
                ..params(method::PPR_FORWARD)
            };
            let out = microkernel::run(&p, &[], &mut src);
            assert_eq!(out.report.status, status::OK);
            total += out.report.work;
        }
        works.push(total);
    }
    let (lo, hi) = (
        *works.iter().min().unwrap() as f64,
        *works.iter().max().unwrap() as f64,
    );
    assert!(hi / lo <= 1.5, "rows read per query vs n: {works:?}");
    // Bound: every push needs r(u) > ε·deg(u), and each removes at least
    // α·ε·deg(u) of mass, so pushes ≤ 1/(α ε) per query.
    assert!(works.iter().all(|&w| w <= 3 * (1.0 / (0.15 * 1e-4)) as u64));
}
