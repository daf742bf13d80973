//! Where the end-to-end tests spend their time, charged to blueprints.
//!
//! The Python tests are most of the suite's time, and they grow with the library: the issue
//! that made the matrix derive from the library set a budget of sixty minutes for thirty
//! blueprints. Each Python test charges the seconds of each piece of work to the blueprints
//! it verified, as lines `activity<TAB>blueprint<TAB>seconds` appended to
//! `$CARGO_TARGET_TMPDIR/suite-costs/<process id>.tsv` (one file per test process, lines
//! written whole). `scripts/cost-table` sums them into the table `scripts/test` prints at
//! the end of a run, with a projection for a larger library.
//!
//! Work that serves several blueprints at once (installing and testing a composed project)
//! is split among them in proportion to their tasks; work for one task (a step, a cheat) is
//! charged to the blueprint that owns the task.
//!
//! Each charge has two figures: the wall seconds of the work, and the CPU seconds (user and
//! system) of the processes it ran, as `support::finish` measured them. The suite keeps the
//! machine's cores busy, so CPU seconds say where its time goes; wall seconds also count
//! waiting (for a server, for a sleep, for a core).

use std::cell::Cell;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use skillforge::blueprint::Library;

/// The folder of the cost files, which `scripts/test` empties before a run.
fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("suite-costs")
}

thread_local! {
    /// CPU seconds used by the processes this thread ran to their end.
    static CPU: Cell<f64> = const { Cell::new(0.0) };
}

/// Adds `seconds` of a finished child's CPU time to this thread's account.
pub(crate) fn add_cpu(seconds: f64) {
    CPU.with(|cpu| cpu.set(cpu.get() + seconds));
}

/// The start of a piece of work to charge: the time, and this thread's CPU account then.
#[derive(Clone, Copy)]
pub(crate) struct Started {
    at: Instant,
    cpu: f64,
}

/// Starts timing a piece of work done on this thread.
pub(crate) fn start() -> Started {
    Started {
        at: Instant::now(),
        cpu: CPU.with(Cell::get),
    }
}

impl Started {
    /// Wall seconds and CPU seconds since the start.
    fn spent(self) -> (f64, f64) {
        (
            self.at.elapsed().as_secs_f64(),
            CPU.with(Cell::get) - self.cpu,
        )
    }
}

/// Appends one line per charge, `activity<TAB>blueprint<TAB>wall<TAB>cpu`; a cost that
/// cannot be written is reported, never fatal.
fn write(activity: &str, charges: &[(String, f64, f64)]) {
    let dir = folder();
    let _ = std::fs::create_dir_all(&dir);
    let lines: String = charges
        .iter()
        .map(|(blueprint, wall, cpu)| format!("{activity}\t{blueprint}\t{wall:.3}\t{cpu:.3}\n"))
        .collect();
    let file = dir.join(format!("{}.tsv", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&file)
        .and_then(|mut f| f.write_all(lines.as_bytes()));
    if let Err(e) = written {
        eprintln!("cannot record costs in {}: {e}", file.display());
    }
}

/// The blueprint that owns each task id, from the embedded library.
fn owners() -> &'static Vec<(String, String, usize)> {
    static OWNERS: OnceLock<Vec<(String, String, usize)>> = OnceLock::new();
    OWNERS.get_or_init(|| {
        let library = Library::embedded().expect("the embedded library loads");
        library
            .blueprints
            .iter()
            .flat_map(|b| {
                let count = b.tasks.len();
                b.tasks
                    .iter()
                    .map(move |t| (t.id.clone(), b.id().to_string(), count))
            })
            .collect()
    })
}

/// The blueprint owning `task`, or `task` itself when no blueprint has it.
pub(crate) fn owner(task: &str) -> String {
    owners()
        .iter()
        .find(|(id, _, _)| id == task)
        .map_or_else(|| task.to_string(), |(_, b, _)| b.clone())
}

/// Charges the time since `started` to the blueprint that owns `task`.
pub(crate) fn charge_task(activity: &str, task: &str, started: Started) {
    let (wall, cpu) = started.spent();
    write(activity, &[(owner(task), wall, cpu)]);
}

/// Charges the time since `started` to `parts` (blueprint ids), in proportion to their
/// tasks (a part with no task counts as one).
pub(crate) fn charge_parts<S: AsRef<str>>(activity: &str, parts: &[S], started: Started) {
    let (wall, cpu) = started.spent();
    let weight = |part: &str| {
        let count = owners()
            .iter()
            .find(|(_, b, _)| b == part)
            .map_or(1, |(_, _, count)| *count);
        // A task count is small: it converts exactly.
        f64::from(u32::try_from(count).unwrap_or(u32::MAX))
    };
    let total: f64 = parts.iter().map(|p| weight(p.as_ref())).sum();
    let charges: Vec<(String, f64, f64)> = parts
        .iter()
        .map(|p| {
            let p = p.as_ref();
            let share = weight(p) / total;
            (p.to_string(), wall * share, cpu * share)
        })
        .collect();
    write(activity, &charges);
}
