//! `graft batch`: the product of seeds and sweeps, file names, shards from the
//! schedulers' variables, rendering (identical bytes, resume, manifest, sheet).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use graft::batch::{
    BatchSpec, ItemOutcome, Shard, Template, items, parse_seeds, parse_sweep, run_batch,
};
use graft::ops::OpRegistry;

use crate::util::{bundled_path, tempdir};

#[test]
fn seeds_and_sweeps_make_a_product_in_a_fixed_order() {
    assert_eq!(parse_seeds("3..6").unwrap(), [3, 4, 5, 6]);
    assert_eq!(parse_seeds("1,4,9").unwrap(), [1, 4, 9]);
    assert_eq!(parse_seeds("7").unwrap(), [7]);
    for bad in ["6..3", "a..b", "1,1", "-1", "0..100000000000"] {
        let e = parse_seeds(bad).unwrap_err().to_string();
        assert!(e.starts_with(&format!("--seeds '{bad}'")), "{e}");
    }
    // Tuples keep their commas; the last sweep changes fastest.
    let a = parse_sweep("field/tilt/rotation=(0, 0, -8),(0, 0, 8)").unwrap();
    assert_eq!(a.values.len(), 2);
    assert_eq!(a.values[1].0, "(0, 0, 8)");
    let b = parse_sweep("garden/plant/iters=3,4,5").unwrap();
    let all = items(&[10, 20], &[a, b]).unwrap();
    assert_eq!(all.len(), 12);
    let key = |i: usize| {
        (
            all[i].seed,
            all[i].values[0].1.clone(),
            all[i].values[1].1.clone(),
        )
    };
    assert_eq!(key(0), (Some(10), "(0, 0, -8)".into(), "3".into()));
    assert_eq!(key(1), (Some(10), "(0, 0, -8)".into(), "4".into()));
    assert_eq!(key(3), (Some(10), "(0, 0, 8)".into(), "3".into()));
    assert_eq!(key(11), (Some(20), "(0, 0, 8)".into(), "5".into()));
    assert!(all.iter().enumerate().all(|(i, item)| item.index == i));
    // No seeds: the scene's own, once per value.
    assert_eq!(items(&[], &[]).unwrap().len(), 1);
    assert!(parse_sweep("no-equals").is_err());
    assert!(parse_sweep("field/tilt/rotation=(0, 0").is_err());

    // Names: placeholders filled and made file-safe, the index padded to the batch size.
    let item = &all[3];
    let name = Template("out/{name}-{seed}-{rotation}-{set2}-{index}.svg".into())
        .fill(item, "seeds", 0.0, 12)
        .unwrap();
    assert_eq!(name, Path::new("out/seeds-10-0_0_8-3-03.svg"));
    let e = Template("{colour}.svg".into())
        .fill(item, "seeds", 0.0, 12)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("unknown placeholder {colour}") && e.contains("{rotation}"),
        "{e}"
    );
}

#[test]
fn shards_come_from_each_scheduler_and_never_guess() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    assert_eq!(
        Shard::parse("3/10").unwrap(),
        Shard {
            index: 3,
            count: 10
        }
    );
    for bad in ["10/10", "3", "a/b", "0/0"] {
        assert!(Shard::parse(bad).is_err(), "{bad}");
    }
    let one = |vars| Shard::from_env(4, env(vars));
    assert_eq!(one(&[("JOB_COMPLETION_INDEX", "2")]).unwrap().index, 2);
    assert_eq!(one(&[("AWS_BATCH_JOB_ARRAY_INDEX", "3")]).unwrap().index, 3);
    assert_eq!(
        one(&[("BATCH_TASK_INDEX", "1"), ("BATCH_TASK_COUNT", "4")])
            .unwrap()
            .index,
        1
    );
    // Slurm arrays may start at 1 and step: --array=1-7:2 runs ids 1, 3, 5, 7.
    for (id, index) in [("1", 0), ("3", 1), ("7", 3)] {
        let vars: &'static [(&str, &str)] = Box::leak(Box::new([
            ("SLURM_ARRAY_TASK_ID", id),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]));
        assert_eq!(one(vars).unwrap().index, index, "id {id}");
    }
    // Missing, contradictory, off the array, out of range: errors, never a full run.
    for (vars, says) in [
        (&[][..], "no shard index"),
        (
            &[
                ("JOB_COMPLETION_INDEX", "1"),
                ("AWS_BATCH_JOB_ARRAY_INDEX", "2"),
            ][..],
            "two shards",
        ),
        (
            &[
                ("SLURM_ARRAY_TASK_ID", "4"),
                ("SLURM_ARRAY_TASK_MIN", "1"),
                ("SLURM_ARRAY_TASK_STEP", "2"),
            ][..],
            "not on the array",
        ),
        (
            &[
                ("SLURM_ARRAY_TASK_ID", "0"),
                ("SLURM_ARRAY_TASK_COUNT", "5"),
            ][..],
            "5 tasks",
        ),
        (
            &[("BATCH_TASK_INDEX", "0"), ("BATCH_TASK_COUNT", "2")][..],
            "2 tasks",
        ),
        (&[("JOB_COMPLETION_INDEX", "4")][..], "does not exist"),
        (&[("JOB_COMPLETION_INDEX", "x")][..], "not a whole number"),
    ] {
        let vars: &'static [(&str, &str)] = Box::leak(vars.to_vec().into_boxed_slice());
        let e = one(vars).unwrap_err().to_string();
        assert!(e.contains(says), "{vars:?}: {e}");
    }
}

/// A batch of the bundled seeds scene over `seeds`, writing SVG (and what `edit` adds)
/// into `dir`.
fn spec(dir: &Path, seeds: &[u64], edit: impl FnOnce(&mut BatchSpec)) -> BatchSpec {
    let path = bundled_path("seeds.scene.ron");
    let scene =
        graft::host::load_scene(&path, &std::sync::Arc::new(OpRegistry::builtin())).unwrap();
    let settings = graft::ecs::PipelineSettings::default();
    settings
        .files
        .set_base(path.parent().map(Path::to_path_buf));
    let mut spec = BatchSpec {
        scene_path: path.clone(),
        scene,
        header: graft::scene::leading_comments(&std::fs::read_to_string(&path).unwrap()),
        t: 0.0,
        items: items(seeds, &[]).unwrap(),
        svg: Some(Template(
            dir.join("{name}-{seed}.svg").display().to_string(),
        )),
        png: None,
        dpi: 30.0,
        overwrite: false,
        sheet: None,
        manifest: None,
        shard: None,
        jobs: 2,
        eval: settings.eval.clone(),
    };
    edit(&mut spec);
    spec
}

fn read(path: impl AsRef<Path>) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_batch_writes_each_seed_once_resumes_and_lists_what_it_wrote() {
    let dir = tempdir("batch");
    let first = spec(&dir, &[1, 2, 3, 4], |s| {
        s.manifest = Some(dir.join("manifest.json"));
        s.sheet = Some(dir.join("sheet.png"));
    });
    let summary = run_batch(&first, &|_, _| {}).unwrap();
    assert_eq!(summary.counts(), (4, 0, 0));
    let svg = |seed: u64| dir.join(format!("seeds-{seed}.svg"));
    // Different seeds draw differently; each file records its seed.
    let bytes: Vec<Vec<u8>> = (1..=4).map(|s| read(svg(s))).collect();
    assert_eq!(bytes.iter().collect::<BTreeSet<_>>().len(), 4);
    assert!(String::from_utf8_lossy(&bytes[2]).contains("seed: 3"));

    // The manifest lists every item with the hash of its file.
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(dir.join("manifest.json"))).unwrap();
    let listed = manifest["items"].as_array().unwrap();
    assert_eq!(listed.len(), 4);
    for (k, item) in listed.iter().enumerate() {
        assert_eq!(item["seed"], k as u64 + 1);
        assert_eq!(item["outcome"], "rendered");
        let file = &item["files"][0];
        assert_eq!(file["path"], svg(k as u64 + 1).display().to_string());
        let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes[k]));
        assert_eq!(file["xxh3"], hash);
    }
    // The contact sheet: a 2 × 2 grid of 50 mm thumbnails with 4 mm gaps (112 mm wide).
    let sheet = resvg::tiny_skia::Pixmap::load_png(dir.join("sheet.png")).unwrap();
    assert_eq!(sheet.width(), (112.0f64 / 25.4 * 30.0).round() as u32);

    // Interrupted: one file lost. The next run renders only that one, the same bytes,
    // and leaves the others as they were.
    std::fs::remove_file(svg(3)).unwrap();
    let modified = std::fs::metadata(svg(1)).unwrap().modified().unwrap();
    let again = run_batch(&spec(&dir, &[1, 2, 3, 4], |_| {}), &|_, _| {}).unwrap();
    assert_eq!(again.counts(), (1, 3, 0));
    assert!(
        read(svg(3)) == bytes[2],
        "the same seed gives the same bytes"
    );
    assert_eq!(
        std::fs::metadata(svg(1)).unwrap().modified().unwrap(),
        modified
    );

    // With overwrite every item is made again, byte for byte the same.
    let over = run_batch(
        &spec(&dir, &[1, 2, 3, 4], |s| s.overwrite = true),
        &|_, _| {},
    )
    .unwrap();
    assert_eq!(over.counts(), (4, 0, 0));
    assert!((1..=4).map(|s| read(svg(s))).collect::<Vec<_>>() == bytes);

    // The same as `graft render --seed 2` writes (one evaluator, one writer).
    let rendered = dir.join("render-2.svg");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_graft"))
        .args([
            "render",
            &bundled_path("seeds.scene.ron").display().to_string(),
        ])
        .args(["--seed", "2", "--svg", &rendered.display().to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        read(&rendered) == bytes[1],
        "render --seed 2 wrote other bytes"
    );
}

#[test]
fn shards_split_a_batch_without_overlap_and_bad_items_fail_alone() {
    let dir = tempdir("batch-shards");
    let mut written: HashMap<usize, usize> = HashMap::new();
    for i in 0..3 {
        let s = spec(&dir, &[1, 2, 3, 4, 5, 6, 7], |s| {
            s.shard = Some(Shard::new(i, 3).unwrap());
            s.manifest = Some(dir.join("manifest.json"));
        });
        let summary = run_batch(&s, &|_, _| {}).unwrap();
        for item in &summary.items {
            assert_eq!(item.index % 3, i);
            *written.entry(item.index).or_default() += 1;
        }
        // Each shard its own manifest.
        assert!(dir.join(format!("manifest-shard-{i}-of-3.json")).is_file());
    }
    assert_eq!(written.len(), 7);
    assert!(written.values().all(|&n| n == 1));

    // Two items naming one file are refused before anything runs.
    let same = spec(&dir, &[1, 2], |s| {
        s.svg = Some(Template(dir.join("one.svg").display().to_string()));
    });
    let e = run_batch(&same, &|_, _| {}).unwrap_err().to_string();
    assert!(e.contains("items 0 and 1 would both write"), "{e}");

    // A value a parameter does not allow fails its item only.
    let sweep = parse_sweep("garden/plant/iters=3,-5").unwrap();
    let bad = spec(&dir, &[1], |s| {
        s.items = items(&[1], &[sweep]).unwrap();
        s.svg = Some(Template(
            dir.join("iters-{iters}.svg").display().to_string(),
        ));
    });
    let summary = run_batch(&bad, &|_, _| {}).unwrap();
    assert_eq!(summary.items[0].outcome, ItemOutcome::Rendered);
    let ItemOutcome::Failed(why) = &summary.items[1].outcome else {
        panic!("{:?}", summary.items[1].outcome);
    };
    assert!(why.contains("iters"), "{why}");
    assert!(!dir.join("iters-_5.svg").exists() && !dir.join("iters--5.svg").exists());
}

/// `graft batch` as a process, with `env` set and the shard variables of the test
/// machine cleared.
fn batch_process(args: &[&str], env: &[(&str, &str)]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_graft"));
    cmd.arg("batch").args(args);
    for var in [
        "JOB_COMPLETION_INDEX",
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_STEP",
        "SLURM_ARRAY_TASK_COUNT",
        "AWS_BATCH_JOB_ARRAY_INDEX",
        "BATCH_TASK_INDEX",
        "BATCH_TASK_COUNT",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    cmd
}

/// The files of a folder, by name, with their bytes (manifests left out).
fn files_of(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "svg"))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), read(e.path())))
        .collect()
}

#[test]
fn a_killed_batch_resumes_to_complete_files_and_shards_from_every_scheduler_match_one_run() {
    let scene = bundled_path("seeds.scene.ron").display().to_string();
    let run = |dir: &Path, extra: &[&str], env: &[(&str, &str)]| {
        let template = dir.join("{seed}.svg").display().to_string();
        let manifest = dir.join("manifest.json").display().to_string();
        let mut args = vec![
            scene.as_str(),
            "--seeds",
            "1..24",
            "--svg",
            &template,
            "--manifest",
            &manifest,
            "--jobs",
            "1",
        ];
        args.extend_from_slice(extra);
        let out = batch_process(&args, env).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // One unsharded run: the reference.
    let whole = tempdir("batch-whole");
    run(&whole, &[], &[]);
    let reference = files_of(&whole);
    assert_eq!(reference.len(), 24);

    // Killed once some files are written, then run again: 24 files, all complete.
    let killed = tempdir("batch-killed");
    let template = killed.join("{seed}.svg").display().to_string();
    let mut child = batch_process(
        &[
            &scene,
            "--seeds",
            "1..24",
            "--svg",
            &template,
            "--png",
            &killed.join("{seed}.png").display().to_string(),
            "--jobs",
            "1",
        ],
        &[],
    )
    .stderr(std::process::Stdio::null())
    .spawn()
    .unwrap();
    let start = std::time::Instant::now();
    while files_of(&killed).len() < 3 && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = files_of(&killed).len();
    assert!(partial < 24, "the batch finished before it could be killed");
    run(&killed, &[], &[]);
    assert_eq!(
        files_of(&killed),
        reference,
        "complete, and byte for byte the reference"
    );
    // No staging file is left behind by the second run.
    assert!(
        std::fs::read_dir(&killed).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".tmp")),
        "a temporary file remains"
    );

    // Four shards, each way of naming them: together exactly the reference.
    let ways: [(&str, Vec<(&str, String)>); 5] = [
        ("explicit", vec![]),
        ("kubernetes", vec![("JOB_COMPLETION_INDEX", String::new())]),
        (
            "slurm",
            vec![
                ("SLURM_ARRAY_TASK_ID", String::new()),
                ("SLURM_ARRAY_TASK_MIN", "1".into()),
                ("SLURM_ARRAY_TASK_COUNT", "4".into()),
            ],
        ),
        ("aws", vec![("AWS_BATCH_JOB_ARRAY_INDEX", String::new())]),
        (
            "gcp",
            vec![
                ("BATCH_TASK_INDEX", String::new()),
                ("BATCH_TASK_COUNT", "4".into()),
            ],
        ),
    ];
    for (way, vars) in ways {
        let dir = tempdir(&format!("batch-shards-{way}"));
        for i in 0..4usize {
            let shard = format!("{i}/4");
            let index = if way == "slurm" {
                (i + 1).to_string()
            } else {
                i.to_string()
            };
            let env: Vec<(&str, &str)> = vars
                .iter()
                .map(|(k, v)| {
                    (
                        *k,
                        if v.is_empty() {
                            index.as_str()
                        } else {
                            v.as_str()
                        },
                    )
                })
                .collect();
            if way == "explicit" {
                run(&dir, &["--shard", &shard], &env);
            } else {
                run(&dir, &["--shards", "4"], &env);
            }
        }
        assert_eq!(files_of(&dir), reference, "{way}");
        // The shards' manifests list every item once.
        let mut indices: Vec<u64> = (0..4)
            .flat_map(|i| {
                let text = read(dir.join(format!("manifest-shard-{i}-of-4.json")));
                let m: serde_json::Value = serde_json::from_slice(&text).unwrap();
                m["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|item| item["index"].as_u64().unwrap())
                    .collect::<Vec<_>>()
            })
            .collect();
        indices.sort();
        assert_eq!(indices, (0..24).collect::<Vec<u64>>(), "{way}");
    }
}
