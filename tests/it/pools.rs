//! Every core for the work in front of the user: the pools graft configures give op
//! chunks every core, and one layer's chunks run on several threads at once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
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

/// Runs jobs on scoped threads and remembers the most one call handed it.
struct CountingParts {
    most: AtomicUsize,
}

impl graft::ops::Executor for CountingParts {
    fn threads(&self) -> usize {
        2
    }

    fn run<'a>(&self, jobs: Vec<Job<'a>>) {
        self.most.fetch_max(jobs.len(), Ordering::SeqCst);
        graft::ops::ScopedThreads { threads: 2 }.run(jobs);
    }
}

#[test]
fn ops_that_ran_on_one_thread_split_their_polylines_and_draw_the_same() {
    use crate::util::{call, ctx};
    use graft::geometry::{Polylines, Vec3};
    use graft::ops::RawParam;
    // 3 000 wavy polylines, some with a repeated point (collapse keeps those as they are).
    let input = Polylines::from_lines((0..3000).map(|i| {
        let y = i as f32 * 0.1;
        (0..6)
            .map(move |k| Vec3::new(k as f32 * 10.0, y + (k % 2) as f32, 0.0))
            .chain((i % 7 == 0).then(|| Vec3::new(50.0, y + 1.0, 0.0)))
            .collect::<Vec<_>>()
    }));
    let cases: [(&str, Vec<(&str, RawParam)>); 7] = [
        (
            "drop",
            vec![
                ("probability_base", [0.4, 0.0, 0.0].into()),
                ("interval", 5.into()),
            ],
        ),
        (
            "drop",
            vec![
                ("by", "face".into()),
                ("interval", 3.into()),
                ("keep_mode", "keep".into()),
            ],
        ),
        ("collapse", vec![("subdivisions", 3.into())]),
        ("extrude", vec![("subdivisions", 1.into())]),
        (
            "mirror",
            vec![
                ("cx", 25.0.into()),
                ("cy", 150.0.into()),
                ("n_mirror", 3.into()),
            ],
        ),
        ("mirror3d", vec![("center", [25.0, 150.0, 0.0].into())]),
        (
            "mirror3d",
            vec![
                ("center", [25.0, 150.0, 0.0].into()),
                ("mode", "azimuth".into()),
            ],
        ),
    ];
    let nothing = Polylines::new();
    let mut twice = Polylines::new();
    // 40 icosahedra side by side: 800 faces for hidden-line removal.
    let solid = crate::util::primitive("polyhedron", &[("kind", "icosahedron".into())]).unwrap();
    let mut solids = Polylines::new();
    for k in 0..40 {
        for line in solid.lines() {
            solids.push_line(
                line.iter()
                    .map(|p| *p + Vec3::new(k as f32 * 7.0, 0.0, 0.0)),
            );
        }
    }
    let cases = cases
        .into_iter()
        .map(|(name, params)| (name, params, &input))
        .chain([("perspective", vec![("hidden", "faces".into())], &solids)]);
    // An SVG file of 600 curved paths, flattened in chunks.
    let svg_dir = crate::util::tempdir("pools-svg");
    let svg_path = svg_dir.join("many.svg");
    let paths: String = (0..600)
        .map(|i| {
            format!(
                "<path d=\"M 10 {y} C 40 {a} 70 {b} 100 {y}\" stroke=\"black\" fill=\"none\"/>",
                y = i,
                a = i + 20,
                b = i - 20
            )
        })
        .collect();
    std::fs::write(
        &svg_path,
        format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200mm\" height=\"700mm\" viewBox=\"0 0 200 700\">{paths}</svg>"),
    )
    .unwrap();
    let svg_case = (
        "svg",
        vec![("path", svg_path.to_string_lossy().into_owned().into())],
        &nothing,
    );
    // The lines drawn twice: thousands of overlapping straight runs to merge.
    twice.extend_from(&input);
    twice.extend_from(&input);
    let cases = cases.chain([svg_case, ("deduplicate", vec![], &twice)]);
    for (name, params, input) in cases {
        let input = input.clone();
        let c = call(name, &params);
        let p = c.resolve(0.0).unwrap();
        let serial = c.op.eval(&input, &p, &ctx()).unwrap();
        let counting = Arc::new(CountingParts {
            most: AtomicUsize::new(0),
        });
        let split = ctx().with_executor(counting.clone());
        let parallel = c.op.eval(&input, &p, &split).unwrap();
        assert!(
            counting.most.load(Ordering::SeqCst) >= 2,
            "{name} ran in one part"
        );
        assert_eq!(
            serial, parallel,
            "{name}: the parts draw what one pass draws"
        );
        assert!(serial.line_count() > 0);
    }
}

#[test]
fn new_point_buffers_are_written_in_parallel_chunks_and_hold_what_a_serial_copy_holds() {
    use graft::ops::parallel::{map_to_vec, to_vec};
    let src: Vec<u64> = (0..100_000u64).map(|i| i * 7 + 3).collect();
    let counting = CountingParts {
        most: AtomicUsize::new(0),
    };
    assert_eq!(to_vec(&counting, &src, 1024), src);
    assert_eq!(counting.most.load(Ordering::SeqCst), 2, "two chunks");
    let doubled: Vec<u64> = src.iter().map(|v| v * 2).collect();
    assert_eq!(map_to_vec(&counting, &src, 1024, |v| v * 2), doubled);
    // Short inputs stay on the calling thread; empty ones are empty.
    assert_eq!(to_vec(&counting, &src[..10], 1024), &src[..10]);
    assert!(to_vec(&counting, &[] as &[u64], 1024).is_empty());
}
