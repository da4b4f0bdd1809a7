//! Small-cell suppression that holds: a count from 1 to n−1 is hidden (primary), and so are as
//! many other counts as it takes that no hidden count can be worked out from what is shown
//! (complementary, or secondary, suppression).
//!
//! A reader has the table's linear relations: within each row the complaints are the sum of
//! their outcomes, and a column whose groups add up to its total adds up. A hidden count is
//! disclosed exactly when it is fixed by those relations and the counts shown; that is, when its
//! unit vector lies in the span of the relations restricted to the hidden counts. [`suppress`]
//! checks this by Gaussian elimination and hides one more count in a relation of each disclosed
//! one until none is disclosed. Figures derived from a hidden count (rates, shares, funnel
//! classes) are left out by the caller ([`super::output_table`]).

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

/// A linear relation a reader knows holds: Σ coefficient × cell = 0.
pub type Relation = Vec<(Cell, f64)>;

/// The relations that hold among the counts of `rows` (the last row is the total): each row's
/// complaints = the sum of its outcomes, and each column whose groups add up to its total.
/// Only relations that hold in the data are listed, so a grouping where a protocol counts in
/// several groups (by provision) keeps the ones that still hold (its measures).
pub fn relations(rows: &[Row]) -> Vec<Relation> {
    let mut out = Vec::new();
    let col = |name: &str| COUNTS.iter().position(|c| *c == name).expect("a count");
    for (r, row) in rows.iter().enumerate() {
        let parts: u64 = COMPLAINTS_BY_OUTCOME
            .iter()
            .map(|c| count(row, col(c)))
            .sum();
        if parts == row.complaints {
            let mut rel = vec![((r, col("complaints")), 1.0)];
            rel.extend(COMPLAINTS_BY_OUTCOME.iter().map(|c| ((r, col(c)), -1.0)));
            out.push(rel);
        }
    }
    if rows.len() > 1 {
        let total = rows.len() - 1;
        for c in 0..COUNTS.len() {
            let sum: u64 = rows[..total].iter().map(|row| count(row, c)).sum();
            if sum == count(&rows[total], c) {
                let mut rel = vec![((total, c), 1.0)];
                rel.extend((0..total).map(|r| ((r, c), -1.0)));
                out.push(rel);
            }
        }
    }
    out
}

/// The hidden cells that the relations and the shown counts determine.
pub fn disclosed(relations: &[Relation], hidden: &BTreeMap<Cell, Hidden>) -> Vec<Cell> {
    let unknowns: Vec<Cell> = hidden.keys().copied().collect();
    let index: BTreeMap<Cell, usize> = unknowns.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    // Each relation restricted to the hidden cells (the shown ones move to the constant side,
    // which does not matter for what is determined).
    let mut matrix: Vec<Vec<f64>> = relations
        .iter()
        .map(|rel| {
            let mut row = vec![0.0; unknowns.len()];
            for (cell, k) in rel {
                if let Some(&i) = index.get(cell) {
                    row[i] += k;
                }
            }
            row
        })
        .filter(|row| row.iter().any(|k| k.abs() > 1e-9))
        .collect();
    // Reduced row echelon form.
    let mut pivots: Vec<(usize, usize)> = Vec::new();
    let mut r = 0;
    for c in 0..unknowns.len() {
        let Some(p) = (r..matrix.len()).find(|&i| matrix[i][c].abs() > 1e-9) else {
            continue;
        };
        matrix.swap(r, p);
        let lead = matrix[r][c];
        for k in matrix[r].iter_mut() {
            *k /= lead;
        }
        for i in 0..matrix.len() {
            if i != r && matrix[i][c].abs() > 1e-9 {
                let factor = matrix[i][c];
                let pivot_row = matrix[r].clone();
                for (k, p) in matrix[i].iter_mut().zip(pivot_row) {
                    *k -= factor * p;
                }
            }
        }
        pivots.push((r, c));
        r += 1;
        if r == matrix.len() {
            break;
        }
    }
    // A pivot whose row has no other hidden cell is determined.
    pivots
        .into_iter()
        .filter(|&(row, c)| {
            matrix[row]
                .iter()
                .enumerate()
                .all(|(j, k)| j == c || k.abs() <= 1e-9)
        })
        .map(|(_, c)| unknowns[c])
        .collect()
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
    // Each round hides one more count; there are finitely many.
    loop {
        let open = disclosed(&relations, &hidden);
        let Some(&cell) = open.first() else {
            return hidden;
        };
        // In a relation of the disclosed cell, the smallest count still shown: a group's before
        // the total's, a non-zero one before a zero (a hidden zero protects less).
        let candidate = relations
            .iter()
            .filter(|rel| rel.iter().any(|(c, _)| *c == cell))
            .flat_map(|rel| rel.iter().map(|(c, _)| *c))
            .filter(|c| !hidden.contains_key(c))
            .min_by_key(|&(r, c)| {
                let v = count(&rows[r], c);
                (r == total, v == 0, v)
            });
        match candidate {
            Some(c) => {
                hidden.insert(c, Hidden::Complement);
            }
            // Every cell of its relations is hidden, yet it is determined: cannot happen for
            // relations with more than one cell, but never loop on it.
            None => return hidden,
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
