//! §2, external baselines: scipy's CG and spsolve and pyamg on §2's CG
//! systems, by `bench/external.py` in a venv the bench makes under
//! target/bench-venv on first use.

use super::overhead::CgRow;
use super::Ctx;
use crate::workload::poisson_system;
use rvf_pack::sparse::Csr;
use serde_json::Value;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the venv lives, relative to the repository root.
const VENV: &str = "target/bench-venv";

/// One system: scipy's and pyamg's times (best of 3, ms).
#[derive(Clone, Debug)]
pub struct Row {
    pub n: usize,
    pub cg_ms: f64,
    /// scipy CG's iterations (checked equal to rvf's).
    pub iterations: u64,
    /// SuperLU, up to 2·10⁵ unknowns.
    pub spsolve_ms: Option<f64>,
    pub amg_setup_ms: f64,
    pub amg_solve_ms: f64,
    pub amg_iterations: u64,
}

#[derive(Clone, Debug)]
pub struct Versions {
    pub scipy: String,
    pub pyamg: String,
    pub numpy: String,
}

#[derive(Clone, Debug)]
pub enum External {
    /// `--no-external`.
    Skipped,
    /// python3, its venv or PyPI is not available: why.
    Unavailable(String),
    /// One row per §2 CG row, in order.
    Ran { versions: Versions, rows: Vec<Row> },
}

/// Run the baselines on the systems of `cg` (each checked: same
/// iterations as rvf's CG, tolerance reached).
pub fn measure(ctx: &Ctx, cg: &[CgRow]) -> External {
    if ctx.no_external {
        return External::Skipped;
    }
    let py = match external_python() {
        Ok(py) => py,
        Err(why) => return External::Unavailable(why),
    };
    for r in cg {
        let (a, b) = poisson_system(r.m);
        write_mtx(ctx.dir, &name(r), &a, &b);
    }
    let out = Command::new(&py)
        .arg("bench/external.py")
        .arg(ctx.dir)
        .args(cg.iter().map(name))
        .output()
        .expect("run bench/external.py");
    assert!(
        out.status.success(),
        "bench/external.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(json.len(), cg.len());
    let v = &json[0]["versions"];
    let version = |k: &str| v[k].as_str().unwrap_or("?").to_string();
    External::Ran {
        versions: Versions {
            scipy: version("scipy"),
            pyamg: version("pyamg"),
            numpy: version("numpy"),
        },
        rows: cg.iter().zip(&json).map(|(c, r)| row(c, r)).collect(),
    }
}

fn name(r: &CgRow) -> String {
    format!("p{}", r.m)
}

fn row(c: &CgRow, r: &Value) -> Row {
    let f = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let n = c.n;
    assert_eq!(r["n"].as_u64(), Some(n as u64));
    let iterations = r["cg"]["iterations"].as_u64().unwrap_or(0);
    assert_eq!(
        iterations, c.iterations,
        "scipy CG iterations equal rvf's (n = {n})"
    );
    // They stop on their recurrence residual; the true one may differ by
    // rounding, hence the factor 2.
    for k in ["cg", "amg"] {
        assert!(f(&r[k]["relres"]) < 2e-8, "{k} reached the tolerance: {r}");
    }
    Row {
        n,
        cg_ms: f(&r["cg"]["ms"]),
        iterations,
        spsolve_ms: (!r["spsolve"].is_null()).then(|| f(&r["spsolve"]["ms"])),
        amg_setup_ms: f(&r["amg"]["setup_ms"]),
        amg_solve_ms: f(&r["amg"]["solve_ms"]),
        amg_iterations: r["amg"]["iterations"].as_u64().unwrap_or(0),
    }
}

/// Write a system as Matrix Market (1-based coordinates) plus its
/// right-hand side, one value per line in shortest round-trip form.
fn write_mtx(dir: &Path, name: &str, a: &Csr, b: &[f64]) {
    let create = |file: String| {
        std::io::BufWriter::new(std::fs::File::create(dir.join(file)).expect("create"))
    };
    let mut w = create(format!("{name}.mtx"));
    writeln!(
        w,
        "%%MatrixMarket matrix coordinate real general\n{} {} {}",
        a.rows,
        a.cols,
        a.nnz()
    )
    .unwrap();
    for (i, r) in a.row_ptr.windows(2).enumerate() {
        for k in r[0] as usize..r[1] as usize {
            writeln!(w, "{} {} {:?}", i + 1, a.col_idx[k] + 1, a.values[k]).unwrap();
        }
    }
    let mut w = create(format!("{name}_rhs.txt"));
    for v in b {
        writeln!(w, "{v:?}").unwrap();
    }
}

/// A venv under target/ with numpy, scipy and pyamg (made once), or why not.
fn external_python() -> Result<PathBuf, String> {
    let venv = Path::new(VENV);
    let py = venv.join("bin/python");
    let ok = |c: &mut Command| c.status().map(|s| s.success()).unwrap_or(false);
    if !py.exists() && !ok(Command::new("python3").args(["-m", "venv"]).arg(venv)) {
        return Err("python3 -m venv failed (is python3 with venv installed?)".into());
    }
    let probe = |py: &Path| ok(Command::new(py).args(["-c", "import numpy, scipy, pyamg"]));
    if !probe(&py) {
        eprintln!(
            "rvf-bench: installing numpy, scipy and pyamg into {} ...",
            venv.display()
        );
        let installed =
            ok(Command::new(&py).args(["-m", "pip", "install", "-q", "numpy", "scipy", "pyamg"]));
        if !installed || !probe(&py) {
            return Err("pip install numpy scipy pyamg failed (no network to PyPI?)".into());
        }
    }
    Ok(py)
}
