//! Import benchmarks. `cargo bench --bench import` (set TVANG_BENCH_PROTOCOLS to change the size,
//! default 10,000). The 100,000-protocol end-to-end figure in the README comes from
//! `benches/import-100k.sh`, which times the real binary.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::PathBuf;
use tvang::catalogue::Catalogue;
use tvang::generate::{generate, write, GenerateOptions, OutputFormat};
use tvang::import::{import_paths, record::normalise, ImportOptions, ImportReport};
use tvang::store::Store;

fn size() -> usize {
    std::env::var("TVANG_BENCH_PROTOCOLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000)
}

fn fixture(dir: &std::path::Path, n: usize) -> PathBuf {
    let data = generate(&GenerateOptions {
        protocols: n,
        seed: 42,
        first_year: 2022,
        last_year: 2023,
    });
    write(&data, dir, OutputFormat::Jsonl, false).unwrap();
    dir.join("protokoller.jsonl")
}

fn import(store: &Store, catalogue: &Catalogue, file: &std::path::Path) -> ImportReport {
    import_paths(
        store,
        catalogue,
        &[file.to_path_buf()],
        ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let n = size();
    let tmp = tempfile::tempdir().unwrap();
    let file = fixture(tmp.path(), n);
    let text = std::fs::read_to_string(&file).unwrap();
    let catalogue = Catalogue::built_in();
    let mut group = c.benchmark_group("import");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(10);

    group.bench_function(format!("parse_and_normalise_{n}_jsonl"), |b| {
        b.iter(|| {
            let mut ok = 0;
            for line in text.lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                ok += normalise(&v, &catalogue, false).is_ok() as usize;
            }
            assert_eq!(ok, n);
        })
    });

    group.bench_function(format!("import_{n}_jsonl_into_new_store"), |b| {
        b.iter_with_setup(
            || tempfile::tempdir().unwrap(),
            |db| {
                let store = Store::open(db.path()).unwrap();
                let report = import(&store, &catalogue, &file);
                assert_eq!(report.protocols.new, n);
                drop(store);
                db
            },
        )
    });

    let db = tempfile::tempdir().unwrap();
    let store = Store::open(db.path()).unwrap();
    import(&store, &catalogue, &file);
    group.bench_function(format!("reimport_{n}_jsonl_unchanged"), |b| {
        b.iter(|| {
            let report = import(&store, &catalogue, &file);
            assert_eq!(report.protocols.unchanged, n);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
