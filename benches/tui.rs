//! In-process timings of the terminal UI on a big store: loading the queue and drawing the first
//! frame, the work of one key press (move, open detail, filter) including the redraw, the
//! statistics screen's recomputation, and search (index build, one keystroke on the search line).
//!
//! Needs a store: `TVANG_BENCH_DB=DIR cargo bench --bench tui` (benches/tui-100k.sh makes one
//! with 100,000 protocols and runs this).

use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tvang::catalogue::Catalogue;
use tvang::store::Store;
use tvang::triage::TriageRules;
use tvang::tui::keymap::{Key, Keymap};
use tvang::tui::state::App;

fn draw(app: &App, terminal: &mut Terminal<TestBackend>) {
    terminal
        .draw(|frame| tvang::tui::view::render(app, frame))
        .unwrap();
}

fn press(app: &mut App, keys: &str) {
    for k in keys.split_whitespace() {
        app.on_key(Key::parse(k).unwrap());
    }
}

fn bench(c: &mut Criterion) {
    let Some(dir) = std::env::var_os("TVANG_BENCH_DB") else {
        eprintln!("TVANG_BENCH_DB is not set: nothing to measure (see benches/tui-100k.sh)");
        return;
    };
    let store = match Store::open(std::path::Path::new(&dir)) {
        Ok(store) => Arc::new(store),
        Err(e) => {
            eprintln!("TVANG_BENCH_DB={}: {e}", dir.to_string_lossy());
            return;
        }
    };
    let catalogue = Arc::new(Catalogue::built_in());
    let new_app = || {
        App::new(
            Arc::clone(&store),
            Arc::clone(&catalogue),
            Keymap::built_in(),
            "bench".into(),
            TriageRules::default(),
        )
        .unwrap()
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut group = c.benchmark_group("tui");
    group.sample_size(10);
    group.bench_function("load queue + first frame", |b| {
        b.iter(|| {
            let mut app = new_app();
            app.resize(120, 40);
            draw(&app, &mut terminal);
        })
    });
    let mut app = new_app();
    app.resize(120, 40);
    eprintln!("queue: {} rows", app.queue.rows.len());
    group.sample_size(100);
    group.bench_function("move cursor + frame", |b| {
        b.iter(|| {
            press(&mut app, "j");
            draw(&app, &mut terminal);
        })
    });
    // Each page down moves a page: back to the top (untimed) before the bottom is reached,
    // where the key would only redraw.
    group.bench_function("page down + frame", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                if app.view.cursor + usize::from(app.height()) * 2 >= app.view.visible.len() {
                    press(&mut app, "g g");
                }
                let started = Instant::now();
                press(&mut app, "ctrl-d");
                draw(&app, &mut terminal);
                spent += started.elapsed();
            }
            spent
        })
    });
    // Opening only: going back and down to the next row is not timed.
    group.bench_function("open detail + frame", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                press(&mut app, "enter");
                draw(&app, &mut terminal);
                spent += started.elapsed();
                assert!(app.screen.detail().is_some(), "enter opened nothing");
                press(&mut app, "esc j");
            }
            spent
        })
    });
    group.bench_function("apply filter + frame", |b| {
        let mut flip = false;
        b.iter(|| {
            flip = !flip;
            let filter = if flip {
                "filter provision=10-7 flag=injury"
            } else {
                "filter provision= flag=late"
            };
            app.command(filter);
            draw(&app, &mut terminal);
        })
    });
    group.bench_function("sort by institution + frame", |b| {
        b.iter(|| {
            app.command("sort institution");
            draw(&app, &mut terminal);
            app.command("sort date desc");
        })
    });
    // Statistics: the recomputation alone (what follows every filter change and decision
    // while the screen is open), then a filter change with the screen open, drawn.
    app.command("filter provision= flag=");
    for (name, by) in [
        ("Queue::stats by year", tvang::stats::GroupBy::Year),
        ("Queue::stats by month", tvang::stats::GroupBy::Month),
        (
            "Queue::stats by institution",
            tvang::stats::GroupBy::Institution,
        ),
        (
            "Queue::stats by provision",
            tvang::stats::GroupBy::Provision,
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                app.queue.stats(
                    &app.view.filter,
                    by,
                    tvang::stats::DateBasis::Own,
                    &catalogue,
                )
            })
        });
    }
    press(&mut app, "g s");
    group.bench_function("stats screen: filter + recompute + frame", |b| {
        let mut flip = false;
        b.iter(|| {
            flip = !flip;
            app.command(if flip {
                "filter region=vestland"
            } else {
                "filter region="
            });
            draw(&app, &mut terminal);
        })
    });
    press(&mut app, "shift-tab");
    group.bench_function("stats screen: funnel frame", |b| {
        b.iter(|| draw(&app, &mut terminal))
    });
    press(&mut app, "esc");
    // Search: building the index (done on a thread at start), then one keystroke on the search
    // line — the search, the queue's rows and the frame — for typical queries. Each iteration
    // types the query's last character or deletes it, so every one searches anew.
    group.sample_size(10);
    group.bench_function("search index build", |b| {
        b.iter(|| tvang::search::load_index(&store, &catalogue).unwrap())
    });
    group.sample_size(30);
    for query in [
        "s",
        "solbakken",
        "slobakken lagt",
        "inst:solbakk child:B-SOL",
        "text:\"lagt i bakken\"",
    ] {
        press(&mut app, "/");
        for ch in query.chars() {
            app.on_key(Key::ch(ch));
        }
        let last = query.chars().last().unwrap();
        group.bench_function(format!("search keystroke + frame: {query}"), |b| {
            let mut typed = true;
            b.iter(|| {
                if typed {
                    press(&mut app, "backspace");
                } else {
                    app.on_key(Key::ch(last));
                }
                typed = !typed;
                draw(&app, &mut terminal);
            })
        });
        press(&mut app, "esc");
    }
    // Review sessions over the whole queue (the largest worklist there can be): making one
    // (written and flushed), a key in it (progress in the title, dimmed rows), decide-and-advance
    // (the decision, the next unhandled item, the session's state flushed), and its report.
    group.sample_size(10);
    let mut made = 0;
    group.bench_function("session new (every protocol) + frame", |b| {
        b.iter(|| {
            made += 1;
            app.command(&format!("session new bench {}-{made}", std::process::id()));
            draw(&app, &mut terminal);
        })
    });
    if app.session.is_none() {
        eprintln!(
            "no session was made ({}): the session benchmarks end here",
            app.message.as_ref().map_or("", |(_, m)| m.as_str())
        );
        group.finish();
        return;
    }
    group.sample_size(50);
    group.bench_function("session: move cursor + frame", |b| {
        b.iter(|| {
            press(&mut app, "j");
            draw(&app, &mut terminal);
        })
    });
    group.bench_function("session: decide and advance + frame", |b| {
        b.iter(|| {
            press(&mut app, "d");
            draw(&app, &mut terminal);
        })
    });
    let Some(active) = app.session.as_ref() else {
        eprintln!("the session ended before its report: the report is not measured");
        group.finish();
        return;
    };
    let session = match store.session(&active.state().name) {
        Ok(Some(session)) => session,
        other => {
            eprintln!(
                "the session made is not in the store ({other:?}): the report is not measured"
            );
            group.finish();
            return;
        }
    };
    eprintln!("session: {} items", session.items.len());
    group.sample_size(10);
    group.bench_function("session report: build + markdown", |b| {
        b.iter(|| {
            let r = tvang::session_report::build(
                &store,
                &catalogue,
                &app.queue,
                &session,
                "bench",
                chrono::Utc::now(),
            )
            .unwrap();
            tvang::text::session::render_report(&r, tvang::session_report::ReportFormat::Markdown)
        })
    });
    app.command("session leave");
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
