//! Every core for the work in front of the user: the pools graft configures give op
//! chunks every core, and one layer's chunks run on several threads at once.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use graft::ecs::PipelineSettings;
use graft::ops::Job;

#[test]
fn one_layers_chunks_run_on_every_core() {
    let app = graft::sketch::headless_sketch_app(None, |_| {}).unwrap();
    let executor = app
        .world()
        .resource::<PipelineSettings>()
        .eval
        .executor
        .clone();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Ops split their work into this many parts.
    assert!(
        executor.threads() >= cores,
        "{} < {cores}",
        executor.threads()
    );
    if cores < 2 {
        return;
    }
    // Two parts that each wait (up to 5 s) for the other to start: they finish at once
    // only when they run at the same time, on two threads.
    let started = AtomicUsize::new(0);
    let threads = Mutex::new(Vec::new());
    let met = AtomicUsize::new(0);
    let jobs: Vec<Job<'_>> = (0..2)
        .map(|_| {
            let (started, threads, met) = (&started, &threads, &met);
            Box::new(move || {
                threads.lock().unwrap().push(std::thread::current().id());
                started.fetch_add(1, Ordering::SeqCst);
                let deadline = Instant::now() + Duration::from_secs(5);
                while started.load(Ordering::SeqCst) < 2 && Instant::now() < deadline {
                    std::hint::spin_loop();
                }
                if started.load(Ordering::SeqCst) >= 2 {
                    met.fetch_add(1, Ordering::SeqCst);
                }
            }) as Job<'_>
        })
        .collect();
    executor.run(jobs);
    let threads = threads.into_inner().unwrap();
    assert_eq!(
        met.load(Ordering::SeqCst),
        2,
        "the parts ran one after the other"
    );
    assert_ne!(threads[0], threads[1]);
}

#[test]
fn the_process_figures_the_inspector_shows_are_read_from_the_system() {
    use graft::host::process::{cpu_seconds, resident_bytes};
    let before = cpu_seconds().expect("CPU time is readable");
    // Burn CPU on this thread until the process's CPU time shows it (however busy the
    // machine is), within a generous deadline.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut x = 0u64;
    let mut after = before;
    while after - before < 0.05 && Instant::now() < deadline {
        for _ in 0..100_000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        after = cpu_seconds().unwrap();
    }
    std::hint::black_box(x);
    assert!(after - before >= 0.05, "{before} -> {after}");
    // A test binary that links Bevy holds more than a few megabytes.
    let resident = resident_bytes().expect("resident memory is readable on Linux");
    assert!(resident > 4 << 20, "{resident}");
}
