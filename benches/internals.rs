//! The stages of `skillforge new --from` on their own, for profiling what `bench/run` shows
//! end to end: loading a blueprint folder, rendering the project in memory, writing it, and
//! the first commit.
//!
//! The blueprint is the synthetic one of `bench/make_templates.py` (about 60 lines and five
//! variables a file), written once per size into a temporary folder, so these figures and
//! those of `bench/run` are about the same files. Run with `cargo bench --bench internals`.
//!
//! The planner is timed over the synthetic library of `bench/make_library.py` (thirty bases
//! and twenty add-ons with manifests the size of the real ones) added to the embedded one:
//! `cargo bench --bench internals -- plan`. Reading the embedded library, as every command
//! does first, is `-- start-up`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group};
use skillforge::blueprint::{Blueprint, Kind, Library, local};
use skillforge::generate::{self, GitRequest};
use skillforge::git::{self, WrittenFile};
use skillforge::plan::Plan;
use skillforge::plan::planner;
use skillforge::project::{self, Project};

const SIZES: [usize; 2] = [100, 1000];

/// The synthetic blueprint of `count` files, written by the script `bench/run` uses.
fn synthetic_blueprint(root: &Path, count: usize) -> PathBuf {
    let out = root.join(format!("templates-{count}"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/make_templates.py");
    let status = Command::new("python3")
        .arg(&script)
        .arg(&out)
        .arg(count.to_string())
        .status()
        .expect("python3 runs bench/make_templates.py");
    assert!(status.success(), "bench/make_templates.py failed");
    out.join("skillforge")
}

/// Renders the project of `blueprint` with every default, as `new --from ... -y` does.
fn compose(library: &Library, blueprint: &Blueprint) -> Project {
    let plan = Plan::sample(blueprint, Vec::new(), "bench-project")
        .expect("defaults answer every question");
    project::compose(&plan, &library.catalog, Plan::sample_day())
        .expect("the synthetic blueprint renders")
}

fn git_request(enabled: bool) -> GitRequest {
    GitRequest {
        enabled,
        message: "first commit".into(),
        fallback: ("Bench".into(), "bench@example.com".into()),
    }
}

/// A destination no earlier iteration used, in a folder of its own so removing the last
/// one's output is not timed.
fn fresh(root: &Path, counter: &mut usize) -> PathBuf {
    *counter += 1;
    let parent = root.join(format!("out-{counter}"));
    let _ = std::fs::remove_dir_all(root.join(format!("out-{}", *counter - 1)));
    std::fs::create_dir_all(&parent).expect("a fresh output folder");
    parent.join("bench-project")
}

fn stages(c: &mut Criterion) {
    let work = tempfile::tempdir().expect("a temporary folder");
    let mut counter = 0;
    for count in SIZES {
        let dir = synthetic_blueprint(work.path(), count);
        let blueprint = local::load_one(&dir).expect("the synthetic blueprint loads");
        let library = Library::embedded()
            .and_then(|l| l.with(vec![blueprint]))
            .expect("the library takes the synthetic blueprint");
        let blueprint = library.get("bench").expect("loads").expect("added above");
        let project = compose(&library, blueprint);
        let files: Vec<WrittenFile<'_>> = project
            .files
            .iter()
            .map(|f| WrittenFile {
                path: f.path.as_str(),
                contents: &f.contents,
            })
            .collect();

        let mut group = c.benchmark_group("stages");
        group.sample_size(10);
        group.throughput(Throughput::Elements(count as u64));
        group.bench_function(BenchmarkId::new("load blueprint folder", count), |b| {
            b.iter(|| local::load_one(&dir).expect("loads"))
        });
        group.bench_function(BenchmarkId::new("render in memory", count), |b| {
            b.iter(|| compose(&library, blueprint))
        });
        group.bench_function(BenchmarkId::new("write tree", count), |b| {
            b.iter_batched(
                || fresh(work.path(), &mut counter),
                |dest| generate::write(&project, &dest, &git_request(false)).expect("writes"),
                BatchSize::PerIteration,
            )
        });
        group.bench_function(BenchmarkId::new("first commit", count), |b| {
            b.iter_batched(
                || {
                    let dest = fresh(work.path(), &mut counter);
                    generate::write(&project, &dest, &git_request(false)).expect("writes");
                    dest
                },
                |dest| {
                    git::init_and_commit(&dest, &files, "first commit", ("Bench", "b@example.com"))
                        .expect("commits")
                },
                BatchSize::PerIteration,
            )
        });
        group.finish();
    }
}

/// The synthetic library of `bench/make_library.py`, written into `root`.
fn synthetic_library(root: &Path) -> Vec<Blueprint> {
    let out = root.join("library");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/make_library.py");
    let status = Command::new("python3")
        .arg(&script)
        .arg(&out)
        .status()
        .expect("python3 runs bench/make_library.py");
    assert!(status.success(), "bench/make_library.py failed");
    local::load(&out).expect("the synthetic library loads")
}

/// The `count` skills the most add-ons exercise (ties by id): the request that leaves the
/// planner the most add-ons to combine after pruning.
fn busiest_skills(library: &Library, count: usize) -> Vec<String> {
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for addon in library.blueprints.iter().filter(|b| b.kind == Kind::Addon) {
        for skill in addon.all_skills() {
            *uses.entry(skill).or_default() += 1;
        }
    }
    let mut ranked: Vec<(&str, usize)> = uses.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    ranked
        .iter()
        .take(count)
        .map(|(s, _)| s.to_string())
        .collect()
}

fn planning(c: &mut Criterion) {
    let work = tempfile::tempdir().expect("a temporary folder");
    let library = Library::embedded()
        .and_then(|l| l.with(synthetic_library(work.path())))
        .expect("the library takes the synthetic blueprints");
    let requested = busiest_skills(&library, 5);
    let mut group = c.benchmark_group("plan");
    // The five best, as `new --skills` offers them.
    group.bench_function("five busiest skills, 30+4 bases, 20+3 add-ons", |b| {
        b.iter(|| planner::rank(&library, &requested, &[], 5).expect("plans"))
    });
    group.finish();
    let mut group = c.benchmark_group("start-up");
    group.bench_function("read the embedded library", |b| {
        b.iter(|| Library::embedded().expect("reads"))
    });
    group.bench_function("read it and load one blueprint", |b| {
        b.iter(|| {
            let library = Library::embedded().expect("reads");
            library.get("pypi-package").expect("loads").is_some()
        })
    });
    group.finish();
}

criterion_group!(benches, stages, planning);

/// `cargo test --all-targets -- --skip NAME` hands libtest's `--skip NAME` to every target,
/// this one too, and criterion refuses options it does not know. Nothing here is named after
/// what is skipped, so the pair is dropped: the benchmark reruns itself without it.
fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let mut kept = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.to_str() {
            Some("--skip") => drop(rest.next()),
            _ => kept.push(arg.clone()),
        }
    }
    if kept.len() != args.len() {
        let me = std::env::current_exe().expect("the benchmark's own path");
        let status = Command::new(me)
            .args(kept)
            .status()
            .expect("the benchmark reruns");
        std::process::exit(status.code().unwrap_or(1));
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
