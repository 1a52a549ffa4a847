//! Which items one process of a sharded batch renders: `--shard I/N`, or `--shards N`
//! with I read from the scheduler's environment (Kubernetes Indexed Jobs, Slurm arrays,
//! AWS Batch and Google Cloud Batch array jobs).

use super::BatchError;

/// One shard of `count`: the items whose index ≡ `index` (mod `count`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, from 0.
    pub index: usize,
    /// How many shards the batch has.
    pub count: usize,
}

/// Most shards a batch may be split into.
pub const MAX_SHARDS: usize = 1_000_000;

impl Shard {
    /// A shard, checked: 1 ≤ `count` ≤ [`MAX_SHARDS`] and `index` < `count`.
    pub fn new(index: usize, count: usize) -> Result<Shard, BatchError> {
        if count == 0 || count > MAX_SHARDS {
            return Err(BatchError::Shard(format!(
                "the number of shards must be 1..={MAX_SHARDS}, not {count}"
            )));
        }
        if index >= count {
            return Err(BatchError::Shard(format!(
                "shard {index} of {count} does not exist: shards are numbered 0..{count}"
            )));
        }
        Ok(Shard { index, count })
    }

    /// Reads `I/N`.
    pub fn parse(text: &str) -> Result<Shard, BatchError> {
        let (i, n) = text
            .split_once('/')
            .and_then(|(i, n)| Some((i.trim().parse().ok()?, n.trim().parse().ok()?)))
            .ok_or_else(|| {
                BatchError::Shard(format!(
                    "--shard '{text}' is not I/N (e.g. --shard 3/10: the fourth of ten)"
                ))
            })?;
        Shard::new(i, n)
    }

    /// Whether this shard renders the item at `index`.
    pub fn selects(&self, index: usize) -> bool {
        index % self.count == self.index
    }

    /// This process's shard of `count`, from the scheduler's variables (`env` reads one):
    /// `JOB_COMPLETION_INDEX` (Kubernetes), `SLURM_ARRAY_TASK_ID` (less
    /// `SLURM_ARRAY_TASK_MIN`, divided by `SLURM_ARRAY_TASK_STEP`, when set),
    /// `AWS_BATCH_JOB_ARRAY_INDEX`, `BATCH_TASK_INDEX` (Google Cloud Batch). None set, two
    /// that disagree, or a task count that is not `count` is an error: a batch never runs
    /// whole by mistake.
    pub fn from_env(
        count: usize,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Shard, BatchError> {
        let number =
            |name: &str| -> Result<Option<usize>, BatchError> {
                match env(name) {
                    None => Ok(None),
                    Some(v) if v.trim().is_empty() => Ok(None),
                    Some(v) => v.trim().parse().map(Some).map_err(|_| {
                        BatchError::Shard(format!("{name}={v} is not a whole number"))
                    }),
                }
            };
        let mut found: Vec<(String, usize)> = Vec::new();
        if let Some(i) = number("JOB_COMPLETION_INDEX")? {
            found.push(("JOB_COMPLETION_INDEX".into(), i));
        }
        if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let step = number("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
            if id < min || (id - min) % step != 0 {
                return Err(BatchError::Shard(format!(
                    "SLURM_ARRAY_TASK_ID={id} is not on the array {min}, {}, … (step {step})",
                    min + step
                )));
            }
            if let Some(n) = number("SLURM_ARRAY_TASK_COUNT")?
                && n != count
            {
                return Err(BatchError::Shard(format!(
                    "the Slurm array has {n} tasks (SLURM_ARRAY_TASK_COUNT) but --shards is {count}"
                )));
            }
            found.push(("SLURM_ARRAY_TASK_ID".into(), (id - min) / step));
        }
        if let Some(i) = number("AWS_BATCH_JOB_ARRAY_INDEX")? {
            found.push(("AWS_BATCH_JOB_ARRAY_INDEX".into(), i));
        }
        if let Some(i) = number("BATCH_TASK_INDEX")? {
            if let Some(n) = number("BATCH_TASK_COUNT")?
                && n != count
            {
                return Err(BatchError::Shard(format!(
                    "the Cloud Batch job has {n} tasks (BATCH_TASK_COUNT) but --shards is {count}"
                )));
            }
            found.push(("BATCH_TASK_INDEX".into(), i));
        }
        let Some((first, index)) = found.first().cloned() else {
            return Err(BatchError::Shard(format!(
                "--shards {count}: no shard index in the environment (JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX or BATCH_TASK_INDEX); give --shard I/{count} instead"
            )));
        };
        if let Some((other, j)) = found.iter().find(|(_, j)| *j != index) {
            return Err(BatchError::Shard(format!(
                "the environment names two shards: {first} gives {index}, {other} gives {j}"
            )));
        }
        Shard::new(index, count)
            .map_err(|e| BatchError::Shard(format!("{first} gives shard {index}: {e}")))
    }
}
