//! Files with several data segments: how a run chooses among them.

use super::*;

pub(super) fn vectors(dim: usize, n: usize, seed: u64) -> Vec<Vec<f32>> {
    let r = super::super::solve::lcg(seed, dim * n);
    r.chunks(dim)
        .map(|c| c.iter().map(|x| *x as f32).collect())
        .collect()
}

pub(super) fn vec_payload(rows: &[Vec<f32>], first_id: u64) -> Vec<u8> {
    let dim = rows[0].len();
    let mut p = (dim as u16).to_le_bytes().to_vec();
    p.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    for (i, r) in rows.iter().enumerate() {
        p.extend_from_slice(&(first_id + i as u64).to_le_bytes());
        r.iter().for_each(|x| p.extend_from_slice(&x.to_le_bytes()));
    }
    p
}

/// Files with several data segments: how a run chooses among them.
pub(super) fn data_cases() -> Vec<Case> {
    let mut v = Vec::new();
    let (a, b) = (vectors(4, 5, 3), vectors(4, 3, 4));
    let file = build(
        &[
            SegmentSpec {
                seg_type: seg::VEC,
                payload: vec_payload(&a, 0).into(),
            },
            wasm(&kernel("baseline"), Default::default()),
            SegmentSpec {
                seg_type: seg::VEC,
                payload: vec_payload(&b, 5).into(),
            },
        ],
        algo::SHAKE256_128,
    );
    // Independent truth: squared L2 over the concatenated set, by brute force.
    let all: Vec<&Vec<f32>> = a.iter().chain(&b).collect();
    let q = all[6].clone();
    let mut d: Vec<(u32, f64)> = all
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let s: f64 = x
                .iter()
                .zip(&q)
                .map(|(u, w)| (*u as f64 - *w as f64).powi(2))
                .sum();
            (i as u32, s)
        })
        .collect();
    d.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
    d.truncate(3);
    let mut out = Vec::new();
    for (i, s) in &d {
        out.extend_from_slice(&i.to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&s.to_le_bytes());
    }
    assert_eq!(pairs(&out), d);
    let mut c = case(
        "two-vector-segments.rvf",
        "two VEC segments (5 and 3 vectors of dimension 4) form one vector set",
        file,
    );
    c.hashes = ["verified"; 3].to_vec();
    c.selections = vec![sel(NONE, &[(1, "selected")])];
    c.runs = vec![
        Run {
            method: Method::Knn,
            host: NONE,
            options: vec![("query_index", json!(6)), ("k", json!(3))],
            expect: Expect::Finished {
                status: 0,
                digest: digest(&out),
            },
        },
        Run {
            method: Method::Knn,
            host: NONE,
            options: vec![("query_index", json!(8)), ("k", json!(3))],
            expect: Expect::Refused("usage"),
        },
    ];
    v.push(c);

    // Two matrices: none is picked silently.
    let path = Csr::from_triplets(
        4,
        4,
        vec![(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 0, 1.0)],
    )
    .unwrap();
    let second = path.encode_segment(None, true).unwrap();
    let file = build(
        &[
            sparse(&karate(), true),
            wasm(&kernel("baseline"), Default::default()),
            SegmentSpec {
                seg_type: seg::SPARSE,
                payload: second.clone().into(),
            },
        ],
        algo::SHAKE256_128,
    );
    let fwd = Params {
        source: 1,
        epsilon: 1e-6,
        ..params(Method::PprForward)
    };
    let mut c = case(
        "two-matrices.rvf",
        "two SPARSE segments: a run names one with --data N",
        file,
    );
    c.hashes = ["verified"; 3].to_vec();
    c.runs = vec![
        Run {
            method: Method::PprForward,
            host: NONE,
            options: vec![("source", json!(1)), ("epsilon", json!(1e-6))],
            expect: Expect::Refused("usage"),
        },
        Run {
            method: Method::PprForward,
            host: NONE,
            options: vec![
                ("source", json!(1)),
                ("epsilon", json!(1e-6)),
                ("data", json!(2)),
            ],
            expect: native_run(&second, fwd),
        },
        Run {
            method: Method::PprForward,
            host: NONE,
            options: vec![("source", json!(1)), ("data", json!(1))],
            expect: Expect::Refused("usage"),
        },
    ];
    v.push(c);
    v
}
