//! Streaming, mergeable accumulators for one weekly metric across replicas.
//!
//! An [`Accumulator`] holds a histogram of the values seen (sorted `(key, count)` bins) and an
//! exact sum, never the values themselves, so memory does not grow with the replica count, and
//! two accumulators [`merge`](Accumulator::merge) into the one that folding both sets of values
//! would give, **whatever the order** (threads, chunks, cluster shards). It owns no I/O.
//!
//! # Resolution
//! - Every value is first stored as an `f32` (as the fan always was): counts below 2^24 are
//!   exact, so for count metrics (backlog, population, visits, entries…) the histogram *is* the
//!   sample and the quantiles equal [`stats::quantile_sorted`] of the sorted values, bit for bit.
//! - Count metrics keep every distinct value (their range, not the replica count, bounds the
//!   bins). While their values are whole numbers in a compact range they are held as one
//!   counter per integer from the smallest to the largest (2 bytes a value while every count
//!   fits in a `u16`, 4 once one does not; a sparse bin takes 8), with no reallocation per new
//!   value; a metric whose range grows much wider than its distinct values, or that sees a
//!   fraction, keeps sparse bins. The two forms hold the same histogram, so every statistic,
//!   partial aggregate and merge is the same in either.
//! - Continuous metrics (hours, FTE, days overdue, caseload per FTE, occupancy) also keep
//!   the exact `f32` value while they have at most [`CONTINUOUS_BINS`] distinct values; beyond
//!   that the accumulator drops the fewest low mantissa bits (level `L`) that bring it back to at
//!   most [`CONTINUOUS_BINS`] bins, i.e. a relative resolution of `2^-(23-L)`, and a bin then
//!   stands for the midpoint of its range. The level is a function of the *set* of values (the
//!   smallest level with few enough bins; coarser levels nest), so it too is merge-order free.
//! - The mean comes from an exact sum: each finite `f64` value is split into its integer part
//!   and its fraction (both exact), summed as integers: the integer parts in an `i128`, the
//!   fractions in units of 2^-100 (exact for every value of magnitude ≥ 2^-48; finite values
//!   are clamped to ±2^100). Integer addition is associative, so the mean does not depend on
//!   the order; it is the exact mean rounded (twice) to `f64`. A plain left-to-right `f64` sum,
//!   as before, could differ from it in the last bits, which shows only when the exact mean is
//!   a tie at the printed third decimal (e.g. 8.7655 printed as 8.766 instead of 8.765).
//!   Most values (magnitude in `[2^-48, 2^50)`, or zero) are summed per batch more cheaply,
//!   split exactly into whole multiples of 1, 2^-50 and 2^-100 ([`BatchSum`]); that adds the
//!   same number of 2^-100 units, so the sum is the same to the last bit either way.
//!
//! [`stats::quantile_sorted`]: crate::stats::quantile_sorted

use crate::stats;

/// Most bins a continuous metric keeps before coarsening (see the module docs).
pub(crate) const CONTINUOUS_BINS: usize = 1024;

/// Fixed-point scale of the fractions in the exact sum: multiples of 2^-100.
const FRAC_SHIFT: i32 = 100;
/// Largest finite magnitude summed (larger values are clamped to it): 2^100.
const SUM_LIMIT: f64 = 1_267_650_600_228_229_401_496_703_205_376.0;

/// Monotone key of an `f32`: unsigned order equals `f32::total_cmp` order.
pub(crate) fn key_of(x: f32) -> u32 {
    let b = x.to_bits();
    if b & 0x8000_0000 != 0 {
        !b
    } else {
        b | 0x8000_0000
    }
}

/// The `f32` of a key (inverse of [`key_of`]).
pub(crate) fn value_of(k: u32) -> f32 {
    let b = if k & 0x8000_0000 != 0 {
        k & 0x7fff_ffff
    } else {
        !k
    };
    f32::from_bits(b)
}

/// Reusable temporaries of [`Accumulator::extend_with`].
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    keys: Vec<u32>,
    batch: Vec<(u32, u32)>,
    narrow: Vec<f32>,
}

/// How finely a metric is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Integer-valued: every distinct value is kept (exact quantiles).
    Count,
    /// Real-valued: exact `f32` up to [`CONTINUOUS_BINS`] bins, then binary-coarsened.
    Continuous,
}

/// Largest magnitude of a whole number held densely (every integer up to it is exact in `f32`).
const DENSE_LIMIT: f32 = 16_777_216.0;

/// A count metric's histogram as one counter per integer `base..base + counts.len()`.
#[derive(Debug, Clone, Default)]
struct Dense {
    base: i32,
    counts: Counters,
    /// Counters above zero.
    distinct: usize,
}

/// The counters of a dense histogram: two bytes each while every count fits in a `u16`
/// (a count metric's histogram over tens of thousands of replicas spreads them over many
/// values), four for good once one does not. The width is storage only: the counts, and so
/// every statistic and partial aggregate, are the same in either.
#[derive(Debug, Clone)]
enum Counters {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Default for Counters {
    fn default() -> Counters {
        Counters::Narrow(Vec::new())
    }
}

impl Counters {
    fn len(&self) -> usize {
        match self {
            Counters::Narrow(v) => v.len(),
            Counters::Wide(v) => v.len(),
        }
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `len` counters at zero.
    fn zeros(len: usize) -> Counters {
        Counters::Narrow(vec![0; len])
    }

    /// Grows to `len` counters, the `below` new ones in front (the rest at the back),
    /// allocating exactly what it needs.
    fn grow(&mut self, len: usize, below: usize) {
        fn grow_front<T: Copy + Default>(v: &mut Vec<T>, len: usize, below: usize) {
            v.reserve_exact(len - v.len());
            v.resize(len, T::default());
            v.rotate_right(below);
        }
        match self {
            Counters::Narrow(v) => grow_front(v, len, below),
            Counters::Wide(v) => grow_front(v, len, below),
        }
    }

    /// Adds `c` to counter `i` and returns what it held before.
    fn add(&mut self, i: usize, c: u32) -> u32 {
        match self {
            Counters::Narrow(v) => {
                let old = u32::from(v[i]);
                match u16::try_from(old + c) {
                    Ok(new) => v[i] = new,
                    Err(_) => {
                        let mut wide: Vec<u32> = v.iter().map(|&x| u32::from(x)).collect();
                        wide[i] = old + c;
                        *self = Counters::Wide(wide);
                    }
                }
                old
            }
            Counters::Wide(v) => {
                let old = v[i];
                v[i] = old + c;
                old
            }
        }
    }

    /// Adds one to each counter `idx` names (a batch of values; the width is checked once
    /// per value, the form once per batch) and returns how many were at zero before.
    fn add_ones(&mut self, idx: &mut impl Iterator<Item = usize>) -> usize {
        let mut new = 0;
        if let Counters::Narrow(v) = self {
            loop {
                let Some(i) = idx.next() else {
                    return new;
                };
                let c = &mut v[i];
                if *c == u16::MAX {
                    let mut wide: Vec<u32> = v.iter().map(|&x| u32::from(x)).collect();
                    wide[i] += 1;
                    *self = Counters::Wide(wide);
                    break;
                }
                new += usize::from(*c == 0);
                *c += 1;
            }
        }
        if let Counters::Wide(v) = self {
            for i in idx {
                new += usize::from(v[i] == 0);
                v[i] += 1;
            }
        }
        new
    }

    /// Calls `f(i, count)` for every counter above zero, in order.
    fn for_each_seen(&self, mut f: impl FnMut(usize, u32)) {
        match self {
            Counters::Narrow(v) => v
                .iter()
                .enumerate()
                .filter(|&(_, &c)| c > 0)
                .for_each(|(i, &c)| f(i, u32::from(c))),
            Counters::Wide(v) => v
                .iter()
                .enumerate()
                .filter(|&(_, &c)| c > 0)
                .for_each(|(i, &c)| f(i, c)),
        }
    }

    /// The index of the counter holding the `j`-th value (0-based) in counter order.
    fn position_of(&self, j: u64) -> Option<usize> {
        fn scan<T: Copy + Into<u64>>(v: &[T], j: u64) -> Option<usize> {
            let mut seen = 0u64;
            v.iter().position(|&c| {
                seen += c.into();
                j < seen
            })
        }
        match self {
            Counters::Narrow(v) => scan(v, j),
            Counters::Wide(v) => scan(v, j),
        }
    }
}

/// The whole number `x` stands for when a count histogram may hold it densely (not `-0.0`,
/// whose key differs from `0.0`'s).
fn dense_value(x: f32) -> Option<i32> {
    // Within the limit `as` truncates exactly, so the round trip holds only for whole numbers
    // (NaN and the infinities fail the limit).
    let v = x as i32;
    (x.abs() <= DENSE_LIMIT && v as f32 == x && x.to_bits() != (-0.0f32).to_bits()).then_some(v)
}

impl Dense {
    /// Whether a dense histogram over `range` integers with at least `distinct` of them seen
    /// is no larger than its sparse bins (plus a little), so it stays dense.
    fn worth(range: i64, distinct: usize) -> bool {
        range <= 2 * distinct as i64 + 64
    }

    /// The range covering both this histogram's and `lo..=hi`.
    fn span_with(&self, lo: i32, hi: i32) -> (i32, i32) {
        if self.counts.is_empty() {
            (lo, hi)
        } else {
            let top = self.base + self.counts.len() as i32 - 1;
            (lo.min(self.base), hi.max(top))
        }
    }

    /// Widens the range to cover `lo..=hi`, allocating exactly what it needs.
    fn cover(&mut self, lo: i32, hi: i32) {
        if self.counts.is_empty() {
            self.base = lo;
            self.counts = Counters::zeros((i64::from(hi) - i64::from(lo) + 1) as usize);
            return;
        }
        let (new_lo, new_hi) = self.span_with(lo, hi);
        let len = (i64::from(new_hi) - i64::from(new_lo) + 1) as usize;
        if len > self.counts.len() {
            self.counts.grow(len, (self.base - new_lo) as usize);
            self.base = new_lo;
        }
    }

    fn add(&mut self, v: i32, c: u32) {
        if self.counts.add((v - self.base) as usize, c) == 0 {
            self.distinct += 1;
        }
    }

    /// The sparse bins `(key, count)` of the same histogram.
    fn sparse(&self) -> Vec<(u32, u32)> {
        let mut bins = Vec::with_capacity(self.distinct);
        self.counts.for_each_seen(|i, c| {
            bins.push((key_of((self.base + i as i32) as f32), c));
        });
        bins
    }
}

/// The histogram and exact sum of one metric in one week.
#[derive(Debug, Clone)]
pub struct Accumulator {
    kind: Kind,
    /// Low key bits dropped (0: exact `f32` values).
    level: u8,
    /// `(key >> level, count)`, keys strictly increasing (empty while `dense` holds them).
    bins: Vec<(u32, u32)>,
    /// A count metric's histogram while it is dense (see the module docs); `None`: `bins`.
    dense: Option<Dense>,
    /// A count metric has seen a value the dense form cannot hold: it stays sparse.
    never_dense: bool,
    n: u64,
    /// Sum of the finite values: `sum + frac · 2^-100`, `0 ≤ frac < 2^100`.
    sum: i128,
    frac: i128,
    /// Non-finite values seen: NaN, +inf, -inf (they make the mean NaN or infinite).
    nan: u64,
    pos_inf: u64,
    neg_inf: u64,
}

/// Equal when they hold the same histogram and sums, in whichever form.
impl PartialEq for Accumulator {
    fn eq(&self, other: &Accumulator) -> bool {
        self.to_parts() == other.to_parts()
    }
}

impl Eq for Accumulator {}

/// The serialisable content of an [`Accumulator`] (partial aggregates of sharded runs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parts {
    pub(crate) continuous: bool,
    pub(crate) level: u8,
    pub(crate) bins: Vec<(u32, u32)>,
    pub(crate) n: u64,
    pub(crate) sum: i128,
    pub(crate) frac: i128,
    pub(crate) nan: u64,
    pub(crate) pos_inf: u64,
    pub(crate) neg_inf: u64,
}

impl Accumulator {
    pub(crate) fn new(kind: Kind) -> Accumulator {
        Accumulator {
            kind,
            level: 0,
            bins: Vec::new(),
            dense: (kind == Kind::Count).then(Dense::default),
            never_dense: false,
            n: 0,
            sum: 0,
            frac: 0,
            nan: 0,
            pos_inf: 0,
            neg_inf: 0,
        }
    }

    /// Low mantissa bits dropped so far (0: every value kept exactly as an `f32`).
    #[cfg(test)]
    pub(crate) fn level(&self) -> u8 {
        self.level
    }

    /// Bins held (the memory used, in units of 8 bytes).
    #[cfg(test)]
    pub(crate) fn bins(&self) -> usize {
        self.dense.as_ref().map_or(self.bins.len(), |d| d.distinct)
    }

    #[cfg(test)]
    pub(crate) fn is_dense(&self) -> bool {
        self.dense.is_some()
    }

    /// Moves a dense histogram into sparse bins (for good).
    fn make_sparse(&mut self) {
        if let Some(d) = self.dense.take() {
            self.bins = d.sparse();
        }
    }

    /// Folds values into the dense histogram if they all fit it; `false` (nothing added)
    /// when the histogram must go sparse first.
    fn extend_dense(&mut self, values: &[f32]) -> bool {
        let Some(d) = &mut self.dense else {
            return false;
        };
        let (mut lo, mut hi) = (i32::MAX, i32::MIN);
        for &x in values {
            let Some(v) = dense_value(x) else {
                return false;
            };
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if values.is_empty() {
            return true;
        }
        let (lo, hi) = d.span_with(lo, hi);
        let range = i64::from(hi) - i64::from(lo) + 1;
        if !Dense::worth(range, d.distinct.max(values.len().min(range as usize))) {
            return false;
        }
        d.cover(lo, hi);
        let base = d.base;
        d.distinct += d
            .counts
            .add_ones(&mut values.iter().map(|&x| (x as i32 - base) as usize));
        true
    }

    /// Adds a value to the exact sum the slow way (any value; [`BatchSum`] takes most).
    fn add_to_sum(&mut self, x: f64) {
        if x.is_nan() {
            self.nan += 1;
        } else if x == f64::INFINITY {
            self.pos_inf += 1;
        } else if x == f64::NEG_INFINITY {
            self.neg_inf += 1;
        } else {
            let c = x.clamp(-SUM_LIMIT, SUM_LIMIT);
            let whole = c.trunc();
            self.sum += whole as i128;
            self.frac += ((c - whole) * 2f64.powi(FRAC_SHIFT)).round() as i128;
            self.carry();
        }
    }

    /// Moves whole units from `frac` into `sum`, leaving `0 ≤ frac < 2^100`.
    fn carry(&mut self) {
        let units = self.frac >> FRAC_SHIFT;
        self.sum += units;
        self.frac -= units << FRAC_SHIFT;
    }

    /// Folds a batch of values (any order; the result is the same as one at a time).
    #[cfg(test)]
    pub(crate) fn extend(&mut self, values: &[f64]) {
        self.extend_with(values.iter().copied(), &mut Scratch::default());
    }

    /// Folds a batch of values using `scratch` for the temporaries (reused across calls, so
    /// folding allocates nothing once the bins have grown).
    pub(crate) fn extend_with(&mut self, values: impl Iterator<Item = f64>, scratch: &mut Scratch) {
        let Scratch {
            keys,
            batch,
            narrow,
        } = scratch;
        keys.clear();
        batch.clear();
        narrow.clear();
        let mut batch_sum = BatchSum::default();
        for x in values {
            if !batch_sum.add(x) {
                self.add_to_sum(x);
            }
            narrow.push(x as f32);
        }
        if narrow.is_empty() {
            return;
        }
        batch_sum.add_to(self);
        if self.extend_dense(narrow) {
            self.n += narrow.len() as u64;
            return;
        }
        self.make_sparse();
        keys.extend(narrow.iter().map(|&x| shr(key_of(x), self.level)));
        keys.sort_unstable();
        for &k in keys.iter() {
            match batch.last_mut() {
                Some((lk, c)) if *lk == k => *c += 1,
                _ => batch.push((k, 1)),
            }
        }
        self.n += keys.len() as u64;
        merge_into(&mut self.bins, batch, self.kind);
        self.coarsen_to_fit();
        self.densify_if_worth();
    }

    /// Moves a count metric's sparse bins back into dense form once its values fill their
    /// range (a histogram that went sparse on a wide first batch fills in as replicas come).
    fn densify_if_worth(&mut self) {
        if self.kind != Kind::Count || self.dense.is_some() || self.never_dense {
            return;
        }
        let (Some(&(lo, _)), Some(&(hi, _))) = (self.bins.first(), self.bins.last()) else {
            return;
        };
        let (Some(lo), Some(hi)) = (dense_value(value_of(lo)), dense_value(value_of(hi))) else {
            self.never_dense = true;
            return;
        };
        if !Dense::worth(i64::from(hi) - i64::from(lo) + 1, self.bins.len()) {
            return;
        }
        let mut d = Dense::default();
        d.cover(lo, hi);
        for &(k, c) in &self.bins {
            match dense_value(value_of(k)) {
                Some(v) => d.add(v, c),
                None => {
                    self.never_dense = true;
                    return;
                }
            }
        }
        self.bins = Vec::new();
        self.dense = Some(d);
    }

    /// Adds every value `other` has seen.
    pub(crate) fn merge(&mut self, other: &Accumulator) {
        if !self.merge_dense(other) {
            self.make_sparse();
            let sparse;
            let other_bins = match &other.dense {
                Some(d) => {
                    sparse = d.sparse();
                    &sparse
                }
                None => &other.bins,
            };
            self.merge_bins(other.level, other_bins);
            self.densify_if_worth();
        }
        self.n += other.n;
        self.sum += other.sum;
        self.frac += other.frac;
        self.carry();
        self.nan += other.nan;
        self.pos_inf += other.pos_inf;
        self.neg_inf += other.neg_inf;
        self.coarsen_to_fit();
    }

    /// Adds `other`'s histogram to a dense one when both are dense and the union stays
    /// compact; `false` (nothing added) otherwise.
    fn merge_dense(&mut self, other: &Accumulator) -> bool {
        let (Some(d), Some(o)) = (&mut self.dense, &other.dense) else {
            return false;
        };
        if o.counts.is_empty() {
            return true;
        }
        let (lo, hi) = d.span_with(o.base, o.base + o.counts.len() as i32 - 1);
        if !Dense::worth(
            i64::from(hi) - i64::from(lo) + 1,
            d.distinct.max(o.distinct),
        ) {
            return false;
        }
        d.cover(lo, hi);
        o.counts.for_each_seen(|i, c| d.add(o.base + i as i32, c));
        true
    }

    /// Adds sparse bins kept at `level` to this accumulator's sparse bins.
    fn merge_bins(&mut self, other_level: u8, bins: &[(u32, u32)]) {
        let level = self.level.max(other_level);
        self.coarsen_to(level);
        let theirs: Vec<(u32, u32)>;
        let other_bins = if other_level < level {
            theirs = coarsened(bins, level - other_level);
            &theirs
        } else {
            bins
        };
        merge_into(&mut self.bins, other_bins, self.kind);
    }

    fn coarsen_to(&mut self, level: u8) {
        if level > self.level {
            coarsen_in_place(&mut self.bins, level - self.level);
            self.level = level;
        }
    }

    fn coarsen_to_fit(&mut self) {
        if self.kind == Kind::Continuous {
            while self.bins.len() > CONTINUOUS_BINS && self.level < 32 {
                coarsen_in_place(&mut self.bins, 1);
                self.level += 1;
            }
        }
    }

    /// The value a bin stands for: the exact `f32` at level 0, else the midpoint of its range.
    fn bin_value(&self, k: u32) -> f64 {
        if self.level == 0 {
            return f64::from(value_of(k));
        }
        let lo = u64::from(k) << self.level;
        let hi = lo + (1u64 << self.level) - 1;
        let (a, b) = (
            f64::from(value_of(lo as u32)),
            f64::from(value_of(hi.min(u64::from(u32::MAX)) as u32)),
        );
        if a.is_finite() && b.is_finite() {
            a + (b - a) / 2.0
        } else {
            a
        }
    }

    /// The `j`-th smallest value (0-based), as a bin value.
    fn order_statistic(&self, j: u64) -> f64 {
        let mut seen = 0u64;
        if let Some(d) = &self.dense {
            return d
                .counts
                .position_of(j)
                .map_or(f64::NAN, |i| f64::from((d.base + i as i32) as f32));
        }
        for &(k, c) in &self.bins {
            seen += u64::from(c);
            if j < seen {
                return self.bin_value(k);
            }
        }
        f64::NAN
    }

    /// Quantile `p`, interpolated exactly as [`stats::quantile_sorted`] does on the sorted
    /// sample (`NaN` when empty).
    pub(crate) fn quantile(&self, p: f64) -> f64 {
        let n = self.n;
        if n == 0 {
            return f64::NAN;
        }
        let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
        let lo = h.floor() as u64;
        let hi = (lo + 1).min(n - 1);
        let a = self.order_statistic(lo);
        let b = if hi == lo {
            a
        } else {
            self.order_statistic(hi)
        };
        a + (h - lo as f64) * (b - a)
    }

    /// The quantiles at [`stats::LEVELS`].
    pub(crate) fn quantiles(&self) -> [f64; 7] {
        stats::LEVELS.map(|p| self.quantile(p))
    }

    /// The mean of the values folded (`NaN` when empty).
    pub(crate) fn mean(&self) -> f64 {
        if self.n == 0 || self.nan > 0 || (self.pos_inf > 0 && self.neg_inf > 0) {
            return f64::NAN;
        }
        if self.pos_inf > 0 {
            return f64::INFINITY;
        }
        if self.neg_inf > 0 {
            return f64::NEG_INFINITY;
        }
        (self.sum as f64 + self.frac as f64 * 2f64.powi(-FRAC_SHIFT)) / self.n as f64
    }

    pub(crate) fn to_parts(&self) -> Parts {
        Parts {
            continuous: self.kind == Kind::Continuous,
            level: self.level,
            bins: self
                .dense
                .as_ref()
                .map_or_else(|| self.bins.clone(), Dense::sparse),
            n: self.n,
            sum: self.sum,
            frac: self.frac,
            nan: self.nan,
            pos_inf: self.pos_inf,
            neg_inf: self.neg_inf,
        }
    }

    /// Values folded in: finite ones, NaN and ±∞.
    pub(crate) fn observations(&self) -> u64 {
        // Saturating: a damaged file's counts may be anything.
        self.n
            .saturating_add(self.nan)
            .saturating_add(self.pos_inf)
            .saturating_add(self.neg_inf)
    }

    /// Rebuilds an accumulator; `None` when the parts are inconsistent (keys not increasing,
    /// counts not adding up, or too many bins for the level).
    pub(crate) fn from_parts(p: Parts) -> Option<Accumulator> {
        let increasing = p.bins.windows(2).all(|w| w[0].0 < w[1].0);
        let total: u64 = p.bins.iter().map(|&(_, c)| u64::from(c)).sum();
        let kind = if p.continuous {
            Kind::Continuous
        } else {
            Kind::Count
        };
        let fits = kind == Kind::Count || p.bins.len() <= CONTINUOUS_BINS;
        let level_ok = p.level <= 32 && (p.level == 0 || kind == Kind::Continuous);
        let keys_ok = p.level == 0
            || p.bins
                .iter()
                .all(|&(k, _)| u64::from(k) >> (32 - u32::from(p.level)) == 0);
        let frac_ok = p.frac >= 0 && p.frac >> FRAC_SHIFT == 0;
        (increasing && total == p.n && fits && level_ok && keys_ok && frac_ok).then_some(
            Accumulator {
                kind,
                level: p.level,
                bins: p.bins,
                dense: None,
                never_dense: false,
                n: p.n,
                sum: p.sum,
                frac: p.frac,
                nan: p.nan,
                pos_inf: p.pos_inf,
                neg_inf: p.neg_inf,
            },
        )
    }
}

/// Part of a batch's exact sum (see the module docs), gathered cheaply: each value `x` with
/// `2^-48 ≤ |x| < 2^50` (or zero) is split exactly as `w + a·2^-50 + b·2^-100` with whole
/// numbers `w`, `a`, `b` (`|a|, |b| ≤ 2^49`), the same `2^-100` units that
/// [`Accumulator::add_to_sum`] adds, so the total (and hence the normalised `sum` and `frac`)
/// is the same whichever way a value goes. The parts are summed in `i64` and moved into
/// `i128` every [`BatchSum::SPAN`] values, before they could overflow.
#[derive(Default)]
struct BatchSum {
    whole: i64,
    mid: i64,
    low: i64,
    /// Values in the `i64` parts.
    held: u32,
    /// The parts moved out of the `i64`s.
    total_whole: i128,
    total_mid: i128,
    total_low: i128,
}

/// `1.5 · 2^52`: adding it to a number below `2^51` in magnitude rounds that number to a
/// whole one `r`, and the sum's bits are then the magic's bits plus `r`.
const MAGIC: f64 = 6_755_399_441_055_744.0;

/// The whole number nearest to `y` (`|y| < 2^50`), as an `f64` and as an `i64`.
#[inline]
fn round_split(y: f64) -> (f64, i64) {
    let t = y + MAGIC;
    (t - MAGIC, t.to_bits() as i64 - MAGIC.to_bits() as i64)
}

impl BatchSum {
    /// Values summed in the `i64` parts before they move to `i128` (each part grows by at
    /// most 2^50 a value).
    const SPAN: u32 = 4096;

    /// Adds `x` when it is in the range described above; `false` (nothing added) otherwise.
    #[inline]
    fn add(&mut self, x: f64) -> bool {
        const MIN: f64 = 1.0 / 281_474_976_710_656.0; // 2^-48
        const MAX: f64 = 1_125_899_906_842_624.0; // 2^50
        let m = x.abs();
        if !((MIN..MAX).contains(&m) || m == 0.0) {
            return false;
        }
        // Every step is exact: x's last bit is ≥ 2^-100 (from 2^-48 up), so the remainder
        // after its nearest whole number is a multiple of 2^-100 of magnitude ≤ 1/2, whose
        // two 50-bit halves are whole numbers.
        let (wf, w) = round_split(x);
        let f = (x - wf) * MAX;
        let (af, a) = round_split(f);
        let (_, b) = round_split((f - af) * MAX);
        self.whole += w;
        self.mid += a;
        self.low += b;
        self.held += 1;
        if self.held == Self::SPAN {
            self.flush();
        }
        true
    }

    fn flush(&mut self) {
        self.total_whole += i128::from(self.whole);
        self.total_mid += i128::from(self.mid);
        self.total_low += i128::from(self.low);
        (self.whole, self.mid, self.low, self.held) = (0, 0, 0, 0);
    }

    /// Moves the batch's total into `acc`'s exact sum.
    fn add_to(mut self, acc: &mut Accumulator) {
        self.flush();
        acc.sum += self.total_whole + (self.total_mid >> 50);
        acc.frac += ((self.total_mid & ((1 << 50) - 1)) << 50) + self.total_low;
        acc.carry();
    }
}

/// `k >> by`, 0 when every bit is dropped.
fn shr(k: u32, by: u8) -> u32 {
    k.checked_shr(u32::from(by)).unwrap_or(0)
}

/// Merges the sorted bins `b` into the sorted bins `a` in place, adding the counts of equal
/// keys. `a` grows only by the keys it lacks (exactly: no reallocation churn, no slack that
/// would make memory depend on the replica count).
fn merge_into(a: &mut Vec<(u32, u32)>, b: &[(u32, u32)], kind: Kind) {
    if b.is_empty() {
        return;
    }
    if a.is_empty() {
        // Every key is missing: take the room as below, then copy.
        a.reserve_exact(room(a.capacity(), 0, b.len(), kind));
        a.extend_from_slice(b);
        return;
    }
    // Count b's keys missing from a, adding the counts of those present.
    let (mut i, mut missing) = (0, 0);
    for &(kb, cb) in b {
        while i < a.len() && a[i].0 < kb {
            i += 1;
        }
        if i < a.len() && a[i].0 == kb {
            a[i].1 += cb;
        } else {
            missing += 1;
        }
    }
    if missing == 0 {
        return;
    }
    // Merge the missing keys in from the back.
    let old = a.len();
    a.reserve_exact(room(a.capacity(), old, missing, kind));
    a.resize(old + missing, (0, 0));
    let (mut r, mut w) = (old, old + missing);
    for &(kb, cb) in b.iter().rev() {
        while r > 0 && a[r - 1].0 > kb {
            a[w - 1] = a[r - 1];
            r -= 1;
            w -= 1;
        }
        if r > 0 && a[r - 1].0 == kb {
            continue; // already added above
        }
        a[w - 1] = (kb, cb);
        w -= 1;
    }
}

/// The room to reserve (beyond `old` bins, with `capacity` held) for `missing` new bins: none
/// while they fit, else exactly what they need, except that a continuous accumulator past half
/// its bins will reach the limit, so it takes the room for it (plus a batch) once, rather than
/// growing, moving and fragmenting batch by batch.
fn room(capacity: usize, old: usize, missing: usize, kind: Kind) -> usize {
    if old + missing <= capacity {
        0
    } else if kind == Kind::Continuous && old + missing > CONTINUOUS_BINS / 2 {
        (old + missing).max(CONTINUOUS_BINS + 128) - old
    } else {
        missing
    }
}

/// Drops `by` more low key bits in place, adding the counts of bins that fall together.
fn coarsen_in_place(bins: &mut Vec<(u32, u32)>, by: u8) {
    let mut w = 0;
    for r in 0..bins.len() {
        let (k, c) = bins[r];
        let k = shr(k, by);
        if w > 0 && bins[w - 1].0 == k {
            bins[w - 1].1 += c;
        } else {
            bins[w] = (k, c);
            w += 1;
        }
    }
    bins.truncate(w);
}

/// A copy of `bins` with `by` more low key bits dropped.
fn coarsened(bins: &[(u32, u32)], by: u8) -> Vec<(u32, u32)> {
    let mut out = bins.to_vec();
    coarsen_in_place(&mut out, by);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sorted_quantiles(values: &[f64]) -> [f64; 7] {
        let mut v: Vec<f64> = values.iter().map(|&x| f64::from(x as f32)).collect();
        v.sort_by(f64::total_cmp);
        stats::LEVELS.map(|p| stats::quantile_sorted(&v, p))
    }

    #[test]
    fn keys_order_like_total_cmp() {
        let xs = [-3.5f32, -0.0, 0.0, 1e-30, 1.0, 2.5, 1e30, f32::INFINITY];
        for w in xs.windows(2) {
            assert!(key_of(w[0]) < key_of(w[1]), "{w:?}");
            assert_eq!(value_of(key_of(w[0])).to_bits(), w[0].to_bits());
        }
    }

    #[test]
    fn an_empty_accumulator_has_no_statistics() {
        let a = Accumulator::new(Kind::Count);
        assert!(a.mean().is_nan());
        assert!(a.quantile(0.5).is_nan());
    }

    #[test]
    fn continuous_values_coarsen_beyond_the_bin_limit_but_stay_close() {
        let values: Vec<f64> = (0..5000).map(|i| 1000.0 + f64::from(i) * 0.0137).collect();
        let mut a = Accumulator::new(Kind::Continuous);
        for c in values.chunks(128) {
            a.extend(c);
        }
        assert!(a.bins() <= CONTINUOUS_BINS && a.level() > 0);
        let exact = sorted_quantiles(&values);
        for (q, e) in a.quantiles().iter().zip(exact) {
            // Relative resolution 2^-(23 - level).
            assert!(
                (q - e).abs() <= e * 2f64.powi(-(23 - i32::from(a.level()))),
                "{q} {e}"
            );
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        assert!((a.mean() - mean).abs() < 1e-9);
    }

    /// A count accumulator held sparse throughout (the form before dense counts).
    fn sparse_only(values: &[f64], chunk: usize) -> Accumulator {
        let mut a = Accumulator::new(Kind::Count);
        a.make_sparse();
        a.never_dense = true;
        for c in values.chunks(chunk) {
            a.extend(c);
        }
        a
    }

    /// A dense histogram's counters take two bytes until a count passes `u16::MAX`, then
    /// four: folding and merging past the limit keep every count exact, the same histogram
    /// as sparse bins.
    #[test]
    fn dense_counters_widen_when_a_count_passes_u16() {
        let limit = usize::from(u16::MAX);
        let mut values: Vec<f64> = vec![7.0; limit - 2];
        values.extend((0..40).map(f64::from));
        let mut a = Accumulator::new(Kind::Count);
        a.extend(&values);
        let counters = a.dense.as_ref().map(|d| d.counts.len());
        assert!(matches!(
            a.dense.as_ref().map(|d| &d.counts),
            Some(Counters::Narrow(_))
        ));
        // 7 is now held limit - 2 + 1 times; three more pass the limit.
        a.extend(&[7.0, 7.0, 7.0, 39.0]);
        assert!(matches!(
            a.dense.as_ref().map(|d| &d.counts),
            Some(Counters::Wide(_))
        ));
        assert_eq!(a.dense.as_ref().map(|d| d.counts.len()), counters);
        values.extend([7.0, 7.0, 7.0, 39.0]);
        let reference = sparse_only(&values, 1000);
        assert_eq!(a.to_parts(), reference.to_parts());
        assert_eq!(a.quantiles(), reference.quantiles());
        // Two narrow histograms whose sum passes the limit merge into a wide one.
        let mut b = Accumulator::new(Kind::Count);
        b.extend(&vec![3.0; limit - 1]);
        let mut c = Accumulator::new(Kind::Count);
        c.extend(&[3.0, 3.0, 4.0]);
        b.merge(&c);
        assert!(b.is_dense());
        let mut both = vec![3.0; limit + 1];
        both.push(4.0);
        assert_eq!(b.to_parts(), sparse_only(&both, 1000).to_parts());
        assert_eq!(b.quantile(1.0), 4.0);
        assert_eq!(b.quantile(0.5), 3.0);
    }

    #[test]
    fn count_histograms_go_dense_when_compact_and_sparse_when_not() {
        let mut a = Accumulator::new(Kind::Count);
        a.extend(&[3.0, 4.0, 4.0, 9.0]);
        assert!(a.is_dense());
        // A far outlier: the range is then much wider than the values seen.
        a.extend(&[1e6]);
        assert!(!a.is_dense());
        // Filled in again: back to dense, the same histogram.
        let fill: Vec<f64> = (0..200).map(f64::from).collect();
        let mut b = Accumulator::new(Kind::Count);
        b.extend(&[1e6]);
        b.extend(&fill);
        assert_eq!(
            b.quantiles(),
            sparse_only(&[&[1e6][..], &fill].concat(), 500).quantiles()
        );
        let mut c = Accumulator::new(Kind::Count);
        c.extend(&[1.0, 2.0]);
        c.extend(&[2.5]);
        assert!(!c.is_dense(), "a fraction keeps sparse bins");
        let mut z = Accumulator::new(Kind::Count);
        z.extend(&[-0.0, 0.0]);
        assert_eq!(z.bins(), 2, "-0 and 0 keep their own bins, as before");
    }

    proptest! {
        /// Dense or sparse, by extension or by merging: the same histogram, sums and parts.
        #[test]
        fn dense_and_sparse_count_histograms_agree(
            values in prop::collection::vec(prop_oneof![
                8 => (0u32..400).prop_map(f64::from),
                1 => (0u32..100_000).prop_map(f64::from),
                1 => Just(-0.0),
                1 => (-50i32..50).prop_map(|x| f64::from(x) / 4.0),
            ], 1..600),
            chunk in 1usize..130,
            split in 0usize..600,
        ) {
            let mut a = Accumulator::new(Kind::Count);
            for c in values.chunks(chunk) {
                a.extend(c);
            }
            let reference = sparse_only(&values, chunk);
            prop_assert_eq!(a.to_parts(), reference.to_parts());
            prop_assert_eq!(a.quantiles().map(f64::to_bits), reference.quantiles().map(f64::to_bits));
            let (l, r) = values.split_at(split.min(values.len()));
            let mut m = Accumulator::new(Kind::Count);
            m.extend(l);
            let mut right = Accumulator::new(Kind::Count);
            right.extend(r);
            m.merge(&right);
            prop_assert_eq!(m.to_parts(), reference.to_parts());
            let mut s = sparse_only(l, chunk);
            s.merge(&right);
            prop_assert_eq!(s.to_parts(), reference.to_parts());
        }

        /// The cast round trip accepts exactly the whole numbers the `fract` rule did.
        #[test]
        fn dense_values_are_the_whole_numbers_within_the_limit(
            x in prop_oneof![
                4 => any::<f32>(),
                4 => (-20_000_000i32..20_000_000).prop_map(|v| v as f32),
                1 => (-100i32..100).prop_map(|v| v as f32 / 4.0),
                1 => prop::sample::select(vec![
                    -0.0f32, 0.0, DENSE_LIMIT, -DENSE_LIMIT, DENSE_LIMIT + 2.0, f32::NAN,
                    f32::INFINITY, f32::NEG_INFINITY, 2_147_483_648.0, -2_147_483_648.0,
                ]),
            ],
        ) {
            let rule = (x.fract() == 0.0 && x.abs() <= DENSE_LIMIT && x.to_bits() != (-0.0f32).to_bits())
                .then_some(x as i32);
            prop_assert_eq!(dense_value(x), rule);
        }

        /// The batched exact sum equals adding every value on its own, whatever the values.
        #[test]
        fn batched_sums_equal_value_by_value_sums(
            values in prop::collection::vec(prop_oneof![
                4 => -1e6f64..1e6,
                2 => (-400i32..400).prop_map(f64::from),
                1 => any::<f64>(),
                1 => (-60i32..60, -1e3f64..1e3).prop_map(|(e, m)| m * 2f64.powi(e)),
                1 => prop::sample::select(vec![
                    0.0, -0.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300, -1e300,
                    4_503_599_627_370_496.0, -4_503_599_627_370_495.5, 2f64.powi(-48),
                    -2f64.powi(-48), 2f64.powi(-49) * 3.0, f64::MIN_POSITIVE, 1e-310,
                ]),
            ], 0..300),
            kind in prop_oneof![Just(Kind::Count), Just(Kind::Continuous)],
        ) {
            let mut a = Accumulator::new(kind);
            a.extend(&values);
            let mut b = Accumulator::new(kind);
            for &x in &values {
                b.add_to_sum(x);
            }
            prop_assert_eq!((a.sum, a.frac, a.nan, a.pos_inf, a.neg_inf),
                (b.sum, b.frac, b.nan, b.pos_inf, b.neg_inf));
        }

        #[test]
        fn histogram_quantiles_equal_sorted_sample_quantiles(
            values in prop::collection::vec(0u32..300, 1..400),
            chunk in 1usize..64,
        ) {
            let values: Vec<f64> = values.into_iter().map(f64::from).collect();
            let mut a = Accumulator::new(Kind::Count);
            for c in values.chunks(chunk) {
                a.extend(c);
            }
            let q = a.quantiles();
            let e = sorted_quantiles(&values);
            prop_assert_eq!(q.map(f64::to_bits), e.map(f64::to_bits));
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            prop_assert_eq!(a.mean(), mean);
        }

        #[test]
        fn continuous_quantiles_are_exact_below_the_bin_limit(
            values in prop::collection::vec(-1e6f64..1e6, 1..300),
        ) {
            let mut a = Accumulator::new(Kind::Continuous);
            a.extend(&values);
            prop_assert_eq!(a.level(), 0);
            prop_assert_eq!(a.quantiles().map(f64::to_bits), sorted_quantiles(&values).map(f64::to_bits));
        }

        #[test]
        fn merging_in_any_order_gives_the_same_accumulator(
            values in prop::collection::vec(0f64..50.0, 1..3000),
            cut in 0usize..3000,
            chunk in 1usize..300,
        ) {
            let cut = cut.min(values.len());
            let whole = {
                let mut a = Accumulator::new(Kind::Continuous);
                for c in values.chunks(chunk) { a.extend(c); }
                a
            };
            let mut left = Accumulator::new(Kind::Continuous);
            left.extend(&values[..cut]);
            let mut right = Accumulator::new(Kind::Continuous);
            for c in values[cut..].chunks(7) { right.extend(c); }
            let mut rl = right.clone();
            rl.merge(&left);
            left.merge(&right);
            prop_assert_eq!(&left, &whole);
            prop_assert_eq!(&rl, &whole);
            prop_assert_eq!(Accumulator::from_parts(whole.to_parts()), Some(whole));
        }
    }
}
