//! The op type (a schema plus an evaluation function), resolved parameters,
//! evaluation context and resource budget.

use std::fmt;
use std::sync::Arc;

use crate::geometry::{IdHasher, Polylines};

use super::context::{Executor, FileSource, NoFiles, Serial};
use super::failure::{OpError, OpFailure};
use super::memo::Memo;
use super::progress::Progress;
use super::scene_budget::SceneBudget;
use super::schema::OpSchema;
use super::value::Value;

/// Limits checked *before* an op allocates its output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ResourceBudget {
    /// Most points one op may produce.
    pub max_vertices: u64,
    /// Most polylines one op may produce.
    pub max_lines: u64,
}

impl Default for ResourceBudget {
    fn default() -> Self {
        Self {
            max_vertices: 20_000_000,
            max_lines: 5_000_000,
        }
    }
}

impl ResourceBudget {
    /// Refuses an output of `vertices` points in `lines` polylines if it is over budget.
    pub fn check(&self, vertices: u64, lines: u64) -> Result<(), OpFailure> {
        if vertices > self.max_vertices {
            return Err(OpFailure::OverBudget {
                what: "vertices",
                count: vertices,
                max: self.max_vertices,
            });
        }
        if lines > self.max_lines {
            return Err(OpFailure::OverBudget {
                what: "polylines",
                count: lines,
                max: self.max_lines,
            });
        }
        Ok(())
    }
}

/// What an op may consult while evaluating: limits, files (fonts, imported drawings)
/// and the executor that runs its parallel chunks. The core has no file access or
/// thread pool of its own; whoever evaluates hands them in here.
#[derive(Clone)]
pub struct EvalContext {
    /// Output size limits.
    pub budget: ResourceBudget,
    /// Where ops read files from (none by default).
    pub files: Arc<dyn FileSource>,
    /// Runs an op's parallel chunks (on the calling thread by default).
    pub executor: Arc<dyn Executor>,
    /// What ops keep between evaluations (parsed fonts, say), one value per type,
    /// shared by every evaluation with this context.
    pub memo: Arc<Memo>,
    /// The geometry the whole scene may hold, shared by every evaluation of its layers
    /// (none: only each op's own budget applies).
    pub scene: Option<Arc<SceneBudget>>,
    /// The scene's paper, for ops that work to it (`crop(shape: "paper")`); none when a
    /// recipe is evaluated outside a scene.
    pub page: Option<Page>,
    /// The scene's seed: every random stage whose own `seed` is not written draws from
    /// it, mixed with the stage's address (none: each op's own `seed` applies).
    pub seed: Option<u64>,
    /// Where long ops report how far they have got and learn that they are no longer
    /// wanted (none: nobody watches, nothing cancels).
    pub progress: Option<Arc<Progress>>,
    /// Files the scene names (`images:`), as (name, path): an op reading a file by one
    /// of these names reads its path (empty: every name is a path).
    pub named_files: Arc<Vec<(String, String)>>,
    /// A quick draft is wanted (a parameter is being dragged): ops with a lighter
    /// variant ([`Evaluate::draft`](super::typed::Evaluate::draft)) draw that, marked
    /// with [`DRAFT_NOTE`]. Never set for anything written to a file.
    pub draft: bool,
    /// The op being evaluated (set by [`Op::eval`]).
    op: Option<Arc<OpSchema>>,
}

/// The size of the paper a scene draws on, in mm; its top-left corner is the origin.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Page {
    /// Width in mm.
    pub width: f64,
    /// Height in mm.
    pub height: f64,
}

impl fmt::Debug for EvalContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EvalContext")
            .field("budget", &self.budget)
            .field("threads", &self.executor.threads())
            .finish_non_exhaustive()
    }
}

impl Default for EvalContext {
    /// The default budget, no file access, serial execution.
    fn default() -> Self {
        Self::new(
            ResourceBudget::default(),
            Arc::new(NoFiles),
            Arc::new(Serial),
        )
    }
}

impl EvalContext {
    /// A context with the given budget, files and executor.
    pub fn new(
        budget: ResourceBudget,
        files: Arc<dyn FileSource>,
        executor: Arc<dyn Executor>,
    ) -> Self {
        Self {
            budget,
            files,
            executor,
            memo: Arc::default(),
            scene: None,
            page: None,
            seed: None,
            progress: None,
            named_files: Arc::default(),
            draft: false,
            op: None,
        }
    }

    /// The same context drawing from a scene budget.
    pub fn with_scene_budget(mut self, scene: Arc<SceneBudget>) -> Self {
        self.scene = Some(scene);
        self
    }

    /// The same context with another budget.
    pub fn with_budget(mut self, budget: ResourceBudget) -> Self {
        self.budget = budget;
        self
    }

    /// The same context on a paper of `width` × `height` mm.
    pub fn with_page(mut self, width: f64, height: f64) -> Self {
        self.page = Some(Page { width, height });
        self
    }

    /// The same context drawing from the scene seed `seed`.
    pub fn with_seed(mut self, seed: Option<u64>) -> Self {
        self.seed = seed;
        self
    }

    /// The same context with the scene's named files (`images:`), as (name, path).
    pub fn with_named_files(mut self, named: &[(String, String)]) -> Self {
        if named != self.named_files.as_slice() {
            self.named_files = Arc::new(named.to_vec());
        }
        self
    }

    /// The path of the file `name` names in the scene, or `name` itself.
    pub fn file_path<'a>(&'a self, name: &'a str) -> &'a str {
        self.named_files
            .iter()
            .find(|(n, _)| n == name)
            .map_or(name, |(_, path)| path.as_str())
    }

    /// The name of the op being evaluated ("" outside an op).
    pub fn op_name(&self) -> &str {
        self.op.as_ref().map_or("", |s| s.name.as_str())
    }

    /// Refuses an output of `points` points in `lines` polylines that is over the budget
    /// (call it before allocating the output).
    pub fn check_budget(&self, points: u64, lines: u64) -> Result<(), OpFailure> {
        self.budget.check(points, lines)
    }

    /// The same context reporting to (and cancelled through) `progress`.
    pub fn with_progress(mut self, progress: Arc<Progress>) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Records that `fraction` of the running op's work is done (long ops call it now and
    /// then; nothing happens when nobody watches).
    pub fn report_progress(&self, fraction: f32) {
        if let Some(p) = &self.progress {
            p.report(fraction);
        }
    }

    /// `Err(Cancelled)` when a newer request replaced this evaluation: long ops call it
    /// between steps and stop.
    pub fn check_cancelled(&self) -> Result<(), OpFailure> {
        self.progress.as_ref().map_or(Ok(()), |p| p.check())
    }

    /// The same context with an empty memo: nothing kept from earlier evaluations (no
    /// parsed font, no saved simulation state), what a cold run sees.
    pub fn with_fresh_memo(mut self) -> Self {
        self.memo = Arc::default();
        self
    }

    /// The same context asking for drafts (or not).
    pub fn with_draft(mut self, draft: bool) -> Self {
        self.draft = draft;
        self
    }

    /// The same context with another executor.
    pub fn with_executor(mut self, executor: Arc<dyn Executor>) -> Self {
        self.executor = executor;
        self
    }
}

/// The note a draft carries, so that nothing treats it as the finished drawing.
pub const DRAFT_NOTE: &str =
    "a draft while a parameter is dragged; the full result follows when it is let go";

/// True when `geometry` is (or is made from) a draft.
pub fn is_draft(geometry: &Polylines) -> bool {
    geometry.notes().iter().any(|n| n.contains(DRAFT_NOTE))
}

/// Parameter values of one op invocation, in schema order, already validated.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    schema: Arc<OpSchema>,
    values: Vec<Value>,
}

impl Params {
    /// Bundles values (in schema order) with their schema. Callers validate first.
    pub(crate) fn new(schema: Arc<OpSchema>, values: Vec<Value>) -> Self {
        debug_assert_eq!(schema.params.len(), values.len());
        Self { schema, values }
    }

    /// The schema these values follow.
    pub fn schema(&self) -> &Arc<OpSchema> {
        &self.schema
    }

    /// Values in schema order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// Values in schema order, to bind references in place.
    pub(crate) fn values_mut(&mut self) -> &mut [Value] {
        &mut self.values
    }
}

/// Evaluates an op: input geometry (empty for primitives) and parameters to output.
pub type EvalFn =
    dyn Fn(&Polylines, &Params, &EvalContext) -> Result<Polylines, OpFailure> + Send + Sync;

/// Adds what an op's output depends on beyond its parameters (e.g. a font file) to its id.
pub type FingerprintFn = dyn Fn(&Params, &EvalContext, &mut IdHasher) + Send + Sync;

/// Tells whether an op would return its input unchanged.
pub type PassthroughFn = dyn Fn(&Polylines, &Params, &EvalContext) -> bool + Send + Sync;

/// A primitive or effect: its schema and how to evaluate it.
#[derive(Clone)]
pub struct Op {
    schema: Arc<OpSchema>,
    eval: Arc<EvalFn>,
    fingerprint: Option<Arc<FingerprintFn>>,
    passthrough: Option<Arc<PassthroughFn>>,
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Op({} v{})", self.schema.name, self.schema.version)
    }
}

impl Op {
    /// An op from a schema and an evaluation function.
    pub fn new(
        schema: OpSchema,
        eval: impl Fn(&Polylines, &Params, &EvalContext) -> Result<Polylines, OpFailure>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        Self {
            schema: Arc::new(schema),
            eval: Arc::new(eval),
            fingerprint: None,
            passthrough: None,
        }
    }

    /// Adds an external-dependency fingerprint to the op's ids.
    pub fn with_fingerprint(
        mut self,
        f: impl Fn(&Params, &EvalContext, &mut IdHasher) + Send + Sync + 'static,
    ) -> Self {
        self.fingerprint = Some(Arc::new(f));
        self
    }

    /// Declares when the op returns its input unchanged (see [`Op::passes_through`]).
    pub fn with_passthrough(
        mut self,
        f: impl Fn(&Polylines, &Params, &EvalContext) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.passthrough = Some(Arc::new(f));
        self
    }

    /// True when evaluating would return `input` unchanged: the caller shares it instead.
    pub fn passes_through(&self, input: &Polylines, params: &Params, ctx: &EvalContext) -> bool {
        self.passthrough
            .as_ref()
            .is_some_and(|f| f(input, params, ctx))
    }

    /// The op's schema.
    pub fn schema(&self) -> &Arc<OpSchema> {
        &self.schema
    }

    /// The op's name.
    pub fn name(&self) -> &str {
        &self.schema.name
    }

    /// Evaluates the op; its failure (a panic too) comes back with its name.
    pub fn eval(
        &self,
        input: &Polylines,
        params: &Params,
        ctx: &EvalContext,
    ) -> Result<Polylines, OpError> {
        let mut ctx = ctx.clone();
        ctx.op = Some(Arc::clone(&self.schema));
        let run = std::panic::AssertUnwindSafe(|| (self.eval)(input, params, &ctx));
        match std::panic::catch_unwind(run) {
            Ok(result) => result
                .map(|out| self.with_notes_of(input, out))
                .map_err(|failure| OpError::new(self.name(), failure)),
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                Err(OpError::new(self.name(), OpFailure::Panicked(msg)))
            }
        }
    }

    /// `out` carrying the notes of its input, then its own, each prefixed with the op's
    /// name (notes it kept from the input are not repeated).
    fn with_notes_of(&self, input: &Polylines, mut out: Polylines) -> Polylines {
        if input.notes().is_empty() && out.notes().is_empty() {
            return out;
        }
        let mut notes = input.notes().to_vec();
        for own in out.notes().iter().filter(|n| !input.notes().contains(n)) {
            notes.push(format!("{}: {own}", self.name()));
        }
        notes.truncate(crate::geometry::MAX_NOTES);
        out.set_notes(notes);
        out
    }

    /// Adds the op's external dependencies (if any) to an id.
    pub fn fingerprint(&self, params: &Params, ctx: &EvalContext, h: &mut IdHasher) {
        if let Some(f) = &self.fingerprint {
            f(params, ctx, h);
        }
    }
}
