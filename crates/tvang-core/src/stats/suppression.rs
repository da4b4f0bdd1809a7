//! Small-cell suppression that holds: a count from 1 to n−1 is hidden (primary), and so are as
//! many other counts as it takes that no hidden count can be worked out from what is shown
//! (complementary, or secondary, suppression).
//!
//! A reader has the table's linear relations: within each row the complaints are the sum of
//! their outcomes, and a column whose groups add up to its total adds up. A hidden count is
//! disclosed exactly when it is fixed by those relations and the counts shown; that is, when its
//! unit vector lies in the span of the relations restricted to the hidden counts. [`disclosed`]
//! decides this row by row (each row meets the others only through the at most eleven column
//! sums, so the work is linear in the rows: a table by child has thousands), and [`suppress`]
//! hides one more count in a relation of each disclosed one until none is disclosed. Figures
//! derived from a hidden count (rates, shares, funnel classes) are left out by the caller
//! ([`super::output_table`]).

use super::Row;
use std::collections::BTreeMap;

/// Why a count is not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// From 1 to n−1: shown as `<n`.
    Small,
    /// Hidden so that a small one cannot be worked out: shown as `:` (Statistics Norway's mark
    /// for a figure withheld for confidentiality).
    Complement,
}

/// The count columns a reader can relate to one another.
pub const COUNTS: [&str; 11] = [
    "protocols",
    "measures",
    "complaints",
    "medhold",
    "delvis_medhold",
    "ikke_medhold",
    "avvist",
    "opphevet_hjemvist",
    "trukket",
    "pending",
    "children",
];

/// Within a row, the complaints and the outcomes they add up to.
const COMPLAINTS_BY_OUTCOME: [&str; 7] = [
    "medhold",
    "delvis_medhold",
    "ikke_medhold",
    "avvist",
    "opphevet_hjemvist",
    "trukket",
    "pending",
];

/// One count of the table: (row, column in [`COUNTS`]).
pub type Cell = (usize, usize);

pub fn count(row: &Row, column: usize) -> u64 {
    match COUNTS[column] {
        "protocols" => row.protocols,
        "measures" => row.measures,
        "complaints" => row.complaints,
        "medhold" => row.medhold,
        "delvis_medhold" => row.delvis_medhold,
        "ikke_medhold" => row.ikke_medhold,
        "avvist" => row.avvist,
        "opphevet_hjemvist" => row.opphevet_hjemvist,
        "trukket" => row.trukket,
        "pending" => row.pending,
        "children" => row.children,
        other => unreachable!("{other} is not a count"),
    }
}

/// Which of the table's relations hold: each row's (complaints = its outcomes) and each
/// column's (the groups add up to the total). Only relations that hold in the data count, so a
/// grouping where a protocol counts in several groups (by provision) keeps those that still
/// hold (its measures).
#[derive(Debug, Clone, PartialEq)]
pub struct Relations {
    pub rows: Vec<bool>,
    pub columns: [bool; COUNTS.len()],
}

/// The coefficient of column `c` in a row's relation: complaints − Σ outcomes = 0.
fn row_coefficient(c: usize) -> f64 {
    match COUNTS[c] {
        "complaints" => 1.0,
        name if COMPLAINTS_BY_OUTCOME.contains(&name) => -1.0,
        _ => 0.0,
    }
}

/// The relations that hold among the counts of `rows` (the last row is the total).
pub fn relations(rows: &[Row]) -> Relations {
    let holds_in_row = |row: &Row| {
        let parts: u64 = (0..COUNTS.len())
            .filter(|c| row_coefficient(*c) < 0.0)
            .map(|c| count(row, c))
            .sum();
        parts == row.complaints
    };
    let mut columns = [false; COUNTS.len()];
    if rows.len() > 1 {
        let total = rows.len() - 1;
        for (c, holds) in columns.iter_mut().enumerate() {
            let sum: u64 = rows[..total].iter().map(|row| count(row, c)).sum();
            *holds = sum == count(&rows[total], c);
        }
    }
    Relations {
        rows: rows.iter().map(holds_in_row).collect(),
        columns,
    }
}

const EPS: f64 = 1e-9;

/// Reduces `m` (rows of equal length) to reduced row echelon form; returns (row, pivot column)
/// for each non-zero row.
fn rref(m: &mut Vec<Vec<f64>>) -> Vec<(usize, usize)> {
    m.retain(|row| row.iter().any(|k| k.abs() > EPS));
    let width = m.first().map_or(0, Vec::len);
    let mut pivots = Vec::new();
    let mut r = 0;
    for c in 0..width {
        if r == m.len() {
            break;
        }
        let Some(p) = (r..m.len()).find(|&i| m[i][c].abs() > EPS) else {
            continue;
        };
        m.swap(r, p);
        let lead = m[r][c];
        for k in m[r].iter_mut() {
            *k /= lead;
        }
        let pivot_row = m[r].clone();
        for (i, row) in m.iter_mut().enumerate() {
            if i != r && row[c].abs() > EPS {
                let factor = row[c];
                for (k, p) in row.iter_mut().zip(&pivot_row) {
                    *k -= factor * p;
                }
            }
        }
        pivots.push((r, c));
        r += 1;
    }
    pivots
}

/// A basis of the span of `vectors` (of length `k`), reduced; `None` stands for all of ℝᵏ.
fn span(vectors: Vec<Vec<f64>>, k: usize) -> Option<Vec<Vec<f64>>> {
    let mut m = vectors;
    let pivots = rref(&mut m);
    m.truncate(pivots.len());
    (m.len() < k).then_some(m)
}

/// The sum of two spans (`None`: all of ℝᵏ).
fn join(a: &Option<Vec<Vec<f64>>>, b: &Option<Vec<Vec<f64>>>, k: usize) -> Option<Vec<Vec<f64>>> {
    match (a, b) {
        (Some(a), Some(b)) => span(a.iter().chain(b).cloned().collect(), k),
        _ => None,
    }
}

/// A basis of the vectors of ℝᵏ orthogonal to the span of `basis` (in RREF).
fn complement(basis: &[Vec<f64>], k: usize) -> Vec<Vec<f64>> {
    let mut m = basis.to_vec();
    let pivots = rref(&mut m);
    let pivot_cols: Vec<usize> = pivots.iter().map(|(_, c)| *c).collect();
    (0..k)
        .filter(|c| !pivot_cols.contains(c))
        .map(|free| {
            let mut v = vec![0.0; k];
            v[free] = 1.0;
            for (row, pc) in &pivots {
                v[*pc] = -m[*row][free];
            }
            v
        })
        .collect()
}

/// The hidden cells of a table of `n_rows` rows that its relations and the shown counts
/// determine.
///
/// A hidden cell (r, c) is free exactly when some change of the hidden values that keeps every
/// relation changes it. Such a change is, row by row, a change v_r of row r's hidden cells that
/// keeps row r's relation, and whose column parts (on the columns that add up) sum to zero
/// over the rows. So row r's cells are free or fixed by the row's own relation together with
/// the column parts the other rows can balance: the span Q of their possible column parts. The
/// cells of row r fixed by [row relation; the orthogonal complement of Q] are the disclosed
/// ones. Q for every row comes from prefix and suffix spans, in ℝᵏ with k ≤ 11.
pub fn disclosed(relations: &Relations, hidden: &BTreeMap<Cell, Hidden>) -> Vec<Cell> {
    let n_rows = relations.rows.len();
    let dims: Vec<usize> = (0..COUNTS.len())
        .filter(|c| relations.columns[*c])
        .collect();
    let k = dims.len();
    let mut by_row: Vec<Vec<usize>> = vec![Vec::new(); n_rows];
    for &(r, c) in hidden.keys() {
        by_row[r].push(c);
    }
    // Row r's own constraint on its hidden cells, if it has one.
    let constraint = |r: usize| -> Option<Vec<f64>> {
        let a: Vec<f64> = by_row[r].iter().map(|c| row_coefficient(*c)).collect();
        (relations.rows[r] && a.iter().any(|x| x.abs() > EPS)).then_some(a)
    };
    // The column parts row r's changes can have: its changes (keeping its relation) projected
    // on the columns that add up.
    let project = |r: usize, v: &[f64]| -> Vec<f64> {
        let mut out = vec![0.0; k];
        for (j, c) in by_row[r].iter().enumerate() {
            if let Some(d) = dims.iter().position(|x| x == c) {
                out[d] = v[j];
            }
        }
        out
    };
    let parts = |r: usize| -> Option<Vec<Vec<f64>>> {
        let h = by_row[r].len();
        let unit = |j: usize| {
            let mut v = vec![0.0; h];
            v[j] = 1.0;
            v
        };
        let changes: Vec<Vec<f64>> = match constraint(r) {
            None => (0..h).map(unit).collect(),
            Some(a) => {
                let p = a
                    .iter()
                    .position(|x| x.abs() > EPS)
                    .expect("a non-zero entry");
                (0..h)
                    .filter(|j| *j != p)
                    .map(|j| {
                        let mut v = unit(j);
                        v[p] = -a[j] / a[p];
                        v
                    })
                    .collect()
            }
        };
        span(changes.iter().map(|v| project(r, v)).collect(), k)
    };
    let row_parts: Vec<Option<Vec<Vec<f64>>>> = (0..n_rows)
        .map(|r| {
            if by_row[r].is_empty() {
                Some(Vec::new())
            } else {
                parts(r)
            }
        })
        .collect();
    // suffix[r]: the span of the parts of rows r.. (none past the end).
    let mut suffix: Vec<Option<Vec<Vec<f64>>>> = vec![Some(Vec::new()); n_rows + 1];
    for r in (0..n_rows).rev() {
        suffix[r] = if row_parts[r].as_ref().is_some_and(Vec::is_empty) {
            suffix[r + 1].clone()
        } else {
            join(&row_parts[r], &suffix[r + 1], k)
        };
    }
    let mut out = Vec::new();
    let mut prefix: Option<Vec<Vec<f64>>> = Some(Vec::new());
    for r in 0..n_rows {
        let h = by_row[r].len();
        if h > 0 {
            let others = join(&prefix, &suffix[r + 1], k);
            let mut m: Vec<Vec<f64>> = constraint(r).into_iter().collect();
            if let Some(q) = &others {
                for n in complement(q, k) {
                    m.push(
                        by_row[r]
                            .iter()
                            .map(|c| dims.iter().position(|x| x == c).map_or(0.0, |d| n[d]))
                            .collect(),
                    );
                }
            }
            for (row, c) in rref(&mut m) {
                let alone = m[row]
                    .iter()
                    .enumerate()
                    .all(|(j, x)| j == c || x.abs() <= EPS);
                if alone {
                    out.push((r, by_row[r][c]));
                }
            }
            if !row_parts[r].as_ref().is_some_and(Vec::is_empty) {
                prefix = join(&prefix, &row_parts[r], k);
            }
        }
    }
    out
}

/// The counts of `rows` (the last is the total) to hide so that no count from 1 to `below`−1
/// shows or can be worked out. Zero stays shown: it discloses no one.
pub fn suppress(rows: &[Row], below: u64) -> BTreeMap<Cell, Hidden> {
    let mut hidden: BTreeMap<Cell, Hidden> = BTreeMap::new();
    for (r, row) in rows.iter().enumerate() {
        for c in 0..COUNTS.len() {
            let v = count(row, c);
            if v > 0 && v < below {
                hidden.insert((r, c), Hidden::Small);
            }
        }
    }
    if hidden.is_empty() {
        return hidden;
    }
    let relations = relations(rows);
    let total = rows.len() - 1;
    // The cells a complement may be taken from, best first: a group's before the total's, a
    // non-zero one before a zero (a hidden zero protects less), the smallest first.
    let key = |(r, c): Cell| {
        let v = count(&rows[r], c);
        (r == total, v == 0, v, r, c)
    };
    let mut by_column: Vec<Vec<Cell>> = (0..COUNTS.len())
        .map(|c| {
            let mut cells: Vec<Cell> = (0..rows.len()).map(|r| (r, c)).collect();
            cells.sort_by_key(|cell| key(*cell));
            cells
        })
        .collect();
    loop {
        let open = disclosed(&relations, &hidden);
        if open.is_empty() {
            return hidden;
        }
        // One complement per disclosed cell, in its row's relation or its column's, at most
        // one new one per relation a round (one is often enough for several); then check again.
        let mut rows_used = vec![false; rows.len()];
        let mut columns_used = [false; COUNTS.len()];
        let mut added = false;
        for (r, c) in open {
            let in_row = (relations.rows[r] && row_coefficient(c) != 0.0 && !rows_used[r])
                .then(|| {
                    (0..COUNTS.len())
                        .filter(|c2| row_coefficient(*c2) != 0.0)
                        .map(|c2| (r, c2))
                        .filter(|cell| !hidden.contains_key(cell))
                        .min_by_key(|cell| key(*cell))
                })
                .flatten();
            let in_column = (relations.columns[c] && !columns_used[c])
                .then(|| {
                    by_column[c].retain(|cell| !hidden.contains_key(cell));
                    by_column[c].first().copied()
                })
                .flatten();
            let pick = match (in_row, in_column) {
                (Some(a), Some(b)) => Some(if key(a) <= key(b) { a } else { b }),
                (a, b) => a.or(b),
            };
            if let Some(cell) = pick {
                if cell.0 == r && row_coefficient(cell.1) != 0.0 && cell.1 != c {
                    rows_used[r] = true;
                } else {
                    columns_used[c] = true;
                }
                hidden.insert(cell, Hidden::Complement);
                added = true;
            }
        }
        // Every cell of the disclosed cells' own relations is hidden: they are fixed through
        // other relations. Hide the best count still shown in any relation; each round hides
        // one more, so this ends.
        if !added {
            let any = (0..rows.len())
                .flat_map(|r| (0..COUNTS.len()).map(move |c| (r, c)))
                .filter(|&(r, c)| {
                    relations.columns[c] || (relations.rows[r] && row_coefficient(c) != 0.0)
                })
                .filter(|cell| !hidden.contains_key(cell))
                .min_by_key(|cell| key(*cell));
            match any {
                Some(cell) => {
                    hidden.insert(cell, Hidden::Complement);
                }
                None => return hidden,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(group: &str, protocols: u64, complaints: u64, medhold: u64, ikke: u64) -> Row {
        Row {
            group: group.into(),
            key: group.into(),
            protocols,
            measures: protocols,
            complaints,
            complaints_per_100_protocols: None,
            protocols_per_complaint: None,
            medhold,
            delvis_medhold: 0,
            ikke_medhold: ikke,
            avvist: 0,
            opphevet_hjemvist: 0,
            trukket: 0,
            pending: complaints - medhold - ikke,
            upheld_share: None,
            children: protocols,
            unlinked_complaints: None,
            median_handling_days: None,
            p90_handling_days: None,
            decided_within_target_share: None,
            protocols_per_child_mean: None,
            protocols_per_child_max: None,
            top_decile_children_share: None,
            complaint_rate_funnel: None,
            upheld_share_funnel: None,
        }
    }

    fn with_total(mut rows: Vec<Row>) -> Vec<Row> {
        let mut total = row("total", 0, 0, 0, 0);
        for r in &rows {
            for (c, name) in COUNTS.iter().enumerate() {
                let v = count(r, c);
                match *name {
                    "protocols" => total.protocols += v,
                    "measures" => total.measures += v,
                    "complaints" => total.complaints += v,
                    "medhold" => total.medhold += v,
                    "ikke_medhold" => total.ikke_medhold += v,
                    "pending" => total.pending += v,
                    "children" => total.children += v,
                    _ => {}
                }
            }
        }
        rows.push(total);
        rows
    }

    /// What a reader can work out, the slow way: every relation as one dense row over the
    /// hidden cells, reduced; a hidden cell is known when a reduced row holds it alone.
    fn disclosed_dense(relations: &Relations, hidden: &BTreeMap<Cell, Hidden>) -> Vec<Cell> {
        let unknowns: Vec<Cell> = hidden.keys().copied().collect();
        let n_rows = relations.rows.len();
        let mut m: Vec<Vec<f64>> = Vec::new();
        for r in (0..n_rows).filter(|r| relations.rows[*r]) {
            m.push(
                unknowns
                    .iter()
                    .map(|&(r2, c)| if r2 == r { row_coefficient(c) } else { 0.0 })
                    .collect(),
            );
        }
        for c in (0..COUNTS.len()).filter(|c| relations.columns[*c]) {
            m.push(
                unknowns
                    .iter()
                    .map(|&(r, c2)| match (c2 == c, r + 1 == n_rows) {
                        (false, _) => 0.0,
                        (true, true) => 1.0,
                        (true, false) => -1.0,
                    })
                    .collect(),
            );
        }
        let mut out: Vec<Cell> = rref(&mut m)
            .into_iter()
            .filter(|&(row, c)| {
                m[row]
                    .iter()
                    .enumerate()
                    .all(|(j, x)| j == c || x.abs() <= EPS)
            })
            .map(|(_, c)| unknowns[c])
            .collect();
        out.sort();
        out
    }

    proptest::proptest! {
        #[test]
        fn the_row_by_row_check_agrees_with_full_elimination(
            groups in proptest::collection::vec(
                (0u64..12, 0u64..4, 0u64..4, 0u64..3, proptest::bool::ANY), 2..7),
            below in 2u64..6,
            extra in proptest::collection::vec((0usize..8, 0usize..11), 0..6),
        ) {
            let mut rows: Vec<Row> = groups
                .iter()
                .enumerate()
                .map(|(i, &(p, m, ik, pending, _))| {
                    let mut r = row(&i.to_string(), p, m + ik + pending, m, ik);
                    r.measures = p + m;
                    r
                })
                .collect();
            // Some rows whose outcomes do not add up (a relation that does not hold).
            for (r, g) in rows.iter_mut().zip(&groups) {
                if g.4 {
                    r.trukket += 1;
                }
            }
            let rows = with_total(rows);
            let relations = relations(&rows);
            let mut hidden: BTreeMap<Cell, Hidden> = BTreeMap::new();
            for (r, row) in rows.iter().enumerate() {
                for c in 0..COUNTS.len() {
                    let v = count(row, c);
                    if v > 0 && v < below {
                        hidden.insert((r, c), Hidden::Small);
                    }
                }
            }
            for (r, c) in extra {
                hidden.insert((r % rows.len(), c), Hidden::Complement);
            }
            let mut fast = disclosed(&relations, &hidden);
            fast.sort();
            proptest::prop_assert_eq!(fast, disclosed_dense(&relations, &hidden));
            // And what suppress leaves, nobody can work out.
            let safe = suppress(&rows, below);
            let mut fast_safe = disclosed(&relations, &safe);
            fast_safe.sort();
            proptest::prop_assert_eq!(&fast_safe, &disclosed_dense(&relations, &safe));
            proptest::prop_assert!(fast_safe.is_empty(), "{:?}", safe);
        }
    }

    #[test]
    fn one_small_cell_in_a_column_takes_another_with_it() {
        // Nordland's 4 protocols were 300 − 296 before.
        let rows = with_total(vec![
            row("a", 100, 10, 5, 5),
            row("b", 96, 10, 5, 5),
            row("c", 4, 0, 0, 0),
        ]);
        let hidden = suppress(&rows, 5);
        assert_eq!(hidden.get(&(2, 0)), Some(&Hidden::Small));
        assert_eq!(hidden.get(&(1, 0)), Some(&Hidden::Complement), "{hidden:?}");
        assert!(disclosed(&relations(&rows), &hidden).is_empty());
    }

    #[test]
    fn nothing_is_hidden_without_small_cells() {
        let rows = with_total(vec![row("a", 100, 10, 5, 5), row("b", 96, 0, 0, 0)]);
        assert!(suppress(&rows, 5).is_empty());
    }

    #[test]
    fn the_outcomes_of_a_row_protect_each_other() {
        // 7 complaints = 2 medhold + 5 ikke: hiding the 2 alone would leave 7 − 5.
        let rows = with_total(vec![row("a", 65, 7, 2, 5), row("b", 60, 11, 6, 5)]);
        let hidden = suppress(&rows, 5);
        assert!(hidden.contains_key(&(0, 3)));
        assert!(
            disclosed(&relations(&rows), &hidden).is_empty(),
            "{hidden:?}"
        );
        assert!(hidden.len() >= 3, "its row and its column: {hidden:?}");
    }
}
