//! Cluster shards: which replicas a shard runs, and the partial-aggregate file it writes.
//!
//! Shard `I` of `N` (1-based) runs the contiguous global replica range
//! `floor((I-1)·n/N) .. floor(I·n/N)` of an `n`-replica run, seeded exactly as in a one-machine
//! run, so the split never changes a result: merging the `N` partials (histograms merge exactly,
//! outcomes concatenate in index order) gives byte-identical outputs for any `N`.
//!
//! A partial file (`partial.json`) carries a format name and version, the caseload version, the
//! scenario text with its FNV-1a hash, the seed, the total replica count and the shard, so
//! a [`Merger`] refuses parts of different runs, missing or duplicate shards. Pure: bytes in,
//! bytes out; reading the scheduler's environment goes through a lookup function.

use serde::{Deserialize, Serialize};

use crate::aggregate::{Accumulator, Parts};
use crate::montecarlo::{Aggregate, Partial};
use crate::observe::{Outcome, Verdict};

/// The file a shard writes into its output folder.
pub const FILE_NAME: &str = "partial.json";
const FORMAT: &str = "caseload-partial";
const FORMAT_VERSION: u32 = 2;

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard's number, 1-based (1..=count).
    pub index: u32,
    pub(crate) count: u32,
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The most shards a run may be split into.
pub(crate) const MAX_SHARDS: u32 = 100_000;

impl Shard {
    fn new(index: u32, count: u32, what: &str) -> Result<Shard, String> {
        if count == 0 || count > MAX_SHARDS {
            return Err(format!(
                "{what}: the shard count must be from 1 to {MAX_SHARDS} (got `{count}`)"
            ));
        }
        if index == 0 || index > count {
            return Err(format!(
                "{what}: the shard index must be from 1 to {count} (got `{index}`)"
            ));
        }
        Ok(Shard { index, count })
    }

    /// Parses `I/N` (1-based, e.g. `2/4`).
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("`--shard` takes I/N, e.g. 2/4, or `auto` (got `{s}`)");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let i: u32 = i.trim().parse().map_err(|_| bad())?;
        let n: u32 = n.trim().parse().map_err(|_| bad())?;
        Shard::new(i, n, "`--shard`")
    }

    /// The shard of an array job, from the scheduler's environment (`env(name)`): Slurm
    /// (`SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN`, divided by `SLURM_ARRAY_TASK_STEP`, of
    /// `SLURM_ARRAY_TASK_COUNT`), a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX` of `shards`
    /// or `CASELOAD_SHARDS`), AWS Batch (`AWS_BATCH_JOB_ARRAY_INDEX` of
    /// `AWS_BATCH_JOB_ARRAY_SIZE`, or of `shards` / `CASELOAD_SHARDS`).
    pub fn from_env(
        env: &dyn Fn(&str) -> Option<String>,
        shards: Option<u32>,
    ) -> Result<Shard, String> {
        let num = |name: &str| -> Result<Option<u64>, String> {
            match env(name) {
                None => Ok(None),
                Some(v) => v.trim().parse::<u64>().map(Some).map_err(|_| {
                    format!("`--shard auto`: {name} must be a whole number (got `{v}`)")
                }),
            }
        };
        let count_from = |fallback: Option<u64>, from: &str| -> Result<u32, String> {
            let n = match shards {
                Some(n) => Some(u64::from(n)),
                None => match num("CASELOAD_SHARDS")? {
                    Some(n) => Some(n),
                    None => fallback,
                },
            };
            let n = n.ok_or_else(|| {
                format!("`--shard auto`: {from} gives the index but not the number of shards; pass `--shards N` or set CASELOAD_SHARDS")
            })?;
            u32::try_from(n).map_err(|_| format!("`--shard auto`: too many shards (`{n}`)"))
        };
        let to_u32 = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
        if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
            let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let step = num("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
            let count = match num("SLURM_ARRAY_TASK_COUNT")? {
                Some(c) => Some(c),
                None => {
                    num("SLURM_ARRAY_TASK_MAX")?.map(|max| (max.saturating_sub(min)) / step + 1)
                }
            };
            if id < min {
                return Err(format!(
                    "`--shard auto`: SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}"
                ));
            }
            let n = count_from(count, "SLURM_ARRAY_TASK_ID")?;
            return Shard::new(to_u32((id - min) / step + 1), n, "`--shard auto` (Slurm)");
        }
        if let Some(i) = num("JOB_COMPLETION_INDEX")? {
            let n = count_from(None, "JOB_COMPLETION_INDEX")?;
            return Shard::new(to_u32(i + 1), n, "`--shard auto` (Kubernetes)");
        }
        if let Some(i) = num("AWS_BATCH_JOB_ARRAY_INDEX")? {
            let n = count_from(
                num("AWS_BATCH_JOB_ARRAY_SIZE")?,
                "AWS_BATCH_JOB_ARRAY_INDEX",
            )?;
            return Shard::new(to_u32(i + 1), n, "`--shard auto` (AWS Batch)");
        }
        Err("`--shard auto` found no array-job index: set by Slurm (SLURM_ARRAY_TASK_ID), a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) or AWS Batch (AWS_BATCH_JOB_ARRAY_INDEX); or pass `--shard I/N`".into())
    }

    /// The global replica range `first..end` of this shard in an `n`-replica run.
    pub fn range(&self, n: u32) -> (u32, u32) {
        let at = |i: u32| (u64::from(n) * u64::from(i) / u64::from(self.count)) as u32;
        (at(self.index - 1), at(self.index))
    }
}

/// FNV-1a, 64 bits: a stable fingerprint of the scenario text.
pub(crate) fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}")
}

/// What identifies the run a shard belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunId {
    /// The scenario file as given on the command line (messages only).
    pub scenario_file: String,
    /// The scenario file's text: every shard of a run must read the same text.
    pub scenario_text: String,
    /// The run's master seed.
    pub seed: u64,
    /// Replicas of the whole run, over all shards.
    pub replicas: u32,
}

/// One shard's result, ready to write or just read.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardResult {
    /// The run the shard belongs to.
    pub run: RunId,
    /// Which shard of the run this is.
    pub shard: Shard,
    /// The shard's replicas, folded (outcomes and mergeable histograms).
    pub part: Partial,
    /// The same replicas with every uncertain input at its central value (scenarios with
    /// ranges only), for the central-value verdict of `summary.json`.
    pub central: Option<Vec<Verdict>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileJson {
    format: String,
    version: u32,
    caseload_version: String,
    scenario_file: String,
    scenario_hash: String,
    seed: u64,
    replicas: u32,
    shard_index: u32,
    shard_count: u32,
    first: u32,
    end: u32,
    weeks: usize,
    /// Per replica: backlog, very high, success (0/1), days to target (−1: never),
    /// population start, end, entries, exits.
    outcomes: Vec<[i64; 9]>,
    /// The verdicts (backlog, very high, success (0/1), ARMS overdue) of the run with every
    /// uncertain input at its central value, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    central_outcomes: Option<Vec<[i64; 4]>>,
    /// Per (week, metric): continuous (0/1), level, n, nan, +inf, −inf, the exact sum's
    /// integer part and fraction in units of 2^-100 (decimal text), then the bins as key,
    /// count pairs.
    accumulators: Vec<AccJson>,
    scenario_text: String,
}

#[derive(Serialize, Deserialize)]
struct AccJson(u8, u8, u64, u64, u64, u64, String, String, Vec<u32>);

/// One replica's outcome as stored: backlog, very high, success (0/1), days to target (−1:
/// never), population start, end, entries, exits, ARMS overdue.
fn encode_outcome(o: &Outcome) -> [i64; 9] {
    let [backlog, very_high, success, arms] = encode_verdict(&o.verdict());
    [
        backlog,
        very_high,
        success,
        o.days_to_target.map_or(-1, i64::from),
        i64::from(o.population_start),
        i64::from(o.population_end),
        o.entries as i64,
        o.exits as i64,
        arms,
    ]
}

/// One replica's verdict as stored: backlog, very high, success (0/1), ARMS overdue.
fn encode_verdict(v: &Verdict) -> [i64; 4] {
    [
        i64::from(v.backlog_at_deadline),
        i64::from(v.very_high_at_deadline),
        i64::from(v.success),
        i64::from(v.arms_overdue_at_deadline),
    ]
}

fn decode_verdict(v: &[i64; 4]) -> Option<Verdict> {
    let u = |x: i64| u32::try_from(x).ok();
    Some(Verdict {
        backlog_at_deadline: u(v[0])?,
        very_high_at_deadline: u(v[1])?,
        success: match v[2] {
            0 => false,
            1 => true,
            _ => return None,
        },
        arms_overdue_at_deadline: u(v[3])?,
    })
}

fn decode_outcome(o: &[i64; 9]) -> Option<Outcome> {
    let u = |x: i64| u32::try_from(x).ok();
    let v = decode_verdict(&[o[0], o[1], o[2], o[8]])?;
    Some(Outcome {
        backlog_at_deadline: v.backlog_at_deadline,
        very_high_at_deadline: v.very_high_at_deadline,
        success: v.success,
        days_to_target: if o[3] == -1 { None } else { Some(u(o[3])?) },
        population_start: u(o[4])?,
        population_end: u(o[5])?,
        entries: u64::try_from(o[6]).ok()?,
        exits: u64::try_from(o[7]).ok()?,
        arms_overdue_at_deadline: v.arms_overdue_at_deadline,
    })
}

/// `partial.json` of a shard.
pub fn to_json(r: &ShardResult) -> String {
    let outcomes = r.part.outcomes.iter().map(encode_outcome).collect();
    let central_outcomes = r
        .central
        .as_ref()
        .map(|c| c.iter().map(encode_verdict).collect());
    let accumulators = r
        .part
        .agg
        .accumulators()
        .iter()
        .map(|a| {
            let p = a.to_parts();
            AccJson(
                u8::from(p.continuous),
                p.level,
                p.n,
                p.nan,
                p.pos_inf,
                p.neg_inf,
                p.sum.to_string(),
                p.frac.to_string(),
                p.bins.iter().flat_map(|&(k, c)| [k, c]).collect(),
            )
        })
        .collect();
    let j = FileJson {
        format: FORMAT.into(),
        version: FORMAT_VERSION,
        caseload_version: crate::VERSION.into(),
        scenario_file: r.run.scenario_file.clone(),
        scenario_hash: fingerprint(&r.run.scenario_text),
        seed: r.run.seed,
        replicas: r.run.replicas,
        shard_index: r.shard.index,
        shard_count: r.shard.count,
        first: r.part.first,
        end: r.part.end(),
        weeks: r.part.agg.weeks(),
        outcomes,
        central_outcomes,
        accumulators,
        scenario_text: r.run.scenario_text.clone(),
    };
    let mut s = serde_json::to_string(&j).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// Reads `partial.json`; `what` names the file in messages.
pub fn from_json(text: &str, what: &str) -> Result<ShardResult, String> {
    let j: FileJson = serde_json::from_str(text).map_err(|e| {
        if text.contains(FORMAT) {
            format!("{what}: not a readable partial aggregate ({e})")
        } else {
            format!("{what}: not a caseload partial aggregate (write one with `caseload run … --shard I/N`)")
        }
    })?;
    let corrupt = |why: &str| format!("{what}: damaged partial aggregate ({why})");
    if j.format != FORMAT {
        return Err(format!(
            "{what}: not a caseload partial aggregate (format `{}`)",
            j.format
        ));
    }
    if j.version != FORMAT_VERSION {
        return Err(format!(
            "{what}: partial format version {} (this caseload reads version {FORMAT_VERSION})",
            j.version
        ));
    }
    if j.caseload_version != crate::VERSION {
        return Err(format!(
            "{what}: written by caseload {} but this is caseload {}; run every shard and the merge with one version",
            j.caseload_version,
            crate::VERSION
        ));
    }
    if fingerprint(&j.scenario_text) != j.scenario_hash {
        return Err(corrupt("scenario hash does not match its text"));
    }
    let shard = Shard::new(j.shard_index, j.shard_count, what)?;
    if shard.range(j.replicas) != (j.first, j.end)
        || j.outcomes.len() as u64 != u64::from(j.end - j.first.min(j.end))
    {
        return Err(corrupt("replica range does not match the shard"));
    }
    let outcomes = j
        .outcomes
        .iter()
        .map(decode_outcome)
        .collect::<Option<Vec<Outcome>>>()
        .ok_or_else(|| corrupt("a replica outcome is out of range"))?;
    let central = match &j.central_outcomes {
        None => None,
        Some(c) => Some(
            c.iter()
                .map(decode_verdict)
                .collect::<Option<Vec<Verdict>>>()
                .filter(|c| c.len() == outcomes.len())
                .ok_or_else(|| corrupt("a central-value outcome is out of range"))?,
        ),
    };
    let acc = j
        .accumulators
        .into_iter()
        .map(
            |AccJson(continuous, level, n, nan, pos_inf, neg_inf, sum, frac, bins)| {
                if bins.len() % 2 != 0 || continuous > 1 {
                    return None;
                }
                Accumulator::from_parts(Parts {
                    continuous: continuous == 1,
                    level,
                    bins: bins.chunks_exact(2).map(|c| (c[0], c[1])).collect(),
                    n,
                    sum: sum.parse().ok()?,
                    frac: frac.parse().ok()?,
                    nan,
                    pos_inf,
                    neg_inf,
                })
            },
        )
        .collect::<Option<Vec<Accumulator>>>()
        .ok_or_else(|| corrupt("a weekly histogram is inconsistent"))?;
    // Every replica of the shard gives every week's metric one value (NaN and ±∞ counted
    // apart): a histogram holding another number of values was emptied or tampered with.
    let shard_replicas = outcomes.len() as u64;
    if acc.iter().any(|a| a.observations() != shard_replicas) {
        return Err(corrupt(
            "a weekly histogram does not hold one value per replica of the shard",
        ));
    }
    let agg = Aggregate::from_accumulators(j.weeks, acc)
        .ok_or_else(|| corrupt("the weekly histograms do not match the weeks"))?;
    Ok(ShardResult {
        run: RunId {
            scenario_file: j.scenario_file,
            scenario_text: j.scenario_text,
            seed: j.seed,
            replicas: j.replicas,
        },
        shard,
        central,
        part: Partial {
            seed: j.seed,
            first: j.first,
            outcomes,
            agg,
        },
    })
}

/// One shard as the merger holds it: file, first replica, outcomes, central-value outcomes.
type Slot = (String, u32, Vec<Outcome>, Option<Vec<Verdict>>);

/// Merges the shards of one run, fed one at a time in any order: histograms are merged as
/// each shard arrives (their merge is order-free), only the few numbers per replica are kept
/// until the end, so memory stays near one shard's aggregate whatever the number of shards.
pub struct Merger {
    first: Option<(RunId, String)>,
    count: u32,
    /// Per shard index: the file that gave it, its outcomes and its central-value outcomes.
    slots: Vec<Option<Slot>>,
    agg: Option<Aggregate>,
}

impl Default for Merger {
    fn default() -> Merger {
        Merger::new()
    }
}

impl Merger {
    /// A merger that holds no shard yet.
    pub fn new() -> Merger {
        Merger {
            first: None,
            count: 0,
            slots: Vec::new(),
            agg: None,
        }
    }

    /// Adds one shard; `name` names it in messages.
    pub fn add(&mut self, p: ShardResult, name: &str) -> Result<(), String> {
        match &self.first {
            None => {
                self.first = Some((p.run.clone(), name.to_string()));
                self.count = p.shard.count;
                self.slots = vec![None; p.shard.count as usize];
            }
            Some((run, first_name)) => {
                let differs = if p.run.scenario_text != run.scenario_text {
                    Some(format!(
                        "scenario {} (hash {}) differs from {} (hash {})",
                        p.run.scenario_file,
                        fingerprint(&p.run.scenario_text),
                        run.scenario_file,
                        fingerprint(&run.scenario_text)
                    ))
                } else if p.run.seed != run.seed {
                    Some(format!(
                        "seed {} differs from seed {}",
                        p.run.seed, run.seed
                    ))
                } else if p.run.replicas != run.replicas {
                    Some(format!(
                        "{} replicas differ from {} replicas",
                        p.run.replicas, run.replicas
                    ))
                } else if p.shard.count != self.count {
                    Some(format!(
                        "it is one of {} shards, not of {}",
                        p.shard.count, self.count
                    ))
                } else {
                    None
                };
                if let Some(d) = differs {
                    return Err(format!(
                        "{name} is not from the same run as {first_name}: {d}"
                    ));
                }
            }
        }
        let slot = &mut self.slots[(p.shard.index - 1) as usize];
        if let Some((other, _, _, _)) = slot {
            return Err(format!(
                "shard {} is given twice: {other} and {name}",
                p.shard
            ));
        }
        match &mut self.agg {
            None => self.agg = Some(p.part.agg),
            Some(a) => {
                if a.weeks() != p.part.agg.weeks() {
                    return Err(format!("{name} holds a different number of weeks"));
                }
                a.merge(&p.part.agg);
            }
        }
        *slot = Some((name.to_string(), p.part.first, p.part.outcomes, p.central));
        Ok(())
    }

    /// The whole run, once every shard has been added exactly once, with the central-value
    /// outcomes when every shard has them.
    #[allow(clippy::type_complexity)]
    pub fn finish_with_central(self) -> Result<(RunId, Partial, Option<Vec<Verdict>>), String> {
        let (Some((run, _)), Some(agg)) = (self.first, self.agg) else {
            return Err("nothing to merge: give the shards' folders or partial.json files".into());
        };
        let count = self.count;
        let missing: Vec<String> = self
            .slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_none())
            .map(|(i, _)| format!("{}/{count}", i + 1))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "missing shard{} {} of {count} (got {} of {count})",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                count as usize - missing.len()
            ));
        }
        let mut outcomes = Vec::with_capacity(run.replicas as usize);
        let mut central: Option<Vec<Verdict>> = Some(Vec::new());
        for (name, first, o, c) in self.slots.into_iter().flatten() {
            if first as usize != outcomes.len() {
                return Err(format!(
                    "{name} does not continue the run at replica {}",
                    outcomes.len()
                ));
            }
            outcomes.extend(o);
            central = match (central, c) {
                (Some(mut all), Some(c)) => {
                    all.extend(c);
                    Some(all)
                }
                _ => None,
            };
        }
        let seed = run.seed;
        Ok((
            run,
            Partial {
                seed,
                first: 0,
                outcomes,
                agg,
            },
            central.filter(|c| !c.is_empty()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn parses_i_of_n_and_refuses_nonsense() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        assert!(Shard::parse("0/4").unwrap_err().contains("from 1 to 4"));
        assert!(Shard::parse("5/4").is_err());
        assert!(Shard::parse("2").unwrap_err().contains("I/N"));
        assert!(Shard::parse("1/0").is_err());
    }

    #[test]
    fn ranges_cover_every_replica_once() {
        for n in [0u32, 1, 7, 64, 200, 1001] {
            for count in 1..=9 {
                let mut next = 0;
                for index in 1..=count {
                    let (a, b) = Shard { index, count }.range(n);
                    assert_eq!(a, next);
                    next = b;
                }
                assert_eq!(next, n);
            }
        }
    }

    #[test]
    fn reads_the_shard_from_slurm_kubernetes_and_aws() {
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(
            Shard::from_env(&slurm, None),
            Ok(Shard { index: 3, count: 4 })
        );
        let stepped = env(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "6"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
        ]);
        assert_eq!(
            Shard::from_env(&stepped, None),
            Ok(Shard { index: 3, count: 4 })
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "0"), ("CASELOAD_SHARDS", "8")]);
        assert_eq!(
            Shard::from_env(&k8s, None),
            Ok(Shard { index: 1, count: 8 })
        );
        assert_eq!(
            Shard::from_env(&k8s, Some(2)),
            Ok(Shard { index: 1, count: 2 })
        );
        let k8s_no_n = env(&[("JOB_COMPLETION_INDEX", "0")]);
        assert!(Shard::from_env(&k8s_no_n, None)
            .unwrap_err()
            .contains("--shards"));
        let aws = env(&[
            ("AWS_BATCH_JOB_ARRAY_INDEX", "9"),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "10"),
        ]);
        assert_eq!(
            Shard::from_env(&aws, None),
            Ok(Shard {
                index: 10,
                count: 10
            })
        );
        assert!(Shard::from_env(&env(&[]), None)
            .unwrap_err()
            .contains("no array-job index"));
        let bad = env(&[("SLURM_ARRAY_TASK_ID", "x")]);
        assert!(Shard::from_env(&bad, None)
            .unwrap_err()
            .contains("whole number"));
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(fingerprint(""), "fnv1a64:cbf29ce484222325");
        assert_ne!(fingerprint("a"), fingerprint("b"));
    }
}
