//! Numeric rules that the packer (which records them) and the kernel
//! (which enforces them) must compute identically.

/// The relative diagonal-dominance margin of a square matrix given as rows
/// of `(columns, values)` in row order: minᵢ (|aᵢᵢ| − Σⱼ≠ᵢ |aᵢⱼ|) / |aᵢᵢ|.
///
/// Entries of one row that share a column (duplicates) are summed before
/// the absolute value is taken, as a matrix-vector product sums them.
/// Returns −∞ when some diagonal is zero (no margin at all), +∞ for an
/// empty matrix; Jacobi is allowed only for a margin > 0 and ≥ its
/// `min_margin`. Rows are summed left to right (fixed order).
pub fn dominance_margin<'r, I>(rows: I) -> f64
where
    I: IntoIterator<Item = (&'r [u32], &'r [f64])>,
{
    let mut margin = f64::INFINITY;
    for (i, (cols, vals)) in rows.into_iter().enumerate() {
        let (mut diag, mut off) = (0.0f64, 0.0f64);
        for (c, v) in cols.iter().zip(vals) {
            if *c as usize == i {
                diag += *v;
            } else {
                off += v.abs();
            }
        }
        let diag = diag.abs();
        if diag == 0.0 {
            return f64::NEG_INFINITY;
        }
        margin = margin.min((diag - off) / diag);
    }
    margin
}

#[cfg(test)]
mod tests {
    use super::dominance_margin;

    #[test]
    fn margins_by_hand() {
        // [[4, -1], [-1, 2]]: row margins (4-1)/4 = 0.75 and (2-1)/2 = 0.5.
        let rows: [(&[u32], &[f64]); 2] = [(&[0, 1], &[4.0, -1.0]), (&[0, 1], &[-1.0, 2.0])];
        assert_eq!(dominance_margin(rows), 0.5);
        // A duplicate diagonal (3 + -1 = 2) is summed before |.|: (2-1)/2.
        let rows: [(&[u32], &[f64]); 1] = [(&[0, 0, 1], &[3.0, -1.0, 1.0])];
        assert_eq!(dominance_margin(rows), 0.5);
        // A zero diagonal (or none) has no margin.
        let rows: [(&[u32], &[f64]); 2] = [(&[0], &[1.0]), (&[0], &[1.0])];
        assert_eq!(dominance_margin(rows), f64::NEG_INFINITY);
        let rows: [(&[u32], &[f64]); 1] = [(&[0, 0], &[1.0, -1.0])];
        assert_eq!(dominance_margin(rows), f64::NEG_INFINITY);
        assert_eq!(dominance_margin(core::iter::empty()), f64::INFINITY);
    }
}
